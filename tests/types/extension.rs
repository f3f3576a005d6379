//! Extension types with per-database OIDs, found by name: hstore, citext,
//! ltree, lquery, ltxtquery and cube.

use std::collections::{BTreeMap, HashMap};

use pgcast::bridge::Raw;
use pgcast::types::{Cube, Lquery, Ltree, Ltxtquery};
use pgcast::{Ctx, Load, Policy};
use tokio_postgres::Client;

use crate::support::{connect, load_both, server_text, test_type};

/// Creates the extensions once per database. Tests run concurrently, and
/// concurrent `CREATE EXTENSION IF NOT EXISTS` can still collide, so the
/// creation is serialised by a transaction-level advisory lock.
pub async fn create_extensions(c: &Client) {
    c.batch_execute(
        "BEGIN;
         SELECT pg_advisory_xact_lock(7470001);
         CREATE EXTENSION IF NOT EXISTS hstore;
         CREATE EXTENSION IF NOT EXISTS citext;
         CREATE EXTENSION IF NOT EXISTS ltree;
         CREATE EXTENSION IF NOT EXISTS cube;
         COMMIT;",
    )
    .await
    .unwrap_or_else(|e| panic!("cannot create the extensions (contrib installed?): {e:?}"));
}

type Map = BTreeMap<String, Option<String>>;

fn map(pairs: &[(&str, Option<&str>)]) -> Map {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_owned)))
        .collect()
}

