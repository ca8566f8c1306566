//! The durable index of SSO sessions and the portals that got tokens in
//! each. Ending is a conditional `UPDATE ... WHERE ended_at IS NULL`, so of
//! two concurrent ends exactly one wins, and it queues what the end sets off
//! (back-channel logouts) in the same transaction: an end is never recorded
//! without its notices, nor notified twice.

use diesel::prelude::*;

use super::jobs::Row as JobRow;
use super::transaction;
use super::{AnyConnection, SqlStore, corrupt};
use crate::clock::UnixTime;
use crate::model::{Aal, Job, SessionRecord};
use crate::store::StoreError;
use crate::store::schema::{clients as c, session_clients as sc, sessions as s};

#[derive(Queryable, Insertable)]
#[diesel(table_name = s)]
pub(super) struct Row {
    sid: String,
    account_id: String,
    cookie_digest: String,
    ip: String,
    user_agent: Option<String>,
    acr: String,
    amr: String,
    created_at: i64,
    expires_at: i64,
    ended_at: Option<i64>,
    end_reason: Option<String>,
}

impl Row {
    fn into_record(self, clients: Vec<String>) -> Result<SessionRecord, StoreError> {
        Ok(SessionRecord {
            aal: Aal::from_urn(&self.acr)
                .ok_or_else(|| corrupt(format!("unknown acr `{}`", self.acr)))?,
            amr: self
                .amr
                .split_ascii_whitespace()
                .map(str::to_owned)
                .collect(),
            sid: self.sid,
            account_id: self.account_id,
            cookie_digest: self.cookie_digest,
            ip: self.ip,
            user_agent: self.user_agent,
            created_at: self.created_at,
            expires_at: self.expires_at,
            ended_at: self.ended_at,
            end_reason: self.end_reason,
            clients,
        })
    }
}

impl From<&SessionRecord> for Row {
    fn from(r: &SessionRecord) -> Self {
        Row {
            sid: r.sid.clone(),
            account_id: r.account_id.clone(),
            cookie_digest: r.cookie_digest.clone(),
            ip: r.ip.clone(),
            user_agent: r.user_agent.clone(),
            acr: r.aal.as_urn().to_owned(),
            amr: r.amr.join(" "),
            created_at: r.created_at,
            expires_at: r.expires_at,
            ended_at: r.ended_at,
            end_reason: r.end_reason.clone(),
        }
    }
}

/// The rows with the client ids of each, first first.
pub(super) fn with_clients(
    conn: &mut AnyConnection,
    rows: Vec<Row>,
) -> Result<Vec<SessionRecord>, StoreError> {
    let sids: Vec<&str> = rows.iter().map(|r| r.sid.as_str()).collect();
    let pairs: Vec<(String, String)> = sc::table
        .filter(sc::sid.eq_any(&sids))
        .order((sc::first_at.asc(), sc::client_id.asc()))
        .select((sc::sid, sc::client_id))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let clients = pairs
                .iter()
                .filter(|(sid, _)| *sid == row.sid)
                .map(|(_, client)| client.clone())
                .collect();
            row.into_record(clients)
        })
        .collect()
}

