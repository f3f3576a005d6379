//! The test bodies every adapter runs: written once here, against the verbs
//! all adapters share (`exec`, `fetch_all`, `fetch_one`, `fetch_optional`,
//! `fetch_scalar`, `fetch_records`, `describe`, `cursor`, `copy_in_rows`,
//! `register_types`), and included by each adapter's test binary with
//! `#[path = "…/tests/suite/mod.rs"] mod suite;`.
//!
//! What differs between drivers is supplied by the including binary, as
//! macros defined before the `mod suite;` line (textual scope reaches into
//! the module) and a module `glue` at its root:
//!
//! - `w!(expr)`: one step: `expr.await` under a timeout for an async
//!   adapter, `expr` for the blocking one;
//! - `suite_test! { fn name() { … } }`: a test, its whole body under a
//!   timeout (a hang fails the test instead of stalling the run);
//! - `connect!()`: a fresh connection with its own session, never used
//!   before (so every type is unseen);
//! - `batch!(conn, "…; …")`: statements run through the simple protocol;
//! - `stream!(conn, T, query)` and `copy_out!(conn, T, query)`: every item
//!   of `fetch_stream` (`fetch_iter`) and `copy_out_as`, as a `Vec` of
//!   results;
//! - `copy_in_raw_result!(conn, statement, chunks)` and `copy_out_raw!(conn,
//!   statement)`: a `COPY` in from the `&str` chunks (the result: the
//!   number of rows), and a `COPY` out as one `String`
//!   (`copy_in_bytes`/`copy_out_bytes` on sqlx, where sqlx's own methods
//!   hold the other names);
//! - `scope!(conn)`: the connection's session scope;
//! - `prepare!(conn, Prepare::…)`: sets the session's prepare setting;
//! - `glue::register_concurrently(names)`: eight `register_types` calls at
//!   once, as the driver allows them (one pipelined connection, or one
//!   connection each), and the scopes each should have landed in;
//! - `glue::NAME`: the driver's name, for messages.
//!
//! Each test uses schemas of its own, so the tests of one binary run in
//! parallel on one server.
#![allow(dead_code, unused_imports, unused_mut, clippy::disallowed_names)]

use pgcast::exec::{ErrorKind, Prepare, Record};
use pgcast::sql::{Identifier, Placeholder, Sql};
use pgcast::{FromRow, PgComposite, PgEnum, ToRow, Type, Value, sql};

#[allow(unused_imports)]
use super::glue::*;

/// `copy_in_raw_result!`, unwrapped.
macro_rules! copy_in_raw {
    ($c:expr, $q:expr, $chunks:expr) => {
        copy_in_raw_result!($c, $q, $chunks).unwrap()
    };
}

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Item {
    id: i32,
    name: String,
    price: Option<f64>,
}

