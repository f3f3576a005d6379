//! Generics of generated impls: bounds on field types where the struct has
//! type parameters (concrete field types need none; a missing impl then
//! shows at the field, not at a where clause).

use syn::{Generics, WherePredicate};

/// `generics` with `predicates` added to its where clause, if it has type
/// parameters.
pub fn with_bounds(generics: &Generics, predicates: Vec<WherePredicate>) -> Generics {
    let mut generics = generics.clone();
    if generics.type_params().next().is_some() && !predicates.is_empty() {
        generics.make_where_clause().predicates.extend(predicates);
    }
    generics
}
