//! The extension methods: [`Conn`] is what a client must give (a
//! `GenericClient` and a [`Session`]), [`ClientExt`] the verbs every
//! connection gains, [`PgClient`] a client with a session of its own.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures_util::{StreamExt, pin_mut};
use pgcast_core::exec::{
    Action, Exec, Explain, Lent, LentRow, LentRows, Lookup, Record, Registration, RowType, Rows,
    ServerInfo, SimpleRows, Tags, Trace, exactly_one, expect_one,
};
use pgcast_core::row::RawRow;
use pgcast_core::sql::Composable;
use pgcast_core::typeinfo::TypeInfo;
use pgcast_core::{Adapters, Format, LoadOwned, Type};
use tokio_postgres::{Client, GenericClient, Statement, Transaction};

use crate::cancel::{Canceller, cancel_rest_now, guarded};
use crate::rows::{Described, RowRef, columns, error, simple_rows};
use crate::{Cursor, First, Result, RowStream, Session};

pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for tokio_postgres::Client {}
    impl Sealed for tokio_postgres::Transaction<'_> {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
    impl<C> Sealed for super::PgClient<C> {}
    impl<C: ?Sized> Sealed for super::Scoped<'_, C> {}
}

/// A connection pgcast can run queries on: a tokio-postgres
/// `GenericClient` (a `Client`, a `Transaction`, a pooled client through
/// `Deref`) and the [`Session`] it keeps. Sealed: wrap other clients in a
/// [`PgClient`].
///
/// Plain `Client`s and `Transaction`s get a fresh session on the global
/// scope for each call, which remembers nothing (each query is described
/// first); a [`PgClient`] keeps its own.
pub trait Conn: Sync + sealed::Sealed {
    /// The driver client.
    type Client: GenericClient + Sync;

    /// The driver client queries run on.
    fn generic_client(&self) -> &Self::Client;

    /// The session: scope, statement and plan caches.
    fn session(&self) -> Session;

    /// Whether queries run inside a transaction pgcast knows of (a
    /// `Transaction`), where a transaction pooler keeps one server
    /// connection.
    fn in_transaction(&self) -> bool {
        false
    }
}

impl Conn for Client {
    type Client = Client;

    fn generic_client(&self) -> &Client {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }
}

impl Conn for Transaction<'_> {
    type Client = Self;

    fn generic_client(&self) -> &Self {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }

    fn in_transaction(&self) -> bool {
        true
    }
}

impl<T: Conn + ?Sized> Conn for &T {
    type Client = T::Client;

    fn generic_client(&self) -> &T::Client {
        (**self).generic_client()
    }

    fn session(&self) -> Session {
        (**self).session()
    }

    fn in_transaction(&self) -> bool {
        (**self).in_transaction()
    }
}

/// A client with a [`Session`] of its own: the registry scope of the
/// connection (types registered here stay here), prepared statements kept
/// by query text and row plans per statement. It derefs to the client, so
/// every driver method stays at hand.
///
/// ```no_run
/// # async fn f(client: tokio_postgres::Client) -> pgcast_tokio_postgres::Result<()> {
/// use pgcast::sql;
/// use pgcast_tokio_postgres::{ClientExt, PgClient};
///
/// let client = PgClient::new(client);
/// client.register_types(["hstore"]).await?;
/// let x = 41_i64;
/// let n: i64 = client.fetch_scalar(&sql!("SELECT {x} + 1")).await?;
/// assert_eq!(n, 42);
/// # Ok(()) }
/// ```
pub type PgClient<C> = pgcast_core::exec::PgClient<C, Statement>;

/// Transactions that share a [`PgClient`]'s session.
pub trait TransactionExt {
    /// Opens a transaction that shares this client's session.
    fn pg_transaction(&mut self) -> impl Future<Output = Result<PgClient<Transaction<'_>>>> + Send;
}

impl<C: OwnsClient> TransactionExt for PgClient<C> {
    async fn pg_transaction(&mut self) -> Result<PgClient<Transaction<'_>>> {
        let session = self.pg_session().clone();
        let tx = self
            .client_mut()
            .driver_client()
            .transaction()
            .await
            .map_err(error)?;
        Ok(PgClient::with_session(tx, session))
    }
}

