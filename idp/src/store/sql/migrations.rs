//! Embedded migrations, one folder per backend.

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::AnyConnection;
use crate::store::StoreError;

const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Applies, lists and reverts the schema migrations of one database.
pub struct Migrations {
    url: String,
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

macro_rules! with_harness {
    ($self:ident, |$conn:ident, $source:ident| $body:expr) => {
        if $self.url.starts_with("postgres") {
            let mut $conn = diesel::PgConnection::establish(&$self.url).map_err(err)?;
            let $source = POSTGRES;
            $body
        } else {
            let mut $conn = diesel::SqliteConnection::establish(&$self.url).map_err(err)?;
            let $source = SQLITE;
            $body
        }
    };
}

impl Migrations {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
        }
    }

    /// Names of the migrations not yet applied, oldest first.
    pub fn pending(&self) -> Result<Vec<String>, StoreError> {
        with_harness!(self, |conn, source| {
            Ok(conn
                .pending_migrations(source)
                .map_err(err)?
                .iter()
                .map(|m| m.name().to_string())
                .collect())
        })
    }

    /// Applies every pending migration; returns their names.
    pub fn apply(&self) -> Result<Vec<String>, StoreError> {
        let applied = with_harness!(self, |conn, source| {
            conn.run_pending_migrations(source)
                .map_err(err)?
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
        });
        self.after_migrating()?;
        Ok(applied)
    }

    /// What SQL cannot do, right after migrating (each step is idempotent):
    /// chains audit entries written before the journal was a chain (SQL
    /// cannot hash them on SQLite; appends would do it too, later), settles
    /// accounts from before the checked-data rule, and brings stored
    /// identifiers to their one form.
    fn after_migrating(&self) -> Result<(), StoreError> {
        let mut conn = if self.url.starts_with("postgres") {
            AnyConnection::Postgresql(diesel::PgConnection::establish(&self.url).map_err(err)?)
        } else {
            let mut conn = diesel::SqliteConnection::establish(&self.url).map_err(err)?;
            // A running node may be appending at the same time.
            conn.batch_execute("PRAGMA busy_timeout = 10000;")?;
            AnyConnection::Sqlite(conn)
        };
        super::audit::chain_old_entries(&mut conn)?;
        super::settle::settle_accounts(&mut conn)?;
        super::settle::normalize_identifiers(&mut conn)?;
        Ok(())
    }

    /// Reverts the newest applied migration (tests of what migrating settles).
    pub fn revert_last(&self) -> Result<String, StoreError> {
        with_harness!(self, |conn, source| {
            Ok(conn.revert_last_migration(source).map_err(err)?.to_string())
        })
    }

    /// Reverts every applied migration (tests and `idp migrate --revert-all`).
    pub fn revert_all(&self) -> Result<usize, StoreError> {
        with_harness!(self, |conn, source| {
            Ok(conn.revert_all_migrations(source).map_err(err)?.len())
        })
    }
}
