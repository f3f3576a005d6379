//! [`Exec`]: running one query, driver-free. The driver asks
//! [`next_action`](Exec::next_action) what to send, sends it, and hands back what came:
//! a catalogue row, a prepared statement and its description, an error.
//! Every decision — describe first or one round trip, which statement,
//! fetching the types a parameter needs, asking the server for the text of
//! columns no loader reads, preparing a stale statement again — is made
//! here, once for every driver.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};

use crate::row::{Column, Description};
use crate::sql::Composable;
use crate::typeinfo::TypeInfo;
use crate::{Format, Type};

use super::comment::Tags;
use super::observe::{Explain, Observed, Strategy};
use super::request::Request;
use super::resolve::{Lookup, Registration};
use super::rows::{Decoder, RowType, Rows};
use super::session::{Session, Step};
use super::sniff::{Wrap, wrap_kind};
use super::{Error, Result};

/// What the driver does next for an [`Exec`].
#[derive(Debug)]
pub enum Action<S> {
    /// Read the connection's `TimeZone`: run this query (one `text` column,
    /// one row; all built in, so one round trip is safe) and hand the value
    /// to [`Exec::time_zone`].
    TimeZone(&'static str),
    /// Run this catalogue query (parameters and results built in, so one
    /// round trip is safe) and hand its row to [`Exec::found`].
    Lookup(Lookup),
    /// Send [`Exec::text`] unnamed in one round trip with
    /// [`Request::typed_args`], then hand the result's columns to
    /// [`Exec::rows`].
    Direct,
    /// Execute this statement with [`Request::args`], then hand its
    /// columns to [`Exec::rows`].
    Execute(S),
    /// Run this statement through the simple protocol (no named statement;
    /// results in text) and hand its column names and rows to
    /// [`Exec::simple`]: how a result is described behind a transaction
    /// pooler.
    Simple(String),
    /// A described query ([`Exec::describe`], [`Exec::columns`]) behind a
    /// transaction pooler: its columns, as the driver would describe them.
    Described(Vec<Column>),
    /// Prepare [`Exec::text`] with [`Request::param_types`] (`unknown`: let
    /// the server infer) and hand the statement and its columns to
    /// [`Exec::prepared`].
    Prepare,
}

/// What a query is run for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wants {
    Rows,
    Command,
    Describe,
    /// Described for its columns' types alone (`COPY` in): nothing asked
    /// for as text.
    Columns,
}

/// Running one query on one connection, driver-free (see the module docs).
///
/// A driver's loop, in outline (tokio-postgres):
///
/// ```ignore
/// let mut exec = Exec::<Statement, T>::query(&session, &query)?;
/// loop {
///     let sent = match exec.next_action()? {
///         Action::Lookup(l) => { exec.found(lookup(client, &l).await?)?; continue; }
///         Action::Direct => client.query_typed_raw(exec.text(), exec.request().typed_args()).await,
///         Action::Execute(st) => client.query_raw(&st, exec.request().args()).await,
///         Action::Prepare => match client.prepare_typed(exec.text(), exec.request().param_types()).await {
///             Ok(st) => { if exec.prepared(&st, columns(&st))? { /* execute st */ } continue; }
///             Err(e) => Err(e),
///         },
///     };
///     match sent { Ok(stream) => return exec.rows(columns(&stream)), Err(e) => exec.failed(e.into())? }
/// }
/// ```
pub struct Exec<S, T> {
    session: Session<S>,
    request: Request,
    wants: Wants,
    /// Types being fetched from the catalogue (boxed: rare, and an `Exec`
    /// is moved into every verb's future).
    registration: Option<Box<Registration>>,
    /// Columns read as the server's text: (index, the column's own type).
    text_columns: Vec<(usize, Type)>,
    wrapped: bool,
    last: Option<Sent>,
    retried: bool,
    /// The query with its values inlined as literals, for describing it
    /// through the simple protocol behind a transaction pooler.
    inline: Option<String>,
    describing: Describing,
    /// The statement being watched (logger, slow reports, span), until its
    /// rows take it.
    observed: Mutex<Option<Box<Observed>>>,
    /// The tags appended to the text sent, and that text.
    tags: Tags,
    sent: Option<String>,
    /// `T`'s plan for the kept statement chosen.
    kept: Option<Arc<dyn Any + Send + Sync>>,
    /// The text as the session keeps it, when running it changes nothing
    /// in the session.
    known: Option<Arc<str>>,
    _row: PhantomData<fn() -> T>,
}

