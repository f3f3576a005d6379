//! Rows: the driver-free model of a result and the traits that map rows onto
//! Rust types.
//!
//! A driver describes a result once ([`Column`]: name, type, format) and
//! hands over each row's raw values through [`RawRow`]. A row type
//! ([`FromRow`]) plans the result once — names resolved to indices, each
//! field's [`Load::check`](crate::Load::check) run with the policy in force —
//! and then decodes every row from the plan with indexed access only: no name
//! lookup, hashing or string compare per row (resolve once, decode many).
//!
//! Joins: a row type read as optional ([`OptionalPlan`]: `None` when all
//! its columns are NULL, the other side of a LEFT JOIN), and parents folded
//! with their children from the flat rows of a one-to-many join
//! ([`Grouped`], [`group`]).
//!
//! [`ToRow`] goes the other way: a static list of column names and a visit of
//! the values, for multi-row `VALUES` and `COPY`.
//!
//! ```
//! use pgcast_core::row::{self, Column, Columns, FromRow};
//! use pgcast_core::{Adapters, Format, Type};
//!
//! let columns = [
//!     Column::new("id", Type::INT8, Format::Binary),
//!     Column::new("name", Type::TEXT, Format::Text),
//! ];
//! let plan = <(i64, String)>::plan(&Columns::new(&columns, &Adapters::global())).unwrap();
//! let raw: [Option<&[u8]>; 2] = [Some(&7_i64.to_be_bytes()), Some(b"ada")];
//! let (id, name) = <(i64, String)>::from_row(&plan, &raw[..]).unwrap();
//! assert_eq!((id, name.as_str()), (7, "ada"));
//!
//! // A single scalar is a row type too.
//! let plan = i64::plan(&Columns::with_policy(&columns[..1], &Default::default())).unwrap();
//! assert_eq!(i64::from_row(&plan, &raw[..1]).unwrap(), 7);
//! ```

mod columns;
mod from_row;
mod group;
mod optional;
mod source;
mod to_row;

pub use columns::{CheckFn, Column, ColumnPlan, Columns, Description};
pub use from_row::{FromRow, FromRowOwned, Scalar};
pub use group::{Grouped, Grouper, fold_children, group, try_group};
pub use optional::{ColumnRead, OptionalPlan};
pub use source::RawRow;
pub use to_row::ToRow;