suite_test! {
    fn every_result_shape() {
        let mut c = connect!();
        let n = w!(c.exec(Sql::new(
            "CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)",
        )))
        .unwrap();
        assert_eq!(n, 0);
        for (id, name, price) in [(1, "apple", Some(0.5)), (2, "pear", None), (3, "fig", Some(2.25))] {
            let n = w!(c.exec(&sql!("INSERT INTO items VALUES ({id}, {name}, {price})"))).unwrap();
            assert_eq!(n, 1);
        }
        let pear = Item { id: 2, name: "pear".into(), price: None };
        // every row, twice: described first, then as the session knows it
        for _ in 0..2 {
            let all: Vec<Item> = w!(c.fetch_all(Sql::new("SELECT * FROM items ORDER BY id"))).unwrap();
            assert_eq!(all.len(), 3);
            assert_eq!(all[1], pear);
        }
        // tuples and scalars, columns by position
        let pairs: Vec<(i32, String)> =
            w!(c.fetch_all(Sql::new("SELECT id, name FROM items ORDER BY id"))).unwrap();
        assert_eq!(pairs[2], (3, "fig".to_owned()));

        // exactly one
        let id = 2_i32;
        let one: Item = w!(c.fetch_one(&sql!("SELECT * FROM items WHERE id = {id}"))).unwrap();
        assert_eq!(one, pear);
        let none = w!(c.fetch_one::<Item>(&sql!("SELECT * FROM items WHERE id = {}", 99_i32)))
            .unwrap_err();
        assert_eq!(none.kind(), ErrorKind::NoRows, "{none}");
        let many = w!(c.fetch_one::<Item>(&Sql::new("SELECT * FROM items"))).unwrap_err();
        assert_eq!(many.kind(), ErrorKind::TooManyRows, "{many}");

        // at most one
        let some: Option<Item> = w!(c.fetch_optional(&sql!("SELECT * FROM items WHERE id = {id}")))
            .unwrap();
        assert_eq!(some, Some(pear.clone()));
        let absent: Option<Item> =
            w!(c.fetch_optional(&sql!("SELECT * FROM items WHERE id = {}", 99_i32))).unwrap();
        assert_eq!(absent, None);
        let many = w!(c.fetch_optional::<Item>(&Sql::new("SELECT * FROM items"))).unwrap_err();
        assert_eq!(many.kind(), ErrorKind::TooManyRows, "{many}");

        // a scalar, with named placeholders filled on the query
        let q = sql!(
            "SELECT sum(price) FROM items WHERE id >= {min} AND name <> {skip}",
            min = Placeholder::named("min"),
            skip = Placeholder::named("skip")
        );
        let total: f64 = w!(c.fetch_scalar(q.clone().with("min", 1_i32).with("skip", "fig"))).unwrap();
        assert_eq!(total, 0.5);
        let count: i64 = w!(c.fetch_scalar(Sql::new("SELECT count(*) FROM items"))).unwrap();
        assert_eq!(count, 3);
        let null: Option<f64> = w!(c.fetch_scalar(&sql!("SELECT price FROM items WHERE id = {id}"))).unwrap();
        assert_eq!(null, None);

        // a stream, in order
        let streamed = stream!(c, Item, &Sql::new("SELECT * FROM items ORDER BY id"));
        let streamed: Vec<Item> = streamed.into_iter().map(Result::unwrap).collect();
        assert_eq!(streamed.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 2, 3]);
        // a stream over no rows
        let empty = stream!(c, Item, &Sql::new("SELECT * FROM items WHERE false"));
        assert!(empty.is_empty());

        // dynamic records, by name and by index
        let records: Vec<Record> =
            w!(c.fetch_records(Sql::new("SELECT id, name, price FROM items ORDER BY id"))).unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].get("name"), Some(&Value::Text("apple".into())));
        assert_eq!(records[1].get("price"), Some(&Value::Null));
        assert_eq!(records[2].columns()[0].name, "id");
        assert_eq!(records[2].columns()[0].ty, Type::INT4);
        // a command's count through exec, and DML returning rows
        let n = w!(c.exec(Sql::new("UPDATE items SET price = 1.0 WHERE price IS NULL"))).unwrap();
        assert_eq!(n, 1);
        let back: Vec<(i32,)> = w!(c.fetch_all(Sql::new(
            "UPDATE items SET price = price + 1 WHERE id < 3 RETURNING id"
        )))
        .unwrap();
        assert_eq!(back.len(), 2);

        // described only: the row type is checked, nothing runs
        w!(c.describe::<Item>(&Sql::new("DELETE FROM items RETURNING *"))).unwrap();
        let err = w!(c.describe::<(i32, i32)>(&Sql::new("SELECT id, name FROM items"))).unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
        let count: i64 = w!(c.fetch_scalar(Sql::new("SELECT count(*) FROM items"))).unwrap();
        assert_eq!(count, 3);

        // a server error keeps its SQLSTATE and the query
        let err = w!(c.fetch_scalar::<i32>(&Sql::new("SELECT 1 / 0"))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{err}");
        assert_eq!(err.code(), Some("22012"));
        assert_eq!(err.query(), Some("SELECT 1 / 0"));
        // and the connection goes on
        let one: i32 = w!(c.fetch_scalar(Sql::new("SELECT 1"))).unwrap();
        assert_eq!(one, 1);
    }
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "s_comp.mpaa_rating", rename_all = "UPPERCASE")]
enum CompRating {
    G,
    R,
}

