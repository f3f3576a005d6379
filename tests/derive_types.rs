//! `#[derive(PgComposite)]`, `#[derive(PgEnum)]` and
//! `#[derive(PgTransparent)]`, domains and anonymous records against a real
//! server, in both formats, with the types as tokio-postgres describes them
//! and as `pgcast::typeinfo` builds them from the catalogue.
//!
//! Each test makes its own schema (named after the process and the test), so
//! tests and processes sharing the server do not meet.

#[path = "support/mod.rs"]
mod support;

use pgcast::bridge::{Param, Raw};
use pgcast::row::{Column, Columns};
use pgcast::typeinfo::TypeInfo;
use pgcast::{
    Adapters, Ctx, ErrorKind, Format, FromRow, Kind, LoadOwned, Oid, PgComposite, PgEnum,
    PgTransparent, Type,
};
use tokio_postgres::{Client, SimpleQueryMessage};

use support::{BinaryRow, TextRow, connect, test_type};

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "\"Other Schema\".\"Mood\"", rename_all = "lowercase")]
enum Mood {
    Sad,
    #[pg(rename = "it's")]
    Its,
    #[pg(rename = "a b")]
    AB,
    #[pg(rename = "Ä")]
    Ae,
}

#[derive(PgComposite, Debug, PartialEq, Clone)]
#[pg(name = "\"Other Schema\".\"Inner\"")]
struct Inner {
    #[pg(rename = "Value")]
    value: Option<i32>,
    note: Option<String>,
}

#[derive(PgTransparent, Debug, PartialEq, Clone, Copy)]
struct PosInt(i32);

#[derive(PgTransparent, Debug, PartialEq, Clone)]
struct Label {
    text: String,
}

/// Fields in another order than the type's attributes, names needing quotes.
#[derive(PgComposite, Debug, PartialEq, Clone)]
#[pg(name = "\"Other Schema\".\"My Type\"")]
struct MyType {
    #[pg(rename = "Label")]
    label: Label,
    #[pg(rename = "the id")]
    id: i32,
    inner: Option<Inner>,
    tags: Vec<Option<String>>,
    mood: Mood,
    moods: Vec<Mood>,
    n: PosInt,
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A fresh schema for one test, with the types above; its quoted name.
async fn schema(c: &Client, test: &str) -> String {
    let s = quote(&format!("Other Schema {} {test}", std::process::id()));
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {s} CASCADE;
         CREATE SCHEMA {s};
         CREATE TYPE {s}.\"Mood\" AS ENUM ('sad', 'it''s', 'a b', 'Ä');
         CREATE DOMAIN {s}.posint AS int4 CHECK (VALUE > 0);
         CREATE DOMAIN {s}.label AS text;
         CREATE TYPE {s}.\"Inner\" AS (\"Value\" int4, note text);
         CREATE TYPE {s}.\"My Type\" AS (\"the id\" int4, \"Label\" {s}.label,
             \"inner\" {s}.\"Inner\", tags text[], mood {s}.\"Mood\", moods {s}.\"Mood\"[],
             n {s}.posint);"
    ))
    .await
    .unwrap_or_else(|e| panic!("schema {s}: {e:?}"));
    s
}

fn sample(id: i32) -> MyType {
    MyType {
        label: Label {
            text: format!("a \"quoted\", (odd) \\ label {id}"),
        },
        id,
        inner: Some(Inner {
            value: None,
            note: Some(String::new()),
        }),
        tags: vec![Some("x y".into()), None, Some(String::new())],
        mood: Mood::Its,
        moods: vec![Mood::AB, Mood::Ae, Mood::Sad],
        n: PosInt(id),
    }
}

fn sample_literal(s: &str, id: i32) -> String {
    format!(
        "ROW({id}, 'a \"quoted\", (odd) \\ label {id}', ROW(NULL, '')::{s}.\"Inner\", \
         ARRAY['x y', NULL, ''], 'it''s', ARRAY['a b', 'Ä', 'sad']::{s}.\"Mood\"[], {id})"
    )
}

