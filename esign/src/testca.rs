//! A certificate authority for tests and the demo, built with `rcgen`: root
//! and intermediate CAs, person and organization certificates shaped like
//! Russian qualified ones (RSA or ECDSA P-256 instead of GOST), and CRLs.
//!
//! Everything comes out as PEM strings, ready for [`crate::TrustAnchors`],
//! [`crate::sign_challenge`] and [`crate::SignedChallenge`].
//!
//! ```
//! use esign::testca::{Holder, KeyKind, TestCa};
//! let ca = TestCa::root("Тестовый УЦ", KeyKind::P256).unwrap();
//! let person = ca
//!     .issue(&Holder::person("Иванова", "Мария Петровна", "12345678901", "500100732259"))
//!     .unwrap();
//! let (signature, _alg) = esign::sign_challenge(&person.private_key_pem, "challenge").unwrap();
//! let anchors = esign::TrustAnchors::new([ca.certificate_pem()]).unwrap();
//! let signed = esign::SignedChallenge {
//!     certificate: person.certificate_pem.into_bytes(),
//!     intermediates: vec![],
//!     signature,
//! };
//! let who = esign::verify(&anchors, "challenge", &signed, 1_800_000_000).unwrap();
//! assert_eq!(who.snils.as_deref(), Some("12345678901"));
//! ```

use rcgen::string::PrintableString;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256, PublicKeyData, RevokedCertParams, SerialNumber, SubjectPublicKeyInfo,
};
use ring::rand::{SecureRandom, SystemRandom};
use time::OffsetDateTime;

/// 2000-01-01 and 2100-01-01: CAs outlive anything a test or demo does.
const CA_NOT_BEFORE: i64 = 946_684_800;
const CA_NOT_AFTER: i64 = 4_102_444_800;
/// 2020-01-01 and 2050-01-01: the default window of issued certificates.
const HOLDER_NOT_BEFORE: i64 = 1_577_836_800;
const HOLDER_NOT_AFTER: i64 = 2_524_608_000;

/// A test CA failed to do something; only the message is useful.
#[derive(Debug, thiserror::Error)]
#[error("test CA: {0}")]
pub struct TestCaError(String);

fn fail(e: impl std::fmt::Display) -> TestCaError {
    TestCaError(e.to_string())
}

/// The key of a CA or a holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA of this many bits. A CA needs at least 2048; a holder may have less,
    /// to test the refusal.
    Rsa(usize),
    /// ECDSA on P-256.
    P256,
}

/// What to put in an issued certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub surname: Option<String>,
    pub given_names: Option<String>,
    pub common_name: String,
    pub snils: Option<String>,
    pub inn: Option<String>,
    pub organization: Option<String>,
    pub ogrn: Option<String>,
    pub ogrnip: Option<String>,
    pub inn_le: Option<String>,
    pub key: KeyKind,
    pub not_before_unix: i64,
    pub not_after_unix: i64,
    /// Key usage digitalSignature (and nonRepudiation); without it, only
    /// nonRepudiation, which [`crate::verify`] refuses.
    pub digital_signature: bool,
    /// Extended key usage clientAuth and emailProtection; without it,
    /// emailProtection only, which [`crate::verify`] refuses.
    pub client_auth: bool,
}

impl Holder {
    /// A person: SN, GN («Имя Отчество»), CN "SN GN", SNILS and INN; a P-256
    /// key valid 2020-01-01 to 2050-01-01.
    pub fn person(surname: &str, given_names: &str, snils: &str, inn: &str) -> Holder {
        Holder {
            surname: Some(surname.into()),
            given_names: Some(given_names.into()),
            common_name: format!("{surname} {given_names}"),
            snils: Some(snils.into()),
            inn: Some(inn.into()),
            organization: None,
            ogrn: None,
            ogrnip: None,
            inn_le: None,
            key: KeyKind::P256,
            not_before_unix: HOLDER_NOT_BEFORE,
            not_after_unix: HOLDER_NOT_AFTER,
            digital_signature: true,
            client_auth: true,
        }
    }

    /// An organization's certificate in its head's name: O and CN the
    /// organization, OGRN and INNLE, and SN, GN, SNILS and INN of `head`.
    pub fn organization(name: &str, ogrn: &str, inn_le: &str, head: Holder) -> Holder {
        Holder {
            common_name: name.into(),
            organization: Some(name.into()),
            ogrn: Some(ogrn.into()),
            inn_le: Some(inn_le.into()),
            ..head
        }
    }
}