#[derive(PgComposite, Debug, PartialEq, Clone)]
#[pg(name = "s_comp.film_summary")]
struct FilmSummary {
    title: String,
    rating: CompRating,
}

suite_test! {
    fn derived_composites_bind_as_their_named_type() {
        let mut setup = connect!();
        batch!(
            setup,
            "DROP SCHEMA IF EXISTS s_comp CASCADE;
             CREATE SCHEMA s_comp;
             CREATE TYPE s_comp.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE TYPE s_comp.film_summary AS (title text, rating s_comp.mpaa_rating);"
        );
        let value = FilmSummary { title: "Academy Dinosaur".into(), rating: CompRating::R };
        // two fresh sessions, nothing registered: the type is fetched on first use
        for _ in 0..2 {
            let mut c = connect!();
            for _ in 0..3 {
                let same: bool = w!(c.fetch_scalar(&sql!(
                    "SELECT ROW('Academy Dinosaur', 'R')::s_comp.film_summary = {value}"
                )))
                .unwrap();
                assert!(same);
            }
            let back: FilmSummary = w!(c.fetch_scalar(&sql!("SELECT {value}"))).unwrap();
            assert_eq!(back, value);
            // its fields, through the server
            let (title, rating): (String, CompRating) =
                w!(c.fetch_one(&sql!("SELECT ({value}).title, ({value}).rating"))).unwrap();
            assert_eq!((title.as_str(), rating), ("Academy Dinosaur", CompRating::R));
            assert!(scope!(c).type_by_name("s_comp.film_summary").is_some());
        }

        // a type the database lacks: an error that says so
        #[derive(PgComposite, Debug, Clone)]
        #[pg(name = "s_comp.no_such_type")]
        struct Missing {
            a: i32,
        }
        let mut c = connect!();
        let err = w!(c.fetch_scalar::<bool>(&sql!("SELECT {} IS NULL", Missing { a: 1 }))).unwrap_err();
        assert!(
            err.to_string().contains("no type named") && err.to_string().contains("no_such_type"),
            "{err}"
        );
    }
}

suite_test! {
    fn types_without_a_loader_come_out_as_the_servers_text() {
        let mut setup = connect!();
        batch!(
            setup,
            "DROP SCHEMA IF EXISTS s_text CASCADE;
             CREATE SCHEMA s_text;
             CREATE TYPE s_text.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE TYPE s_text.film_summary AS (title text, rating s_text.mpaa_rating);
             CREATE TABLE s_text.film (id int4, title text, rating s_text.mpaa_rating, fts tsvector);
             INSERT INTO s_text.film SELECT n, 'film ' || n, 'PG', to_tsvector('english', 'academy battle ' || n)
                 FROM generate_series(1, 5) n;"
        );
        let mut c = connect!();
        let cases = [
            "to_tsvector('english', 'The academy battles the dinosaurs')",
            "'fat & rat'::tsquery",
            "'(1,2)'::point",
            "'<(1,2),3>'::circle",
            "B'1011'::bit(4)",
            "'16/B374D848'::pg_lsn",
            "'<a>b</a>'::xml",
            "'pg_class'::regclass",
            "'int4'::regtype",
            "'(0,1)'::tid",
            "ROW('t', 'PG')::s_text.film_summary",
            "ARRAY[to_tsvector('a b'), NULL]",
            "NULL::tsvector",
        ];
        for expr in cases {
            let q = Sql::from_runtime_unchecked(format!("SELECT {expr} AS v"));
            let records = w!(c.fetch_records(&q)).unwrap_or_else(|e| panic!("{expr}: {e}"));
            let ours = serde_json::to_value(records[0].get("v").unwrap()).unwrap();
            // the server's JSON for the value, or for its text
            let mut server = Vec::new();
            for form in ["v", "v::text"] {
                let json: Option<String> = w!(c.fetch_scalar(Sql::from_runtime_unchecked(format!(
                    "SELECT to_jsonb({form})::text FROM (SELECT {expr} AS v) q"
                ))))
                .unwrap();
                server.push(json.map_or(serde_json::Value::Null, |j| serde_json::from_str(&j).unwrap()));
            }
            assert!(server.contains(&ours), "{}: {expr}: {ours} is none of {server:?}", NAME);
            // the column keeps its own type
            assert_ne!(records[0].columns()[0].ty, Type::TEXT, "{expr}");
        }
        // DML with RETURNING, and a table's own columns
        let rows = w!(c.fetch_records(Sql::new(
            "UPDATE s_text.film SET fts = fts WHERE id <= 3
             RETURNING id, ROW(title, rating)::s_text.film_summary AS s"
        )))
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert!(matches!(rows[0].get("s"), Some(Value::Other { format: pgcast::Format::Text, .. })));
        let films = w!(c.fetch_records(Sql::new("SELECT * FROM s_text.film WHERE id = 1"))).unwrap();
        let fts = serde_json::to_value(films[0].get("fts").unwrap()).unwrap();
        assert_eq!(fts, serde_json::json!("'1':3 'academi':1 'battl':2"));
        assert_eq!(films[0].get("rating"), Some(&Value::Text("PG".into())));

        // every base type of the catalogue loads (NULL) through the same path
        let names: Vec<String> = w!(c.fetch_all(Sql::new(
            "SELECT format_type(t.oid, NULL) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = 'pg_catalog' AND t.typtype = 'b' AND t.typisdefined
               AND t.typname NOT LIKE '\\_%' AND t.typinput <> 'array_in'::regproc
               AND t.typname NOT IN ('unknown', 'cstring')"
        )))
        .unwrap();
        assert!(names.len() > 50, "{names:?}");
        for name in names {
            let q = Sql::from_runtime_unchecked(format!("SELECT NULL::{name} AS v"));
            let rows = w!(c.fetch_records(&q)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(rows[0].get("v"), Some(&Value::Null), "{name}");
        }

        // a typed field says what to use instead
        let err = w!(c.fetch_scalar::<String>(&Sql::new("SELECT '(0,1)'::tid"))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::WrongType), "{err}");
        assert!(err.to_string().contains("::text"), "{err}");
    }
}

