use super::*;
use crate::person::Level;
use crate::person::testing::person;

fn entry() -> Entry {
    Entry {
        snils: "112-233-447 97".into(),
        family_name: "Подтвержденов".into(),
        given_name: "Иван".into(),
        middle_name: Some("Сергеевич".into()),
        birthdate: "1982-03-12".into(),
        specialty: "терапия".into(),
        position: "врач-терапевт участковый".into(),
        organization: "ГБУЗ «Городская поликлиника № 1»".into(),
    }
}

#[test]
fn a_matching_entry_is_registered_ignoring_case_and_yo() {
    let doctor = person(Level::Confirmed);
    assert_eq!(check(&doctor, Some(entry())), Check::Registered(entry()));
}

#[test]
fn no_entry_is_user_not_found() {
    assert_eq!(check(&person(Level::Confirmed), None), Check::NotFound);
}

#[test]
fn the_first_field_that_differs_is_named() {
    let wrong_birthdate = Entry {
        birthdate: "1982-03-21".into(),
        ..entry()
    };
    assert_eq!(
        check(&person(Level::Confirmed), Some(wrong_birthdate)),
        Check::Differs {
            field: Field::Birthdate,
            register: "1982-03-21".into(),
            account: "1982-03-12".into()
        }
    );
    let no_middle = Entry {
        middle_name: None,
        ..entry()
    };
    assert!(matches!(
        check(&person(Level::Confirmed), Some(no_middle)),
        Check::Differs {
            field: Field::MiddleName,
            ..
        }
    ));
    assert_eq!(
        crate::i18n::Lang::Ru.texts().field(&Field::Birthdate),
        "дата рождения"
    );
}

#[test]
fn missing_claims_are_named() {
    let mut anonymous = person(Level::Confirmed);
    anonymous.snils = None;
    anonymous.birthdate = None;
    assert_eq!(
        check(&anonymous, Some(entry())),
        Check::Missing(Field::Birthdate)
    );
}
