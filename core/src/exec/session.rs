//! [`Session`]: what pgcast keeps per connection — the registry scope, the
//! statements prepared on it, the result descriptions it has seen, the row
//! plans made for them — and the choice, per query, of how to send it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use crate::Adapters;
use crate::row::{Column, Description};

use super::comment::Tags;
use super::observe::{Logger, Observer, QueryLog, ServerInfo};
use super::redact::LogValues;
use super::rows::{Decoder, RowType};
use super::sniff;

/// When a query's statement is prepared and kept on the connection, as
/// psycopg's `prepare_threshold`.
///
/// Whatever the setting, a query whose result description pgcast has not
/// seen on this connection is described first (some drivers look unseen
/// result types up on the same connection mid-result and can deadlock), so
/// the first run of a query text costs a describe; then:
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Prepare {
    /// A text run `threshold` times (counting the first) is prepared and
    /// kept; before that it goes out unnamed in one round trip when every
    /// parameter and result type is known.
    Auto {
        /// Runs before a statement is kept (1 keeps it from the first run).
        threshold: u32,
    },
    /// Keep every statement prepared from its first run.
    Always,
    /// Never keep a prepared statement (statements are described and closed
    /// at once): for transaction poolers.
    Never,
}

impl Default for Prepare {
    fn default() -> Self {
        Prepare::Auto { threshold: 2 }
    }
}

impl Prepare {
    /// As one word: `Auto`'s threshold, or a value past every `u32`.
    fn encode(self) -> u64 {
        match self {
            Prepare::Auto { threshold } => u64::from(threshold),
            Prepare::Always => ALWAYS,
            Prepare::Never => NEVER,
        }
    }

    fn decode(word: u64) -> Prepare {
        match word {
            ALWAYS => Prepare::Always,
            NEVER => Prepare::Never,
            threshold => Prepare::Auto {
                threshold: u32::try_from(threshold).unwrap_or(u32::MAX),
            },
        }
    }
}

/// [`Prepare::Always`] and [`Prepare::Never`] encoded.
const ALWAYS: u64 = 1 << 32;
const NEVER: u64 = (1 << 32) + 1;

/// No timeout, encoded.
const NO_TIMEOUT: u64 = u64::MAX;

/// How a query goes out, as [`Session::plan`] decides.
#[derive(Clone, Debug)]
pub enum Step<S> {
    /// Unnamed in one round trip (parse, bind, describe, execute): every
    /// parameter type is known and every result type is built in.
    Direct,
    /// Execute this statement, prepared and kept earlier.
    Prepared(S),
    /// Prepare (describe) the statement first, then execute it; hand the
    /// statement and its description to [`Session::prepared`].
    Prepare,
    /// Behind a transaction pooler, with nothing known of the result:
    /// describe it without a named statement (through the simple protocol)
    /// and hand the columns to [`Session::described`].
    DescribeSimple,
}

/// What a session remembers of one query text.
struct Entry<S> {
    /// The text (the map's key, shared with the rows of its runs).
    text: Arc<str>,
    runs: u32,
    /// What running the text does to the session, sniffed once.
    effects: Effects,
    /// The result description, once seen.
    columns: Option<Arc<[Column]>>,
    statement: Option<S>,
    used: u64,
    /// Row plans for this text: by row type, with the description each was
    /// made for (a handful at most, so a short list).
    plans: Vec<Plan>,
}

/// How a run goes out, and what the session knows of its text.
pub(crate) struct Planned<S> {
    pub(crate) step: Step<S>,
    /// A kept statement's row plan for the row type asked for (its
    /// `RowType::Plan`).
    pub(crate) kept: Option<Arc<dyn Any + Send + Sync>>,
    /// The text, shared, when the session keeps it and running it changes
    /// nothing in the session.
    pub(crate) text: Option<Arc<str>>,
}

/// A row plan: its row type, the description it was made for, the plan.
type Plan = (TypeId, Arc<[Column]>, Arc<dyn Any + Send + Sync>);

/// Row plans kept at most per query text.
const PLANS_PER_TEXT: usize = 8;

struct Cache<S> {
    /// Keyed by the text, shared with the rows of its runs (for errors).
    entries: HashMap<Arc<str>, Entry<S>, BuildTextHasher>,
    clock: u64,
}

/// What running a query text does to the session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Effects {
    /// It may change how names resolve (`SET search_path`, `DISCARD`, …).
    renames: bool,
    /// It may change the `TimeZone` setting.
    zone: bool,
}