/// A connection that owns its driver client: a transaction can be opened
/// on it.
pub trait OwnsClient: Send + Sync + sealed::Sealed {
    /// The driver client.
    fn driver_client(&mut self) -> &mut Client;
}

impl OwnsClient for Client {
    fn driver_client(&mut self) -> &mut Client {
        self
    }
}

/// Ending a [`PgClient`]'s transaction.
pub trait TransactionEnd {
    /// Commits the transaction.
    fn commit(self) -> impl Future<Output = Result<()>> + Send;
    /// Rolls the transaction back.
    fn rollback(self) -> impl Future<Output = Result<()>> + Send;
}

impl TransactionEnd for PgClient<Transaction<'_>> {
    async fn commit(self) -> Result<()> {
        self.into_inner().commit().await.map_err(error)
    }

    async fn rollback(self) -> Result<()> {
        self.into_inner().rollback().await.map_err(error)
    }
}

impl<C: Conn> Conn for PgClient<C> {
    type Client = C::Client;

    fn generic_client(&self) -> &C::Client {
        self.client().generic_client()
    }

    fn session(&self) -> Session {
        self.pg_session().clone()
    }

    fn in_transaction(&self) -> bool {
        self.client().in_transaction()
    }
}

/// A connection with a per-query scope, tags or timeout: made by
/// [`ClientExt::with_scope`], [`ClientExt::tagged`] and
/// [`ClientExt::with_timeout`].
#[derive(Debug)]
pub struct Scoped<'a, C: ?Sized> {
    conn: &'a C,
    scope: Option<Adapters>,
    tags: Option<Tags>,
    timeout: Option<Duration>,
}

impl<C: Conn + ?Sized> Conn for Scoped<'_, C> {
    type Client = C::Client;

    fn generic_client(&self) -> &C::Client {
        self.conn.generic_client()
    }

    fn session(&self) -> Session {
        let session = self.conn.session();
        let session = match &self.scope {
            Some(scope) => session.scoped(scope.clone()),
            None => session,
        };
        let session = match &self.tags {
            Some(tags) => session.tagged(tags.clone()),
            None => session,
        };
        match self.timeout {
            Some(timeout) => session.timed(timeout),
            None => session,
        }
    }

    fn in_transaction(&self) -> bool {
        self.conn.in_transaction()
    }
}

/// What a driver configuration says of the server, for spans
/// (`db.namespace`, `server.address`, `server.port`); give it to the
/// session with [`Session::set_server`](pgcast_core::exec::Session::set_server).
///
/// ```
/// let config: tokio_postgres::Config = "host=db.internal port=5433 dbname=shop".parse().unwrap();
/// let info = pgcast_tokio_postgres::server_info(&config);
/// assert_eq!(info.namespace.as_deref(), Some("shop"));
/// assert_eq!(info.address.as_deref(), Some("db.internal"));
/// assert_eq!(info.port, Some(5433));
/// ```
pub fn server_info(config: &tokio_postgres::Config) -> ServerInfo {
    let address = config.get_hosts().first().map(|host| match host {
        tokio_postgres::config::Host::Tcp(name) => name.clone(),
        #[cfg(unix)]
        tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
    });
    ServerInfo::new(
        config.get_dbname().map(str::to_owned),
        address,
        config.get_ports().first().copied(),
    )
}

/// Runs a catalogue lookup: its row, parsed.
pub(crate) async fn lookup<C: GenericClient + Sync>(
    client: &C,
    l: &Lookup,
) -> Result<Option<TypeInfo>> {
    let params = [(l.param(), l.param_type())];
    let row = client
        .query_typed_opt(l.sql, &params)
        .await
        .map_err(|e| error(e).with_query(l.sql))?;
    let info = row.map(|row| TypeInfo::from_raw_row(&RowRef(&row), Format::Binary));
    Ok(info.transpose()?)
}

/// Runs a statement through the simple protocol.
async fn simple<C: GenericClient + Sync>(client: &C, sql: &str) -> Result<SimpleRows> {
    let messages = client
        .simple_query(sql)
        .await
        .map_err(|e| error(e).with_query(sql))?;
    Ok(simple_rows(messages))
}

/// Reads the connection's `TimeZone`.
async fn time_zone<C: GenericClient + Sync>(client: &C, sql: &str) -> Result<String> {
    let row = client
        .query_typed_one(sql, &[])
        .await
        .map_err(|e| error(e).with_query(sql))?;
    row.try_get(0).map_err(|e| error(e).with_query(sql))
}