/// Where a description through the simple protocol stands.
#[derive(Debug, Default)]
enum Describing {
    #[default]
    No,
    /// Waiting for the column names.
    Names,
    /// Waiting for the column types of these names.
    Types(Vec<String>),
    /// Names and type OIDs known; waiting for the types to be registered.
    Registering(Vec<String>, Vec<crate::Oid>),
}

/// What a statement run through the simple protocol returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleRows {
    /// The column names.
    pub columns: Vec<String>,
    /// The rows, each value as text (`None` for NULL).
    pub rows: Vec<Vec<Option<String>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sent {
    Direct,
    Statement,
    Prepare,
}

impl<S: Clone + Send + 'static, T: RowType> Exec<S, T> {
    /// A query whose rows are read into `T`.
    pub fn query(session: &Session<S>, query: impl Composable) -> Result<Exec<S, T>> {
        Exec::new(session, query, Wants::Rows)
    }

    /// A query only described (nothing runs): `next` says
    /// [`Action::Prepare`], or [`Action::Execute`] with a statement kept
    /// earlier, whose description the driver hands to
    /// [`prepared`](Self::prepared) without running it;
    /// [`decoder`](Self::decoder) then checks `T`'s plan
    /// against the description, and [`request`](Self::request) is what
    /// would run (with the columns no loader reads asked for as text).
    pub fn describe(session: &Session<S>, query: impl Composable) -> Result<Exec<S, T>> {
        Exec::new(session, query, Wants::Describe)
    }

    /// A query described only for its columns' types (what `COPY` in
    /// needs): like [`describe`](Exec::describe), without asking for any
    /// column as text.
    pub fn columns(session: &Session<S>, query: impl Composable) -> Result<Exec<S, T>> {
        Exec::new(session, query, Wants::Columns)
    }

    /// A query already made into a request, whose rows are read into `T`.
    pub fn request_query(session: &Session<S>, request: Request) -> Exec<S, T> {
        Exec::from_request(session, request, Wants::Rows)
    }

    fn new(session: &Session<S>, query: impl Composable, wants: Wants) -> Result<Exec<S, T>> {
        // The query is given to the request unless the inlined text may be
        // needed too (behind a pooler, a text not described yet).
        let inline = session.is_pooler()
            && session
                .in_scope(|scope| query.text_as_built(scope))
                .is_none_or(|text| session.wants_inline(text));
        if !inline {
            let request = session.in_scope(|scope| Request::new(query, scope))?;
            return Ok(Exec::from_request(session, request, wants));
        }
        let request = session.in_scope(|scope| Request::new(&query, scope))?;
        let mut exec = Exec::from_request(session, request, wants);
        // Behind a pooler, what the simple protocol needs: the query with
        // its values inlined (only when it will be used).
        if session.wants_inline(exec.request.text()) {
            exec.inline = session
                .in_scope(|scope| query.render_inline_with(scope))
                .ok();
        }
        Ok(exec)
    }

    fn from_request(session: &Session<S>, request: Request, wants: Wants) -> Exec<S, T> {
        let registration = (!request.missing_types().is_empty())
            .then(|| Box::new(Registration::for_types(request.missing_types())));
        let observer = session.observer();
        let observed = match wants {
            Wants::Rows | Wants::Command => {
                Observed::start(&request, observer.clone(), || session.scope())
            }
            Wants::Describe | Wants::Columns => None,
        };
        let tags = if observer.is_some() || session.has_scope_tags() {
            session.tags()
        } else {
            Tags::new()
        };
        let mut exec = Exec {
            session: session.clone(),
            request,
            wants,
            registration,
            text_columns: Vec::new(),
            wrapped: false,
            last: None,
            retried: false,
            inline: None,
            describing: Describing::No,
            observed: Mutex::new(observed),
            tags,
            sent: None,
            kept: None,
            known: None,
            _row: PhantomData,
        };
        exec.tag();
        exec
    }

    /// Sets the text sent: the request's with the tags' comment.
    fn tag(&mut self) {
        self.sent = (!self.tags.is_empty()).then(|| self.tags.append_to(self.request.text()));
    }

    fn observed(&self) -> std::sync::MutexGuard<'_, Option<Box<Observed>>> {
        self.observed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The statement's span (feature `tracing`; otherwise none): run the
    /// driver's I/O for it inside, so lookups and prepares nest under it.
    pub fn trace(&self) -> super::Trace {
        self.observed()
            .as_ref()
            .map(|o| o.trace())
            .unwrap_or_default()
    }

    /// Reports `err` as the statement's failure (for errors the driver met
    /// outside [`failed`](Self::failed): a lookup, reading results) and
    /// returns it, with the query.
    pub fn fail(&mut self, err: Error) -> Error {
        let mut err = err.with_query(self.request.text());
        if self.session.is_pooler() && err.code() == Some("26000") {
            // pgcast names no statement behind a pooler: the driver's own
            // lookup of a result type did, and lost it to another backend.
            err = err.with_hint(
                "behind a transaction pooler the driver looked up a result type it had not \
                 seen through a named statement of its own (a DML statement with RETURNING, \
                 which pgcast cannot describe without running it): cast that column to text \
                 in the statement (RETURNING col::text)",
            );
        }
        let observed = self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(mut o) = observed {
            o.failed(&err);
            drop(o.finish(0, true));
        }
        err
    }

    /// The command ran (its rows were read); `affected`: the rows the
    /// driver says it affected. Reports it, or returns the plan to fetch
    /// first for a slow report (see [`Explain`]).
    pub fn finish(&mut self, affected: Option<u64>) -> Option<Explain> {
        self.session.ran(self.request.text());
        let observed = self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        observed.and_then(|o| o.finish(affected.unwrap_or(0), true))
    }

    /// The request as it goes out now.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The text to send now (with the session's tags as a comment, if
    /// any).
    pub fn text(&self) -> &str {
        self.sent.as_deref().unwrap_or(self.request.text())
    }

    /// Behind a transaction pooler ([`Session::set_pooler`]), the query with
    /// its values inlined as literals: what a driver that can send a
    /// parameterized statement only in several round trips (sqlx prepares
    /// before it binds) sends through the simple protocol instead of
    /// [`Action::Direct`]'s request. `None` outside pooler mode, or for a
    /// request made without its query.
    pub fn inline_text(&self) -> Option<&str> {
        self.inline.as_deref()
    }

    /// The session.
    pub fn session(&self) -> &Session<S> {
        &self.session
    }

    /// What to send next.
    pub fn next_action(&mut self) -> Result<Action<S>> {
        if self.session.needs_time_zone() {
            return Ok(Action::TimeZone(super::TIME_ZONE_SQL));
        }
        if let Some(reg) = &mut self.registration {
            match reg.next_lookup(&self.session.scope())? {
                Some(lookup) => return Ok(Action::Lookup(lookup)),
                None => self.registered()?,
            }
        }
        if matches!(self.describing, Describing::Registering(..))
            && let Describing::Registering(names, oids) = std::mem::take(&mut self.describing)
        {
            let scope = self.session.scope();
            let columns = names
                .into_iter()
                .zip(oids)
                .map(|(name, oid)| {
                    let ty = scope.type_by_oid(oid).ok_or_else(|| {
                        crate::Error::new(
                            crate::ErrorKind::WrongType,
                            format!("no type with OID {oid}"),
                        )
                    })?;
                    Ok(Column::new(name, ty, Format::Binary))
                })
                .collect::<crate::Result<Vec<_>>>()?;
            self.session.described(self.request.text(), &columns);
        }
        if let Some(sql) = self.simple_describe_text() {
            return Ok(Action::Simple(sql));
        }
        let describe = matches!(self.wants, Wants::Describe | Wants::Columns);
        let planned = self
            .session
            .plan_kept::<T>(self.request.text(), self.request.params_known());
        self.kept = planned.kept;
        self.known = planned.text;
        let step = planned.step;
        if matches!(step, Step::DescribeSimple)
            && let Some(inline) = &self.inline
        {
            self.describing = Describing::Names;
            return Ok(Action::Simple(format!(
                "SELECT * FROM ({inline}) AS _pgcast_q LIMIT 0"
            )));
        }
        if self.session.is_pooler() {
            return Ok(self.pooled(describe));
        }
        let (action, sent) = match step {
            // Described only: a kept statement already has the description.
            Step::Direct if describe => (Action::Prepare, Sent::Prepare),
            Step::Direct | Step::DescribeSimple => (Action::Direct, Sent::Direct),
            Step::Prepared(s) => (Action::Execute(s), Sent::Statement),
            Step::Prepare => (Action::Prepare, Sent::Prepare),
        };
        self.last = Some(sent);
        if let Some(o) = self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
        {
            o.set_strategy(match sent {
                Sent::Direct => Strategy::Direct,
                Sent::Statement => Strategy::Prepared,
                Sent::Prepare => Strategy::Described,
            });
        }
        Ok(action)
    }

    /// The simple-protocol statement the description in progress needs.
    fn simple_describe_text(&self) -> Option<String> {
        let inline = self.inline.as_deref()?;
        match &self.describing {
            Describing::Names => Some(format!("SELECT * FROM ({inline}) AS _pgcast_q LIMIT 0")),
            Describing::Types(names) => {
                let mut select = String::from("SELECT ");
                let mut aliases = String::new();
                for i in 0..names.len() {
                    if i > 0 {
                        select.push_str(", ");
                        aliases.push_str(", ");
                    }
                    select.push_str(&format!("pg_catalog.pg_typeof(_pgcast_q.\"c{i}\")::oid"));
                    aliases.push_str(&format!("\"c{i}\""));
                }
                Some(format!(
                    "{select} FROM (SELECT 1) AS _pgcast_d LEFT JOIN \
                     (SELECT * FROM ({inline}) AS _pgcast_i LIMIT 0) AS _pgcast_q({aliases}) ON true"
                ))
            }
            Describing::No | Describing::Registering(..) => None,
        }
    }

    /// Behind a transaction pooler: one round trip, unnamed, with the
    /// columns of types the driver does not know asked for as text.
    fn pooled(&mut self, describe: bool) -> Action<S> {
        self.last = Some(Sent::Direct);
        if let Some(o) = self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
        {
            o.set_strategy(Strategy::Direct);
        }
        let Some(columns) = self.session.description(self.request.text()) else {
            return Action::Direct;
        };
        if self.wants == Wants::Columns {
            // For their types (COPY in): nothing is run.
            return Action::Described(columns.to_vec());
        }
        if !self.wrapped {
            let unknown: Vec<usize> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| crate::Type::from_oid(c.ty.oid()).is_none())
                .map(|(i, _)| i)
                .collect();
            if !unknown.is_empty()
                && let Some(wrapped) = self.wrap(&columns, &unknown)
            {
                self.request = wrapped;
                self.tag();
                self.wrapped = true;
            }
        }
        if describe {
            // As the driver would describe the query that runs.
            let mut sent: Vec<Column> = columns.to_vec();
            for (i, _) in &self.text_columns {
                if let Some(c) = sent.get_mut(*i) {
                    c.ty = Type::TEXT;
                }
            }
            return Action::Described(sent);
        }
        Action::Direct
    }

    /// What the last [`Action::Simple`] returned.
    pub fn simple(&mut self, result: SimpleRows) -> Result<()> {
        match std::mem::take(&mut self.describing) {
            Describing::Names if result.columns.is_empty() => {
                self.session.described(self.request.text(), &[]);
            }
            Describing::Names => self.describing = Describing::Types(result.columns),
            Describing::Types(names) => {
                let row = result.rows.into_iter().next().unwrap_or_default();
                let oids = row
                    .iter()
                    .map(|v| v.as_deref().and_then(|v| v.parse::<crate::Oid>().ok()))
                    .collect::<Option<Vec<_>>>()
                    .filter(|oids| oids.len() == names.len())
                    .ok_or_else(|| {
                        Error::message(
                            super::ErrorKind::Driver,
                            "the description of the result came back malformed",
                        )
                        .with_query(self.request.text())
                    })?;
                let scope = self.session.scope();
                let unknown: Vec<_> = oids
                    .iter()
                    .copied()
                    .filter(|&oid| scope.type_by_oid(oid).is_none())
                    .collect();
                if !unknown.is_empty() {
                    self.registration = Some(Box::new(Registration::for_oids(&unknown)));
                }
                self.describing = Describing::Registering(names, oids);
            }
            other => self.describing = other,
        }
        Ok(())
    }

    /// The connection's `TimeZone`, as [`Action::TimeZone`] read it.
    pub fn time_zone(&mut self, name: &str) {
        self.session.set_time_zone_name(name);
    }

    /// The row of the last [`Action::Lookup`] (`None`: no such type).
    pub fn found(&mut self, info: Option<TypeInfo>) -> Result<()> {
        match &mut self.registration {
            Some(reg) => Ok(reg
                .found(info)
                .map_err(|e| Error::from(e).with_query(self.request.text()))?),
            None => Ok(()),
        }
    }

    fn registered(&mut self) -> Result<()> {
        let Some(reg) = self.registration.take() else {
            return Ok(());
        };
        // Merged into the connection's scope as it is now, under its lock,
        // and into this query's own scope, if it has one.
        self.session.configure(|scope| reg.register(scope))?;
        self.session.refresh_overlay();
        if matches!(self.describing, Describing::Registering(..)) {
            return Ok(());
        }
        let rendered = self.request.rendered().clone();
        let request = Request::from_rendered(rendered, &self.session.scope())?;
        if let Some(ty) = request.missing_types().first() {
            return Err(Error::from(crate::Error::new(
                crate::ErrorKind::WrongType,
                format!(
                    "type {}.{} was fetched but is still unknown",
                    ty.schema(),
                    ty.name()
                ),
            )));
        }
        self.request = request;
        self.tag();
        Ok(())
    }

    /// The statement [`Action::Prepare`] made and its result columns.
    /// `true`: execute it now with [`Request::args`]; `false`: drop it and
    /// ask [`next_action`](Self::next_action) again (the request changed: it now asks for
    /// some columns as text).
    pub fn prepared(&mut self, statement: &S, columns: &[Column]) -> Result<bool> {
        if matches!(self.wants, Wants::Rows | Wants::Describe) && !self.wrapped {
            let text = T::text_columns(columns, &self.session.scope());
            if !text.is_empty()
                && let Some(wrapped) = self.wrap(columns, &text)
            {
                self.request = wrapped;
                self.wrapped = true;
                self.tag();
                return Ok(false);
            }
        }
        self.session
            .prepared(self.request.text(), statement, columns);
        Ok(true)
    }

    /// For a described query ([`describe`](Exec::describe),
    /// [`columns`](Exec::columns)): the statement and its columns, as
    /// [`prepared`](Self::prepared) takes them. `Some(columns)`: described,
    /// and `T`'s plan fits them; `None`: ask
    /// [`next_action`](Self::next_action) again.
    pub fn described(
        &mut self,
        statement: &S,
        columns: Vec<Column>,
    ) -> Result<Option<Vec<Column>>> {
        if !self.prepared(statement, &columns)? {
            return Ok(None);
        }
        self.decoder(&columns)?;
        Ok(Some(columns))
    }

    /// The request with the columns at `text` cast to text, if the
    /// statement can be wrapped.
    fn wrap(&mut self, columns: &[Column], text: &[usize]) -> Option<Request> {
        let kind = wrap_kind(self.request.text())?;
        let mut select = String::from("SELECT ");
        let mut aliases = String::new();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                select.push_str(", ");
                aliases.push_str(", ");
            }
            let alias = format!("\"c{i}\"");
            aliases.push_str(&alias);
            select.push_str(&alias);
            if text.contains(&i) {
                select.push_str("::text");
            }
            select.push_str(" AS ");
            crate::sql::write_quoted_name(&c.name, &mut select);
        }
        let body = self.request.text();
        let wrapped = match kind {
            Wrap::Subquery => format!("{select} FROM ({body}) AS _pgcast_q({aliases})"),
            Wrap::Cte => format!("WITH _pgcast_q({aliases}) AS ({body}) {select} FROM _pgcast_q"),
        };
        self.text_columns = text.iter().map(|&i| (i, columns[i].ty.clone())).collect();
        Some(self.request.with_text(wrapped))
    }

    /// The result started (the driver sent the request), its columns not
    /// known yet (a result sent in one round trip describes itself with its
    /// first row): the rows, planned at the first row.
    pub fn rows_later(&self) -> Rows<T> {
        let text = self.ran();
        let session = self.session.clone();
        let text_columns = self.text_columns.clone();
        let query = Arc::clone(&text);
        Rows::later(
            Box::new(move |described: &dyn Description| {
                if text_columns.is_empty() {
                    session.decoder::<T>(&query, described)
                } else {
                    session.decoder::<T>(&query, &planned(&described.to_columns(), &text_columns))
                }
            }),
            text,
        )
        .observed(self.observed().take())
    }

    /// Notes that the request ran (see [`Session::ran`], not needed for a
    /// text the session knows changes nothing); its text, shared.
    fn ran(&self) -> Arc<str> {
        if let Some(text) = &self.known {
            return Arc::clone(text);
        }
        let text = self.request.text();
        self.session.ran(text);
        text.into()
    }

    /// The result started (the driver sent the request): its columns give
    /// the decoder of its rows.
    /// The rows of a statement the session keeps, planned from the
    /// description it keeps with it: `None` when the request did not run a
    /// kept statement or `T` has no plan for it yet (then
    /// [`rows`](Self::rows) with the statement's columns). Spares the
    /// driver's description being converted and compared on every run.
    pub fn rows_kept(&mut self) -> Option<Rows<T>> {
        if self.last != Some(Sent::Statement) || !self.text_columns.is_empty() {
            return None;
        }
        // Found when the statement was chosen (running it changes nothing
        // in the session, or there would be none).
        let plan = self.kept.take()?;
        let text = self.known.clone()?;
        let decoder = Decoder::from_plan(plan.downcast_ref::<T::Plan>()?.clone());
        Some(Rows::shared(decoder, text).observed(self.observed().take()))
    }

    /// The rows of a result described by `columns`, planned for `T` (the
    /// plan cached per description by the session).
    pub fn rows(&self, columns: &(impl Description + ?Sized)) -> Result<Rows<T>> {
        let text = self.ran();
        let rows = Rows::shared(self.decoder(columns)?, text);
        Ok(rows.observed(self.observed().take()))
    }

    /// The decoder of `T` for a result of this request described by
    /// `columns` (cached per description by the session: a description
    /// planned before is not copied).
    pub fn decoder(&self, columns: &(impl Description + ?Sized)) -> Result<Decoder<T>> {
        let text = self.request.text();
        if self.text_columns.is_empty() {
            self.session.decoder::<T>(text, columns)
        } else {
            self.session
                .decoder::<T>(text, &planned(&columns.to_columns(), &self.text_columns))
        }
        .map_err(|e| Error::from(e).with_query(text))
    }

    /// The driver failed to send or run what [`next_action`](Self::next_action) said.
    /// `Ok`: ask `next_action` again (a stale statement is prepared again, once);
    /// `Err`: the error to report, with the query.
    pub fn failed(&mut self, err: Error) -> Result<()> {
        let err = err.with_query(self.request.text());
        if self.retry(&err) || self.refetch_types(&err)? {
            return Ok(());
        }
        Err(self.fail(err))
    }

    /// After the server said a parameter's type no longer exists (dropped,
    /// maybe made again with a new OID): forget the request's registered
    /// types and fetch them again by name, once.
    fn refetch_types(&mut self, err: &Error) -> Result<bool> {
        let gone = err.code() == Some("42704")
            || err.report().is_some_and(|r| {
                r.message.contains("type with OID")
                    || r.message.starts_with("cache lookup failed for type")
            });
        if !gone || self.retried {
            return Ok(false);
        }
        let registered: Vec<Type> = self
            .request
            .param_types()
            .iter()
            .filter(|t| t.oid() != 0 && Type::from_oid(t.oid()).is_none())
            .cloned()
            .collect();
        if registered.is_empty() {
            return Ok(false);
        }
        self.retried = true;
        self.session.configure(|scope| {
            for ty in &registered {
                scope.unregister_type(ty);
            }
        });
        self.session.forget(self.request.text());
        let request =
            Request::from_rendered(self.request.rendered().clone(), &self.session.scope())?;
        self.registration = Some(Box::new(Registration::for_types(request.missing_types())));
        self.request = request;
        self.tag();
        Ok(true)
    }

    /// Whether the request should be sent again after `err`: the statement
    /// it ran on was stale (the session forgets it) and this is the first
    /// such failure.
    pub fn retry(&mut self, err: &Error) -> bool {
        if !err.is_stale_statement() {
            return false;
        }
        self.session.forget(self.request.text());
        let retry = !self.retried && self.last == Some(Sent::Statement);
        self.retried = true;
        retry
    }
}

