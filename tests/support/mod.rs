//! Test support shared by the integration test binaries: a connection to the
//! process-wide throwaway server, and round-trip checks of codecs.
//!
//! Include it from a test binary with
//! `#[path = "../support/mod.rs"] mod support;` (or `mod support;` at
//! `tests/<name>.rs` level with `#[path = "support/mod.rs"]`).
#![allow(dead_code)]

use std::fmt::Debug;

use bytes::BytesMut;
use pgcast::bridge::{Param, Raw};
use pgcast::row::RawRow;
use pgcast::{Ctx, Dump, Error, ErrorKind, Format, Load, LoadOwned, Type};
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// Writes strings in upper case: a stand-in for any dumper of one's own.
pub struct Shout;

impl pgcast::Dumper<String> for Shout {
    fn pg_type(&self, _: &String, _: &pgcast::Policy) -> Type {
        Type::TEXT
    }

    fn dump(
        &self,
        value: &String,
        _: &Ctx<'_>,
        out: &mut BytesMut,
    ) -> pgcast::Result<pgcast::IsNull> {
        out.extend_from_slice(value.to_uppercase().as_bytes());
        Ok(pgcast::IsNull::No)
    }
}

/// A new connection to the shared server (started on first use).
pub async fn connect() -> Client {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", db.url()));
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection error: {e}");
        }
    });
    client
}

/// The server's version as `server_version_num` gives it (150004 for 15.4).
pub async fn server_version(client: &Client) -> i32 {
    let row = client
        .query_one("SELECT current_setting('server_version_num')::int4", &[])
        .await
        .unwrap_or_else(|e| panic!("server_version_num: {e}"));
    row.get(0)
}

/// The text the server prints for `sql` (one row, one column), or `None` for NULL.
pub async fn server_text(client: &Client, sql: &str) -> Option<String> {
    let messages = client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    messages
        .into_iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_owned)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{sql}: no row"))
}

/// Round-trips each `(value, literal)` through the server, rust-postgres'
/// `test_type` done in both formats:
///
/// 1. `SELECT literal::sql_type` loaded from binary equals `value`;
/// 2. the same as the server prints it (simple query, text) loaded from text
///    equals `value`;
/// 3. `value` sent as a binary parameter, and 4. as a text parameter, comes
///    back equal, and the server casts it to the same text as the literal;
/// 5. NULL loads into `Option<T>` as `None` and into `T` as an error.
pub async fn test_type<T>(client: &Client, sql_type: &str, cases: &[(T, &str)])
where
    T: Dump + LoadOwned + PartialEq + Debug + Sync,
{
    test_type_by(client, sql_type, cases, |a, b| a == b).await
}

