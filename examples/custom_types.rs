//! PostgreSQL types beyond the built-in scalars, as Rust types: a composite
//! (`#[derive(PgComposite)]`), an enum (`#[derive(PgEnum)]`), `jsonb`
//! through `Json<T>`, `numeric` exact (`Numeric`) or as `f64` when a scope's
//! policy says so (`NumericPolicy::Float`), and the `hstore` extension type,
//! whose OID differs per database, registered by name on the connection
//! (`register_types`).
//!
//! Runs against `DATABASE_URL` when set (it needs the contrib `hstore`
//! extension, or the right to create it), otherwise against a throwaway
//! server started for the occasion:
//!
//! ```text
//! cargo run --example custom_types
//! ```

use std::collections::HashMap;
use std::error::Error;

use pgcast::sql::{Identifier, Sql};
use pgcast::tokio_postgres::{ClientExt, CopyExt, PgClient};
use pgcast::types::{Json, Numeric};
use pgcast::{FromRow, NumericPolicy, PgComposite, PgEnum, Policy, ToRow, sql};
use serde::{Deserialize, Serialize};

/// `CREATE TYPE mood AS ENUM ('happy', 'ok', 'sad')`: variants are labels.
#[derive(PgEnum, Debug, Clone, Copy, PartialEq)]
#[pg(rename_all = "lowercase")]
enum Mood {
    Happy,
    Ok,
    Sad,
}

/// `CREATE TYPE address AS (…)`: fields match attributes by name, in any order.
#[derive(PgComposite, Debug, Clone)]
struct Address {
    city: String,
    street: String,
    zip: Option<String>,
}

/// Any serde type, stored as `jsonb`.
#[derive(Serialize, Deserialize, Debug, Clone)]
struct Prefs {
    theme: String,
    notify: bool,
}

#[derive(FromRow, ToRow, Debug)]
struct Person {
    name: String,
    mood: Mood,
    home: Address,
    prefs: Json<Prefs>,
    balance: Numeric,
    attrs: HashMap<String, Option<String>>,
}

fn person(
    name: &str,
    mood: Mood,
    city: &str,
    theme: &str,
    balance: &str,
) -> Result<Person, Box<dyn Error>> {
    let attrs = [
        (
            "lang",
            Some(name.chars().take(2).collect::<String>().to_lowercase()),
        ),
        ("nick", None),
    ];
    Ok(Person {
        name: name.to_owned(),
        mood,
        home: Address {
            city: city.to_owned(),
            street: format!("1 {name} Way"),
            zip: None,
        },
        prefs: Json(Prefs {
            theme: theme.to_owned(),
            notify: mood != Mood::Sad,
        }),
        balance: balance.parse()?,
        attrs: attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let db = pgcast_tempdb::shared()?;
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let client = PgClient::new(client);
    // The types live in this session's temporary schema; the extension is
    // per database (the advisory lock keeps concurrent runs from colliding).
    client
        .batch_execute(
            "BEGIN;
             SELECT pg_advisory_xact_lock(7470001);
             CREATE EXTENSION IF NOT EXISTS hstore;
             COMMIT;
             CREATE TYPE pg_temp.mood AS ENUM ('happy', 'ok', 'sad');
             CREATE TYPE pg_temp.address AS (street text, city text, zip text);
             CREATE TEMP TABLE people (name text PRIMARY KEY, mood pg_temp.mood,
                 home pg_temp.address, prefs jsonb, balance numeric, attrs hstore);",
        )
        .await?;
    // hstore has no fixed OID: find it by name, for this connection only.
    let registered = client.register_types(["hstore"]).await?;
    println!("registered hstore as OID {}", registered[0].oid());

    let people = [
        person(
            "Ada",
            Mood::Happy,
            "London",
            "dark",
            "1234567890.123456789012",
        )?,
        person("Grace", Mood::Ok, "Arlington", "light", "-42.5")?,
        person("Linus", Mood::Sad, "Portland", "dark", "0.1")?,
    ];
    let n = client
        .copy_in_rows(&Identifier::new("people"), people)
        .await?;
    println!("copied {n} people in (binary COPY: enum, composite, jsonb, numeric, hstore)\n");

    // Parameters of custom types: the server declares them, pgcast writes them.
    let (mood, attrs) = (
        Mood::Happy,
        HashMap::from([("lang".to_owned(), Some("li".to_owned()))]),
    );
    let q = sql!("SELECT * FROM people WHERE mood = {mood} OR attrs @> {attrs} ORDER BY name");
    let found: Vec<Person> = client.fetch_all(&q).await?;
    for p in &found {
        let lang = p.attrs.get("lang").cloned().flatten().unwrap_or_default();
        println!(
            "{:<6} {:<6} {:<10} theme={:<6} notify={:<5} lang={lang} balance={}",
            p.name,
            format!("{:?}", p.mood),
            p.home.city,
            p.prefs.theme,
            p.prefs.notify,
            p.balance,
        );
    }

    // numeric: exact by default; f64 is refused as lossy...
    let total = Sql::new("SELECT sum(balance) FROM people");
    let exact: Numeric = client.fetch_scalar(&total).await?;
    println!("\nsum(balance) as Numeric: {exact}");
    match client.fetch_scalar::<f64>(&total).await {
        Err(e) => println!("sum(balance) as f64, default policy: {e}"),
        Ok(v) => return Err(format!("numeric loaded as f64 ({v}) without a policy").into()),
    }
    // ...unless this connection's scope says numeric may load as f64.
    client.pg_session().configure(|scope| {
        scope.set_policy(Policy {
            numeric: NumericPolicy::Float,
            ..Policy::DEFAULT
        });
    });
    let approx: f64 = client.fetch_scalar(&total).await?;
    println!("sum(balance) as f64 under NumericPolicy::Float: {approx}");

    // Dynamic values know the registered hstore too.
    let records = client
        .fetch_records(&Sql::new(
            "SELECT name, mood, prefs, attrs, (home).city FROM people ORDER BY name LIMIT 1",
        ))
        .await?;
    for r in &records {
        println!(
            "\nas dynamic values: {}",
            serde_json::to_string(r.values())?
        );
    }
    Ok(())
}
