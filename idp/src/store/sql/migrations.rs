//! Embedded migrations, one folder per backend.

use diesel::Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

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
        with_harness!(self, |conn, source| {
            Ok(conn
                .run_pending_migrations(source)
                .map_err(err)?
                .iter()
                .map(|v| v.to_string())
                .collect())
        })
    }

    /// Reverts every applied migration (tests and `idp migrate --revert-all`).
    pub fn revert_all(&self) -> Result<usize, StoreError> {
        with_harness!(self, |conn, source| {
            Ok(conn.revert_all_migrations(source).map_err(err)?.len())
        })
    }
}
