//! A deadpool pool whose connections keep their pgcast [`Session`]
//! (feature `deadpool`).
//!
//! A plain deadpool-postgres pool hands out clients that [`ClientExt`]
//! works on, but without a session of their own: every query is described
//! again, nothing is kept. An application could keep a session per pooled
//! connection in a side table by deadpool's object id; this [`Manager`]
//! does it without the table: each connection it opens is a [`PgClient`]
//! with a new session (configured by [`Manager::configure`]), which lives
//! as long as the connection does, through every checkout. Statements
//! prepared and row plans made on one checkout serve the next.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use pgcast::sql;
//! use pgcast_tokio_postgres::pool::deadpool_postgres::{self, ManagerConfig, RecyclingMethod};
//! use pgcast_tokio_postgres::pool::{Manager, Pool};
//! use pgcast_tokio_postgres::{ClientExt, TransactionEnd, TransactionExt};
//!
//! let config: tokio_postgres::Config = "host=localhost user=app".parse()?;
//! let manager = deadpool_postgres::Manager::from_config(
//!     config,
//!     tokio_postgres::NoTls,
//!     ManagerConfig { recycling_method: RecyclingMethod::Verified },
//! );
//! // Behind a transaction pooler: every session in pooler mode.
//! let manager = Manager::new(manager).configure(|session| session.set_pooler(true));
//! let pool = Pool::builder(manager).max_size(8).build()?;
//!
//! let client = pool.get().await?;
//! let id = 42_i64;
//! let name: String = client.fetch_scalar(&sql!("SELECT name FROM users WHERE id = {id}")).await?;
//!
//! // A transaction on a checked-out connection shares its session.
//! let mut client = pool.get().await?;
//! let tx = client.pg_transaction().await?;
//! tx.exec(&sql!("UPDATE users SET seen = now() WHERE id = {id}")).await?;
//! tx.commit().await?;
//! # Ok(()) }
//! ```

use std::fmt;

use deadpool::managed::{self, Metrics, RecycleResult};
use deadpool_postgres::ClientWrapper;

/// The deadpool-postgres this module builds on (its `Manager`,
/// `ManagerConfig`, `RecyclingMethod`), so that the versions agree.
pub use deadpool_postgres;

#[cfg(doc)]
use crate::ClientExt;
use crate::client::OwnsClient;
use crate::client::sealed;
use crate::{Conn, PgClient, Session};

/// A pooled connection: the driver's client (deadpool's wrapper, with its
/// statement cache) and the connection's session.
pub type Pooled = PgClient<ClientWrapper>;

/// A pool of [`Pooled`] connections.
pub type Pool = managed::Pool<Manager>;

/// A connection checked out of a [`Pool`]; it derefs to [`Pooled`].
pub type Object = managed::Object<Manager>;

/// Opens and recycles pooled connections as deadpool-postgres's manager
/// does, each carrying a session of its own.
pub struct Manager {
    inner: deadpool_postgres::Manager,
    configure: Option<Configure>,
}

/// What each new connection's session is given.
type Configure = Box<dyn Fn(&Session) + Send + Sync>;

impl Manager {
    /// Connections opened and recycled by `inner` (its configuration,
    /// TLS and recycling method).
    pub fn new(inner: deadpool_postgres::Manager) -> Manager {
        Manager {
            inner,
            configure: None,
        }
    }

    /// Calls `configure` on the session of every new connection, before it
    /// runs anything: pooler mode, a timeout, the prepare policy, a scope.
    pub fn configure(mut self, configure: impl Fn(&Session) + Send + Sync + 'static) -> Manager {
        self.configure = Some(Box::new(configure));
        self
    }
}

impl From<deadpool_postgres::Manager> for Manager {
    fn from(inner: deadpool_postgres::Manager) -> Manager {
        Manager::new(inner)
    }
}

impl fmt::Debug for Manager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Manager")
            .field("inner", &self.inner)
            .field("configure", &self.configure.is_some())
            .finish()
    }
}

impl managed::Manager for Manager {
    type Type = Pooled;
    type Error = tokio_postgres::Error;

    async fn create(&self) -> Result<Pooled, tokio_postgres::Error> {
        let client = self.inner.create().await?;
        let session = Session::new();
        if let Some(configure) = &self.configure {
            configure(&session);
        }
        Ok(PgClient::with_session(client, session))
    }

    async fn recycle(
        &self,
        pooled: &mut Pooled,
        metrics: &Metrics,
    ) -> RecycleResult<tokio_postgres::Error> {
        self.inner.recycle(pooled.client_mut(), metrics).await
    }

    fn detach(&self, pooled: &mut Pooled) {
        self.inner.detach(pooled.client_mut());
    }
}

impl sealed::Sealed for ClientWrapper {}

impl OwnsClient for ClientWrapper {
    fn driver_client(&mut self) -> &mut tokio_postgres::Client {
        self
    }
}

impl Conn for ClientWrapper {
    type Client = tokio_postgres::Client;

    fn generic_client(&self) -> &tokio_postgres::Client {
        self
    }

    fn session(&self) -> Session {
        Session::uncached()
    }
}
