//! Arrays: `Vec<T>` and `Array<T>` of every element family, NULL elements,
//! empty arrays, lower bounds other than 1 and several dimensions.

use std::fmt::Debug;

use bytes::BytesMut;
use pgcast::types::{Array, Dimension};
use pgcast::{Ctx, Dump, ErrorKind, LoadOwned, Policy};
use tokio_postgres::Client;

use crate::support::{connect, load_both, server_text, test_type};

/// [`test_type`], and the text pgcast writes for each value is exactly what
/// the server prints for the literal.
async fn round_trip<T>(c: &Client, sql_type: &str, cases: &[(T, &str)])
where
    T: Dump + LoadOwned + PartialEq + Debug + Sync,
{
    test_type(c, sql_type, cases).await;
    for (value, literal) in cases {
        let sql = format!("SELECT {literal}::{sql_type}");
        let printed = server_text(c, &sql).await.expect("not NULL");
        let ty = c.prepare(&sql).await.unwrap().columns()[0].type_().clone();
        let mut out = BytesMut::new();
        value.dump(&Ctx::text(&ty), &mut out).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out),
            printed,
            "{literal}::{sql_type}: text written"
        );
    }
}

fn a<T>(dims: &[(i32, i32)], elements: Vec<T>) -> Array<T> {
    let dims: Vec<Dimension> = dims.iter().map(|&(l, b)| Dimension::new(l, b)).collect();
    Array::from_parts(&dims, elements).unwrap()
}

#[tokio::test]
async fn int_arrays() {
    let c = connect().await;
    round_trip(
        &c,
        "int4[]",
        &[
            (
                vec![1, -2, i32::MAX, i32::MIN],
                "'{1,-2,2147483647,-2147483648}'",
            ),
            (vec![], "'{}'"),
            (vec![7], "ARRAY[7]"),
        ],
    )
    .await;
    round_trip(
        &c,
        "int4[]",
        &[
            (vec![Some(1), None, Some(3)], "'{1,NULL,3}'"),
            (vec![None], "'{NULL}'"),
        ],
    )
    .await;
    round_trip(&c, "int2[]", &[(vec![-1_i64, 32767], "'{-1,32767}'")]).await;
    round_trip(
        &c,
        "int8[]",
        &[(vec![i64::MIN], "ARRAY[-9223372036854775808]")],
    )
    .await;
    round_trip(&c, "oid[]", &[(vec![0_u32, u32::MAX], "'{0,4294967295}'")]).await;
}

#[tokio::test]
async fn text_arrays_with_nasty_strings() {
    let c = connect().await;
    let nasty = [
        "plain",
        "a b",
        " lead",
        "trail ",
        "",
        "NULL",
        "null",
        "q\"uote",
        "back\\slash",
        "{br,aces}",
        "com,ma",
        "semi;colon",
        "tab\tnew\nline",
        "ünï©ødé 🐘",
        "'",
    ];
    let value: Vec<Option<String>> = nasty
        .iter()
        .map(|s| Some(s.to_string()))
        .chain([None])
        .collect();
    let literal = format!(
        "ARRAY[{}, NULL]",
        nasty
            .iter()
            .map(|s| format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for ty in ["text[]", "varchar[]"] {
        round_trip(&c, ty, &[(value.clone(), literal.as_str())]).await;
    }
    round_trip(
        &c,
        "text[]",
        &[
            (vec!["NULL".to_owned()], r#"'{"NULL"}'"#),
            (vec![], "'{}'"),
            (vec!["x".to_owned(); 3], "'{ x , \"x\",x}'"),
        ],
    )
    .await;
    round_trip(&c, "text[]", &[(vec![None::<String>], "'{NULL}'")]).await;
    round_trip(
        &c,
        "name[]",
        &[(vec!["pg_class".to_owned()], "'{pg_class}'")],
    )
    .await;
}

#[tokio::test]
async fn multi_dimensional_arrays_with_lower_bounds() {
    let c = connect().await;
    round_trip(
        &c,
        "int4[]",
        &[
            (
                a(&[(2, 0), (2, -2)], vec![1, 2, 3, 4]),
                "'[0:1][-2:-1]={{1,2},{3,4}}'",
            ),
            (
                a(&[(2, 1), (3, 1)], vec![1, 2, 3, 4, 5, 6]),
                "'{{1,2,3},{4,5,6}}'",
            ),
            (a(&[(1, 5)], vec![9]), "'[5:5]={9}'"),
            (Array::default(), "'{}'"),
        ],
    )
    .await;
    round_trip(
        &c,
        "int4[]",
        &[(
            a(
                &[(2, -1), (1, 1), (3, 5)],
                vec![Some(1), None, Some(3), None, Some(5), None],
            ),
            "'[-1:0][1:1][5:7]={{{1,NULL,3}},{{NULL,5,NULL}}}'",
        )],
    )
    .await;
    round_trip(
        &c,
        "text[]",
        &[(
            a(
                &[(2, 1), (2, 1)],
                vec![
                    Some("a b".to_owned()),
                    None,
                    Some("NULL".to_owned()),
                    Some("}".to_owned()),
                ],
            ),
            r#"'{{"a b",NULL},{"NULL","}"}}'"#,
        )],
    )
    .await;
    // six dimensions, the most PostgreSQL allows
    round_trip(
        &c,
        "int4[]",
        &[(a(&[(1, 1); 6], vec![1]), "'{{{{{{1}}}}}}'")],
    )
    .await;
}

#[tokio::test]
async fn bytea_and_bool_arrays() {
    let c = connect().await;
    round_trip(
        &c,
        "bytea[]",
        &[(
            vec![vec![1_u8, 2], vec![], vec![b'\\', b'"', 0]],
            "ARRAY['\\x0102'::bytea, ''::bytea, '\\x5c2200'::bytea]",
        )],
    )
    .await;
    round_trip(&c, "bool[]", &[(vec![true, false], "'{t,f}'")]).await;
    round_trip(&c, "bool[]", &[(vec![Some(true), None], "'{true,NULL}'")]).await;
    round_trip(
        &c,
        "\"char\"[]",
        &[(vec![b'a' as i8, b'"' as i8], r#"'{a,"\""}'"#)],
    )
    .await;
}

#[tokio::test]
async fn what_a_vec_cannot_hold() {
    let c = connect().await;
    let p = &Policy::DEFAULT;
    for r in load_both::<Vec<i32>>(&c, "SELECT '{{1,2},{3,4}}'::int4[]", p).await {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert!(err.message().contains("Array<T>"), "{err}");
    }
    for r in load_both::<Vec<i32>>(&c, "SELECT '[0:1]={1,2}'::int4[]", p).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange);
    }
    for r in load_both::<Vec<String>>(&c, "SELECT '{a,NULL}'::text[]", p).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::UnexpectedNull);
    }
    for r in load_both::<Vec<i16>>(&c, "SELECT '{1,70000}'::int4[]", p).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange);
    }
    for r in load_both::<Vec<bool>>(&c, "SELECT '{1}'::int4[]", p).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::WrongType);
    }
}

