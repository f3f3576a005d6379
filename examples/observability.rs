//! Observability: a span per statement (feature `tracing`), a query logger
//! with redacted values, a slow-query report with its plan, and
//! SQLCommenter tags the server sees.
//!
//! Spans go to a tiny subscriber that prints each one to the terminal when
//! it closes (an application would use `tracing-subscriber` or
//! `tracing-opentelemetry`); the logger prints one line per statement.
//! Runs against `DATABASE_URL` when set, otherwise against a throwaway
//! server. `cargo run --example observability`.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pgcast::exec::{LogValues, Redacted, Tags};
use pgcast::sql::Sql;
use pgcast::tokio_postgres::{ClientExt, PgClient, server_info};
use pgcast::{Type, sql};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing::subscriber::set_global_default(Printer::default())?;

    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => pgcast_tempdb::shared()?.url().to_owned(),
    };
    let config: tokio_postgres::Config = url.parse()?;
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let client = PgClient::new(client);
    let session = client.pg_session();
    session.set_server(server_info(&config));
    session.set_tags(Tags::new().with("application", "observability-example"));
    session.set_log_values(Some(LogValues::redacted().show(Type::INT4)));
    session.set_logger(|log| {
        println!(
            "log: {} rows={} {:?} strategy={} outcome={:?}{}",
            log.statement.unwrap_or(log.text),
            log.rows,
            log.duration,
            log.strategy.map_or("-", |s| s.as_str()),
            log.outcome,
            if log.slow { " SLOW" } else { "" },
        );
    });

    client
        .exec(&Sql::new(
            "CREATE TEMP TABLE users (id int4 PRIMARY KEY, email text, password text)",
        ))
        .await?;
    for id in 1..=3_i32 {
        let email = format!("user{id}@example.com");
        let password = Redacted(format!("secret-{id}"));
        client
            .exec(&sql!(
                "INSERT INTO users VALUES ({id}, {email}, {password})"
            ))
            .await?;
    }
    let failed = client.exec(&Sql::new("SELECT 1 / 0")).await;
    println!("failed as expected: {}", failed.is_err());
    let min = 2_i32;
    let emails: Vec<String> = client
        .tagged(Tags::new().with("route", "/users/{id}"))
        .fetch_all(&sql!(
            "SELECT email FROM users WHERE id >= {min} ORDER BY id"
        ))
        .await?;
    println!("emails: {emails:?}");
    let seen: String = client
        .fetch_scalar(&Sql::new("SELECT current_query()"))
        .await?;
    println!("the server saw: {seen}");

    // every statement from now on is slow: reported with its plan
    session.set_slow_threshold(Some(Duration::ZERO));
    session.set_explain_slow(true);
    let n: i64 = client
        .fetch_scalar(&sql!("SELECT count(*) FROM users WHERE id <> {min}"))
        .await?;
    println!("count: {n}");
    Ok(())
}

/// Prints each span when it closes, indented under its parent, with its
/// fields and duration; events as they come.
#[derive(Default)]
struct Printer {
    next: AtomicU64,
    spans: Mutex<BTreeMap<u64, Open>>,
    stack: Mutex<Vec<u64>>,
}

struct Open {
    name: &'static str,
    refs: usize,
    depth: usize,
    fields: Vec<(String, String)>,
    start: Instant,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Printer {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let parent = attrs
            .parent()
            .map(Id::into_u64)
            .or_else(|| self.stack.lock().ok()?.last().copied());
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        let depth = parent
            .and_then(|p| spans.get(&p))
            .map_or(0, |p| p.depth + 1);
        let mut open = Open {
            name: attrs.metadata().name(),
            refs: 1,
            depth,
            fields: Vec::new(),
            start: Instant::now(),
        };
        attrs.record(&mut Fields(&mut open.fields));
        spans.insert(id, open);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = spans.get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut open.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "event {} {}: {}",
            event.metadata().level(),
            event.metadata().target(),
            fields.join(" ")
        );
    }

    fn enter(&self, span: &Id) {
        if let Ok(mut stack) = self.stack.lock() {
            stack.push(span.into_u64());
        }
    }

    fn exit(&self, span: &Id) {
        if let Ok(mut stack) = self.stack.lock()
            && let Some(i) = stack.iter().rposition(|s| *s == span.into_u64())
        {
            stack.remove(i);
        }
    }

    fn clone_span(&self, span: &Id) -> Id {
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = spans.get_mut(&span.into_u64()) {
            open.refs += 1;
        }
        span.clone()
    }

    fn try_close(&self, span: Id) -> bool {
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        let last = spans.get_mut(&span.into_u64()).is_some_and(|open| {
            open.refs -= 1;
            open.refs == 0
        });
        if !last {
            return false;
        }
        if let Some(open) = spans.remove(&span.into_u64()) {
            let fields: Vec<String> = open
                .fields
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            println!(
                "{}span {} {:?} {{{}}}",
                "  ".repeat(open.depth),
                open.name,
                open.start.elapsed(),
                fields.join(", ")
            );
        }
        true
    }
}