#[tokio::test]
async fn hstore_round_trips() {
    let c = connect().await;
    create_extensions(&c).await;
    let cases = [
        (map(&[]), "''"),
        (map(&[("a", Some("1")), ("b", None)]), r#"'a=>1, b=>NULL'"#),
        (
            map(&[("k\"q", Some("v\\b")), ("=>", Some(",")), ("", Some(""))]),
            r#"E'"k\\"q"=>"v\\\\b", "=>"=>",", ""=>""'"#,
        ),
        (
            map(&[("NULL", Some("NULL")), ("null", None)]),
            r#"'NULL=>"NULL", "null"=>null'"#,
        ),
        (
            map(&[("ünï", Some("🐘 é")), ("sp ace", Some(" "))]),
            r#"'ünï=>"🐘 é", "sp ace"=>" "'"#,
        ),
    ];
    test_type(&c, "hstore", &cases).await;
    // our text dump is what the server prints (the server's pair order)
    for (value, literal) in &cases {
        let printed = server_text(&c, &format!("SELECT {literal}::hstore"))
            .await
            .unwrap();
        let ty = c.prepare("SELECT NULL::hstore").await.unwrap().columns()[0]
            .type_()
            .clone();
        let mut out = bytes::BytesMut::new();
        pgcast::Dump::dump(value, &Ctx::text(&ty), &mut out).unwrap();
        assert_eq!(std::str::from_utf8(&out).unwrap(), printed, "{literal}");
    }
    let hash: Vec<(HashMap<String, Option<String>>, &str)> = cases
        .iter()
        .map(|(m, lit)| (m.clone().into_iter().collect(), *lit))
        .collect();
    test_type(&c, "hstore", &hash).await;
}

#[tokio::test]
async fn hstore_whitespace_variations() {
    let c = connect().await;
    create_extensions(&c).await;
    for literal in [
        r#"'  a  =>  1  ,b=>"2"  ,  c => NuLl '"#,
        r#"'"a"=>"1","b"=>2,c=>NULL,'"#,
    ] {
        for res in
            load_both::<Map>(&c, &format!("SELECT {literal}::hstore"), &Policy::DEFAULT).await
        {
            assert_eq!(
                res.unwrap(),
                map(&[("a", Some("1")), ("b", Some("2")), ("c", None)])
            );
        }
    }
    // the OID is this database's, not a constant
    let row = c
        .query_one("SELECT 'x=>y'::hstore, 'hstore'::regtype::oid", &[])
        .await
        .unwrap();
    let ty = row.columns()[0].type_().clone();
    assert_eq!(ty.oid(), row.get::<_, u32>(1));
    let raw: Raw = row.get(0);
    assert_eq!(
        Map::load_opt(&Ctx::binary(&ty), raw.0).unwrap(),
        map(&[("x", Some("y"))])
    );
}

#[tokio::test]
async fn citext_loads_as_string() {
    let c = connect().await;
    create_extensions(&c).await;
    test_type(
        &c,
        "citext",
        &[
            ("MiXeD Case".to_owned(), "'MiXeD Case'"),
            (String::new(), "''"),
            ("it's ü".to_owned(), "'it''s ü'"),
        ],
    )
    .await;
    let row = c
        .query_one("SELECT 'ABC'::citext = 'abc'::citext", &[])
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
}

#[tokio::test]
async fn ltree_round_trips() {
    let c = connect().await;
    create_extensions(&c).await;
    test_type(
        &c,
        "ltree",
        &[
            (Ltree::new(""), "''"),
            (Ltree::new("Top"), "'Top'"),
            (
                Ltree::from_labels(["Top", "Science", "Astro_nomy1"]),
                "'Top.Science.Astro_nomy1'",
            ),
        ],
    )
    .await;
    test_type(
        &c,
        "lquery",
        &[
            (Lquery::new("*.Science.*"), "'*.Science.*'"),
            (Lquery::new("Top.*{1,2}.a|b"), "'Top.*{1,2}.a|b'"),
        ],
    )
    .await;
    let row = c
        .query_one(
            "SELECT 'Top.Science'::ltree ~ $1::lquery",
            &[&pgcast::bridge::Param::binary(&Lquery::new("Top.*"))],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
    test_type(
        &c,
        "ltxtquery",
        &[
            (
                Ltxtquery::new("Europe & Russia@* & !Transportation"),
                "'Europe & Russia*@ & !Transportation'",
            ),
            (Ltxtquery::new("a | b"), "'a | b'"),
        ],
    )
    .await;
    let row = c
        .query_one(
            "SELECT 'Europe.Russia.Moscow'::ltree @ $1::ltxtquery",
            &[&pgcast::bridge::Param::text(&Ltxtquery::new(
                "Russia & !Asia",
            ))],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
}

#[tokio::test]
async fn cube_round_trips() {
    let c = connect().await;
    create_extensions(&c).await;
    let cases = [
        (Cube::point([1.0, 2.5]), "'(1, 2.5)'"),
        (
            Cube::new([0.0, -1.0], [3.0, 4.0]).unwrap(),
            "'(0, -1),(3, 4)'",
        ),
        (Cube::point([1e-300, -0.0, 1e300]), "'(1e-300, -0, 1e+300)'"),
        (Cube::new([5.0], [5.0]).unwrap(), "'(5),(5)'"),
        (Cube::point([]), "'()'"),
        (
            Cube::point((1..=100).map(f64::from).collect::<Vec<_>>()),
            "cube(array(SELECT generate_series(1, 100)::float8))",
        ),
    ];
    test_type(&c, "cube", &cases).await;
    let ty = c.prepare("SELECT NULL::cube").await.unwrap().columns()[0]
        .type_()
        .clone();
    for (value, literal) in &cases[..3] {
        let printed = server_text(&c, &format!("SELECT {literal}::cube"))
            .await
            .unwrap();
        let mut out = bytes::BytesMut::new();
        pgcast::Dump::dump(value, &Ctx::text(&ty), &mut out).unwrap();
        assert_eq!(std::str::from_utf8(&out).unwrap(), printed, "{literal}");
    }
    // the server's functions see the same corners
    let row = c
        .query_one(
            "SELECT cube_ll_coord($1::cube, 2), cube_ur_coord($1::cube, 2), cube_dim($1::cube)",
            &[&pgcast::bridge::Param::binary(&cases[1].0)],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            row.get::<_, f64>(0),
            row.get::<_, f64>(1),
            row.get::<_, i32>(2)
        ),
        (-1.0, 4.0, 2)
    );
    // more than the server's 100 dimensions is refused before sending
    let mut out = bytes::BytesMut::new();
    let err = pgcast::Dump::dump(&Cube::point(vec![0.0; 101]), &Ctx::binary(&ty), &mut out);
    assert!(err.unwrap_err().message().contains("at most 100"));
}

/// A connection to a new database of the shared server, for extensions
/// that must be installed somewhere else than where the other tests have them.
async fn connect_fresh_database(c: &Client, name: &str) -> Client {
    // one statement per call: a batch would run them in one transaction
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        c.batch_execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let mut config: tokio_postgres::Config = db.url().parse().unwrap();
    config.dbname(name);
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection error: {e}");
        }
    });
    client
}

