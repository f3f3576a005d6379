//! [`Conn`], [`ClientExt`] and [`PgClient`] for the blocking client: the
//! same verbs as the async adapter, driving the same core.

use std::io::{Read, Write};
use std::time::Duration;

use pgcast_core::exec::{
    Action, BinaryCopyEncoder, COPY_CHUNK, CopyOutState, Exec, Explain, Lent, LentRows, Lookup,
    Record, Registration, RowType, Rows, SimpleRows, Trace, copy_in_statements, copy_out_statement,
    exactly_one, one_of,
};
use pgcast_core::row::{Column, RawRow, ToRow};
use pgcast_core::sql::{Composable, Sql};
use pgcast_core::typeinfo::TypeInfo;
use pgcast_core::{Adapters, Format, LoadOwned, Type};
use pgcast_tokio_postgres::{BorrowedRow, Described, RowRef, columns, error, simple_rows};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{CancelToken, Client, GenericClient, Statement, Transaction};

use crate::cancel::{Watchdog, cancel_rest};

use crate::{CopyOutRows, Cursor, Error, ErrorKind, First, Result, Session};

mod sealed {
    pub trait Sealed {}
    impl Sealed for postgres::Client {}
    impl Sealed for postgres::Transaction<'_> {}
    impl<T: Sealed + ?Sized> Sealed for &mut T {}
    impl<C> Sealed for super::PgClient<C> {}
    impl<C: ?Sized> Sealed for super::Scoped<'_, C> {}
}

/// A blocking connection pgcast can run queries on: a `postgres`
/// `GenericClient` (`Client`, `Transaction`) and the [`Session`] it keeps.
/// Sealed.
///
/// Plain clients get a fresh session on the global scope for each call,
/// which remembers nothing; a [`PgClient`] keeps its own.
pub trait Conn: sealed::Sealed {
    /// The driver client.
    type Client: GenericClient;

    /// The driver client queries run on.
    fn generic_client(&mut self) -> &mut Self::Client;

    /// The session: scope, statement and plan caches.
    fn session(&self) -> Session;

    /// The token that cancels the statement running on the connection.
    fn cancel_token(&self) -> CancelToken;
}

impl Conn for Client {
    type Client = Client;

    fn generic_client(&mut self) -> &mut Client {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }

    fn cancel_token(&self) -> CancelToken {
        Client::cancel_token(self)
    }
}

impl Conn for Transaction<'_> {
    type Client = Self;

    fn generic_client(&mut self) -> &mut Self {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }

    fn cancel_token(&self) -> CancelToken {
        Transaction::cancel_token(self)
    }
}

impl<T: Conn + ?Sized> Conn for &mut T {
    type Client = T::Client;

    fn generic_client(&mut self) -> &mut T::Client {
        (**self).generic_client()
    }

    fn session(&self) -> Session {
        (**self).session()
    }

    fn cancel_token(&self) -> CancelToken {
        (**self).cancel_token()
    }
}

/// A blocking client with a [`Session`] of its own: the connection's
/// registry scope, prepared statements by text, row plans per statement. It
/// derefs to the client.
pub type PgClient<C> = pgcast_core::exec::PgClient<C, Statement>;

/// Transactions that share a [`PgClient`]'s session.
pub trait TransactionExt {
    /// Opens a transaction that shares this client's session.
    fn pg_transaction(&mut self) -> Result<PgClient<Transaction<'_>>>;
}

impl TransactionExt for PgClient<Client> {
    fn pg_transaction(&mut self) -> Result<PgClient<Transaction<'_>>> {
        let session = self.pg_session().clone();
        let tx = self.client_mut().transaction().map_err(error)?;
        Ok(PgClient::with_session(tx, session))
    }
}

/// Ending a [`PgClient`]'s transaction.
pub trait TransactionEnd {
    /// Commits the transaction.
    fn commit(self) -> Result<()>;
    /// Rolls the transaction back.
    fn rollback(self) -> Result<()>;
}

impl TransactionEnd for PgClient<Transaction<'_>> {
    fn commit(self) -> Result<()> {
        self.into_inner().commit().map_err(error)
    }

    fn rollback(self) -> Result<()> {
        self.into_inner().rollback().map_err(error)
    }
}

impl<C: Conn> Conn for PgClient<C> {
    type Client = C::Client;

