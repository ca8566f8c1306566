use diesel::prelude::*;

use super::{SqlStore, corrupt};
use crate::model::AuditEvent;
use crate::store::StoreError;
use crate::store::schema::audit_events as ae;

impl SqlStore {
    pub async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let e = event.clone();
        self.run(move |conn| {
            diesel::insert_into(ae::table)
                .values((
                    ae::at.eq(e.at),
                    ae::event.eq(&e.event),
                    ae::account_id.eq(&e.account_id),
                    ae::client_id.eq(&e.client_id),
                    ae::request_id.eq(&e.request_id),
                    ae::detail.eq(e.detail.to_string()),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    /// The newest `limit` events, newest first.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        self.run(move |conn| {
            ae::table
                .order(ae::id.desc())
                .limit(limit)
                .select((
                    ae::at,
                    ae::event,
                    ae::account_id,
                    ae::client_id,
                    ae::request_id,
                    ae::detail,
                ))
                .load::<(
                    i64,
                    String,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    String,
                )>(conn)?
                .into_iter()
                .map(|(at, event, account_id, client_id, request_id, detail)| {
                    Ok(AuditEvent {
                        at,
                        event,
                        account_id,
                        client_id,
                        request_id,
                        detail: serde_json::from_str(&detail).map_err(corrupt)?,
                    })
                })
                .collect()
        })
        .await
    }
}
