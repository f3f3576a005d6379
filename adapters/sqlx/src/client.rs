//! The verbs: [`Conn`] is what pgcast runs queries on (a sqlx connection,
//! a transaction, a pooled connection, a pool), [`ClientExt`] the verbs
//! every connection gains, [`PoolExt`] the same verbs on a `PgPool`.

use std::future::Future;
use std::ops::{ControlFlow, Deref, DerefMut};

use futures_util::stream::BoxStream;
use pgcast_core::exec::{Exec, Lent, LentRow, LentRows, Record, Registration, RowType, expect_one};
use pgcast_core::sql::Composable;
use pgcast_core::{Adapters, LoadOwned, Type};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, Postgres};

use crate::cursor::Cursor;
use crate::run::{Statement, command, describe, drive, drive_raw, lookup};
use crate::session::session_of;
use crate::wire::{RowRef, columns, error};
use crate::{First, Result, Session};

mod sealed {
    pub trait Sealed {}
    impl Sealed for sqlx::postgres::PgConnection {}
    impl Sealed for super::Pooled<'_> {}
    impl<C: Sealed + ?Sized> Sealed for super::Scoped<'_, C> {}
    impl<C: Sealed + ?Sized> Sealed for super::WithSession<'_, C> {}
}

/// A connection checked out for one call: borrowed, or taken from a pool.
#[doc(hidden)]
pub enum Held<'a> {
    Borrowed(&'a mut PgConnection),
    Pooled(PoolConnection<Postgres>),
}

impl Deref for Held<'_> {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            Held::Borrowed(c) => c,
            Held::Pooled(c) => c,
        }
    }
}

impl DerefMut for Held<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Held::Borrowed(c) => c,
            Held::Pooled(c) => c,
        }
    }
}

/// What pgcast runs queries on: a `PgConnection` (and through `DerefMut`
/// a `Transaction<'_, Postgres>` or a `PoolConnection<Postgres>`), a pool
/// ([`PoolExt`] wraps it), or either with a query scope ([`Scoped`]).
/// Sealed.
///
/// Each physical connection has its [`Session`] (scope, statement
/// descriptions, row plans), found again on every checkout from a pool.
pub trait Conn: Send + sealed::Sealed {
    /// A connection for one call.
    #[doc(hidden)]
    fn hold(&mut self) -> impl Future<Output = Result<Held<'_>>> + Send;

    /// The query scope used instead of the connection's, if any.
    #[doc(hidden)]
    fn overlay(&self) -> Option<&Adapters> {
        None
    }

    /// The session used instead of the connection's own, if any.
    #[doc(hidden)]
    fn attached(&self) -> Option<&Session> {
        None
    }
}

/// What a [`Conn`] says about the session of a call: a query scope, a
/// session of its own.
#[derive(Default)]
pub(crate) struct Overlay {
    scope: Option<Adapters>,
    session: Option<Session>,
}

impl Overlay {
    pub(crate) fn of<C: Conn + ?Sized>(conn: &C) -> Overlay {
        Overlay {
            scope: conn.overlay().cloned(),
            session: conn.attached().cloned(),
        }
    }
}

impl Conn for PgConnection {
    async fn hold(&mut self) -> Result<Held<'_>> {
        Ok(Held::Borrowed(self))
    }
}

/// A pool, checking out one connection per call, with a query scope or
/// not: what [`PoolExt::with_scope`] makes.
#[derive(Debug)]
pub struct Pooled<'a> {
    pool: &'a PgPool,
    scope: Option<Adapters>,
    session: Option<Session>,
}

impl Conn for Pooled<'_> {
    async fn hold(&mut self) -> Result<Held<'_>> {
        Ok(Held::Pooled(self.pool.acquire().await.map_err(error)?))
    }

    fn overlay(&self) -> Option<&Adapters> {
        self.scope.as_ref()
    }

    fn attached(&self) -> Option<&Session> {
        self.session.as_ref()
    }
}

