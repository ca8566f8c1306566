//! Why a client signature was refused: English for logs (`Display`),
//! Russian for the `error_description` a portal developer reads
//! ([`CmsError::reason_ru`]).

use std::fmt;

/// Why a detached CMS client signature, or the certificate it is checked
/// against, was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmsError {
    /// The registered certificate is not a readable X.509 certificate
    /// (PEM or DER, exactly one).
    #[error("malformed client certificate: {detail}")]
    Certificate { detail: String },
    /// The signature is not base64 / base64url of a DER CMS SignedData, or
    /// its structure is wrong (not SignedData, not one signer, a missing or
    /// doubled signed attribute, ...).
    #[error("malformed CMS signature: {detail}")]
    Malformed { detail: String },
    /// The signature text is larger than any real client signature.
    #[error("CMS signature too large: {bytes} bytes, at most {limit}")]
    TooLarge { bytes: usize, limit: usize },
    /// The CMS carries the signed content itself; a detached signature is
    /// expected (`openssl cms -sign` without `-nodetach`).
    #[error("CMS signature is not detached: it carries its own content")]
    NotDetached,
    /// The CMS names another signer (issuer and serial number, or subject key
    /// identifier) than the registered certificate.
    #[error("CMS signer is not the registered certificate")]
    SignerMismatch,
    /// A digest, signature or key algorithm that is not verified here.
    #[error("unsupported algorithm: {algorithm}")]
    UnsupportedAlgorithm { algorithm: String },
    /// The signed attributes' messageDigest is not the digest of the content:
    /// the content was changed after signing, or another text was signed.
    #[error("CMS messageDigest does not match the content")]
    DigestMismatch,
    /// The signature does not verify with the registered certificate's key.
    #[error("CMS signature does not verify with the registered certificate's key")]
    BadSignature,
}

impl CmsError {
    pub(crate) fn malformed(detail: impl fmt::Display) -> Self {
        CmsError::Malformed {
            detail: detail.to_string(),
        }
    }

    pub(crate) fn certificate(detail: impl fmt::Display) -> Self {
        CmsError::Certificate {
            detail: detail.to_string(),
        }
    }

    pub(crate) fn unsupported(algorithm: impl fmt::Display) -> Self {
        CmsError::UnsupportedAlgorithm {
            algorithm: algorithm.to_string(),
        }
    }

    /// The reason in Russian, lower case, to follow «Неверная подпись
    /// запроса: » (ESIA-007053 `error_description`).
    pub fn reason_ru(&self) -> String {
        match self {
            CmsError::Certificate { .. } => {
                "сертификат системы-клиента повреждён или это не сертификат X.509".into()
            }
            CmsError::Malformed { .. } => {
                "client_secret не является откреплённой подписью CMS (DER в base64url)".into()
            }
            CmsError::TooLarge { limit, .. } => {
                format!("client_secret слишком длинный: подпись CMS больше {limit} байт")
            }
            CmsError::NotDetached => {
                "подпись CMS содержит подписанные данные: нужна откреплённая подпись".into()
            }
            CmsError::SignerMismatch => {
                "подпись сделана не сертификатом, зарегистрированным для системы-клиента".into()
            }
            CmsError::UnsupportedAlgorithm { algorithm } => {
                format!("алгоритм {algorithm} не поддерживается")
            }
            CmsError::DigestMismatch => {
                "хэш подписанных данных не совпадает с параметрами запроса".into()
            }
            CmsError::BadSignature => {
                "подпись не соответствует параметрам запроса и ключу сертификата".into()
            }
        }
    }
}
