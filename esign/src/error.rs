//! The one error type of the crate: English for logs (`Display`), Russian for
//! people ([`CertError::reason_ru`]).

use std::fmt;

/// Which input could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The signer's certificate.
    Certificate,
    /// An intermediate CA certificate sent with it.
    Intermediate,
    /// The signature over the challenge.
    Signature,
    /// The private key given to [`crate::sign_challenge`].
    PrivateKey,
    /// A trusted CA certificate from the configuration.
    TrustedCa,
    /// A certificate revocation list from the configuration.
    Crl,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Certificate => "certificate",
            Part::Intermediate => "intermediate certificate",
            Part::Signature => "signature",
            Part::PrivateKey => "private key",
            Part::TrustedCa => "trusted CA certificate",
            Part::Crl => "CRL",
        })
    }
}

/// Why a certificate or a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// The input is not a well-formed certificate, signature, key or CRL.
    #[error("malformed {what}: {detail}")]
    Malformed { what: Part, detail: String },
    /// The certificate's validity ended before `now`.
    #[error("certificate expired at unix time {not_after_unix}")]
    Expired { not_after_unix: i64 },
    /// The certificate's validity starts after `now`.
    #[error("certificate not valid before unix time {not_before_unix}")]
    NotYetValid { not_before_unix: i64 },
    /// No path to a trusted CA: unknown issuer, bad chain signature, expired CA.
    #[error("untrusted certificate: {detail}")]
    Untrusted { detail: String },
    /// A configured CRL lists the certificate (or a CA certificate in its path).
    #[error("certificate revoked")]
    Revoked,
    /// CRLs are configured but none could vouch for the certificate: no CRL from
    /// its issuer, a stale CRL, or a CRL that does not verify.
    #[error("revocation status unknown: {detail}")]
    RevocationUnknown { detail: String },
    /// The key usage extension lacks digitalSignature.
    #[error("key usage does not include digitalSignature")]
    KeyUsage,
    /// The extended key usage extension is present and lacks clientAuth.
    #[error("extended key usage does not include clientAuth")]
    ExtendedKeyUsage,
    /// A key that is neither RSA nor ECDSA P-256 (GOST, other curves, Ed25519...).
    #[error("unsupported key algorithm {algorithm}")]
    UnsupportedKey { algorithm: String },
    /// An RSA key shorter than 2048 bits (`None` when the length is not known).
    #[error("RSA key too small ({} bits, 2048 required)", bits_text(*.bits))]
    KeyTooSmall { bits: Option<usize> },
    /// The signature is well formed but does not verify over the challenge with
    /// the certificate's key.
    #[error("signature does not match the challenge and the certificate's key")]
    SignatureMismatch,
}

fn bits_text(bits: Option<usize>) -> String {
    bits.map_or_else(|| "fewer".into(), |b| b.to_string())
}

impl CertError {
    pub(crate) fn malformed(what: Part, detail: impl fmt::Display) -> Self {
        CertError::Malformed {
            what,
            detail: detail.to_string(),
        }
    }

    /// The reason for a person, in Russian, lower case, to follow «Неверный
    /// сертификат: ». Dates are UTC days, `DD.MM.YYYY`.
    pub fn reason_ru(&self) -> String {
        match self {
            CertError::Malformed { what, .. } => match what {
                Part::Certificate => "файл сертификата повреждён или это не сертификат".into(),
                Part::Intermediate => {
                    "сертификат промежуточного удостоверяющего центра повреждён".into()
                }
                Part::Signature => "подпись повреждена или имеет неверный формат".into(),
                Part::PrivateKey => {
                    "закрытый ключ повреждён или имеет неверный формат (нужен PKCS#8 PEM)".into()
                }
                Part::TrustedCa => {
                    "сертификат доверенного удостоверяющего центра в настройках повреждён".into()
                }
                Part::Crl => "список отзыва сертификатов в настройках повреждён".into(),
            },
            CertError::Expired { not_after_unix } => {
                format!("срок действия сертификата истёк {}", date_ru(*not_after_unix))
            }
            CertError::NotYetValid { not_before_unix } => format!(
                "срок действия сертификата ещё не начался: он действует с {}",
                date_ru(*not_before_unix)
            ),
            CertError::Untrusted { .. } => {
                "сертификат выдан удостоверяющим центром, которому портал не доверяет".into()
            }
            CertError::Revoked => "сертификат отозван удостоверяющим центром".into(),
            CertError::RevocationUnknown { .. } => {
                "не удалось проверить, не отозван ли сертификат; попробуйте позже".into()
            }
            CertError::KeyUsage => "сертификат не предназначен для электронной подписи".into(),
            CertError::ExtendedKeyUsage => {
                "сертификат не предназначен для проверки подлинности клиента (входа)".into()
            }
            CertError::UnsupportedKey { algorithm } => format!(
                "ключ {algorithm} не поддерживается: нужен ключ RSA от 2048 бит или ECDSA P-256"
            ),
            CertError::KeyTooSmall { bits } => match bits {
                Some(bits) => format!(
                    "ключ RSA длиной {bits} бит слишком короткий: нужно не меньше 2048 бит"
                ),
                None => "ключ RSA слишком короткий: нужно не меньше 2048 бит".into(),
            },
            CertError::SignatureMismatch => {
                "подпись не соответствует сертификату или запросу: подпишите запрос заново ключом этого сертификата".into()
            }
        }
    }
}

/// `DD.MM.YYYY` of a unix time, in UTC (certificates state their dates in UTC).
fn date_ru(unix: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!("{:02}.{:02}.{}", t.day(), u8::from(t.month()), t.year()),
        Err(_) => "(дата вне диапазона)".into(),
    }
}
