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
//!
//! A third buffer, of bytes, is where a value is written before it is
//! copied elsewhere: a literal's text dump before quoting, and a
//! parameter before a driver copies it into its message
//! ([`with_buffer`]).

use std::cell::Cell;

use bytes::BytesMut;

use super::composed::Piece;

/// The largest text or byte buffer kept, in bytes.
const BYTES_KEEP: usize = 4096;
/// The largest piece list kept, in pieces.
const PIECES_KEEP: usize = 256;

thread_local! {
    static TEXT: Cell<String> = const { Cell::new(String::new()) };
    static PIECES: Cell<Vec<Piece>> = const { Cell::new(Vec::new()) };
    static BYTES: Cell<BytesMut> = Cell::new(BytesMut::new());
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

/// Keeps `spare` in `key`, cleared by `clear`, when its `room` is at most
/// `keep` (a larger one is freed).
#[inline]
fn give_back<T>(
    key: &'static std::thread::LocalKey<Cell<T>>,
    mut spare: T,
    room: impl Fn(&T) -> usize,
    keep: usize,
    clear: impl FnOnce(&mut T),
) {
    let room = room(&spare);
    if room != 0 && room <= keep {
        clear(&mut spare);
        let _ = key.try_with(|s| s.set(spare));
    }
}

/// Keeps the piece list of a query rendered by value (which needs it no
/// more) for the next query, unless it is large (then freed).
#[inline]
pub(crate) fn give_back_pieces(pieces: Vec<Piece>) {
    give_back(&PIECES, pieces, Vec::capacity, PIECES_KEEP, Vec::clear);
}

/// Keeps the text of a rendered query being dropped for the next query,
/// unless it is large (then freed).
#[inline]
pub(crate) fn give_back_text(text: String) {
    give_back(&TEXT, text, String::capacity, BYTES_KEEP, String::clear);
}

/// The thread's spare byte buffer (empty; a new one if another caller
/// holds it).
#[inline]
pub(crate) fn bytes() -> BytesMut {
    take(&BYTES, 0, BytesMut::capacity, |_| BytesMut::new())
}

/// Keeps a byte buffer taken with [`bytes`] for the next caller, unless it
/// is large (then freed).
#[inline]
pub(crate) fn give_back_bytes(bytes: BytesMut) {
    give_back(
        &BYTES,
        bytes,
        BytesMut::capacity,
        BYTES_KEEP,
        BytesMut::clear,
    );
}

/// Calls `f` with this thread's spare byte buffer, empty: where a driver
/// adapter writes a parameter's bytes before its driver copies them into
/// a message, without allocating a buffer per value. The buffer is kept
/// for the next call unless `f` grew it beyond a few kilobytes; a call
/// made inside `f` gets a buffer of its own.
///
/// ```
/// use pgcast_core::sql::with_buffer;
///
/// let copied = with_buffer(|buf| {
///     buf.extend_from_slice(b"\x00\x00\x00\x2a");
///     buf.to_vec()
/// });
/// assert_eq!(copied, [0, 0, 0, 42]);
/// assert!(with_buffer(|buf| buf.is_empty()));
/// ```
pub fn with_buffer<R>(f: impl FnOnce(&mut BytesMut) -> R) -> R {
    let mut buf = bytes();
    let out = f(&mut buf);
    give_back_bytes(buf);
    out
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
        give_back_text(String::with_capacity(BYTES_KEEP + 1));
        assert!(text(1).capacity() <= BYTES_KEEP);
    }

    #[test]
    fn the_byte_buffer_is_reused_empty_and_nested_calls_get_their_own() {
        let cap = with_buffer(|outer| {
            outer.extend_from_slice(&[1; 100]);
            // The outer call holds the thread's buffer: a new one here.
            with_buffer(|inner| {
                assert!(inner.is_empty());
                inner.extend_from_slice(b"x");
            });
            outer.capacity()
        });
        with_buffer(|buf| {
            assert!(buf.is_empty(), "given back cleared");
            assert_eq!(buf.capacity(), cap, "the outer call's buffer, kept");
        });
        with_buffer(|buf| buf.reserve(BYTES_KEEP * 4));
        assert!(
            with_buffer(|buf| buf.capacity()) <= BYTES_KEEP,
            "large ones are freed"
        );
    }
}
