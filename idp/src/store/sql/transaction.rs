//! Transactions that write. On SQLite they begin `IMMEDIATE`: they take
//! the database's write lock at once, waiting up to `busy_timeout` for it.
//! A deferred transaction takes it only at its first write, and if it has
//! read before and another connection wrote meanwhile, SQLite cannot let it
//! write on a snapshot that is no longer true: it fails at once with
//! «database is locked», whatever the timeout (seen when a person's other
//! sessions were ended while the worker wrote). PostgreSQL locks rows as a
//! transaction goes, and gets a plain one.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;

use super::AnyConnection;

/// Runs `f` in a transaction that may write: committed when it returns
/// `Ok`, rolled back otherwise. Inside another transaction it is a
/// savepoint, as `Connection::transaction` is.
pub(crate) fn write<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let AnyConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    let depth =
        AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth()?;
    if depth.is_some() {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let AnyConnection::Sqlite(sqlite) = conn else {
        unreachable!("a connection keeps its backend");
    };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(sqlite)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(sqlite)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests;