/// What running an [`Exec`] left: the statement it ran on (`None`: sent in
/// one round trip) and the driver's stream.
type Started = (Option<Statement>, tokio_postgres::RowStream);

/// Drives `exec` until the request is running (in the statement's span);
/// its rows then stream.
pub(crate) async fn run<C: GenericClient + Sync, T: RowType>(
    client: &C,
    exec: &mut Exec<Statement, T>,
) -> Result<Started> {
    let trace = exec.trace();
    match trace.instrument(drive(client, exec)).await {
        Ok(started) => Ok(started),
        Err(e) => Err(exec.fail(e)),
    }
}

async fn drive<C: GenericClient + Sync, T: RowType>(
    client: &C,
    exec: &mut Exec<Statement, T>,
) -> Result<Started> {
    // Statements go out on the driver's `Client` itself (a transaction's
    // too): its methods are plain futures, where `GenericClient`'s box one
    // per call. The steps taken once per connection or per query text
    // (time zone, type lookups, describing, preparing) are boxed futures
    // of their own, so that this future, and every verb's, stays the size
    // of the common step: executing a statement (kept, or in one round
    // trip).
    let driver = client.client();
    loop {
        let sent = match exec.next_action()? {
            Action::TimeZone(sql) => {
                exec.time_zone(&Box::pin(time_zone(client, sql)).await?);
                continue;
            }
            Action::Lookup(l) => {
                let trace = Trace::lookup(&l);
                let found = Box::pin(trace.instrument(lookup(client, &l))).await;
                trace.record(&found, None);
                exec.found(found?)?;
                continue;
            }
            Action::Simple(sql) => {
                exec.simple(Box::pin(simple(client, &sql)).await?)?;
                continue;
            }
            Action::Described(_) => {
                return Err(crate::Error::message(
                    crate::ErrorKind::Driver,
                    "a query to run was only described",
                ));
            }
            Action::Direct => driver
                .query_typed_raw(exec.text(), exec.request().typed_args())
                .await
                .map(|s| (None, s)),
            Action::Execute(st) => driver
                .query_raw(&st, exec.request().args())
                .await
                .map(|s| (Some(st), s)),
            Action::Prepare => match Box::pin(prepare(driver, exec)).await? {
                Some(sent) => sent,
                None => continue,
            },
        };
        match sent {
            Ok(started) => return Ok(started),
            Err(e) => exec.failed(error(e))?,
        }
    }
}

/// Prepares `exec`'s statement and, unless the description calls for
/// another step first (`None`), runs it.
async fn prepare<T: RowType>(
    driver: &Client,
    exec: &mut Exec<Statement, T>,
) -> Result<Option<std::result::Result<Started, tokio_postgres::Error>>> {
    let types = exec.request().param_types().to_vec();
    let prepare = driver.prepare_typed(exec.text(), &types);
    Ok(
        match Trace::prepare(exec.text()).instrument(prepare).await {
            Ok(st) => {
                if !exec.prepared(&st, &columns(st.columns()))? {
                    return Ok(None);
                }
                Some(
                    driver
                        .query_raw(&st, exec.request().args())
                        .await
                        .map(|s| (Some(st), s)),
                )
            }
            Err(e) => Some(Err(e)),
        },
    )
}

/// Runs a query; its rows as a stream of `T`. A stream handed to the caller
/// (`own`) can cancel its statement when dropped; the verbs that read the
/// stream themselves cancel through their own guard.
///
/// The request comes boxed: verbs move it into their futures, which then
/// hold a pointer rather than the request's few hundred bytes.
async fn start<C: Conn + ?Sized, T: RowType>(
    conn: &C,
    exec: Box<Exec<Statement, T>>,
    own: bool,
) -> Result<RowStream<T>> {
    let (stream, rows) = started(conn, exec).await?;
    let cancel = own.then(|| Canceller::new(conn.generic_client().client()));
    Ok(RowStream::new(stream, rows, cancel))
}

