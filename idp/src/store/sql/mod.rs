//! The durable store: diesel over SQLite (embedded default) or PostgreSQL.
//! Sync diesel runs on the blocking thread pool, never on the executor.

mod accounts;
mod audit;
mod clients;
mod confirmation;
mod consents;
mod esia;
mod grants;
mod jobs;
mod keys;
mod listings;
mod migrations;
mod orgs;
mod profiles;
mod refresh;
mod second_factors;
mod sessions;
mod settle;
mod transaction;

pub use confirmation::PostalTry;
pub use keys::KeyChange;
pub use migrations::Migrations;
pub use orgs::Accepted;
pub use profiles::Finished;

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, ManageConnection, Pool};

use super::StoreError;

/// One connection type for both backends, chosen once at start.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// A pooled connection, and when it last answered a query.
pub struct Pooled {
    conn: AnyConnection,
    answered_at: Option<Instant>,
}

/// How long after a successful query a connection is lent again without
/// a ping first. r2d2 pings (`SELECT 1`) on every checkout by default: on
/// PostgreSQL one more round trip for each `run`, a quarter of those of a
/// code exchange. A connection that answered this recently is taken as
/// alive (HikariCP's rule, with its 500 ms); one idle longer, or whose last
/// use failed, is pinged, and replaced when the ping fails.
const ANSWERED_RECENTLY: Duration = Duration::from_millis(500);

/// diesel's manager, with the ping skipped by the rule above.
#[derive(Debug)]
struct Manager(ConnectionManager<AnyConnection>);

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Pooled, Self::Error> {
        Ok(Pooled {
            conn: self.0.connect()?,
            answered_at: None,
        })
    }

    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), Self::Error> {
        match pooled.answered_at {
            Some(at) if at.elapsed() < ANSWERED_RECENTLY => Ok(()),
            _ => self.0.is_valid(&mut pooled.conn),
        }
    }

    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        self.0.has_broken(&mut pooled.conn)
    }
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<Pooled, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, pooled: &mut Pooled) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(conn) = &mut pooled.conn {
            conn.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// A pool of connections to the durable database.
#[derive(Clone)]
pub struct SqlStore {
    pool: Pool<Manager>,
    url: String,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore").finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Connects to `url`: `postgres://...` or a SQLite file path.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let sqlite = !url.starts_with("postgres");
        let manager = Manager(ConnectionManager::new(url));
        let pool = Pool::builder()
            .max_size(if sqlite { 4 } else { 8 })
            // No background connection making: connections open on demand, and
            // a short-lived CLI process never exits while one is being opened.
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        Ok(Self {
            pool,
            url: url.to_owned(),
        })
    }

    /// A fresh SQLite database in memory, for unit tests: it lives as long
    /// as this store (one connection, never closed, holds it).
    #[cfg(test)]
    pub fn in_memory() -> Result<Self, StoreError> {
        let url = format!(
            "file:vhod-test-{}?mode=memory&cache=shared",
            uuid::Uuid::new_v4().simple()
        );
        let pool = Pool::builder()
            .max_size(1)
            .min_idle(Some(1))
            .idle_timeout(None)
            .max_lifetime(None)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(Manager(ConnectionManager::new(&url)))
            .map_err(|e| StoreError::Database(e.to_string()))?;
        Ok(Self { pool, url })
    }

    pub fn migrations(&self) -> Migrations {
        Migrations::new(&self.url)
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut pooled = pool
                .get()
                .map_err(|e| StoreError::Database(e.to_string()))?;
            let result = f(&mut pooled.conn);
            pooled.answered_at = result.is_ok().then(Instant::now);
            result
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
    }

    /// The pool's connections: open, and of them idle (for the metrics).
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.message().to_owned())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

fn flag(value: bool) -> i32 {
    i32::from(value)
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Creates a PostgreSQL schema (if missing) and returns a URL whose
/// connections work inside it: several deployments, or tests, can share one
/// database without colliding.
pub fn postgres_schema_url(base_url: &str, schema: &str) -> Result<String, StoreError> {
    check_schema_name(schema)?;
    let mut conn = diesel::PgConnection::establish(base_url)
        .map_err(|e| StoreError::Database(e.to_string()))?;
    conn.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))?;
    let separator = if base_url.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{base_url}{separator}options=-csearch_path%3D{schema}"
    ))
}

/// Drops a schema made by [`postgres_schema_url`], with everything in it.
pub fn drop_postgres_schema(base_url: &str, schema: &str) -> Result<(), StoreError> {
    check_schema_name(schema)?;
    let mut conn = diesel::PgConnection::establish(base_url)
        .map_err(|e| StoreError::Database(e.to_string()))?;
    conn.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))?;
    Ok(())
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Database(format!(
            "invalid schema name `{schema}`"
        )))
    }
}