/// A connection with a per-query scope: made by
/// [`ClientExt::with_scope`] or [`PoolExt::with_scope`].
#[derive(Debug)]
pub struct Scoped<'a, C: ?Sized> {
    conn: &'a mut C,
    scope: Adapters,
}

impl<C: Conn + ?Sized> Conn for Scoped<'_, C> {
    fn hold(&mut self) -> impl Future<Output = Result<Held<'_>>> + Send {
        self.conn.hold()
    }

    fn overlay(&self) -> Option<&Adapters> {
        Some(&self.scope)
    }

    fn attached(&self) -> Option<&Session> {
        self.conn.attached()
    }
}

/// A connection (or pool) with a session of its own instead of the one
/// pgcast keeps for its physical connection: made by
/// [`ClientExt::with_session`] or [`PoolExt::with_session`]. What
/// transaction-pooler mode needs (see [`ClientExt::with_session`]).
#[derive(Debug)]
pub struct WithSession<'a, C: ?Sized> {
    conn: &'a mut C,
    session: Session,
}

impl<C: Conn + ?Sized> Conn for WithSession<'_, C> {
    fn hold(&mut self) -> impl Future<Output = Result<Held<'_>>> + Send {
        self.conn.hold()
    }

    fn overlay(&self) -> Option<&Adapters> {
        self.conn.overlay()
    }

    fn attached(&self) -> Option<&Session> {
        Some(&self.session)
    }
}

/// The session of a held connection: the connection's (or the one
/// attached with [`ClientExt::with_session`]), under the query scope if
/// there is one; and the connection's own (for registrations).
pub(crate) async fn sessions(
    conn: &mut PgConnection,
    overlay: &Overlay,
) -> Result<(Session, Session)> {
    let base = match &overlay.session {
        Some(s) => s.clone(),
        None => session_of(conn).await?,
    };
    let session = match &overlay.scope {
        Some(scope) => base.scoped(scope.clone()),
        None => base.clone(),
    };
    // Behind a pooler every statement goes through the simple protocol,
    // its values inlined.
    if session.is_pooler() {
        session.set_inline_always(true);
    }
    Ok((session, base))
}

