//! Reading the person (and organization) from a certificate's subject.
//!
//! The attributes are those of Russian qualified certificates (order of the
//! FSB no. 795 of 27.12.2011): SNILS, INN, OGRN/OGRNIP and INNLE sit in the
//! subject DN next to the X.520 names, as NumericString, PrintableString or
//! UTF8String.

use x509_parser::asn1_rs::Tag;
use x509_parser::prelude::{AttributeTypeAndValue, X509Certificate, X509Name};

use crate::error::{CertError, Part};

const SURNAME: &str = "2.5.4.4";
const GIVEN_NAME: &str = "2.5.4.42";
const COMMON_NAME: &str = "2.5.4.3";
const ORGANIZATION: &str = "2.5.4.10";
const SNILS: &str = "1.2.643.100.3";
const INN: &str = "1.2.643.3.131.1.1";
const OGRN: &str = "1.2.643.100.1";
const OGRNIP: &str = "1.2.643.100.5";
const INN_LE: &str = "1.2.643.100.4";

/// Who a verified certificate belongs to, and which certificate it was.
///
/// Every field is read from a certificate that passed all checks; absent
/// attributes are `None`. Numeric identifiers are checked for their length and
/// digits only; check digits are the caller's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedSubject {
    /// SN, 2.5.4.4: «Фамилия».
    pub surname: Option<String>,
    /// GN, 2.5.4.42: «Имя Отчество» in Russian qualified certificates.
    pub given_names: Option<String>,
    /// CN, 2.5.4.3: the full name, or the organization's name.
    pub common_name: Option<String>,
    /// СНИЛС, 1.2.643.100.3: 11 digits.
    pub snils: Option<String>,
    /// The person's ИНН, 1.2.643.3.131.1.1: 12 digits.
    pub inn: Option<String>,
    /// ОГРН, 1.2.643.100.1: 13 digits (legal entities).
    pub ogrn: Option<String>,
    /// ОГРНИП, 1.2.643.100.5: 15 digits (individual entrepreneurs).
    pub ogrnip: Option<String>,
    /// The legal entity's ИНН (ИННЮЛ), 1.2.643.100.4: 10 digits.
    pub inn_le: Option<String>,
    /// O, 2.5.4.10: the organization's name.
    pub organization: Option<String>,
    /// The serial number, lower-case hex without leading zeros.
    pub serial_hex: String,
    /// The issuer's distinguished name, RFC 4514 style.
    pub issuer: String,
    pub not_before_unix: i64,
    pub not_after_unix: i64,
    /// "RS256" or "ES256": how the challenge was signed.
    pub algorithm: &'static str,
    /// Whether a CRL was consulted; `false` when no CRL is configured.
    pub revocation_checked: bool,
}

impl CertifiedSubject {
    pub(crate) fn read(
        cert: &X509Certificate<'_>,
        algorithm: &'static str,
        revocation_checked: bool,
    ) -> Result<Self, CertError> {
        let name = cert.subject();
        let mut inn = digits(name, INN, "INN", &[12])?;
        let mut inn_le = digits(name, INN_LE, "INNLE", &[10])?;
        // Certificates issued before INNLE existed (2021) carry a legal
        // entity's INN as "00" + 10 digits in the INN field; no person's INN
        // starts with 00, so it must not be taken for one.
        if let Some(legacy) = inn.take_if(|inn| inn.starts_with("00")) {
            inn_le = inn_le.or_else(|| Some(legacy[2..].to_string()));
        }
        Ok(CertifiedSubject {
            surname: text(name, SURNAME)?,
            given_names: text(name, GIVEN_NAME)?,
            common_name: text(name, COMMON_NAME)?,
            snils: digits(name, SNILS, "SNILS", &[11])?,
            inn,
            ogrn: digits(name, OGRN, "OGRN", &[13])?,
            ogrnip: digits(name, OGRNIP, "OGRNIP", &[15])?,
            inn_le,
            organization: text(name, ORGANIZATION)?,
            serial_hex: serial_hex(cert.raw_serial()),
            issuer: cert.issuer().to_string(),
            not_before_unix: cert.validity().not_before.timestamp(),
            not_after_unix: cert.validity().not_after.timestamp(),
            algorithm,
            revocation_checked,
        })
    }
}

/// The first attribute `oid` of `name` as trimmed text; `None` when absent or blank.
pub(crate) fn text(name: &X509Name<'_>, oid: &str) -> Result<Option<String>, CertError> {
    let Some(attr) = name
        .iter_attributes()
        .find(|a| a.attr_type().to_id_string() == oid)
    else {
        return Ok(None);
    };
    let value = attribute_string(attr).ok_or_else(|| {
        CertError::malformed(
            Part::Certificate,
            format!("subject attribute {oid} is not a readable string"),
        )
    })?;
    let value = value.trim();
    Ok((!value.is_empty()).then(|| value.to_string()))
}

/// Like [`text`], and the value must be all digits of one of `lengths`.
pub(crate) fn digits(
    name: &X509Name<'_>,
    oid: &str,
    label: &str,
    lengths: &[usize],
) -> Result<Option<String>, CertError> {
    let value = text(name, oid)?;
    match &value {
        Some(v) if !(lengths.contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit())) => {
            Err(CertError::malformed(
                Part::Certificate,
                format!("{label} in the subject is not {lengths:?} digits"),
            ))
        }
        _ => Ok(value),
    }
}

/// NumericString, PrintableString, UTF8String and IA5String are read by
/// x509-parser; BMPString (UTF-16BE, seen in older certificates) is decoded here.
fn attribute_string(attr: &AttributeTypeAndValue<'_>) -> Option<String> {
    if let Ok(s) = attr.as_str() {
        return Some(s.to_string());
    }
    if attr.attr_value().tag() != Tag::BmpString {
        return None;
    }
    let bytes = attr.as_slice();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

pub(crate) fn serial_hex(raw: &[u8]) -> String {
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    match hex.trim_start_matches('0') {
        "" => "0".into(),
        s => s.into(),
    }
}
