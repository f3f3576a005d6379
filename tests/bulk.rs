//! Bulk writes against a real server: `INSERT … SELECT … FROM UNNEST(…)`
//! from derived rows (every column type family, NULLs, composite, enum and
//! array columns, an empty batch, a million rows), upserts, batch updates,
//! `Values` pages from `ToRow` rows, pipelined batches of one statement,
//! and the error messages.

#[path = "support/mod.rs"]
mod support;

use std::future::Future;
use std::time::Duration;

use pgcast::sql::{Composable, Identifier, Insert, Placeholder, Sql, Unnest, Update, Values};
use pgcast::tokio_postgres::{BatchExt, ClientExt, PgClient, TransactionEnd, TransactionExt};
use pgcast::types::{Inet, Numeric};
use pgcast::{ErrorKind, FromRow, PgComposite, PgEnum, ToRow, sql};
use serde::{Deserialize, Serialize};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use tokio_postgres::Client;
use uuid::Uuid;

use support::connect;

/// Runs a test body under a time limit, so a hang fails instead of stalling.
async fn limited<T>(secs: u64, body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), body)
        .await
        .unwrap_or_else(|_| panic!("timed out after {secs} s"))
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "bulk_mood", rename_all = "lowercase")]
enum Mood {
    Calm,
    Wild,
}

#[derive(PgComposite, Debug, PartialEq, Clone)]
#[pg(name = "bulk_point")]
struct Point {
    x: i32,
    label: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Prefs {
    theme: String,
    size: u8,
}

/// One field per column type family.
#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Everything {
    id: i64,
    small: i16,
    int: Option<i32>,
    real: f32,
    double: Option<f64>,
    flag: Option<bool>,
    name: String,
    note: Option<String>,
    blob: Option<Vec<u8>>,
    amount: Option<Numeric>,
    uid: Option<Uuid>,
    day: Option<Date>,
    at: Option<OffsetDateTime>,
    addr: Option<Inet>,
    #[pg(json)]
    prefs: Prefs,
    doc: Option<serde_json::Value>,
    ints: Option<Vec<Option<i32>>>,
    words: Vec<String>,
    mood: Option<Mood>,
    moods: Vec<Mood>,
    point: Option<Point>,
}

const EVERYTHING: &str = "id int8 PRIMARY KEY, small int2 NOT NULL, int int4, real float4 NOT NULL, \
     double float8, flag bool, name text NOT NULL, note varchar(20), blob bytea, amount numeric, \
     uid uuid, day date, at timestamptz, addr inet, prefs jsonb NOT NULL, doc jsonb, ints int4[], \
     words text[] NOT NULL, mood bulk_mood, moods bulk_mood[] NOT NULL, point bulk_point";

/// The enum and composite types, created once per server (concurrent tests
/// serialize on an advisory lock).
async fn types(client: &Client) {
    client
        .batch_execute(
            "BEGIN;
             SELECT pg_advisory_xact_lock(1414);
             DO $$ BEGIN
                 CREATE TYPE bulk_mood AS ENUM ('calm', 'wild');
                 CREATE TYPE bulk_point AS (x int4, label text);
             EXCEPTION WHEN duplicate_object THEN NULL;
             END $$;
             COMMIT;",
        )
        .await
        .unwrap_or_else(|e| panic!("creating the types: {e}"));
}

/// A client with the types, and a fresh temporary table `name (columns)`.
async fn table(name: &'static str, columns: &str) -> PgClient<Client> {
    let client = connect().await;
    types(&client).await;
    client
        .batch_execute(&format!("CREATE TEMP TABLE {name} ({columns})"))
        .await
        .unwrap_or_else(|e| panic!("creating {name}: {e}"));
    PgClient::new(client)
}

