use chrono::NaiveDate;

use super::*;

#[test]
fn snils_accepts_separators_and_checks_the_control_number() {
    assert_eq!(snils("112-233-445 95").unwrap(), "112-233-445 95");
    assert_eq!(snils("11223344595").unwrap(), "112-233-445 95");
    assert_eq!(snils(" 112 233 445 95 ").unwrap(), "112-233-445 95");
    assert_eq!(snils("123-456-789 64").unwrap(), "123-456-789 64");
    assert_eq!(snils("112-233-445 94"), Err(Invalid::Checksum));
    assert_eq!(snils("112-233-445 9"), Err(Invalid::Digits(&[11])));
    assert_eq!(snils("112-233-445 9a"), Err(Invalid::Digits(&[11])));
    assert_eq!(snils(""), Err(Invalid::Empty));
    // Numbers up to 001-001-998 have no control number to check.
    assert!(snils("001-001-998 00").is_ok());
}

#[test]
fn snils_sums_of_100_and_101_give_00() {
    // 9*9 + 2*8 + 3*1 = 100
    assert_eq!(snils("920-000-003 00").unwrap(), "920-000-003 00");
    // 9*9 + 2*8 + 4*1 = 101
    assert_eq!(snils("920-000-004 00").unwrap(), "920-000-004 00");
    assert_eq!(snils("920-000-003 01"), Err(Invalid::Checksum));
}

#[test]
fn inn_checks_both_lengths() {
    assert_eq!(inn("7707083893").unwrap(), "7707083893");
    assert_eq!(inn("5001 0073 2259").unwrap(), "500100732259");
    assert_eq!(inn("7707083894"), Err(Invalid::Checksum));
    assert_eq!(inn("500100732258"), Err(Invalid::Checksum));
    assert_eq!(inn("50010073225"), Err(Invalid::Digits(&[10, 12])));
    assert_eq!(personal_inn("7707083893"), Err(Invalid::Digits(&[12])));
    assert_eq!(personal_inn("500100732259").unwrap(), "500100732259");
}

#[test]
fn ogrn_and_ogrnip_check_their_last_digit() {
    assert_eq!(ogrn("1027700132195").unwrap(), "1027700132195");
    assert_eq!(ogrn("304500116000157").unwrap(), "304500116000157");
    assert_eq!(ogrn("1027700132196"), Err(Invalid::Checksum));
    assert_eq!(ogrn("304500116000158"), Err(Invalid::Checksum));
    assert_eq!(ogrn("10277001321"), Err(Invalid::Digits(&[13, 15])));
    assert_eq!(kpp("773601001").unwrap(), "773601001");
    assert_eq!(kpp("77360100"), Err(Invalid::Digits(&[9])));
}

#[test]
fn passport_fields() {
    assert_eq!(passport_series("45 06").unwrap(), "4506");
    assert_eq!(passport_number("123456").unwrap(), "123456");
    assert_eq!(passport_series("450"), Err(Invalid::Digits(&[4])));
    assert_eq!(passport_number("12345X"), Err(Invalid::Digits(&[6])));
    assert_eq!(issuer_code("770001").unwrap(), "770-001");
    assert_eq!(issuer_code("770-001").unwrap(), "770-001");
    assert_eq!(issuer_code("77-001"), Err(Invalid::IssuerCode));
}

#[test]
fn mobile_phones_in_every_common_notation_become_e164() {
    for typed in [
        "+7 999 123-45-67",
        "+7 (999) 123-45-67",
        "8 (999) 123 45 67",
        "89991234567",
        "79991234567",
        "9991234567",
    ] {
        assert_eq!(mobile_phone(typed).unwrap(), "+79991234567", "{typed}");
    }
    for wrong in [
        "+7 499 123-45-67", // a landline
        "+1 999 123 45 67",
        "999123456",
        "8999123456789",
        "+7 999 123-45-6x",
        "+8 999 123 45 67",
    ] {
        assert_eq!(mobile_phone(wrong), Err(Invalid::Phone), "{wrong}");
    }
}

#[test]
fn emails_are_loose_but_not_careless() {
    assert_eq!(email(" Ivanov@Example.RU ").unwrap(), "ivanov@example.ru");
    for wrong in [
        "ivanov",
        "ivanov@",
        "@example.ru",
        "a@b",
        "a b@example.ru",
        "a@@example.ru",
        "a@example..ru",
        "a\0@example.ru",
    ] {
        assert_eq!(email(wrong), Err(Invalid::Email), "{wrong:?}");
    }
    assert_eq!(
        email(&format!("{}@example.ru", "a".repeat(300))),
        Err(Invalid::TooLong(254))
    );
}

#[test]
fn a_contact_is_an_email_or_a_phone() {
    assert_eq!(
        Contact::parse("8 999 123 45 67").unwrap(),
        Contact::Phone("+79991234567".into())
    );
    assert_eq!(
        Contact::parse("A@Example.ru").unwrap(),
        Contact::Email("a@example.ru".into())
    );
    assert_eq!(Contact::parse("hello"), Err(Invalid::Phone));
}

#[test]
fn names_allow_letters_of_any_script_hyphens_and_apostrophes() {
    assert_eq!(name("  Римский-Корсаков ").unwrap(), "Римский-Корсаков");
    assert_eq!(name("Д'Артаньян").unwrap(), "Д'Артаньян");
    assert_eq!(name("Анна  Мария").unwrap(), "Анна Мария");
    assert_eq!(name("Иван1"), Err(Invalid::NameCharacters));
    assert_eq!(name("Иван\0"), Err(Invalid::NameCharacters));
    assert_eq!(name(&"я".repeat(101)), Err(Invalid::TooLong(100)));
    assert_eq!(name(" "), Err(Invalid::Empty));
}

#[test]
fn past_dates_in_either_form() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let d = NaiveDate::from_ymd_opt(1980, 2, 11).unwrap();
    assert_eq!(past_date("1980-02-11", today).unwrap(), d);
    assert_eq!(past_date("11.02.1980", today).unwrap(), d);
    assert_eq!(past_date("2026-11-23", today).unwrap(), today);
    assert_eq!(past_date("2026-11-24", today), Err(Invalid::FutureDate));
    assert_eq!(past_date("1899-12-31", today), Err(Invalid::AncientDate));
    assert_eq!(past_date("1980-02-30", today), Err(Invalid::Date));
    assert_eq!(past_date("вчера", today), Err(Invalid::Date));
}
