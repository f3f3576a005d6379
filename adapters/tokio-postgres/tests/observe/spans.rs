//! Observation through the execution core: spans (captured by a small
//! subscriber), the query logger, redaction, slow-query reports with plans,
//! SQLCommenter tags seen by the server.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pgcast::exec::{ErrorKind, LogValues, Outcome, Redacted, ServerInfo, Strategy, Tags};
use pgcast::sql::Sql;
use pgcast::{Type, sql};
use pgcast_tokio_postgres::{ClientExt, PgClient};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::connect;

/// Tracing caches per call site whether anyone listens: a test without a
/// subscriber running beside one with a subscriber would teach it "no one".
/// These tests take turns.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A span or an event as the subscriber saw it.
#[derive(Clone, Debug, Default)]
struct Seen {
    name: String,
    level: String,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Records every span (with the fields recorded later) and event.
#[derive(Default)]
struct Capture {
    next: AtomicU64,
    spans: Mutex<BTreeMap<u64, Seen>>,
    events: Mutex<Vec<Seen>>,
    stack: Mutex<Vec<u64>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Capture {
    fn current(&self) -> Option<u64> {
        self.stack.lock().unwrap().last().copied()
    }

    fn spans(&self, name: &str) -> Vec<(u64, Seen)> {
        let spans = self.spans.lock().unwrap();
        spans
            .iter()
            .filter(|(_, s)| s.name == name)
            .map(|(id, s)| (*id, s.clone()))
            .collect()
    }
}

#[derive(Clone, Default)]
struct Shared(Arc<Capture>);

impl Subscriber for Shared {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut seen = Seen {
            name: attrs.metadata().name().to_owned(),
            level: attrs.metadata().level().to_string(),
            parent: attrs
                .parent()
                .map(Id::into_u64)
                .or_else(|| attrs.is_contextual().then(|| self.0.current()).flatten()),
            ..Seen::default()
        };
        attrs.record(&mut Fields(&mut seen.fields));
        self.0.spans.lock().unwrap().insert(id, seen);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(seen) = self.0.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut seen.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut seen = Seen {
            name: event.metadata().target().to_owned(),
            level: event.metadata().level().to_string(),
            parent: event
                .parent()
                .map(Id::into_u64)
                .or_else(|| self.0.current()),
            ..Seen::default()
        };
        event.record(&mut Fields(&mut seen.fields));
        self.0.events.lock().unwrap().push(seen);
    }

    fn enter(&self, span: &Id) {
        self.0.stack.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut stack = self.0.stack.lock().unwrap();
        if let Some(i) = stack.iter().rposition(|s| *s == span.into_u64()) {
            stack.remove(i);
        }
    }
}

/// What a logger saw, owned.
#[derive(Clone, Debug)]
struct Logged {
    text: String,
    rows: u64,
    bytes: u64,
    outcome: Outcome,
    strategy: Option<Strategy>,
    values: Option<Vec<String>>,
    statement: Option<String>,
    slow: bool,
    plan: Option<String>,
}

fn logging(client: &PgClient<tokio_postgres::Client>) -> Arc<Mutex<Vec<Logged>>> {
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&logs);
    client.pg_session().set_logger(move |log| {
        sink.lock().unwrap().push(Logged {
            text: log.text.to_owned(),
            bytes: log.bytes,
            rows: log.rows,
            outcome: log.outcome.clone(),
            strategy: log.strategy,
            values: log.values.map(<[String]>::to_vec),
            statement: log.statement.map(str::to_owned),
            slow: log.slow,
            plan: log.plan.map(str::to_owned),
        });
    });
    logs
}

