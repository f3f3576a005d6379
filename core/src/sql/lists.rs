//! Lists dynamic SQL needs: `= ANY(array)`, `IN (…)`, `SET a = …, b = …`.

use super::{Composable, Composed, Identifier, Sql, SqlValue, bind};
use crate::{Error, ErrorKind, Result};

/// `ANY($n)` with the whole list bound as one array parameter: write
/// `= ANY(…)` in the query. One parameter whatever the list's length, one
/// plan for every length, and an empty list simply matches nothing.
///
/// ```
/// use pgcast_core::sql::{any, Composable, Sql};
///
/// let q = Sql::new("SELECT * FROM t WHERE id = ") + any(vec![1_i64, 2, 3]);
/// let r = q.render().unwrap();
/// assert_eq!(r.text(), "SELECT * FROM t WHERE id = ANY($1)");
/// assert_eq!(r.params()[0].pg_type(), Some(&pgcast_core::Type::INT8_ARRAY));
/// ```
pub fn any(values: impl SqlValue) -> Composed<'static> {
    Sql::new("ANY(") + bind(values) + Sql::new(")")
}

/// `($1, $2, …)` with one parameter per value, for `IN (…)` where an array
/// will not do. An empty list is an [`ErrorKind::Format`] error: `IN ()` is
/// not SQL, and no stand-in means the same under both `IN` and `NOT IN`.
///
/// ```
/// use pgcast_core::sql::{in_list, Composable, Sql};
///
/// let q = Sql::new("WHERE code IN ") + in_list(["a", "b"]).unwrap();
/// assert_eq!(q.render().unwrap().text(), "WHERE code IN ($1, $2)");
/// assert!(in_list(Vec::<i32>::new()).is_err());
/// ```
pub fn in_list<I>(values: I) -> Result<Composed<'static>>
where
    I: IntoIterator,
    I::Item: SqlValue,
{
    let values = values.into_iter();
    let mut out = Composed::with_capacity(values.size_hint().0.saturating_mul(2) + 1);
    out.push_sql("(");
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push_sql(", ");
        }
        out.push(bind(v));
    }
    if out.len() == 1 {
        return Err(Error::new(
            ErrorKind::Format,
            "an IN list needs at least one value; use `= ANY(…)` for lists that may be empty",
        ));
    }
    out.push_sql(")");
    Ok(out)
}

/// `"a" = …, "b" = …`: the body of an `UPDATE … SET`, from column names and
/// composables (bound values, literals, `DEFAULT`, expressions).
///
/// ```
/// use pgcast_core::sql::{assignments, bind, Composable, Composed, Sql};
///
/// let set = assignments([
///     ("email", bind("a@b.c").into_composed()),
///     ("seen", Sql::new("now()").into_composed()),
/// ]);
/// let q = Sql::new("UPDATE users SET ") + set;
/// assert_eq!(q.render().unwrap().text(), r#"UPDATE users SET "email" = $1, "seen" = now()"#);
/// ```
pub fn assignments<'a, I, N, V>(pairs: I) -> Composed<'a>
where
    I: IntoIterator<Item = (N, V)>,
    N: Into<Identifier>,
    V: Composable + 'a,
{
    let pairs = pairs.into_iter();
    let mut out = Composed::with_capacity(pairs.size_hint().0.saturating_mul(4));
    for (i, (name, value)) in pairs.enumerate() {
        if i > 0 {
            out.push_sql(", ");
        }
        out.push(name.into());
        out.push_sql(" = ");
        out.push(value);
    }
    out
}