impl Effects {
    fn of(text: &str) -> Effects {
        Effects {
            renames: sniff::changes_name_resolution(text),
            zone: sniff::changes_time_zone(text),
        }
    }
}

/// A hasher for query texts: eight bytes a step (the keys are the
/// application's own statements, so flooding is not a concern, and the
/// session hashes every text it runs a few times).
#[derive(Clone, Copy, Debug, Default)]
struct BuildTextHasher;

impl std::hash::BuildHasher for BuildTextHasher {
    type Hasher = TextHasher;

    fn build_hasher(&self) -> TextHasher {
        TextHasher(0)
    }
}

/// See [`BuildTextHasher`].
#[derive(Clone, Copy, Debug)]
struct TextHasher(u64);

impl TextHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for TextHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

struct Shared<S> {
    scope: RwLock<Adapters>,
    /// [`Prepare`], encoded (read on every run: an atomic, not a lock).
    prepare: AtomicU64,
    caching: bool,
    capacity: usize,
    cache: Mutex<Cache<S>>,
    /// Whether the scope's time zone is the connection's `TimeZone` as last
    /// read (see [`Session::needs_time_zone`]).
    zone_known: AtomicBool,
    /// Behind a transaction pooler: no state may outlive a transaction.
    pooler: AtomicBool,
    /// Behind a pooler, every query also rendered with its values inlined.
    inline_always: AtomicBool,
    /// The timeout of every statement (see [`Session::set_timeout`]), in
    /// nanoseconds; `u64::MAX` for none.
    timeout: AtomicU64,
    /// The logger, slow-query threshold, tags and server of
    /// [`Session::set_logger`] and its siblings.
    observer: RwLock<Arc<Observer>>,
    /// Whether `observer` holds anything (read without the lock).
    observing: AtomicBool,
}

/// How many query texts a session remembers before it forgets the least
/// recently used.
const CAPACITY: usize = 256;

/// Per-connection state, whatever the driver: the [`Adapters`] scope
/// queries render and decode with, the statements prepared on the
/// connection (`S` is the driver's statement handle), the result
/// descriptions seen and the row plans made for them.
///
/// A session belongs to one physical connection: statements are the
/// server's, per connection. Clones share the same state, so a connection
/// and the transactions opened on it use one session. Everything is `Send
/// + Sync`; locks are taken a few times per query, never per row.
///
/// Statements are keyed by query text and forgotten when a statement run
/// through the session may change name resolution (`SET search_path`,
/// `RESET`, `DISCARD`, `SET ROLE`), so a text is never run on a statement
/// prepared under another `search_path`; call [`clear_cache`](Self::clear_cache)
/// after changing it any other way.
///
/// ```
/// use pgcast_core::exec::{Prepare, Session};
/// use pgcast_core::{Adapters, Policy};
///
/// let session = Session::<()>::new();
/// session.configure(|scope| {
///     scope.set_policy(Policy { lossy: true, ..Policy::DEFAULT });
/// });
/// assert!(session.scope().policy().lossy);
/// assert!(!Adapters::global().policy().lossy);
/// session.set_prepare(Prepare::Always);
/// assert_eq!(session.prepare(), Prepare::Always);
/// ```
pub struct Session<S> {
    shared: Arc<Shared<S>>,
    /// A query scope used instead of the connection's (see
    /// [`Session::scoped`]).
    overlay: Option<Adapters>,
    /// Tags of a query scope, over the session's (see [`Session::tagged`]).
    tags: Option<Arc<Tags>>,
    /// The timeout of a query scope, over the session's (see
    /// [`Session::timed`]).
    timeout: Option<Duration>,
}

impl<S> Clone for Session<S> {
    fn clone(&self) -> Self {
        Session {
            shared: Arc::clone(&self.shared),
            overlay: self.overlay.clone(),
            tags: self.tags.clone(),
            timeout: self.timeout,
        }
    }
}

