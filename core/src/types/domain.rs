//! Domains travel as their base type: `domain_base` looks through them.
//!
//! PostgreSQL sends a domain's values exactly as its base type's (the
//! domain only adds constraints), and reports result columns of a domain
//! type with the base type already. Domains still show up as parameter
//! types, array elements and composite attributes: the places that build a
//! codec context from such a type (the array and record codecs, column
//! plans, the postgres-types bridge, the derives) look through them, so a
//! domain over `int4` loads into `i32`.

use postgres_types::{Kind, Type};

/// The type under any number of domains: `ty` itself if it is not one.
///
/// ```
/// use pgcast_core::types::domain_base;
/// use pgcast_core::{Kind, Type};
///
/// let posint = Type::new("posint".into(), 90_001, Kind::Domain(Type::INT4), "public".into());
/// let even = Type::new("even".into(), 90_002, Kind::Domain(posint.clone()), "public".into());
/// assert_eq!(domain_base(&even), &Type::INT4);
/// assert_eq!(domain_base(&Type::TEXT), &Type::TEXT);
/// ```
#[inline]
pub fn domain_base(ty: &Type) -> &Type {
    let mut ty = ty;
    while let Kind::Domain(base) = ty.kind() {
        ty = base;
    }
    ty
}
