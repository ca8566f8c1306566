//! The JSON of ESIA's REST API: the person (`firstName`, `birthDate` as
//! `dd.MM.yyyy`, `trusted`, ...), and collections with `elements` as URLs,
//! or inline with `?embed=(elements)`: contacts `EML`/`MBT` with `vrfStu`,
//! the passport `RF_PASSPORT`, the registration address `PRG`, and the
//! organizations of `/roles`.

use serde_json::{Map, Value, json};

use super::rest::Part;
use super::scopes::holds;
use crate::model::{Account, AccountLevel, Membership, OrgKind, Organization, Profile, Role};

/// What the API reads about the person.
pub struct Data {
    pub account: Account,
    pub profile: Option<Profile>,
    pub orgs: Vec<(Organization, Membership)>,
}

/// The JSON of `part` (or its element `element`); `None`: no such element.
pub fn render(
    data: &Data,
    scope: &str,
    part: Part,
    element: Option<&str>,
    embed: bool,
    base: &str,
) -> Option<Value> {
    let elements: Vec<(String, Value)> = match part {
        Part::Person => return element.is_none().then(|| person(data, scope)),
        Part::Contacts => contacts(&data.account, scope),
        Part::Documents => documents(data),
        Part::Addresses => addresses(&data.account),
        Part::Roles => {
            let roles: Vec<Value> = data.orgs.iter().map(|(o, m)| role(data, o, m)).collect();
            return element.is_none().then(|| collection(roles));
        }
    };
    let segment = match part {
        Part::Contacts => "ctts",
        Part::Documents => "docs",
        _ => "addrs",
    };
    if let Some(id) = element {
        return elements.into_iter().find(|(i, _)| i == id).map(|(_, v)| v);
    }
    let shown = elements
        .into_iter()
        .map(|(id, value)| {
            if embed {
                value
            } else {
                json!(format!("{base}/{segment}/{id}"))
            }
        })
        .collect();
    Some(collection(shown))
}

fn collection(elements: Vec<Value>) -> Value {
    json!({
        "stateFacts": ["hasSize"],
        "size": elements.len(),
        "elements": elements,
    })
}

/// `YYYY-MM-DD` as ESIA writes dates, `dd.MM.yyyy`.
fn esia_date(iso: &str) -> Option<String> {
    let mut parts = iso.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{d}.{m}.{y}"))
}

fn person(data: &Data, scope: &str) -> Value {
    let a = &data.account;
    let p = data.profile.as_ref();
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            out.insert(k.into(), v);
        }
    };
    if holds(scope, "fullname") {
        put("firstName", json!(a.given_name));
        put("lastName", json!(a.family_name));
        put("middleName", json!(a.middle_name));
    }
    if holds(scope, "birthdate") {
        put(
            "birthDate",
            json!(a.birthdate.as_deref().and_then(esia_date)),
        );
    }
    if holds(scope, "gender") {
        let gender = a
            .gender
            .as_deref()
            .map(|g| if g == "female" { "F" } else { "M" });
        put("gender", json!(gender));
    }
    if holds(scope, "birthplace") {
        put("birthPlace", json!(p.and_then(|p| p.birthplace.clone())));
    }
    if holds(scope, "snils") {
        put("snils", json!(a.snils));
    }
    if holds(scope, "inn") {
        put("inn", json!(a.inn));
    }
    let trusted = a.level == AccountLevel::Confirmed;
    put("trusted", json!(trusted));
    put("status", json!("REGISTERED"));
    put("verifying", json!(false));
    put("stateFacts", json!(["EntityRoot"]));
    Value::Object(out)
}

fn vrf(verified: bool) -> &'static str {
    if verified { "VERIFIED" } else { "NOT_VERIFIED" }
}

fn contacts(a: &Account, scope: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let all = holds(scope, "contacts");
    if let Some(email) = a.email.as_ref().filter(|_| all || holds(scope, "email")) {
        let v = json!({"id": 1, "type": "EML", "vrfStu": vrf(a.email_verified), "value": email});
        out.push(("1".into(), v));
    }
    if let Some(phone) = a.phone.as_ref().filter(|_| all || holds(scope, "mobile")) {
        let v = json!({"id": 2, "type": "MBT", "vrfStu": vrf(a.phone_verified), "value": phone});
        out.push(("2".into(), v));
    }
    out
}

fn documents(data: &Data) -> Vec<(String, Value)> {
    let Some(passport) = data.profile.as_ref().and_then(|p| p.passport.as_ref()) else {
        return Vec::new();
    };
    // The registries' check of the passport (a standard account) is what
    // ESIA's `VERIFIED` says; portals read the standard level from it.
    let v = json!({
        "id": 1,
        "type": "RF_PASSPORT",
        "vrfStu": vrf(data.account.level != AccountLevel::Simplified),
        "series": passport.series,
        "number": passport.number,
        "issueDate": esia_date(&passport.issued_on),
        "issueId": passport.issuer_code,
        "issuedBy": passport.issuer,
    });
    vec![("1".into(), v)]
}

fn addresses(a: &Account) -> Vec<(String, Value)> {
    a.address
        .iter()
        .map(|addr| {
            let v = json!({"id": 1, "type": "PRG", "addressStr": addr, "countryId": "RUS"});
            ("1".into(), v)
        })
        .collect()
}

fn role(data: &Data, org: &Organization, m: &Membership) -> Value {
    json!({
        "oid": org.id,
        "fullName": org.full_name,
        "shortName": org.short_name,
        "ogrn": org.ogrn,
        "inn": org.inn,
        "type": match org.kind {
            OrgKind::LegalEntity => "LEGAL",
            OrgKind::Entrepreneur => "BUSINESS",
        },
        "chief": org.head_account_id == data.account.id,
        "admin": m.is(Role::Admin),
        "active": true,
    })
}
