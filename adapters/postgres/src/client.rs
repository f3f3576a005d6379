//! [`Connection`], [`ClientExt`] and [`PgClient`] for the blocking client.

use std::io::{Read, Write};
use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use pgcast_core::LoadOwned;
use pgcast_core::row::ToRow;
use pgcast_core::sql::Composable;
use pgcast_core::typeinfo::{TYPE_BY_OID_SQL, TypeInfo};
use pgcast_core::{Error as PgError, ErrorKind as PgErrorKind, Oid, Type};
use pgcast_tokio_postgres::driver::{copy_in_statements, copy_out_statement, parse_row};
use pgcast_tokio_postgres::{BinaryCopyDecoder, BinaryCopyEncoder, Decoder, Resolution, Step};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, GenericClient, Statement, Transaction};

use crate::{
    CopyOutRows, Cursor, Error, ErrorKind, First, Params, Record, Request, Result, RowType, Session,
};

/// A blocking connection pgcast can run queries on: a `postgres`
/// `GenericClient` (`Client`, `Transaction`) and the [`Session`] it keeps.
///
/// Plain clients get a fresh, non-caching session on the global scope for
/// each call; a [`PgClient`] keeps its own.
pub trait Connection {
    /// The driver client.
    type Client: GenericClient;

    /// The driver client queries run on.
    fn generic_client(&mut self) -> &mut Self::Client;

    /// The session: scope, statement and plan caches.
    fn session(&self) -> Session;
}

impl Connection for Client {
    type Client = Client;

    fn generic_client(&mut self) -> &mut Client {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }
}

impl Connection for Transaction<'_> {
    type Client = Self;

    fn generic_client(&mut self) -> &mut Self {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }
}

impl<T: Connection + ?Sized> Connection for &mut T {
    type Client = T::Client;

    fn generic_client(&mut self) -> &mut T::Client {
        (**self).generic_client()
    }

    fn session(&self) -> Session {
        (**self).session()
    }
}

/// A blocking client with a [`Session`] of its own: the connection's
/// registry scope, prepared statements by text, row plans per statement. It
/// derefs to the client.
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

    /// `client` with this session (one session per connection).
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

    /// Fetches the type `name` (SQL syntax; with the types it refers to)
    /// from the catalogue and registers it in this connection's scope.
    pub fn register_type(&mut self, name: &str) -> Result<Type> {
        let mut scope = self.session.scope();
        let ty = register_type_info(&mut self.client, &mut scope, name)?;
        self.session.configure(|s| *s = scope);
        Ok(ty)
    }

    /// [`register_type`](Self::register_type) for each name, in order.
    pub fn register_types<I>(&mut self, names: I) -> Result<Vec<Type>>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        names
            .into_iter()
            .map(|name| self.register_type(name.as_ref()))
            .collect()
    }
}

impl PgClient<Client> {
    /// Opens a transaction that shares this client's session.
    pub fn pg_transaction(&mut self) -> Result<PgClient<Transaction<'_>>> {
        let session = self.session.clone();
        Ok(PgClient::with_session(self.client.transaction()?, session))
    }
}

impl PgClient<Transaction<'_>> {
    /// Commits the transaction.
    pub fn commit(self) -> Result<()> {
        Ok(self.client.commit()?)
    }

    /// Rolls the transaction back.
    pub fn rollback(self) -> Result<()> {
        Ok(self.client.rollback()?)
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

    fn generic_client(&mut self) -> &mut C::Client {
        self.client.generic_client()
    }

    fn session(&self) -> Session {
        self.session.clone()
    }
}

fn fetch_by_name<C: GenericClient>(client: &mut C, name: &str) -> Result<Option<TypeInfo>> {
    let query = TypeInfo::query_by_name(name);
    let params: [(&(dyn ToSql + Sync), Type); 1] = [(&query.param, Type::TEXT)];
    let row = client
        .query_typed_opt(query.sql, &params)
        .map_err(|e| Error::from(e).with_query(query.sql))?;
    Ok(row.as_ref().map(parse_row).transpose()?)
}