/// Records that `client_id` got tokens in the session `sid`; returns
/// whether the session is live. On PostgreSQL the session's row is read
/// `FOR SHARE`: the end of the session (an `UPDATE` of that row) waits for
/// every transaction that read it live, and then sees their portals, while
/// the code exchanges of one session do not wait for each other. On SQLite
/// the transaction holds the database's write lock already.
pub(super) fn join(
    conn: &mut AnyConnection,
    sid: &str,
    client_id: &str,
    now: UnixTime,
) -> Result<bool, StoreError> {
    let live = s::table.find(sid).select(s::ended_at);
    let ended_at: Option<Option<i64>> = match conn {
        AnyConnection::Postgresql(pg) => live.for_share().first(pg).optional()?,
        AnyConnection::Sqlite(sqlite) => live.first(sqlite).optional()?,
    };
    if ended_at != Some(None) {
        return Ok(false);
    }
    let row = (
        sc::sid.eq(sid),
        sc::client_id.eq(client_id),
        sc::first_at.eq(now),
    );
    // Two exchanges of one session may both be the portal's first.
    let insert = diesel::insert_into(sc::table)
        .values(row)
        .on_conflict_do_nothing();
    match conn {
        AnyConnection::Postgresql(pg) => insert.execute(pg)?,
        AnyConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    Ok(true)
}

impl SqlStore {
    /// Records a new session and queues its expiry, in one transaction.
    pub async fn insert_session(
        &self,
        session: &SessionRecord,
        expiry: &Job,
    ) -> Result<(), StoreError> {
        let (row, job) = (Row::from(session), JobRow::from(expiry));
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::insert_into(s::table).values(&row).execute(conn)?;
                super::jobs::insert(conn, &job)
            })
        })
        .await
    }

    /// Whether the session `sid` is recorded and not ended.
    pub async fn session_is_live(&self, sid: &str) -> Result<bool, StoreError> {
        let sid = sid.to_owned();
        self.run(move |conn| {
            let count: i64 = s::table
                .filter(s::sid.eq(sid).and(s::ended_at.is_null()))
                .count()
                .get_result(conn)?;
            Ok(count > 0)
        })
        .await
    }

    pub async fn session(&self, sid: &str) -> Result<Option<SessionRecord>, StoreError> {
        let sid = sid.to_owned();
        self.run(move |conn| {
            let rows: Vec<Row> = s::table.find(sid).load(conn)?;
            Ok(with_clients(conn, rows)?.pop())
        })
        .await
    }

    /// A live session made stronger (a step-up): its new cookie and
    /// strength; false when it ended meanwhile.
    pub async fn strengthen_session(
        &self,
        sid: &str,
        cookie_digest: &str,
        aal: Aal,
        amr: &[String],
    ) -> Result<bool, StoreError> {
        let (sid, digest) = (sid.to_owned(), cookie_digest.to_owned());
        let (acr, amr) = (aal.as_urn().to_owned(), amr.join(" "));
        self.run(move |conn| {
            Ok(
                diesel::update(s::table.find(sid).filter(s::ended_at.is_null()))
                    .set((s::cookie_digest.eq(digest), s::acr.eq(acr), s::amr.eq(amr)))
                    .execute(conn)?
                    == 1,
            )
        })
        .await
    }

    /// The id of the session behind a cookie digest.
    pub async fn session_by_cookie(&self, digest: &str) -> Result<Option<String>, StoreError> {
        let digest = digest.to_owned();
        self.run(move |conn| {
            Ok(s::table
                .filter(s::cookie_digest.eq(digest))
                .select(s::sid)
                .first(conn)
                .optional()?)
        })
        .await
    }

    /// The sessions of an account not ended yet, newest first.
    pub async fn open_sessions_of(
        &self,
        account_id: &str,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            let rows: Vec<Row> = s::table
                .filter(s::account_id.eq(account_id).and(s::ended_at.is_null()))
                .order((s::created_at.desc(), s::sid.asc()))
                .load(conn)?;
            with_clients(conn, rows)
        })
        .await
    }

    /// Ends a session not ended yet and queues the jobs `follow_up` makes
    /// of it and of its portals that take back-channel logouts, in one
    /// transaction. `None` when it was already ended (or never recorded).
    pub async fn end_session<F>(
        &self,
        sid: &str,
        reason: &str,
        now: UnixTime,
        follow_up: F,
    ) -> Result<Option<SessionRecord>, StoreError>
    where
        F: FnOnce(&SessionRecord, Vec<String>) -> Result<Vec<Job>, StoreError> + Send + 'static,
    {
        let (sid, reason) = (sid.to_owned(), reason.to_owned());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let won = diesel::update(s::table.find(&sid).filter(s::ended_at.is_null()))
                    .set((s::ended_at.eq(now), s::end_reason.eq(reason)))
                    .execute(conn)?
                    == 1;
                if !won {
                    return Ok(None);
                }
                let rows: Vec<Row> = s::table.find(&sid).load(conn)?;
                let Some(ended) = with_clients(conn, rows)?.pop() else {
                    return Ok(None);
                };
                let listening: Vec<String> = c::table
                    .filter(c::id.eq_any(&ended.clients))
                    .filter(c::backchannel_logout_uri.is_not_null())
                    .order(c::id)
                    .select(c::id)
                    .load(conn)?;
                for job in follow_up(&ended, listening)? {
                    super::jobs::insert(conn, &JobRow::from(&job))?;
                }
                Ok(Some(ended))
            })
        })
        .await
    }

    /// A back-channel logout of `sid` reached `client_id`.
    pub async fn backchannel_delivered(
        &self,
        sid: &str,
        client_id: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let (sid, client_id) = (sid.to_owned(), client_id.to_owned());
        self.run(move |conn| {
            diesel::update(sc::table.find((sid, client_id)))
                .set(sc::logout_delivered_at.eq(now))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    /// When a back-channel logout last reached `client_id`.
    pub async fn backchannel_last_delivered(
        &self,
        client_id: &str,
    ) -> Result<Option<UnixTime>, StoreError> {
        let client_id = client_id.to_owned();
        self.run(move |conn| {
            Ok(sc::table
                .filter(sc::client_id.eq(client_id))
                .select(diesel::dsl::max(sc::logout_delivered_at))
                .first(conn)?)
        })
        .await
    }

    /// Deletes sessions that expired before `before`, with their portals;
    /// returns how many.
    pub async fn purge_sessions(&self, before: UnixTime) -> Result<usize, StoreError> {
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let old = s::table.filter(s::expires_at.lt(before)).select(s::sid);
                diesel::delete(sc::table.filter(sc::sid.eq_any(old))).execute(conn)?;
                Ok(diesel::delete(s::table.filter(s::expires_at.lt(before))).execute(conn)?)
            })
        })
        .await
    }
}