#[tokio::test]
async fn composites_round_trip_by_attribute_name() {
    let c = connect().await;
    let s = schema(&c, "composites").await;
    let ty = format!("{s}.\"My Type\"");
    test_type(
        &c,
        &ty,
        &[
            (sample(1), sample_literal(&s, 1).as_str()),
            (
                MyType {
                    inner: None,
                    tags: vec![],
                    moods: vec![],
                    ..sample(2)
                },
                "ROW(2, 'a \"quoted\", (odd) \\ label 2', NULL, '{}', 'it''s', '{}', 2)",
            ),
        ],
    )
    .await;
    test_type(
        &c,
        &format!("{s}.\"Inner\""),
        &[
            (
                Inner {
                    value: Some(-1),
                    note: None,
                },
                "ROW(-1, NULL)",
            ),
            (
                Inner {
                    value: None,
                    note: None,
                },
                "ROW(NULL, NULL)",
            ),
        ],
    )
    .await;
    // arrays of composites, through the array codec
    test_type(
        &c,
        &format!("{ty}[]"),
        &[
            (
                vec![sample(3), sample(4)],
                &format!(
                    "ARRAY[{}, {}]",
                    sample_literal(&s, 3),
                    sample_literal(&s, 4)
                ),
            ),
            (vec![], "'{}'"),
        ],
    )
    .await;
}

#[tokio::test]
async fn enums_domains_and_newtypes_round_trip() {
    let c = connect().await;
    let s = schema(&c, "enums").await;
    let mood = format!("{s}.\"Mood\"");
    test_type(
        &c,
        &mood,
        &[
            (Mood::Sad, "'sad'"),
            (Mood::Its, "'it''s'"),
            (Mood::AB, "'a b'"),
            (Mood::Ae, "'Ä'"),
        ],
    )
    .await;
    test_type(
        &c,
        &format!("{mood}[]"),
        &[
            (
                vec![Mood::Its, Mood::AB, Mood::Ae],
                "ARRAY['it''s', 'a b', 'Ä']",
            ),
            (vec![], "'{}'"),
        ],
    )
    .await;
    test_type(
        &c,
        &format!("{s}.posint"),
        &[(7_i32, "7"), (i32::MAX, "2147483647")],
    )
    .await;
    test_type(&c, &format!("{s}.posint"), &[(PosInt(9), "9")]).await;
    test_type(
        &c,
        &format!("{s}.posint[]"),
        &[(vec![1_i64, 2], "ARRAY[1, 2]")],
    )
    .await;
    test_type(&c, &format!("{s}.label"), &[("a b".to_owned(), "'a b'")]).await;
    test_type(
        &c,
        &format!("{s}.label"),
        &[(
            Label {
                text: "it's".into(),
            },
            "'it''s'",
        )],
    )
    .await;
    // the domain's constraint still holds on the server
    let err = c
        .query_one(&format!("SELECT $1::{s}.posint"), &[&Param::binary(&0_i32)])
        .await
        .unwrap_err();
    let message = err.as_db_error().map(|e| e.message().to_owned());
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("violates check constraint")),
        "{err:?}"
    );
}