#[tokio::test]
async fn literals_of_extensions_outside_public() {
    use pgcast::sql::{Composable, Literal};
    use pgcast::typeinfo::TypeInfo;
    use pgcast::{Adapters, Format};

    let main = connect().await;
    let name = format!("pgcast_ext_schema_{}", std::process::id());
    let c = connect_fresh_database(&main, &name).await;
    c.batch_execute(
        "CREATE SCHEMA ext;
         CREATE EXTENSION hstore SCHEMA ext;
         CREATE EXTENSION ltree SCHEMA ext;",
    )
    .await
    .unwrap_or_else(|e| panic!("extensions (contrib installed?): {e:?}"));
    let hstore = map(&[("a", Some("1")), ("b", None)]);
    let ltree = Ltree::new("Top.Science");
    let lquery = Lquery::new("Top.*");
    let run = async |scope: &Adapters| -> Vec<Option<String>> {
        let (h, l, q) = (hstore.clone(), ltree.clone(), lquery.clone());
        let q = pgcast::sql!("SELECT ({h:l})::text, ({l:l})::text, ({q:l})::text");
        let inline = q.render_inline_with(scope).unwrap();
        let rows = c
            .simple_query(&inline)
            .await
            .unwrap_or_else(|e| panic!("{inline}: {e:?}"));
        let row = rows
            .iter()
            .find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(r),
                _ => None,
            })
            .expect("a row");
        (0..3).map(|i| row.get(i).map(str::to_owned)).collect()
    };
    let expected = [
        Some(r#""a"=>"1", "b"=>NULL"#.to_owned()),
        Some("Top.Science".to_owned()),
        Some("Top.*".to_owned()),
    ];

    // Unregistered: the bare name, resolved by search_path.
    c.batch_execute("SET search_path = public, ext")
        .await
        .unwrap();
    let unregistered = Adapters::global().scope();
    assert_eq!(run(&unregistered).await, expected);

    // Registered from the catalogue: the schema it was found in, so the
    // literal holds without ext on the search_path.
    let mut scope = Adapters::global().scope();
    for type_name in ["hstore", "ltree", "lquery"] {
        let q = TypeInfo::query_by_name(type_name);
        let row = c
            .query_one(q.sql, &[&pgcast::bridge::Param::binary(&q.param)])
            .await
            .unwrap();
        let values: Vec<Option<&[u8]>> = (0..row.len()).map(|i| row.get::<_, Raw>(i).0).collect();
        let info = TypeInfo::from_row(&values, Format::Binary).unwrap();
        assert_eq!(info.schema, "ext");
        info.register(&mut scope).unwrap();
    }
    let inline = Literal::new(hstore.clone())
        .render_inline_with(&scope)
        .unwrap();
    assert_eq!(inline, r#"'"a"=>"1", "b"=>NULL'::"ext"."hstore""#);
    c.batch_execute("SET search_path = public").await.unwrap();
    assert_eq!(run(&scope).await, expected);

    drop(c);
    // the database may still be in use while the connection closes
    let _ = main
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
}