/// Runs `exec`: the driver's stream of its rows and their decoder. The
/// verbs that read the rows themselves pin the stream in their own future
/// (no [`RowStream`], nothing boxed).
async fn started<C: Conn + ?Sized, T: RowType>(
    conn: &C,
    mut exec: Box<Exec<Statement, T>>,
) -> Result<(tokio_postgres::RowStream, Rows<T>)> {
    let (statement, stream) = run(conn.generic_client(), &mut exec).await?;
    let rows = match statement {
        Some(st) => match exec.rows_kept() {
            Some(rows) => rows,
            None => exec.rows(&Described(st.columns()))?,
        },
        None => exec.rows_later(),
    };
    Ok((stream, rows))
}

/// A row the driver gave (or its error, or the end), decoded.
fn decoded<T: RowType>(
    rows: &mut Rows<T>,
    next: Option<std::result::Result<tokio_postgres::Row, tokio_postgres::Error>>,
) -> Option<Result<T>> {
    match next? {
        Ok(row) => Some(rows.decode(&RowRef(&row), || Described(row.columns()))),
        Err(e) => Some(Err(rows.driver_error(error(e)))),
    }
}

/// The query text of a composed query, for a timeout's error (only when a
/// timeout is set).
fn text_of<T: RowType>(
    timeout: Option<Duration>,
    exec: &Result<impl std::ops::Deref<Target = Exec<Statement, T>>>,
) -> Option<String> {
    timeout?;
    exec.as_ref().ok().map(|e| e.text().to_owned())
}

/// Runs a verb's future, made by `make`, on `conn` under the session's
/// timeout (see [`guarded`]).
fn timed<'a, C, T, F, Fut>(
    conn: &'a C,
    timeout: Option<Duration>,
    query: Option<String>,
    make: F,
) -> impl Future<Output = Result<T>> + Send + 'a
where
    C: Conn + ?Sized,
    T: Send + 'a,
    F: FnOnce() -> Fut + Send + 'a,
    Fut: Future<Output = Result<T>> + Send + 'a,
{
    guarded(conn.generic_client().client(), timeout, query, make)
}

/// Describes a query (nothing runs): `T`'s plan checked against it; the
/// request as it would run, and its columns.
pub(crate) async fn describe<C: Conn + ?Sized, T: RowType>(
    conn: &C,
    mut exec: Exec<Statement, T>,
) -> Result<(Exec<Statement, T>, Vec<pgcast_core::row::Column>)> {
    let client = conn.generic_client();
    loop {
        let described = match exec.next_action()? {
            Action::TimeZone(sql) => {
                exec.time_zone(&time_zone(client, sql).await?);
                None
            }
            Action::Lookup(l) => {
                exec.found(lookup(client, &l).await?)?;
                None
            }
            Action::Simple(sql) => {
                exec.simple(simple(client, &sql).await?)?;
                None
            }
            Action::Described(cols) => Some(cols),
            Action::Execute(st) => exec.described(&st, columns(st.columns()))?,
            Action::Direct | Action::Prepare => {
                let types = exec.request().param_types().to_vec();
                let prepare = client.prepare_typed(exec.text(), &types);
                match Trace::prepare(exec.text()).instrument(prepare).await {
                    Ok(st) => exec.described(&st, columns(st.columns()))?,
                    Err(e) => exec.failed(error(e)).map(|()| None)?,
                }
            }
        };
        if let Some(cols) = described {
            return Ok((exec, cols));
        }
    }
}

/// A row lent to [`ClientExt::for_each`]'s callback: decode it with
/// [`decode`](LentRow::decode) into a row type that borrows from it.
pub type BorrowedRow<'r> = LentRow<'r, RowRef<'r>>;