#[tokio::test]
async fn labels_and_attributes_the_rust_type_lacks() {
    let c = connect().await;
    let s = schema(&c, "mismatch").await;
    c.batch_execute(&format!(
        "ALTER TYPE {s}.\"Mood\" ADD VALUE 'new';
         CREATE TYPE {s}.\"Small\" AS (\"Value\" int4, other text);"
    ))
    .await
    .unwrap();
    // extra server labels pass the check; a value carrying one does not load
    let row = c
        .query_one(&format!("SELECT 'new'::{s}.\"Mood\""), &[])
        .await
        .unwrap();
    let ty = row.columns()[0].type_().clone();
    assert!(<Mood as pgcast::Load>::check(&Ctx::binary(&ty)).is_ok());
    let raw: Raw = row.get(0);
    let err = <Mood as pgcast::Load>::load_opt(&Ctx::binary(&ty), raw.0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
    assert_eq!(
        err.message(),
        "unknown enum label \"new\"; expected one of \"sad\", \"it's\", \"a b\", \"Ä\""
    );
    // a composite without the field's attribute, and with one more
    let row = c
        .query_one(&format!("SELECT ROW(1, 'x')::{s}.\"Small\""), &[])
        .await
        .unwrap();
    let ty = row.columns()[0].type_().clone();
    let err = <Inner as pgcast::Load>::check(&Ctx::binary(&ty)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongType);
    assert!(
        err.message().starts_with(&format!(
            "composite type {s}.\"Small\" has no attribute \"note\", and has attribute \
             \"other\" that no field maps to"
        )),
        "{err}"
    );
}

// ---- the catalogue path ----

async fn fetch(c: &Client, sql: &str, param: &(dyn pgcast::Dump + Sync)) -> TypeInfo {
    let row = c.query_one(sql, &[&Param::binary(param)]).await.unwrap();
    let values: Vec<Option<&[u8]>> = (0..row.len()).map(|i| row.get::<_, Raw>(i).0).collect();
    TypeInfo::from_row(&values, Format::Binary).unwrap()
}

/// Registers `info` and, first, what it refers to.
async fn register(c: &Client, scope: &mut Adapters, info: &TypeInfo) -> Type {
    for oid in info.dependencies() {
        if scope.type_by_oid(oid).is_none() {
            let q = TypeInfo::query_by_oid(oid);
            let dep = fetch(c, q.sql, &q.param).await;
            Box::pin(register(c, scope, &dep)).await;
        }
    }
    info.register(scope).unwrap()
}

/// Loads `sql`'s value as `T` with the type `scope` has for its OID, from
/// binary and from text results.
async fn load_with_scope<T: LoadOwned>(c: &Client, scope: &Adapters, sql: &str) -> [T; 2] {
    let row = c.query_one(sql, &[]).await.unwrap();
    let oid: Oid = row.columns()[0].type_().oid();
    let ty = scope.type_by_oid(oid).expect("registered");
    let raw: Raw = row.get(0);
    let binary = T::load_opt(&Ctx::binary(&ty), raw.0).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let printed = support::server_text(c, sql).await;
    let text = T::load_opt(&Ctx::text(&ty), printed.as_deref().map(str::as_bytes))
        .unwrap_or_else(|e| panic!("{sql}: text {printed:?}: {e}"));
    [binary, text]
}

#[tokio::test]
async fn types_from_typeinfo_load_and_dump() {
    let c = connect().await;
    let s = schema(&c, "typeinfo").await;
    let mut scope = Adapters::global().scope();
    let name = format!("{s}.\"My Type\"");
    let q = TypeInfo::query_by_name(&name);
    let info = fetch(&c, q.sql, &q.param).await;
    let ty = register(&c, &mut scope, &info).await;
    let Kind::Composite(fields) = ty.kind() else {
        panic!("{ty:?}")
    };
    assert_eq!(fields[0].name(), "the id");
    assert!(matches!(fields[1].type_().kind(), Kind::Domain(t) if *t == Type::TEXT));

    let [binary, text] = load_with_scope::<MyType>(
        &c,
        &scope,
        &format!("SELECT {}::{s}.\"My Type\"", sample_literal(&s, 5)),
    )
    .await;
    assert_eq!((binary, text), (sample(5), sample(5)));
    let [binary, text] = load_with_scope::<Vec<MyType>>(
        &c,
        &scope,
        &format!("SELECT ARRAY[{}]::{s}.\"My Type\"[]", sample_literal(&s, 6)),
    )
    .await;
    assert_eq!((binary, text), (vec![sample(6)], vec![sample(6)]));

    // parameters dumped as the registered type, in both formats, typed by
    // the statement (`query_typed`) with the catalogue's type
    for format in [Format::Binary, Format::Text] {
        let rows = c
            .query_typed(
                &format!("SELECT $1 = {}::{s}.\"My Type\"", sample_literal(&s, 7)),
                &[(&Param::new(&sample(7), format), ty.clone())],
            )
            .await
            .unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert!(rows[0].get::<_, bool>(0), "{format:?}");
    }
}

// ---- rows and anonymous records ----

/// `sql`'s one row as `T`, from binary and from text results, which must agree.
async fn one<T: for<'r> FromRow<'r> + PartialEq + std::fmt::Debug>(c: &Client, sql: &str) -> T {
    let stmt = c
        .prepare(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let describe = |format| -> Vec<Column> {
        stmt.columns()
            .iter()
            .map(|col| Column::new(col.name(), col.type_().clone(), format))
            .collect()
    };
    let columns = describe(Format::Binary);
    let row = BinaryRow(c.query_one(&stmt, &[]).await.unwrap());
    let plan = T::plan(&Columns::new(&columns, &Adapters::global()))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let binary = T::from_row(&plan, &row).unwrap_or_else(|e| panic!("{sql}: binary: {e}"));
    let columns = describe(Format::Text);
    let row = c
        .simple_query(sql)
        .await
        .unwrap()
        .into_iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(TextRow(r)),
            _ => None,
        })
        .expect("a row");
    let plan = T::plan(&Columns::new(&columns, &Adapters::global())).unwrap();
    let text = T::from_row(&plan, &row).unwrap_or_else(|e| panic!("{sql}: text: {e}"));
    assert_eq!(binary, text, "{sql}");
    binary
}