fn everything(id: i64) -> Everything {
    Everything {
        id,
        small: -7,
        int: Some(42),
        real: 1.5,
        double: Some(-0.25),
        flag: Some(true),
        name: format!("row \"{id}\", with 'quotes' and \\ and {{braces}}"),
        note: Some("ünïcode".into()),
        blob: Some(vec![0, 1, 255]),
        amount: Some("12345678901234567890.0012".parse().unwrap()),
        uid: Some(Uuid::from_u128(0x1234_5678_9abc_def0 + id as u128)),
        day: Some(date!(2024 - 02 - 29)),
        at: Some(datetime!(2024-03-01 12:34:56.789012 UTC)),
        addr: Some("10.1.2.0/24".parse().unwrap()),
        prefs: Prefs {
            theme: "dark".into(),
            size: 3,
        },
        doc: Some(serde_json::json!({"a": [1, null, "x"]})),
        ints: Some(vec![Some(1), None, Some(3)]),
        words: vec!["a b".into(), "NULL".into(), "\"q\"".into(), "".into()],
        mood: Some(Mood::Wild),
        moods: vec![Mood::Calm, Mood::Wild],
        point: Some(Point {
            x: 3,
            label: Some("(a, \"b\")".into()),
        }),
    }
}

/// Every nullable field NULL, every array empty.
fn nulls(id: i64) -> Everything {
    Everything {
        id,
        small: 0,
        int: None,
        real: 0.0,
        double: None,
        flag: None,
        name: String::new(),
        note: None,
        blob: None,
        amount: None,
        uid: None,
        day: None,
        at: None,
        addr: None,
        prefs: Prefs {
            theme: String::new(),
            size: 0,
        },
        doc: None,
        ints: None,
        words: Vec::new(),
        mood: None,
        moods: Vec::new(),
        point: None,
    }
}