/// Every row of a query as `T`.
async fn all<C: Conn + ?Sized, T: RowType>(
    conn: &mut C,
    query: impl Composable + Send + Sync,
) -> Result<Vec<T>> {
    let overlay = Overlay::of(&*conn);
    let mut held = conn.hold().await?;
    let (session, base) = sessions(&mut held, &overlay).await?;
    let mut exec = Exec::<Statement, T>::query(&session, query)?;
    let mut out = Vec::new();
    let mut failed = None;
    drive(&mut held, &base, &mut exec, |row| {
        std::future::ready(match row {
            Ok(v) => {
                out.push(v);
                ControlFlow::Continue(())
            }
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        })
    })
    .await?;
    match failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// "Exactly one" or "at most one" row, reading at most two.
async fn one<C: Conn + ?Sized, T: RowType>(
    conn: &mut C,
    query: impl Composable + Send + Sync,
    at_most: bool,
) -> Result<Option<T>> {
    let overlay = Overlay::of(&*conn);
    let mut held = conn.hold().await?;
    let (session, base) = sessions(&mut held, &overlay).await?;
    let mut exec = Exec::<Statement, T>::query(&session, query)?;
    let mut first = None;
    let mut more = false;
    let mut failed = None;
    drive(&mut held, &base, &mut exec, |row| {
        std::future::ready(match row {
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
            Ok(v) if first.is_none() => {
                first = Some(v);
                ControlFlow::Continue(())
            }
            Ok(_) => {
                more = true;
                ControlFlow::Break(())
            }
        })
    })
    .await?;
    if let Some(e) = failed {
        return Err(e);
    }
    expect_one(first, more, at_most, exec.text())
}

/// A row lent to [`ClientExt::for_each`]'s callback: decode it with
/// [`decode`](LentRow::decode) into a row type that borrows from it.
pub type BorrowedRow<'r> = LentRow<'r, RowRef<'r>>;

/// The verbs every [`Conn`] gains: composed queries (their values bound in
/// the query: `sql!`, `bind`, `Composed::with`), rows decoded into Rust
/// types with a plan made once per statement.
///
/// | pgcast | sqlx |
/// | --- | --- |
/// | [`exec`](Self::exec) | `query(..).execute(..)` |
/// | [`fetch_all`](Self::fetch_all) | `query_as(..).fetch_all(..)` |
/// | [`fetch_one`](Self::fetch_one) (exactly one) | `fetch_one` (the first) |
/// | [`fetch_optional`](Self::fetch_optional) (at most one) | `fetch_optional` |
/// | [`fetch_scalar`](Self::fetch_scalar) | `query_scalar(..).fetch_one(..)` |
/// | [`fetch_stream`](Self::fetch_stream) | `fetch` |
/// | [`fetch_records`](Self::fetch_records) | `fetch_all` + `PgRow` |
/// | [`for_each`](Self::for_each) (borrowed rows) | `fetch` + `try_get` of `&str` |
/// | [`cursor`](Self::cursor) | — |
/// | [`describe`](Self::describe) | `describe` (macros only) |
///
/// Implemented for `PgConnection`, so a `&mut PgConnection`, a
/// `Transaction<'_, Postgres>` and a `PoolConnection<Postgres>` have the
/// verbs through `DerefMut`; a `PgPool` has them through [`PoolExt`].
///
/// ```no_run
/// # async fn f(conn: &mut sqlx::PgConnection) -> pgcast_sqlx::Result<()> {
/// use pgcast::{FromRow, sql};
/// use pgcast_sqlx::ClientExt;
///
/// #[derive(FromRow)]
/// struct User { id: i64, email: String }
///
/// let table = "users";
/// let min = 10_i64;
/// let users: Vec<User> = conn.fetch_all(&sql!("SELECT id, email FROM {table:i} WHERE id >= {min}")).await?;
/// # Ok(()) }
/// ```
///
/// Every verb takes the query by value or by reference: by value, its
/// text and values are given to the request instead of copied.
pub trait ClientExt: Conn {
    /// Runs a command; the number of rows it affected.
    fn exec(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<u64>> + Send {
        async move {
            let overlay = Overlay::of(&*self);
            let mut held = self.hold().await?;
            let (session, base) = sessions(&mut held, &overlay).await?;
            let mut exec = Exec::<Statement, Record>::command(&session, query)?;
            command(&mut held, &base, &mut exec).await
        }
    }

    /// Every row as a `T` (a `FromRow` type: derived struct, tuple, scalar).
    fn fetch_all<T: RowType>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        all(self, query)
    }

    /// Exactly one row as a `T`; an error of kind
    /// [`NoRows`](crate::ErrorKind::NoRows) or
    /// [`TooManyRows`](crate::ErrorKind::TooManyRows) otherwise.
    fn fetch_one<T: RowType>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<T>> + Send {
        async move {
            let row = one(self, query, false).await?;
            pgcast_core::exec::exactly_one(row, "")
        }
    }

    /// At most one row as a `T`.
    fn fetch_optional<T: RowType>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        one(self, query, true)
    }

    /// The first column of exactly one row, as any `Load` type.
    fn fetch_scalar<T: LoadOwned + Send + 'static>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<T>> + Send {
        async move { self.fetch_one::<First<T>>(query).await.map(|First(v)| v) }
    }

    /// Lends each row to `f` as it arrives, to decode into a row type that
    /// borrows from it (`&str`, `&[u8]`,
    /// [`RawJson`](pgcast_core::types::RawJson), a derived struct with a
    /// lifetime): nothing is copied out of sqlx's row, and each row type is
    /// planned once per result. An error from `f` stops reading (sqlx
    /// discards the rest of the result); the number of rows lent.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut sqlx::PgConnection) -> pgcast_sqlx::Result<()> {
    /// use pgcast::sql;
    /// use pgcast_sqlx::ClientExt;
    ///
    /// let mut total = 0;
    /// conn.for_each(&sql!("SELECT name FROM items"), |row| {
    ///     let (name,): (&str,) = row.decode()?;
    ///     total += name.len();
    ///     Ok(())
    /// })
    /// .await?;
    /// # Ok(()) }
    /// ```
    fn for_each<F>(
        &mut self,
        query: impl Composable + Send + Sync,
        mut f: F,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        F: for<'r> FnMut(BorrowedRow<'r>) -> pgcast_core::Result<()> + Send,
    {
        async move {
            let overlay = Overlay::of(&*self);
            let mut held = self.hold().await?;
            let (session, base) = sessions(&mut held, &overlay).await?;
            let mut exec = Exec::<Statement, Lent>::query(&session, query)?;
            let mut lent: Option<LentRows> = None;
            let mut failed: Option<crate::Error> = None;
            let mut count = 0_u64;
            let text = exec.text().to_owned();
            drive_raw(&mut held, &base, &mut exec, |row| {
                if lent.is_none() {
                    let scope = session.scope();
                    match columns(sqlx::Row::columns(row), &scope) {
                        Ok(cols) => lent = Some(LentRows::new(cols, scope)),
                        Err(oids) => {
                            failed = Some(crate::Error::from(pgcast_core::Error::new(
                                pgcast_core::ErrorKind::WrongType,
                                format!("result columns of types pgcast does not know: {oids:?}"),
                            )));
                            return ControlFlow::Break(());
                        }
                    }
                }
                let Some(rows) = &lent else {
                    return ControlFlow::Break(());
                };
                match f(rows.row(&RowRef(row))) {
                    Ok(()) => {
                        count += 1;
                        ControlFlow::Continue(())
                    }
                    Err(e) => {
                        failed = Some(crate::Error::from(e).with_row(count));
                        ControlFlow::Break(())
                    }
                }
            })
            .await?;
            // (a slow statement is reported without its plan here)
            drop(exec.finish(Some(count)));
            match failed {
                Some(e) => Err(e.with_query(&text)),
                None => Ok(count),
            }
        }
    }

    /// Every row as dynamic values with its columns. A column of a type
    /// with no loader comes as the server's text for it.
    fn fetch_records(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Vec<Record>>> + Send {
        all(self, query)
    }

    /// The rows as a stream of `T`, decoded as they arrive; the stream
    /// holds the connection until it ends or is dropped.
    fn fetch_stream<'c, T: RowType>(
        &'c mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<BoxStream<'c, Result<T>>>> + Send {
        async move {
            let overlay = Overlay::of(&*self);
            let mut held = self.hold().await?;
            let (session, base) = sessions(&mut held, &overlay).await?;
            let exec = Exec::<Statement, T>::query(&session, query)?;
            Ok(crate::stream::rows(held, base, exec))
        }
    }

    /// Describes the query on the server (nothing runs) and checks that its
    /// columns fit `T`, with the error the real run would give.
    fn describe<T: RowType>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<()>> + Send {
        async move {
            let overlay = Overlay::of(&*self);
            let mut held = self.hold().await?;
            let (session, base) = sessions(&mut held, &overlay).await?;
            let mut exec = Exec::<Statement, T>::describe(&session, query)?;
            describe(&mut held, &base, &mut exec).await.map(drop)
        }
    }

    /// Opens a server-side cursor over the query (inside a transaction): rows
    /// stay on the server until [`fetch_many`](crate::CursorFetch::fetch_many) asks for them.
    fn cursor<T: RowType>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Cursor<'_, T>>> + Send {
        Cursor::open(self, query, false)
    }

    /// [`cursor`](Self::cursor) `WITH HOLD`: usable outside a transaction,
    /// until closed or the session ends.
    fn cursor_with_hold<T: RowType>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Cursor<'_, T>>> + Send {
        Cursor::open(self, query, true)
    }

    /// Fetches the types `names` (SQL syntax: `hstore`, `app.mood`; unqualified
    /// names follow the `search_path`) with the types they refer to, and
    /// registers them in this connection's session scope.
    fn register_types<I>(&mut self, names: I) -> impl Future<Output = Result<Vec<Type>>> + Send
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
        async move {
            let attached = self.attached().cloned();
            let mut held = self.hold().await?;
            let session = match attached {
                Some(s) => s,
                None => session_of(&mut held).await?,
            };
            let mut reg = Registration::new(&names);
            while let Some(l) = reg.next_lookup(&session.scope())? {
                reg.found(lookup(&mut held, &l).await?)?;
            }
            Ok(session.configure(|scope| reg.register(scope))?)
        }
    }

    /// [`register_types`](Self::register_types) for one name.
    fn register_type(&mut self, name: &str) -> impl Future<Output = Result<Type>> + Send {
        let name = name.to_owned();
        async move { Ok(self.register_types([name]).await?.remove(0)) }
    }

    /// The session of this connection (the one a pool checked out, for a
    /// pool): its scope, statements and plans.
    fn pg_session(&mut self) -> impl Future<Output = Result<Session>> + Send {
        async move {
            match self.attached().cloned() {
                Some(s) => Ok(s),
                None => session_of(&mut *self.hold().await?).await,
            }
        }
    }

    /// This connection with `scope` for the queries run through it: a
    /// per-query scope (global → connection → query).
    fn with_scope(&mut self, scope: &Adapters) -> Scoped<'_, Self> {
        Scoped {
            conn: self,
            scope: scope.clone(),
        }
    }

    /// This connection with `session` instead of the one pgcast finds for
    /// it (through a statement kept in sqlx's cache): one session shared by
    /// whoever holds it.
    ///
    /// Behind a transaction pooler (PgBouncer in `pool_mode = transaction`)
    /// this is the way in: a session with
    /// [`set_pooler(true)`](pgcast_core::exec::Session::set_pooler), attached
    /// before the first query, so that no named statement is ever prepared
    /// (the pooler would hand it to other clients, or lose it). In that
    /// mode every statement, and every catalogue lookup, goes out through
    /// the simple protocol with its values inlined as literals (see
    /// [`run`](crate::run)).
    ///
    /// ```no_run
    /// # async fn f(conn: &mut sqlx::PgConnection) -> pgcast_sqlx::Result<()> {
    /// use pgcast::sql;
    /// use pgcast_sqlx::{ClientExt, Session};
    ///
    /// let session = Session::new();
    /// session.set_pooler(true);
    /// let mood = "ok";
    /// let n: i64 = conn
    ///     .with_session(&session)
    ///     .fetch_scalar(&sql!("SELECT count(*) FROM readings WHERE mood = {mood}"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    fn with_session(&mut self, session: &Session) -> WithSession<'_, Self> {
        WithSession {
            conn: self,
            session: session.clone(),
        }
    }
}

