//! The extension methods: [`Connection`] is what a client must give
//! (a `GenericClient` and a [`Session`]), [`ClientExt`] the methods every
//! connection gains, [`PgClient`] a client with a session of its own.

use std::future::Future;
use std::ops::{Deref, DerefMut};

use futures_util::{StreamExt, pin_mut};
use pgcast_core::LoadOwned;
use pgcast_core::sql::Composable;
use tokio_postgres::{Client, GenericClient, Statement, Transaction};

use crate::rows::{First, Record, RowType};
use crate::{Cursor, Error, ErrorKind, Params, Request, Result, RowStream, Session};

/// A connection pgcast can run queries on: a tokio-postgres
/// `GenericClient` (a `Client`, a `Transaction`, a pooled client through
/// `Deref`) and the [`Session`] it keeps.
///
/// Plain `Client`s and `Transaction`s get a fresh, non-caching session on
/// the global scope for each call; a [`PgClient`] keeps its own.
pub trait Connection: Sync {
    /// The driver client.
    type Client: GenericClient + Sync;

    /// The driver client queries run on.
    fn generic_client(&self) -> &Self::Client;

    /// The session: scope, statement and plan caches.
    fn session(&self) -> Session;
}

impl Connection for Client {
    type Client = Client;

    fn generic_client(&self) -> &Client {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }
}

impl Connection for Transaction<'_> {
    type Client = Self;

    fn generic_client(&self) -> &Self {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }
}

impl<T: Connection + ?Sized> Connection for &T {
    type Client = T::Client;

    fn generic_client(&self) -> &T::Client {
        (**self).generic_client()
    }

    fn session(&self) -> Session {
        (**self).session()
    }
}

/// A client with a [`Session`] of its own: the registry scope of the
/// connection (types registered here stay here), prepared statements cached
/// by query text and row plans cached per statement.
///
/// It derefs to the client, so every driver method stays at hand.
///
/// ```no_run
/// # async fn f(client: tokio_postgres::Client) -> pgcast_tokio_postgres::Result<()> {
/// use pgcast_core::sql::{bind, Sql};
/// use pgcast_tokio_postgres::{params, ClientExt, PgClient};
///
/// let client = PgClient::new(client);
/// client.register_types(["hstore"]).await?;
/// let n: i64 = client.query_scalar_as(&(Sql::new("SELECT ") + bind(41_i64) + Sql::new(" + 1")), params! {}).await?;
/// assert_eq!(n, 42);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PgClient<C> {
    client: C,
    session: Session,
}

impl<C: Connection> PgClient<C> {
    /// `client` with a new session on a scope of the global registry.
    pub fn new(client: C) -> PgClient<C> {
        PgClient::with_session(client, Session::new())
    }

    /// `client` with this session (one session per connection: a client and
    /// its transactions may share one).
    pub fn with_session(client: C, session: Session) -> PgClient<C> {
        PgClient { client, session }
    }

    /// The session.
    pub fn pg_session(&self) -> &Session {
        &self.session
    }

    /// The client, without the session.
    pub fn into_inner(self) -> C {
        self.client
    }
}

impl PgClient<Client> {
    /// Opens a transaction that shares this client's session.
    pub async fn pg_transaction(&mut self) -> Result<PgClient<Transaction<'_>>> {
        let session = self.session.clone();
        let tx = self.client.transaction().await?;
        Ok(PgClient::with_session(tx, session))
    }
}

impl PgClient<Transaction<'_>> {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<()> {
        Ok(self.client.commit().await?)
    }

    /// Rolls the transaction back.
    pub async fn rollback(self) -> Result<()> {
        Ok(self.client.rollback().await?)
    }
}

impl<C> Deref for PgClient<C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.client
    }
}

impl<C> DerefMut for PgClient<C> {
    fn deref_mut(&mut self) -> &mut C {
        &mut self.client
    }
}

impl<C: Connection> Connection for PgClient<C> {
    type Client = C::Client;

    fn generic_client(&self) -> &C::Client {
        self.client.generic_client()
    }

    fn session(&self) -> Session {
        self.session.clone()
    }
}

/// Prepares `text`, or takes the session's statement for it.
pub(crate) async fn prepare<C: GenericClient + Sync>(
    client: &C,
    session: &Session,
    text: &str,
) -> Result<Statement> {
    if let Some(statement) = session.statement(text) {
        return Ok(statement);
    }
    let statement = client
        .prepare(text)
        .await
        .map_err(|e| Error::from(e).with_query(text))?;
    session.store_statement(text, &statement);
    Ok(statement)
}

/// Sends a request: unprepared in one round trip when every parameter type
/// is known, else through the session's prepared statement.
async fn start<C: GenericClient + Sync, T: RowType>(
    client: &C,
    session: &Session,
    request: &Request,
) -> Result<RowStream<T>> {
    let text = request.text();
    if let Some(args) = request.typed_args() {
        let stream = client
            .query_typed_raw(text, args)
            .await
            .map_err(|e| Error::from(e).with_query(text))?;
        return Ok(RowStream::new(stream, None, session.scope(), text));
    }
    let statement = prepare(client, session, text).await?;
    let decoder = session
        .decoder_for::<T>(text, &statement)
        .map_err(|e| Error::from(e).with_query(text))?;
    let stream = client
        .query_raw(&statement, request.args())
        .await
        .map_err(|e| Error::from(e).with_query(text))?;
    Ok(RowStream::new(stream, Some(decoder), session.scope(), text))
}

