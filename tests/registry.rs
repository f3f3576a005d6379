//! The registry reaches nested values, against a real server: a dumper
//! registered for `T` writes `T` inside `Option<T>`, `Vec<T>` and
//! `Vec<Option<T>>` (parameters and literals); a loader registered for a
//! type loads it wherever a `Value` is made — a column, an array's
//! elements, a range's bounds, a domain over it, a `Value` field of a
//! derived row.

#[path = "support/mod.rs"]
mod support;

use std::future::Future;
use std::time::Duration;

use pgcast::sql::{Literal, Sql};
use pgcast::tokio_postgres::{ClientExt, CopyExt, PgClient};
use pgcast::types::Array;
use pgcast::{
    Adapters, Ctx, Format, FromRow, Load, Loader, PgComposite, Result, ToRow, Type, Value, sql,
};

use support::{Shout, connect};

/// Runs a test body under a time limit, so a hang fails instead of stalling.
async fn limited<T>(secs: u64, body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), body)
        .await
        .unwrap_or_else(|_| panic!("timed out after {secs} s"))
}

/// Loads `int4` as the text `#n`: a stand-in for any loader of one's own.
struct Tagged;

impl Loader for Tagged {
    fn load(&self, ctx: &Ctx<'_>, raw: &[u8]) -> Result<Value> {
        Ok(Value::Text(format!("#{}", i32::load(ctx, raw)?)))
    }
}

#[tokio::test]
async fn a_registered_dumper_reaches_options_and_arrays() {
    limited(60, async {
        let client = PgClient::new(connect().await);
        let mut scope = Adapters::global().scope();
        scope.register_dumper::<String>(Shout);
        let one = String::from("a");
        let some = Some(String::from("b"));
        let none: Option<String> = None;
        let list = vec![String::from("c"), String::from("d")];
        let holes = vec![Some(String::from("e")), None];
        let q = sql!(
            "SELECT {one}::text, {some}::text, {none}::text IS NULL, {list}::text[], {holes}::text[]"
        );
        let row: (String, String, bool, Vec<String>, Vec<Option<String>>) =
            client.with_scope(&scope).fetch_one(&q).await.unwrap();
        assert_eq!(
            row,
            (
                "A".into(),
                "B".into(),
                true,
                vec!["C".into(), "D".into()],
                vec![Some("E".into()), None]
            )
        );
        // Outside the scope the values go as they are.
        let (plain,): (Vec<String>,) = client.fetch_one(&sql!("SELECT {list}")).await.unwrap();
        assert_eq!(plain, list);

        // The same as literals, which the server reads back.
        let lit = Sql::new("SELECT ")
            + Literal::new(vec![Some(String::from("f")), None])
            + Sql::new(", ")
            + Literal::new(Some(String::from("g")));
        let inline = lit.render_inline_with(&scope).unwrap();
        assert_eq!(inline, "SELECT '{F,NULL}'::text[], 'G'");
        let (a, b): (Vec<Option<String>>, String) =
            client.fetch_one(&sql!("{lit:q}")).await.unwrap();
        assert_eq!((a, b), (vec![Some("f".into()), None], "g".into()));
    })
    .await;
}

#[derive(FromRow, Debug)]
struct Tags {
    id: i32,
    tags: Vec<Value>,
}

