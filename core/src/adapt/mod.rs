//! Adaptation: the [`Dump`] and [`Load`] traits, wire [`Format`]s, the
//! conversion [`Policy`] (with the session [`TimeZone`]) and the [`Adapters`]
//! registry with its scopes.

mod adapters;
mod dump;
mod format;
mod load;
mod policy;
mod time_zone;
mod type_name;

pub use adapters::{Adapters, Dumper, DynDumper, InScope, Loader, ValueLoader};
pub use dump::{Dump, IsNull, StaticType};
pub use format::{Ctx, Format};
pub use load::{Load, LoadOwned};
pub use policy::{InfinityPolicy, JsonPolicy, NumericPolicy, Policy};
pub use time_zone::TimeZone;
pub use type_name::TypeName;
