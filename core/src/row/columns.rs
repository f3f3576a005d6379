//! Result descriptions and their plans: which column feeds which field.

use std::fmt::Write as _;

use postgres_types::Type;

use super::RawRow;
use crate::types::Json;
use crate::{Adapters, Ctx, Error, ErrorKind, Format, Load, Policy, Result};

/// A type mismatch on a type pgcast has no loader for says what to do.
fn hint(err: Error, ty: &Type) -> Error {
    if err.kind() != ErrorKind::WrongType || crate::Value::has_builtin_loader(ty) {
        return err;
    }
    Error::new(
        ErrorKind::WrongType,
        format!(
            "{}; pgcast has no loader for {}: read it as a pgcast::Value (the server's text \
             for it), or cast it in SQL (`::text`) to load a String",
            err.message(),
            ty.name()
        ),
    )
}

/// One column of a result, as the server describes it: what a driver hands
/// over once per statement.
///
/// ```
/// use pgcast_core::row::Column;
/// use pgcast_core::{Format, Type};
///
/// let id = Column::new("id", Type::INT8, Format::Binary);
/// assert_eq!(id.name, "id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's name (its alias, if the query gave one).
    pub name: String,
    /// Its PostgreSQL type.
    pub ty: Type,
    /// The wire format its values arrive in.
    pub format: Format,
}

impl Column {
    /// A column description.
    pub fn new(name: impl Into<String>, ty: Type, format: Format) -> Column {
        Column {
            name: name.into(),
            ty,
            format,
        }
    }
}

/// A result's description as a driver holds it: its columns' names, types
/// and formats, read in place. A plan kept for the same description is
/// found without copying it into [`Column`]s; only a new one is copied.
///
/// ```
/// use pgcast_core::row::{Column, Description};
/// use pgcast_core::{Format, Type};
///
/// let kept = vec![Column::new("id", Type::INT8, Format::Binary)];
/// let described = [Column::new("id", Type::INT8, Format::Binary)];
/// assert!(described.as_slice().matches(&kept));
/// assert_eq!(described.as_slice().to_columns(), kept);
/// ```
pub trait Description {
    /// How many columns.
    fn count(&self) -> usize;
    /// The `i`-th column's name, type and format (`None` past the last).
    fn column(&self, i: usize) -> Option<(&str, &Type, Format)>;

    /// Whether this describes `columns`.
    fn matches(&self, columns: &[Column]) -> bool {
        self.count() == columns.len()
            && columns.iter().enumerate().all(|(i, c)| {
                self.column(i).is_some_and(|(name, ty, format)| {
                    c.name == name && c.ty == *ty && c.format == format
                })
            })
    }

    /// The columns, copied.
    fn to_columns(&self) -> Vec<Column> {
        (0..self.count())
            .filter_map(|i| self.column(i))
            .map(|(name, ty, format)| Column::new(name, ty.clone(), format))
            .collect()
    }
}

impl Description for [Column] {
    fn count(&self) -> usize {
        self.len()
    }

    fn column(&self, i: usize) -> Option<(&str, &Type, Format)> {
        self.get(i).map(|c| (c.name.as_str(), &c.ty, c.format))
    }

    fn to_columns(&self) -> Vec<Column> {
        self.to_vec()
    }
}

impl Description for Vec<Column> {
    fn count(&self) -> usize {
        self.len()
    }

    fn column(&self, i: usize) -> Option<(&str, &Type, Format)> {
        self.as_slice().column(i)
    }

    fn matches(&self, columns: &[Column]) -> bool {
        **self == *columns
    }

    fn to_columns(&self) -> Vec<Column> {
        self.clone()
    }
}

/// A result's columns as a row type plans against them: the description, the
/// conversion policy in force, and the name prefix of a flattened field.
///
/// Names match exactly (PostgreSQL already folds unquoted names to lower
/// case). A name that occurs twice in the result is an
/// [`AmbiguousColumn`](ErrorKind::AmbiguousColumn) error rather than a silent
/// pick: alias one of the columns, or use a prefix.
///
/// ```
/// use pgcast_core::row::{Column, Columns};
/// use pgcast_core::{Adapters, Format, Load, Type};
///
/// let desc = [
///     Column::new("id", Type::INT8, Format::Binary),
///     Column::new("author_id", Type::INT4, Format::Binary),
/// ];
/// let columns = Columns::new(&desc, &Adapters::global());
/// let author = columns.prefixed("author_");
/// let plan = author.column::<i64>("id", <i64 as Load>::check).unwrap();
/// assert_eq!(plan.index(), 1);
///
/// let err = columns.column::<String>("email", <String as Load>::check).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "missing column: no column \"email\" in the result; it has \"id\", \"author_id\" (Rust type String)"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Columns<'a> {
    columns: &'a [Column],
    policy: Policy,
    /// The scope, when it registers loaders (for `Value`s inside typed fields).
    scope: Option<Adapters>,
    prefix: String,
}