/// The result's columns as the row type plans against them: those read as
/// text keep their own type, in text format.
fn planned(columns: &[Column], text_columns: &[(usize, Type)]) -> Vec<Column> {
    let mut columns = columns.to_vec();
    for (i, ty) in text_columns {
        if let Some(c) = columns.get_mut(*i) {
            c.ty = ty.clone();
            c.format = Format::Text;
        }
    }
    columns
}

impl<S: Clone + Send + 'static> Exec<S, super::rows::Record> {
    /// A command: its rows, if any, are not read (so no column is asked
    /// for as text).
    pub fn command(session: &Session<S>, query: impl Composable) -> Result<Self> {
        Exec::new(session, query, Wants::Command)
    }

    /// A command already made into a request.
    pub fn request_command(session: &Session<S>, request: Request) -> Self {
        Exec::from_request(session, request, Wants::Command)
    }

    /// The command ran (see [`finish`](Exec::finish), which also reports
    /// it with the rows it affected).
    pub fn done(&self) {
        self.session.ran(self.request.text());
        if let Some(o) = self.observed().take() {
            drop(o.finish(0, true));
        }
    }
}

impl<S, T> Drop for Exec<S, T> {
    fn drop(&mut self) {
        let observed = self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(o) = observed {
            // Abandoned before its rows: nothing ran, or nobody said so.
            drop(o.finish(0, false));
        }
    }
}
