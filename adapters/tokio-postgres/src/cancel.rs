//! Timeouts and cancellation: a statement given up on (its timeout passed,
//! its stream or future dropped with rows still coming) is canceled on the
//! server through the driver's cancel token, so the server stops working on
//! it instead of sending every row for the driver to throw away.
//!
//! A cancel request travels on a connection of its own and lands whenever
//! the server gets to it, so it must not reach the server after the next
//! statement of the same connection went out: it would cancel that one.
//! Every verb therefore waits first for the cancels still in flight on its
//! client (a "gate" per client, found by the client's address): until the
//! cancel request was sent and the canceled statement ended (with the
//! cancel's error, which nobody sees), or a short settling time passed
//! when it ended by itself first.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt;
use pgcast_core::exec::Error;
use tokio::sync::watch;
use tokio_postgres::error::SqlState;
use tokio_postgres::{CancelToken, Client, NoTls};

use crate::Result;
use crate::rows::error;

/// How long the next statement waits after a canceled statement ended by
/// itself (the cancel request may still be on its way to the server).
const SETTLE: Duration = Duration::from_millis(10);

/// How long a timed-out verb waits, once the cancel request is sent, for
/// the statement to end with the cancel's error before it stops waiting (a
/// busy server can take a while to act on a cancel request).
const AFTER_CANCEL: Duration = Duration::from_secs(5);

/// Cancels in flight, per client address; each entry's channel turns `true`
/// when its cancel has settled.
static GATES: Mutex<Vec<(usize, watch::Receiver<bool>)>> = Mutex::new(Vec::new());

/// How many entries `GATES` holds (read without the lock).
static PENDING: AtomicUsize = AtomicUsize::new(0);

fn key(client: &Client) -> usize {
    std::ptr::from_ref(client) as usize
}

/// Waits until the cancels in flight on `client` have settled.
pub(crate) async fn settled(client: &Client) {
    if PENDING.load(Ordering::Acquire) == 0 {
        return;
    }
    let key = key(client);
    let waiting: Vec<watch::Receiver<bool>> = GATES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, rx)| rx.clone())
        .collect();
    for mut rx in waiting {
        // An error: the sender is gone, so the cancel is over too.
        let _ = rx.wait_for(|done| *done).await;
    }
}

/// A driver result stream being read: what a canceled statement's end is
/// watched on.
pub(crate) type Rest = Pin<Box<tokio_postgres::RowStream>>;

/// A cancel in flight on a client: registered before the request goes out,
/// released (the next statements of the client may go) when dropped.
struct Gate(watch::Sender<bool>);

impl Gate {
    fn open(client_key: usize) -> Gate {
        let (done, rx) = watch::channel(false);
        GATES
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((client_key, rx));
        PENDING.fetch_add(1, Ordering::AcqRel);
        Gate(done)
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        let mut gates = GATES.lock().unwrap_or_else(PoisonError::into_inner);
        gates.retain(|(_, rx)| !rx.same_channel(&self.0.subscribe()));
        PENDING.store(gates.len(), Ordering::Release);
        drop(gates);
        let _ = self.0.send(true);
    }
}

/// Sends the cancel request and reads `rest`, the statement's result, to
/// its end (the cancel's error); when it ended by itself first, waits a
/// moment for the request to land.
async fn cancel_and_settle(token: CancelToken, rest: Option<Pin<&mut tokio_postgres::RowStream>>) {
    let sent = token.cancel_query(NoTls).await.is_ok();
    let canceled = match rest {
        Some(mut rest) if sent => loop {
            match rest.next().await {
                Some(Ok(_)) => {}
                Some(Err(e)) => break e.code() == Some(&SqlState::QUERY_CANCELED),
                None => break false,
            }
        },
        _ => false,
    };
    if sent && !canceled {
        tokio::time::sleep(SETTLE).await;
    }
}