/// [`test_type`] with a custom equality (NaN, normalised forms).
pub async fn test_type_by<T>(
    client: &Client,
    sql_type: &str,
    cases: &[(T, &str)],
    eq: impl Fn(&T, &T) -> bool,
) where
    T: Dump + LoadOwned + Debug + Sync,
{
    for (value, literal) in cases {
        let what = format!("{literal}::{sql_type} as {}", std::any::type_name::<T>());

        // 1. binary result
        let sql = format!("SELECT {literal}::{sql_type}");
        let row = client
            .query_one(&format!("{sql}, ({literal}::{sql_type})::text"), &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let ty = row.columns()[0].type_().clone();
        let raw: Raw = row.get(0);
        let cast_text: Option<String> = row.get(1);
        let loaded = T::load_opt(&Ctx::binary(&ty), raw.0)
            .unwrap_or_else(|e| panic!("{what}: binary load: {e}"));
        assert!(
            eq(&loaded, value),
            "{what}: binary load gave {loaded:?}, expected {value:?}"
        );

        // 2. text result, as the server prints it
        let printed = server_text(client, &sql).await;
        let loaded = T::load_opt(&Ctx::text(&ty), printed.as_deref().map(str::as_bytes))
            .unwrap_or_else(|e| panic!("{what}: text load of {printed:?}: {e}"));
        assert!(
            eq(&loaded, value),
            "{what}: text load of {printed:?} gave {loaded:?}, expected {value:?}"
        );

        // 3 & 4. as a parameter in each format
        for format in [Format::Binary, Format::Text] {
            let sql = format!("SELECT $1::{sql_type}, ($1::{sql_type})::text");
            let param = Param::new(value, format);
            let row = client
                .query_one(&sql, &[&param])
                .await
                .unwrap_or_else(|e| panic!("{what}: {format:?} parameter: {e}"));
            let raw: Raw = row.get(0);
            let back = T::load_opt(&Ctx::binary(&ty), raw.0)
                .unwrap_or_else(|e| panic!("{what}: {format:?} parameter, binary load: {e}"));
            assert!(
                eq(&back, value),
                "{what}: {format:?} parameter came back as {back:?}"
            );
            let text: Option<String> = row.get(1);
            assert_eq!(
                text, cast_text,
                "{what}: {format:?} parameter reads differently on the server"
            );
        }
    }

    // 5. NULL
    let sql = format!("SELECT NULL::{sql_type}");
    let row = client
        .query_one(&sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let ty = row.columns()[0].type_().clone();
    for format in [Format::Binary, Format::Text] {
        let ctx = Ctx::new(&ty, format);
        assert_eq!(
            Option::<T>::load_opt(&ctx, None).ok().map(|v| v.is_none()),
            Some(true)
        );
        let err = T::load_opt(&ctx, None).expect_err("NULL into a non-Option type must fail");
        assert_eq!(err.kind(), pgcast::ErrorKind::UnexpectedNull, "{err}");
    }
}

/// Loads `sql`'s single value as `T` from both formats, for checks that need
/// more than equality (errors, policies).
pub async fn load_both<T: LoadOwned>(
    client: &Client,
    sql: &str,
    policy: &pgcast::Policy,
) -> [pgcast::Result<T>; 2] {
    let row = client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let ty = row.columns()[0].type_().clone();
    let raw: Raw = row.get(0);
    let binary = T::load_opt(&Ctx::binary(&ty).with_policy(policy), raw.0);
    let printed = server_text(client, sql).await;
    let text = T::load_opt(
        &Ctx::text(&ty).with_policy(policy),
        printed.as_deref().map(str::as_bytes),
    );
    [binary, text]
}

/// Our text dump of `value` as `ty`.
pub fn dumped_text<T: Dump>(value: &T, ty: &Type) -> String {
    let mut out = BytesMut::new();
    value.dump(&Ctx::text(ty), &mut out).unwrap();
    String::from_utf8(out.to_vec()).unwrap()
}

/// [`test_type`], and our text dump of each value is byte for byte what the
/// server prints for its literal.
pub async fn test_type_printed<T>(c: &Client, sql_type: &str, ty: &Type, cases: &[(T, &str)])
where
    T: Dump + LoadOwned + PartialEq + Debug + Sync,
{
    test_type(c, sql_type, cases).await;
    for (value, literal) in cases {
        let printed = server_text(c, &format!("SELECT {literal}::{sql_type}"))
            .await
            .unwrap();
        assert_eq!(dumped_text(value, ty), printed, "{literal}::{sql_type}");
    }
}

/// A tokio-postgres row (binary results) as a [`RawRow`]. It owns the row,
/// so borrowed fields borrow from the wrapper.
pub struct BinaryRow(pub tokio_postgres::Row);

impl RawRow for BinaryRow {
    fn raw(&self, index: usize) -> pgcast::Result<Option<&[u8]>> {
        self.0
            .try_get::<_, Raw>(index)
            .map(|raw| raw.0)
            .map_err(|e| Error::new(ErrorKind::MissingColumn, e.to_string()))
    }
}

/// A simple-query row (text results) as a [`RawRow`].
pub struct TextRow(pub tokio_postgres::SimpleQueryRow);

impl RawRow for TextRow {
    fn raw(&self, index: usize) -> pgcast::Result<Option<&[u8]>> {
        self.0
            .try_get(index)
            .map(|text| text.map(str::as_bytes))
            .map_err(|e| Error::new(ErrorKind::MissingColumn, e.to_string()))
    }
}
