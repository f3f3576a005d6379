//! The quickstart's basics without async: the blocking `postgres` crate
//! through `pgcast-postgres`. A derived row type, rows in with one
//! `INSERT … SELECT … FROM UNNEST(…)`, a query composed from a run-time column name with a bound value
//! and a named placeholder, typed rows out (all at once, as an iterator, and
//! from a server-side cursor in batches), and a transaction rolled back.
//!
//! Runs against `DATABASE_URL` when set, otherwise against a throwaway
//! server started for the occasion:
//!
//! ```text
//! cargo run --example sync                 # sorted by moons
//! cargo run --example sync -- radius_km    # by any column
//! ```

use std::error::Error;

use pgcast::postgres::{ClientExt, PgClient, TransactionEnd, TransactionExt};
use pgcast::sql::{Insert, Placeholder, Sql};
use pgcast::{FromRow, ToRow, sql};

#[derive(FromRow, ToRow, Debug)]
struct Planet {
    name: String,
    moons: i32,
    radius_km: f64,
}

fn main() -> Result<(), Box<dyn Error>> {
    let column = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "moons".to_owned());
    let db = pgcast_tempdb::shared()?;
    let mut client = PgClient::new(postgres::Client::connect(db.url(), postgres::NoTls)?);
    client.exec(
        Sql::new("CREATE TEMP TABLE planets (name text PRIMARY KEY, moons int4 NOT NULL, radius_km float8 NOT NULL)")
)?;

    let planets = [
        ("Mercury", 0, 2439.7),
        ("Venus", 0, 6051.8),
        ("Earth", 1, 6371.0),
        ("Mars", 2, 3389.5),
        ("Jupiter", 95, 69911.0),
        ("Saturn", 146, 58232.0),
        ("Uranus", 28, 25362.0),
        ("Neptune", 16, 24622.0),
    ];
    let planets = planets.map(|(name, moons, radius_km)| Planet {
        name: name.into(),
        moons,
        radius_km,
    });
    let n = client.exec(&Insert::rows("planets", &planets)?)?;
    println!("inserted {n} planets");

    let max_radius = 30_000.0_f64;
    let query = sql!(
        "SELECT * FROM planets WHERE radius_km < {max_radius} AND moons >= {min_moons} ORDER BY {column:i}, name",
        min_moons = Placeholder::named("min_moons"),
    );
    println!("query: {}", query.render()?.text());
    let found: Vec<Planet> = client.fetch_all(query.with("min_moons", 1))?;
    for p in &found {
        println!(
            "  {:<8} {:>4} moons {:>9.1} km",
            p.name, p.moons, p.radius_km
        );
    }

    // Rows decoded one at a time as they are read.
    let mut total_moons = 0_i64;
    for row in client.fetch_iter::<(String, i32)>(&Sql::new("SELECT name, moons FROM planets"))? {
        total_moons += i64::from(row?.1);
    }
    println!("moons in all: {total_moons}");

    // A transaction: a cursor read in batches, then a change rolled back.
    let mut tx = client.pg_transaction()?;
    let mut cursor =
        tx.cursor::<Planet>(&Sql::new("SELECT * FROM planets ORDER BY radius_km DESC"))?;
    let mut batch = 1;
    loop {
        let planets = cursor.fetch_many(3)?;
        if planets.is_empty() {
            break;
        }
        let names: Vec<&str> = planets.iter().map(|p| p.name.as_str()).collect();
        println!("cursor batch {batch}: {}", names.join(", "));
        batch += 1;
    }
    cursor.close()?;
    let deleted = tx.exec(&sql!("DELETE FROM planets WHERE moons = {}", 0_i32))?;
    tx.rollback()?;
    let left: i64 = client.fetch_scalar(Sql::new("SELECT count(*) FROM planets"))?;
    println!("deleted {deleted} in a transaction, rolled back: {left} planets left");
    Ok(())
}