/// The verbs every [`Conn`] gains: composed queries (their values bound
/// in the query: `sql!`, `bind`, [`Composed::with`](pgcast_core::sql::Composed::with)),
/// rows decoded into Rust types.
///
/// | pgcast | sqlx | tokio-postgres | psycopg |
/// | --- | --- | --- | --- |
/// | [`exec`](Self::exec) | `execute` | `execute` | `execute` + `rowcount` |
/// | [`fetch_all`](Self::fetch_all) | `fetch_all` | `query` | `fetchall` |
/// | [`fetch_one`](Self::fetch_one) (exactly one) | `fetch_one` (first) | `query_one` | `fetchone` |
/// | [`fetch_optional`](Self::fetch_optional) (at most one) | `fetch_optional` | `query_opt` | `fetchone` |
/// | [`fetch_scalar`](Self::fetch_scalar) | `query_scalar` + `fetch_one` | `query_one` + `get(0)` | `fetchone()[0]` |
/// | [`fetch_stream`](Self::fetch_stream) | `fetch` | `query_raw` | `stream` |
/// | [`for_each`](Self::for_each) (borrowed rows) | — | `query_raw` + `Row::get` | — |
/// | [`fetch_records`](Self::fetch_records) | `fetch_all` + `PgRow` | `query` + `Row` | `fetchall` + dict rows |
/// | [`cursor`](Self::cursor) | — | portals | named cursors |
/// | [`describe`](Self::describe) | `describe` (macros only) | `prepare` | — |
///
/// How a query goes out is the session's choice (see
/// [`Prepare`](pgcast_core::exec::Prepare)): described first when its result
/// is unseen, in one round trip when every type is known, prepared and kept
/// when it repeats. Results are streamed and decoded as they arrive.
///
/// Every verb takes the query by value or by reference: `fetch_one(&q)`
/// renders `q` and leaves it to be run again; `fetch_one(sql!(…))` gives
/// its text and values to the request instead of having them copied.
pub trait ClientExt: Conn {
    /// Runs a command; the number of rows it affected.
    fn exec(&self, query: impl Composable) -> impl Future<Output = Result<u64>> + Send {
        let session = self.session();
        let exec = Exec::command(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        timed(self, session.timeout(), text, move || async move {
            let mut exec = exec?;
            let (_, stream) = run(self.generic_client(), &mut exec).await?;
            pin_mut!(stream);
            while let Some(row) = stream.next().await {
                if let Err(e) = row {
                    return Err(exec.fail(error(e)));
                }
            }
            if let Some(plan) = exec.finish(stream.rows_affected()) {
                explain(self.generic_client(), plan).await;
            }
            Ok(stream.rows_affected().unwrap_or(0))
        })
    }

    /// The rows as a stream of `T`, decoded as they arrive.
    ///
    /// Dropping the stream before its end cancels the statement on the
    /// server (see [`RowStream`]); a timeout is a deadline for the whole
    /// statement, its last row included.
    fn fetch_stream<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<RowStream<T>>> + Send {
        let session = self.session();
        let exec = Exec::query(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        let timeout = session.timeout();
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        let started = timed(self, timeout, text, move || async move {
            start(self, exec?, true).await
        });
        async move {
            let stream = started.await?;
            Ok(match (deadline, timeout) {
                (Some(deadline), Some(timeout)) => stream.with_deadline(deadline, timeout),
                _ => stream,
            })
        }
    }

    /// Every row as a `T` (a `FromRow` type: derived struct, tuple, scalar).
    fn fetch_all<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        let session = self.session();
        let exec = Exec::query(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        timed(self, session.timeout(), text, move || async move {
            let (stream, mut rows) = started::<_, T>(self, exec?).await?;
            let mut stream = pin!(stream);
            let mut out = Vec::new();
            while let Some(row) = decoded(&mut rows, stream.next().await) {
                out.push(row?);
            }
            if let Some(plan) = rows.finish(stream.rows_affected()) {
                explain(self.generic_client(), plan).await;
            }
            Ok(out)
        })
    }

    /// Exactly one row as a `T`; an error of kind
    /// [`NoRows`](crate::ErrorKind::NoRows) or
    /// [`TooManyRows`](crate::ErrorKind::TooManyRows) otherwise.
    fn fetch_one<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<T>> + Send {
        let session = self.session();
        let exec = Exec::query(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        // `one` has already reported no rows, with the query.
        timed(self, session.timeout(), text, move || async move {
            exactly_one(one(self, exec?, false).await?, "")
        })
    }

    /// At most one row as a `T`.
    fn fetch_optional<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        let session = self.session();
        let exec = Exec::query(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        timed(self, session.timeout(), text, move || async move {
            one(self, exec?, true).await
        })
    }

    /// The first column of exactly one row, as any `Load` type.
    fn fetch_scalar<T: LoadOwned + Send + 'static>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<T>> + Send {
        let row = self.fetch_one::<First<T>>(query);
        async move { row.await.map(|First(v)| v) }
    }

    /// Lends each row to `f` as it arrives, to decode into a row type that
    /// borrows from it (`&str`, `&[u8]`, [`RawJson`](pgcast_core::types::RawJson),
    /// a derived struct with a lifetime): nothing is copied out of the
    /// driver's buffer, and each row type is planned once per result. An
    /// error from `f` stops the query (the rest is canceled on the server);
    /// the number of rows lent.
    ///
    /// ```no_run
    /// # async fn f(client: &pgcast_tokio_postgres::PgClient<tokio_postgres::Client>) -> pgcast_tokio_postgres::Result<()> {
    /// use pgcast::sql;
    /// use pgcast_tokio_postgres::ClientExt;
    ///
    /// let mut longest = 0;
    /// client
    ///     .for_each(&sql!("SELECT name, note FROM items"), |row| {
    ///         let (name, note): (&str, Option<&str>) = row.decode()?;
    ///         longest = longest.max(name.len() + note.map_or(0, str::len));
    ///         Ok(())
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    fn for_each<'s, F>(
        &'s self,
        query: impl Composable,
        mut f: F,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        F: for<'r> FnMut(BorrowedRow<'r>) -> pgcast_core::Result<()> + Send + 's,
    {
        let session = self.session();
        let scope = session.scope();
        let exec = Exec::<Statement, Lent>::query(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        timed(self, session.timeout(), text, move || async move {
            let mut stream = start::<_, Lent>(self, exec?, false).await?.held();
            let mut lent: Option<LentRows> = None;
            let mut count = 0;
            while let Some(row) = std::future::poll_fn(|cx| stream.poll_raw(cx)).await {
                let row = row?;
                let rows = lent
                    .get_or_insert_with(|| LentRows::new(columns(row.columns()), scope.clone()));
                let raw = RowRef(&row);
                f(rows.row(&raw)).map_err(|e| {
                    crate::Error::from(e)
                        .with_query(stream.query())
                        .with_row(count)
                })?;
                count += 1;
            }
            if let Some(plan) = stream.finish() {
                explain(self.generic_client(), plan).await;
            }
            Ok(count)
        })
    }

    /// Every row as dynamic values with its columns. A column of a type
    /// with no loader comes as the server's text for it.
    fn fetch_records(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<Vec<Record>>> + Send {
        self.fetch_all::<Record>(query)
    }

    /// Describes the query on the server (nothing runs) and checks that its
    /// columns fit `T`, with the error the real run would give: a one-line
    /// test for every query of an application.
    fn describe<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<()>> + Send {
        let session = self.session();
        let exec = Exec::<Statement, T>::describe(&session, query).map(Box::new);
        let text = text_of(session.timeout(), &exec);
        timed(self, session.timeout(), text, move || async move {
            describe(self, *exec?).await.map(drop)
        })
    }

    /// Opens a server-side cursor over the query (inside a transaction): rows
    /// stay on the server until [`fetch_many`](crate::CursorFetch::fetch_many) asks for them.
    fn cursor<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<Cursor<'_, Self, T>>> + Send {
        let exec = Exec::<Statement, T>::describe(&self.session(), query);
        async move { Cursor::open(self, describe(self, exec?).await?, false).await }
    }

    /// [`cursor`](Self::cursor) `WITH HOLD`: usable outside a transaction,
    /// until closed or the session ends (the server materializes the result
    /// when the creating transaction commits).
    fn cursor_with_hold<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<Cursor<'_, Self, T>>> + Send {
        let exec = Exec::<Statement, T>::describe(&self.session(), query);
        async move { Cursor::open(self, describe(self, exec?).await?, true).await }
    }

    /// Fetches the types `names` (SQL syntax: `hstore`, `app.mood`,
    /// `"Other Schema"."My Type"`; unqualified names follow the
    /// `search_path`) with the types they refer to, and registers them in
    /// this connection's session scope, where dumpers, loaders and row plans
    /// find them. Concurrent registrations all land.
    fn register_types<I>(&self, names: I) -> impl Future<Output = Result<Vec<Type>>> + Send
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
        async move {
            crate::cancel::settled(self.generic_client().client()).await;
            let session = self.session();
            let mut reg = Registration::new(&names);
            while let Some(l) = reg.next_lookup(&session.scope())? {
                reg.found(lookup(self.generic_client(), &l).await?)?;
            }
            Ok(session.configure(|scope| reg.register(scope))?)
        }
    }