#[tokio::test]
async fn declared_type_wins() {
    let c = connect().await;
    // A parameter declared int4[] takes i64 elements as int4, range-checked.
    for format in [pgcast::Format::Binary, pgcast::Format::Text] {
        let v = vec![1_i64, 2];
        let param = pgcast::bridge::Param::new(&v, format);
        let row = c
            .query_one("SELECT $1::int4[] = '{1,2}'", &[&param])
            .await
            .unwrap();
        assert!(row.get::<_, bool>(0));
    }
    let too_big = vec![1_i64 << 40];
    let param = pgcast::bridge::Param::binary(&too_big);
    assert!(c.query_one("SELECT $1::int4[]", &[&param]).await.is_err());

    // Custom element types: the array type comes from the statement.
    c.batch_execute(
        "DO $$ BEGIN CREATE TYPE pgcast_array_mood AS ENUM ('sad', 'ok', 'happy'); \
         EXCEPTION WHEN duplicate_object THEN NULL; END $$",
    )
    .await
    .unwrap();
    round_trip(
        &c,
        "pgcast_array_mood[]",
        &[(vec!["sad".to_owned(), "happy".to_owned()], "'{sad,happy}'")],
    )
    .await;
}

#[tokio::test]
async fn int2vector_and_oidvector() {
    let c = connect().await;
    let p = &Policy::DEFAULT;
    let [b, t] = load_both::<Vec<i16>>(&c, "SELECT '1 2 3'::int2vector", p).await;
    assert_eq!((b.unwrap(), t.unwrap()), (vec![1, 2, 3], vec![1, 2, 3]));
    let [b, t] = load_both::<Vec<u32>>(&c, "SELECT '23 25'::oidvector", p).await;
    assert_eq!((b.unwrap(), t.unwrap()), (vec![23, 25], vec![23, 25]));
    // Built from arrays, vectors keep the array's lower bound in binary (1
    // here) while the text form has none: both formats load alike.
    for (sql, expected) in [
        ("SELECT ARRAY[0,1,2]::oidvector", vec![0_u32, 1, 2]),
        ("SELECT ARRAY[7]::oidvector", vec![7]),
        ("SELECT ''::oidvector", vec![]),
    ] {
        let [b, t] = load_both::<Vec<u32>>(&c, sql, p).await;
        assert_eq!(b.unwrap(), expected, "binary: {sql}");
        assert_eq!(t.unwrap(), expected, "text: {sql}");
        let [b, t] = load_both::<pgcast::types::Array<u32>>(&c, sql, p).await;
        assert_eq!(b.unwrap(), t.unwrap(), "{sql}");
    }
    for sql in [
        "SELECT ARRAY[0,1,2]::int2vector",
        "SELECT indkey FROM pg_index WHERE indrelid = 'pg_class'::regclass LIMIT 1",
    ] {
        let [b, t] = load_both::<Vec<i16>>(&c, sql, p).await;
        let (b, t) = (b.unwrap(), t.unwrap());
        assert!(!b.is_empty(), "{sql}");
        assert_eq!(b, t, "{sql}");
    }
}