fn fetch_by_oid<C: GenericClient>(client: &mut C, oid: Oid) -> Result<Option<TypeInfo>> {
    let params: [(&(dyn ToSql + Sync), Type); 1] = [(&oid, Type::OID)];
    let row = client
        .query_typed_opt(TYPE_BY_OID_SQL, &params)
        .map_err(|e| Error::from(e).with_query(TYPE_BY_OID_SQL))?;
    Ok(row.as_ref().map(parse_row).transpose()?)
}

/// Fetches the type `name` and registers it in `scope`, with the types it
/// refers to that `scope` does not know yet, and its array type.
pub fn register_type_info<C: Connection + ?Sized>(
    conn: &mut C,
    scope: &mut pgcast_core::Adapters,
    name: &str,
) -> Result<Type> {
    let client = conn.generic_client();
    let info = fetch_by_name(client, name)?.ok_or_else(|| {
        Error::from(PgError::new(
            PgErrorKind::WrongType,
            format!("no type named {name:?}"),
        ))
    })?;
    let mut resolution = Resolution::new(info);
    loop {
        match resolution.step(scope)? {
            Step::Done(ty) => return Ok(ty),
            Step::Fetch(oid) => {
                let dep = fetch_by_oid(client, oid)?;
                resolution.provide(oid, dep)?;
            }
        }
    }
}

/// Prepares `text`, or takes the session's statement for it.
pub(crate) fn prepare<C: GenericClient>(
    client: &mut C,
    session: &Session,
    text: &str,
) -> Result<Statement> {
    if let Some(statement) = session.statement(text) {
        return Ok(statement);
    }
    let statement = client
        .prepare(text)
        .map_err(|e| Error::from(e).with_query(text))?;
    session.store_statement(text, &statement);
    Ok(statement)
}

/// Rows of a query decoded into `T` one at a time as the driver reads
/// them: memory stays flat however large the result. Dropping it midway
/// leaves the connection usable (the driver discards the rest).
pub struct RowIter<'a, T: RowType> {
    inner: postgres::RowIter<'a>,
    decoder: Option<Decoder<T>>,
    scope: pgcast_core::Adapters,
    query: String,
    rows: u64,
}

impl<T: RowType> RowIter<'_, T> {
    /// The number of rows the command affected, once the iterator is done.
    pub fn rows_affected(&self) -> Option<u64> {
        self.inner.rows_affected()
    }

    fn decode(&mut self, row: &postgres::Row) -> Result<T> {
        let decoder = match &self.decoder {
            Some(d) => d,
            None => self.decoder.insert(
                Decoder::new(&pgcast_tokio_postgres::describe(row.columns()), &self.scope)
                    .map_err(|e| Error::from(e).with_query(&self.query))?,
            ),
        };
        decoder
            .decode(row)
            .map_err(|e| Error::from(e).with_row(self.rows).with_query(&self.query))
    }
}

impl<T: RowType> Iterator for RowIter<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.inner.next() {
            Ok(None) => None,
            Err(e) => Some(Err(Error::from(e).with_query(&self.query))),
            Ok(Some(row)) => {
                let item = self.decode(&row);
                self.rows += 1;
                Some(item)
            }
        }
    }
}

impl<T: RowType> std::fmt::Debug for RowIter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowIter")
            .field("query", &self.query)
            .field("rows", &self.rows)
            .finish()
    }
}

fn start<'c, C: GenericClient, T: RowType>(
    client: &'c mut C,
    session: &Session,
    request: &Request,
) -> Result<RowIter<'c, T>> {
    let text = request.text();
    if let Some(args) = request.typed_args() {
        let inner = client
            .query_typed_raw(text, args)
            .map_err(|e| Error::from(e).with_query(text))?;
        return Ok(RowIter {
            inner,
            decoder: None,
            scope: session.scope(),
            query: text.to_owned(),
            rows: 0,
        });
    }
    let statement = prepare(client, session, text)?;
    let decoder = session
        .decoder_for::<T>(text, &statement)
        .map_err(|e| Error::from(e).with_query(text))?;
    let inner = client
        .query_raw(&statement, request.args())
        .map_err(|e| Error::from(e).with_query(text))?;
    Ok(RowIter {
        inner,
        decoder: Some(decoder),
        scope: session.scope(),
        query: text.to_owned(),
        rows: 0,
    })
}