    fn generic_client(&mut self) -> &mut C::Client {
        self.client_mut().generic_client()
    }

    fn session(&self) -> Session {
        self.pg_session().clone()
    }

    fn cancel_token(&self) -> CancelToken {
        self.client().cancel_token()
    }
}

/// A connection with a per-query scope or timeout: made by
/// [`ClientExt::with_scope`] and [`ClientExt::with_timeout`].
#[derive(Debug)]
pub struct Scoped<'a, C: ?Sized> {
    conn: &'a mut C,
    scope: Option<Adapters>,
    timeout: Option<Duration>,
}

impl<C: Conn + ?Sized> Conn for Scoped<'_, C> {
    type Client = C::Client;

    fn generic_client(&mut self) -> &mut C::Client {
        self.conn.generic_client()
    }

    fn session(&self) -> Session {
        let session = self.conn.session();
        let session = match &self.scope {
            Some(scope) => session.scoped(scope.clone()),
            None => session,
        };
        match self.timeout {
            Some(timeout) => session.timed(timeout),
            None => session,
        }
    }

    fn cancel_token(&self) -> CancelToken {
        self.conn.cancel_token()
    }
}

/// Runs `call` on `conn` under the session's timeout: past it a watchdog
/// thread cancels the statement on the server and the call fails with an
/// error of kind [`Timeout`](ErrorKind::Timeout).
fn timed<C: Conn + ?Sized, R>(
    conn: &mut C,
    timeout: Option<Duration>,
    call: impl FnOnce(&mut C) -> Result<R>,
) -> Result<R> {
    let Some(mut dog) = timeout.and_then(|after| Watchdog::start(conn.cancel_token(), after))
    else {
        return call(conn);
    };
    let out = call(conn);
    dog.outcome(out)
}

fn lookup<C: GenericClient>(client: &mut C, l: &Lookup) -> Result<Option<TypeInfo>> {
    let params = [(l.param(), l.param_type())];
    let row = client
        .query_typed_opt(l.sql, &params)
        .map_err(|e| error(e).with_query(l.sql))?;
    let info = row.map(|row| TypeInfo::from_raw_row(&RowRef(&row), Format::Binary));
    Ok(info.transpose()?)
}

/// Runs a statement through the simple protocol.
fn simple<C: GenericClient>(client: &mut C, sql: &str) -> Result<SimpleRows> {
    let messages = client
        .simple_query(sql)
        .map_err(|e| error(e).with_query(sql))?;
    Ok(simple_rows(messages))
}

/// Reads the connection's `TimeZone`.
fn time_zone<C: GenericClient>(client: &mut C, sql: &str) -> Result<String> {
    let row = client
        .query_typed_one(sql, &[])
        .map_err(|e| error(e).with_query(sql))?;
    row.try_get(0).map_err(|e| error(e).with_query(sql))
}

/// Drives `exec` until the request runs, once (in the statement's span):
/// its rows then come from the iterator. A stale statement is forgotten by
/// the session, and the error returned: [`with_rows`] tries once more.
fn start<'c, C: GenericClient, T: RowType>(
    client: &'c mut C,
    exec: &mut Exec<Statement, T>,
) -> Result<(postgres::RowIter<'c>, Rows<T>)> {
    let trace = exec.trace();
    trace.in_scope(|| drive(client, exec))
}

fn drive<'c, C: GenericClient, T: RowType>(
    client: &'c mut C,
    exec: &mut Exec<Statement, T>,
) -> Result<(postgres::RowIter<'c>, Rows<T>)> {
    let statement = loop {
        match exec.next_action()? {
            Action::TimeZone(sql) => exec.time_zone(&time_zone(client, sql)?),
            Action::Lookup(l) => {
                let trace = Trace::lookup(&l);
                let found = trace.in_scope(|| lookup(client, &l));
                trace.record(&found, None);
                exec.found(found?)?;
            }
            Action::Simple(sql) => exec.simple(simple(client, &sql)?)?,
            Action::Described(_) => {
                return Err(Error::message(
                    ErrorKind::Driver,
                    "a query to run was only described",
                ));
            }
            Action::Direct => break None,
            Action::Execute(st) => break Some(st),
            Action::Prepare => {
                let prepared = Trace::prepare(exec.text())
                    .in_scope(|| client.prepare_typed(exec.text(), exec.request().param_types()));
                match prepared {
                    Ok(st) if exec.prepared(&st, &columns(st.columns()))? => break Some(st),
                    Ok(_) => {}
                    Err(e) => exec.failed(error(e))?,
                }
            }
        }
    };
    let started = match &statement {
        Some(st) => client.query_raw(st, exec.request().args()),
        None => client.query_typed_raw(exec.text(), exec.request().typed_args()),
    };
    match started {
        Ok(iter) => {
            let rows = match &statement {
                Some(st) => match exec.rows_kept() {
                    Some(rows) => rows,
                    None => exec.rows(&Described(st.columns()))?,
                },
                None => exec.rows_later(),
            };
            Ok((iter, rows))
        }
        Err(e) => {
            let e = error(e).with_query(exec.text());
            exec.retry(&e);
            Err(e)
        }
    }
}

