//! Type information from the catalogue: the core's queries run through
//! tokio-postgres, the rows parsed by the core, the types registered and
//! then used to load values.

use std::collections::BTreeMap;

use pgcast::bridge::{Param, Raw};
use pgcast::typeinfo::{COLUMNS, CompositeInfo, EnumInfo, TypeInfo, TypeKind};
use pgcast::types::{Multirange, Range};
use pgcast::{Adapters, Ctx, Dump, Format, Kind, LoadOwned, Oid, Type};
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::extension::create_extensions;
use crate::support::connect;

/// Runs a catalogue query with a binary parameter and binary results.
async fn fetch<P: Dump + Sync>(c: &Client, sql: &str, param: &P) -> Option<TypeInfo> {
    let rows = c.query(sql, &[&Param::binary(param)]).await.unwrap();
    let row = rows.first()?;
    let values: Vec<Option<&[u8]>> = (0..row.len()).map(|i| row.get::<_, Raw>(i).0).collect();
    Some(TypeInfo::from_row(&values, Format::Binary).unwrap())
}

/// The same in text format, through the simple query protocol (the
/// parameter inlined as a quoted literal).
async fn fetch_text(c: &Client, sql: &str, name: &str) -> TypeInfo {
    let sql = sql.replace("$1", &format!("'{}'", name.replace('\'', "''")));
    let messages = c.simple_query(&sql).await.unwrap();
    let row = messages
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .expect("a row");
    assert_eq!(row.len(), COLUMNS);
    let values: Vec<Option<&[u8]>> = (0..row.len())
        .map(|i| row.get(i).map(str::as_bytes))
        .collect();
    TypeInfo::from_row(&values, Format::Text).unwrap()
}

async fn by_name(c: &Client, name: &str) -> TypeInfo {
    let q = TypeInfo::query_by_name(name);
    let info = fetch(c, q.sql, &q.param)
        .await
        .unwrap_or_else(|| panic!("no type {name}"));
    assert_eq!(
        fetch_text(c, q.sql, name).await,
        info,
        "text and binary rows agree"
    );
    info
}

/// Fetches `name` and, first, what it refers to; registers all in `scope`.
async fn fetch_and_register(c: &Client, scope: &mut Adapters, name: &str) -> (TypeInfo, Type) {
    let info = by_name(c, name).await;
    register_with_dependencies(c, scope, &info).await;
    let ty = info.register(scope).unwrap();
    (info, ty)
}

async fn register_with_dependencies(c: &Client, scope: &mut Adapters, info: &TypeInfo) {
    for oid in info.dependencies() {
        if scope.type_by_oid(oid).is_none() {
            let q = TypeInfo::query_by_oid(oid);
            let dep = fetch(c, q.sql, &q.param).await.unwrap();
            Box::pin(register_with_dependencies(c, scope, &dep)).await;
            dep.register(scope).unwrap();
        }
    }
}

/// Loads the single value of `sql` as `T` in both formats, with the column
/// type resolved through `scope` from the OID the server reports.
async fn load_via_scope<T: LoadOwned>(c: &Client, scope: &Adapters, sql: &str) -> [T; 2] {
    let row = c.query_one(sql, &[]).await.unwrap();
    let oid: Oid = row.columns()[0].type_().oid();
    let ty = scope
        .type_by_oid(oid)
        .unwrap_or_else(|| panic!("OID {oid} not registered"));
    let raw: Raw = row.get(0);
    let binary = T::load_opt(&Ctx::binary(&ty), raw.0).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let printed = crate::support::server_text(c, sql).await;
    let text = T::load_opt(&Ctx::text(&ty), printed.as_deref().map(str::as_bytes))
        .unwrap_or_else(|e| panic!("{sql}: text {printed:?}: {e}"));
    [binary, text]
}

