//! [`Session`]: what pgcast keeps per connection: the registry scope,
//! prepared statements by text, and row plans by statement.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use pgcast_core::Adapters;
use pgcast_core::row::Column;
use tokio_postgres::Statement;

use crate::rows::{Decoder, RowType};

/// How many prepared statements a session keeps before it starts over.
const MAX_STATEMENTS: usize = 512;

type PlanKey = (TypeId, String);

struct Shared {
    scope: RwLock<Adapters>,
    caching: bool,
    statements: Mutex<HashMap<String, Statement>>,
    plans: Mutex<HashMap<PlanKey, Arc<dyn Any + Send + Sync>>>,
}

/// Per-connection state: the [`Adapters`] scope queries render and decode
/// with, the statements prepared on the connection (by query text) and the
/// row plans made for them (by statement and row type).
///
/// A session belongs to one connection: statements are the server's, per
/// connection. Clones share the same state, so a connection and the
/// transactions opened on it can use one session. Everything is `Send +
/// Sync`; locks are taken once per query, never per row.
///
/// ```
/// use pgcast_core::{Adapters, Policy};
/// use pgcast_tokio_postgres::Session;
///
/// let session = Session::new();
/// session.configure(|scope| {
///     scope.set_policy(Policy { lossy: true, ..Policy::DEFAULT });
/// });
/// assert!(session.scope().policy().lossy);
/// assert!(!Adapters::global().policy().lossy);
/// ```
#[derive(Clone)]
pub struct Session(Arc<Shared>);

impl Session {
    /// A session with a scope taken from the global registry.
    pub fn new() -> Session {
        Session::with_scope(Adapters::global().scope())
    }

    /// A session with this scope.
    pub fn with_scope(scope: Adapters) -> Session {
        Session::build(scope, true)
    }

    /// A session on the global scope that caches nothing: what plain
    /// clients get for each call.
    pub fn uncached() -> Session {
        Session::build(Adapters::global(), false)
    }

    fn build(scope: Adapters, caching: bool) -> Session {
        Session(Arc::new(Shared {
            scope: RwLock::new(scope),
            caching,
            statements: Mutex::new(HashMap::new()),
            plans: Mutex::new(HashMap::new()),
        }))
    }

    /// Whether statements and plans are kept between queries.
    pub fn is_caching(&self) -> bool {
        self.0.caching
    }

    /// A snapshot of the scope (a cheap clone).
    pub fn scope(&self) -> Adapters {
        self.0
            .scope
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes the scope (register loaders, dumpers, types, a policy). Row
    /// plans made under the old scope are dropped.
    pub fn configure<R>(&self, change: impl FnOnce(&mut Adapters) -> R) -> R {
        let out = {
            let mut scope = self.0.scope.write().unwrap_or_else(PoisonError::into_inner);
            change(&mut scope)
        };
        self.0
            .plans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        out
    }

    /// The statement prepared for `text`, if one is cached.
    pub fn statement(&self, text: &str) -> Option<Statement> {
        if !self.0.caching {
            return None;
        }
        self.0
            .statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(text)
            .cloned()
    }

    /// Keeps a statement prepared for `text`.
    pub fn store_statement(&self, text: &str, statement: &Statement) {
        if !self.0.caching {
            return;
        }
        let mut statements = self
            .0
            .statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if statements.len() >= MAX_STATEMENTS {
            statements.clear();
            self.0
                .plans
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
        statements.insert(text.to_owned(), statement.clone());
    }

    /// The number of statements cached.
    pub fn cached_statements(&self) -> usize {
        self.0
            .statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Forgets every cached statement and plan (after DDL that changes a
    /// result's shape, say).
    pub fn clear_cache(&self) {
        self.0
            .statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.0
            .plans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The decoder of `T` for the statement prepared for `text`: planned
    /// once, then taken from the cache.
    pub fn decoder_for<T: RowType>(
        &self,
        text: &str,
        statement: &Statement,
    ) -> pgcast_core::Result<Decoder<T>> {
        let key = (TypeId::of::<T>(), text.to_owned());
        if self.0.caching {
            let plans = self.0.plans.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(plan) = plans.get(&key).and_then(|p| p.downcast_ref::<T::Plan>()) {
                return Ok(Decoder::from_plan(plan.clone()));
            }
        }
        let columns: Vec<Column> = crate::rows::describe(statement.columns());
        let decoder = Decoder::<T>::new(&columns, &self.scope())?;
        if self.0.caching {
            self.0
                .plans
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, Arc::new(decoder.plan().clone()));
        }
        Ok(decoder)
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("scope", &self.scope())
            .field("caching", &self.0.caching)
            .field("statements", &self.cached_statements())
            .finish()
    }
}