suite_test! {
    fn concurrent_registrations_all_land() {
        let mut setup = connect!();
        let names: Vec<String> = (0..8).map(|i| format!("s_reg.e{i}")).collect();
        let mut ddl = String::from("DROP SCHEMA IF EXISTS s_reg CASCADE; CREATE SCHEMA s_reg;");
        for name in &names {
            ddl.push_str(&format!("CREATE TYPE {name} AS ENUM ('a');"));
        }
        batch!(setup, &ddl);
        let scopes = w!(register_concurrently(&names));
        assert_eq!(scopes.len(), names.len());
        for (name, scope) in names.iter().zip(&scopes) {
            assert!(scope.type_by_name(name).is_some(), "{name} lost");
        }
    }
}

suite_test! {
    fn strings_bind_against_enum_date_jsonb_citext_uuid_and_domain_columns() {
        let mut setup = connect!();
        batch!(
            setup,
            "DROP SCHEMA IF EXISTS s_strings CASCADE;
             CREATE SCHEMA s_strings;
             CREATE EXTENSION IF NOT EXISTS citext SCHEMA s_strings;
             CREATE TYPE s_strings.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE DOMAIN s_strings.day_d AS date CHECK (VALUE > DATE '2000-01-01');"
        );
        let settings = [
            ("auto", Prepare::default()),
            ("threshold", Prepare::Auto { threshold: 5 }),
            ("always", Prepare::Always),
        ];
        for (table, prepare) in settings {
            let mut c = connect!();
            prepare!(c, prepare);
            let t = Identifier::qualified(["s_strings", table]);
            // citext's operators live with it, in its schema
            w!(c.exec(Sql::new("SET search_path TO public, s_strings"))).unwrap();
            w!(c.exec(&sql!(
                "CREATE TABLE {t} (rating s_strings.mpaa_rating, d date, ts timestamptz, j jsonb,
                                   ci s_strings.citext, u uuid, dom s_strings.day_d)"
            )))
            .unwrap();
            let (rating, day, ts, json, ci, uuid) = (
                String::from("PG-13"),
                "2024-02-29",
                "2024-02-29 12:00:00+00",
                r#"{"a": [1, 2]}"#,
                "MiXeD",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            );
            // twice: the second run may go out in one round trip
            for _ in 0..2 {
                let n = w!(c.exec(&sql!(
                    "INSERT INTO {t} VALUES ({rating}, {day}, {ts}, {json}, {ci}, {uuid}, {day})"
                )))
                .unwrap();
                assert_eq!(n, 1);
            }
            for _ in 0..3 {
                let checks = [
                    sql!("SELECT count(*) FROM {t} WHERE rating = {rating}"),
                    sql!("SELECT count(*) FROM {t} WHERE d = {day}"),
                    sql!("SELECT count(*) FROM {t} WHERE ts = {ts}"),
                    sql!("SELECT count(*) FROM {t} WHERE j = {json}"),
                    sql!("SELECT count(*) FROM {t} WHERE ci = {ci} AND ci = 'mixed'"),
                    sql!("SELECT count(*) FROM {t} WHERE u = {uuid}"),
                    sql!("SELECT count(*) FROM {t} WHERE dom = {day}"),
                ];
                for q in checks {
                    let n: i64 = w!(c.fetch_scalar(&q)).unwrap_or_else(|e| panic!("{q:?}: {e}"));
                    assert_eq!(n, 2, "{q:?}");
                }
            }
            // an explicit cast keeps working
            let d: time::Date = w!(c.fetch_scalar(&sql!("SELECT {day}::date"))).unwrap();
            assert_eq!(d.to_string(), "2024-02-29");
        }
    }
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "s_hang.mpaa_rating")]
enum HangRating {
    G,
    #[pg(rename = "PG")]
    Pg,
    #[pg(rename = "PG-13")]
    Pg13,
    R,
    #[pg(rename = "NC-17")]
    Nc17,
}

