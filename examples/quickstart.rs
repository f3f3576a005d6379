//! The front door: values of many PostgreSQL types loaded by pgcast from the
//! server's binary and text output, and sent back as parameters.
//!
//! Runs against `DATABASE_URL` when set, otherwise against a throwaway
//! server started for the occasion:
//!
//! ```text
//! cargo run --example quickstart
//! ```

use pgcast::bridge::{Param, Raw};
use pgcast::{Adapters, Ctx, Format, Value};
use tokio_postgres::{NoTls, SimpleQueryMessage};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = pgcast_tempdb::shared()?;
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls).await?;
    tokio::spawn(connection);
    println!("connected to {}\n", db.url());

    // One row of many types; each column is loaded into the dynamic Value
    // from the binary result and from the text the server prints.
    let select = "SELECT true AS bool, 42::int2 AS int2, -7::int4 AS int4, \
                  9223372036854775807::int8 AS int8, 'héllo 🐘'::text AS text, \
                  'x'::varchar AS varchar, '\\x00ff'::bytea AS bytea, 'pg_class'::name AS name";
    let row = client.query_one(select, &[]).await?;
    let printed: Vec<Option<String>> = client
        .simple_query(select)
        .await?
        .into_iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .unwrap_or_default();
    let adapters = Adapters::global();
    println!(
        "{:<8} {:<10} {:<30} {:<30}",
        "column", "type", "binary → Value", "text → Value"
    );
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let loader = adapters.value_loader(ty);
        let raw: Raw = row.get(i);
        let from_binary = loader.load(&Ctx::new(ty, Format::Binary), raw.0)?;
        let text: Option<&String> = printed.get(i).and_then(Option::as_ref);
        let from_text = loader.load(&Ctx::new(ty, Format::Text), text.map(|t| t.as_bytes()))?;
        assert_eq!(from_binary, from_text, "both formats load the same value");
        println!(
            "{:<8} {:<10} {:<30} {:<30}",
            column.name(),
            ty.name(),
            format!("{from_binary:?}"),
            serde_json::to_string(&from_text)?
        );
    }

    // Rust values as parameters, in either format, with range checks.
    let row = client
        .query_one(
            "SELECT $1::int4 + 1, $2::text || '!'",
            &[&Param::new(&41_i64, Format::Text), &Param::binary(&"hi")],
        )
        .await?;
    let (n, s): (i32, String) = (row.get(0), row.get(1));
    println!("\nparameters: 41 (sent as text) + 1 = {n}, \"hi\" (binary) || '!' = {s:?}");

    let too_big = client
        .query_one("SELECT $1::int2", &[&Param::binary(&70_000_i64)])
        .await
        .expect_err("70000 does not fit in int2");
    println!(
        "a range-checked parameter: {}",
        std::error::Error::source(&too_big).map_or(too_big.to_string(), |e| e.to_string())
    );
    let value: Value = adapters
        .value_loader(&pgcast::Type::INT4)
        .load(&Ctx::text(&pgcast::Type::INT4), Some(b"7"))?;
    println!(
        "dynamic values serialize: {}",
        serde_json::to_string(&vec![value, Value::Null])?
    );
    Ok(())
}
