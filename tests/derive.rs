//! `#[derive(FromRow)]` and `#[derive(ToRow)]` against a real server: every
//! attribute, flatten with prefixes over a join, tuples, scalars, borrowed
//! fields, and the exact error messages.
//!
//! Until the tokio-postgres adapter crate lands, the adapter lives here:
//! [`BinaryRow`] (extended-protocol rows, binary format, through
//! [`Raw`]), [`TextRow`] (simple-query rows, text format) and [`describe`].

#[path = "support/mod.rs"]
mod support;

use pgcast::row::{Column, Columns, FromRowOwned, RawRow};
use pgcast::types::Json;
use pgcast::{Adapters, Ctx, Error, ErrorKind, Format, FromRow, Load, Policy, Result, ToRow, Type};
use serde::{Deserialize, Serialize};
use tokio_postgres::types::{IsNull, ToSql};
use tokio_postgres::{Client, SimpleQueryMessage};

use support::{BinaryRow, TextRow, connect};

// ---- the adapter ----

/// A statement's result description, in `format`.
fn describe(columns: &[tokio_postgres::Column], format: Format) -> Vec<Column> {
    columns
        .iter()
        .map(|c| Column::new(c.name(), c.type_().clone(), format))
        .collect()
}

async fn binary_rows(client: &Client, sql: &str) -> (Vec<Column>, Vec<BinaryRow>) {
    let stmt = client
        .prepare(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = client
        .query(&stmt, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    (
        describe(stmt.columns(), Format::Binary),
        rows.into_iter().map(BinaryRow).collect(),
    )
}

async fn text_rows(client: &Client, sql: &str) -> (Vec<Column>, Vec<TextRow>) {
    let stmt = client
        .prepare(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(TextRow(row)),
            _ => None,
        })
        .collect();
    (describe(stmt.columns(), Format::Text), rows)
}

/// Plans `T` once for the result, then decodes every row.
fn decode<'r, T: FromRow<'r>, R: RawRow>(columns: &[Column], rows: &'r [R]) -> Result<Vec<T>> {
    let plan = T::plan(&Columns::new(columns, &Adapters::global()))?;
    rows.iter().map(|row| T::from_row(&plan, row)).collect()
}

/// `sql`'s rows as `T`, from binary results and from text results, which
/// must agree.
async fn query_as<T: FromRowOwned + PartialEq + std::fmt::Debug>(
    client: &Client,
    sql: &str,
) -> Result<Vec<T>> {
    let (columns, rows) = binary_rows(client, sql).await;
    let binary = decode::<T, _>(&columns, &rows);
    let (columns, rows) = text_rows(client, sql).await;
    let text = decode::<T, _>(&columns, &rows);
    match (binary, text) {
        (Ok(binary), Ok(text)) => {
            assert_eq!(binary, text, "{sql}: binary and text results differ");
            Ok(binary)
        }
        (Err(binary), Err(text)) => {
            assert_eq!(binary.to_string(), text.to_string(), "{sql}");
            Err(binary)
        }
        (binary, text) => panic!("{sql}: binary gave {binary:?}, text {text:?}"),
    }
}

async fn one<T: FromRowOwned + PartialEq + std::fmt::Debug>(client: &Client, sql: &str) -> T {
    let mut rows = query_as::<T>(client, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(rows.len(), 1, "{sql}");
    rows.remove(0)
}

async fn error<T: FromRowOwned + PartialEq + std::fmt::Debug>(client: &Client, sql: &str) -> Error {
    match query_as::<T>(client, sql).await {
        Ok(rows) => panic!("{sql}: expected an error, got {rows:?}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn adapter_reports_bad_indices() {
    let client = connect().await;
    let (_, rows) = binary_rows(&client, "SELECT 1").await;
    assert_eq!(rows[0].raw(0).unwrap(), Some(&1_i32.to_be_bytes()[..]));
    assert_eq!(rows[0].raw(1).unwrap_err().kind(), ErrorKind::MissingColumn);
    let (columns, rows) = text_rows(&client, "SELECT NULL::int4 AS n").await;
    assert_eq!(columns, [Column::new("n", Type::INT4, Format::Text)]);
    assert_eq!(rows[0].raw(0).unwrap(), None);
}

// ---- plain mapping, rename, rename_all ----

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Person {
    id: i64,
    #[pg(rename = "full_name")]
    name: String,
    age: Option<i32>,
    tags: Vec<String>,
}

#[tokio::test]
async fn named_fields_by_name_in_any_order() {
    let client = connect().await;
    let people = query_as::<Person>(
        &client,
        "SELECT * FROM (VALUES \
           (ARRAY['a','b'], NULL::int4, 'Ada Lovelace', 1::int8, 'ignored'), \
           (ARRAY[]::text[], 36, 'Alan Turing', 2, 'extra')) \
         AS t(tags, age, full_name, id, other) ORDER BY id",
    )
    .await
    .unwrap();
    assert_eq!(
        people,
        [
            Person {
                id: 1,
                name: "Ada Lovelace".into(),
                age: None,
                tags: vec!["a".into(), "b".into()],
            },
            Person {
                id: 2,
                name: "Alan Turing".into(),
                age: Some(36),
                tags: vec![],
            },
        ]
    );
}

#[derive(FromRow, ToRow, Debug, PartialEq)]
#[pg(rename_all = "camelCase")]
struct Camel {
    user_id: i32,
    display_name: String,
    #[pg(rename = "EXACT")]
    exact_name: bool,
}

#[derive(FromRow, Debug, PartialEq)]
#[pg(rename_all = "SCREAMING-KEBAB-CASE")]
struct Kebab {
    user_id: i32,
}

#[tokio::test]
async fn rename_all_rules() {
    let client = connect().await;
    let camel: Camel = one(
        &client,
        r#"SELECT 7 AS "userId", 'x' AS "displayName", true AS "EXACT""#,
    )
    .await;
    assert_eq!(
        camel,
        Camel {
            user_id: 7,
            display_name: "x".into(),
            exact_name: true,
        }
    );
    assert_eq!(Camel::columns(), ["userId", "displayName", "EXACT"]);
    let kebab: Kebab = one(&client, r#"SELECT 3 AS "USER-ID""#).await;
    assert_eq!(kebab, Kebab { user_id: 3 });
}

// ---- default and skip ----

#[derive(FromRow, Debug, PartialEq)]
struct Defaults {
    id: i32,
    #[pg(default)]
    note: String,
    #[pg(default)]
    score: Option<i32>,
    #[pg(skip)]
    cache: Vec<u8>,
}

#[derive(FromRow, Debug, PartialEq)]
#[pg(default)]
struct AllDefault {
    a: i32,
    b: String,
    c: Option<bool>,
}

#[tokio::test]
async fn default_and_skip() {
    let client = connect().await;
    let d: Defaults = one(&client, "SELECT 1 AS id").await;
    assert_eq!(
        d,
        Defaults {
            id: 1,
            note: String::new(),
            score: None,
            cache: vec![],
        }
    );
    let d: Defaults = one(
        &client,
        "SELECT 1 AS id, 'n' AS note, 5 AS score, 'x' AS cache",
    )
    .await;
    assert_eq!(
        d,
        Defaults {
            id: 1,
            note: "n".into(),
            score: Some(5),
            cache: vec![],
        }
    );
    // `default` covers an absent column, not a NULL in a present one
    let err = error::<Defaults>(&client, "SELECT 1 AS id, NULL::text AS note").await;
    assert_eq!(
        err.to_string(),
        "unexpected NULL: NULL for a type that cannot hold it; use Option<T> \
         (column \"note\" (index 1), PostgreSQL type text, Rust type String)"
    );

    let all: AllDefault = one(&client, "SELECT 'b' AS b").await;
    assert_eq!(
        all,
        AllDefault {
            a: 0,
            b: "b".into(),
            c: None,
        }
    );
    let all: AllDefault = one(&client, "SELECT 1 AS a, 'b' AS b, true AS c").await;
    assert_eq!(all.c, Some(true));
}

// ---- flatten with prefixes, over a join with clashing names ----

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Author {
    id: i32,
    name: String,
}

#[derive(FromRow, ToRow, Debug, PartialEq)]
struct Book {
    id: i32,
    title: String,
    #[pg(flatten, prefix = "author_")]
    author: Author,
    #[pg(flatten, prefix = "editor_")]
    editor: Author,
}

#[derive(FromRow, Debug, PartialEq)]
struct Shelf {
    #[pg(flatten, prefix = "shelf_")]
    book: Book,
    #[pg(flatten)]
    position: Position,
}

#[derive(FromRow, Debug, PartialEq)]
struct Position {
    row_no: i32,
}

const BOOKS: &str = "
    CREATE TEMP TABLE author (id int4 PRIMARY KEY, name text NOT NULL);
    CREATE TEMP TABLE book (id int4 PRIMARY KEY, title text NOT NULL,
        author_id int4 REFERENCES author, editor_id int4 REFERENCES author);
    INSERT INTO author VALUES (1, 'Le Guin'), (2, 'Banks');
    INSERT INTO book VALUES (10, 'The Dispossessed', 1, 2), (11, 'Excession', 2, 1);
";

#[tokio::test]
async fn flatten_with_prefix_over_a_join() {
    let client = connect().await;
    client.batch_execute(BOOKS).await.unwrap();
    let books = query_as::<Book>(
        &client,
        "SELECT b.id, b.title, a.id AS author_id, a.name AS author_name, \
                e.id AS editor_id, e.name AS editor_name \
         FROM book b JOIN author a ON a.id = b.author_id JOIN author e ON e.id = b.editor_id \
         ORDER BY b.id",
    )
    .await
    .unwrap();
    let le_guin = Author {
        id: 1,
        name: "Le Guin".into(),
    };
    let banks = Author {
        id: 2,
        name: "Banks".into(),
    };
    assert_eq!(
        books,
        [
            Book {
                id: 10,
                title: "The Dispossessed".into(),
                author: le_guin.clone(),
                editor: banks.clone(),
            },
            Book {
                id: 11,
                title: "Excession".into(),
                author: banks,
                editor: le_guin,
            },
        ]
    );
    assert_eq!(
        Book::columns(),
        [
            "id",
            "title",
            "author_id",
            "author_name",
            "editor_id",
            "editor_name"
        ]
    );

    // prefixes of nested flattens add up
    let shelf: Shelf = one(
        &client,
        "SELECT 3 AS row_no, b.id AS shelf_id, b.title AS shelf_title, \
                a.id AS shelf_author_id, a.name AS shelf_author_name, \
                a.id AS shelf_editor_id, a.name AS shelf_editor_name \
         FROM book b JOIN author a ON a.id = b.author_id WHERE b.id = 10",
    )
    .await;
    assert_eq!(shelf.position, Position { row_no: 3 });
    assert_eq!(shelf.book.author.name, "Le Guin");

    // without aliases, the clashing names are an error, not a silent pick
    let err = error::<Author>(
        &client,
        "SELECT a.*, e.* FROM author a JOIN author e ON e.id <> a.id",
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::AmbiguousColumn);
    assert_eq!(
        err.to_string(),
        "ambiguous column: the result has \"id\" at index 0 and 2; alias one of them \
         (Rust type i32)"
    );
    // a missing prefixed column names the full name
    let err = error::<Book>(&client, "SELECT 1 AS id, 't' AS title, 2 AS author_id").await;
    assert_eq!(
        err.to_string(),
        "missing column: no column \"author_name\" in the result; it has \"id\", \"title\", \
         \"author_id\" (Rust type String)"
    );
}

// ---- positional: tuples, tuple structs, scalars ----

#[derive(FromRow, Debug, PartialEq)]
struct Pair(i64, #[pg(skip)] u8, Option<String>);

#[derive(FromRow, Debug, PartialEq)]
struct UserId(i64);

#[tokio::test]
async fn tuples_tuple_structs_and_scalars() {
    let client = connect().await;
    let t: (i32, String, Option<i64>) = one(&client, "SELECT 1::int4, 'x'::text, NULL::int8").await;
    assert_eq!(t, (1, "x".into(), None));
    let t: (i16,) = one(&client, "SELECT 5::int2").await;
    assert_eq!(t, (5,));

    let p: Pair = one(&client, "SELECT 9::int8 AS a, 'b' AS b").await;
    assert_eq!(p, Pair(9, 0, Some("b".into())));
    let id: UserId = one(&client, "SELECT 42::int8").await;
    assert_eq!(id, UserId(42));

    let n: i64 = one(&client, "SELECT count(*) FROM generate_series(1, 4)").await;
    assert_eq!(n, 4);
    let max: Option<i32> = one(&client, "SELECT max(x) FROM (SELECT 1 WHERE false) t(x)").await;
    assert_eq!(max, None);
    let names = query_as::<String>(&client, "SELECT unnest(ARRAY['a', 'b'])")
        .await
        .unwrap();
    assert_eq!(names, ["a", "b"]);
    let doc: Json<serde_json::Value> = one(&client, r#"SELECT '{"k": 1}'::jsonb"#).await;
    assert_eq!(doc.0["k"], 1);

    // positional types take exactly their number of columns
    let err = error::<(i32, i32)>(&client, "SELECT 1").await;
    assert_eq!(
        err.to_string(),
        "missing column: the row type takes 2 columns by position; the result has 1 \
         (Rust type (i32, i32))"
    );
    let err = error::<i64>(&client, "SELECT 1::int8, 2::int8").await;
    assert_eq!(
        err.to_string(),
        "type mismatch: the row type takes 1 columns by position; the result has 2 \
         (Rust type i64)"
    );
    let err = error::<Pair>(&client, "SELECT 1::int8").await;
    assert_eq!(err.kind(), ErrorKind::MissingColumn);
}

// ---- borrowed fields ----

#[derive(FromRow, Debug, PartialEq)]
struct Borrowed<'r> {
    name: &'r str,
    data: &'r [u8],
    maybe: Option<&'r str>,
    #[pg(json)]
    doc: Note<'r>,
}

#[derive(Deserialize, Serialize, Debug, PartialEq, Default)]
struct Note<'a> {
    #[serde(borrow)]
    text: &'a str,
}

#[tokio::test]
async fn borrowed_fields_point_into_the_row() {
    let client = connect().await;
    let sql = r#"SELECT 'héllo' AS name, '\x0102'::bytea AS data, NULL::text AS maybe,
                        '{"text": "hi"}'::json AS doc"#;
    let (columns, rows) = binary_rows(&client, sql).await;
    let values = decode::<Borrowed<'_>, _>(&columns, &rows).unwrap();
    assert_eq!(
        values,
        [Borrowed {
            name: "héllo",
            data: &[1, 2],
            maybe: None,
            doc: Note { text: "hi" },
        }]
    );
    // text-format bytea is hex, which must be decoded into a new buffer:
    // planning refuses to borrow it
    let (columns, rows) = text_rows(&client, sql).await;
    let err = decode::<Borrowed<'_>, _>(&columns, &rows).unwrap_err();
    assert_eq!(
        err.to_string(),
        "type mismatch: text-format bytea must be decoded, so it cannot be borrowed; \
         load Vec<u8> instead (column \"data\" (index 1), PostgreSQL type bytea, Rust type &[u8])"
    );
    let (columns, rows) = text_rows(&client, "SELECT 'héllo', NULL::text").await;
    let values = decode::<(&str, Option<&str>), _>(&columns, &rows).unwrap();
    assert_eq!(values, [("héllo", None)]);
}

// ---- json, json(nullable) ----

#[derive(Deserialize, Serialize, Debug, PartialEq, Default, Clone)]
struct Prefs {
    theme: String,
    size: u8,
}

#[derive(FromRow, ToRow, Debug, PartialEq)]
struct WithJson {
    id: i32,
    #[pg(json)]
    prefs: Prefs,
    #[pg(json)]
    maybe_null_doc: Option<Prefs>,
    #[pg(json(nullable))]
    nullable: Option<Prefs>,
    #[pg(json(nullable))]
    list: Vec<u8>,
}

#[tokio::test]
async fn json_and_json_nullable() {
    let client = connect().await;
    let prefs = Prefs {
        theme: "dark".into(),
        size: 12,
    };
    let row: WithJson = one(
        &client,
        r#"SELECT 1 AS id, '{"theme": "dark", "size": 12}'::jsonb AS prefs,
                  'null'::jsonb AS maybe_null_doc, NULL::json AS nullable, NULL::jsonb AS list"#,
    )
    .await;
    assert_eq!(
        row,
        WithJson {
            id: 1,
            prefs: prefs.clone(),
            maybe_null_doc: None,
            nullable: None,
            list: vec![],
        }
    );
    let row: WithJson = one(
        &client,
        r#"SELECT 1 AS id, '{"theme": "dark", "size": 12}'::json AS prefs,
                  '{"theme": "x", "size": 1}'::json AS maybe_null_doc,
                  'null'::jsonb AS nullable, '[1, 2]'::jsonb AS list"#,
    )
    .await;
    assert_eq!(row.maybe_null_doc.map(|p| p.size), Some(1));
    assert_eq!(row.nullable, None, "JSON null into Option is None");
    assert_eq!(row.list, [1, 2]);

    // plain `json`: SQL NULL is an error, whatever the field type
    let err = error::<WithJson>(
        &client,
        r#"SELECT 1 AS id, '{"theme": "dark", "size": 12}'::jsonb AS prefs,
                  NULL::jsonb AS maybe_null_doc, NULL::jsonb AS nullable, NULL::jsonb AS list"#,
    )
    .await;
    assert_eq!(
        err.to_string(),
        "unexpected NULL: SQL NULL in a `json` field; use `json(nullable)` to accept it \
         (column \"maybe_null_doc\" (index 2), PostgreSQL type jsonb, Rust type Option<Prefs>)"
    );
    // JSON that does not fit the field
    let err = error::<WithJson>(
        &client,
        r#"SELECT 1 AS id, '{"theme": "dark", "size": 300}'::jsonb AS prefs,
                  NULL::jsonb AS maybe_null_doc, NULL::jsonb AS nullable, NULL::jsonb AS list"#,
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Custom);
    assert_eq!(err.column().map(|c| c.name.as_str()), Some("prefs"));
    // json fields refuse non-JSON columns at planning
    let err = error::<WithJson>(
        &client,
        "SELECT 1 AS id, 1 AS prefs, NULL::jsonb AS maybe_null_doc, \
                NULL::jsonb AS nullable, NULL::jsonb AS list",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "type mismatch: no conversion between these types \
         (column \"prefs\" (index 1), PostgreSQL type int4, Rust type Prefs)"
    );
}

// ---- try_from and with ----

#[derive(FromRow, Debug, PartialEq)]
struct Converted {
    #[pg(try_from = "i64")]
    small: u8,
    #[pg(try_from = "String")]
    letters: Letters,
    #[pg(with = "shout")]
    loud: String,
    #[pg(with = "shout", default)]
    absent: String,
}

#[derive(Debug, PartialEq)]
struct Letters(String);

impl TryFrom<String> for Letters {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        if s.chars().all(char::is_alphabetic) {
            Ok(Letters(s))
        } else {
            Err(format!("{s:?} is not all letters"))
        }
    }
}

/// A `with` loader: text uppercased, NULL as `"<NULL>"`.
fn shout(ctx: &Ctx<'_>, raw: Option<&[u8]>) -> Result<String> {
    match raw {
        Some(raw) => <&str>::load(ctx, raw).map(str::to_uppercase),
        None => Ok("<NULL>".into()),
    }
}

#[tokio::test]
async fn try_from_and_with() {
    let client = connect().await;
    let c: Converted = one(
        &client,
        "SELECT 200::int8 AS small, 'abc' AS letters, 'hey' AS loud",
    )
    .await;
    assert_eq!(
        c,
        Converted {
            small: 200,
            letters: Letters("abc".into()),
            loud: "HEY".into(),
            absent: String::new(),
        }
    );
    let c: Converted = one(
        &client,
        "SELECT 1::int2 AS small, 'x' AS letters, NULL::text AS loud, 'y' AS absent",
    )
    .await;
    assert_eq!((c.loud.as_str(), c.absent.as_str()), ("<NULL>", "Y"));

    let err = error::<Converted>(
        &client,
        "SELECT 300::int8 AS small, 'abc' AS letters, 'hey' AS loud",
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Custom);
    assert_eq!(
        err.to_string(),
        "conversion failed: out of range integral type conversion attempted \
         (column \"small\" (index 0), PostgreSQL type int8, Rust type u8)"
    );
    let err = error::<Converted>(
        &client,
        "SELECT 3::int8 AS small, 'a1' AS letters, 'hey' AS loud",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "conversion failed: \"a1\" is not all letters \
         (column \"letters\" (index 1), PostgreSQL type text, Rust type Letters)"
    );
    // the `with` loader's own errors get the column
    let err = error::<Converted>(
        &client,
        "SELECT 3::int8 AS small, 'a' AS letters, 5 AS loud",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "type mismatch: int4 is not text; cast it in the query (`::text`) for the server's text \
         of it, or load a Rust type that int4 converts to \
         (column \"loud\" (index 2), PostgreSQL type int4, Rust type str)"
    );
    // try_from checks its source type at planning
    let err = error::<Converted>(
        &client,
        "SELECT 'x' AS small, 'a' AS letters, 'hey' AS loud",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "type mismatch: no conversion between these types \
         (column \"small\" (index 0), PostgreSQL type text, Rust type i64)"
    );
}

// ---- the four errors, exactly ----

#[tokio::test]
async fn error_messages() {
    let client = connect().await;
    let err = error::<Person>(&client, "SELECT 1::int8 AS id, ARRAY['x'] AS tags").await;
    assert_eq!(err.kind(), ErrorKind::MissingColumn);
    assert_eq!(
        err.to_string(),
        "missing column: no column \"full_name\" in the result; it has \"id\", \"tags\" \
         (Rust type String)"
    );
    let err = error::<Person>(
        &client,
        "SELECT 1::int8 AS id, NULL::text AS full_name, 3 AS age, ARRAY['x'] AS tags",
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::UnexpectedNull);
    assert_eq!(
        err.to_string(),
        "unexpected NULL: NULL for a type that cannot hold it; use Option<T> \
         (column \"full_name\" (index 1), PostgreSQL type text, Rust type String)"
    );
    let err = error::<Person>(
        &client,
        "SELECT 'one' AS id, 'n' AS full_name, 3 AS age, ARRAY['x'] AS tags",
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::WrongType);
    assert_eq!(
        err.to_string(),
        "type mismatch: no conversion between these types \
         (column \"id\" (index 0), PostgreSQL type text, Rust type i64)"
    );
    let err = error::<Person>(
        &client,
        "SELECT 1::int8 AS id, 'n' AS full_name, 3000000000 AS age, ARRAY['x'] AS tags",
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
    assert_eq!(err.column().map(|c| c.index), Some(2));
}

// ---- generics ----

#[derive(FromRow, ToRow, Debug, PartialEq)]
struct Tagged<T> {
    tag: String,
    value: T,
    #[pg(json(nullable))]
    extra: Option<T>,
}

#[tokio::test]
async fn generic_structs() {
    let client = connect().await;
    let t: Tagged<i64> = one(
        &client,
        "SELECT 'n' AS tag, 5::int8 AS value, '7'::jsonb AS extra",
    )
    .await;
    assert_eq!(
        t,
        Tagged {
            tag: "n".into(),
            value: 5,
            extra: Some(7),
        }
    );
    let t: Tagged<String> = one(
        &client,
        "SELECT 's' AS tag, 'v' AS value, NULL::jsonb AS extra",
    )
    .await;
    assert_eq!(t.extra, None);
    assert_eq!(Tagged::<bool>::columns(), ["tag", "value", "extra"]);
}

// ---- writing rows: VALUES, then reading them back ----

#[tokio::test]
async fn to_row_values_round_trip() {
    let client = connect().await;
    client
        .batch_execute(
            "CREATE TEMP TABLE person (id int8, full_name text, age int4, tags text[]);
             CREATE TEMP TABLE prefs (id int4, prefs jsonb, maybe_null_doc json,
                                      nullable jsonb, list jsonb)",
        )
        .await
        .unwrap();

    let people = [
        Person {
            id: 1,
            name: "it's \"quoted\"".into(),
            age: None,
            tags: vec!["x".into()],
        },
        Person {
            id: 2,
            name: "ünï".into(),
            age: Some(40),
            tags: vec![],
        },
    ];
    for format in [Format::Binary, Format::Text] {
        client.batch_execute("TRUNCATE person").await.unwrap();
        insert_values(&client, "person", &people, format).await;
        let back = query_as::<Person>(&client, "SELECT * FROM person ORDER BY id")
            .await
            .unwrap();
        assert_eq!(back, people, "{format:?}");
    }

    let prefs = WithJson {
        id: 4,
        prefs: Prefs {
            theme: "t".into(),
            size: 2,
        },
        maybe_null_doc: None,
        nullable: None,
        list: vec![3],
    };
    insert_values(
        &client,
        "prefs",
        std::slice::from_ref(&prefs),
        Format::Binary,
    )
    .await;
    let back: WithJson = one(&client, "SELECT * FROM prefs").await;
    assert_eq!(back, prefs);
    let printed = support::server_text(&client, "SELECT nullable::text FROM prefs").await;
    assert_eq!(
        printed.as_deref(),
        Some("null"),
        "None is written as JSON null"
    );
}

/// `INSERT INTO table (columns) VALUES ($1, $2), ($3, $4) …`: the statement
/// is prepared, each row is dumped with [`ToRow::dump_row`] as the
/// parameters' types in `format`, and the bytes are bound as they are.
async fn insert_values<T: ToRow>(client: &Client, table: &str, rows: &[T], format: Format) {
    let columns = T::columns();
    let width = columns.len();
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| {
            let holes: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", holes.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        tuples.join(", ")
    );
    let stmt = client
        .prepare(&sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut params = Vec::new();
    for (row, types) in rows.iter().zip(stmt.params().chunks(width)) {
        let ctxs: Vec<Ctx<'_>> = types.iter().map(|ty| Ctx::new(ty, format)).collect();
        let mut out = bytes::BytesMut::new();
        row.dump_row(&ctxs, &mut out).unwrap();
        params.extend(
            split_fields(&out)
                .into_iter()
                .map(|bytes| Dumped { bytes, format }),
        );
    }
    let params: Vec<&(dyn ToSql + Sync)> =
        params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
    client
        .execute(&stmt, &params)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The values of a [`ToRow::dump_row`] buffer: length-prefixed, -1 for NULL.
fn split_fields(mut buf: &[u8]) -> Vec<Option<Vec<u8>>> {
    let mut fields = Vec::new();
    while let Some((len, rest)) = buf.split_first_chunk::<4>() {
        let len = i32::from_be_bytes(*len);
        if len < 0 {
            fields.push(None);
            buf = rest;
        } else {
            let (value, rest) = rest.split_at(len as usize);
            fields.push(Some(value.to_vec()));
            buf = rest;
        }
    }
    assert!(buf.is_empty(), "trailing bytes after the last field");
    fields
}

/// A value already dumped for its parameter's type, bound as it is.
#[derive(Debug)]
struct Dumped {
    bytes: Option<Vec<u8>>,
    format: Format,
}

impl ToSql for Dumped {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.bytes {
            Some(bytes) => {
                out.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();

    fn encode_format(&self, _: &Type) -> tokio_postgres::types::Format {
        self.format.into()
    }
}

#[test]
fn to_row_dumps_with_the_target_types() {
    let person = Person {
        id: 1,
        name: "n".into(),
        age: None,
        tags: vec![],
    };
    let mut out = bytes::BytesMut::new();
    let types = [Type::INT4, Type::TEXT, Type::INT4, Type::TEXT_ARRAY];
    let ctxs: Vec<Ctx<'_>> = types.iter().map(Ctx::binary).collect();
    person.dump_row(&ctxs, &mut out).unwrap();
    assert_eq!(&out[..14], b"\0\0\0\x04\0\0\0\x01\0\0\0\x01n\xff");
    assert_eq!(
        person.pg_types(&Policy::DEFAULT),
        [Type::INT8, Type::TEXT, Type::INT4, Type::TEXT_ARRAY]
    );
}

// ---- compile-level cases: crate path, unit structs, borrowed ToRow ----

mod renamed {
    pub use pgcast as pg;
}

#[derive(FromRow, ToRow, Debug, PartialEq)]
#[pg(crate = "renamed::pg")]
struct ThroughReexport {
    id: i32,
}

#[derive(FromRow, ToRow, Debug, PartialEq)]
struct Nothing;

#[derive(ToRow)]
struct BorrowedOut<'a> {
    name: &'a str,
    #[pg(json)]
    doc: &'a Prefs,
    #[pg(flatten, prefix = "a_")]
    author: &'a Author,
}

#[test]
fn crate_path_unit_structs_and_borrowed_to_row() {
    let desc = [Column::new("id", Type::INT4, Format::Text)];
    let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
    let plan = ThroughReexport::plan(&columns).unwrap();
    let row: [Option<&[u8]>; 1] = [Some(b"3")];
    assert_eq!(
        ThroughReexport::from_row(&plan, &row[..]).unwrap(),
        ThroughReexport { id: 3 }
    );
    assert_eq!(ThroughReexport::columns(), ["id"]);

    // a unit struct reads no column and writes none
    Nothing::plan(&columns).unwrap();
    assert_eq!(Nothing::from_row(&(), &row[..]).unwrap(), Nothing);
    assert!(Nothing::columns().is_empty());

    let prefs = Prefs {
        theme: "t".into(),
        size: 1,
    };
    let author = Author {
        id: 1,
        name: "n".into(),
    };
    let out = BorrowedOut {
        name: "x",
        doc: &prefs,
        author: &author,
    };
    assert_eq!(BorrowedOut::columns(), ["name", "doc", "a_id", "a_name"]);
    assert_eq!(
        out.pg_types(&Policy::DEFAULT),
        [Type::TEXT, Type::JSONB, Type::INT4, Type::TEXT]
    );
}
