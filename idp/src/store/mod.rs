//! Persistence. The only module that imports diesel or redis.
//!
//! * [`SqlStore`]: durable data through diesel, one repository code for
//!   SQLite and PostgreSQL (`#[derive(MultiConnection)]`);
//! * [`Ephemeral`]: short-lived state with TTLs and atomic single-use
//!   consumption, in memory or in Redis.

pub mod ephemeral;
mod schema;
pub mod sql;

pub use ephemeral::{Ephemeral, EphemeralExt, Update, update_json};
pub use sql::{
    Accepted, KeyChange, Migrations, PostalTry, SqlStore, drop_postgres_schema, postgres_schema_url,
};

/// A storage failure: the backend is unreachable or refused the operation.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(String),
    #[error("cache: {0}")]
    Cache(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}
