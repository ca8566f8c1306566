use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::write;
use crate::store::sql::AnyConnection;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn open(path: &std::path::Path) -> AnyConnection {
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;")
        .unwrap();
    AnyConnection::Sqlite(conn)
}

fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    let AnyConnection::Sqlite(conn) = conn else {
        unreachable!()
    };
    Ok(diesel::sql_query("SELECT n FROM counter")
        .get_result::<Count>(conn)?
        .n)
}

type Transaction = fn(
    &mut AnyConnection,
    Box<dyn FnOnce(&mut AnyConnection) -> QueryResult<()> + '_>,
) -> QueryResult<()>;

/// Two connections add one to a counter each: the first reads it, lets the
/// second go, waits, and writes what it read plus one. Returns both
/// outcomes and the counter.
fn race(transaction: Transaction) -> (QueryResult<()>, QueryResult<()>, i64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.sqlite");
    open(&path)
        .batch_execute("CREATE TABLE counter (n BIGINT NOT NULL); INSERT INTO counter VALUES (0);")
        .unwrap();
    let (read, go) = mpsc::channel();
    let reader = {
        let path = path.clone();
        thread::spawn(move || {
            let mut conn = open(&path);
            transaction(
                &mut conn,
                Box::new(|conn| {
                    let n = count(conn)?;
                    read.send(()).unwrap();
                    thread::sleep(Duration::from_millis(300));
                    conn.batch_execute(&format!("UPDATE counter SET n = {}", n + 1))
                }),
            )
        })
    };
    go.recv().unwrap();
    let mut conn = open(&path);
    let other = transaction(
        &mut conn,
        Box::new(|conn| conn.batch_execute("UPDATE counter SET n = n + 1")),
    );
    let first = reader.join().unwrap();
    let n = count(&mut conn).unwrap();
    (first, other, n)
}

#[test]
fn a_write_transaction_that_read_first_waits_for_no_one_and_loses_no_update() {
    let (first, other, n) = race(|conn, f| write(conn, f));
    first.unwrap();
    other.unwrap();
    assert_eq!(n, 2, "an update was lost");
}

/// Why `write` exists: the same race in diesel's default (deferred)
/// transaction fails the one that read first.
#[test]
fn a_deferred_transaction_that_read_first_fails_when_another_wrote() {
    let (first, other, n) = race(|conn, f| conn.transaction(f));
    other.unwrap();
    let error = first.unwrap_err().to_string();
    assert!(error.contains("database is locked"), "{error}");
    assert_eq!(n, 1);
}

#[test]
fn a_write_transaction_rolls_back_on_error_and_nests() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir.path().join("nest.sqlite"));
    conn.batch_execute("CREATE TABLE counter (n BIGINT NOT NULL); INSERT INTO counter VALUES (0);")
        .unwrap();
    let failed: QueryResult<()> = write(&mut conn, |conn| {
        conn.batch_execute("UPDATE counter SET n = 5")?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(failed.is_err());
    assert_eq!(count(&mut conn).unwrap(), 0);
    write(&mut conn, |conn| {
        conn.batch_execute("UPDATE counter SET n = 1")?;
        // An inner one is a savepoint: its failure undoes only itself.
        let inner: QueryResult<()> = write(conn, |conn| {
            conn.batch_execute("UPDATE counter SET n = 7")?;
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(inner.is_err());
        QueryResult::Ok(())
    })
    .unwrap();
    assert_eq!(count(&mut conn).unwrap(), 1);
}