#[tokio::test]
async fn a_registered_loader_applies_at_every_depth() {
    limited(60, async {
        let client = PgClient::new(connect().await);
        client
            .exec(&sql!(
                "DO $$ BEGIN CREATE DOMAIN reg_small AS int4 CHECK (VALUE < 100); \
                 EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            ))
            .await
            .unwrap();
        let mut scope = Adapters::global().scope();
        scope.register_loader(Type::INT4.oid(), Tagged);
        let q = sql!(
            "SELECT 7::int4 AS one, ARRAY[1, NULL, 3]::int4[] AS list, \
             int4range(2, 5) AS span, 9::reg_small AS small, 10::int8 AS other"
        );
        for _ in 0..2 {
            // (twice: the second run decodes with the plan kept for the text)
            let rows = client.with_scope(&scope).fetch_records(&q).await.unwrap();
            let r = &rows[0];
            assert_eq!(r.get("one"), Some(&Value::Text("#7".into())));
            let Some(Value::Array(list)) = r.get("list") else {
                panic!("{:?}", r.get("list"));
            };
            assert_eq!(
                list.elements(),
                &[
                    Value::Text("#1".into()),
                    Value::Null,
                    Value::Text("#3".into())
                ]
            );
            let Some(Value::Range(span)) = r.get("span") else {
                panic!("{:?}", r.get("span"));
            };
            let (lower, upper) = span.bounds().expect("not empty");
            assert_eq!(
                (lower.value(), upper.value()),
                (
                    Some(&Value::Text("#2".into())),
                    Some(&Value::Text("#5".into()))
                )
            );
            assert!(lower.is_inclusive() && !upper.is_inclusive());
            assert_eq!(r.get("small"), Some(&Value::Text("#9".into())));
            assert_eq!(r.get("other"), Some(&Value::Int8(10)));
        }
        // Outside the scope, the built-in loader.
        let rows = client.fetch_records(&q).await.unwrap();
        assert_eq!(rows[0].get("one"), Some(&Value::Int4(7)));

        // A `Value` field of a derived row.
        let q = sql!("SELECT 1::int4 AS id, ARRAY[4, 5]::int4[] AS tags");
        let t: Tags = client.with_scope(&scope).fetch_one(&q).await.unwrap();
        assert_eq!(t.id, 1, "a typed field keeps its own loader");
        assert_eq!(
            t.tags,
            vec![Value::Text("#4".into()), Value::Text("#5".into())]
        );
        let plain: Tags = client.fetch_one(&q).await.unwrap();
        assert_eq!(plain.tags, vec![Value::Int4(4), Value::Int4(5)]);

        // Binary and text arrays of values alike.
        let ctx = Ctx::text(&Type::INT4_ARRAY).with_scope(&scope);
        let a = Array::<Value>::load(&ctx, b"{1,2}").unwrap();
        assert_eq!(
            a.elements(),
            &[Value::Text("#1".into()), Value::Text("#2".into())]
        );
        assert_eq!(ctx.format, Format::Text);
    })
    .await;
}

#[derive(PgComposite, Debug, Clone, PartialEq)]
#[pg(name = "reg_person")]
struct Person {
    name: String,
    age: i32,
}

#[derive(ToRow, FromRow, Debug, Clone, PartialEq)]
struct Line {
    id: i32,
    note: String,
}

#[tokio::test]
async fn a_registered_dumper_reaches_composite_fields_and_copy_rows() {
    limited(60, async {
        let client = PgClient::new(connect().await);
        client
            .exec(&sql!(
                "DO $$ BEGIN CREATE TYPE reg_person AS (name text, age int4); \
                 EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            ))
            .await
            .unwrap();
        client
            .exec(&sql!("CREATE TEMP TABLE reg_lines (id int4, note text)"))
            .await
            .unwrap();
        let mut scope = Adapters::global().scope();
        scope.register_dumper::<String>(Shout);
        let ann = Person {
            name: "ann".into(),
            age: 7,
        };

        // A derived composite bound as a parameter: its `String` field.
        let q = sql!("SELECT ({ann}::reg_person).name");
        let (name,): (String,) = client.with_scope(&scope).fetch_one(&q).await.unwrap();
        assert_eq!(name, "ANN");
        let (name,): (String,) = client.fetch_one(&q).await.unwrap();
        assert_eq!(name, "ann", "outside the scope, the field's own dumper");

        // Rows copied in: their `String` column.
        let scoped = PgClient::with_session(
            client.into_inner(),
            pgcast::tokio_postgres::Session::with_scope(scope),
        );
        let lines = vec![
            Line {
                id: 1,
                note: "x".into(),
            },
            Line {
                id: 2,
                note: "y".into(),
            },
        ];
        let n = scoped
            .copy_in_rows(&sql!("reg_lines"), lines.clone())
            .await
            .unwrap();
        assert_eq!(n, 2);
        let back: Vec<Line> = scoped
            .fetch_all(&sql!("SELECT id, note FROM reg_lines ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(
            back,
            vec![
                Line {
                    id: 1,
                    note: "X".into()
                },
                Line {
                    id: 2,
                    note: "Y".into()
                },
            ]
        );
    })
    .await;
}
