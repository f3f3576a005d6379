//! The synchronous adapter against a real server: every extension method,
//! row iterators dropped midway, cursors, COPY (and a failing one inside a
//! transaction), type registration, errors.

use pgcast::sql::{Identifier, Placeholder, Sql, bind};
use pgcast::{FromRow, ToRow, Value, sql};
use pgcast_postgres::{
    ClientExt, ErrorKind, First, PgClient, Record, TransactionEnd, TransactionExt,
};
use postgres::error::SqlState;
use postgres::{Client, NoTls};

fn connect() -> Client {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    Client::connect(db.url(), NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", db.url()))
}

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Item {
    id: i32,
    name: String,
    price: Option<f64>,
}

fn items(client: &mut impl ClientExt) {
    client
        .exec(Sql::new(
            "CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)",
        ))
        .unwrap();
    for (id, name, price) in [
        (1, "apple", Some(0.5)),
        (2, "pear", None),
        (3, "fig", Some(2.25)),
    ] {
        let n = client
            .exec(&sql!("INSERT INTO items VALUES ({id}, {name}, {price})"))
            .unwrap();
        assert_eq!(n, 1);
    }
}

#[test]
fn every_query_method() {
    let mut client = connect();
    items(&mut client);
    let all: Vec<Item> = client
        .fetch_all(Sql::new("SELECT * FROM items ORDER BY id"))
        .unwrap();
    assert_eq!(
        all[1],
        Item {
            id: 2,
            name: "pear".into(),
            price: None
        }
    );
    let one: Item = client
        .fetch_one(&sql!("SELECT * FROM items WHERE id = {}", 3_i32))
        .unwrap();
    assert_eq!(one.name, "fig");
    let none: Option<Item> = client
        .fetch_optional(
            (Sql::new("SELECT * FROM items WHERE id = ") + Placeholder::named("id"))
                .with("id", 9_i32),
        )
        .unwrap();
    assert_eq!(none, None);
    let count: i64 = client
        .fetch_scalar(Sql::new("SELECT count(*) FROM items"))
        .unwrap();
    assert_eq!(count, 3);
    let records: Vec<Record> = client
        .fetch_records(Sql::new("SELECT id, price FROM items ORDER BY id"))
        .unwrap();
    assert_eq!(records[0].get("price"), Some(&Value::Float8(0.5)));
    assert_eq!(records[1].get("price"), Some(&Value::Null));

    let err = client
        .fetch_one::<Item>(&Sql::new("SELECT * FROM items"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows);
    let err = client
        .fetch_one::<Item>(&Sql::new("SELECT * FROM items WHERE false"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoRows);
    let err = client
        .exec(Sql::new("SELECT * FROM no_such_table"))
        .unwrap_err();
    assert_eq!(err.code(), Some(SqlState::UNDEFINED_TABLE.code()));
    assert_eq!(err.query(), Some("SELECT * FROM no_such_table"));
    let err = client
        .fetch_scalar::<i16>(&Sql::new("SELECT 70000 AS big"))
        .unwrap_err();
    assert_eq!(err.pgcast().unwrap().column().unwrap().name, "big");
}

#[test]
fn sessions_cache_prepared_statements_and_scopes() {
    let mut client = PgClient::new(connect());
    items(&mut client);
    // an untyped value: prepared once, reused
    let before = client.pg_session().cached_statements();
    let q = Sql::new("SELECT coalesce(")
        + bind(Value::Null)
        + Sql::new(", name) FROM items WHERE id = ")
        + Placeholder::named("id");
    for (id, name) in [(1, "apple"), (2, "pear")] {
        let got: First<String> = client.fetch_one(q.clone().with("id", id)).unwrap();
        assert_eq!(got.0, name);
    }
    assert_eq!(client.pg_session().cached_statements(), before + 1);
    // the exec prepared path
    let n = client
        .exec(
            &(Sql::new("UPDATE items SET price = coalesce(price, 0) + ")
                + bind(pgcast::bridge::Pg(1.0_f64))),
        )
        .unwrap();
    assert_eq!(n, 3);

    client
        .batch_execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok'); CREATE TYPE pg_temp.pair AS (m pg_temp.mood, n int4)")
        .unwrap();
    let schema: String = client
        .fetch_scalar(Sql::new(
            "SELECT nspname::text FROM pg_namespace WHERE oid = pg_my_temp_schema()",
        ))
        .unwrap();
    let pair = client.register_type(&format!("{schema}.pair")).unwrap();
    assert!(matches!(pair.kind(), pgcast::Kind::Composite(f) if f[0].type_().name() == "mood"));
    assert!(client.pg_session().scope().type_by_name("mood").is_some());
    assert!(client.register_types(["no_such_type"]).is_err());

    // transactions share the session
    let mut tx = client.pg_transaction().unwrap();
    tx.exec(&sql!("DELETE FROM items WHERE id = {}", 1_i32))
        .unwrap();
    tx.rollback().unwrap();
    let count: i64 = client
        .fetch_scalar(Sql::new("SELECT count(*) FROM items"))
        .unwrap();
    assert_eq!(count, 3);
}

#[test]
fn iterators_decode_as_they_read_and_can_be_dropped() {
    let mut client = connect();
    let mut rows = client
        .fetch_iter::<(i64, String)>(&Sql::new(
            "SELECT n, 'x' || n FROM generate_series(1::int8, 100000) n",
        ))
        .unwrap();
    for expected in 1..=5 {
        assert_eq!(rows.next().unwrap().unwrap().0, expected);
    }
    drop(rows);
    let n: i64 = client.fetch_scalar(Sql::new("SELECT 42::int8")).unwrap();
    assert_eq!(n, 42);
    let total: i64 = client
        .fetch_iter::<(i64, String)>(&Sql::new(
            "SELECT n, '' FROM generate_series(1::int8, 1000) n",
        ))
        .unwrap()
        .map(|r| r.unwrap().0)
        .sum();
    assert_eq!(total, 500_500);
}

#[test]
fn cursors_fetch_in_batches() {
    let mut client = connect();
    let mut tx = client.transaction().unwrap();
    let mut cursor = tx
        .cursor::<(i32,)>(&sql!("SELECT n FROM generate_series(1, {}) n", 7_i32))
        .unwrap();
    assert_eq!(cursor.fetch_many(3).unwrap(), [(1,), (2,), (3,)]);
    assert_eq!(cursor.fetch_next().unwrap(), Some((4,)));
    assert_eq!(cursor.fetch_rest().unwrap(), [(5,), (6,), (7,)]);
    assert!(cursor.is_done());
    cursor.close().unwrap();
    tx.commit().unwrap();

    let err = client.cursor::<(i32,)>(&Sql::new("SELECT 1")).unwrap_err();
    assert_eq!(err.code(), Some(SqlState::NO_ACTIVE_SQL_TRANSACTION.code()));
    let mut held = client
        .cursor_with_hold::<(i32,)>(&Sql::new("SELECT 1"))
        .unwrap();
    assert_eq!(held.fetch_many(5).unwrap(), [(1,)]);
    held.close().unwrap();
}

#[test]
fn copy_binary_text_and_failures() {
    let mut client = PgClient::new(connect());
    items(&mut client);
    client.exec(Sql::new("DELETE FROM items")).unwrap();
    let rows: Vec<Item> = (1..=5000)
        .map(|i| Item {
            id: i,
            name: format!("n{i}"),
            price: (i % 2 == 0).then_some(f64::from(i)),
        })
        .collect();
    let n = client
        .copy_in_rows(Identifier::new("items"), rows.clone())
        .unwrap();
    assert_eq!(n, 5000);
    let back: Vec<Item> = client
        .copy_out_as::<Item>(&sql!(
            "SELECT * FROM items WHERE id <= {} ORDER BY id",
            5000_i32
        ))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, rows);

    // a bad row inside a transaction: nothing of the COPY or the transaction stays
    let mut bad = vec![
        Item {
            id: 10_001,
            name: "ok".into(),
            price: None
        };
        1
    ];
    bad.push(Item {
        id: 10_002,
        name: "nul\0".into(),
        price: None,
    });
    let mut tx = client.pg_transaction().unwrap();
    tx.exec(&sql!(
        "INSERT INTO items VALUES ({}, 'tx', NULL)",
        20_000_i32
    ))
    .unwrap();
    let err = tx.copy_in_rows(Identifier::new("items"), bad).unwrap_err();
    assert_eq!(err.row(), Some(1));
    assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::Nul));
    tx.rollback().unwrap();
    // a row the server rejects (duplicate key)
    let dup = vec![Item {
        id: 1,
        name: "dup".into(),
        price: None,
    }];
    let err = client
        .copy_in_rows(Identifier::new("items"), dup)
        .unwrap_err();
    assert_eq!(err.code(), Some(SqlState::UNIQUE_VIOLATION.code()));
    let count: i64 = client
        .fetch_scalar(Sql::new("SELECT count(*) FROM items"))
        .unwrap();
    assert_eq!(count, 5000);
}