fn one<T: RowType>(mut rows: RowIter<'_, T>, at_most: bool) -> Result<Option<T>> {
    let first = match rows.next() {
        Some(row) => row?,
        None if at_most => return Ok(None),
        None => {
            return Err(
                Error::message(ErrorKind::NoRows, "the query returned no rows")
                    .with_query(&rows.query),
            );
        }
    };
    match rows.next() {
        None => Ok(Some(first)),
        Some(Err(e)) => Err(e),
        Some(Ok(_)) => Err(Error::message(
            ErrorKind::TooManyRows,
            "the query returned more than one row",
        )
        .with_query(&rows.query)),
    }
}

/// What every blocking [`Connection`] gains: the methods of
/// [`pgcast_tokio_postgres::ClientExt`], blocking, plus `COPY` with
/// iterators, readers and writers.
pub trait ClientExt: Connection {
    /// Runs a command; the number of rows it affected.
    fn exec(&mut self, query: &impl Composable, params: Params) -> Result<u64> {
        let session = self.session();
        let request = Request::new(query, params, &session.scope())?;
        let client = self.generic_client();
        let text = request.text();
        let result = match request.typed_args() {
            Some(args) => {
                let args: Vec<_> = args
                    .iter()
                    .map(|(a, ty)| (a as &(dyn ToSql + Sync), ty.clone()))
                    .collect();
                client.execute_typed(text, &args)
            }
            None => {
                let statement = prepare(client, &session, text)?;
                let args = request.args();
                let refs: Vec<&(dyn ToSql + Sync)> =
                    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
                client.execute(&statement, &refs)
            }
        };
        result.map_err(|e| Error::from(e).with_query(text))
    }