impl<S: Clone + Send + 'static> Session<S> {
    /// A session with a scope taken from the global registry.
    pub fn new() -> Session<S> {
        Session::with_scope(Adapters::global().scope())
    }

    /// A session with this scope.
    pub fn with_scope(scope: Adapters) -> Session<S> {
        Session::build(scope, true)
    }

    /// A session on the global scope that remembers nothing between
    /// queries: what plain driver clients get for each call (every query is
    /// described first, nothing is kept).
    pub fn uncached() -> Session<S> {
        Session::build(Adapters::global(), false)
    }

    fn build(scope: Adapters, caching: bool) -> Session<S> {
        Session {
            shared: Arc::new(Shared {
                scope: RwLock::new(scope),
                prepare: AtomicU64::new(
                    if caching {
                        Prepare::default()
                    } else {
                        Prepare::Never
                    }
                    .encode(),
                ),
                caching,
                capacity: CAPACITY,
                cache: Mutex::new(Cache {
                    entries: HashMap::with_hasher(BuildTextHasher),
                    clock: 0,
                }),
                zone_known: AtomicBool::new(!caching),
                pooler: AtomicBool::new(false),
                inline_always: AtomicBool::new(false),
                timeout: AtomicU64::new(NO_TIMEOUT),
                observer: RwLock::default(),
                observing: AtomicBool::new(false),
            }),
            overlay: None,
            tags: None,
            timeout: None,
        }
    }

    /// The same session (statements, descriptions) with `scope` for the
    /// queries run through it: a per-query scope. Row plans are made anew
    /// for it rather than cached.
    ///
    /// ```
    /// use pgcast_core::exec::Session;
    /// use pgcast_core::{Adapters, Policy};
    ///
    /// let session = Session::<()>::new();
    /// let mut scope = session.scope();
    /// scope.set_policy(Policy { lossy: true, ..Policy::DEFAULT });
    /// assert!(session.scoped(scope).scope().policy().lossy);
    /// assert!(!session.scope().policy().lossy);
    /// ```
    pub fn scoped(&self, scope: Adapters) -> Session<S> {
        // The connection's types (fetched from its catalogue) hold in every
        // scope a query runs in.
        let scope = {
            let connection = self
                .shared
                .scope
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            scope.with_types_of(&connection)
        };
        Session {
            shared: Arc::clone(&self.shared),
            overlay: Some(scope),
            tags: self.tags.clone(),
            timeout: self.timeout,
        }
    }

    /// The same session with `tags` appended as a SQLCommenter comment to
    /// the statements run through it (over the session's own tags, see
    /// [`set_tags`](Self::set_tags)): a per-query scope.
    ///
    /// ```
    /// use pgcast_core::exec::{Session, Tags};
    ///
    /// let session = Session::<()>::new();
    /// session.set_tags(Tags::new().with("app", "shop"));
    /// let scoped = session.tagged(Tags::new().with("route", "/cart"));
    /// assert_eq!(scoped.tags().comment(), "/*app='shop',route='%2Fcart'*/");
    /// assert_eq!(session.tags().comment(), "/*app='shop'*/");
    /// ```
    pub fn tagged(&self, tags: Tags) -> Session<S> {
        let tags = match &self.tags {
            Some(mine) => mine.merged(&tags),
            None => tags,
        };
        Session {
            shared: Arc::clone(&self.shared),
            overlay: self.overlay.clone(),
            tags: Some(Arc::new(tags)),
            timeout: self.timeout,
        }
    }

    /// The same session with `timeout` for the statements run through it,
    /// over the session's own ([`set_timeout`](Self::set_timeout)): a
    /// per-query scope.
    ///
    /// ```
    /// use std::time::Duration;
    /// use pgcast_core::exec::Session;
    ///
    /// let session = Session::<()>::new();
    /// session.set_timeout(Some(Duration::from_secs(5)));
    /// let quick = session.timed(Duration::from_millis(200));
    /// assert_eq!(quick.timeout(), Some(Duration::from_millis(200)));
    /// assert_eq!(session.timeout(), Some(Duration::from_secs(5)));
    /// ```
    pub fn timed(&self, timeout: Duration) -> Session<S> {
        Session {
            shared: Arc::clone(&self.shared),
            overlay: self.overlay.clone(),
            tags: self.tags.clone(),
            timeout: Some(timeout),
        }
    }

    /// The timeout of the statements run through this session: a query
    /// scope's ([`timed`](Self::timed)), else the session's.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
            .or_else(|| match self.shared.timeout.load(Ordering::Relaxed) {
                NO_TIMEOUT => None,
                nanos => Some(Duration::from_nanos(nanos)),
            })
    }

    /// Gives every statement run through this session (and its clones: the
    /// connection and its transactions) at most `timeout` (`None`: no
    /// limit, the default). A statement that runs longer is canceled on the
    /// server through the driver's cancel request, and the verb returns an
    /// error of kind [`Timeout`](super::ErrorKind::Timeout)
    /// ([`Error::is_timeout`](super::Error::is_timeout)); the connection
    /// answers the next query. The time counts the whole verb: type
    /// lookups, describe and prepare, the rows. Inside a transaction the
    /// cancel aborts the transaction, as any error does.
    ///
    /// Unlike the server's `statement_timeout`, this needs no `SET` (so it
    /// holds behind a transaction pooler) and it also counts the time the
    /// request waits on the network or on a busy pooler.
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        // Past 584 years a timeout is as good as none.
        let nanos = timeout.map_or(NO_TIMEOUT, |t| {
            u64::try_from(t.as_nanos()).map_or(NO_TIMEOUT, |n| n.min(NO_TIMEOUT - 1))
        });
        self.shared.timeout.store(nanos, Ordering::Relaxed);
    }

    /// The tags statements run through this session carry: the session's,
    /// with a query scope's over them.
    pub fn tags(&self) -> Tags {
        let session = self.observer().map(|o| o.tags.clone()).unwrap_or_default();
        match &self.tags {
            Some(scope) => session.merged(scope),
            None => session,
        }
    }

    /// The observation settings, if any is set.
    pub(crate) fn observer(&self) -> Option<Arc<Observer>> {
        if !self.shared.observing.load(Ordering::Relaxed) {
            return None;
        }
        Some(Arc::clone(
            &self
                .shared
                .observer
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        ))
    }

    /// Whether a query scope adds tags.
    pub(crate) fn has_scope_tags(&self) -> bool {
        self.tags.is_some()
    }

    fn observe(&self, change: impl FnOnce(&mut Observer)) {
        let mut guard = self
            .shared
            .observer
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut next = Observer::clone(&guard);
        change(&mut next);
        let any = next.logger.is_some()
            || next.slow.is_some()
            || !next.tags.is_empty()
            || next.server != ServerInfo::default();
        *guard = Arc::new(next);
        self.shared.observing.store(any, Ordering::Relaxed);
    }

    /// Calls `logger` once per statement run through this session (and its
    /// clones: the connection and its transactions), when it ends: its
    /// text, duration, rows, outcome, strategy, and — with
    /// [`set_log_values`](Self::set_log_values) — its values.
    ///
    /// ```
    /// use pgcast_core::exec::Session;
    ///
    /// let session = Session::<()>::new();
    /// session.set_logger(|log| eprintln!("{} rows in {:?}: {}", log.rows, log.duration, log.text));
    /// ```
    pub fn set_logger(&self, logger: impl Fn(&QueryLog<'_>) + Send + Sync + 'static) {
        let logger: Logger = Arc::new(logger);
        self.observe(|o| o.logger = Some(logger));
    }

    /// Stops calling the logger.
    pub fn clear_logger(&self) {
        self.observe(|o| o.logger = None);
    }

    /// Logs parameter values under `rule` (`None`: no values, the
    /// default). A value the rule does not show, and any secret value
    /// ([`Redacted`](super::Redacted), a `#[pg(redact)]` field), is logged
    /// as `'<redacted>'`.
    pub fn set_log_values(&self, rule: Option<LogValues>) {
        self.observe(|o| o.values = rule);
    }

    /// Reports statements that take `threshold` or longer (`None`: none,
    /// the default) at `warn` level: to the logger (with
    /// [`QueryLog::slow`] set, and the statement with its values, redacted
    /// unless a [`LogValues`] rule shows them) and, with the `tracing`
    /// feature, as a `tracing` event (target `pgcast::slow`) in the
    /// statement's span.
    pub fn set_slow_threshold(&self, threshold: Option<std::time::Duration>) {
        self.observe(|o| o.slow = threshold);
    }

    /// Whether slow reports carry the plan: the adapter runs `EXPLAIN
    /// (FORMAT JSON)` (never `ANALYZE`) on statements without side effects
    /// before reporting, when the verb reads the whole result (`fetch_all`,
    /// `fetch_one`, `exec`, …; not streams or cursors).
    pub fn set_explain_slow(&self, explain: bool) {
        self.observe(|o| o.explain = explain);
    }

    /// Appends `tags` to every statement run through this session as a
    /// SQLCommenter comment (empty tags: none, the default). A statement
    /// prepared and kept keeps the comment it was prepared with: per-request
    /// values (trace ids) show on statements sent unnamed, or with
    /// [`Prepare::Never`].
    pub fn set_tags(&self, tags: Tags) {
        self.observe(|o| o.tags = tags);
    }

    /// What the server is, for spans (`db.namespace`, `server.address`,
    /// `server.port`).
    pub fn set_server(&self, server: ServerInfo) {
        self.observe(|o| o.server = server);
    }

    fn cache(&self) -> MutexGuard<'_, Cache<S>> {
        self.shared
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the session remembers statements and descriptions.
    pub fn is_caching(&self) -> bool {
        self.shared.caching
    }

    /// Merges the connection's types into this session's query scope, if it
    /// has one (after types were fetched into the connection's).
    pub(crate) fn refresh_overlay(&mut self) {
        if let Some(scope) = self.overlay.take() {
            let connection = self
                .shared
                .scope
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            self.overlay = Some(scope.with_types_of(&connection));
        }
    }

    /// Calls `f` with the scope, borrowed (no reference taken to the
    /// shared registry, which every connection's queries would contend
    /// on); `f` must not call back into the session's scope.
    pub(crate) fn in_scope<R>(&self, f: impl FnOnce(&Adapters) -> R) -> R {
        if let Some(scope) = &self.overlay {
            return f(scope);
        }
        f(&self
            .shared
            .scope
            .read()
            .unwrap_or_else(PoisonError::into_inner))
    }

    /// A snapshot of the scope (a cheap clone).
    pub fn scope(&self) -> Adapters {
        if let Some(scope) = &self.overlay {
            return scope.clone();
        }
        self.shared
            .scope
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes the scope (register loaders, dumpers, types, a policy) in
    /// place, under a lock: concurrent changes all land. Row plans made
    /// under the old scope are dropped.
    pub fn configure<R>(&self, change: impl FnOnce(&mut Adapters) -> R) -> R {
        let out = {
            let mut scope = self
                .shared
                .scope
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            change(&mut scope)
        };
        self.cache()
            .entries
            .values_mut()
            .for_each(|e| e.plans.clear());
        out
    }

    /// The prepare setting.
    pub fn prepare(&self) -> Prepare {
        Prepare::decode(self.shared.prepare.load(Ordering::Relaxed))
    }

    /// Changes the prepare setting (a session that caches nothing stays at
    /// [`Prepare::Never`]).
    pub fn set_prepare(&self, prepare: Prepare) {
        if self.shared.caching {
            self.shared
                .prepare
                .store(prepare.encode(), Ordering::Relaxed);
        }
    }

    /// Whether the connection goes through a transaction pooler (see
    /// [`set_pooler`](Self::set_pooler)).
    pub fn is_pooler(&self) -> bool {
        self.shared.pooler.load(Ordering::Relaxed)
    }

    /// Behind a transaction pooler, renders every query with its values
    /// inlined too ([`Exec::inline_text`](super::Exec::inline_text)), for a
    /// driver that sends every statement through the simple protocol.
    /// Otherwise only a query whose result is not described yet is (its
    /// description goes through the simple protocol).
    pub fn set_inline_always(&self, on: bool) {
        self.shared.inline_always.store(on, Ordering::Relaxed);
    }

    /// Whether behind a pooler a query is rendered with its values inlined.
    pub(crate) fn wants_inline(&self, text: &str) -> bool {
        self.is_pooler()
            && (self.shared.inline_always.load(Ordering::Relaxed)
                || self.description(text).is_none())
    }

    /// Marks the connection as going through a transaction pooler
    /// (PgBouncer in `pool_mode = transaction`, Supavisor, RDS Proxy, …):
    /// consecutive transactions may run on different server connections, so
    /// nothing may rely on state outliving a transaction. Then no statement
    /// is kept ([`Prepare::Never`]), a result never seen is described
    /// through the simple protocol (no named statement), every query goes
    /// out unnamed in one round trip, and columns of types the driver does
    /// not know are asked for as text so the driver never looks a type up
    /// itself. Types are fetched by pgcast's own one-round-trip catalogue
    /// queries. `SET` run through pgcast is not remembered.
    pub fn set_pooler(&self, pooler: bool) {
        self.shared.pooler.store(pooler, Ordering::Relaxed);
        if pooler {
            self.set_prepare(Prepare::Never);
            self.cache()
                .entries
                .values_mut()
                .for_each(|e| e.statement = None);
        } else {
            self.set_prepare(Prepare::default());
        }
    }

    /// The result description of `text`, if the session has seen it.
    pub fn description(&self, text: &str) -> Option<Arc<[Column]>> {
        self.cache()
            .entries
            .get(text)
            .and_then(|e| e.columns.clone())
    }

    /// Records the result description of `text`, found without a statement.
    pub fn described(&self, text: &str, columns: &[Column]) {
        if !self.shared.caching {
            return;
        }
        let mut cache = self.cache();
        let Some(entry) = entry(&mut cache, text, self.shared.capacity) else {
            return;
        };
        entry.columns = Some(columns.into());
    }

    /// How `text` goes out now; `params_known` says whether every parameter
    /// can be sent without a describe. Counts the run.
    pub fn plan(&self, text: &str, params_known: bool) -> Step<S> {
        self.plan_in(text, params_known, |_| None).step
    }

    /// [`plan`](Self::plan), with what reading the rows as `T` needs, found
    /// under the same lock: for a kept statement, `T`'s plan for the kept
    /// description; and the text (shared) when the session keeps it and
    /// running it changes nothing in the session (the run then needs no
    /// [`ran`](Self::ran)).
    pub(crate) fn plan_kept<T: RowType>(&self, text: &str, params_known: bool) -> Planned<S> {
        if self.overlay.is_some() {
            let mut planned = self.plan_in(text, params_known, |_| None);
            planned.kept = None;
            return planned;
        }
        let id = TypeId::of::<T>();
        self.plan_in(text, params_known, |entry| {
            let kept = entry.columns.as_ref()?;
            entry
                .plans
                .iter()
                .find(|(t, cols, _)| *t == id && (Arc::ptr_eq(cols, kept) || **cols == **kept))
                .map(|(_, _, plan)| Arc::clone(plan))
        })
    }

    /// [`plan`](Self::plan); `kept` reads the entry of a kept statement.
    fn plan_in(
        &self,
        text: &str,
        params_known: bool,
        kept: impl FnOnce(&Entry<S>) -> Option<Arc<dyn Any + Send + Sync>>,
    ) -> Planned<S> {
        let planned = |step| Planned {
            step,
            kept: None,
            text: None,
        };
        let pooler = self.is_pooler();
        if !self.shared.caching && !pooler {
            // Nothing known: describe first, unless the text surely returns
            // no rows (then no result type can be unseen).
            return planned(if params_known && sniff::returns_no_rows(text) {
                Step::Direct
            } else {
                Step::Prepare
            });
        }
        let prepare = self.prepare();
        let mut cache = self.cache();
        let Some(entry) = entry(&mut cache, text, self.shared.capacity) else {
            return planned(Step::Prepare);
        };
        entry.runs = entry.runs.saturating_add(1);
        let neutral = !entry.effects.renames && !entry.effects.zone;
        let shared = neutral.then(|| Arc::clone(&entry.text));
        if pooler {
            // Behind a transaction pooler: never a named statement.
            let step = if entry.columns.is_some() || sniff::returns_no_rows(text) {
                Step::Direct
            } else if sniff::wrap_kind(text) == Some(sniff::Wrap::Subquery) {
                Step::DescribeSimple
            } else {
                // DML with RETURNING, FETCH, SHOW …: describing them would
                // run them; sent as they are.
                Step::Direct
            };
            return Planned {
                text: shared,
                ..planned(step)
            };
        }
        if let Some(statement) = &entry.statement {
            return Planned {
                step: Step::Prepared(statement.clone()),
                kept: if neutral { kept(entry) } else { None },
                text: shared,
            };
        }
        let result_known = match &entry.columns {
            Some(columns) => columns
                .iter()
                .all(|c| crate::Type::from_oid(c.ty.oid()).is_some()),
            None => sniff::returns_no_rows(text),
        };
        let step = if !keeps(prepare, entry.runs) && params_known && result_known {
            Step::Direct
        } else {
            Step::Prepare
        };
        Planned {
            text: shared,
            ..planned(step)
        }
    }

    /// Records what a describe of `text` found, and keeps `statement` if the
    /// prepare setting says to. Returns whether it was kept.
    pub fn prepared(&self, text: &str, statement: &S, columns: &[Column]) -> bool {
        if !self.shared.caching {
            return false;
        }
        let prepare = self.prepare();
        let mut cache = self.cache();
        let Some(entry) = entry(&mut cache, text, self.shared.capacity) else {
            return false;
        };
        entry.runs = entry.runs.max(1);
        if entry.columns.as_deref() != Some(columns) {
            entry.columns = Some(columns.into());
        }
        let keep = keeps(prepare, entry.runs);
        if keep {
            entry.statement = Some(statement.clone());
        }
        keep
    }

    /// Forgets what the session knows of `text` (its statement, description
    /// and plans): after the server said the statement is stale.
    pub fn forget(&self, text: &str) {
        let mut cache = self.cache();
        cache.entries.remove(text);
    }

    /// Notes that `text` ran: a statement that may change name resolution
    /// clears the cache; one that may change the time zone has it read again.
    pub fn ran(&self, text: &str) {
        if !self.shared.caching {
            return;
        }
        // Sniffed once per text the session keeps.
        let known = self.cache().entries.get(text).map(|e| e.effects);
        let effects = known.unwrap_or_else(|| Effects::of(text));
        if effects.renames {
            self.clear_cache();
        }
        if effects.zone {
            self.shared.zone_known.store(false, Ordering::Relaxed);
        }
    }

    /// Whether the connection's `TimeZone` should be read (with
    /// [`TIME_ZONE_SQL`](super::TIME_ZONE_SQL)) before the next query: once
    /// per session, and again after a statement run through it changed the
    /// setting. Binary `timestamptz` values then load with the
    /// connection's offset, as its text and `to_json` show them. Sessions
    /// that cache nothing (plain driver clients) keep UTC.
    pub fn needs_time_zone(&self) -> bool {
        !self.shared.zone_known.load(Ordering::Relaxed)
    }

    /// The connection's `TimeZone` setting as read: the scope follows it. A
    /// zone the machine's time zone database does not know leaves UTC.
    pub fn set_time_zone_name(&self, name: &str) {
        let zone = crate::TimeZone::named(name).unwrap_or(crate::TimeZone::UTC);
        self.configure(|scope| {
            scope.set_time_zone(zone);
        });
        self.shared.zone_known.store(true, Ordering::Relaxed);
    }

    /// The number of statements kept.
    pub fn cached_statements(&self) -> usize {
        self.cache()
            .entries
            .values()
            .filter(|e| e.statement.is_some())
            .count()
    }

    /// Forgets every statement, description and plan (after DDL that changes
    /// a result's shape, or a `search_path` changed behind pgcast's back).
    pub fn clear_cache(&self) {
        let mut cache = self.cache();
        cache.entries.clear();
    }

    /// The decoder of `T` for a result of `text` described by `columns`:
    /// planned once per description, then taken from the cache.
    pub fn decoder<T: RowType>(
        &self,
        text: &str,
        described: &(impl Description + ?Sized),
    ) -> crate::Result<Decoder<T>> {
        let caching = self.shared.caching && self.overlay.is_none();
        let id = TypeId::of::<T>();
        if caching {
            let cache = self.cache();
            let found = cache.entries.get(text).and_then(|e| {
                e.plans
                    .iter()
                    .find(|(t, cols, _)| *t == id && described.matches(cols))
                    .and_then(|(_, _, plan)| plan.downcast_ref::<T::Plan>())
            });
            if let Some(plan) = found {
                return Ok(Decoder::from_plan(plan.clone()));
            }
        }
        // A description not planned yet: copied, once.
        let columns = described.to_columns();
        let columns = columns.as_slice();
        let decoder = Decoder::<T>::new(columns, &self.scope())?;
        if caching {
            let mut cache = self.cache();
            if let Some(entry) = entry(&mut cache, text, self.shared.capacity) {
                entry.plans.retain(|(t, _, _)| *t != id);
                if entry.plans.len() >= PLANS_PER_TEXT {
                    entry.plans.remove(0);
                }
                // The kept description itself when it is the same, so that
                // `kept_decoder` finds the plan by pointer.
                let cols = match &entry.columns {
                    Some(kept) if **kept == *columns => Arc::clone(kept),
                    _ => columns.into(),
                };
                entry
                    .plans
                    .push((id, cols, Arc::new(decoder.plan().clone())));
            }
        }
        Ok(decoder)
    }
}

/// Whether a statement run `runs` times is kept.
fn keeps(prepare: Prepare, runs: u32) -> bool {
    match prepare {
        Prepare::Always => true,
        Prepare::Auto { threshold } => runs >= threshold,
        Prepare::Never => false,
    }
}

/// The entry of `text`, made if new (making room first), marked as used now.
fn entry<'c, S>(cache: &'c mut Cache<S>, text: &str, capacity: usize) -> Option<&'c mut Entry<S>> {
    cache.clock += 1;
    let clock = cache.clock;
    // Looked up by `&str` first: no key is made for a text already known.
    if !cache.entries.contains_key(text) {
        if cache.entries.len() >= capacity {
            evict(cache, capacity / 8 + 1);
        }
        let key: Arc<str> = text.into();
        cache.entries.insert(
            Arc::clone(&key),
            Entry {
                text: key,
                runs: 0,
                effects: Effects::of(text),
                columns: None,
                statement: None,
                used: clock,
                plans: Vec::new(),
            },
        );
    }
    let entry = cache.entries.get_mut(text)?;
    entry.used = clock;
    Some(entry)
}