#[tokio::test]
async fn catalogue_types_register_and_load() {
    let c = connect().await;
    create_extensions(&c).await;
    let schema = format!("Other Schema {}", std::process::id());
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let s = q(&schema);
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {s} CASCADE;
         CREATE SCHEMA {s};
         CREATE TYPE {s}.\"My Type\" AS (\"Field One\" int4, gone text, \"x\"\"y\" text[], \"when\" date);
         ALTER TYPE {s}.\"My Type\" DROP ATTRIBUTE gone;
         CREATE TYPE {s}.\"Mood\" AS ENUM ('it''s', 'a b', 'Ä');
         CREATE DOMAIN {s}.\"Pos Int\" AS int4 CHECK (VALUE > 0);
         CREATE TYPE {s}.\"Mood Range\" AS RANGE (subtype = {s}.\"Mood\");
         CREATE TYPE {s}.\"Pair\" AS (m {s}.\"Mood\", d {s}.\"Pos Int\");"
    ))
    .await
    .unwrap();
    // a label added before the others: order is the sort order, not the OIDs'
    c.batch_execute(&format!(
        "ALTER TYPE {s}.\"Mood\" ADD VALUE 'first' BEFORE 'it''s'"
    ))
    .await
    .unwrap();

    let mut scope = Adapters::global().scope();

    // composite with fields needing quotes, a dropped column skipped
    let (info, ty) = fetch_and_register(&c, &mut scope, &format!("{s}.\"My Type\"")).await;
    assert_eq!(
        (info.name.as_str(), info.schema.as_str()),
        ("My Type", schema.as_str())
    );
    let TypeKind::Composite(CompositeInfo { fields, .. }) = &info.kind else {
        panic!("{info:?}")
    };
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Field One", "x\"y", "when"]);
    let Kind::Composite(fields) = ty.kind() else {
        panic!("{ty:?}")
    };
    assert_eq!(fields[0].type_(), &Type::INT4);
    assert_eq!(fields[1].type_(), &Type::TEXT_ARRAY);
    assert_eq!(fields[2].type_(), &Type::DATE);
    // the qualified-name helper finds the same type
    let q2 = TypeInfo::query_by_qualified_name(&schema, "My Type");
    assert_eq!(fetch(&c, q2.sql, &q2.param).await.unwrap(), info);
    // so does the OID lookup; an unknown name has no row
    let q3 = TypeInfo::query_by_oid(info.oid);
    assert_eq!(fetch(&c, q3.sql, &q3.param).await.unwrap(), info);
    let none = TypeInfo::query_by_name("no_such_type_here");
    assert!(fetch(&c, none.sql, &none.param).await.is_none());
    // the array type is registered too
    let (array_oid, _) = info.array.clone().unwrap();
    assert_eq!(
        scope.type_by_oid(array_oid).unwrap().kind(),
        &Kind::Array(ty.clone())
    );
    let row = c
        .query_one(
            &format!("SELECT ROW(1, '{{a}}', '2020-01-01')::{s}.\"My Type\""),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.columns()[0].type_().oid(), ty.oid());

    // enum with labels needing quotes, in sort order
    let (info, mood) = fetch_and_register(&c, &mut scope, &format!("{s}.\"Mood\"")).await;
    assert_eq!(
        info.kind,
        TypeKind::Enum(EnumInfo {
            labels: vec!["first".into(), "it's".into(), "a b".into(), "Ä".into()]
        })
    );
    assert_eq!(
        mood.kind(),
        &Kind::Enum(vec![
            "first".into(),
            "it's".into(),
            "a b".into(),
            "Ä".into()
        ])
    );
    for label in ["it''s", "a b", "Ä"] {
        let [b, t] =
            load_via_scope::<String>(&c, &scope, &format!("SELECT '{label}'::{s}.\"Mood\"")).await;
        assert_eq!(
            (b.as_str(), t.as_str()),
            (
                label.replace("''", "'").as_str(),
                label.replace("''", "'").as_str()
            )
        );
    }
    let [b, t] = load_via_scope::<Vec<String>>(
        &c,
        &scope,
        &format!("SELECT ARRAY['a b', 'Ä']::{s}.\"Mood\"[]"),
    )
    .await;
    assert_eq!((b.clone(), t), (vec!["a b".to_owned(), "Ä".to_owned()], b));

    // a domain over int4
    let (info, domain) = fetch_and_register(&c, &mut scope, &format!("{s}.\"Pos Int\"")).await;
    assert_eq!(
        info.kind,
        TypeKind::Domain {
            base: Type::INT4.oid()
        }
    );
    assert_eq!(domain.kind(), &Kind::Domain(Type::INT4));

    // a range over the enum, and its multirange (PostgreSQL 14+)
    let (info, range) = fetch_and_register(&c, &mut scope, &format!("{s}.\"Mood Range\"")).await;
    assert_eq!(range.kind(), &Kind::Range(mood.clone()));
    let TypeKind::Range(range_info) = &info.kind else {
        panic!("{info:?}")
    };
    let [b, t] = load_via_scope::<Range<String>>(
        &c,
        &scope,
        &format!("SELECT '[\"it''s\",Ä)'::{s}.\"Mood Range\""),
    )
    .await;
    assert_eq!(b, Range::closed_open("it's".to_owned(), "Ä".to_owned()));
    assert_eq!(t, b);
    let server_version: i32 = c
        .query_one("SELECT current_setting('server_version_num')::int4", &[])
        .await
        .unwrap()
        .get(0);
    if server_version >= 140_000 {
        let multi_oid = range_info
            .multirange
            .expect("a multirange on PostgreSQL 14+");
        let q = TypeInfo::query_by_oid(multi_oid);
        let multi_info = fetch(&c, q.sql, &q.param).await.unwrap();
        assert_eq!(multi_info.kind, TypeKind::Multirange { range: range.oid() });
        let multi = multi_info.register(&mut scope).unwrap();
        assert_eq!(multi.kind(), &Kind::Multirange(mood.clone()));
        // named by the server ("Mood Range_multirange"): taken from the catalogue
        let sql = format!(
            "SELECT '{{[first,\"a b\"]}}'::{s}.{}",
            q_ident(&multi_info.name)
        );
        let [b, t] = load_via_scope::<Multirange<String>>(&c, &scope, &sql).await;
        assert_eq!(
            b,
            Multirange(vec![Range::inclusive("first".to_owned(), "a b".to_owned())])
        );
        assert_eq!(t, b);
    } else {
        assert_eq!(range_info.multirange, None);
    }

    // a composite over custom types: its dependencies are fetched first
    let (_, pair) = fetch_and_register(&c, &mut scope, &format!("{s}.\"Pair\"")).await;
    let Kind::Composite(fields) = pair.kind() else {
        panic!("{pair:?}")
    };
    assert_eq!(fields[0].type_(), &mood);
    assert_eq!(fields[1].type_(), &domain);

    // an extension type, its OID from the catalogue
    let (info, hstore) = fetch_and_register(&c, &mut scope, "hstore").await;
    assert_eq!(info.kind, TypeKind::Base);
    assert_eq!(hstore.name(), "hstore");
    assert!(Type::from_oid(hstore.oid()).is_none());
    let [b, t] = load_via_scope::<BTreeMap<String, Option<String>>>(
        &c,
        &scope,
        "SELECT 'a=>1, b=>NULL'::hstore",
    )
    .await;
    let want: BTreeMap<String, Option<String>> = [
        ("a".to_owned(), Some("1".to_owned())),
        ("b".to_owned(), None),
    ]
    .into();
    assert_eq!((b, t), (want.clone(), want));

    // built-in types come back as the constants
    let (_, int4) = fetch_and_register(&c, &mut scope, "integer").await;
    assert_eq!(int4, Type::INT4);

    c.batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
        .await
        .unwrap();
}

fn q_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}
