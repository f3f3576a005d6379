//! Extension types with per-database OIDs, found by name: hstore, citext,
//! ltree and lquery.

use std::collections::{BTreeMap, HashMap};

use pgcast::bridge::Raw;
use pgcast::types::{Lquery, Ltree};
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
}