suite_test! {
    fn unseen_enum_and_composite_results_do_not_hang() {
        let mut setup = connect!();
        batch!(
            setup,
            "DROP SCHEMA IF EXISTS s_hang CASCADE;
             CREATE SCHEMA s_hang;
             CREATE TYPE s_hang.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE TYPE s_hang.film_summary AS (title text, rating s_hang.mpaa_rating);
             CREATE DOMAIN s_hang.rating_d AS s_hang.mpaa_rating;
             CREATE TABLE s_hang.film (
                 id int4 PRIMARY KEY, title text NOT NULL, rating s_hang.mpaa_rating,
                 released date, meta jsonb, ratings s_hang.mpaa_rating[],
                 summary s_hang.film_summary);
             INSERT INTO s_hang.film
                 SELECT n, 'film ' || n, 'PG-13', DATE '2006-01-01' + n, jsonb_build_object('n', n),
                        ARRAY['G', 'R']::s_hang.mpaa_rating[], ROW('film ' || n, 'R')::s_hang.film_summary
                 FROM generate_series(1, 10000) n;"
        );
        let pad = "repeat('x', 200)";
        let queries = [
            format!("SELECT 'PG-13'::s_hang.mpaa_rating, {pad} FROM generate_series(1, 10000)"),
            format!("SELECT ROW('t', 'R')::s_hang.film_summary, {pad} FROM generate_series(1, 10000)"),
            format!("SELECT 'G'::s_hang.rating_d, {pad} FROM generate_series(1, 10000)"),
            format!("SELECT ARRAY['G', 'R']::s_hang.mpaa_rating[], {pad} FROM generate_series(1, 10000)"),
            "SELECT * FROM s_hang.film".to_owned(),
        ];
        for text in &queries {
            let q = Sql::from_runtime_unchecked(text.clone());
            // each on a fresh connection, then again on the same
            let mut c = connect!();
            for _ in 0..3 {
                let n = w!(c.fetch_records(&q)).unwrap_or_else(|e| panic!("{text}: {e}")).len();
                assert_eq!(n, 10_000, "{text}");
            }
            let mut fresh = connect!();
            let streamed = stream!(fresh, Record, &q);
            assert_eq!(streamed.len(), 10_000, "{text}");
            for row in streamed {
                row.unwrap();
            }
        }

        // typed rows: the enum as its derived type, the composite's fields
        let mut c = connect!();
        let n = 10_000_i32;
        let rows: Vec<(HangRating, String)> = w!(c.fetch_all(&sql!(
            "SELECT 'PG-13'::s_hang.mpaa_rating, repeat('x', 200) FROM generate_series(1, {n})"
        )))
        .unwrap();
        assert_eq!(rows.len(), 10_000);
        assert_eq!(rows[0].0, HangRating::Pg13);
        // a derived enum as a parameter: fetched from the catalogue on first use
        let mut c = connect!();
        let r = HangRating::R;
        let same: bool = w!(c.fetch_scalar(&sql!("SELECT {r} = 'R'::s_hang.mpaa_rating"))).unwrap();
        assert!(same);
        let mut c = connect!();
        let rows: Vec<(i32, Vec<HangRating>)> =
            w!(c.fetch_all(Sql::new("SELECT id, ratings FROM s_hang.film ORDER BY id"))).unwrap();
        assert_eq!(rows.len(), 10_000);
        assert_eq!(rows[9_999], (10_000, vec![HangRating::G, HangRating::R]));

        // a cursor over unseen types, in a transaction of a fresh connection
        let mut c = connect!();
        w!(c.exec(Sql::new("BEGIN"))).unwrap();
        {
            let mut cursor = w!(c.cursor::<Record>(&Sql::new("SELECT * FROM s_hang.film ORDER BY id"))).unwrap();
            let mut total = 0;
            loop {
                let batch = w!(cursor.fetch_many(2_500)).unwrap();
                if batch.is_empty() {
                    break;
                }
                if total == 0 {
                    assert_eq!(batch[0].get("rating"), Some(&Value::Text("PG-13".into())));
                }
                total += batch.len();
            }
            assert_eq!(total, 10_000);
            w!(cursor.close()).unwrap();
        }
        w!(c.exec(Sql::new("ROLLBACK"))).unwrap();
    }
}