/// An issued certificate and its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub certificate_pem: String,
    /// PKCS#8 PEM, as [`crate::sign_challenge`] takes it.
    pub private_key_pem: String,
    /// As [`crate::CertifiedSubject::serial_hex`] will show it.
    pub serial_hex: String,
}

/// A CA that can issue certificates and CRLs.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    certificate_pem: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa")
            .field("issuer", &self.issuer)
            .finish()
    }
}

impl TestCa {
    /// A self-signed root CA, valid 2000-2100.
    pub fn root(name: &str, key: KeyKind) -> Result<TestCa, TestCaError> {
        let key = ca_key(key)?;
        let params = ca_params(name)?;
        let certificate_pem = params.self_signed(&key).map_err(fail)?.pem();
        Ok(TestCa {
            issuer: Issuer::new(params, key),
            certificate_pem,
        })
    }

    /// An intermediate CA under this one.
    pub fn intermediate(&self, name: &str, key: KeyKind) -> Result<TestCa, TestCaError> {
        let key = ca_key(key)?;
        let params = ca_params(name)?;
        let certificate_pem = params.signed_by(&key, &self.issuer).map_err(fail)?.pem();
        Ok(TestCa {
            issuer: Issuer::new(params, key),
            certificate_pem,
        })
    }

    /// A CA saved earlier with [`TestCa::certificate_pem`] and
    /// [`TestCa::private_key_pem`], so a demo keeps one CA across restarts.
    pub fn load(certificate_pem: &str, private_key_pem: &str) -> Result<TestCa, TestCaError> {
        let key = KeyPair::from_pem(private_key_pem).map_err(fail)?;
        let issuer = Issuer::from_ca_cert_pem(certificate_pem, key).map_err(fail)?;
        Ok(TestCa {
            issuer,
            certificate_pem: certificate_pem.into(),
        })
    }

    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The CA's PKCS#8 PEM private key.
    pub fn private_key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    /// Issues a certificate with a fresh key and a random serial.
    pub fn issue(&self, holder: &Holder) -> Result<Issued, TestCaError> {
        let (private_key_pem, public_key) = holder_key(holder.key)?;
        let serial = random_serial()?;
        let mut params = CertificateParams::default();
        params.distinguished_name = holder_name(holder)?;
        params.not_before = datetime(holder.not_before_unix)?;
        params.not_after = datetime(holder.not_after_unix)?;
        params.serial_number = Some(SerialNumber::from_slice(&serial));
        params.use_authority_key_identifier_extension = true;
        params.key_usages = if holder.digital_signature {
            vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::ContentCommitment,
            ]
        } else {
            vec![KeyUsagePurpose::ContentCommitment]
        };
        params.extended_key_usages = if holder.client_auth {
            vec![
                ExtendedKeyUsagePurpose::ClientAuth,
                ExtendedKeyUsagePurpose::EmailProtection,
            ]
        } else {
            vec![ExtendedKeyUsagePurpose::EmailProtection]
        };
        let cert = params.signed_by(&public_key, &self.issuer).map_err(fail)?;
        Ok(Issued {
            certificate_pem: cert.pem(),
            private_key_pem,
            serial_hex: hex(&serial),
        })
    }

    /// A CRL of this CA revoking the given serials (hex, as in [`Issued`]).
    pub fn crl(
        &self,
        revoked_serials_hex: &[&str],
        this_update_unix: i64,
        next_update_unix: i64,
    ) -> Result<String, TestCaError> {
        let revoked_certs = revoked_serials_hex
            .iter()
            .map(|serial| {
                Ok(RevokedCertParams {
                    serial_number: SerialNumber::from_slice(&unhex(serial)?),
                    revocation_time: datetime(this_update_unix)?,
                    reason_code: None,
                    invalidity_date: None,
                })
            })
            .collect::<Result<Vec<_>, TestCaError>>()?;
        let params = CertificateRevocationListParams {
            this_update: datetime(this_update_unix)?,
            next_update: datetime(next_update_unix)?,
            crl_number: SerialNumber::from_slice(&random_serial()?),
            issuing_distribution_point: None,
            revoked_certs,
            key_identifier_method: KeyIdMethod::Sha256,
        };
        params
            .signed_by(&self.issuer)
            .and_then(|crl| crl.pem())
            .map_err(fail)
    }
}