/// Cancels the statement running on the connection of `token` in the
/// background (the caller cannot wait: a `Drop`), the next statement of
/// `client_key` waiting until it settled. `rest` is the statement's result
/// stream, read to its end (the cancel's error) rather than left for the
/// driver to drain. Without a tokio runtime nothing is canceled, and the
/// driver drains the result as before.
pub(crate) fn cancel_in_background(token: CancelToken, client_key: usize, rest: Option<Rest>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let gate = Gate::open(client_key);
    runtime.spawn(async move {
        let mut rest = rest;
        cancel_and_settle(token, rest.as_mut().map(Pin::as_mut)).await;
        drop(gate);
    });
}

/// Cancels the statement of `rest`, a result being read on `client`, and
/// reads what is left of it, here (a verb that needs no more rows):
/// statements of the client sent meanwhile wait, as for a cancel in the
/// background.
pub(crate) async fn cancel_rest_now(client: &Client, rest: Pin<&mut tokio_postgres::RowStream>) {
    let gate = Gate::open(key(client));
    cancel_and_settle(client.cancel_token(), Some(rest)).await;
    drop(gate);
}

/// What cancelling a statement in flight needs: its connection's cancel
/// token and its client's address.
#[derive(Clone)]
pub(crate) struct Canceller {
    token: CancelToken,
    key: usize,
}

impl Canceller {
    pub(crate) fn new(client: &Client) -> Canceller {
        Canceller {
            token: client.cancel_token(),
            key: key(client),
        }
    }

    /// Cancels the statement in the background, `rest` its result.
    pub(crate) fn cancel(self, rest: Option<Rest>) {
        cancel_in_background(self.token, self.key, rest);
    }
}

/// Armed while a verb's statement may be running on the server: dropped
/// armed (the verb's future dropped midway), it cancels the statement.
struct InFlight<'a> {
    client: &'a Client,
    armed: bool,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.armed {
            Canceller::new(self.client).cancel(None);
        }
    }
}

/// Runs a verb's future on `client`: after the cancels in flight on the
/// client have settled, within `timeout` if one is set (past it the
/// statement is canceled on the server and the verb fails with
/// [`Error::timeout`]); dropped before its end, it cancels its statement.
///
/// The verb's future is made here, by `make`, and awaited where it is made:
/// it is then stored once in this future's state, not once as an argument
/// and again while awaited. The rare paths (a cancel in flight, a timeout)
/// are boxed futures of their own, so the common one adds a few words.
pub(crate) async fn guarded<T, F, Fut>(
    client: &Client,
    timeout: Option<Duration>,
    query: Option<String>,
    make: F,
) -> Result<T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    if PENDING.load(Ordering::Acquire) != 0 {
        Box::pin(settled(client)).await;
    }
    let mut in_flight = InFlight {
        client,
        armed: true,
    };
    let out = match timeout {
        None => make().await,
        Some(after) => Box::pin(within(client, after, query, make())).await,
    };
    in_flight.armed = false;
    out
}

/// `fut` given `after` to finish; past it, the statement is canceled on the
/// server and the verb fails with a timeout error.
async fn within<T>(
    client: &Client,
    after: Duration,
    query: Option<String>,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    let mut fut = std::pin::pin!(fut);
    match tokio::time::timeout(after, fut.as_mut()).await {
        Ok(out) => out,
        Err(_) => {
            let cancel = client
                .cancel_token()
                .cancel_query(NoTls)
                .await
                .map_err(error);
            let failed = |cancel| {
                let e = Error::timeout(after, cancel);
                match &query {
                    Some(q) => e.with_query(q),
                    None => e,
                }
            };
            // The statement ends with the cancel's error (or by itself, if
            // it was just done); past a while, the verb gives up waiting
            // and the dropped future cancels again in the background.
            match tokio::time::timeout(AFTER_CANCEL, fut.as_mut()).await {
                Ok(Ok(_)) => {
                    // Done just in time (a stream only started): still a
                    // timeout, and the cancel may yet land, so the next
                    // statement waits a moment.
                    tokio::time::sleep(SETTLE).await;
                    Err(failed(cancel))
                }
                Ok(Err(e)) if e.is_connection_lost() => Err(e),
                Ok(Err(_)) => Err(failed(cancel)),
                // The cancel request is still on its way (another one
                // would not arrive sooner); the driver reads what is left.
                Err(_) => Err(failed(cancel)),
            }
        }
    }
}