    /// [`register_types`](Self::register_types) for one name.
    fn register_type(&self, name: &str) -> impl Future<Output = Result<Type>> + Send {
        let types = self.register_types([name.to_owned()]);
        async move { Ok(types.await?.remove(0)) }
    }

    /// This connection with `scope` for the queries run through it: a
    /// per-query scope (global → connection → query).
    fn with_scope(&self, scope: &Adapters) -> Scoped<'_, Self> {
        Scoped {
            conn: self,
            scope: Some(scope.clone()),
            tags: None,
            timeout: None,
        }
    }

    /// This connection with `tags` appended as a SQLCommenter comment
    /// (`/*key='value',…*/`) to the statements run through it, over the
    /// session's own tags ([`Session::set_tags`](pgcast_core::exec::Session::set_tags)).
    fn tagged(&self, tags: Tags) -> Scoped<'_, Self> {
        Scoped {
            conn: self,
            scope: None,
            tags: Some(tags),
            timeout: None,
        }
    }

    /// This connection with `timeout` for the statements run through it,
    /// over the session's own ([`Session::set_timeout`](pgcast_core::exec::Session::set_timeout)).
    /// A verb that runs longer (lookups, describe, prepare and rows
    /// included) cancels its statement on the server through the driver's
    /// cancel token and fails with an error of kind
    /// [`Timeout`](crate::ErrorKind::Timeout); the connection answers the
    /// next query. The verbs of [`ClientExt`] are timed (for
    /// [`fetch_stream`](Self::fetch_stream), to the last row); `COPY`,
    /// cursor batches and pipelines are not.
    ///
    /// The cancel request goes out without TLS (`NoTls`), as
    /// tokio-postgres's cancel token allows for any connection made without
    /// `sslmode=require`.
    ///
    /// ```no_run
    /// # async fn f(client: &tokio_postgres::Client) -> pgcast_tokio_postgres::Result<()> {
    /// use std::time::Duration;
    /// use pgcast::sql::Sql;
    /// use pgcast_tokio_postgres::ClientExt;
    ///
    /// let slow = client
    ///     .with_timeout(Duration::from_millis(200))
    ///     .exec(&Sql::new("SELECT pg_sleep(10)"))
    ///     .await;
    /// assert!(slow.is_err_and(|e| e.is_timeout()));
    /// // the same connection answers at once
    /// let one: i32 = client.fetch_scalar(&Sql::new("SELECT 1")).await?;
    /// # Ok(()) }
    /// ```
    fn with_timeout(&self, timeout: Duration) -> Scoped<'_, Self> {
        Scoped {
            conn: self,
            scope: None,
            tags: None,
            timeout: Some(timeout),
        }
    }
}

