//! Buffers a query no longer needs, kept for the next query built on the
//! same thread.
//!
//! A query that `sql!` builds and a verb renders by value goes through three
//! buffers: its text, its piece list and its parameter list. Rendering by
//! value gives the piece list back at once (the result needs only the text
//! and the parameters); dropping the rendered query gives back the other
//! two. The next query takes them instead of allocating: in steady state
//! (build, run, drop, once per statement) a statement allocates nothing for
//! its text and lists. One buffer of each kind is kept per thread, and only
//! a small one, so a thread never holds more than a few kilobytes.

use std::cell::Cell;

use super::composed::Piece;
use super::render::Param;

/// The largest text kept, in bytes.
const TEXT_KEEP: usize = 4096;
/// The largest piece list kept, in pieces.
const PIECES_KEEP: usize = 256;
/// The largest parameter list kept, in parameters.
const PARAMS_KEEP: usize = 64;

thread_local! {
    static TEXT: Cell<String> = const { Cell::new(String::new()) };
    static PIECES: Cell<Vec<Piece>> = const { Cell::new(Vec::new()) };
    static PARAMS: Cell<Vec<Param<'static>>> = const { Cell::new(Vec::new()) };
}

/// Takes the thread's spare buffer from `key` when it has room for `n`,
/// else makes one with `make(n)`.
#[inline]
fn take<T: Default>(
    key: &'static std::thread::LocalKey<Cell<T>>,
    n: usize,
    room: impl Fn(&T) -> usize,
    make: impl FnOnce(usize) -> T,
) -> T {
    let spare = key.try_with(Cell::take).unwrap_or_default();
    if room(&spare) >= n {
        spare
    } else {
        // Too small for this one: left for a smaller query.
        let _ = key.try_with(|s| s.set(spare));
        make(n)
    }
}

/// The buffers of a new query: an empty text with room for `text` bytes,
/// piece list with room for `pieces` and parameter list with room for
/// `params`, each the thread's spare one when it is large enough.
#[inline]
pub(crate) fn buffers<'a>(
    text: usize,
    pieces: usize,
    params: usize,
) -> (String, Vec<Piece>, Vec<Param<'a>>) {
    (
        take(&TEXT, text, String::capacity, String::with_capacity),
        take(&PIECES, pieces, Vec::capacity, Vec::with_capacity),
        take(&PARAMS, params, Vec::capacity, Vec::with_capacity),
    )
}

/// Keeps the piece list of a query rendered by value (which needs it no
/// more) for the next query, unless it is large (then freed).
#[inline]
pub(crate) fn give_back_pieces(mut pieces: Vec<Piece>) {
    if pieces.capacity() != 0 && pieces.capacity() <= PIECES_KEEP {
        pieces.clear();
        let _ = PIECES.try_with(|s| s.set(pieces));
    }
}

/// Keeps the text and the parameter list of a rendered query being
/// dropped for the next query (the values dropped now), unless they are
/// large (then freed).
#[inline]
pub(crate) fn give_back(mut text: String, mut params: Vec<Param<'_>>) {
    if text.capacity() != 0 && text.capacity() <= TEXT_KEEP {
        text.clear();
        let _ = TEXT.try_with(|s| s.set(text));
    }
    if params.capacity() != 0 && params.capacity() <= PARAMS_KEEP {
        params.clear();
        // An empty list of values borrowed for `'_` is an empty list of
        // owned ones: collected in place (nothing to convert), its
        // allocation is kept.
        let params: Vec<Param<'static>> = params.into_iter().map(Param::into_owned).collect();
        let _ = PARAMS.try_with(|s| s.set(params));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::bind;

    #[test]
    fn buffers_come_back_cleared_and_large_ones_are_not_kept() {
        let (mut text, pieces, mut params) = buffers(10, 4, 3);
        text.push_str("SELECT 1");
        params.push(Param::of_bound(bind(1_i32)));
        let caps = (text.capacity(), pieces.capacity(), params.capacity());
        give_back_pieces(pieces);
        give_back(text, params);
        let (text, pieces, params) = buffers(1, 1, 1);
        assert!(text.is_empty() && pieces.is_empty() && params.is_empty());
        assert_eq!(
            (text.capacity(), pieces.capacity(), params.capacity()),
            caps,
            "the same buffers, the parameter list kept through the change of lifetime"
        );
        give_back_pieces(pieces);
        give_back(text, params);
        // A spare buffer too small for a query stays for the next one.
        let (_, _, larger) = buffers(1, 1, caps.2 + 1);
        assert!(larger.capacity() > caps.2);
        assert_eq!(buffers(1, 1, 1).2.capacity(), caps.2);
        // Large buffers are freed, not kept.
        give_back(String::with_capacity(TEXT_KEEP + 1), Vec::new());
        assert!(buffers(1, 1, 1).0.capacity() <= TEXT_KEEP);
    }
}