#[derive(FromRow, Debug, PartialEq)]
struct Square {
    n: i32,
    sq: i64,
}

suite_test! {
    fn cursors_in_and_outside_a_transaction() {
        let mut c = connect!();
        w!(c.exec(Sql::new("BEGIN"))).unwrap();
        {
            let upto = 25_i32;
            let mut cursor = w!(c.cursor::<Square>(
                &sql!(
                    "SELECT n, (n::int8 * n) AS sq FROM generate_series(1, {upto}) n WHERE n > {min}",
                    min = Placeholder::named("min")
                )
                .with("min", 0_i32),
            ))
            .unwrap();
            assert!(!cursor.name().is_empty());
            let first = w!(cursor.fetch_many(10)).unwrap();
            assert_eq!(first.len(), 10);
            assert_eq!(first[9], Square { n: 10, sq: 100 });
            assert_eq!(w!(cursor.fetch_next()).unwrap(), Some(Square { n: 11, sq: 121 }));
            let next = w!(cursor.fetch_many(10)).unwrap();
            assert_eq!(next[0].n, 12);
            assert!(!cursor.is_done());
            let rest = w!(cursor.fetch_many(10)).unwrap();
            assert_eq!(rest.len(), 4);
            assert!(cursor.is_done());
            assert!(w!(cursor.fetch_many(10)).unwrap().is_empty());
            w!(cursor.close()).unwrap();
        }
        {
            // an untyped parameter
            let mut cursor = w!(c.cursor::<(i32,)>(
                &(Sql::new("SELECT n FROM generate_series(1, 5) n WHERE n >= ") + Placeholder::named("min"))
                    .with("min", Value::Int4(3)),
            ))
            .unwrap();
            assert_eq!(w!(cursor.fetch_rest()).unwrap(), [(3,), (4,), (5,)]);
        }
        w!(c.exec(Sql::new("COMMIT"))).unwrap();

        // outside a transaction: the server refuses, WITH HOLD works
        let err = w!(c.cursor::<(i32,)>(&Sql::new("SELECT 1"))).map(drop).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{err}");
        assert_eq!(err.code(), Some("25P01"));
        {
            let mut held =
                w!(c.cursor_with_hold::<(i32,)>(&Sql::new("SELECT n FROM generate_series(1, 3) n"))).unwrap();
            assert_eq!(w!(held.fetch_many(2)).unwrap(), [(1,), (2,)]);
            assert_eq!(w!(held.fetch_many(2)).unwrap(), [(3,)]);
            w!(held.close()).unwrap();
        }
        let one: i32 = w!(c.fetch_scalar(Sql::new("SELECT 1"))).unwrap();
        assert_eq!(one, 1);
    }
}

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Reading {
    id: i64,
    label: String,
    value: Option<f64>,
    tags: Vec<String>,
    at: time::OffsetDateTime,
}

