//! The durable job queue. Claiming is a conditional `UPDATE` that moves
//! `run_at` past a lease: of two nodes claiming one job, one updates a row
//! and the other none.

use diesel::prelude::*;

use super::{AnyConnection, SqlStore, flag};
use crate::clock::UnixTime;
use crate::model::Job;
use crate::store::StoreError;
use crate::store::schema::jobs as j;

#[derive(Queryable, Insertable)]
#[diesel(table_name = j)]
pub(super) struct Row {
    id: String,
    kind: String,
    payload: String,
    run_at: i64,
    attempts: i32,
    failed: i32,
    last_error: Option<String>,
    created_at: i64,
}

impl From<Row> for Job {
    fn from(r: Row) -> Self {
        Job {
            id: r.id,
            kind: r.kind,
            payload: r.payload,
            run_at: r.run_at,
            attempts: r.attempts.max(0) as u32,
            failed: r.failed != 0,
            last_error: r.last_error,
            created_at: r.created_at,
        }
    }
}

impl From<&Job> for Row {
    fn from(job: &Job) -> Self {
        Row {
            id: job.id.clone(),
            kind: job.kind.clone(),
            payload: job.payload.clone(),
            run_at: job.run_at,
            attempts: job.attempts as i32,
            failed: flag(job.failed),
            last_error: job.last_error.clone(),
            created_at: job.created_at,
        }
    }
}

/// Queues a job inside another store operation's transaction.
pub(super) fn insert(conn: &mut AnyConnection, row: &Row) -> Result<(), StoreError> {
    diesel::insert_into(j::table).values(row).execute(conn)?;
    Ok(())
}

impl SqlStore {
    pub async fn insert_job(&self, job: &Job) -> Result<(), StoreError> {
        let row = Row::from(job);
        self.run(move |conn| insert(conn, &row)).await
    }

    /// Claims up to `limit` due jobs for `lease` seconds: each claimed job
    /// has its attempt counted and `run_at` moved to the lease's end.
    pub async fn claim_jobs(
        &self,
        now: UnixTime,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        self.run(move |conn| {
            let due: Vec<Row> = j::table
                .filter(j::failed.eq(0).and(j::run_at.le(now)))
                .order(j::run_at.asc())
                .limit(limit)
                .load(conn)?;
            let mut claimed = Vec::new();
            for row in due {
                let won = diesel::update(
                    j::table
                        .find(&row.id)
                        .filter(j::run_at.eq(row.run_at).and(j::failed.eq(0))),
                )
                .set((j::run_at.eq(now + lease), j::attempts.eq(row.attempts + 1)))
                .execute(conn)?
                    == 1;
                if won {
                    claimed.push(Job::from(Row {
                        run_at: now + lease,
                        attempts: row.attempts + 1,
                        ..row
                    }));
                }
            }
            Ok(claimed)
        })
        .await
    }

    /// A job is done: it goes (with whatever secret its payload held).
    pub async fn finish_job(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            diesel::delete(j::table.find(id)).execute(conn)?;
            Ok(())
        })
        .await
    }

    /// A job failed this time: run it again at `at`, or never (`give_up`).
    pub async fn retry_job(
        &self,
        id: &str,
        at: UnixTime,
        give_up: bool,
        error: &str,
    ) -> Result<(), StoreError> {
        let (id, error) = (id.to_owned(), error.to_owned());
        self.run(move |conn| {
            diesel::update(j::table.find(id))
                .set((
                    j::run_at.eq(at),
                    j::failed.eq(flag(give_up)),
                    j::last_error.eq(Some(error)),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    /// Jobs of `kind` still waiting or failed, oldest first.
    pub async fn jobs_of_kind(&self, kind: &str) -> Result<Vec<Job>, StoreError> {
        let kind = kind.to_owned();
        self.run(move |conn| {
            let rows: Vec<Row> = j::table
                .filter(j::kind.eq(kind))
                .order(j::created_at.asc())
                .load(conn)?;
            Ok(rows.into_iter().map(Job::from).collect())
        })
        .await
    }

    /// How many jobs wait (due or not) and how many were given up, for
    /// the metrics.
    pub async fn job_counts(&self) -> Result<(i64, i64), StoreError> {
        self.run(|conn| {
            let waiting = j::table
                .filter(j::failed.eq(flag(false)))
                .count()
                .get_result(conn)?;
            let failed = j::table
                .filter(j::failed.eq(flag(true)))
                .count()
                .get_result(conn)?;
            Ok((waiting, failed))
        })
        .await
    }
}
