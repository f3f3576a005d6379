//! Driving the core's [`Exec`] over a sqlx connection: the I/O of each
//! [`Action`], nothing decided here.
//!
//! How the actions map onto sqlx, whose own statement cache is keyed by SQL
//! text per connection:
//!
//! - `Prepare`: `prepare_with(text, types)` parses and describes the
//!   statement (sqlx keeps it named in its cache, as it does for every
//!   `sqlx::query`); the parameter and result types it reports are resolved
//!   through the session's scope, unknown OIDs fetched from the catalogue
//!   with the core's lookups, before anything runs.
//! - `Execute(statement)`: `query_with(text, args)`, persistent: sqlx finds
//!   its statement by text and sends `Bind`/`Execute` in one round trip (or
//!   prepares it again if its cache evicted it).
//! - `Direct`: `query_with(text, args).persistent(false)`: unnamed. sqlx
//!   parses it before binding (two round trips); pgcast sends it typed.
//!   Taken only when no parameter is an untyped string: sqlx binds every
//!   value in binary, so a string whose type the server infers needs the
//!   statement's description first, then is written as that type
//!   ([`transcode`](crate::transcode)).
//!
//! Behind a transaction pooler (a session with
//! [`set_pooler(true)`](pgcast_core::exec::Session::set_pooler), attached
//! with [`with_session`](crate::ClientExt::with_session)) sqlx's extended
//! protocol cannot be used: it prepares (`Parse`, `Sync`) before it binds
//! (`Bind`, `Execute`, `Sync`), and the pooler may hand the second half to
//! another server connection; named statements, its own included (sqlx
//! prepares one to look up a type it has not seen), would be handed to other
//! clients. So in that mode every statement goes out through the simple
//! protocol, one message, with its values inlined as literals
//! ([`Exec::inline_text`]): strings as untyped literals the server reads as
//! the enum, date or `jsonb` a column wants, derived types cast to their
//! names; results arrive in text, which pgcast loads. Catalogue lookups and
//! the `TimeZone` read go the same way. What sqlx cannot do there: describe
//! an empty result (its simple protocol gives column names only with rows),
//! so the description the core asks for (`LIMIT 0`) is asked for as one row
//! of NULLs; and values with sqlx's own `Encode` only ([`SqlxValue`](crate::SqlxValue))
//! cannot be inlined (sqlx writes binary only).

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::Arc;

use bytes::BytesMut;
use futures_util::StreamExt;
use pgcast_core::exec::{
    Action, Error, Exec, Lookup, Request, RowType, SimpleRows, changes_name_resolution,
};
use pgcast_core::row::Column;
use pgcast_core::typeinfo::TypeInfo;
use pgcast_core::{Format, Oid, Type};
use sqlx::postgres::{PgConnection, PgRow, PgTypeInfo};
use sqlx::{Column as _, Either, Executor, Row as _, Statement as _, ValueRef as _};

use crate::session::clear_statements;
use crate::wire::{RowRef, arguments, error, oid, row_columns, type_info};
use crate::{Result, Session};

/// A statement as pgcast keeps it on a sqlx connection: its parameter and
/// result types as the server described them (sqlx keeps the statement
/// itself, by text).
#[derive(Clone, Debug)]
pub struct Statement(Arc<Described>);

#[derive(Debug)]
struct Described {
    params: Vec<Type>,
    columns: Vec<Column>,
    /// Whether running it may change name resolution (sniffed once).
    renames: bool,
}

impl Statement {
    /// The parameter types.
    pub fn params(&self) -> &[Type] {
        &self.0.params
    }

    /// The result columns.
    pub fn columns(&self) -> &[Column] {
        &self.0.columns
    }
}

