//! Adaptation: the [`Dump`] and [`Load`] traits, wire [`Format`]s, the
//! conversion [`Policy`] and the [`Adapters`] registry with its scopes.

mod adapters;
mod dump;
mod format;
mod load;
mod policy;

pub use adapters::{Adapters, Dumper, DynDumper, Loader, ValueLoader};
pub use dump::{Dump, IsNull, StaticType};
pub use format::{Ctx, Format};
pub use load::{Load, LoadOwned};
pub use policy::{InfinityPolicy, JsonPolicy, NumericPolicy, Policy};