#[tokio::test]
async fn obs_spans_follow_the_database_conventions() {
    let _turn = SERIAL.lock().await;
    let capture = Shared::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // Another test's thread, without a subscriber, may have met a callsite
    // first and had it cached as never enabled.
    tracing::callsite::rebuild_interest_cache();
    let client = PgClient::new(connect().await);
    client.pg_session().set_server(ServerInfo::new(
        Some("pgcast_test".into()),
        Some("localhost".into()),
        Some(5432),
    ));
    let secret = String::from("s3cr3t-value");
    let rows: Vec<(i32, String)> = client
        .fetch_all(&sql!(
            "SELECT g, {secret} FROM generate_series(1, 3) AS g WHERE g > {min}",
            min = 0_i32
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let err = client
        .fetch_scalar::<i32>(&Sql::new("SELECT 1 / 0"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("22012"));

    let queries = capture.0.spans("pgcast.query");
    assert_eq!(queries.len(), 2, "the select and the failure: {queries:#?}");
    let (select_id, select) = queries
        .iter()
        .find(|(_, s)| {
            s.field("db.query.text")
                .is_some_and(|t| t.contains("generate_series"))
        })
        .expect("the select's span");
    assert_eq!(select.level, "INFO");
    assert_eq!(select.field("db.system.name"), Some("postgresql"));
    assert_eq!(
        select.field("db.query.text"),
        Some("SELECT g, $1 FROM generate_series(1, 3) AS g WHERE g > $2")
    );
    assert_eq!(select.field("db.operation.name"), Some("SELECT"));
    assert_eq!(select.field("otel.name"), Some("SELECT"));
    assert_eq!(select.field("otel.kind"), Some("client"));
    assert_eq!(select.field("db.namespace"), Some("pgcast_test"));
    assert_eq!(select.field("server.address"), Some("localhost"));
    assert_eq!(select.field("server.port"), Some("5432"));
    assert_eq!(select.field("db.response.returned_rows"), Some("3"));
    let bytes: u64 = select
        .field("pgcast.bytes_received")
        .and_then(|b| b.parse().ok())
        .expect("bytes received");
    assert!(bytes >= 12, "three int4 values at least: {bytes}");
    assert_eq!(select.field("pgcast.strategy"), Some("described"));
    assert_eq!(select.field("error.type"), None);
    // the prepare nests under the statement
    let prepares = capture.0.spans("pgcast.prepare");
    assert!(
        prepares.iter().any(|(_, p)| p.parent == Some(*select_id)),
        "{prepares:#?}"
    );
    // values never reach a span
    let spans = capture.0.spans.lock().unwrap();
    assert!(
        spans
            .values()
            .all(|s| s.fields.values().all(|v| !v.contains("s3cr3t"))),
        "{spans:#?}"
    );
    let (_, failed) = queries
        .iter()
        .find(|(_, s)| s.field("db.query.text") == Some("SELECT 1 / 0"))
        .expect("the failure's span");
    assert_eq!(failed.field("error.type"), Some("22012"));
    assert_eq!(failed.field("db.response.status_code"), Some("22012"));
    assert_eq!(failed.field("otel.status_code"), Some("ERROR"));
}

#[tokio::test]
async fn obs_logger_reports_each_statement_with_redacted_values() {
    let _turn = SERIAL.lock().await;
    let client = PgClient::new(connect().await);
    let logs = logging(&client);
    client
        .exec(&Sql::new(
            "CREATE TEMP TABLE accounts (id int4, name text, pw text)",
        ))
        .await
        .unwrap();
    let (id, name, pw) = (7_i32, "O'Brien", Redacted(String::from("hunter2")));
    // no rule: no values
    client
        .exec(&sql!("INSERT INTO accounts VALUES ({id}, {name}, {pw})"))
        .await
        .unwrap();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.text, "INSERT INTO accounts VALUES ($1, $2, $3)");
    assert_eq!((last.rows, last.outcome.clone()), (1, Outcome::Ok));
    assert_eq!(last.strategy, Some(Strategy::Direct));
    assert_eq!(last.values, None);
    assert!(!last.slow);

    // values logged: redacted unless the rule shows their type
    client
        .pg_session()
        .set_log_values(Some(LogValues::redacted().show(Type::INT4)));
    let pw = Redacted(String::from("hunter2"));
    client
        .exec(&sql!("INSERT INTO accounts VALUES ({id}, {name}, {pw})"))
        .await
        .unwrap();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        last.values.as_deref(),
        Some(&["7".to_owned(), "'<redacted>'".into(), "'<redacted>'".into()][..])
    );
    // every value shown but the secret; the statement runs as logged
    client.pg_session().set_log_values(Some(LogValues::all()));
    let pw = Redacted(String::from("hunter2"));
    client
        .exec(&sql!("INSERT INTO accounts VALUES ({id}, {name}, {pw})"))
        .await
        .unwrap();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    let statement = last.statement.unwrap();
    assert_eq!(
        statement,
        "INSERT INTO accounts VALUES (7, 'O''Brien', '<redacted>')"
    );
    assert!(!format!("{:?}", logs.lock().unwrap()).contains("hunter2"));
    client.batch_execute(&statement).await.unwrap();
    let n: i64 = client
        .fetch_scalar(&Sql::new(
            "SELECT count(*) FROM accounts WHERE pw = '<redacted>'",
        ))
        .await
        .unwrap();
    assert_eq!(n, 1);

    // by name: a captured variable, a filled placeholder
    client.pg_session().set_log_values(Some(
        LogValues::all().redact_name("name").redact_name("key"),
    ));
    let q = sql!(
        "SELECT count(*) FROM accounts WHERE id = {id} AND name <> {name} AND pw <> {key}",
        key = pgcast::sql::Placeholder::named("key")
    );
    let _: i64 = client.fetch_scalar(&q.with("key", "k1")).await.unwrap();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        last.values.as_deref(),
        Some(&["7".to_owned(), "'<redacted>'".into(), "'<redacted>'".into()][..])
    );
    client
        .pg_session()
        .set_log_values(Some(LogValues::redacted().show_name("id")));
    let _: i64 = client
        .fetch_scalar(&sql!(
            "SELECT count(*) FROM accounts WHERE id = {id} AND name <> {name}"
        ))
        .await
        .unwrap();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        last.values.as_deref(),
        Some(&["7".to_owned(), "'<redacted>'".into()][..])
    );

    // a derived composite with a field marked `#[pg(redact)]`
    #[derive(pgcast::PgComposite, Debug, Clone)]
    #[pg(name = "pg_temp.cred")]
    struct Cred {
        login: String,
        #[pg(redact)]
        pw: String,
    }
    client
        .exec(&Sql::new(
            "CREATE TYPE pg_temp.cred AS (login text, pw text)",
        ))
        .await
        .unwrap();
    client.pg_session().set_log_values(Some(LogValues::all()));
    let cred = Cred {
        login: "ann".into(),
        pw: "hunter3".into(),
    };
    let pw: String = client
        .fetch_scalar(&sql!("SELECT ({cred}::pg_temp.cred).pw"))
        .await
        .unwrap();
    assert_eq!(pw, "hunter3", "sent as it is");
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        last.values.as_deref(),
        Some(&["'<redacted>'".to_owned()][..])
    );
    assert!(!format!("{:?}", logs.lock().unwrap()).contains("hunter3"));

    // rows returned, failures with their SQLSTATE
    let rows: Vec<i32> = client
        .fetch_all(&Sql::new("SELECT id FROM accounts"))
        .await
        .unwrap();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.rows, rows.len() as u64);
    assert_eq!(last.bytes, 4 * rows.len() as u64, "an int4 is 4 bytes");
    client
        .exec(&Sql::new("INSERT INTO nowhere VALUES (1)"))
        .await
        .unwrap_err();
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        last.outcome,
        Outcome::Failed {
            kind: ErrorKind::Server,
            code: Some("42P01".into())
        }
    );
    // a stream dropped midway still reports
    {
        let stream = client
            .fetch_stream::<i32>(&Sql::new("SELECT generate_series(1, 100)"))
            .await
            .unwrap();
        drop(stream);
    }
    let last = logs.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.text, "SELECT generate_series(1, 100)");
    assert_eq!(last.outcome, Outcome::Ok);
}