#[derive(FromRow, Debug, PartialEq)]
struct Holder {
    id: i64,
    item: MyType,
    items: Vec<MyType>,
    maybe: Option<Inner>,
    mood: Mood,
    n: PosInt,
}

#[tokio::test]
async fn composites_in_rows_and_records_in_tuples() {
    let c = connect().await;
    let s = schema(&c, "rows").await;
    c.batch_execute(&format!(
        "CREATE TABLE {s}.t (id int8, item {s}.\"My Type\", items {s}.\"My Type\"[],
             maybe {s}.\"Inner\", mood {s}.\"Mood\", n {s}.posint);
         INSERT INTO {s}.t VALUES (1, {}, ARRAY[{}]::{s}.\"My Type\"[], NULL, 'a b', 3);",
        sample_literal(&s, 1),
        sample_literal(&s, 2)
    ))
    .await
    .unwrap();
    let holder: Holder = one(&c, &format!("SELECT * FROM {s}.t")).await;
    assert_eq!(
        holder,
        Holder {
            id: 1,
            item: sample(1),
            items: vec![sample(2)],
            maybe: None,
            mood: Mood::AB,
            n: PosInt(3),
        }
    );
    // a composite column is a one-column row type by itself
    let item: MyType = one(&c, &format!("SELECT item FROM {s}.t")).await;
    assert_eq!(item, sample(1));

    // anonymous records by position (a row type of tuples maps columns by
    // position, so a one-column result of a record is a 1-tuple of a tuple)
    let (rec,): ((i32, String, Option<String>, bool),) =
        one(&c, "SELECT ROW(1, 'a \"b\", (c)', NULL::text, true)").await;
    assert_eq!(rec, (1, "a \"b\", (c)".into(), None, true));
    type Nested = ((i64, String), Option<(i32,)>);
    let (nested,): (Nested,) = one(&c, "SELECT ROW(ROW(7::int8, ''), NULL::record)").await;
    assert_eq!(nested, ((7, String::new()), None));
    // a table's row type (`SELECT t FROM t`) into a tuple, with the attributes' types
    type Whole = (i64, MyType, Vec<MyType>, Option<Inner>, Mood, i32);
    let (whole,): (Whole,) = one(&c, &format!("SELECT t FROM {s}.t t")).await;
    assert_eq!(whole.1, sample(1));
    assert_eq!((whole.4, whole.5), (Mood::AB, 3));
}

#[tokio::test]
async fn arrays_of_anonymous_records() {
    let c = connect().await;
    // `_record` (OID 2287), in both formats, into tuples by position
    for sql in [
        "SELECT ARRAY[ROW(1, 'a'::text), ROW(2, 'b \"q\"'::text)]",
        "SELECT array_agg(ROW(i, CASE i WHEN 1 THEN 'a' ELSE 'b \"q\"' END) ORDER BY i)
           FROM generate_series(1, 2) i",
    ] {
        let (v,): (Vec<(i32, String)>,) = one(&c, sql).await;
        assert_eq!(v, [(1, "a".into()), (2, "b \"q\"".into())], "{sql}");
    }
    type Records = Vec<Option<(i64, Option<String>)>>;
    let (v,): (Records,) = one(
        &c,
        "SELECT ARRAY[ROW(7::int8, NULL::text), NULL, ROW(8::int8, '')]",
    )
    .await;
    assert_eq!(v, [Some((7, None)), None, Some((8, Some(String::new())))]);
    let (empty,): (Vec<(i32, String)>,) = one(&c, "SELECT '{}'::record[]").await;
    assert!(empty.is_empty());
    // a record of the wrong width is an error, not a guess
    let row = c
        .query_one("SELECT ARRAY[ROW(1, 'a'::text, true)]", &[])
        .await
        .unwrap();
    let ty = row.columns()[0].type_().clone();
    assert_eq!(ty, Type::RECORD_ARRAY);
    let raw: Raw = row.get(0);
    assert!(<Vec<(i32, String)> as pgcast::Load>::load_opt(&Ctx::binary(&ty), raw.0).is_err());
}

#[tokio::test]
async fn anonymous_records_into_derived_composites_by_position() {
    #[derive(PgComposite, Debug, PartialEq, Clone)]
    struct Pair {
        n: i32,
        label: Option<String>,
    }
    let c = connect().await;
    // a single record, an array of them, array_agg: binary carries each
    // field's type, so the Rust fields match by position
    let (one_pair,): (Pair,) = one(&c, "SELECT ROW(1, 'a'::text)").await;
    assert_eq!(
        one_pair,
        Pair {
            n: 1,
            label: Some("a".into())
        }
    );
    let (pairs,): (Vec<Pair>,) =
        one(&c, "SELECT ARRAY[ROW(1, 'a'::text), ROW(2, NULL::text)]").await;
    assert_eq!(pairs[1], Pair { n: 2, label: None });
    let (agg,): (Vec<Option<Pair>>,) = one(
        &c,
        "SELECT array_agg(CASE WHEN i = 2 THEN NULL ELSE ROW(i, i::text) END ORDER BY i)
           FROM generate_series(1, 3) i",
    )
    .await;
    assert_eq!(agg.len(), 3);
    assert_eq!(agg[1], None);
    assert_eq!(
        agg[2],
        Some(Pair {
            n: 3,
            label: Some("3".into())
        })
    );
    // wrong width, wrong field type, text format: clear errors
    for (sql, needle) in [
        (
            "SELECT ROW(1, 'a'::text, true)",
            "3 fields for 2 Rust fields",
        ),
        ("SELECT ROW('x'::text, 'a'::text)", "no conversion"),
    ] {
        let row = c.query_one(sql, &[]).await.unwrap();
        let raw: Raw = row.get(0);
        let err = <Pair as pgcast::Load>::load_opt(&Ctx::binary(&Type::RECORD), raw.0).unwrap_err();
        assert!(err.to_string().contains(needle), "{sql}: {err}");
    }
    let pair = <Pair as pgcast::Load>::load_opt(&Ctx::text(&Type::RECORD), Some(b"(1,)")).unwrap();
    assert_eq!(pair, Pair { n: 1, label: None });
    let err =
        <Pair as pgcast::Load>::load_opt(&Ctx::text(&Type::RECORD), Some(b"(x,a)")).unwrap_err();
    assert!(err.to_string().contains("attribute"), "{err}");
}

#[tokio::test]
async fn enum_labels_the_server_lacks_are_not_sent() {
    /// The schema's enum with one variant more than the server has.
    #[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
    #[pg(name = "\"Other Schema\".\"Mood\"", rename_all = "lowercase")]
    enum Wider {
        Sad,
        Happy,
    }
    let c = connect().await;
    let s = schema(&c, "wider").await;
    c.batch_execute(&format!("CREATE TABLE {s}.m (mood {s}.\"Mood\")"))
        .await
        .unwrap();
    // the statement's parameter type carries the server's labels
    let stmt = c
        .prepare(&format!("INSERT INTO {s}.m VALUES ($1)"))
        .await
        .unwrap();
    let ty = stmt.params()[0].clone();
    assert!(matches!(ty.kind(), Kind::Enum(labels) if labels.len() == 4));
    for format in [Format::Binary, Format::Text] {
        c.execute(&stmt, &[&Param::new(&Wider::Sad, format)])
            .await
            .unwrap();
        let err = c
            .execute(&stmt, &[&Param::new(&Wider::Happy, format)])
            .await
            .unwrap_err();
        // refused by pgcast while encoding, not by the server (22P02)
        assert!(err.code().is_none(), "{format:?}: {err:?}");
        let source = std::error::Error::source(&err).expect("pgcast's error");
        let ours = source
            .downcast_ref::<pgcast::Error>()
            .unwrap_or_else(|| panic!("{source:?}"));
        assert_eq!(ours.kind(), ErrorKind::OutOfRange);
        assert!(
            ours.message()
                .starts_with("enum Mood has no label \"happy\"; its labels are \"sad\""),
            "{ours}"
        );
        // and directly, with the type the statement gave
        let mut out = bytes::BytesMut::new();
        let err = pgcast::Dump::dump(&Wider::Happy, &Ctx::new(&ty, format), &mut out).unwrap_err();
        assert!(err.to_string().contains("Mood"), "{err}");
        assert!(out.is_empty());
    }
    let n = support::server_text(&c, &format!("SELECT count(*) FROM {s}.m")).await;
    assert_eq!(n.as_deref(), Some("2"), "only the known label was stored");
}

// ---- integer-backed enums and the catch-all variant ----

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(repr = "int4")]
enum Level {
    Low = 1,
    Mid = 5,
    High = 10,
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(repr = "int2")]
#[repr(i16)]
enum Small {
    A = -3,
    B,
    C,
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(repr = "int8")]
#[repr(i64)]
enum Big {
    Zero,
    Huge = 1 << 40,
}