    /// The rows as an iterator of `T`, decoded as they are read.
    fn query_iter<T: RowType>(
        &mut self,
        query: &impl Composable,
        params: Params,
    ) -> Result<RowIter<'_, T>> {
        let session = self.session();
        let request = Request::new(query, params, &session.scope())?;
        start(self.generic_client(), &session, &request)
    }

    /// Every row as a `T`.
    fn query_as<T: RowType>(&mut self, query: &impl Composable, params: Params) -> Result<Vec<T>> {
        self.query_iter(query, params)?.collect()
    }

    /// Exactly one row as a `T`; [`NoRows`](ErrorKind::NoRows) or
    /// [`TooManyRows`](ErrorKind::TooManyRows) otherwise.
    fn query_one_as<T: RowType>(&mut self, query: &impl Composable, params: Params) -> Result<T> {
        let rows = self.query_iter(query, params)?;
        one(rows, false)?
            .ok_or_else(|| Error::message(ErrorKind::NoRows, "the query returned no rows"))
    }

    /// At most one row as a `T`.
    fn query_opt_as<T: RowType>(
        &mut self,
        query: &impl Composable,
        params: Params,
    ) -> Result<Option<T>> {
        let rows = self.query_iter(query, params)?;
        one(rows, true)
    }

    /// The first column of exactly one row, as any `Load` type.
    fn query_scalar_as<T: LoadOwned + Send + 'static>(
        &mut self,
        query: &impl Composable,
        params: Params,
    ) -> Result<T> {
        self.query_one_as::<First<T>>(query, params)
            .map(|First(v)| v)
    }

    /// Every row as dynamic values with its columns.
    fn query_records(&mut self, query: &impl Composable, params: Params) -> Result<Vec<Record>> {
        self.query_as(query, params)
    }

    /// Opens a server-side cursor over the query (inside a transaction),
    /// read with [`Cursor::fetchmany`].
    fn cursor<T: RowType>(
        &mut self,
        query: &impl Composable,
        params: Params,
    ) -> Result<Cursor<'_, Self, T>> {
        Cursor::open(self, query, params, false)
    }

    /// [`cursor`](Self::cursor) `WITH HOLD`, usable outside a transaction.
    fn cursor_with_hold<T: RowType>(
        &mut self,
        query: &impl Composable,
        params: Params,
    ) -> Result<Cursor<'_, Self, T>> {
        Cursor::open(self, query, params, true)
    }

    /// Binary `COPY` of `rows` into `table`, columns named by
    /// [`ToRow::columns`], their types read from the table (cached by a
    /// session). A row that cannot be written aborts the `COPY`, with an
    /// error naming the row. The number of rows copied.
    fn copy_in_rows<R: ToRow>(
        &mut self,
        table: &impl Composable,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<u64> {
        let session = self.session();
        let scope = session.scope();
        let (copy, describe) = copy_in_statements::<R>(table);
        let copy_text = copy.render_with(&scope)?.text().to_owned();
        let describe_text = describe.render_with(&scope)?.text().to_owned();
        let client = self.generic_client();
        let described = prepare(client, &session, &describe_text)?;
        let types: Vec<Type> = described
            .columns()
            .iter()
            .map(|c| c.type_().clone())
            .collect();
        let statement = prepare(client, &session, &copy_text)?;
        let mut writer = client
            .copy_in(&statement)
            .map_err(|e| Error::from(e).with_query(&copy_text))?;
        let policy = *scope.policy();
        let mut encoder = BinaryCopyEncoder::new(&types, &policy);
        let io = |e: std::io::Error, q: &str| {
            Error::message(ErrorKind::Driver, format!("COPY write failed: {e}")).with_query(q)
        };
        for row in rows {
            let at = encoder.rows();
            // an early return drops the writer, which aborts the COPY
            encoder
                .write_row(&row)
                .map_err(|e| Error::from(e).with_row(at).with_query(&copy_text))?;
            if encoder.buffered() >= 64 * 1024 {
                writer
                    .write_all(&encoder.take())
                    .map_err(|e| io(e, &copy_text))?;
            }
        }
        let rest: Bytes = encoder.finish();
        writer.write_all(&rest).map_err(|e| io(e, &copy_text))?;
        writer
            .finish()
            .map_err(|e| Error::from(e).with_query(&copy_text))
    }

    /// Binary `COPY (query) TO STDOUT` decoded into `T` as data is read;
    /// the query's values are inlined (`COPY` takes no parameters).
    fn copy_out_as<T: RowType>(&mut self, query: &impl Composable) -> Result<CopyOutRows<'_, T>> {
        let session = self.session();
        let select = query.render_inline_with(&session.scope())?;
        let client = self.generic_client();
        let described = prepare(client, &session, &select)?;
        let decoder = session
            .decoder_for::<T>(&select, &described)
            .map_err(|e| Error::from(e).with_query(&select))?;
        let text = copy_out_statement(&select);
        let reader = client
            .copy_out(&text)
            .map_err(|e| Error::from(e).with_query(&text))?;
        Ok(CopyOutRows::new(
            reader,
            decoder,
            described.columns().len(),
            BinaryCopyDecoder::new(),
            text,
        ))
    }

    /// Runs a `COPY … FROM STDIN` statement (text, CSV or binary) with the
    /// data read from `data`. The number of rows copied.
    fn copy_in_raw(&mut self, statement: &impl Composable, mut data: impl Read) -> Result<u64> {
        let text = statement.render_inline_with(&self.session().scope())?;
        let mut writer = self
            .generic_client()
            .copy_in(&text)
            .map_err(|e| Error::from(e).with_query(&text))?;
        std::io::copy(&mut data, &mut writer).map_err(|e| {
            Error::message(ErrorKind::Driver, format!("COPY write failed: {e}")).with_query(&text)
        })?;
        writer
            .finish()
            .map_err(|e| Error::from(e).with_query(&text))
    }

    /// Runs a `COPY … TO STDOUT` statement; its data as a reader.
    fn copy_out_raw(&mut self, statement: &impl Composable) -> Result<postgres::CopyOutReader<'_>> {
        let text = statement.render_inline_with(&self.session().scope())?;
        self.generic_client()
            .copy_out(&text)
            .map_err(|e| Error::from(e).with_query(&text))
    }
}

impl<C: Connection + ?Sized> ClientExt for C {}
