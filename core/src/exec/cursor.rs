//! Server-side cursors (`DECLARE … CURSOR`, `FETCH`, `CLOSE`), psycopg2's
//! named cursors, driver-free: the statements to send and the state between
//! batches.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use super::request::Request;
use super::rows::{Decoder, RowType, Rows};

static NEXT_CURSOR: AtomicU64 = AtomicU64::new(0);

/// A cursor between batches: its name, the decoder planned when it was
/// declared, the `FETCH` statement prepared for its batch size, and whether
/// the last batch reached the end.
///
/// ```
/// use pgcast_core::exec::{CursorState, Record};
///
/// let cursor = CursorState::<(), Record>::name_new();
/// assert!(cursor.starts_with("pgcast_cursor_"));
/// assert_eq!(CursorState::<(), Record>::fetch_text(&cursor, Some(100)), format!("FETCH FORWARD 100 FROM \"{cursor}\""));
/// assert_eq!(CursorState::<(), Record>::close_text(&cursor), format!("CLOSE \"{cursor}\""));
/// ```
#[derive(Debug)]
pub struct CursorState<S, T: RowType> {
    name: String,
    decoder: Decoder<T>,
    query: String,
    fetch: Option<(Option<u32>, S)>,
    done: bool,
}

impl<S: Clone, T: RowType> CursorState<S, T> {
    /// A new cursor name, unique in the process.
    pub fn name_new() -> String {
        format!(
            "pgcast_cursor_{}",
            NEXT_CURSOR.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// `DECLARE name NO SCROLL CURSOR [WITH HOLD] FOR` the request (which
    /// was described, and wrapped if some columns are read as text).
    pub fn declare(name: &str, request: &Request, hold: bool) -> Request {
        let hold = if hold { " WITH HOLD" } else { "" };
        request.with_text(format!(
            "DECLARE \"{name}\" NO SCROLL CURSOR{hold} FOR {}",
            request.text()
        ))
    }

    /// `FETCH FORWARD n FROM "name"` (`ALL` for `None`).
    pub fn fetch_text(name: &str, n: Option<u32>) -> String {
        match n {
            Some(n) => format!("FETCH FORWARD {n} FROM \"{name}\""),
            None => format!("FETCH FORWARD ALL FROM \"{name}\""),
        }
    }

    /// `CLOSE "name"`.
    pub fn close_text(name: &str) -> String {
        format!("CLOSE \"{name}\"")
    }

    /// A cursor over a described query (see
    /// [`Exec::describe`](super::Exec::describe)): its state, and the
    /// `DECLARE` to run (as a command) before fetching.
    pub fn open(
        exec: &super::Exec<S, T>,
        columns: &[crate::row::Column],
        hold: bool,
    ) -> super::Result<(CursorState<S, T>, Request)>
    where
        S: Send + 'static,
    {
        let decoder = exec.decoder(columns)?;
        let name = CursorState::<S, T>::name_new();
        let declare = CursorState::<S, T>::declare(&name, exec.request(), hold);
        let state = CursorState::new(name, decoder, declare.text());
        Ok((state, declare))
    }

    /// A declared cursor whose rows `decoder` reads.
    pub fn new(name: String, decoder: Decoder<T>, query: &str) -> CursorState<S, T> {
        CursorState {
            name,
            decoder,
            query: query.to_owned(),
            fetch: None,
            done: false,
        }
    }

    /// The cursor's name on the server.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the last batch reached the end.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The `FETCH` statement prepared for batches of `n`, if there is one.
    pub fn statement(&self, n: Option<u32>) -> Option<S> {
        match &self.fetch {
            Some((size, s)) if *size == n => Some(s.clone()),
            _ => None,
        }
    }

    /// Keeps the `FETCH` statement prepared for batches of `n`.
    pub fn set_statement(&mut self, n: Option<u32>, statement: S) {
        self.fetch = Some((n, statement));
    }

    /// The rows of the next batch.
    pub fn rows(&self) -> Rows<T> {
        Rows::new(self.decoder.clone(), &self.query)
    }

    /// A batch of `n` came back with `got` rows: fewer means the end.
    pub fn batch_done(&mut self, n: Option<u32>, got: usize) {
        if n.is_none_or(|n| got < n as usize) {
            self.done = true;
        }
    }
}

/// The batch verbs of an asynchronous cursor, the same in every adapter: an
/// adapter implements [`fetch`](Self::fetch), the rest follow.
pub trait CursorFetch<T: Send> {
    /// The next `n` rows (`None`: every remaining row); none once done.
    fn fetch(&mut self, n: Option<u32>) -> impl Future<Output = super::Result<Vec<T>>> + Send;

    /// The next `n` rows (fewer at the end; none once done).
    fn fetch_many(&mut self, n: u32) -> impl Future<Output = super::Result<Vec<T>>> + Send {
        self.fetch(Some(n))
    }

    /// The next row, if any.
    fn fetch_next(&mut self) -> impl Future<Output = super::Result<Option<T>>> + Send {
        let batch = self.fetch(Some(1));
        async move { Ok(batch.await?.pop()) }
    }

    /// Every remaining row.
    fn fetch_rest(&mut self) -> impl Future<Output = super::Result<Vec<T>>> + Send {
        self.fetch(None)
    }
}