#[tokio::test]
async fn obs_slow_queries_report_the_statement_and_the_plan() {
    let _turn = SERIAL.lock().await;
    let capture = Shared::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // Another test's thread, without a subscriber, may have met a callsite
    // first and had it cached as never enabled.
    tracing::callsite::rebuild_interest_cache();
    let client = PgClient::new(connect().await);
    let logs = logging(&client);
    client.pg_session().set_slow_threshold(Some(Duration::ZERO));
    client.pg_session().set_explain_slow(true);
    let (n, secret) = (3_i32, String::from("topsecret"));
    let got: Vec<i32> = client
        .fetch_all(&sql!(
            "SELECT g FROM generate_series(1, {n}) AS g WHERE {secret} <> ''"
        ))
        .await
        .unwrap();
    assert_eq!(got, [1, 2, 3]);
    let select = logs.lock().unwrap().last().cloned().unwrap();
    assert!(select.slow);
    // redacted by default
    assert_eq!(
        select.statement.as_deref(),
        Some("SELECT g FROM generate_series(1, '<redacted>') AS g WHERE '<redacted>' <> ''")
    );
    let plan = select.plan.expect("a plan for a SELECT");
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert!(plan[0]["Plan"]["Node Type"].is_string(), "{plan}");

    // side effects: never explained
    client
        .exec(&Sql::new("CREATE TEMP TABLE t (x int4)"))
        .await
        .unwrap();
    client
        .exec(&sql!("INSERT INTO t VALUES ({n})"))
        .await
        .unwrap();
    let insert = logs.lock().unwrap().last().cloned().unwrap();
    assert!(insert.slow && insert.plan.is_none());
    let n: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM t"))
        .await
        .unwrap();
    assert_eq!(n, 1, "the insert ran once");

    // a warn event inside the statement's span
    let events = capture.0.events.lock().unwrap();
    let slow: Vec<_> = events.iter().filter(|e| e.name == "pgcast::slow").collect();
    assert!(slow.len() >= 3, "{events:#?}");
    assert!(slow.iter().all(|e| e.level == "WARN"));
    let with_plan = slow
        .iter()
        .find(|e| e.field("pgcast.plan").is_some())
        .expect("the select's report");
    assert!(with_plan.parent.is_some(), "{events:#?}");
    assert!(!format!("{events:?}").contains("topsecret"));
}

#[tokio::test]
async fn obs_tags_reach_the_server_as_a_comment() {
    let _turn = SERIAL.lock().await;
    let client = PgClient::new(connect().await);
    let q = Sql::new("SELECT current_query()");
    let plain: String = client.fetch_scalar(&q).await.unwrap();
    assert_eq!(plain, "SELECT current_query()");
    client
        .pg_session()
        .set_tags(Tags::new().with("app", "shop"));
    let seen: String = client
        .tagged(Tags::new().with("route", "/it's */ here"))
        .fetch_scalar(&q)
        .await
        .unwrap();
    assert_eq!(
        seen,
        "SELECT current_query() /*app='shop',route='%2Fit%27s%20%2A%2F%20here'*/"
    );
    let id = 5_i32;
    let seen: String = client
        .fetch_scalar(&sql!("SELECT current_query() || {id}::text"))
        .await
        .unwrap();
    assert_eq!(seen, "SELECT current_query() || $1::text /*app='shop'*/5");
    // the server sees the comment in pg_stat_activity too
    let seen: String = client
        .fetch_scalar(&Sql::new(
            "SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap();
    assert!(seen.ends_with("/*app='shop'*/"), "{seen}");
}