fn ca_params(name: &str) -> Result<CertificateParams, TestCaError> {
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::CountryName, printable("RU")?);
    params
        .distinguished_name
        .push(DnType::OrganizationName, name);
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = datetime(CA_NOT_BEFORE)?;
    params.not_after = datetime(CA_NOT_AFTER)?;
    params.serial_number = Some(SerialNumber::from_slice(&random_serial()?));
    params.use_authority_key_identifier_extension = true;
    Ok(params)
}

/// The subject as in Russian qualified certificates; numeric identifiers as
/// PrintableString, since rcgen cannot write NumericString.
fn holder_name(h: &Holder) -> Result<DistinguishedName, TestCaError> {
    let custom = |oid: &[u64]| DnType::CustomDnType(oid.to_vec());
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, printable("RU")?);
    dn.push(DnType::CommonName, h.common_name.as_str());
    let texts = [
        (custom(&[2, 5, 4, 4]), &h.surname),
        (custom(&[2, 5, 4, 42]), &h.given_names),
        (DnType::OrganizationName, &h.organization),
    ];
    for (ty, value) in texts {
        if let Some(value) = value {
            dn.push(ty, value.as_str());
        }
    }
    let numbers = [
        (custom(&[1, 2, 643, 100, 3]), &h.snils),
        (custom(&[1, 2, 643, 3, 131, 1, 1]), &h.inn),
        (custom(&[1, 2, 643, 100, 1]), &h.ogrn),
        (custom(&[1, 2, 643, 100, 5]), &h.ogrnip),
        (custom(&[1, 2, 643, 100, 4]), &h.inn_le),
    ];
    for (ty, value) in numbers {
        if let Some(value) = value {
            dn.push(ty, printable(value)?);
        }
    }
    Ok(dn)
}

fn printable(s: &str) -> Result<DnValue, TestCaError> {
    Ok(DnValue::PrintableString(
        PrintableString::try_from(s).map_err(fail)?,
    ))
}

/// CA keys sign, so they must be rcgen key pairs (ring: RSA from 2048 bits).
fn ca_key(kind: KeyKind) -> Result<KeyPair, TestCaError> {
    match kind {
        KeyKind::P256 => KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(fail),
        KeyKind::Rsa(bits) => KeyPair::from_pem(&rsa_pkcs8_pem(bits)?.0).map_err(fail),
    }
}

/// A holder's PKCS#8 PEM and public key; only the public key goes into the
/// certificate, so RSA keys that ring would not sign with are fine here.
fn holder_key(kind: KeyKind) -> Result<(String, SubjectPublicKeyInfo), TestCaError> {
    match kind {
        KeyKind::P256 => {
            let pair = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(fail)?;
            let spki = SubjectPublicKeyInfo::from_der(&pair.subject_public_key_info());
            Ok((pair.serialize_pem(), spki.map_err(fail)?))
        }
        KeyKind::Rsa(bits) => {
            let (pem, spki_der) = rsa_pkcs8_pem(bits)?;
            Ok((
                pem,
                SubjectPublicKeyInfo::from_der(&spki_der).map_err(fail)?,
            ))
        }
    }
}

/// ring cannot generate RSA keys; the `rsa` crate can.
fn rsa_pkcs8_pem(bits: usize) -> Result<(String, Vec<u8>), TestCaError> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits).map_err(fail)?;
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(fail)?;
    let spki = key.to_public_key().to_public_key_der().map_err(fail)?;
    Ok((pem.to_string(), spki.into_vec()))
}

/// 16 random bytes, top bit clear (a positive INTEGER) and the next one set
/// (no leading zero, so the hex reads the same everywhere).
fn random_serial() -> Result<[u8; 16], TestCaError> {
    let mut serial = [0u8; 16];
    SystemRandom::new().fill(&mut serial).map_err(fail)?;
    serial[0] = (serial[0] & 0x7f) | 0x40;
    Ok(serial)
}

fn datetime(unix: i64) -> Result<OffsetDateTime, TestCaError> {
    OffsetDateTime::from_unix_timestamp(unix).map_err(fail)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Result<Vec<u8>, TestCaError> {
    let text = if text.len() % 2 == 1 {
        format!("0{text}")
    } else {
        text.to_string()
    };
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| TestCaError(format!("serial {text:?} is not hex")))
        })
        .collect()
}
