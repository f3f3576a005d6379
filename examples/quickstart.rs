//! The front door: a row type, a table, rows in with one `INSERT … SELECT
//! … FROM UNNEST(…)`, a query composed from names chosen at run time, typed
//! rows out.
//!
//! Shows `#[derive(FromRow, ToRow)]`, `Insert::rows`, `sql!` with identifier holes (`{x:i}`),
//! a bound value (`{x}`) and a named placeholder filled with `Composed::with`,
//! `query_as`, safe quoting of a hostile name, and a typed error for a bad
//! value. Runs against `DATABASE_URL` when set, otherwise against a
//! throwaway server started for the occasion:
//!
//! ```text
//! cargo run --example quickstart                     # sorted by moons, ascending
//! cargo run --example quickstart -- radius_km desc   # any column, asc or desc
//! ```

use std::error::Error;

use pgcast::sql::{Insert, Placeholder, Sql};
use pgcast::tokio_postgres::{ClientExt, PgClient};
use pgcast::{FromRow, ToRow, sql};

#[derive(FromRow, ToRow, Debug)]
struct Planet {
    name: String,
    moons: i32,
    radius_km: f64,
    discovered: Option<i32>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    // The sort column and order come from the command line: untrusted input.
    let mut args = std::env::args().skip(1);
    let column = args.next().unwrap_or_else(|| "moons".to_owned());
    let order = match args.next().as_deref() {
        Some("desc" | "DESC") => Sql::new("DESC"),
        _ => Sql::new("ASC"),
    };
    let db = pgcast_tempdb::shared()?;
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let client = PgClient::new(client);
    client
        .exec(
            &Sql::new("CREATE TEMP TABLE planets (name text PRIMARY KEY, moons int4 NOT NULL, radius_km float8 NOT NULL, discovered int4)")
)
        .await?;

    // Rows in: one statement, one array parameter per column, whatever the
    // number of rows.
    let planets: Vec<Planet> = [
        ("Mercury", 0, 2439.7, None),
        ("Venus", 0, 6051.8, None),
        ("Earth", 1, 6371.0, None),
        ("Mars", 2, 3389.5, None),
        ("Jupiter", 95, 69911.0, None),
        ("Saturn", 146, 58232.0, None),
        ("Uranus", 28, 25362.0, Some(1781)),
        ("Neptune", 16, 24622.0, Some(1846)),
    ]
    .map(|(name, moons, radius_km, discovered)| Planet {
        name: name.into(),
        moons,
        radius_km,
        discovered,
    })
    .into();
    let inserted = client.exec(&Insert::rows("planets", &planets)?).await?;
    println!("inserted {inserted} planets");

    // A query from run-time names: identifiers are quoted, values are bound
    // ($1), and `min_moons` is a named placeholder supplied at execution.
    let max_radius = 30_000.0_f64;
    let query = sql!(
        "SELECT * FROM planets WHERE radius_km < {max_radius} AND moons >= {min_moons} \
         ORDER BY {column:i} {order:q}, name",
        min_moons = Placeholder::named("min_moons"),
    );
    println!("query: {}", query.render()?.text());
    let found: Vec<Planet> = client.fetch_all(&query.with("min_moons", 1)).await?;
    println!(
        "\n{:<8} {:>5} {:>10} {:>10}",
        "name", "moons", "radius_km", "discovered"
    );
    for p in &found {
        let discovered = p.discovered.map_or("-".to_owned(), |y| y.to_string());
        println!(
            "{:<8} {:>5} {:>10.1} {:>10}",
            p.name, p.moons, p.radius_km, discovered
        );
    }

    // A hostile name is only ever an identifier: quoted, never spliced.
    let hostile = "name\" FROM planets; DROP TABLE planets; --";
    println!(
        "\nhostile identifier renders as: {}",
        sql!("SELECT {hostile:i} FROM planets").render()?.text()
    );

    // A bad value is a typed error before anything reaches the server.
    let bad = String::from("Pluto\0");
    let insert = sql!("INSERT INTO planets VALUES ({bad}, 5, 1188.3, 1930)");
    match client.exec(&insert).await {
        Err(e) => println!("bad value, {:?}: {e}", e.kind()),
        Ok(_) => return Err("a NUL byte was accepted".into()),
    }
    let count: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM planets"))
        .await?;
    println!("still {count} planets");
    Ok(())
}