impl<C: Conn + ?Sized> ClientExt for C {}

/// The verbs of [`ClientExt`] on a `PgPool`: each call checks a connection
/// out for itself, and finds that physical connection's session (scope,
/// statements, plans) again. Streams hold their connection until they end.
/// Cursors and `COPY` need one connection throughout: check one out
/// (`pool.acquire()`), which has every verb.
///
/// ```no_run
/// # async fn f(pool: &sqlx::PgPool) -> pgcast_sqlx::Result<()> {
/// use pgcast::sql;
/// use pgcast_sqlx::PoolExt;
///
/// let x = 41_i64;
/// let n: i64 = pool.fetch_scalar(&sql!("SELECT {x} + 1")).await?;
/// assert_eq!(n, 42);
/// # Ok(()) }
/// ```
pub trait PoolExt: sealed::Sealed {
    /// [`ClientExt::exec`] on a connection of the pool.
    fn exec(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// [`ClientExt::fetch_all`] on a connection of the pool.
    fn fetch_all<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Vec<T>>> + Send;
    /// [`ClientExt::fetch_one`] on a connection of the pool.
    fn fetch_one<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<T>> + Send;
    /// [`ClientExt::fetch_optional`] on a connection of the pool.
    fn fetch_optional<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Option<T>>> + Send;
    /// [`ClientExt::fetch_scalar`] on a connection of the pool.
    fn fetch_scalar<T: LoadOwned + Send + 'static>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<T>> + Send;
    /// [`ClientExt::fetch_records`] on a connection of the pool.
    fn fetch_records(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Vec<Record>>> + Send;
    /// [`ClientExt::for_each`] on a connection of the pool.
    fn for_each<F>(
        &self,
        query: impl Composable + Send + Sync,
        f: F,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        F: for<'r> FnMut(BorrowedRow<'r>) -> pgcast_core::Result<()> + Send;
    /// [`ClientExt::fetch_stream`] on a connection of the pool, which the
    /// stream holds until it ends or is dropped.
    fn fetch_stream<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<BoxStream<'static, Result<T>>>> + Send;
    /// [`ClientExt::describe`] on a connection of the pool.
    fn describe<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The pool with `scope` for the queries run through it.
    fn with_scope(&self, scope: &Adapters) -> Pooled<'_>;
    /// The pool with `session` for every connection it checks out, instead
    /// of each physical connection's own: see [`ClientExt::with_session`]
    /// (transaction poolers).
    fn with_session(&self, session: &Session) -> Pooled<'_>;
}

impl sealed::Sealed for PgPool {}

impl PoolExt for PgPool {
    async fn exec(&self, query: impl Composable + Send + Sync) -> Result<u64> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .exec(query)
        .await
    }

    async fn fetch_all<T: RowType>(&self, query: impl Composable + Send + Sync) -> Result<Vec<T>> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .fetch_all(query)
        .await
    }

