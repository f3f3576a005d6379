//! [`PgClient`]: a driver's client with a [`Session`] of its own.

use std::ops::{Deref, DerefMut};

use super::session::Session;

/// A driver's client (`C`) with a [`Session`] of its own (`S` is the
/// driver's statement handle): the registry scope of the connection (types
/// registered there stay there), the statements kept, the row plans. Each
/// adapter names it for its driver (`pgcast_tokio_postgres::PgClient<C>`)
/// and gives it the verbs.
///
/// It derefs to the client, so every driver method stays at hand.
///
/// ```
/// use pgcast_core::exec::{PgClient, Session};
///
/// let client = PgClient::<_, ()>::new(String::from("a driver client"));
/// assert_eq!(client.len(), 15); // the client's own methods, through Deref
/// let same_session = PgClient::with_session(7_u8, client.pg_session().clone());
/// assert_eq!(same_session.into_inner(), 7);
/// ```
pub struct PgClient<C, S> {
    client: C,
    session: Session<S>,
}

impl<C, S: Clone + Send + 'static> PgClient<C, S> {
    /// `client` with a new session on a scope of the global registry.
    pub fn new(client: C) -> PgClient<C, S> {
        PgClient::with_session(client, Session::new())
    }

    /// `client` with this session (one session per connection: a client and
    /// its transactions share one).
    pub fn with_session(client: C, session: Session<S>) -> PgClient<C, S> {
        PgClient { client, session }
    }

    /// The session.
    pub fn pg_session(&self) -> &Session<S> {
        &self.session
    }

    /// The client, without the session.
    pub fn into_inner(self) -> C {
        self.client
    }

    /// The client and the session.
    pub fn into_parts(self) -> (C, Session<S>) {
        (self.client, self.session)
    }

    /// The client.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The client, mutably.
    pub fn client_mut(&mut self) -> &mut C {
        &mut self.client
    }
}

impl<C: std::fmt::Debug, S: Clone + Send + 'static> std::fmt::Debug for PgClient<C, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgClient")
            .field("client", &self.client)
            .field("session", &self.session)
            .finish()
    }
}

impl<C, S> Deref for PgClient<C, S> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.client
    }
}

impl<C, S> DerefMut for PgClient<C, S> {
    fn deref_mut(&mut self) -> &mut C {
        &mut self.client
    }
}