fn request<C: Connection + ?Sized>(
    conn: &C,
    query: &impl Composable,
    params: Params,
) -> (Session, Result<Request>) {
    let session = conn.session();
    let request = Request::new(query, params, &session.scope());
    (session, request)
}

async fn one<T: RowType>(mut stream: RowStream<T>, at_most: bool) -> Result<Option<T>> {
    let first = match stream.next().await {
        Some(row) => row?,
        None if at_most => return Ok(None),
        None => {
            return Err(
                Error::message(ErrorKind::NoRows, "the query returned no rows")
                    .with_query(stream.query()),
            );
        }
    };
    match stream.next().await {
        None => Ok(Some(first)),
        Some(Err(e)) => Err(e),
        Some(Ok(_)) => Err(Error::message(
            ErrorKind::TooManyRows,
            "the query returned more than one row",
        )
        .with_query(stream.query())),
    }
}

/// What every [`Connection`] gains: composed queries with their bound
/// values and named parameters, rows decoded into Rust types.
///
/// Queries are any [`Composable`] (`sql!`, `Sql::new(..) + bind(..)`),
/// rendered in the connection's scope; `params` supplies named and
/// positional placeholders ([`params!`](crate::params)).
///
/// Every query goes out unprepared in one round trip when every parameter
/// type is known, and through a prepared statement (cached by a
/// [`PgClient`]'s session) otherwise. Results are streamed and decoded as
/// they arrive, never buffered as driver rows first.
pub trait ClientExt: Connection {
    /// Runs a command; the number of rows it affected.
    fn exec(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<u64>> + Send {
        let (session, request) = request(self, query, params);
        async move {
            let request = request?;
            let client = self.generic_client();
            let text = request.text();
            let result = match request.typed_args() {
                Some(args) => {
                    let args: Vec<_> = args
                        .iter()
                        .map(|(a, ty)| (a as &(dyn postgres_types::ToSql + Sync), ty.clone()))
                        .collect();
                    client.execute_typed(text, &args).await
                }
                None => {
                    let statement = prepare(client, &session, text).await?;
                    client.execute_raw(&statement, request.args()).await
                }
            };
            result.map_err(|e| Error::from(e).with_query(text))
        }
    }

    /// The rows as a stream of `T`, decoded as they arrive.
    fn query_stream<T: RowType>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<RowStream<T>>> + Send {
        let (session, request) = request(self, query, params);
        async move { start(self.generic_client(), &session, &request?).await }
    }

    /// Every row as a `T` (a `FromRow` type: derived struct, tuple, scalar).
    fn query_as<T: RowType>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        let (session, request) = request(self, query, params);
        async move {
            let stream = start::<_, T>(self.generic_client(), &session, &request?).await?;
            pin_mut!(stream);
            let mut rows = Vec::new();
            while let Some(row) = stream.next().await {
                rows.push(row?);
            }
            Ok(rows)
        }
    }

    /// Exactly one row as a `T`; an error of kind
    /// [`NoRows`](ErrorKind::NoRows) or [`TooManyRows`](ErrorKind::TooManyRows)
    /// otherwise.
    fn query_one_as<T: RowType>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<T>> + Send {
        let (session, request) = request(self, query, params);
        async move {
            let stream = start::<_, T>(self.generic_client(), &session, &request?).await?;
            match one(stream, false).await? {
                Some(row) => Ok(row),
                None => Err(Error::message(
                    ErrorKind::NoRows,
                    "the query returned no rows",
                )),
            }
        }
    }

    /// At most one row as a `T`.
    fn query_opt_as<T: RowType>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        let (session, request) = request(self, query, params);
        async move {
            let stream = start::<_, T>(self.generic_client(), &session, &request?).await?;
            one(stream, true).await
        }
    }

    /// The first column of exactly one row, as any `Load` type.
    fn query_scalar_as<T: LoadOwned + Send + 'static>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<T>> + Send {
        let fut = self.query_one_as::<First<T>>(query, params);
        async move { fut.await.map(|First(v)| v) }
    }

    /// Opens a server-side cursor over the query (inside a transaction): rows
    /// stay on the server until [`Cursor::fetchmany`] asks for them.
    fn cursor<T: RowType>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<Cursor<'_, Self, T>>> + Send {
        let scope = self.session().scope();
        let declared = Cursor::<Self, T>::request(query, params, false, &scope);
        async move {
            let (name, request) = declared?;
            Cursor::open(self, name, request, scope).await
        }
    }

    /// [`cursor`](Self::cursor) `WITH HOLD`: usable outside a transaction,
    /// until closed or the session ends (the server materializes the result
    /// when the creating transaction commits).
    fn cursor_with_hold<T: RowType>(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<Cursor<'_, Self, T>>> + Send {
        let scope = self.session().scope();
        let declared = Cursor::<Self, T>::request(query, params, true, &scope);
        async move {
            let (name, request) = declared?;
            Cursor::open(self, name, request, scope).await
        }
    }

    /// Every row as dynamic values with its columns.
    fn query_records(
        &self,
        query: &impl Composable,
        params: Params,
    ) -> impl Future<Output = Result<Vec<Record>>> + Send {
        self.query_as::<Record>(query, params)
    }
}

impl<C: Connection + ?Sized> ClientExt for C {}
