//! Bringing rows written by older versions in line, right after migrating
//! (SQL alone cannot: it does not know the identifier forms, and the JSON of
//! a verification is read differently by each backend). Both steps are
//! idempotent; what they cannot settle they leave and name in the log.

use diesel::prelude::*;

use super::AnyConnection;
use super::transaction;
use crate::identifiers;
use crate::model::{AccountLevel, Profile, VerificationStatus};
use crate::store::StoreError;
use crate::store::schema::{accounts as a, audit_events as ae, verifications as v};

/// Accounts from before the checked-data rule (`checked_at` NULL): an
/// unchecked edit used to overwrite the account's data at once. Each gets
/// back the data of its newest passed check; an account whose edits never
/// passed keeps its names (nothing older is kept) but loses the unchecked
/// SNILS, INN and passport. Then `checked_at` and `level_since` are set.
pub(super) fn settle_accounts(conn: &mut AnyConnection) -> Result<(), StoreError> {
    transaction::write(conn, |conn| {
        let unsettled: Vec<(String, String, i64)> = a::table
            .filter(a::checked_at.is_null())
            .select((a::id, a::level, a::created_at))
            .order(a::created_at)
            .load(conn)?;
        // Each account's newest verification, and its newest passed one.
        let mut restore = Vec::new();
        for (id, level, created_at) in unsettled {
            let newest: Option<String> = v::table
                .filter(v::account_id.eq(&id))
                .order(v::seq.desc())
                .select(v::status)
                .first(conn)
                .optional()?;
            let passed: Option<(String, Option<i64>)> = v::table
                .filter(v::account_id.eq(&id))
                .filter(v::status.eq(VerificationStatus::Passed.as_str()))
                .order(v::seq.desc())
                .select((v::data, v::finished_at))
                .first(conn)
                .optional()?;
            let overwritten = newest.is_some_and(|s| s != VerificationStatus::Passed.as_str());
            if overwritten {
                // Free the unchecked numbers first, so that restoring
                // checked ones below never meets them.
                diesel::update(a::table.find(&id))
                    .set((a::snils.eq(None::<String>), a::inn.eq(None::<String>)))
                    .execute(conn)?;
            }
            restore.push((id, level, created_at, overwritten, passed));
        }
        for (id, level, created_at, overwritten, passed) in restore {
            let checked_at = passed.as_ref().and_then(|p| p.1).unwrap_or(created_at);
            if overwritten {
                let mut profile = match &passed {
                    Some((data, _)) => serde_json::from_str::<Profile>(data)
                        .map_err(|e| StoreError::Database(e.to_string()))?,
                    None => {
                        let mut kept = super::profiles::checked(conn, &id)?
                            .map(|(profile, _)| profile)
                            .unwrap_or_default();
                        kept.snils = None;
                        kept.inn = None;
                        kept.passport = None;
                        kept.birthplace = None;
                        kept
                    }
                };
                if let Some((other, _)) = super::profiles::holder(conn, &id, &profile)? {
                    tracing::warn!(
                        account = %id, other = %other,
                        "its checked SNILS or INN is another account's too: left empty for an admin to settle"
                    );
                    profile.snils = None;
                    profile.inn = None;
                }
                super::profiles::put_checked(conn, &id, &profile, false, checked_at)?;
                if passed.is_none() && level != AccountLevel::Simplified.as_str() {
                    tracing::warn!(
                        account = %id,
                        "an unchecked edit had overwritten the data it was created with; its SNILS, INN and passport are cleared"
                    );
                }
            }
            let confirmed_at: Option<i64> = ae::table
                .filter(ae::account_id.eq(&id))
                .filter(ae::event.eq(crate::model::events::ACCOUNT_CONFIRMED))
                .select(diesel::dsl::max(ae::at))
                .first(conn)?;
            let level_since = match level.parse::<AccountLevel>() {
                Ok(AccountLevel::Confirmed) => confirmed_at.unwrap_or(checked_at),
                Ok(AccountLevel::Standard) => checked_at,
                _ => created_at,
            };
            diesel::update(a::table.find(&id))
                .set((
                    a::checked_at.eq(Some(checked_at)),
                    a::level_since.eq(Some(level_since)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Stored identifiers in the one form `identifiers` gives (E.164 phones,
/// `XXX-XXX-XXX YY` SNILS, INN digits, lower-case e-mail), as every path
/// now writes them. A value whose stored form another account already has
/// is left as it is, for an admin: merging accounts is not a migration's
/// call.
pub(super) fn normalize_identifiers(conn: &mut AnyConnection) -> Result<(), StoreError> {
    type Ids = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Ids> = a::table
        .select((a::id, a::email, a::phone, a::snils, a::inn))
        .order((a::created_at, a::id))
        .load(conn)?;
    type Normal = fn(&str) -> Result<String, identifiers::Invalid>;
    for (id, email, phone, snils, inn) in rows {
        let fields: [(&str, Option<String>, Normal); 4] = [
            ("email", email, identifiers::email),
            ("phone", phone, identifiers::mobile_phone),
            ("snils", snils, identifiers::snils),
            ("inn", inn, identifiers::inn),
        ];
        for (field, stored, normal) in fields {
            let Some(stored) = stored else { continue };
            let Ok(normal) = normal(&stored) else {
                tracing::warn!(account = %id, field, "a stored identifier is not valid: left as it is");
                continue;
            };
            if normal == stored {
                continue;
            }
            let taken: i64 = match field {
                "email" => a::table
                    .filter(a::email.eq(&normal))
                    .count()
                    .get_result(conn)?,
                "phone" => a::table
                    .filter(a::phone.eq(&normal))
                    .count()
                    .get_result(conn)?,
                "snils" => a::table
                    .filter(a::snils.eq(&normal))
                    .count()
                    .get_result(conn)?,
                _ => a::table
                    .filter(a::inn.eq(&normal))
                    .count()
                    .get_result(conn)?,
            };
            if taken > 0 {
                tracing::warn!(
                    account = %id, field,
                    "a stored identifier is another account's in its normal form: left as it is for an admin"
                );
                continue;
            }
            let target = a::table.find(&id);
            match field {
                "email" => diesel::update(target)
                    .set(a::email.eq(&normal))
                    .execute(conn)?,
                "phone" => diesel::update(target)
                    .set(a::phone.eq(&normal))
                    .execute(conn)?,
                "snils" => diesel::update(target)
                    .set(a::snils.eq(&normal))
                    .execute(conn)?,
                _ => diesel::update(target)
                    .set(a::inn.eq(&normal))
                    .execute(conn)?,
            };
        }
    }
    Ok(())
}