    async fn fetch_one<T: RowType>(&self, query: impl Composable + Send + Sync) -> Result<T> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .fetch_one(query)
        .await
    }

    async fn fetch_optional<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> Result<Option<T>> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .fetch_optional(query)
        .await
    }

    async fn fetch_scalar<T: LoadOwned + Send + 'static>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> Result<T> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .fetch_scalar(query)
        .await
    }

    async fn fetch_records(&self, query: impl Composable + Send + Sync) -> Result<Vec<Record>> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .fetch_records(query)
        .await
    }

    async fn for_each<F>(&self, query: impl Composable + Send + Sync, f: F) -> Result<u64>
    where
        F: for<'r> FnMut(BorrowedRow<'r>) -> pgcast_core::Result<()> + Send,
    {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .for_each(query, f)
        .await
    }

    async fn fetch_stream<T: RowType>(
        &self,
        query: impl Composable + Send + Sync,
    ) -> Result<BoxStream<'static, Result<T>>> {
        let mut held = Held::Pooled(self.acquire().await.map_err(error)?);
        let (session, base) = sessions(&mut held, &Overlay::default()).await?;
        let exec = Exec::<Statement, T>::query(&session, query)?;
        Ok(crate::stream::rows(held, base, exec))
    }

    async fn describe<T: RowType>(&self, query: impl Composable + Send + Sync) -> Result<()> {
        Pooled {
            pool: self,
            scope: None,
            session: None,
        }
        .describe::<T>(query)
        .await
    }

    fn with_session(&self, session: &Session) -> Pooled<'_> {
        Pooled {
            pool: self,
            scope: None,
            session: Some(session.clone()),
        }
    }

    fn with_scope(&self, scope: &Adapters) -> Pooled<'_> {
        Pooled {
            pool: self,
            scope: Some(scope.clone()),
            session: None,
        }
    }
}