/// Runs a catalogue lookup: its row, parsed.
pub(crate) async fn lookup(conn: &mut PgConnection, l: &Lookup) -> Result<Option<TypeInfo>> {
    let ty = l.param_type();
    let mut bytes = BytesMut::new();
    l.param()
        .to_sql_checked(&ty, &mut bytes)
        .map_err(|e| Error::driver(e, None).with_query(l.sql))?;
    let mut args = sqlx::postgres::PgArguments::default();
    sqlx::Arguments::add(&mut args, crate::wire::Bytes(Some(&bytes), type_info(&ty)))
        .map_err(|e| Error::driver(e, None))?;
    let row = sqlx::query_with(l.sql, args)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| error(e).with_query(l.sql))?;
    let info = row.map(|row| TypeInfo::from_raw_row(&RowRef(&row), Format::Binary));
    Ok(info.transpose()?)
}

/// Runs a catalogue lookup through the simple protocol, its value inlined
/// (transaction-pooler mode): its row, in text, parsed.
pub(crate) async fn lookup_simple(conn: &mut PgConnection, l: &Lookup) -> Result<Option<TypeInfo>> {
    let literal = pgcast_core::sql::Composable::render_inline(&pgcast_core::sql::Literal::new(
        l.param_text(),
    ))?;
    let sql = l.sql.replacen("$1", &literal, 1);
    let row = conn
        .fetch_optional(sqlx::raw_sql(&sql))
        .await
        .map_err(|e| error(e).with_query(l.sql))?;
    let info = row.map(|row| TypeInfo::from_raw_row(&RowRef(&row), Format::Text));
    Ok(info.transpose()?)
}

/// Reads the connection's `TimeZone` (through the simple protocol behind a
/// transaction pooler).
pub(crate) async fn time_zone(
    conn: &mut PgConnection,
    sql: &'static str,
    pooler: bool,
) -> Result<String> {
    if pooler {
        let row = conn
            .fetch_one(sqlx::raw_sql(sql))
            .await
            .map_err(|e| error(e).with_query(sql))?;
        return row
            .try_get_raw(0)
            .and_then(|v| v.as_str().map(str::to_owned).map_err(sqlx::Error::Decode))
            .map_err(|e| error(e).with_query(sql));
    }
    sqlx::query_scalar::<_, String>(sql)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| error(e).with_query(sql))
}

/// Runs `sql` through the simple protocol (nothing prepared; values in
/// text): its column names and rows, as [`Exec::simple`] takes them.
///
/// sqlx gives a result's column names only with a row, so the description
/// the core asks for as `SELECT * FROM (…) AS _pgcast_q LIMIT 0` is asked
/// for as one row of NULLs with the same columns.
pub(crate) async fn simple(conn: &mut PgConnection, sql: &str) -> Result<SimpleRows> {
    let names = names_query(sql);
    let text = names.as_deref().unwrap_or(sql);
    let rows = conn
        .fetch_all(sqlx::raw_sql(text))
        .await
        .map_err(|e| error(e).with_query(sql))?;
    let columns = rows
        .first()
        .map(|r| r.columns().iter().map(|c| c.name().to_owned()).collect())
        .unwrap_or_default();
    if names.is_some() {
        return Ok(SimpleRows {
            columns,
            rows: Vec::new(),
        });
    }
    let rows = rows
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get_raw(i)
                        .ok()
                        .filter(|v| !v.is_null())
                        .and_then(|v| v.as_str().ok().map(str::to_owned))
                })
                .collect()
        })
        .collect();
    Ok(SimpleRows { columns, rows })
}

/// The core's "column names" query as one that returns a row: the same
/// columns, NULL.
fn names_query(sql: &str) -> Option<String> {
    let inline = sql
        .strip_prefix("SELECT * FROM (")?
        .strip_suffix(") AS _pgcast_q LIMIT 0")?;
    Some(format!(
        "SELECT _pgcast_q.* FROM (SELECT 1) AS _pgcast_d LEFT JOIN \
         (SELECT * FROM ({inline}) AS _pgcast_i LIMIT 0) AS _pgcast_q ON true"
    ))
}

