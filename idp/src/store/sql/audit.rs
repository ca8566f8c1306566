//! The chained audit journal (see `model::chain`). Every change to the chain
//! happens in a transaction that first locks the `audit_head` row, so
//! appends from any number of nodes line up into one chain.

use diesel::prelude::*;

use super::transaction;
use super::{AnyConnection, SqlStore, corrupt};
use crate::model::chain::{GENESIS, canonical, entry_hash};
use crate::model::{AuditEvent, JournalEntry};
use crate::store::StoreError;
use crate::store::schema::audit_events as ae;
use crate::store::schema::audit_head as ah;

/// How many entries from before the chain are chained per query.
const CHAIN_PAGE: i64 = 500;

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

const COLUMNS: (
    ae::seq,
    ae::at,
    ae::event,
    ae::account_id,
    ae::client_id,
    ae::request_id,
    ae::detail,
    ae::prev_hash,
    ae::hash,
) = (
    ae::seq,
    ae::at,
    ae::event,
    ae::account_id,
    ae::client_id,
    ae::request_id,
    ae::detail,
    ae::prev_hash,
    ae::hash,
);

fn entry(row: Row) -> JournalEntry {
    let (seq, at, event, account_id, client_id, request_id, detail, prev_hash, hash) = row;
    JournalEntry {
        seq,
        at,
        event,
        account_id,
        client_id,
        request_id,
        detail,
        prev_hash,
        hash,
    }
}

/// Locks the head row for the rest of the transaction and reads it. An
/// UPDATE is the one lock both backends take the same way: a row lock on
/// PostgreSQL, the database write lock on SQLite (taken before anything is
/// read, so no stale snapshot can follow).
fn lock_head(conn: &mut AnyConnection) -> Result<(i64, Option<String>), StoreError> {
    let locked = diesel::update(ah::table.find(1))
        .set(ah::seq.eq(ah::seq))
        .execute(conn)?;
    if locked != 1 {
        return Err(corrupt("the audit journal head row is missing"));
    }
    Ok(ah::table.find(1).select((ah::seq, ah::hash)).first(conn)?)
}

fn page_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<JournalEntry>, StoreError> {
    Ok(ae::table
        .filter(ae::seq.gt(after))
        .order(ae::seq.asc())
        .limit(limit)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(entry)
        .collect())
}

/// The locked head as (seq, hash). A head without a hash is the one the
/// migration left: entries `1..=seq` are from before the chain and get
/// chained here, once. Only those: a row added later without a hash is
/// never taken into the chain.
fn chained_head(
    conn: &mut AnyConnection,
    head: (i64, Option<String>),
) -> Result<(i64, String), StoreError> {
    let last = match head {
        (seq, Some(hash)) => return Ok((seq, hash)),
        (seq, None) => seq,
    };
    let damaged = |seq| {
        corrupt(format!(
            "audit entry {seq} from before the chain is missing or changed; run `idp audit verify`"
        ))
    };
    let mut head = (0, GENESIS.to_owned());
    while head.0 < last {
        let page = page_after(conn, head.0, CHAIN_PAGE.min(last - head.0))?;
        if page.is_empty() {
            return Err(damaged(head.0 + 1));
        }
        for row in page {
            if row.seq != head.0 + 1 || row.hash.is_some() {
                return Err(damaged(head.0 + 1));
            }
            let event = row.event().map_err(corrupt)?;
            let hash = entry_hash(&head.1, row.seq, &event);
            diesel::update(ae::table.find(row.seq))
                .set((ae::prev_hash.eq(&head.1), ae::hash.eq(&hash)))
                .execute(conn)?;
            head = (row.seq, hash);
        }
    }
    set_head(conn, &head)?;
    Ok(head)
}

fn set_head(conn: &mut AnyConnection, head: &(i64, String)) -> Result<(), StoreError> {
    diesel::update(ah::table.find(1))
        .set((ah::seq.eq(head.0), ah::hash.eq(&head.1)))
        .execute(conn)?;
    Ok(())
}

/// Chains the entries from before the chain, if any are left (see
/// [`chained_head`]). Run after migrating, so the journal verifies right
/// after an upgrade.
pub(super) fn chain_old_entries(conn: &mut AnyConnection) -> Result<(), StoreError> {
    transaction::write(conn, |conn| {
        let head = lock_head(conn)?;
        chained_head(conn, head)?;
        Ok(())
    })
}

impl SqlStore {
    /// Appends `events`, in their order, as the next entries of the chain,
    /// in one transaction: one lock of the head and one commit for them
    /// all (`audit::Audit` gathers them). Returns their seqs.
    pub async fn append_audit(&self, events: Vec<AuditEvent>) -> Result<Vec<i64>, StoreError> {
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let head = lock_head(conn)?;
                let mut head = chained_head(conn, head)?;
                let mut seqs = Vec::with_capacity(events.len());
                for mut e in events {
                    // Stored exactly as hashed.
                    e.detail = canonical(&e.detail);
                    let seq = head.0 + 1;
                    let hash = entry_hash(&head.1, seq, &e);
                    diesel::insert_into(ae::table)
                        .values((
                            ae::seq.eq(seq),
                            ae::at.eq(e.at),
                            ae::event.eq(&e.event),
                            ae::account_id.eq(&e.account_id),
                            ae::client_id.eq(&e.client_id),
                            ae::request_id.eq(&e.request_id),
                            ae::detail.eq(e.detail.to_string()),
                            ae::prev_hash.eq(&head.1),
                            ae::hash.eq(&hash),
                        ))
                        .execute(conn)?;
                    head = (seq, hash);
                    seqs.push(seq);
                }
                set_head(conn, &head)?;
                Ok(seqs)
            })
        })
        .await
    }

    /// The newest `limit` events, newest first.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        self.audit_tail(None, None, limit)
            .await?
            .iter()
            .map(|e| e.event().map_err(corrupt))
            .collect()
    }

    /// The newest `limit` entries, newest first, of one account and/or
    /// one event name when given.
    pub async fn audit_tail(
        &self,
        account_id: Option<String>,
        event: Option<String>,
        limit: i64,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        self.run(move |conn| {
            let mut query = ae::table.select(COLUMNS).into_boxed();
            if let Some(account_id) = account_id {
                query = query.filter(ae::account_id.eq(account_id));
            }
            if let Some(event) = event {
                query = query.filter(ae::event.eq(event));
            }
            Ok(query
                .order(ae::seq.desc())
                .limit(limit)
                .load::<Row>(conn)?
                .into_iter()
                .map(entry)
                .collect())
        })
        .await
    }

    /// Up to `limit` entries after seq `after`, oldest first: verification
    /// walks the journal page by page.
    pub async fn audit_page(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        self.run(move |conn| page_after(conn, after, limit)).await
    }

    /// The head: seq and hash of the newest entry (no hash while entries
    /// from before the chain wait to be chained); `None` if the row is gone.
    pub async fn audit_head(&self) -> Result<Option<(i64, Option<String>)>, StoreError> {
        self.run(|conn| {
            Ok(ah::table
                .find(1)
                .select((ah::seq, ah::hash))
                .first(conn)
                .optional()?)
        })
        .await
    }

    /// Test hook: runs raw SQL statements, so tests can tamper with the
    /// journal the way someone with database access would.
    #[doc(hidden)]
    pub async fn execute_raw_sql(&self, sql: &str) -> Result<usize, StoreError> {
        let sql = sql.to_owned();
        self.run(move |conn| Ok(diesel::sql_query(sql).execute(conn)?))
            .await
    }
}