fn reading(i: i64) -> Reading {
    Reading {
        id: i,
        label: format!("r-{i} 'quoted' \\ tab\t"),
        value: (i % 3 != 0).then_some(i as f64 / 4.0),
        tags: vec![format!("t{}", i % 5), "x".into()],
        at: time::OffsetDateTime::from_unix_timestamp(1_700_000_000 + i).unwrap(),
    }
}

suite_test! {
    fn binary_copy_in_and_out() {
        let mut c = connect!();
        w!(c.exec(Sql::new(
            "CREATE TEMP TABLE readings (id int8 PRIMARY KEY, label text, value float8, tags text[], at timestamptz)"
        )))
        .unwrap();
        let rows: Vec<Reading> = (1..=2_000).map(reading).collect();
        let n = w!(c.copy_in_rows(Identifier::new("readings"), rows.clone())).unwrap();
        assert_eq!(n, 2_000);
        let count: i64 = w!(c.fetch_scalar(Sql::new("SELECT count(*) FROM readings"))).unwrap();
        assert_eq!(count, 2_000);
        let back = copy_out!(c, Reading, &Sql::new("SELECT * FROM readings ORDER BY id"));
        let back: Vec<Reading> = back.into_iter().map(Result::unwrap).collect();
        assert_eq!(back, rows);
        // with a bound value, inlined into the COPY
        let min = 1_990_i64;
        let tail = copy_out!(c, (i64,), &sql!("SELECT id FROM readings WHERE id > {min} ORDER BY id"));
        let tail: Vec<i64> = tail.into_iter().map(|r| r.unwrap().0).collect();
        assert_eq!(tail, (1_991..=2_000).collect::<Vec<_>>());
        // a row the server refuses (a duplicate key) leaves nothing behind
        let err = w!(c.copy_in_rows(Identifier::new("readings"), vec![reading(2_001), reading(1)]))
            .unwrap_err();
        assert_eq!(err.code(), Some("23505"), "{err}");
        let count: i64 = w!(c.fetch_scalar(Sql::new("SELECT count(*) FROM readings"))).unwrap();
        assert_eq!(count, 2_000);
        // a row the client cannot write (a NUL in text) aborts the COPY,
        // naming the row; nothing of it stays, and the connection answers
        let mut bad: Vec<Reading> = (3_001..=4_000).map(reading).collect();
        bad[700].label = "bad\0label".into();
        let err = w!(c.copy_in_rows(Identifier::new("readings"), bad)).unwrap_err();
        assert_eq!(err.row(), Some(700), "{err}");
        assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::Nul));
        let count: i64 = w!(c.fetch_scalar(Sql::new("SELECT count(*) FROM readings"))).unwrap();
        assert_eq!(count, 2_000);
    }
}

