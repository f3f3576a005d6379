//! Safe composition of dynamic SQL.
//!
//! A query is a tree of values, never a string spliced by hand:
//!
//! - [`Sql`]: trusted text the programmer wrote (`&'static str`).
//! - [`Identifier`]: a table, column or schema name, always double-quoted.
//! - [`Literal`]: a value written into the text, quoted by its text dumper.
//! - [`Placeholder`]: a `$n` whose value is supplied at execution.
//! - [`Bound`] (made by [`bind`]): a `$n` that carries its value.
//! - [`Composed`]: a sequence of the above; `+` and [`Sql::join`] build it,
//!   [`Sql::format`] (at run time) and `sql!` (at compile time) fill holes.
//!
//! A [`Composed`] keeps its trusted text and its identifiers, already
//! quoted, in one buffer as they are pushed; rendering copies that buffer
//! once and splices in what depends on the rendering scope: `$1..$n` for
//! parameters (collected into [`Rendered`]) and literals, or with every value
//! inlined as a literal ([`Composed::render_inline`]). Injection is
//! impossible by construction: only [`Sql`] text is written unquoted. An
//! invalid identifier is kept as it was given and reported when rendering.
//!
//! ```
//! use pgcast_core::sql::{bind, Composable, Identifier, Sql};
//!
//! let q = Sql::new("SELECT * FROM ")
//!     + Identifier::qualified(["public", "users"])
//!     + Sql::new(" WHERE id = ")
//!     + bind(42_i64);
//! let r = q.render().unwrap();
//! assert_eq!(r.text(), r#"SELECT * FROM "public"."users" WHERE id = $1"#);
//! assert_eq!(r.params().len(), 1);
//! assert_eq!(q.render_inline().unwrap(), r#"SELECT * FROM "public"."users" WHERE id = 42"#);
//! ```

mod composed;
mod dumped;
mod format;
mod identifier;
mod lists;
mod literal;
mod placeholder;
mod render;
mod spare;
mod stored;
mod text;
mod unnest;
mod values;

#[doc(hidden)]
pub mod __private;

use std::any::Any;
use std::fmt;

use crate::Dump;

pub use composed::{Composable, Composed};
pub use dumped::Dumped;
pub use format::{Args, FormatError, FormatErrorKind, HoleRef, Segment, parse_format};
pub use identifier::{Identifier, write_quoted_name};
pub use lists::{any, assignments, in_list};
pub use literal::Literal;
pub use placeholder::{BindRef, Bound, Placeholder, bind, bind_ref};
pub use render::{DumpedParam, DumpedParams, Param, ParamSource, Rendered};
pub use spare::with_buffer;
pub use stored::SharedValue;
pub use text::Sql;
pub use unnest::{Insert, Unnest, Update};
pub use values::{DumpedRows, MAX_PARAMS, Values};

/// A value a query holds, owned or borrowed: what rendering, dumping and
/// query logs need of it. Implemented for every [`Dump`] type that is
/// `Debug`, `Send` and `Sync`.
pub trait QueryValue: Dump + fmt::Debug + Send + Sync {}

impl<T: Dump + fmt::Debug + Send + Sync + ?Sized> QueryValue for T {}

/// A value that can be bound as a parameter or written as a literal: any
/// [`Dump`] type that is `Debug`, `Send`, `Sync` and `'static`.
///
/// Implemented for every such type; there is nothing to implement by hand.
///
/// ```
/// use pgcast_core::sql::SqlValue;
///
/// fn takes(_: impl SqlValue) {}
/// takes(42_i64);
/// takes(String::from("text"));
/// takes(Some(true));
/// ```
pub trait SqlValue: QueryValue + Any {
    /// The value as `Any`, to find a dumper registered for its Rust type.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Dump + fmt::Debug + Send + Sync + 'static> SqlValue for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}