#[tokio::test]
async fn integer_backed_enums_round_trip() {
    let c = connect().await;
    test_type(
        &c,
        "int4",
        &[(Level::Low, "1"), (Level::Mid, "5"), (Level::High, "10")],
    )
    .await;
    test_type(
        &c,
        "int2",
        &[(Small::A, "-3"), (Small::B, "-2"), (Small::C, "-1")],
    )
    .await;
    test_type(
        &c,
        "int8",
        &[(Big::Zero, "0"), (Big::Huge, "1099511627776")],
    )
    .await;
    test_type(
        &c,
        "int4[]",
        &[
            (vec![Level::High, Level::Low], "ARRAY[10, 1]"),
            (vec![], "'{}'"),
        ],
    )
    .await;
    // a narrower or wider integer column, and a domain over one
    test_type(&c, "int8", &[(Level::Mid, "5")]).await;
    test_type(&c, "int2", &[(Big::Zero, "0")]).await;
    let s = schema(&c, "int_enums").await;
    test_type(&c, &format!("{s}.posint"), &[(Level::High, "10")]).await;

    // an integer that is no discriminant, from both formats
    for format in [Format::Binary, Format::Text] {
        let sql = "SELECT 7::int4";
        let (ty, raw) = match format {
            Format::Binary => {
                let row = c.query_one(sql, &[]).await.unwrap();
                let raw: Raw = row.get(0);
                (row.columns()[0].type_().clone(), raw.0.map(<[u8]>::to_vec))
            }
            Format::Text => (
                Type::INT4,
                support::server_text(&c, sql).await.map(String::into_bytes),
            ),
        };
        let err =
            <Level as pgcast::Load>::load_opt(&Ctx::new(&ty, format), raw.as_deref()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert_eq!(
            err.message(),
            "7 is no variant's discriminant; expected one of 1, 5, 10"
        );
    }
    // a text column is refused once, when the result is planned
    let err = <Level as pgcast::Load>::check(&Ctx::binary(&Type::TEXT)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongType);
    // a discriminant the declared column cannot hold is refused before sending
    let err = c
        .query_one("SELECT $1::int2", &[&Param::binary(&Big::Huge)])
        .await
        .unwrap_err();
    assert!(err.code().is_none(), "refused by pgcast: {err:?}");
    // in rows, by name
    #[derive(FromRow, Debug, PartialEq)]
    struct Task {
        level: Level,
        small: Option<Small>,
    }
    let task: Task = one(&c, "SELECT 10::int4 AS level, NULL::int2 AS small").await;
    assert_eq!(
        task,
        Task {
            level: Level::High,
            small: None
        }
    );
}

#[derive(PgEnum, Debug, PartialEq, Clone)]
#[pg(name = "\"Other Schema\".\"Mood\"", rename_all = "lowercase")]
enum OpenMood {
    Sad,
    #[pg(rename = "it's")]
    Its,
    #[pg(other)]
    Other(String),
}

#[tokio::test]
async fn enum_catch_all_keeps_labels_added_later() {
    let c = connect().await;
    let s = schema(&c, "open").await;
    c.batch_execute(&format!("ALTER TYPE {s}.\"Mood\" ADD VALUE 'new'"))
        .await
        .unwrap();
    let mood = format!("{s}.\"Mood\"");
    test_type(
        &c,
        &mood,
        &[
            (OpenMood::Sad, "'sad'"),
            (OpenMood::Its, "'it''s'"),
            (OpenMood::Other("a b".into()), "'a b'"),
            (OpenMood::Other("Ä".into()), "'Ä'"),
            (OpenMood::Other("new".into()), "'new'"),
        ],
    )
    .await;
    test_type(
        &c,
        &format!("{mood}[]"),
        &[(
            vec![OpenMood::Other("new".into()), OpenMood::Sad],
            "ARRAY['new', 'sad']",
        )],
    )
    .await;
    // still checked against the server's labels when dumping
    let stmt = c.prepare(&format!("SELECT $1::{mood}")).await.unwrap();
    let ty = stmt.params()[0].clone();
    let mut out = bytes::BytesMut::new();
    let err = pgcast::Dump::dump(&OpenMood::Other("nope".into()), &Ctx::binary(&ty), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
    assert!(err.message().contains("has no label \"nope\""), "{err}");
    // and the Rust variants must still exist on the server
    assert!(<OpenMood as pgcast::Load>::check(&Ctx::binary(&ty)).is_ok());
}