/// Runs `exec` and hands its rows to `consume`; a statement the server
/// reports stale is prepared again, once. The statement is reported when
/// `consume` is done (with its plan first, if slow and asked for).
pub(crate) fn with_rows<C: GenericClient, T: RowType, R>(
    client: &mut C,
    mut exec: Exec<Statement, T>,
    mut consume: impl FnMut(postgres::RowIter<'_>, &mut Rows<T>) -> Result<R>,
) -> Result<R> {
    let consumed = match once(client, &mut exec, &mut consume) {
        Ok(consumed) => consumed,
        Err(first) if first.is_stale_statement() => {
            once(client, &mut exec, &mut consume).map_err(|e| exec.fail(e))?
        }
        Err(first) => return Err(exec.fail(first)),
    };
    let (out, plan) = consumed?;
    if let Some(plan) = plan {
        explain(client, plan);
    }
    Ok(out)
}

/// Starts `exec` (an error there is the outer one) and consumes its rows
/// (an error there, the inner one); the statement's report is then due.
fn once<C: GenericClient, T: RowType, R>(
    client: &mut C,
    exec: &mut Exec<Statement, T>,
    consume: &mut impl FnMut(postgres::RowIter<'_>, &mut Rows<T>) -> Result<R>,
) -> Result<Result<(R, Option<Explain>)>> {
    let (iter, mut rows) = start(client, exec)?;
    Ok(consume(iter, &mut rows).map(|out| (out, rows.finish(None))))
}

/// Fetches a slow statement's plan (`EXPLAIN (FORMAT JSON)`, one round
/// trip with the statement's arguments) and reports the statement with it.
fn explain<C: GenericClient>(client: &mut C, plan: Explain) {
    let mut fetch = || -> Result<String> {
        let mut iter = client
            .query_typed_raw(plan.text(), plan.request().typed_args())
            .map_err(error)?;
        let mut json = String::new();
        while let Some(row) = iter.next().map_err(error)? {
            if let Some(bytes) = RowRef(&row).raw(0)? {
                json.push_str(&String::from_utf8_lossy(bytes));
            }
        }
        Ok(json)
    };
    let fetched = fetch();
    plan.done(fetched);
}

/// The next row of `iter` decoded; at the end, the statement is reported.
fn next_row<T: RowType>(iter: &mut postgres::RowIter<'_>, rows: &mut Rows<T>) -> Option<Result<T>> {
    match iter.next() {
        Ok(Some(row)) => Some(rows.decode(&RowRef(&row), || Described(row.columns()))),
        Ok(None) => {
            rows.set_affected(iter.rows_affected());
            None
        }
        Err(e) => Some(Err(rows.driver_error(error(e)))),
    }
}

/// Reads every row of `iter` into `T` (or `sink`s them).
fn each<T: RowType>(
    mut iter: postgres::RowIter<'_>,
    rows: &mut Rows<T>,
    mut sink: impl FnMut(T) -> Result<()>,
) -> Result<Option<u64>> {
    while let Some(row) = next_row(&mut iter, rows) {
        sink(row?)?;
    }
    Ok(iter.rows_affected())
}

/// Rows of a query decoded into `T` one at a time as the driver reads
/// them: memory stays flat however large the result.
///
/// Dropping it before its end cancels the statement on the server and
/// reads the little that is left, so the server stops working on it and
/// the connection is ready for the next statement (which never sees the
/// cancel's error). Inside a transaction the cancel aborts the transaction,
/// as any error does.
///
/// A timeout ([`Session::set_timeout`](pgcast_core::exec::Session::set_timeout),
/// [`ClientExt::with_timeout`]) is a deadline for the whole statement, from
/// the call to [`fetch_iter`](ClientExt::fetch_iter) to the last row, time
/// spent by the reader between rows included: a watchdog thread, joined
/// when the iterator ends or is dropped, cancels the statement at the
/// deadline, and the iterator yields an error of kind
/// [`Timeout`](ErrorKind::Timeout), then ends.
pub struct RowIter<'a, T: RowType> {
    inner: postgres::RowIter<'a>,
    rows: Rows<T>,
    token: CancelToken,
    done: bool,
    watchdog: Option<Watchdog>,
}

impl<T: RowType> RowIter<'_, T> {
    /// The number of rows the command affected, once the iterator is done.
    pub fn rows_affected(&self) -> Option<u64> {
        self.inner.rows_affected()
    }
}

