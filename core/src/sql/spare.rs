//! Buffers a query no longer needs, kept for the next query built on the
//! same thread.
//!
//! A query that `sql!` builds and a verb renders by value goes through a
//! text buffer and a piece list (and a parameter list, which a statement
//! keeps). Rendering by value gives the piece list back at once (the result
//! needs only the text and the parameters); dropping the rendered query
//! gives back the text. The next query takes them instead of allocating.
//! One buffer of each kind is kept per thread, and only a small one, so a
//! thread never holds more than a few kilobytes.
//!
//! The parameter list is not kept: its values may borrow for the query's
//! life, and the list was measured no faster kept (made `'static` again
//! for the thread) than allocated anew.

use std::cell::Cell;

use super::composed::Piece;

/// The largest text kept, in bytes.
const TEXT_KEEP: usize = 4096;
/// The largest piece list kept, in pieces.
const PIECES_KEEP: usize = 256;

thread_local! {
    static TEXT: Cell<String> = const { Cell::new(String::new()) };
    static PIECES: Cell<Vec<Piece>> = const { Cell::new(Vec::new()) };
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

/// An empty text with room for `n` bytes: the thread's spare one when it
/// is large enough.
#[inline]
pub(crate) fn text(n: usize) -> String {
    take(&TEXT, n, String::capacity, String::with_capacity)
}

/// An empty piece list with room for `n` pieces: the thread's spare one
/// when it is large enough.
#[inline]
pub(crate) fn pieces(n: usize) -> Vec<Piece> {
    take(&PIECES, n, Vec::capacity, Vec::with_capacity)
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

/// Keeps the text of a rendered query being dropped for the next query,
/// unless it is large (then freed).
#[inline]
pub(crate) fn give_back_text(mut text: String) {
    if text.capacity() != 0 && text.capacity() <= TEXT_KEEP {
        text.clear();
        let _ = TEXT.try_with(|s| s.set(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back_cleared_and_large_ones_are_not_kept() {
        let (mut t, p) = (text(10), pieces(4));
        t.push_str("SELECT 1");
        let caps = (t.capacity(), p.capacity());
        give_back_text(t);
        give_back_pieces(p);
        let (t, p) = (text(1), pieces(1));
        assert!(t.is_empty() && p.is_empty());
        assert_eq!((t.capacity(), p.capacity()), caps, "the same buffers");
        give_back_text(t);
        // A spare buffer too small for a query stays for the next one.
        assert!(text(caps.0 + 1).capacity() > caps.0);
        assert_eq!(text(1).capacity(), caps.0);
        // Large buffers are freed, not kept.
        give_back_text(String::with_capacity(TEXT_KEEP + 1));
        assert!(text(1).capacity() <= TEXT_KEEP);
    }
}
