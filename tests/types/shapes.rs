//! The Rust shapes users reach for around the codecs: fixed-length arrays,
//! boxed slices, `Cow`, `Arc` and `Rc`, loaded and dumped through the server
//! in both formats.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use pgcast::bridge::{Param, Raw};
use pgcast::{Ctx, Dump, ErrorKind, Format, Load, Policy};
use tokio_postgres::Client;

use crate::support::{connect, load_both, server_text, test_type};

#[tokio::test]
async fn fixed_length_arrays() {
    let c = connect().await;
    test_type(
        &c,
        "int4[]",
        &[
            ([1_i32, -2, 3], "ARRAY[1, -2, 3]"),
            ([0, 0, 0], "'{0,0,0}'"),
        ],
    )
    .await;
    test_type(
        &c,
        "text[]",
        &[([Some("a b".to_owned()), None], "ARRAY['a b', NULL]")],
    )
    .await;
    test_type(&c, "float8[]", &[([0.0_f64; 0], "'{}'")]).await;
    test_type(
        &c,
        "bytea[]",
        &[([vec![1_u8, 2]], "ARRAY['\\x0102'::bytea]")],
    )
    .await;

    // the wrong length, from both formats, says what to load instead
    for result in load_both::<[i32; 3]>(&c, "SELECT ARRAY[1, 2]", &Policy::DEFAULT).await {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert_eq!(
            err.message(),
            "the array has 2 elements, and this Rust array holds exactly 3; load Vec<T> for any length"
        );
    }
    for result in load_both::<[i32; 1]>(&c, "SELECT '{}'::int4[]", &Policy::DEFAULT).await {
        assert!(result.unwrap_err().message().contains("has 0 elements"));
    }
    for result in load_both::<[i32; 2]>(&c, "SELECT '{{1},{2}}'::int4[]", &Policy::DEFAULT).await {
        assert!(result.unwrap_err().message().contains("2-dimensional"));
    }
    // NULL elements need Option, as in a Vec
    for result in load_both::<[i32; 2]>(&c, "SELECT ARRAY[1, NULL]", &Policy::DEFAULT).await {
        assert_eq!(result.unwrap_err().kind(), ErrorKind::UnexpectedNull);
    }
}

#[tokio::test]
async fn boxed_and_shared_values() {
    let c = connect().await;
    test_type(
        &c,
        "int8[]",
        &[
            (vec![1_i64, 2].into_boxed_slice(), "ARRAY[1, 2]"),
            (Box::default(), "'{}'"),
        ],
    )
    .await;
    test_type(
        &c,
        "text",
        &[
            (Arc::<str>::from("héllo"), "'héllo'"),
            (Arc::from(""), "''"),
        ],
    )
    .await;
    test_type(
        &c,
        "bytea",
        &[(Arc::<[u8]>::from(&b"\x00\xff"[..]), "'\\x00ff'")],
    )
    .await;
    test_type(&c, "text[]", &[(vec![Arc::<str>::from("a")], "ARRAY['a']")]).await;

    // Rc is not Sync (no tokio-postgres parameter): loads from both formats,
    // and dumps what the inner type dumps
    for result in load_both::<Rc<str>>(&c, "SELECT 'é'::text", &Policy::DEFAULT).await {
        assert_eq!(&*result.unwrap(), "é");
    }
    for result in load_both::<Rc<i32>>(&c, "SELECT 7", &Policy::DEFAULT).await {
        assert_eq!(*result.unwrap(), 7);
    }
    for result in load_both::<Rc<[u8]>>(&c, "SELECT '\\x01'::bytea", &Policy::DEFAULT).await {
        assert_eq!(&*result.unwrap(), [1]);
    }
    let mut out = bytes::BytesMut::new();
    Rc::new(7_i64)
        .dump(&Ctx::binary(&pgcast::Type::INT4), &mut out)
        .unwrap();
    assert_eq!(&out[..], [0, 0, 0, 7]);
}

/// The value `sql` gives, as `T` borrowed from a binary and from a text
/// result, checked by `check`.
async fn borrowed<T>(c: &Client, sql: &str, check: impl Fn(T, Format))
where
    T: for<'r> Load<'r>,
{
    let row = c.query_one(sql, &[]).await.unwrap();
    let ty = row.columns()[0].type_().clone();
    let raw: Raw = row.get(0);
    check(
        T::load_opt(&Ctx::binary(&ty), raw.0).unwrap(),
        Format::Binary,
    );
    let printed = server_text(c, sql).await;
    let text = T::load_opt(&Ctx::text(&ty), printed.as_deref().map(str::as_bytes));
    check(text.unwrap(), Format::Text);
}

#[tokio::test]
async fn cows_borrow_where_they_can() {
    let c = connect().await;
    let row = c
        .query_one("SELECT 'a''b'::text, '\\x0aff'::bytea", &[])
        .await
        .unwrap();
    let (text_ty, bytea_ty) = (
        row.columns()[0].type_().clone(),
        row.columns()[1].type_().clone(),
    );
    let (t, b): (Raw, Raw) = (row.get(0), row.get(1));
    let s = <Cow<'_, str>>::load_opt(&Ctx::binary(&text_ty), t.0).unwrap();
    assert!(matches!(s, Cow::Borrowed("a'b")));
    let bytes = <Cow<'_, [u8]>>::load_opt(&Ctx::binary(&bytea_ty), b.0).unwrap();
    assert!(matches!(bytes, Cow::Borrowed([10, 255])));
    // text-format bytea is hex to decode: owned, where &[u8] is an error
    let printed = server_text(&c, "SELECT '\\x0aff'::bytea").await.unwrap();
    let bytes = <Cow<'_, [u8]>>::load(&Ctx::text(&bytea_ty), printed.as_bytes()).unwrap();
    assert!(matches!(&bytes, Cow::Owned(v) if v == &[10, 255]));
    let err = <&[u8]>::load(&Ctx::text(&bytea_ty), printed.as_bytes()).unwrap_err();
    assert!(err.message().contains("load Vec<u8> instead"), "{err}");
    // the owned forms through `borrowed`, for the Load<'r> bound they need
    borrowed::<Box<str>>(&c, "SELECT 'x'::varchar", |v, f| {
        assert_eq!(&*v, "x", "{f:?}")
    })
    .await;

    // Cow parameters, both formats
    for format in [Format::Binary, Format::Text] {
        let s: Cow<'_, str> = Cow::Owned("ünï".to_owned());
        let bytes: Cow<'_, [u8]> = Cow::Borrowed(&[1, 2]);
        let row = c
            .query_one(
                "SELECT $1::text = 'ünï', $2::bytea = '\\x0102'",
                &[&Param::new(&s, format), &Param::new(&bytes, format)],
            )
            .await
            .unwrap();
        assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1), "{format:?}");
    }
}
