//! pgcast as a sqlx user meets it: the `PgPool` the application already
//! has, its `#[derive(sqlx::Type, sqlx::FromRow)]` types and its
//! `sqlx::query_as` calls stay; pgcast's verbs come beside them on the same
//! pool, connections and transactions (`pgcast::sqlx`, feature `sqlx`).
//!
//! Shows `sqlx::query_as` and `pool.fetch_all` on the same table, `sql!`
//! with an identifier chosen at run time and bound values, a struct deriving
//! both `FromRow`s, a PostgreSQL enum registered by name on every pooled
//! connection (`after_connect` + `register_types`), plain strings against
//! the enum column, both libraries in one transaction, dynamic records, and
//! sqlx's own `Encode` / `FromRow` used through pgcast (`SqlxValue`, `SqlxExt`).
//! Runs against `DATABASE_URL` when set, otherwise against a throwaway
//! server started for the occasion:
//!
//! ```text
//! cargo run --example sqlx                 # sorted by id
//! cargo run --example sqlx -- title        # any column, as an identifier
//! ```

use std::error::Error;
use std::str::FromStr;

use futures_util::TryStreamExt;
use pgcast::sql::Sql;
use pgcast::sqlx::{ClientExt, PoolExt, SqlxExt, SqlxValue};
use pgcast::{FromRow, PgEnum, sql};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
// Not `use sqlx::Executor`: its `fetch_all` / `fetch_one` / `execute` on
// `&PgPool` would clash with pgcast's verbs of the same names.

/// The application's enum, as sqlx knows it, and as pgcast does.
#[derive(sqlx::Type, PgEnum, Debug, Clone, Copy, PartialEq)]
#[sqlx(type_name = "status", rename_all = "snake_case")]
#[pg(name = "status", rename_all = "snake_case")]
enum Status {
    Open,
    InProgress,
    Closed,
}

/// One row type for both: sqlx's derive reads columns by name per row,
/// pgcast's plans the columns once per statement.
#[derive(sqlx::FromRow, FromRow, Debug)]
struct Ticket {
    id: i64,
    title: String,
    status: Status,
    tags: Vec<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    // The sort column comes from the command line: untrusted input.
    let sort = std::env::args().nth(1).unwrap_or_else(|| "id".to_owned());
    let db = pgcast_tempdb::shared()?;
    // Everything lives in a schema of its own, first on the search_path.
    let options = PgConnectOptions::from_str(db.url())?.options([("search_path", "sqlx_example")]);