/// What a field's type checks a column with: [`Load::check`] of the type it
/// loads through.
pub type CheckFn = fn(&Ctx<'_>) -> Result<()>;

impl<'a> Columns<'a> {
    /// The columns under the policy of `adapters`.
    pub fn new(columns: &'a [Column], adapters: &Adapters) -> Columns<'a> {
        Columns {
            scope: adapters.has_loaders().then(|| adapters.clone()),
            ..Columns::with_policy(columns, adapters.policy())
        }
    }

    /// The columns under `policy`.
    pub fn with_policy(columns: &'a [Column], policy: &Policy) -> Columns<'a> {
        Columns {
            columns,
            policy: *policy,
            scope: None,
            prefix: String::new(),
        }
    }

    /// The same columns, names now looked up with `prefix` in front (after
    /// the current prefix): the view of a flattened field.
    pub fn prefixed(&self, prefix: &str) -> Columns<'a> {
        Columns {
            columns: self.columns,
            policy: self.policy,
            scope: self.scope.clone(),
            prefix: format!("{}{prefix}", self.prefix),
        }
    }

    /// The description.
    pub fn as_slice(&self) -> &'a [Column] {
        self.columns
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether the result has no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The prefix names are looked up with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where `name` (after the prefix) is; an error if it occurs twice.
    /// `Ok(None)` if the result does not have it.
    pub fn position(&self, name: &str) -> Result<Option<usize>> {
        let mut found = None;
        for (index, column) in self.columns.iter().enumerate() {
            if self.matches(&column.name, name) {
                if let Some(first) = found {
                    return Err(Error::new(
                        ErrorKind::AmbiguousColumn,
                        format!(
                            "the result has \"{}\" at index {first} and {index}; alias one of them",
                            column.name
                        ),
                    ));
                }
                found = Some(index);
            }
        }
        Ok(found)
    }

    fn matches(&self, column: &str, name: &str) -> bool {
        column.len() == self.prefix.len() + name.len()
            && column.starts_with(&self.prefix)
            && column.ends_with(name)
    }

    /// Plans the column `name` (after the prefix) for a field of Rust type
    /// `T` that loads through `check`'s type: a
    /// [`MissingColumn`](ErrorKind::MissingColumn) error listing the columns
    /// there are if it is absent, `check`'s error (with the column) if the
    /// type does not fit.
    pub fn column<T: ?Sized>(&self, name: &str, check: CheckFn) -> Result<ColumnPlan> {
        match self.position(name).map_err(|e| e.with_rust_type::<T>())? {
            Some(index) => self.column_at::<T>(index, check),
            None => Err(self.missing::<T>(name)),
        }
    }

    /// [`column`](Self::column) for a field that may do without: `None` if
    /// the result has no such column.
    pub fn optional_column<T: ?Sized>(
        &self,
        name: &str,
        check: CheckFn,
    ) -> Result<Option<ColumnPlan>> {
        match self.position(name).map_err(|e| e.with_rust_type::<T>())? {
            Some(index) => self.column_at::<T>(index, check).map(Some),
            None => Ok(None),
        }
    }

    /// Plans the column at `index`, for positional row types.
    pub fn column_at<T: ?Sized>(&self, index: usize, check: CheckFn) -> Result<ColumnPlan> {
        let Some(column) = self.columns.get(index) else {
            return Err(Error::new(
                ErrorKind::MissingColumn,
                format!(
                    "no column at index {index}; the result has {} columns",
                    self.columns.len()
                ),
            )
            .with_rust_type::<T>());
        };
        let plan = ColumnPlan {
            index,
            name: column.name.clone(),
            // A domain's values are its base type's.
            ty: crate::types::domain_base(&column.ty).clone(),
            format: column.format,
            policy: self.policy,
            scope: self.scope.clone(),
        };
        check(&plan.ctx()).map_err(|e| plan.context::<T>(hint(e, &plan.ty)))?;
        Ok(plan)
    }

    /// For positional row types: an error unless the result has exactly
    /// `count` columns, the number `T` takes.
    pub fn expect_len<T: ?Sized>(&self, count: usize) -> Result<()> {
        let len = self.columns.len();
        if len == count {
            return Ok(());
        }
        let kind = if len < count {
            ErrorKind::MissingColumn
        } else {
            ErrorKind::WrongType
        };
        Err(Error::new(
            kind,
            format!("the row type takes {count} columns by position; the result has {len}"),
        )
        .with_rust_type::<T>())
    }

    #[cold]
    fn missing<T: ?Sized>(&self, name: &str) -> Error {
        let mut message = format!("no column \"{}{name}\" in the result; ", self.prefix);
        if self.columns.is_empty() {
            message.push_str("it has no columns");
        } else {
            message.push_str("it has ");
            for (i, column) in self.columns.iter().enumerate() {
                if i > 0 {
                    message.push_str(", ");
                }
                let _ = write!(message, "\"{}\"", column.name);
            }
        }
        Error::new(ErrorKind::MissingColumn, message).with_rust_type::<T>()
    }
}

/// One resolved column of a plan: its index, and the type, format and policy
/// its values load with. Loading through it does indexed access and the
/// static [`Load`] calls only; the name is kept for error messages.
///
/// ```
/// use pgcast_core::row::{Column, Columns};
/// use pgcast_core::{Format, Load, Policy, Type};
///
/// let desc = [Column::new("n", Type::INT4, Format::Text)];
/// let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
/// let plan = columns.column::<i64>("n", <i64 as Load>::check).unwrap();
/// let row: [Option<&[u8]>; 1] = [Some(b"42")];
/// assert_eq!(plan.load::<i64, _>(&row[..]).unwrap(), 42);
///
/// let row: [Option<&[u8]>; 1] = [None];
/// assert_eq!(
///     plan.load::<i64, _>(&row[..]).unwrap_err().to_string(),
///     "unexpected NULL: NULL for a type that cannot hold it; use Option<T> \
///      (column \"n\" (index 0), PostgreSQL type int4, Rust type i64)"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct ColumnPlan {
    index: usize,
    name: String,
    ty: Type,
    format: Format,
    policy: Policy,
    /// The scope, when it registers loaders.
    scope: Option<Adapters>,
}

impl PartialEq for ColumnPlan {
    /// The same column, type, format and policy (the scope is not compared).
    fn eq(&self, other: &ColumnPlan) -> bool {
        self.index == other.index
            && self.name == other.name
            && self.ty == other.ty
            && self.format == other.format
            && self.policy == other.policy
    }
}

impl Eq for ColumnPlan {}

impl ColumnPlan {
    /// The column's position in the row.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The column's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's PostgreSQL type (a domain's base type).
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// The wire format of its values.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The context its values load with.
    #[inline]
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            ty: &self.ty,
            format: self.format,
            policy: &self.policy,
            scope: self.scope.as_ref(),
        }
    }

    /// The column's raw value in `row`; `None` for NULL.
    #[inline]
    pub fn raw<'r, R: RawRow + ?Sized>(&self, row: &'r R) -> Result<Option<&'r [u8]>> {
        row.raw(self.index).map_err(|e| self.context::<[u8]>(e))
    }

    /// Loads the column's value in `row` as `T`; errors name the column.
    #[inline]
    pub fn load<'r, T: Load<'r>, R: RawRow + ?Sized>(&self, row: &'r R) -> Result<T> {
        let raw = self.raw(row)?;
        T::load_opt(&self.ctx(), raw).map_err(|e| self.context::<T>(e))
    }

    /// Loads the value as `S`, then converts it with `T::try_from`: the
    /// `try_from` field attribute. A failed conversion is a
    /// [`Custom`](ErrorKind::Custom) error naming the column and `T`.
    ///
    /// ```
    /// use pgcast_core::row::{Column, Columns};
    /// use pgcast_core::{Format, Load, Policy, Type};
    ///
    /// let desc = [Column::new("n", Type::INT8, Format::Text)];
    /// let plan = Columns::with_policy(&desc, &Policy::DEFAULT)
    ///     .column::<u8>("n", <i64 as Load>::check)
    ///     .unwrap();
    /// let row: [Option<&[u8]>; 1] = [Some(b"300")];
    /// let err = plan.load_try_from::<i64, u8, _>(&row[..]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "conversion failed: out of range integral type conversion attempted \
    ///      (column \"n\" (index 0), PostgreSQL type int8, Rust type u8)"
    /// );
    /// ```
    #[inline]
    pub fn load_try_from<'r, S, T, R>(&self, row: &'r R) -> Result<T>
    where
        S: Load<'r>,
        T: TryFrom<S>,
        T::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        R: RawRow + ?Sized,
    {
        let value: S = self.load(row)?;
        T::try_from(value).map_err(|e| self.context::<T>(Error::custom(e)))
    }

    /// Loads the value with a function of the user's: the `with` field
    /// attribute. Errors get the column, and `T` unless they name a type.
    #[inline]
    pub fn load_with<'r, T, R: RawRow + ?Sized>(
        &self,
        row: &'r R,
        load: impl FnOnce(&Ctx<'_>, Option<&'r [u8]>) -> Result<T>,
    ) -> Result<T> {
        let raw = self.raw(row)?;
        load(&self.ctx(), raw).map_err(|e| self.context::<T>(e))
    }

    /// Loads a `json` field: the column's JSON deserialized into `T`
    /// through [`Json`](crate::types::Json). SQL NULL is an
    /// [`UnexpectedNull`](ErrorKind::UnexpectedNull) error (JSON `null` is a
    /// value, which `Option<T>` takes as `None`).
    #[inline]
    pub fn load_json<'r, T, R>(&self, row: &'r R) -> Result<T>
    where
        Json<T>: Load<'r>,
        R: RawRow + ?Sized,
    {
        match self.raw(row)? {
            Some(raw) => Json::<T>::load(&self.ctx(), raw)
                .map(|json| json.0)
                .map_err(|e| self.context::<T>(e)),
            None => Err(self.context::<T>(Error::new(
                ErrorKind::UnexpectedNull,
                "SQL NULL in a `json` field; use `json(nullable)` to accept it",
            ))),
        }
    }

    /// Loads a `json(nullable)` field: as [`load_json`](Self::load_json),
    /// but SQL NULL gives `T::default()` (`None` for `Option<T>`).
    #[inline]
    pub fn load_json_nullable<'r, T, R>(&self, row: &'r R) -> Result<T>
    where
        Json<T>: Load<'r>,
        T: Default,
        R: RawRow + ?Sized,
    {
        match self.raw(row)? {
            Some(raw) => Json::<T>::load(&self.ctx(), raw)
                .map(|json| json.0)
                .map_err(|e| self.context::<T>(e)),
            None => Ok(T::default()),
        }
    }

    /// Adds this column, its type and the Rust type `T` to an error.
    #[cold]
    #[inline(never)]
    pub fn context<T: ?Sized>(&self, err: Error) -> Error {
        err.with_column(self.index, &self.name)
            .with_pg_type(&self.ty)
            .with_rust_type::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc() -> Vec<Column> {
        vec![
            Column::new("id", Type::INT8, Format::Binary),
            Column::new("a_id", Type::INT4, Format::Text),
            Column::new("id", Type::TEXT, Format::Text),
        ]
    }

    #[test]
    fn prefixes_nest() {
        let desc = desc();
        let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
        let nested = columns.prefixed("a").prefixed("_");
        assert_eq!(nested.prefix(), "a_");
        assert_eq!(nested.position("id").unwrap(), Some(1));
        assert_eq!(nested.position("i").unwrap(), None);
        assert_eq!(columns.position("a_id").unwrap(), Some(1));
    }

    #[test]
    fn ambiguous_names_are_errors() {
        let desc = desc();
        let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
        let err = columns
            .column::<i64>("id", <i64 as Load>::check)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AmbiguousColumn);
        assert_eq!(
            err.to_string(),
            "ambiguous column: the result has \"id\" at index 0 and 2; alias one of them \
             (Rust type i64)"
        );
    }

    #[test]
    fn mismatch_names_the_column() {
        let desc = desc();
        let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
        let err = columns
            .column::<bool>("a_id", <bool as Load>::check)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert_eq!(
            err.to_string(),
            "type mismatch: no conversion between these types \
             (column \"a_id\" (index 1), PostgreSQL type int4, Rust type bool)"
        );
    }

    #[test]
    fn positions_and_lengths() {
        let desc = desc();
        let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
        assert!(columns.expect_len::<()>(3).is_ok());
        assert_eq!(
            columns.expect_len::<(i64,)>(4).unwrap_err().kind(),
            ErrorKind::MissingColumn
        );
        assert_eq!(
            columns.expect_len::<(i64,)>(1).unwrap_err().kind(),
            ErrorKind::WrongType
        );
        let err = columns
            .column_at::<i64>(3, <i64 as Load>::check)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing column: no column at index 3; the result has 3 columns (Rust type i64)"
        );
        let empty = Columns::with_policy(&[], &Policy::DEFAULT);
        assert_eq!(
            empty
                .column::<i64>("x", <i64 as Load>::check)
                .unwrap_err()
                .to_string(),
            "missing column: no column \"x\" in the result; it has no columns (Rust type i64)"
        );
    }

    #[test]
    fn policy_reaches_check() {
        let desc = [Column::new("t", Type::TEXT, Format::Text)];
        let columns = Columns::with_policy(&desc, &Policy::DEFAULT);
        let plan = columns.column::<&str>("t", <&str as Load>::check).unwrap();
        let row: [Option<&[u8]>; 1] = [Some(b"x")];
        assert_eq!(plan.load::<&str, _>(&row[..]).unwrap(), "x");
        assert_eq!(
            plan.load::<Option<&str>, _>(&[None::<&[u8]>][..]).unwrap(),
            None
        );
    }
}
