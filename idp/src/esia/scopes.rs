//! ESIA's scope names and the Vhod scopes they stand for: consent, release
//! and the REST API's guards all work on Vhod's scopes; the portal sees
//! ESIA's names in the access token (`fullname?oid=1000000001`).

use crate::model::Scopes;

/// Each ESIA person scope and the Vhod scope that covers its data.
const PERSON: [(&str, &str); 13] = [
    ("openid", "openid"),
    ("fullname", "profile"),
    ("birthdate", "profile"),
    ("gender", "profile"),
    ("birthplace", "profile"),
    ("id_doc", "profile"),
    ("snils", "snils"),
    ("inn", "inn"),
    ("email", "email"),
    ("mobile", "phone"),
    ("contacts", "email"),
    ("addresses", "address"),
    ("usr_org", "organizations"),
];

/// `contacts` covers the telephone and the addresses as well.
const CONTACTS_TOO: [&str; 2] = ["phone", "address"];

/// The Vhod scopes an ESIA scope stands for; `None`: unknown. Organization
/// scopes (`org_emps?org_oid=…` and every other `org_…`) need
/// `organizations`.
pub fn vhod_scopes(esia: &str) -> Option<Vec<&'static str>> {
    let name = esia.split('?').next().unwrap_or_default();
    if name == "contacts" {
        return Some(vec!["email", CONTACTS_TOO[0], CONTACTS_TOO[1]]);
    }
    if let Some((_, vhod)) = PERSON.iter().find(|(e, _)| *e == name) {
        return Some(vec![vhod]);
    }
    if name.starts_with("org_") && name.len() > 4 {
        return Some(vec!["organizations"]);
    }
    None
}

/// A requested ESIA scope list (space separated): the known names as
/// requested, and the Vhod scopes they need. Unknown names are returned
/// apart, to refuse the request.
pub struct Requested {
    pub esia: Vec<String>,
    pub vhod: Scopes,
    pub unknown: Vec<String>,
}

pub fn parse(text: &str) -> Requested {
    let mut esia = Vec::new();
    let mut vhod = Vec::new();
    let mut unknown = Vec::new();
    for name in text.split_ascii_whitespace() {
        match vhod_scopes(name) {
            Some(scopes) => {
                if !esia.iter().any(|e| e == name) {
                    esia.push(name.to_owned());
                }
                vhod.extend(scopes);
            }
            None => unknown.push(name.to_owned()),
        }
    }
    Requested {
        esia,
        vhod: Scopes::parse(&vhod.join(" ")),
        unknown,
    }
}

/// The ESIA scopes of `requested` that `granted` (Vhod scopes) covers, in
/// ESIA's access-token form: each with `?oid=` the person's oid (an
/// organization scope keeps its own `?org_oid=`).
pub fn granted(requested: &[String], granted: &Scopes, oid: i64) -> String {
    requested
        .iter()
        .filter(|name| {
            vhod_scopes(name).is_some_and(|needs| needs.iter().take(1).all(|s| granted.contains(s)))
        })
        .map(|name| {
            if name.contains('?') {
                name.clone()
            } else {
                format!("{name}?oid={oid}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether an access token's `scope` (ESIA form) holds the scope `name`.
pub fn holds(token_scope: &str, name: &str) -> bool {
    token_scope
        .split_ascii_whitespace()
        .any(|s| s.split('?').next() == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esia_names_map_onto_vhod_scopes() {
        let r = parse("openid fullname snils contacts org_emps?org_oid=42 nonsense");
        assert_eq!(
            r.vhod.to_string(),
            "address email openid organizations phone profile snils"
        );
        assert_eq!(r.unknown, ["nonsense"]);
        assert_eq!(r.esia.len(), 5);
        let only = Scopes::parse("openid profile");
        assert_eq!(
            granted(&r.esia, &only, 1000000001),
            "openid?oid=1000000001 fullname?oid=1000000001"
        );
        assert!(holds("openid?oid=1 fullname?oid=1", "fullname"));
        assert!(!holds("openid?oid=1 fullname?oid=1", "full"));
        assert_eq!(vhod_scopes("org_"), None);
    }
}