/// What the logger saw: text, rows, outcome, strategy, statement, slow,
/// whether a plan came.
type Logged = (
    String,
    u64,
    pgcast::exec::Outcome,
    Option<pgcast::exec::Strategy>,
    Option<String>,
    bool,
    bool,
);

#[test]
fn obs_logger_and_slow_reports_through_the_blocking_adapter() {
    use std::sync::{Arc, Mutex};

    use pgcast::exec::{LogValues, Outcome, Redacted, Strategy};

    let mut client = PgClient::new(connect());
    let logs: Arc<Mutex<Vec<Logged>>> = Arc::default();
    let sink = Arc::clone(&logs);
    let session = client.pg_session().clone();
    session.set_logger(move |log| {
        sink.lock().unwrap().push((
            log.text.to_owned(),
            log.rows,
            log.outcome.clone(),
            log.strategy,
            log.statement.map(str::to_owned),
            log.slow,
            log.plan.is_some(),
        ));
    });
    session.set_log_values(Some(LogValues::all()));
    let (id, token) = (3_i32, Redacted(String::from("tok-123")));
    let rows: Vec<(i32, String)> = client
        .fetch_all(&sql!(
            "SELECT g, {token} FROM generate_series(1, {id}) AS g"
        ))
        .unwrap();
    assert_eq!(rows.len(), 3);
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.0, "SELECT g, $1 FROM generate_series(1, $2) AS g");
    assert_eq!(
        (last.1, &last.2, last.3),
        (3, &Outcome::Ok, Some(Strategy::Described))
    );
    assert_eq!(
        last.4.as_deref(),
        Some("SELECT g, '<redacted>' FROM generate_series(1, 3) AS g")
    );
    assert!(!last.5 && !last.6);

    session.set_slow_threshold(Some(std::time::Duration::ZERO));
    session.set_explain_slow(true);
    let n: i64 = client
        .fetch_scalar(Sql::new("SELECT count(*) FROM pg_class"))
        .unwrap();
    assert!(n > 0);
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert!(last.5 && last.6, "slow, with its plan: {last:?}");
    let err = client.exec(Sql::new("SELECT 1 / 0")).unwrap_err();
    assert_eq!(err.code(), Some("22012"));
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert!(matches!(&last.2, Outcome::Failed { code: Some(c), .. } if c == "22012"));
    // an iterator dropped midway still reports
    let mut iter = client
        .fetch_iter::<i32>(&Sql::new("SELECT generate_series(1, 10)"))
        .unwrap();
    assert_eq!(iter.next().unwrap().unwrap(), 1);
    drop(iter);
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1),
        ("SELECT generate_series(1, 10)", 1)
    );
}