/// Drops the `n` least recently used entries (and their plans).
fn evict<S>(cache: &mut Cache<S>, n: usize) {
    let mut stamps: Vec<u64> = cache.entries.values().map(|e| e.used).collect();
    stamps.sort_unstable();
    let Some(&cut) = stamps.get(n.saturating_sub(1)) else {
        cache.entries.clear();
        return;
    };
    cache.entries.retain(|_, e| e.used > cut);
}

impl<S: Clone + Send + 'static> Default for Session<S> {
    fn default() -> Self {
        Session::new()
    }
}

impl<S: Clone + Send + 'static> fmt::Debug for Session<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("scope", &self.scope())
            .field("prepare", &self.prepare())
            .field("statements", &self.cached_statements())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, Type};

    fn cols(ty: Type) -> Vec<Column> {
        vec![Column::new("x", ty, Format::Binary)]
    }

    #[test]
    fn describes_first_then_prepares_what_repeats() {
        let s = Session::<u32>::new();
        assert!(matches!(s.plan("SELECT 1", true), Step::Prepare));
        assert!(!s.prepared("SELECT 1", &1, &cols(Type::INT4)));
        // the second run reaches the threshold: prepared and kept
        assert!(matches!(s.plan("SELECT 1", true), Step::Prepare));
        assert!(s.prepared("SELECT 1", &2, &cols(Type::INT4)));
        assert!(matches!(s.plan("SELECT 1", true), Step::Prepared(2)));
        assert_eq!(s.cached_statements(), 1);
    }

    #[test]
    fn one_round_trip_only_for_known_results() {
        let s = Session::<u32>::new();
        s.set_prepare(Prepare::Auto { threshold: 10 });
        s.plan("q", true);
        s.prepared("q", &1, &cols(Type::INT4));
        assert!(matches!(s.plan("q", true), Step::Direct));
        assert!(matches!(s.plan("q", false), Step::Prepare));
        // a custom type (OID unknown to drivers) is never sent direct
        let custom = Type::new(
            "mood".into(),
            99999,
            crate::Kind::Enum(vec![]),
            "public".into(),
        );
        s.plan("e", true);
        s.prepared("e", &2, &cols(custom));
        assert!(matches!(s.plan("e", true), Step::Prepare));
        // commands without rows need no describe
        assert!(matches!(
            s.plan("INSERT INTO t VALUES (1)", true),
            Step::Direct
        ));
    }

    #[test]
    fn search_path_changes_clear_statements() {
        let s = Session::<u32>::new();
        s.set_prepare(Prepare::Always);
        s.plan("q", true);
        assert!(s.prepared("q", &1, &cols(Type::INT4)));
        s.ran("SET search_path TO other");
        assert!(matches!(s.plan("q", true), Step::Prepare));
        s.prepared("q", &1, &cols(Type::INT4));
        s.forget("q");
        assert_eq!(s.cached_statements(), 0);
    }

    #[test]
    fn uncached_sessions_keep_nothing() {
        let s = Session::<u32>::uncached();
        s.set_prepare(Prepare::Always);
        assert_eq!(s.prepare(), Prepare::Never);
        assert!(matches!(s.plan("q", true), Step::Prepare));
        assert!(!s.prepared("q", &1, &cols(Type::INT4)));
        assert!(matches!(s.plan("q", true), Step::Prepare));
    }

    #[test]
    fn bounded() {
        let s = Session::<u32>::new();
        s.set_prepare(Prepare::Always);
        for i in 0..(CAPACITY as u32 * 3) {
            let text = format!("SELECT {i}");
            s.plan(&text, true);
            s.prepared(&text, &i, &cols(Type::INT4));
        }
        assert!(s.cached_statements() <= CAPACITY);
        assert!(matches!(
            s.plan(&format!("SELECT {}", CAPACITY * 3 - 1), true),
            Step::Prepared(_)
        ));
    }
}
