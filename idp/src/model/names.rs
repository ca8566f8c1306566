//! How a person's name is written: every page, letter, journal entry, CLI
//! line and the `name` claim take it from here. The patronymic (отчество)
//! is optional and always follows the given name.

use super::Account;

impl Account {
    /// «Имя Отчество»: the given name and the patronymic, if any.
    pub fn given_names(&self) -> String {
        match &self.middle_name {
            Some(middle) => format!("{} {middle}", self.given_name),
            None => self.given_name.clone(),
        }
    }

    /// «Фамилия Имя Отчество», the order of documents: organization pages,
    /// the journal, letters, the CLI.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_names())
    }

    /// «Имя Отчество Фамилия», the order of the OpenID Connect `name` claim
    /// (the full name "in displayable form").
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_names(), self.family_name)
    }

    /// «Имя Фамилия», without the patronymic: how a page addresses the
    /// person who is logged in.
    pub fn short_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Account, AccountLevel};

    fn account(middle: Option<&str>) -> Account {
        Account {
            id: "a".into(),
            email: None,
            phone: None,
            snils: None,
            inn: None,
            password_hash: String::new(),
            family_name: "Стандартова".into(),
            given_name: "Анна".into(),
            middle_name: middle.map(Into::into),
            birthdate: None,
            gender: None,
            address: None,
            email_verified: false,
            phone_verified: false,
            level: AccountLevel::Simplified,
            created_at: 0,
            locked_until: None,
            checked_at: 0,
            level_since: 0,
        }
    }

    #[test]
    fn the_patronymic_follows_the_given_name_in_every_order() {
        let a = account(Some("Ивановна"));
        assert_eq!(a.given_names(), "Анна Ивановна");
        assert_eq!(a.full_name(), "Стандартова Анна Ивановна");
        assert_eq!(a.display_name(), "Анна Ивановна Стандартова");
        assert_eq!(a.short_name(), "Анна Стандартова");
    }

    #[test]
    fn without_a_patronymic_no_gap_is_left() {
        let a = account(None);
        assert_eq!(a.given_names(), "Анна");
        assert_eq!(a.full_name(), "Стандартова Анна");
        assert_eq!(a.display_name(), "Анна Стандартова");
        assert_eq!(a.short_name(), "Анна Стандартова");
    }
}