/// Fetches the types of these OIDs (with what they refer to) that the
/// connection's scope does not know, and registers them there.
pub(crate) async fn resolve(conn: &mut PgConnection, base: &Session, oids: Vec<Oid>) -> Result<()> {
    let scope = base.scope();
    let mut fetched: Vec<TypeInfo> = Vec::new();
    let mut pending = oids;
    while let Some(oid) = pending.pop() {
        if scope.type_by_oid(oid).is_some() || fetched.iter().any(|f| f.oid == oid) {
            continue;
        }
        let Some(info) = lookup(conn, &Lookup::by_oid(oid)).await? else {
            return Err(Error::from(pgcast_core::Error::new(
                pgcast_core::ErrorKind::WrongType,
                format!("no type with OID {oid} in the catalogue"),
            )));
        };
        pending.extend(info.dependencies());
        fetched.push(info);
    }
    if fetched.is_empty() {
        return Ok(());
    }
    base.configure(|scope| {
        // dependencies first
        let mut progress = true;
        while !fetched.is_empty() && progress {
            progress = false;
            let mut rest = Vec::new();
            for info in fetched.drain(..) {
                let ready = info
                    .dependencies()
                    .iter()
                    .all(|&d| scope.type_by_oid(d).is_some());
                if ready {
                    info.register(scope)?;
                    progress = true;
                } else {
                    rest.push(info);
                }
            }
            fetched = rest;
        }
        Ok::<_, pgcast_core::Error>(())
    })?;
    Ok(())
}

/// The type of `oid` in the query's scope, else the connection's.
fn type_of(oid: Oid, scoped: &pgcast_core::Adapters, base: &pgcast_core::Adapters) -> Option<Type> {
    scoped.type_by_oid(oid).or_else(|| base.type_by_oid(oid))
}

