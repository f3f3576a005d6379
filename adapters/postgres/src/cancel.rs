//! Timeouts and cancellation for the blocking client: a watchdog thread per
//! timed call fires the connection's cancel token when the timeout passes,
//! and is always joined before the call returns (or, for an iterator, when
//! it is dropped), so it never outlives what it watches.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use pgcast_tokio_postgres::error;
use postgres::{CancelToken, NoTls};

use crate::{Error, Result};

/// How long the next statement waits after a canceled statement ended by
/// itself (the cancel request may still be on its way to the server).
const SETTLE: Duration = Duration::from_millis(10);

/// A thread that cancels the connection's statement once `after` passed,
/// unless stopped first.
pub(crate) struct Watchdog {
    after: Duration,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<Option<Result<()>>>>,
    /// What the cancel gave, once the thread is joined and it fired.
    fired: Option<Result<()>>,
}

impl Watchdog {
    /// Starts watching: at `after`, `token` cancels the statement running.
    /// `None` if no thread can be started (then nothing is timed).
    pub(crate) fn start(token: CancelToken, after: Duration) -> Option<Watchdog> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("pgcast-timeout".into())
            .spawn(move || match stopped.recv_timeout(after) {
                Err(RecvTimeoutError::Timeout) => Some(token.cancel_query(NoTls).map_err(error)),
                // Stopped (or its owner is gone): nothing to cancel.
                Ok(()) | Err(RecvTimeoutError::Disconnected) => None,
            })
            .ok()?;
        Some(Watchdog {
            after,
            stop: Some(stop),
            thread: Some(thread),
            fired: None,
        })
    }

    /// Stops the thread and waits for it; what the cancel gave, if it fired.
    pub(crate) fn stop(&mut self) -> Option<&Result<()>> {
        if let Some(stop) = self.stop.take() {
            // An error: the thread already ended.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            self.fired = thread.join().unwrap_or_else(|_| {
                Some(Err(Error::message(
                    crate::ErrorKind::Driver,
                    "the timeout's cancel thread panicked",
                )))
            });
        }
        self.fired.as_ref()
    }

    /// The timeout error for what `out` gave, once the watchdog fired:
    /// a lost connection stays that; anything else is the timeout.
    pub(crate) fn outcome<R>(&mut self, out: Result<R>) -> Result<R> {
        let after = self.after;
        let Some(cancel) = self.stop() else {
            return out;
        };
        let cancel = match cancel {
            Ok(()) => Ok(()),
            Err(e) => Err(Error::message(crate::ErrorKind::Driver, e.to_string())),
        };
        match out {
            Err(e) if e.is_connection_lost() => Err(e),
            Err(e) => {
                let timeout = Error::timeout(after, cancel);
                Err(match e.query() {
                    Some(q) => timeout.with_query(q),
                    None => timeout,
                })
            }
            Ok(_) => {
                // Done just as the cancel went out: it may still land, so
                // the next statement waits a moment.
                std::thread::sleep(SETTLE);
                Err(Error::timeout(after, cancel))
            }
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Cancels the statement whose rows `inner` reads, then reads what is left
/// (up to the cancel's error): the connection is then ready for the next
/// statement, which the cancel can no longer reach.
pub(crate) fn cancel_rest(token: &CancelToken, inner: &mut postgres::RowIter<'_>) {
    use postgres::fallible_iterator::FallibleIterator;
    if token.cancel_query(NoTls).is_err() {
        return;
    }
    let canceled = loop {
        match inner.next() {
            Ok(Some(_)) => {}
            Ok(None) => break false,
            Err(e) => break e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED),
        }
    };
    if !canceled {
        std::thread::sleep(SETTLE);
    }
}
