//! One-to-many: the flat rows of a join, ordered by the parent's key,
//! folded into parents that each hold their children.
//!
//! A row type with `#[pg(many)]` fields decodes each row into a parent with
//! no or one child per `many` field ([`OptionalPlan`](super::OptionalPlan)).
//! [`Grouped`] says which decoded rows belong together (the `#[pg(key)]`
//! fields) and how to fold one into another; [`group`], [`try_group`] and
//! [`Grouper`] do the folding over whatever the rows come from: a `Vec` from
//! `fetch_all`, an iterator of results, a stream or a cursor, row by row.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use super::FromRow;
use crate::{Error, ErrorKind, Result};

/// A row type whose consecutive rows with the same key fold into one value:
/// a parent with `#[pg(many)]` children. Derived along with `FromRow` for a
/// struct with `#[pg(key)]` fields.
///
/// ```
/// use pgcast_core::row::{Grouped, group};
///
/// #[derive(Debug, PartialEq)]
/// struct Author { id: i64, books: Vec<&'static str> }
///
/// impl Grouped for Author {
///     type Key = i64;
///     fn key(&self) -> i64 { self.id }
///     fn same_group(&self, other: &Self) -> bool { self.id == other.id }
///     fn merge(&mut self, other: Self) { self.books.extend(other.books) }
///     fn key_names() -> &'static [&'static str] { &["id"] }
/// }
///
/// let rows = vec![
///     Author { id: 1, books: vec!["a"] },
///     Author { id: 1, books: vec!["b"] },
///     Author { id: 2, books: vec![] },
/// ];
/// assert_eq!(
///     group(rows).unwrap(),
///     [Author { id: 1, books: vec!["a", "b"] }, Author { id: 2, books: vec![] }]
/// );
/// ```
pub trait Grouped: Sized {
    /// The key, owned: kept once per group to find rows that are not
    /// grouped.
    type Key: Eq + Hash;

    /// This row's key.
    fn key(&self) -> Self::Key;

    /// Whether `other` has this row's key (compared without building keys).
    fn same_group(&self, other: &Self) -> bool;

    /// Folds `other`, a row of the same group, into this one: its children
    /// are appended; its other fields are the group's already.
    fn merge(&mut self, other: Self);

    /// The names of the key fields, for error messages.
    fn key_names() -> &'static [&'static str];
}

/// Folds rows into groups as they come, one finished group out for each
/// new key, so a stream or a cursor is grouped without holding its rows.
///
/// Rows must come ordered (or at least clustered) by the key: a key seen
/// again after another key is an [`Ungrouped`](ErrorKind::Ungrouped) error
/// rather than a parent split in two. The keys of finished groups are kept
/// to find that, one per group.
///
/// ```
/// use pgcast_core::row::{Grouped, Grouper};
/// use pgcast_core::ErrorKind;
///
/// # #[derive(Debug, PartialEq)]
/// # struct Author { id: i64, books: Vec<&'static str> }
/// # impl Grouped for Author {
/// #     type Key = i64;
/// #     fn key(&self) -> i64 { self.id }
/// #     fn same_group(&self, other: &Self) -> bool { self.id == other.id }
/// #     fn merge(&mut self, other: Self) { self.books.extend(other.books) }
/// #     fn key_names() -> &'static [&'static str] { &["id"] }
/// # }
/// let mut grouper = Grouper::new();
/// assert_eq!(grouper.push(Author { id: 1, books: vec!["a"] }).unwrap(), None);
/// assert_eq!(grouper.push(Author { id: 1, books: vec!["b"] }).unwrap(), None);
/// let done = grouper.push(Author { id: 2, books: vec![] }).unwrap();
/// assert_eq!(done, Some(Author { id: 1, books: vec!["a", "b"] }));
///
/// let err = grouper.push(Author { id: 1, books: vec!["c"] }).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Ungrouped);
/// assert!(err.to_string().starts_with(
///     "rows not grouped: row 3 has the key (id) of row 0, with another key between them; \
///      order the query by the key"
/// ));
/// ```
pub struct Grouper<T: Grouped> {
    current: Option<T>,
    /// The key of every group started, with the row it started at.
    started: HashMap<T::Key, u64>,
    rows: u64,
}

impl<T: Grouped> Default for Grouper<T> {
    fn default() -> Self {
        Grouper::new()
    }
}

impl<T: Grouped> std::fmt::Debug for Grouper<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grouper")
            .field("rows", &self.rows)
            .field("groups", &self.started.len())
            .finish()
    }
}

impl<T: Grouped> Grouper<T> {
    /// A grouper that has seen no rows.
    pub fn new() -> Grouper<T> {
        Grouper {
            current: None,
            started: HashMap::new(),
            rows: 0,
        }
    }

    /// Takes the next row: folded into the current group if it has its
    /// key (`None` out), else the start of a new group, and the finished
    /// group comes out.
    pub fn push(&mut self, row: T) -> Result<Option<T>> {
        let n = self.rows;
        self.rows += 1;
        if let Some(current) = &mut self.current
            && current.same_group(&row)
        {
            current.merge(row);
            return Ok(None);
        }
        match self.started.entry(row.key()) {
            Entry::Occupied(first) => Err(ungrouped::<T>(*first.get(), n)),
            Entry::Vacant(slot) => {
                slot.insert(n);
                Ok(self.current.replace(row))
            }
        }
    }