#[tokio::test]
async fn every_type_family_and_nulls_round_trip() {
    limited(60, async {
        let client = table("every_type", EVERYTHING).await;
        let mut rows = vec![everything(1), nulls(2), everything(3)];
        // Ragged arrays and NULL elements stay apart: each row's array is
        // its own value.
        rows[2].ints = Some(vec![Some(9); 5]);
        rows[2].words = vec!["x".into()];
        rows[2].point = Some(Point { x: -1, label: None });
        let n = client
            .exec(&Insert::rows("every_type", &rows).unwrap())
            .await
            .unwrap();
        assert_eq!(n, 3);
        let back: Vec<Everything> = client
            .fetch_all(&Sql::new("SELECT * FROM every_type ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(back, rows);
    })
    .await
}

#[tokio::test]
async fn an_empty_batch_is_the_same_statement() {
    limited(30, async {
        let client = table("empty_batch", EVERYTHING).await;
        let none: Vec<Everything> = Vec::new();
        let empty = Insert::rows("empty_batch", &none).unwrap();
        let one = Insert::rows("empty_batch", [everything(1)]).unwrap();
        assert_eq!(
            empty.render().unwrap().text(),
            one.render().unwrap().text(),
            "one statement text whatever the number of rows"
        );
        assert_eq!(client.exec(&empty).await.unwrap(), 0);
        let count: i64 = client
            .fetch_scalar(&Sql::new("SELECT count(*) FROM empty_batch"))
            .await
            .unwrap();
        assert_eq!(count, 0);
    })
    .await
}

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Stock {
    sku: String,
    qty: i32,
    note: Option<String>,
}

fn stock(sku: &str, qty: i32, note: Option<&str>) -> Stock {
    Stock {
        sku: sku.into(),
        qty,
        note: note.map(Into::into),
    }
}

const STOCK: &str = "sku text PRIMARY KEY, qty int4 NOT NULL CHECK (qty >= 0), note text";

#[tokio::test]
async fn upserts_update_skip_and_return_rows() {
    limited(30, async {
        let client = table("stock_upsert", STOCK).await;
        let first = [stock("a", 1, Some("first")), stock("b", 2, None)];
        client
            .exec(&Insert::rows("stock_upsert", &first).unwrap())
            .await
            .unwrap();

        // A plain insert of a key already there is the server's error.
        let err = client
            .exec(&Insert::rows("stock_upsert", [stock("a", 5, None)]).unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("23505"), "{err}");

        // DO UPDATE SET every non-key column, RETURNING into a FromRow type.
        let upsert = Insert::rows(
            "stock_upsert",
            [stock("a", 10, None), stock("c", 3, Some("new"))],
        )
        .unwrap()
        .upsert(["sku"])
        .returning_all();
        let mut returned: Vec<Stock> = client.fetch_all(&upsert).await.unwrap();
        returned.sort_by(|x, y| x.sku.cmp(&y.sku));
        assert_eq!(returned, [stock("a", 10, None), stock("c", 3, Some("new"))]);

        // DO UPDATE SET only some columns: the note stays.
        let partial = Insert::rows("stock_upsert", [stock("c", 4, Some("ignored"))])
            .unwrap()
            .upsert_columns(["sku"], ["qty"]);
        client.exec(&partial).await.unwrap();

        // DO NOTHING: conflicting rows are skipped and not returned.
        let skip = Insert::rows("stock_upsert", [stock("b", 99, None), stock("d", 4, None)])
            .unwrap()
            .on_conflict_do_nothing(["sku"])
            .returning(Identifier::list(["sku"]));
        let inserted: Vec<String> = client.fetch_all(&skip).await.unwrap();
        assert_eq!(inserted, ["d"]);

        let all: Vec<Stock> = client
            .fetch_all(&Sql::new("SELECT * FROM stock_upsert ORDER BY sku"))
            .await
            .unwrap();
        assert_eq!(
            all,
            [
                stock("a", 10, None),
                stock("b", 2, None),
                stock("c", 4, Some("new")),
                stock("d", 4, None)
            ]
        );

        // A row the table rejects fails the whole statement.
        let err = client
            .exec(
                &Insert::rows("stock_upsert", [stock("e", 1, None), stock("f", -1, None)]).unwrap(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("23514"), "{err}");
    })
    .await
}

#[tokio::test]
async fn batch_updates_by_key() {
    limited(30, async {
        let client = table("stock_update", STOCK).await;
        let rows: Vec<Stock> = (0..100).map(|i| stock(&format!("s{i}"), i, None)).collect();
        client
            .exec(&Insert::rows("stock_update", &rows).unwrap())
            .await
            .unwrap();
        let changes = [
            stock("s1", 100, Some("restocked")),
            stock("s2", 0, None),
            stock("missing", 5, None),
        ];
        let update = Update::rows("stock_update", &changes, ["sku"]).unwrap();
        assert_eq!(client.exec(&update).await.unwrap(), 2);
        let changed: Vec<Stock> = client
            .fetch_all(&Sql::new(
                "SELECT * FROM stock_update WHERE sku IN ('s1', 's2', 's3') ORDER BY sku",
            ))
            .await
            .unwrap();
        assert_eq!(
            changed,
            [
                stock("s1", 100, Some("restocked")),
                stock("s2", 0, None),
                stock("s3", 3, None)
            ]
        );

        let err = Update::rows("stock_update", &changes, ["id"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingColumn);
        assert_eq!(
            err.to_string(),
            "missing column: no column \"id\" in the rows; they have \"sku\", \"qty\", \"note\""
        );
        let err = Update::rows("stock_update", &changes, ["sku", "qty", "note"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad format string: every column of the rows is a key: a batch update has nothing to set"
        );
    })
    .await
}

#[derive(ToRow, Debug)]
struct Tagged {
    id: i64,
    /// A string into an enum column: no assignment cast, so it is cast by name.
    mood: String,
}

#[tokio::test]
async fn a_string_column_cast_to_an_enum() {
    limited(30, async {
        let client = table("tagged", "id int8, mood bulk_mood").await;
        let rows = [
            Tagged {
                id: 1,
                mood: "calm".into(),
            },
            Tagged {
                id: 2,
                mood: "wild".into(),
            },
        ];
        let err = client
            .exec(&Insert::rows("tagged", &rows).unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("42804"), "text into an enum: {err}");
        let insert = Unnest::new(&rows)
            .unwrap()
            .cast("mood", Identifier::new("bulk_mood"))
            .unwrap()
            .insert_into("tagged");
        assert_eq!(client.exec(&insert).await.unwrap(), 2);
        let moods: Vec<Mood> = client
            .fetch_all(&Sql::new("SELECT mood FROM tagged ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(moods, [Mood::Calm, Mood::Wild]);
    })
    .await
}

#[tokio::test]
async fn values_pages_take_to_row_rows() {
    limited(30, async {
        let client = table("values_pages", EVERYTHING).await;
        let rows: Vec<Everything> = (0..25)
            .map(|i| if i % 2 == 0 { everything(i) } else { nulls(i) })
            .collect();
        let cols = Identifier::list(Everything::columns().iter().copied());
        let mut inserted = 0;
        for page in Values::from_rows(&rows).unwrap().page_size(10) {
            let page = page.unwrap();
            inserted += client
                .exec(&sql!("INSERT INTO values_pages ({cols:q}) VALUES {page:q}"))
                .await
                .unwrap();
        }
        assert_eq!(inserted, 25);
        let back: Vec<Everything> = client
            .fetch_all(&Sql::new("SELECT * FROM values_pages ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(back, rows);
    })
    .await
}

#[derive(ToRow)]
struct Bad {
    id: i64,
    name: String,
}

#[test]
fn bad_values_name_the_row_and_column() {
    let rows = [
        Bad {
            id: 1,
            name: "fine".into(),
        },
        Bad {
            id: 2,
            name: "nul\0".into(),
        },
    ];
    let err = Unnest::new(&rows).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Nul);
    let message = err.to_string();
    assert!(message.contains("row 1"), "{message}");
    assert!(message.contains("column \"name\" (index 1)"), "{message}");
    let err = Values::from_rows(&rows).unwrap_err();
    assert!(err.to_string().contains("row 1"), "{err}");
}

#[derive(FromRow, ToRow, Debug, PartialEq)]
struct Reading {
    id: i64,
    sensor: String,
    value: Option<f64>,
    at: OffsetDateTime,
}

/// Heavy: a million rows in one statement (one array parameter per column,
/// far over the 65,535-parameter limit of a VALUES list).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavy_a_million_rows_in_one_statement() {
    limited(300, async {
        let client = table(
            "readings",
            "id int8 PRIMARY KEY, sensor text NOT NULL, value float8, at timestamptz NOT NULL",
        )
        .await;
        const N: i64 = 1_000_000;
        let start = datetime!(2024-01-01 0:00 UTC);
        let rows = (0..N).map(|i| Reading {
            id: i,
            sensor: format!("s{}", i % 97),
            value: (i % 10 != 0).then_some(i as f64 / 8.0),
            at: start + time::Duration::seconds(i),
        });
        let insert = Insert::rows("readings", rows).unwrap();
        assert_eq!(insert.unnest().len(), N as usize);
        assert_eq!(insert.render().unwrap().params().len(), 4);
        assert_eq!(client.exec(&insert).await.unwrap(), N as u64);
        let (count, nulls, last): (i64, i64, Option<f64>) = client
            .fetch_one(&Sql::new(
                "SELECT count(*), count(*) - count(value), max(value) FROM readings",
            ))
            .await
            .unwrap();
        assert_eq!((count, nulls), (N, N / 10));
        assert_eq!(last, Some((N - 1) as f64 / 8.0));
        let one: Reading = client
            .fetch_one(&sql!(
                "SELECT * FROM readings WHERE id = {x}",
                x = 123_457_i64
            ))
            .await
            .unwrap();
        assert_eq!(
            one,
            Reading {
                id: 123_457,
                sensor: format!("s{}", 123_457 % 97),
                value: Some(123_457.0 / 8.0),
                at: start + time::Duration::seconds(123_457),
            }
        );
    })
    .await
}

#[tokio::test]
async fn pipelined_batches_of_one_statement() {
    limited(60, async {
        let mut client = table("stock_batch", STOCK).await;
        let rows: Vec<Stock> = (0..500).map(|i| stock(&format!("b{i}"), i, None)).collect();
        let insert = sql!(
            "INSERT INTO stock_batch (sku, qty, note) VALUES ({sku}, {qty}, {note})",
            sku = Placeholder::named("sku"),
            qty = Placeholder::named("qty"),
            note = Placeholder::named("note"),
        );
        assert_eq!(client.exec_rows(&insert, &rows).await.unwrap(), 500);

        // Fully bound queries, pipelined; the count is the sum.
        let bump = sql!(
            "UPDATE stock_batch SET qty = qty + 1 WHERE sku = {sku}",
            sku = Placeholder::named("sku"),
        );
        let queries = (0..100).map(|i| bump.clone().with("sku", format!("b{i}")));
        assert_eq!(client.exec_batch(queries).await.unwrap(), 100);
        let total: i64 = client
            .fetch_scalar(&Sql::new("SELECT sum(qty)::int8 FROM stock_batch"))
            .await
            .unwrap();
        assert_eq!(total, (0..500).sum::<i64>() + 100);

        // In a transaction, a failing set rolls back the whole batch; the
        // error says which set failed.
        let tx = client.pg_transaction().await.unwrap();
        let more = [
            stock("new", 1, None),
            stock("b7", 1, None),
            stock("x", 1, None),
        ];
        let err = tx.exec_rows(&insert, &more).await.unwrap_err();
        assert_eq!(err.code(), Some("23505"), "{err}");
        assert_eq!(err.row(), Some(1), "{err}");
        tx.rollback().await.unwrap();
        let count: i64 = client
            .fetch_scalar(&Sql::new("SELECT count(*) FROM stock_batch"))
            .await
            .unwrap();
        assert_eq!(count, 500);

        // A row that cannot be dumped stops the batch before it is sent.
        let bad = [stock("ok", 1, None), stock("nul\0", 1, None)];
        let err = client.exec_rows(&insert, &bad).await.unwrap_err();
        assert_eq!(err.row(), Some(1), "{err}");
        assert!(err.to_string().contains("column \"sku\""), "{err}");
    })
    .await
}

#[test]
fn sequential_batches_on_the_blocking_client() {
    use pgcast::postgres::{BatchExt as _, ClientExt as _, PgClient as SyncClient};
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let mut client = SyncClient::new(postgres::Client::connect(db.url(), postgres::NoTls).unwrap());
    client
        .exec(Sql::new(
            "CREATE TEMP TABLE stock_sync (sku text PRIMARY KEY, qty int4 NOT NULL, note text)",
        ))
        .unwrap();
    let insert = sql!(
        "INSERT INTO stock_sync VALUES ({sku}, {qty}, {note})",
        sku = Placeholder::named("sku"),
        qty = Placeholder::named("qty"),
        note = Placeholder::named("note"),
    );
    let rows: Vec<Stock> = (0..50)
        .map(|i| stock(&format!("s{i}"), i, Some("n")))
        .collect();
    assert_eq!(client.exec_rows(&insert, &rows).unwrap(), 50);
    let err = client
        .exec_rows(&insert, [stock("t", 1, None), stock("s3", 1, None)])
        .unwrap_err();
    assert_eq!((err.code(), err.row()), (Some("23505"), Some(1)), "{err}");
    let n = client
        .exec(Insert::rows("stock_sync", [stock("u", 2, None)]).unwrap())
        .unwrap();
    assert_eq!(n, 1);
    let count: i64 = client
        .fetch_scalar(Sql::new("SELECT count(*) FROM stock_sync"))
        .unwrap();
    assert_eq!(count, 52);
}

#[tokio::test]
async fn tuples_as_row_literals_and_composite_parameters() {
    limited(30, async {
        let client = table("tuples", "id int4, point bulk_point").await;

        // Literals: ROW(…) of typed field literals, nested too.
        let t = (1_i32, Some("it's (a, b)"), None::<f64>);
        assert_eq!(
            sql!("SELECT {t:l}").render_inline().unwrap(),
            "SELECT ROW(1, 'it''s (a, b)'::text, NULL)"
        );
        let back: (i32, Option<String>, Option<f64>) =
            client.fetch_scalar(&sql!("SELECT {t:l}")).await.unwrap();
        assert_eq!(back, (1, Some("it's (a, b)".into()), None));
        let nested = ((2.5_f64, "x"), true);
        assert_eq!(
            sql!("SELECT {nested:l}").render_inline().unwrap(),
            "SELECT ROW(ROW('2.5'::float8, 'x'::text), true)"
        );
        let same: bool = client
            .fetch_scalar(&sql!(
                "SELECT {nested:l} = ROW(ROW(2.5::float8, 'x'::text), true)"
            ))
            .await
            .unwrap();
        assert!(same);

        // Parameters: into a named composite type, by position.
        let p = (5_i32, Some("five".to_owned()));
        let point: Point = client
            .fetch_scalar(&sql!("SELECT {p}::bulk_point"))
            .await
            .unwrap();
        assert_eq!(
            point,
            Point {
                x: 5,
                label: Some("five".into())
            }
        );
        let n = client
            .exec(&sql!("INSERT INTO tuples VALUES (1, {p})"))
            .await
            .unwrap();
        assert_eq!(n, 1);
        // A tuple of the wrong arity is an error naming the counts.
        let short = (1_i32,);
        let err = client
            .fetch_scalar::<Point>(&sql!("SELECT {short}::bulk_point"))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("a tuple of 1 values for a composite type of 2 attributes"),
            "{err}"
        );
    })
    .await
}