/// Describes the request's text (sqlx prepares and keeps it), its types
/// resolved. `Err`: the driver's error, for [`Exec::failed`].
pub(crate) async fn describe_statement<T: RowType>(
    conn: &mut PgConnection,
    base: &Session,
    exec: &Exec<Statement, T>,
) -> Result<std::result::Result<Statement, Error>> {
    let types: Vec<PgTypeInfo> = exec.request().param_types().iter().map(type_info).collect();
    let (params, columns) = match conn.prepare_with(exec.text(), &types).await {
        Ok(st) => {
            let params: Vec<Oid> = match st.parameters() {
                Some(Either::Left(p)) => p.iter().map(oid).collect(),
                _ => Vec::new(),
            };
            let columns: Vec<(String, Oid)> = st
                .columns()
                .iter()
                .map(|c| (c.name().to_owned(), oid(c.type_info())))
                .collect();
            (params, columns)
        }
        Err(e) => return Ok(Err(error(e))),
    };
    let scoped = exec.session().scope();
    let known = |oid: &Oid| type_of(*oid, &scoped, &base.scope()).is_some();
    let unknown: Vec<Oid> = params
        .iter()
        .chain(columns.iter().map(|(_, o)| o))
        .filter(|o| !known(o))
        .copied()
        .collect();
    if !unknown.is_empty() {
        resolve(conn, base, unknown)
            .await
            .map_err(|e| e.with_query(exec.text()))?;
    }
    let base_scope = base.scope();
    let ty = |oid: Oid| {
        type_of(oid, &scoped, &base_scope).ok_or_else(|| {
            Error::from(pgcast_core::Error::new(
                pgcast_core::ErrorKind::WrongType,
                format!("the type with OID {oid} could not be resolved"),
            ))
        })
    };
    let params = params.into_iter().map(ty).collect::<Result<Vec<_>>>()?;
    let columns = columns
        .into_iter()
        .map(|(name, oid)| Ok(Column::new(name, ty(oid)?, Format::Binary)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Ok(Statement(Arc::new(Described {
        params,
        columns,
        renames: changes_name_resolution(exec.text()),
    }))))
}

/// Whether a parameter is an untyped string (pgcast sends those in text,
/// which sqlx cannot).
fn has_text_args(request: &Request) -> bool {
    request.args().any(|a| a.format() == Format::Text)
}

/// Runs `exec` on `conn`, handing each row (decoded) to `on_row` until it
/// says to stop; the number of rows the command affected. A kept statement
/// the server calls stale is prepared again, once (sqlx's statements are
/// dropped with it: sqlx never forgets one by itself).
pub(crate) async fn drive<T, F, Fut>(
    conn: &mut PgConnection,
    base: &Session,
    exec: &mut Exec<Statement, T>,
    on_row: F,
) -> Result<u64>
where
    T: RowType,
    F: FnMut(Result<T>) -> Fut,
    Fut: Future<Output = ControlFlow<()>>,
{
    drive_with(
        conn,
        base,
        exec,
        |rows, row, scope| rows.decode(&RowRef(row), || row_columns(row, scope)),
        on_row,
    )
    .await
}

/// Runs `exec` on `conn`, handing each `PgRow` as sqlx received it to
/// `on_row` until it says to stop (no pgcast decoding: the bridge's verbs
/// decode with sqlx); the number of rows the command affected.
pub(crate) async fn drive_raw<T, F>(
    conn: &mut PgConnection,
    base: &Session,
    exec: &mut Exec<Statement, T>,
    mut on_row: F,
) -> Result<u64>
where
    T: RowType,
    F: FnMut(&PgRow) -> ControlFlow<()>,
{
    drive_with(
        conn,
        base,
        exec,
        |_, row, _| on_row(row),
        std::future::ready,
    )
    .await
}

/// The loop of [`drive`] and [`drive_raw`]: `decode` makes something of
/// each row (given the rows' decoder and the scope), `on_row` takes it.
async fn drive_with<T, X, D, F, Fut>(
    conn: &mut PgConnection,
    base: &Session,
    exec: &mut Exec<Statement, T>,
    mut decode: D,
    mut on_row: F,
) -> Result<u64>
where
    T: RowType,
    D: FnMut(&mut pgcast_core::exec::Rows<T>, &PgRow, &pgcast_core::Adapters) -> X,
    F: FnMut(X) -> Fut,
    Fut: Future<Output = ControlFlow<()>>,
{
    let mut cleared = false;
    let pooler = exec.session().is_pooler();
    loop {
        let (statement, persistent) = match exec.next_action()? {
            Action::TimeZone(sql) => {
                let zone = time_zone(conn, sql, pooler).await?;
                exec.time_zone(&zone);
                continue;
            }
            Action::Lookup(l) if pooler => {
                let found = lookup_simple(conn, &l).await?;
                exec.found(found)?;
                continue;
            }
            Action::Lookup(l) => {
                let found = lookup(conn, &l).await?;
                exec.found(found)?;
                continue;
            }
            Action::Simple(sql) => {
                let result = simple(conn, &sql).await?;
                exec.simple(result)?;
                continue;
            }
            Action::Described(_) => {
                return Err(Error::message(
                    pgcast_core::exec::ErrorKind::Driver,
                    "a query to run was only described",
                ));
            }
            Action::Direct if pooler => (None, false),
            Action::Direct if !has_text_args(exec.request()) => (None, false),
            Action::Execute(st) => (Some(st), true),
            Action::Direct | Action::Prepare => match describe_statement(conn, base, exec).await? {
                Ok(st) => {
                    if !exec.prepared(&st, st.columns())? {
                        continue;
                    }
                    (Some(st), true)
                }
                Err(e) => {
                    exec.failed(e)?;
                    continue;
                }
            },
        };
        let scope = exec.session().scope();
        // Behind a pooler: the query with its values inlined, one message.
        let inline = if pooler {
            Some(
                exec.inline_text()
                    .map(str::to_owned)
                    .ok_or_else(not_inlined)?,
            )
        } else {
            None
        };
        let args = if pooler {
            None
        } else {
            let types = match &statement {
                Some(st) => st.params(),
                None => exec.request().param_types(),
            };
            Some(
                arguments(exec.request().args(), types, &scope)
                    .map_err(|e| e.with_query(exec.text()))?,
            )
        };
        let mut rows = match &statement {
            Some(st) => match exec.rows_kept() {
                Some(rows) => rows,
                None => exec.rows(st.columns())?,
            },
            None => exec.rows_later(),
        };
        let mut affected = 0;
        let mut seen = false;
        let mut failed = None;
        {
            let mut stream = match (&inline, args) {
                (Some(text), _) => conn.fetch_many(sqlx::raw_sql(text)),
                (None, args) => conn.fetch_many(
                    sqlx::query_with(exec.text(), args.unwrap_or_default()).persistent(persistent),
                ),
            };
            while let Some(item) = stream.next().await {
                match item {
                    Ok(Either::Left(done)) => affected += done.rows_affected(),
                    Ok(Either::Right(row)) => {
                        seen = true;
                        let decoded = decode(&mut rows, &row, &scope);
                        if on_row(decoded).await.is_break() {
                            break;
                        }
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
        }
        match failed {
            None => {
                let renames = match &statement {
                    Some(st) => st.0.renames,
                    None => changes_name_resolution(exec.text()),
                };
                if renames && !pooler {
                    clear_statements(conn).await?;
                }
                return Ok(affected);
            }
            Some(e) if !seen => {
                let e = error(e);
                if e.is_stale_statement() && !cleared {
                    cleared = true;
                    exec.retry(&e);
                    clear_statements(conn).await?;
                    continue;
                }
                exec.failed(e)?;
            }
            Some(e) => return Err(rows.driver_error(error(e))),
        }
    }
}

/// A request without its query inlined, behind a transaction pooler.
#[cold]
fn not_inlined() -> Error {
    Error::message(
        pgcast_core::exec::ErrorKind::Driver,
        "behind a transaction pooler, sqlx runs a query through the simple protocol with its \
         values inlined, and this one could not be (a value with no text form, such as a \
         SqlxValue, or a statement made without its query: cursors and COPY need a \
         transaction of their own)",
    )
}

/// Describes a query (nothing runs): `T`'s plan checked against it; the
/// request as it would run, and its columns.
pub(crate) async fn describe<T: RowType>(
    conn: &mut PgConnection,
    base: &Session,
    exec: &mut Exec<Statement, T>,
) -> Result<Vec<Column>> {
    loop {
        let described = match exec.next_action()? {
            Action::TimeZone(sql) => {
                let zone = time_zone(conn, sql, exec.session().is_pooler()).await?;
                exec.time_zone(&zone);
                None
            }
            Action::Lookup(l) if exec.session().is_pooler() => {
                let found = lookup_simple(conn, &l).await?;
                exec.found(found)?;
                None
            }
            Action::Lookup(l) => {
                let found = lookup(conn, &l).await?;
                exec.found(found)?;
                None
            }
            Action::Simple(sql) => {
                let result = simple(conn, &sql).await?;
                exec.simple(result)?;
                None
            }
            Action::Described(columns) => {
                exec.decoder(&columns)?;
                Some(columns)
            }
            Action::Execute(st) => exec.described(&st, st.columns().to_vec())?,
            Action::Direct | Action::Prepare => match describe_statement(conn, base, exec).await? {
                Ok(st) => exec.described(&st, st.columns().to_vec())?,
                Err(e) => exec.failed(e).map(|()| None)?,
            },
        };
        if let Some(columns) = described {
            return Ok(columns);
        }
    }
}

/// Runs `exec` as a command and reads no rows.
pub(crate) async fn command(
    conn: &mut PgConnection,
    base: &Session,
    exec: &mut Exec<Statement, pgcast_core::exec::Record>,
) -> Result<u64> {
    let n = drive(conn, base, exec, |_| {
        std::future::ready(ControlFlow::Continue(()))
    })
    .await?;
    exec.done();
    Ok(n)
}