    /// The last group, once every row was pushed.
    pub fn finish(self) -> Option<T> {
        self.current
    }

    /// The number of rows pushed.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

#[cold]
fn ungrouped<T: Grouped>(first: u64, again: u64) -> Error {
    let keys = T::key_names().join(", ");
    Error::new(
        ErrorKind::Ungrouped,
        format!(
            "row {again} has the key ({keys}) of row {first}, with another key between them; \
             order the query by the key (ORDER BY {keys}) so that each parent's rows come together"
        ),
    )
    .with_rust_type::<T>()
}

/// Folds decoded rows (`fetch_all`'s `Vec`, say) into groups, in the order
/// their keys first appear. An [`Ungrouped`](ErrorKind::Ungrouped) error if
/// a key comes back after another key. See [`Grouped`].
pub fn group<T: Grouped>(rows: impl IntoIterator<Item = T>) -> Result<Vec<T>> {
    let mut grouper = Grouper::new();
    let mut groups = Vec::new();
    for row in rows {
        groups.extend(grouper.push(row)?);
    }
    groups.extend(grouper.finish());
    Ok(groups)
}

/// [`group`] over rows that may each be an error (a driver's row iterator):
/// the first error stops it.
///
/// ```
/// use pgcast_core::row::{Grouped, try_group};
///
/// # #[derive(Debug, PartialEq)]
/// # struct Author { id: i64, books: Vec<&'static str> }
/// # impl Grouped for Author {
/// #     type Key = i64;
/// #     fn key(&self) -> i64 { self.id }
/// #     fn same_group(&self, other: &Self) -> bool { self.id == other.id }
/// #     fn merge(&mut self, other: Self) { self.books.extend(other.books) }
/// #     fn key_names() -> &'static [&'static str] { &["id"] }
/// # }
/// let rows: Vec<Result<Author, pgcast_core::Error>> = vec![
///     Ok(Author { id: 1, books: vec!["a"] }),
///     Ok(Author { id: 1, books: vec!["b"] }),
/// ];
/// assert_eq!(try_group(rows).unwrap(), [Author { id: 1, books: vec!["a", "b"] }]);
/// ```
pub fn try_group<T, E>(rows: impl IntoIterator<Item = Result<T, E>>) -> Result<Vec<T>, E>
where
    T: Grouped,
    E: From<Error>,
{
    let mut grouper = Grouper::new();
    let mut groups = Vec::new();
    for row in rows {
        groups.extend(grouper.push(row?)?);
    }
    groups.extend(grouper.finish());
    Ok(groups)
}

/// Appends the children of a `many` field from a row of the same parent,
/// each folded into the last child already there when it is a row of the
/// same group ([`FromRow::fold_row`]): what a derived
/// [`merge`](Grouped::merge) does for its `many` field.
pub fn fold_children<'r, C: FromRow<'r>>(children: &mut Vec<C>, more: Vec<C>) {
    for child in more {
        let rest = match children.last_mut() {
            Some(last) => last.fold_row(child),
            None => Some(child),
        };
        children.extend(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Parent {
        id: (i32, String),
        children: Vec<u32>,
    }

    impl Grouped for Parent {
        type Key = (i32, String);
        fn key(&self) -> (i32, String) {
            self.id.clone()
        }
        fn same_group(&self, other: &Self) -> bool {
            self.id == other.id
        }
        fn merge(&mut self, other: Self) {
            self.children.extend(other.children)
        }
        fn key_names() -> &'static [&'static str] {
            &["a", "b"]
        }
    }

    fn p(a: i32, b: &str, children: &[u32]) -> Parent {
        Parent {
            id: (a, b.into()),
            children: children.to_vec(),
        }
    }

    #[test]
    fn empty_and_single() {
        assert_eq!(group(Vec::<Parent>::new()).unwrap(), []);
        assert_eq!(group([p(1, "x", &[])]).unwrap(), [p(1, "x", &[])]);
    }

    #[test]
    fn composite_keys_group_in_order() {
        let rows = [
            p(1, "x", &[1]),
            p(1, "x", &[2]),
            p(1, "y", &[]),
            p(2, "x", &[3]),
            p(2, "x", &[4]),
        ];
        assert_eq!(
            group(rows).unwrap(),
            [p(1, "x", &[1, 2]), p(1, "y", &[]), p(2, "x", &[3, 4])]
        );
    }

    #[test]
    fn a_key_seen_again_is_an_error() {
        let rows = [p(1, "x", &[1]), p(2, "x", &[2]), p(1, "x", &[3])];
        let err = group(rows).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Ungrouped);
        assert_eq!(
            err.to_string(),
            "rows not grouped: row 2 has the key (a, b) of row 0, with another key between \
             them; order the query by the key (ORDER BY a, b) so that each parent's rows \
             come together (Rust type Parent)"
        );
    }

    #[test]
    fn errors_of_the_source_stop_it() {
        let rows: Vec<Result<Parent>> = vec![
            Ok(p(1, "x", &[1])),
            Err(Error::new(ErrorKind::Malformed, "bad")),
        ];
        assert_eq!(try_group(rows).unwrap_err().kind(), ErrorKind::Malformed);
    }
}