suite_test! {
    fn text_and_csv_copy_in_and_out() {
        let mut c = connect!();
        w!(c.exec(Sql::new(
            "CREATE TEMP TABLE notes (id int8 PRIMARY KEY, sensor text NOT NULL, \
             value float8, tags text[] NOT NULL, note text DEFAULT 'none')"
        )))
        .unwrap();
        let csv = [
            "1,s1,0.5,\"{a,b}\",\"with, comma\"\n",
            "2,s2,,{},\"multi\nline\"\n",
        ];
        let n = copy_in_raw!(
            c,
            &Sql::new("COPY notes (id, sensor, value, tags, note) FROM STDIN (FORMAT csv)"),
            csv
        );
        assert_eq!(n, 2);
        let n = copy_in_raw!(
            c,
            &Sql::new("COPY notes (id, sensor, value, tags, note) FROM STDIN"),
            ["3\ts3\t\\N\t{}\tplain\n"]
        );
        assert_eq!(n, 1);
        let out = copy_out_raw!(
            c,
            &Sql::new("COPY (SELECT id, value, note FROM notes ORDER BY id) TO STDOUT (FORMAT csv)")
        );
        assert_eq!(out, "1,0.5,\"with, comma\"\n2,,\"multi\nline\"\n3,,plain\n");
        // with a bound value, inlined into the COPY
        let id = 3_i64;
        let out = copy_out_raw!(
            c,
            &sql!("COPY (SELECT id, note FROM notes WHERE id = {id}) TO STDOUT")
        );
        assert_eq!(out, "3\tplain\n");
        // a line the server cannot read fails the COPY with its report,
        // and nothing of it stays
        let bad = copy_in_raw_result!(
            c,
            &Sql::new("COPY notes (id, sensor, value, tags, note) FROM STDIN (FORMAT csv)"),
            ["4,s4,0.5,{},fine\n", "5,s5,not a number,{},bad\n"]
        );
        let err = bad.unwrap_err();
        assert_eq!(err.code(), Some("22P02"), "{err}");
        let count: i64 = w!(c.fetch_scalar(Sql::new("SELECT count(*) FROM notes"))).unwrap();
        assert_eq!(count, 3);
    }
}

/// A row type borrowing its text from the row.
#[derive(FromRow, Debug, PartialEq)]
struct NameRef<'r> {
    id: i64,
    name: &'r str,
}

suite_test! {
    fn rows_are_lent_to_a_callback() {
        let mut c = connect!();
        batch!(c, "DROP SCHEMA IF EXISTS s_lend CASCADE; CREATE SCHEMA s_lend; \
                   CREATE TYPE s_lend.mood AS ENUM ('calm', 'wild');");
        let q = sql!(
            "SELECT n::int8 AS id, 'name-' || n AS name, jsonb_build_object('n', n) AS doc, \
             (ARRAY['calm','wild']::s_lend.mood[])[1 + n % 2] AS mood \
             FROM generate_series(1, 10000) n"
        );
        for _ in 0..2 {
            // (twice: described first on a fresh connection, then as the
            // session knows the statement)
            let (mut bytes, mut ids, mut wild) = (0_usize, 0_i64, 0);
            let n = w!(c.for_each(&q, |row| {
                let named: NameRef<'_> = row.decode()?;
                let (id, name, doc, mood): (i64, &str, pgcast::types::RawJson<'_>, &str) =
                    row.decode()?;
                assert_eq!((named.id, named.name), (id, name));
                assert!(doc.0.contains("\"n\""), "{}", doc.0);
                bytes += name.len();
                ids += id;
                wild += usize::from(mood == "wild");
                Ok(())
            }))
            .unwrap();
            assert_eq!(n, 10_000, "{}", NAME);
            assert_eq!(ids, 10_000 * 10_001 / 2);
            assert_eq!(wild, 5_000);
            let expected: i64 = w!(c.fetch_scalar(&sql!(
                "SELECT sum(length('name-' || n))::int8 FROM generate_series(1, 10000) n"
            )))
            .unwrap();
            assert_eq!(bytes as i64, expected);
        }

        // An error from the callback stops the query; the connection answers.
        let mut seen = 0;
        let err = w!(c.for_each(&sql!("SELECT n FROM generate_series(1, 2000000) n"), |row| {
            let (n,): (i32,) = row.decode()?;
            seen += 1;
            if n == 10 {
                return Err(pgcast::Error::new(pgcast::ErrorKind::OutOfRange, "enough"));
            }
            Ok(())
        }))
        .unwrap_err();
        assert_eq!(seen, 10);
        assert!(err.to_string().contains("enough"), "{err}");
        // A row type that does not fit is the decode's error.
        let err = w!(c.for_each(&sql!("SELECT 'x'::text AS t"), |row| {
            row.decode::<(i64,)>().map(drop)
        }))
        .unwrap_err();
        assert!(err.to_string().contains("int8") || err.to_string().contains("i64"), "{err}");
        let one: i32 = w!(c.fetch_scalar(&sql!("SELECT 1"))).unwrap();
        assert_eq!(one, 1);
    }
}