impl<C: Conn + ?Sized> ClientExt for C {}

/// "Exactly one" or "at most one" row of `exec`'s result, read off the
/// driver's stream pinned in this future.
async fn one<C: Conn + ?Sized, T: RowType>(
    conn: &C,
    exec: Box<Exec<Statement, T>>,
    at_most: bool,
) -> Result<Option<T>> {
    let (stream, mut rows) = started(conn, exec).await?;
    let mut stream = pin!(stream);
    let first = decoded(&mut rows, stream.next().await).transpose()?;
    let more = first.is_some()
        && decoded(&mut rows, stream.next().await)
            .transpose()?
            .is_some();
    if more {
        // Rows the answer does not need: the server stops sending them.
        cancel_rest_now(conn.generic_client().client(), stream.as_mut()).await;
    }
    if let Some(plan) = rows.finish(stream.rows_affected()) {
        Box::pin(explain(conn.generic_client(), plan)).await;
    }
    expect_one(first, more, at_most, rows.query())
}

/// Fetches a slow statement's plan (`EXPLAIN (FORMAT JSON)`, one round
/// trip with the statement's arguments) and reports the statement with it.
pub(crate) async fn explain<C: GenericClient + Sync>(client: &C, plan: Explain) {
    let fetched: Result<String> = async {
        let stream = client
            .query_typed_raw(plan.text(), plan.request().typed_args())
            .await
            .map_err(error)?;
        pin_mut!(stream);
        let mut json = String::new();
        while let Some(row) = stream.next().await {
            let row = row.map_err(error)?;
            if let Some(bytes) = RowRef(&row).raw(0)? {
                json.push_str(&String::from_utf8_lossy(bytes));
            }
        }
        Ok(json)
    }
    .await;
    plan.done(fetched);
}
