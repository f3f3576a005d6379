//! A report whose columns and filters are chosen at run time, its rows
//! printed as JSON, one object per line.
//!
//! The columns become quoted identifiers, each filter `column OP value`
//! becomes an identifier, an operator from a fixed list and a bound value
//! (parsed into a typed Rust value first: integer, float, boolean, date or
//! text; `a|b|c` is a list matched with `= ANY($n)`). Rows come back as
//! dynamic [`Value`]s (`fetch_records`), whatever the columns' types, and
//! serialize as PostgreSQL's `to_json` would write them.
//!
//! Runs against `DATABASE_URL` when set, otherwise against a throwaway
//! server started for the occasion:
//!
//! ```text
//! cargo run --example dynamic_report
//! cargo run --example dynamic_report -- id,customer,amount 'region=eu|apac' 'amount>=300' 'placed_at<2024-01-10'
//! ```
//!
//! The first argument is a comma-separated list of columns (`*` for all),
//! the others are filters; operators: `=`, `!=`, `<`, `<=`, `>`, `>=`, `~`
//! (ILIKE). The query goes to stderr, the rows to stdout.

use std::error::Error;

use pgcast::sql::{Composable, Composed, Identifier, Sql, any, bind, bind_ref};
use pgcast::tokio_postgres::{ClientExt, PgClient};
use pgcast::{Ctx, Load, Type, Value, sql};
use time::Date;

/// The operators a filter may use, longest first so `>=` wins over `>`.
const OPERATORS: [(&str, &str); 7] = [
    (">=", " >= "),
    ("<=", " <= "),
    ("!=", " <> "),
    ("=", " = "),
    ("<", " < "),
    (">", " > "),
    ("~", " ILIKE "),
];

/// `column OP value` as SQL: the column quoted, the operator taken from
/// [`OPERATORS`] (never from the input), the value bound.
fn filter(arg: &str) -> Result<Composed<'_>, Box<dyn Error>> {
    let (at, op, sql_op) = OPERATORS
        .iter()
        .filter_map(|&(op, sql_op)| arg.find(op).map(|at| (at, op, sql_op)))
        .min_by_key(|&(at, op, _)| (at, usize::MAX - op.len()))
        .ok_or_else(|| format!("filter {arg:?} has no operator (=, !=, <, <=, >, >=, ~)"))?;
    let (column, value) = (arg[..at].trim(), arg[at + op.len()..].trim());
    let lhs = Identifier::new(column.to_owned()) + Sql::new(sql_op);
    if value.contains('|') && op == "=" {
        let items: Vec<&str> = value.split('|').collect();
        let ints: Result<Vec<i64>, _> = items.iter().map(|v| v.parse::<i64>()).collect();
        let list = match ints {
            Ok(ints) => any(ints),
            Err(_) => any(items.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
        };
        return Ok(Identifier::new(column.to_owned()) + Sql::new(" = ") + list);
    }
    Ok(if let Ok(v) = value.parse::<i64>() {
        lhs + bind(v)
    } else if let Ok(v) = value.parse::<f64>() {
        lhs + bind(v)
    } else if let Ok(v) = value.parse::<bool>() {
        lhs + bind(v)
    } else if let Ok(v) = Date::load(&Ctx::text(&Type::DATE), value.as_bytes()) {
        lhs + bind(v) // parsed by pgcast's own loader for the server's date text
    } else {
        lhs + bind_ref(value) // borrowed from the argument: nothing copied
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let columns = args
        .first()
        .map_or("id,customer,region,amount,placed_at,tags", |s| s);
    let filters: Vec<&str> = match args.get(1..) {
        Some(rest) if !rest.is_empty() => rest.iter().map(String::as_str).collect(),
        _ => vec!["region=eu|us", "amount>=400", "placed_at<2024-01-15"],
    };

    let db = pgcast_tempdb::shared()?;
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let client = PgClient::new(client);
    client
        .batch_execute(
            "CREATE TEMP TABLE orders AS
             SELECT i AS id,
                    (ARRAY['ada', 'brian', 'chen', 'dana'])[1 + i % 4] AS customer,
                    (ARRAY['eu', 'us', 'apac'])[1 + i % 3] AS region,
                    round((i * 37 % 500)::numeric + 0.99, 2) AS amount,
                    timestamptz '2024-01-01 00:00Z' + i * interval '7 hours' AS placed_at,
                    i % 5 = 0 AS gift,
                    CASE WHEN i % 2 = 0 THEN ARRAY['new'] ELSE ARRAY['new', 'repeat'] END AS tags
             FROM generate_series(1, 200) AS i",
        )
        .await?;

    let select = if columns == "*" {
        Sql::new("*").into_composed()
    } else {
        Sql::join(
            ", ",
            columns
                .split(',')
                .map(|c| Identifier::new(c.trim().to_owned())),
        )
    };
    let filters = filters
        .iter()
        .map(|f| filter(f))
        .collect::<Result<Vec<_>, _>>()?;
    let filters = if filters.is_empty() {
        Sql::new("true").into_composed()
    } else {
        Sql::join(" AND ", filters)
    };
    let query = sql!("SELECT {select:q} FROM orders WHERE {filters:q} ORDER BY 1");
    // For display, values inlined; the query itself goes with them bound.
    eprintln!("-- {}", query.render_inline()?);

    let records = client.fetch_records(&query).await?;
    for record in &records {
        // One JSON object per row, its keys in the columns' order.
        let mut fields = Vec::with_capacity(record.len());
        for (column, value) in record.columns().iter().zip(record.values()) {
            let value: &Value = value;
            let name = serde_json::to_string(&column.name)?;
            fields.push(format!("{name}:{}", serde_json::to_string(value)?));
        }
        println!("{{{}}}", fields.join(","));
    }
    eprintln!("-- {} rows", records.len());
    Ok(())
}