    // The migrations, with sqlx as usual.
    let mut setup = options.connect().await?;
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS sqlx_example CASCADE;
         CREATE SCHEMA sqlx_example;
         CREATE TYPE sqlx_example.status AS ENUM ('open', 'in_progress', 'closed');
         CREATE TABLE sqlx_example.tickets (id int8 PRIMARY KEY, title text NOT NULL,
             status sqlx_example.status NOT NULL, tags text[] NOT NULL DEFAULT '{}');",
    )
    .execute(&mut setup)
    .await?;
    setup.close().await?;

    // The application's pool. `status` has no fixed OID: each new physical
    // connection looks it up by name once, up front, into that connection's
    // pgcast session, which every later checkout of it finds again.
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .after_connect(|conn: &mut PgConnection, _| {
            Box::pin(async move {
                conn.register_types(["status"])
                    .await
                    .map_err(|e| sqlx::Error::Configuration(e.into()))?;
                Ok(())
            })
        })
        .connect_with(options)
        .await?;

    // Rows in with sqlx, binding the enum through its sqlx::Type...
    for (id, title, status, tags) in [
        (1_i64, "Login fails", Status::Open, vec!["auth"]),
        (
            2,
            "Slow report",
            Status::InProgress,
            vec!["perf", "reports"],
        ),
        (3, "Typo on home page", Status::Closed, vec![]),
        (4, "Export to CSV", Status::Open, vec!["reports"]),
    ] {
        sqlx::query("INSERT INTO tickets (id, title, status, tags) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(title)
            .bind(status)
            .bind(tags)
            .execute(&pool)
            .await?;
    }
    // ...and one with pgcast, binding the same enum through PgEnum.
    let (id, title, status, tags) = (5_i64, "Dark mode", Status::Open, vec!["ui"]);
    let n = pool
        .exec(&sql!(
            "INSERT INTO tickets (id, title, status, tags) VALUES ({id}, {title}, {status}, {tags})"
        ))
        .await?;
    println!("inserted 4 rows with sqlx, {n} with pgcast");

    // The same query, both ways, into the same struct.
    let with_sqlx: Vec<Ticket> =
        sqlx::query_as("SELECT id, title, status, tags FROM tickets WHERE status = $1 ORDER BY id")
            .bind(Status::Open)
            .fetch_all(&pool)
            .await?;
    let open = Status::Open;
    let with_pgcast: Vec<Ticket> = pool
        .fetch_all(&sql!(
            "SELECT id, title, status, tags FROM tickets WHERE status = {open} ORDER BY id"
        ))
        .await?;
    let ids = |ts: &[Ticket]| ts.iter().map(|t| t.id).collect::<Vec<_>>();
    println!("open, sqlx::query_as: {:?}", ids(&with_sqlx));
    println!("open, pgcast fetch_all: {:?}", ids(&with_pgcast));

    // A column named at run time is an identifier, quoted; values are bound.
    let min_id = 2_i64;
    let q = sql!("SELECT * FROM tickets WHERE id >= {min_id} ORDER BY {sort:i}, id");
    println!("\n{}", q.render()?.text());
    let tickets: Vec<Ticket> = pool.fetch_all(&q).await?;
    for t in &tickets {
        println!(
            "{:>2}  {:<18} {:<11} {}",
            t.id,
            t.title,
            format!("{:?}", t.status),
            t.tags.join(",")
        );
    }

    // A string against the enum column: sqlx sends it as text, which the
    // server will not compare with an enum; pgcast sends strings untyped,
    // so the server reads it as the column's type.
    let wanted = "in_progress";
    match sqlx::query_scalar::<_, i64>("SELECT count(*) FROM tickets WHERE status = $1")
        .bind(wanted)
        .fetch_one(&pool)
        .await
    {
        Err(e) => println!("\nstring against the enum, sqlx: {e}"),
        Ok(n) => println!("\nstring against the enum, sqlx: {n}"),
    }
    let n: i64 = pool
        .fetch_scalar(&sql!(
            "SELECT count(*) FROM tickets WHERE status = {wanted}"
        ))
        .await?;
    println!("string against the enum, pgcast: {n}");

    // One transaction, both libraries: pgcast's verbs on sqlx's Transaction.
    let mut tx = pool.begin().await?;
    let closed = Status::Closed;
    let moved = tx
        .exec(&sql!(
            "UPDATE tickets SET status = {closed} WHERE 'reports' = ANY(tags)"
        ))
        .await?;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE status <> 'closed'")
        .fetch_one(&mut *tx)
        .await?;
    tx.rollback().await?;
    println!("\nclosed {moved} in a transaction ({left} not closed inside it), rolled back");

    // Dynamic records, no row type: an array of the enum, an array of int8.
    let records = pool
        .fetch_records(&Sql::new(
            "SELECT array_agg(status ORDER BY id) AS statuses, array_agg(id ORDER BY id) AS ids \
             FROM tickets",
        ))
        .await?;
    println!(
        "as dynamic values: {}",
        serde_json::to_string(records[0].values())?
    );

    // Rows as a stream, decoded as they arrive, on a checked-out connection.
    let mut conn = pool.acquire().await?;
    let titles: Vec<String> = conn
        .fetch_stream::<(String,)>(&Sql::new("SELECT title FROM tickets ORDER BY id"))
        .await?
        .map_ok(|(t,)| t)
        .try_collect()
        .await?;
    println!(
        "\nstreamed {} titles, the last: {}",
        titles.len(),
        titles[4]
    );

    // sqlx's own impls through pgcast: a value bound by its sqlx::Encode
    // (SqlxValue), rows decoded by sqlx's FromRow (SqlxExt), with a
    // composed query.
    let closed = SqlxValue(Status::Closed);
    let by_sqlx: Vec<Ticket> = conn
        .fetch_all_sqlx(&sql!(
            "SELECT id, title, status, tags FROM tickets WHERE status <> {closed} ORDER BY id"
        ))
        .await?;
    println!("not closed, decoded by sqlx: {:?}", ids(&by_sqlx));
    drop(conn);

    pool.exec(&Sql::new("DROP SCHEMA sqlx_example CASCADE"))
        .await?;
    pool.close().await;
    Ok(())
}