impl<T: RowType> Iterator for RowIter<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.done {
            return None;
        }
        let row = next_row(&mut self.inner, &mut self.rows);
        match &row {
            None => {
                self.done = true;
                // Reported at the end rather than when the iterator is dropped.
                drop(self.rows.finish(None));
                self.watchdog.take();
            }
            Some(Err(_)) => {
                self.done = true;
                if let Some(mut dog) = self.watchdog.take() {
                    return row.map(|r| dog.outcome(r));
                }
            }
            Some(Ok(_)) => {}
        }
        row
    }
}

impl<T: RowType> Drop for RowIter<'_, T> {
    fn drop(&mut self) {
        let fired = self
            .watchdog
            .as_mut()
            .is_some_and(|dog| dog.stop().is_some());
        if !self.done && !fired {
            cancel_rest(&self.token, &mut self.inner);
        }
    }
}

impl<T: RowType> std::fmt::Debug for RowIter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowIter").field("rows", &self.rows).finish()
    }
}

/// "Exactly one" or "at most one" row of a query.
fn one<C: Conn + ?Sized, T: RowType>(
    conn: &mut C,
    query: impl Composable,
    at_most: bool,
) -> Result<Option<T>> {
    let session = conn.session();
    let exec = Exec::query(&session, query)?;
    timed(conn, session.timeout(), |conn| {
        let token = conn.cancel_token();
        with_rows(conn.generic_client(), exec, |mut inner, rows| {
            let query = rows.query().to_owned();
            let mut ended = false;
            let out = one_of(
                std::iter::from_fn(|| {
                    let row = next_row(&mut inner, rows);
                    ended = !matches!(row, Some(Ok(_)));
                    row
                }),
                at_most,
                &query,
            );
            if !ended {
                // Rows the answer does not need: the server stops sending them.
                cancel_rest(&token, &mut inner);
            }
            out
        })
    })
}

