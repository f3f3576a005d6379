//! Running queries, once for every driver: everything between a composed
//! query and the driver's I/O.
//!
//! - [`Request`]: the rendered text, each parameter with the type it goes
//!   out as (strings untyped, so the server infers enum, date, `jsonb`;
//!   derived types by their registered OID) and its format.
//! - [`Session`]: per connection — the scope, the statements prepared and
//!   kept ([`Prepare`]: describe first what is unseen, one round trip when
//!   every type is known, prepare what repeats), the result descriptions
//!   and row plans, forgotten when `search_path` changes.
//! - [`Exec`]: one query, driver-free: [`next_action`](Exec::next_action) says what the
//!   driver sends ([`Action`]); the driver hands back what came.
//! - [`RowType`], [`Rows`], [`Record`], [`First`], [`expect_one`]: decoding
//!   rows through [`RawRow`](crate::row::RawRow) with plans made once.
//! - [`Registration`]: custom and extension types fetched from the catalogue
//!   ([`Lookup`]) and merged into a scope.
//! - [`CursorState`], [`BinaryCopyEncoder`], [`BinaryCopyDecoder`],
//!   [`CopyOutState`]: cursors and `COPY`.
//! - [`Error`]: one error over the driver's and pgcast's, with the SQLSTATE,
//!   the query, the row.
//!
//! - Observation: a [`QueryLog`] per finished statement to a session's
//!   logger ([`Session::set_logger`]), values rendered as literals and
//!   redacted ([`LogValues`], [`Redacted`]), slow-query reports with the
//!   plan ([`Explain`]), SQLCommenter [`Tags`], and with the `tracing`
//!   feature one span per statement ([`Trace`] for the I/O within).
//!
//! A driver adapter implements only the I/O: prepare, execute with given
//! types and formats, stream raw rows, COPY in and out.

mod client;
mod comment;
mod copy;
mod cursor;
mod error;
mod lend;
mod observe;
mod redact;
mod request;
mod resolve;
mod rows;
mod run;
mod session;
mod sniff;
mod trace;

pub use client::PgClient;
pub use comment::Tags;
pub use copy::{
    BinaryCopyDecoder, BinaryCopyEncoder, COPY_CHUNK, CopyOutState, CopyRow, copy_error,
    copy_in_statements, copy_out_statement, decode_copy,
};
pub use cursor::{CursorFetch, CursorState};
pub use error::{Error, ErrorKind, Result, ServerReport};
pub use lend::{Lent, LentRow, LentRows};
pub use observe::{Explain, Logger, Outcome, QueryLog, ServerInfo, Strategy};
pub use redact::{LogValues, REDACTED, Redacted, redact_value};
pub use request::{Arg, Request};
pub use resolve::{Lookup, Registration};
pub use rows::{
    AnyPlan, Decoder, First, Record, RecordPlan, RowType, Rows, exactly_one, expect_one, one_of,
};
pub use run::{Action, Exec, SimpleRows};
pub use session::{Prepare, Session, Step};
pub use sniff::{changes_name_resolution, changes_time_zone, first_keyword, returns_no_rows};
pub use trace::Trace;

/// Reads the connection's `TimeZone` (one `text` column, one row).
pub const TIME_ZONE_SQL: &str = "SELECT pg_catalog.current_setting('TimeZone')";
