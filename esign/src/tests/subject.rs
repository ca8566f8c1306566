//! Reading the person and the organization from the subject.

use x509_parser::prelude::{FromDer, X509Name};

use super::*;
use crate::Part;
use crate::subject::{digits, text};
use crate::testca::Holder;

#[test]
fn person_fields_with_cyrillic_names() {
    let holder = Holder {
        not_before_unix: 1_767_225_600, // 2026-01-01
        not_after_unix: 1_830_297_600,  // 2028-01-01
        ..ivanov()
    };
    let issued = issue(ca(), &holder);
    let who = check(&anchors_of(ca()), &signed(&issued, CHALLENGE)).unwrap();
    assert_eq!(who.surname.as_deref(), Some("Иванов"));
    assert_eq!(who.given_names.as_deref(), Some("Пётр Сергеевич"));
    assert_eq!(who.common_name.as_deref(), Some("Иванов Пётр Сергеевич"));
    assert_eq!(who.snils.as_deref(), Some("11223344595"));
    assert_eq!(who.inn.as_deref(), Some("500100732259"));
    assert_eq!(who.ogrn, None);
    assert_eq!(who.ogrnip, None);
    assert_eq!(who.inn_le, None);
    assert_eq!(who.organization, None);
    assert_eq!(who.serial_hex, issued.serial_hex);
    assert_eq!(who.serial_hex.len(), 32);
    assert!(who.issuer.contains("CN=Тестовый УЦ Вход"), "{}", who.issuer);
    assert_eq!(who.not_before_unix, 1_767_225_600);
    assert_eq!(who.not_after_unix, 1_830_297_600);
}

#[test]
fn organization_fields_and_the_heads_snils() {
    let holder = Holder::organization(
        "ООО «Ромашка»",
        "1027700132195",
        "7707083893",
        Holder::person("Петрова", "Анна Ильинична", "08765430300", "772832567114"),
    );
    let who = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap();
    assert_eq!(who.organization.as_deref(), Some("ООО «Ромашка»"));
    assert_eq!(who.common_name.as_deref(), Some("ООО «Ромашка»"));
    assert_eq!(who.ogrn.as_deref(), Some("1027700132195"));
    assert_eq!(who.inn_le.as_deref(), Some("7707083893"));
    assert_eq!(who.surname.as_deref(), Some("Петрова"));
    assert_eq!(who.given_names.as_deref(), Some("Анна Ильинична"));
    assert_eq!(who.snils.as_deref(), Some("08765430300"));
    assert_eq!(who.inn.as_deref(), Some("772832567114"));
    assert_eq!(who.ogrnip, None);
}

#[test]
fn entrepreneur_ogrnip() {
    let holder = Holder {
        ogrnip: Some("304500116000157".into()),
        ..ivanov()
    };
    let who = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap();
    assert_eq!(who.ogrnip.as_deref(), Some("304500116000157"));
    assert_eq!(who.ogrn, None);

    // A 13-digit number in the OGRNIP field is not an OGRNIP.
    let holder = Holder {
        ogrnip: Some("1027700132195".into()),
        ..ivanov()
    };
    let err = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap_err();
    assert!(
        matches!(&err, CertError::Malformed { what: Part::Certificate, detail } if detail.contains("OGRNIP")),
        "{err:?}"
    );
}

#[test]
fn legacy_legal_entity_inn_is_not_a_persons() {
    let holder = Holder {
        inn: Some("007707083893".into()),
        organization: Some("АО «Лютик»".into()),
        ..ivanov()
    };
    let who = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap();
    assert_eq!(who.inn, None);
    assert_eq!(who.inn_le.as_deref(), Some("7707083893"));
}

#[test]
fn blank_and_padded_values() {
    let holder = Holder {
        surname: Some("  Сидоров ".into()),
        given_names: Some("   ".into()),
        ..ivanov()
    };
    let who = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap();
    assert_eq!(who.surname.as_deref(), Some("Сидоров"));
    assert_eq!(who.given_names, None);
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    assert!(content.len() < 128, "short form lengths only");
    [&[tag, content.len() as u8][..], content].concat()
}

/// One RDN holding one attribute.
fn rdn(oid: &[u8], tag: u8, value: &[u8]) -> Vec<u8> {
    tlv(
        0x31,
        &tlv(0x30, &[tlv(0x06, oid), tlv(tag, value)].concat()),
    )
}

const SNILS_OID: &[u8] = &[0x2a, 0x85, 0x03, 0x64, 0x03]; // 1.2.643.100.3
const INN_OID: &[u8] = &[0x2a, 0x85, 0x03, 0x03, 0x81, 0x03, 0x01, 0x01]; // 1.2.643.3.131.1.1
const SURNAME_OID: &[u8] = &[0x55, 0x04, 0x04]; // 2.5.4.4
const GIVEN_NAME_OID: &[u8] = &[0x55, 0x04, 0x2a]; // 2.5.4.42

fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// rcgen writes no NumericString and no BMPString, which real certificates
/// use; the reader is tested on a hand-made subject instead.
#[test]
fn numeric_and_bmp_strings() {
    const NUMERIC: u8 = 0x12;
    const BMP: u8 = 0x1e;
    const T61: u8 = 0x14;
    let der = tlv(
        0x30,
        &[
            rdn(SNILS_OID, NUMERIC, b"11223344595"),
            rdn(INN_OID, NUMERIC, b"500100732259"),
            rdn(SURNAME_OID, BMP, &utf16be("Иванов")),
            rdn(GIVEN_NAME_OID, T61, b"Petr"),
        ]
        .concat(),
    );
    let (rest, name) = X509Name::from_der(&der).unwrap();
    assert!(rest.is_empty());
    assert_eq!(
        digits(&name, "1.2.643.100.3", "SNILS", &[11])
            .unwrap()
            .as_deref(),
        Some("11223344595")
    );
    assert_eq!(
        digits(&name, "1.2.643.3.131.1.1", "INN", &[12])
            .unwrap()
            .as_deref(),
        Some("500100732259")
    );
    assert_eq!(text(&name, "2.5.4.4").unwrap().as_deref(), Some("Иванов"));
    assert_eq!(text(&name, "2.5.4.10").unwrap(), None);
    assert!(matches!(
        text(&name, "2.5.4.42"),
        Err(CertError::Malformed {
            what: Part::Certificate,
            ..
        })
    ));
    assert!(digits(&name, "1.2.643.100.3", "SNILS", &[12]).is_err());

    // An odd number of bytes is no UTF-16.
    let odd = tlv(0x30, &rdn(SURNAME_OID, BMP, &[0x04, 0x18, 0x04]));
    let (_, odd) = X509Name::from_der(&odd).unwrap();
    assert!(text(&odd, "2.5.4.4").is_err());
}