/// Describes a query (nothing runs): its request as it would run, and its
/// columns, `T`'s plan checked against them.
pub(crate) fn describe<C: GenericClient, T: RowType>(
    client: &mut C,
    mut exec: Exec<Statement, T>,
) -> Result<(Exec<Statement, T>, Vec<Column>)> {
    loop {
        let next = exec.next_action()?;
        let described = match next {
            Action::TimeZone(sql) => {
                let zone = time_zone(client, sql)?;
                exec.time_zone(&zone);
                None
            }
            Action::Lookup(l) => {
                let found = lookup(client, &l)?;
                exec.found(found)?;
                None
            }
            Action::Simple(sql) => {
                let rows = simple(client, &sql)?;
                exec.simple(rows)?;
                None
            }
            Action::Described(cols) => Some(cols),
            Action::Execute(st) => exec.described(&st, columns(st.columns()))?,
            Action::Direct | Action::Prepare => {
                let prepared = client.prepare_typed(exec.text(), exec.request().param_types());
                match prepared {
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

/// What every blocking [`Conn`] gains: the verbs of
/// [`pgcast_tokio_postgres::ClientExt`], blocking (with
/// [`fetch_iter`](Self::fetch_iter) for the stream), plus `COPY` with
/// iterators, readers and writers. Every verb takes the query by value or
/// by reference: by value, its text and values are given to the request
/// instead of copied.
pub trait ClientExt: Conn {
    /// Runs a command; the number of rows it affected.
    fn exec(&mut self, query: impl Composable) -> Result<u64> {
        let session = self.session();
        let exec = Exec::command(&session, query)?;
        timed(self, session.timeout(), |conn| {
            with_rows(conn.generic_client(), exec, |iter, rows| {
                each(iter, rows, |_| Ok(())).map(|n| n.unwrap_or(0))
            })
        })
    }

    /// The rows as an iterator of `T`, decoded as the driver reads them.
    ///
    /// Dropping the iterator before its end cancels the statement on the
    /// server; a timeout is a deadline for the whole statement, its last
    /// row included (see [`RowIter`]).
    fn fetch_iter<T: RowType>(&mut self, query: impl Composable) -> Result<RowIter<'_, T>> {
        let session = self.session();
        let mut exec = Exec::query(&session, query)?;
        let token = self.cancel_token();
        let mut watchdog = session
            .timeout()
            .and_then(|after| Watchdog::start(token.clone(), after));
        let started = start(self.generic_client(), &mut exec).map_err(|e| exec.fail(e));
        let (inner, rows) = match (started, watchdog.as_mut()) {
            (Ok(started), _) => started,
            (Err(e), Some(dog)) => return dog.outcome(Err(e)),
            (Err(e), None) => return Err(e),
        };
        Ok(RowIter {
            inner,
            rows,
            token,
            done: false,
            watchdog,
        })
    }

    /// Every row as a `T`.
    fn fetch_all<T: RowType>(&mut self, query: impl Composable) -> Result<Vec<T>> {
        let session = self.session();
        let exec = Exec::query(&session, query)?;
        timed(self, session.timeout(), |conn| {
            with_rows(conn.generic_client(), exec, |iter, rows| {
                let mut out = Vec::new();
                each(iter, rows, |row| {
                    out.push(row);
                    Ok(())
                })?;
                Ok(out)
            })
        })
    }

    /// Exactly one row as a `T`; an error of kind
    /// [`NoRows`](ErrorKind::NoRows) or [`TooManyRows`](ErrorKind::TooManyRows)
    /// otherwise.
    fn fetch_one<T: RowType>(&mut self, query: impl Composable) -> Result<T> {
        let q = query
            .render_inline_with(&self.session().scope())
            .unwrap_or_default();
        exactly_one(one(self, query, false)?, &q)
    }

    /// At most one row as a `T`.
    fn fetch_optional<T: RowType>(&mut self, query: impl Composable) -> Result<Option<T>> {
        one(self, query, true)
    }

    /// The first column of exactly one row, as any `Load` type.
    fn fetch_scalar<T: LoadOwned + Send + 'static>(&mut self, query: impl Composable) -> Result<T> {
        self.fetch_one::<First<T>>(query).map(|First(v)| v)
    }

    /// Lends each row to `f` as the driver reads it, to decode into a row
    /// type that borrows from it (`&str`, `&[u8]`,
    /// [`RawJson`](pgcast_core::types::RawJson), a derived struct with a
    /// lifetime): nothing is copied out of the driver's buffer, and each row
    /// type is planned once per result. An error from `f` stops the query
    /// (the rest is canceled on the server); the number of rows lent.
    ///
    /// ```no_run
    /// # fn f(client: &mut pgcast_postgres::PgClient<postgres::Client>) -> pgcast_postgres::Result<()> {
    /// use pgcast::sql;
    /// use pgcast_postgres::ClientExt;
    ///
    /// let mut total = 0;
    /// client.for_each(&sql!("SELECT name FROM items"), |row| {
    ///     let (name,): (&str,) = row.decode()?;
    ///     total += name.len();
    ///     Ok(())
    /// })?;
    /// # Ok(()) }
    /// ```
    fn for_each<F>(&mut self, query: impl Composable, mut f: F) -> Result<u64>
    where
        F: for<'r> FnMut(BorrowedRow<'r>) -> pgcast_core::Result<()>,
    {
        let session = self.session();
        let scope = session.scope();
        let exec = Exec::<Statement, Lent>::query(&session, query)?;
        let token = self.cancel_token();
        timed(self, session.timeout(), |conn| {
            with_rows(conn.generic_client(), exec, |mut iter, rows| {
                let mut lent: Option<LentRows> = None;
                let mut count = 0;
                loop {
                    let row = match iter.next() {
                        Ok(Some(row)) => row,
                        Ok(None) => {
                            rows.set_affected(iter.rows_affected());
                            return Ok(count);
                        }
                        Err(e) => return Err(rows.driver_error(error(e))),
                    };
                    rows.decode(&RowRef(&row), || Described(row.columns()))?;
                    let lender = lent.get_or_insert_with(|| {
                        LentRows::new(columns(row.columns()), scope.clone())
                    });
                    let raw = RowRef(&row);
                    if let Err(e) = f(lender.row(&raw)) {
                        cancel_rest(&token, &mut iter);
                        return Err(Error::from(e).with_query(rows.query()).with_row(count));
                    }
                    count += 1;
                }
            })
        })
    }

    /// Every row as dynamic values with its columns. A column of a type
    /// with no loader comes as the server's text for it.
    fn fetch_records(&mut self, query: impl Composable) -> Result<Vec<Record>> {
        self.fetch_all::<Record>(query)
    }

    /// Describes the query on the server (nothing runs) and checks that its
    /// columns fit `T`, with the error the real run would give.
    fn describe<T: RowType>(&mut self, query: impl Composable) -> Result<()> {
        let session = self.session();
        let exec = Exec::<Statement, T>::describe(&session, query)?;
        timed(self, session.timeout(), |conn| {
            describe(conn.generic_client(), exec).map(drop)
        })
    }

    /// Opens a server-side cursor over the query (inside a transaction),
    /// read in batches with [`Cursor::fetch_many`].
    fn cursor<T: RowType>(&mut self, query: impl Composable) -> Result<Cursor<'_, Self, T>> {
        let exec = Exec::<Statement, T>::describe(&self.session(), query)?;
        let described = describe(self.generic_client(), exec)?;
        Cursor::open(self, described, false)
    }

    /// [`cursor`](Self::cursor) `WITH HOLD`: usable outside a transaction
    /// until closed or the session ends.
    fn cursor_with_hold<T: RowType>(
        &mut self,
        query: impl Composable,
    ) -> Result<Cursor<'_, Self, T>> {
        let exec = Exec::<Statement, T>::describe(&self.session(), query)?;
        let described = describe(self.generic_client(), exec)?;
        Cursor::open(self, described, true)
    }

    /// Fetches the types `names` (SQL syntax) with the types they refer to
    /// from the catalogue and registers them in this connection's session
    /// scope.
    fn register_types<I>(&mut self, names: I) -> Result<Vec<Type>>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
        let session = self.session();
        let mut reg = Registration::new(&names);
        while let Some(l) = reg.next_lookup(&session.scope())? {
            let found = lookup(self.generic_client(), &l)?;
            reg.found(found)?;
        }
        Ok(session.configure(|scope| reg.register(scope))?)
    }

    /// [`register_types`](Self::register_types) for one name.
    fn register_type(&mut self, name: &str) -> Result<Type> {
        Ok(self.register_types([name])?.remove(0))
    }

    /// This connection with `scope` for the queries run through it: a
    /// per-query scope.
    fn with_scope(&mut self, scope: &Adapters) -> Scoped<'_, Self> {
        Scoped {
            conn: self,
            scope: Some(scope.clone()),
            timeout: None,
        }
    }

    /// This connection with `timeout` for the statements run through it,
    /// over the session's own ([`Session::set_timeout`](pgcast_core::exec::Session::set_timeout)).
    /// A verb that runs longer (lookups, describe, prepare and rows
    /// included) has its statement canceled on the server by a watchdog
    /// thread (started per timed call and joined before it returns) and
    /// fails with an error of kind [`Timeout`](ErrorKind::Timeout); the
    /// connection answers the next query. The verbs are timed (for
    /// [`fetch_iter`](Self::fetch_iter), to the last row); `COPY` and cursor
    /// batches are not. The cancel request goes out without TLS.
    ///
    /// ```no_run
    /// # fn f(client: &mut postgres::Client) -> pgcast_postgres::Result<()> {
    /// use std::time::Duration;
    /// use pgcast::sql::Sql;
    /// use pgcast_postgres::ClientExt;
    ///
    /// let slow = client
    ///     .with_timeout(Duration::from_millis(200))
    ///     .exec(&Sql::new("SELECT pg_sleep(10)"));
    /// assert!(slow.is_err_and(|e| e.is_timeout()));
    /// let one: i32 = client.fetch_scalar(&Sql::new("SELECT 1"))?;
    /// # Ok(()) }
    /// ```
    fn with_timeout(&mut self, timeout: Duration) -> Scoped<'_, Self> {
        Scoped {
            conn: self,
            scope: None,
            timeout: Some(timeout),
        }
    }

    /// Binary `COPY` of `rows` into `table`, columns named by
    /// [`ToRow::columns`], their types read from the table. A row that
    /// cannot be written aborts the `COPY`, with an error naming the row.
    /// The number of rows copied.
    fn copy_in_rows<R: ToRow>(
        &mut self,
        table: impl Composable,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<u64> {
        let session = self.session();
        let scope = session.scope();
        let (copy, describe_q) = copy_in_statements::<R>(&table);
        let copy_text = copy.render_with(&scope)?.text().to_owned();
        let trace = Trace::copy(&copy_text);
        let copied = trace.in_scope(|| {
            let exec = Exec::<Statement, Record>::columns(&session, &describe_q)?;
            let client = self.generic_client();
            let (_, cols) = describe(client, exec)?;
            let types: Vec<Type> = cols.into_iter().map(|c| c.ty).collect();
            let mut writer = client
                .copy_in(copy_text.as_str())
                .map_err(|e| error(e).with_query(&copy_text))?;
            let mut encoder = BinaryCopyEncoder::in_scope(&types, &scope);
            let io = |e: std::io::Error, q: &str| {
                Error::message(ErrorKind::Driver, format!("COPY write failed: {e}")).with_query(q)
            };
            for row in rows {
                let at = encoder.rows();
                // an early return drops the writer, which aborts the COPY
                encoder
                    .write_row(&row)
                    .map_err(|e| Error::from(e).with_row(at).with_query(&copy_text))?;
                if encoder.buffered() >= COPY_CHUNK {
                    writer
                        .write_all(&encoder.take())
                        .map_err(|e| io(e, &copy_text))?;
                }
            }
            writer
                .write_all(&encoder.finish())
                .map_err(|e| io(e, &copy_text))?;
            writer.finish().map_err(|e| error(e).with_query(&copy_text))
        });
        trace.record(&copied, copied.as_ref().ok().copied());
        copied
    }

    /// Binary `COPY (query) TO STDOUT` decoded into `T` as data is read;
    /// the query's values are inlined (`COPY` takes no parameters).
    fn copy_out_as<T: RowType>(&mut self, query: impl Composable) -> Result<CopyOutRows<'_, T>> {
        let session = self.session();
        let select = query.render_inline_with(&session.scope())?;
        let exec =
            Exec::<Statement, T>::columns(&session, Sql::from_runtime_unchecked(select.clone()))?;
        let client = self.generic_client();
        let (exec, cols) = describe(client, exec)?;
        let decoder = exec.decoder(&cols)?;
        let text = copy_out_statement(&select);
        let reader = Trace::copy(&text)
            .in_scope(|| client.copy_out(text.as_str()))
            .map_err(|e| error(e).with_query(&text))?;
        Ok(CopyOutRows::new(
            reader,
            CopyOutState::new(decoder, cols.len(), &text),
        ))
    }

    /// Runs a `COPY … FROM STDIN` statement (text, CSV or binary) with the
    /// data read from `data`. The number of rows copied.
    fn copy_in_raw(&mut self, statement: impl Composable, mut data: impl Read) -> Result<u64> {
        let text = statement.render_inline_with(&self.session().scope())?;
        let trace = Trace::copy(&text);
        let copied = trace.in_scope(|| {
            let mut writer = self
                .generic_client()
                .copy_in(text.as_str())
                .map_err(|e| error(e).with_query(&text))?;
            std::io::copy(&mut data, &mut writer).map_err(|e| {
                Error::message(ErrorKind::Driver, format!("COPY write failed: {e}"))
                    .with_query(&text)
            })?;
            writer.finish().map_err(|e| error(e).with_query(&text))
        });
        trace.record(&copied, copied.as_ref().ok().copied());
        copied
    }

    /// Runs a `COPY … TO STDOUT` statement; its data as a reader.
    fn copy_out_raw(&mut self, statement: impl Composable) -> Result<postgres::CopyOutReader<'_>> {
        let text = statement.render_inline_with(&self.session().scope())?;
        let client = self.generic_client();
        Trace::copy(&text)
            .in_scope(|| client.copy_out(text.as_str()))
            .map_err(|e| error(e).with_query(&text))
    }
}

impl<C: Conn + ?Sized> ClientExt for C {}
