//! [`Unnest`], [`Insert`], [`Update`]: many rows as one array parameter per
//! column, `INSERT … SELECT … FROM UNNEST(…)`, upserts and batch updates.
//!
//! One statement text per row shape, whatever the number of rows (so it is
//! prepared once and safe behind a transaction pooler), and no parameter
//! limit: a million rows are as many parameters as one.
//!
//! **Column types come from the Rust types** ([`ToRow::static_types`],
//! each field's [`StaticType`](crate::StaticType)), not from describing the
//! table: the statement is then built without a connection, an empty batch
//! is typed like any other, and the text is the same on every connection.
//! The server converts each column to the table's type on assignment as
//! usual (`int8` into `int4` is range-checked there). Where no assignment
//! cast exists (`text` into an enum column, say) name the type with
//! [`Unnest::cast`]. A field whose type has no static type (the dynamic
//! `Value`) takes the type of its value in the first row.
//!
//! How each column travels:
//!
//! - built-in scalar types: a binary array of that type (`$1::int8[]`);
//! - derived composites and enums (their OID differs per database) and
//!   array-valued columns: a `text[]` of each value's text form, cast back
//!   in the select list (`"r"."tags"::int4[]`). PostgreSQL arrays cannot
//!   nest, and `UNNEST` of a two-dimensional array would flatten it, so each
//!   row's array is one text element; this also keeps ragged arrays, NULL
//!   arrays and empty arrays apart.
//!
//! ```
//! use pgcast_core::sql::{Composable, Insert};
//! use pgcast_core::{Dump, Policy, Result, StaticType, Type, row::ToRow};
//!
//! struct Planet { name: String, moons: i32, tags: Vec<String> }
//! impl ToRow for Planet {
//!     fn columns() -> &'static [&'static str] { &["name", "moons", "tags"] }
//!     fn static_types(p: &Policy) -> Option<Vec<Type>> {
//!         Some(vec![String::static_type(p), i32::static_type(p), <Vec<String>>::static_type(p)])
//!     }
//!     fn visit_values(&self, v: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
//!         v(&self.name)?;
//!         v(&self.moons)?;
//!         v(&self.tags)
//!     }
//! }
//!
//! let planets = [Planet { name: "Mars".into(), moons: 2, tags: vec!["red".into()] }];
//! let q = Insert::rows("planets", &planets).unwrap().upsert(["name"]).returning_all();
//! assert_eq!(
//!     q.render().unwrap().text(),
//!     r#"INSERT INTO "planets" ("name", "moons", "tags") SELECT "r"."name", "r"."moons", "r"."tags"::"pg_catalog"."text"[] FROM UNNEST($1::"pg_catalog"."text"[], $2::"pg_catalog"."int4"[], $3::"pg_catalog"."text"[]) AS "r"("name", "moons", "tags") ON CONFLICT ("name") DO UPDATE SET "moons" = EXCLUDED."moons", "tags" = EXCLUDED."tags" RETURNING *"#
//! );
//! ```

use std::fmt;

use bytes::BufMut;
use postgres_types::{Kind, Type};

use super::dumped::in_column;
use super::{Bound, Composable, Composed, Identifier, Sql, bind};
use crate::row::ToRow;
use crate::types::array_type_of;
use crate::{Adapters, Ctx, Dump, Error, ErrorKind, Format, IsNull, Policy, Result};

/// The alias of the unnested rows in the statements built here.
const ALIAS: &str = "r";

/// One column of a batch as a one-dimensional binary array: the elements
/// are dumped once, when the batch is built; the header is written when
/// the parameter is sent.
#[derive(Clone, PartialEq, Eq)]
struct ColumnArray {
    column: &'static str,
    elem: Type,
    count: usize,
    has_null: bool,
    /// Each element as a 4-byte length (-1 for NULL) and its bytes.
    data: Vec<u8>,
}

impl ColumnArray {
    fn push(&mut self, value: &(dyn Dump + Sync), ctx: &Ctx<'_>) -> Result<()> {
        let at = self.data.len();
        self.data.put_i32(-1);
        let mut out = bytes::BytesMut::new();
        // Dumping straight into `data` would need it to be a BytesMut; one
        // small buffer per value is reused below instead of the array's.
        match value.dump(ctx, &mut out)? {
            IsNull::Yes => self.has_null = true,
            IsNull::No => {
                let len = i32::try_from(out.len()).map_err(|_| {
                    Error::new(
                        ErrorKind::OutOfRange,
                        "a value is over the 1 GB field limit",
                    )
                })?;
                self.data[at..at + 4].copy_from_slice(&len.to_be_bytes());
                self.data.extend_from_slice(&out);
            }
        }
        self.count += 1;
        Ok(())
    }
}

impl Dump for ColumnArray {
    fn pg_type(&self, _: &Policy) -> Type {
        array_type_of(&self.elem).unwrap_or(Type::TEXT_ARRAY)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut bytes::BytesMut) -> Result<IsNull> {
        if ctx.format != Format::Binary {
            return Err(Error::new(
                ErrorKind::WrongType,
                "a batch column is sent as a binary array parameter; it has no literal form",
            )
            .with_pg_type(ctx.ty));
        }
        let elem_ok = match ctx.ty.kind() {
            Kind::Array(elem) => elem.oid() == self.elem.oid(),
            _ => ctx.ty.oid() == 0,
        };
        if !elem_ok {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!(
                    "column \"{}\" was dumped as {}[], the statement wants {}",
                    self.column,
                    self.elem.name(),
                    ctx.ty.name()
                ),
            )
            .with_pg_type(ctx.ty));
        }
        let count = i32::try_from(self.count).map_err(|_| {
            Error::new(
                ErrorKind::OutOfRange,
                format!("{} rows are over an array's limit", self.count),
            )
        })?;
        out.reserve(20 + self.data.len());
        if count == 0 {
            out.put_i32(0);
            out.put_i32(0);
            out.put_u32(self.elem.oid());
        } else {
            out.put_i32(1);
            out.put_i32(i32::from(self.has_null));
            out.put_u32(self.elem.oid());
            out.put_i32(count);
            out.put_i32(1);
            out.put_slice(&self.data);
        }
        Ok(IsNull::No)
    }
}

impl fmt::Debug for ColumnArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}[] values",
            self.column,
            self.count,
            self.elem.name()
        )
    }
}

/// One column of an [`Unnest`].
#[derive(Clone, Debug, PartialEq)]
struct Column {
    name: &'static str,
    param: Bound<'static>,
    /// The array type the parameter is cast to: `"pg_catalog"."int8"[]`.
    array: Composed<'static>,
    /// The cast in the select list, for columns sent as text.
    cast: Option<Composed<'static>>,
}

/// Rows of a [`ToRow`] type as one array parameter per column, read back
/// as rows by `UNNEST($1::t1[], $2::t2[], …) AS "r"("c1", "c2", …)`. The
/// building block of [`Insert`] and [`Update`]; as a [`Composable`] it is
/// the `SELECT` of the rows, for statements of your own.
///
/// Values are dumped when the batch is built (errors name the column),
/// under the policy given, the global scope's by default; dumpers
/// registered in a scope for Rust types are not consulted.
///
/// ```
/// use pgcast_core::sql::{Composable, Sql, Unnest};
/// use pgcast_core::{Dump, Policy, Result, StaticType, Type, row::ToRow};
///
/// struct Score(i64, Option<f64>);
/// impl ToRow for Score {
///     fn columns() -> &'static [&'static str] { &["id", "score"] }
///     fn static_types(p: &Policy) -> Option<Vec<Type>> {
///         Some(vec![i64::static_type(p), f64::static_type(p)])
///     }
///     fn visit_values(&self, v: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
///         v(&self.0)?;
///         v(&self.1)
///     }
/// }
///
/// let rows = Unnest::new([Score(1, Some(0.5)), Score(2, None)]).unwrap();
/// assert_eq!(rows.len(), 2);
/// let q = Sql::new("SELECT sum(score) FROM (") + rows + Sql::new(") AS s");
/// let r = q.render().unwrap();
/// assert_eq!(
///     r.text(),
///     r#"SELECT sum(score) FROM (SELECT "r"."id", "r"."score" FROM UNNEST($1::"pg_catalog"."int8"[], $2::"pg_catalog"."float8"[]) AS "r"("id", "score")) AS s"#
/// );
/// assert_eq!(r.params()[1].pg_type(), Some(&Type::FLOAT8_ARRAY));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Unnest {
    columns: Vec<Column>,
    rows: usize,
}

impl Unnest {
    /// The rows, dumped under the global scope's policy.
    pub fn new<R: ToRow>(rows: impl IntoIterator<Item = R>) -> Result<Unnest> {
        Unnest::with_policy(rows, Adapters::global().policy())
    }

    /// The rows, dumped under `policy` (a connection's:
    /// `session.scope().policy()`).
    pub fn with_policy<R: ToRow>(
        rows: impl IntoIterator<Item = R>,
        policy: &Policy,
    ) -> Result<Unnest> {
        let names = R::columns();
        let mut rows = rows.into_iter().peekable();
        let types = match R::static_types(policy) {
            Some(types) if types.len() == names.len() => types,
            Some(types) => {
                return Err(Error::new(
                    ErrorKind::WrongType,
                    format!(
                        "the row type names {} columns but gives {} static types",
                        names.len(),
                        types.len()
                    ),
                ));
            }
            None => match rows.peek() {
                Some(first) => first.pg_types(policy),
                None => {
                    return Err(Error::new(
                        ErrorKind::WrongType,
                        "an empty batch of a row type without static types cannot be typed; \
                         implement ToRow::static_types (the derive does)",
                    ));
                }
            },
        };
        let first_types = rows.peek().map(|first| first.pg_types(policy));
        let mut plans = Vec::with_capacity(names.len());
        for (i, (&name, ty)) in names.iter().zip(types).enumerate() {
            let ty = if untyped(&ty) {
                first_types
                    .as_ref()
                    .and_then(|t| t.get(i).cloned())
                    .filter(|t| !untyped(t))
                    .unwrap_or(ty)
            } else {
                ty
            };
            plans.push(Plan::new(name, ty).map_err(|e| in_column(e, i, name))?);
        }
        let mut arrays: Vec<ColumnArray> = plans
            .iter()
            .map(|p| ColumnArray {
                column: p.name,
                elem: p.elem.clone(),
                count: 0,
                has_null: false,
                data: Vec::new(),
            })
            .collect();
        let mut count = 0_usize;
        for row in rows {
            let mut i = 0;
            row.visit_values(&mut |value| {
                let (Some(plan), Some(array)) = (plans.get(i), arrays.get_mut(i)) else {
                    return Err(Error::new(
                        ErrorKind::WrongType,
                        format!("a row has more values than its {} columns", names.len()),
                    ));
                };
                let ctx = Ctx {
                    ty: &plan.dump_as,
                    format: plan.format,
                    policy,
                    scope: None,
                };
                array
                    .push(value, &ctx)
                    .map_err(|e| in_column(e, i, plan.name).in_context(&format!("row {count}")))?;
                i += 1;
                Ok(())
            })?;
            if i != names.len() {
                return Err(Error::new(
                    ErrorKind::WrongType,
                    format!("row {count} has {i} values for {} columns", names.len()),
                ));
            }
            count += 1;
        }
        let columns = plans
            .into_iter()
            .zip(arrays)
            .map(|(plan, array)| Column {
                name: plan.name,
                param: bind(array),
                array: plan.array,
                cast: plan.cast,
            })
            .collect();
        Ok(Unnest {
            columns,
            rows: count,
        })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The column names, in order.
    pub fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| c.name)
    }

    /// Casts `column` to `ty` in the select list: for a column whose Rust
    /// type's PostgreSQL type has no assignment cast to the table's (a
    /// `String` field into an enum column: `cast("mood",
    /// Identifier::new("mood"))`). An error if there is no such column.
    pub fn cast(mut self, column: &str, ty: impl Into<Identifier>) -> Result<Unnest> {
        let Some(c) = self.columns.iter_mut().find(|c| c.name == column) else {
            return Err(no_column(column, self.columns()));
        };
        c.cast = Some(ty.into().into_composed());
        Ok(self)
    }

    /// `UNNEST($1::t1[], …) AS "r"("c1", …)`: the rows as a `FROM` item.
    pub fn from_item(&self) -> Composed<'static> {
        let mut out = Composed::with_capacity(self.columns.len() * 4 + 4);
        out.push_sql("UNNEST(");
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push(c.param.clone());
            out.push_sql("::");
            out.push(c.array.clone());
        }
        out.push_sql(") AS ");
        out.push(Identifier::new(ALIAS));
        out.push_sql("(");
        out.push(Identifier::list(self.columns()));
        out.push_sql(")");
        out
    }

    /// `"r"."c"`, cast to its type where it travelled as text: a column of
    /// the rows in a statement that has [`from_item`](Self::from_item) in
    /// its `FROM`. An error if there is no such column.
    pub fn value(&self, column: &str) -> Result<Composed<'static>> {
        match self.columns.iter().find(|c| c.name == column) {
            Some(c) => Ok(c.value()),
            None => Err(no_column(column, self.columns())),
        }
    }

    /// `SELECT "r"."c1", … FROM UNNEST(…) AS "r"(…)`.
    pub fn select(&self) -> Composed<'static> {
        let mut out = Composed::new();
        out.push_sql("SELECT ");
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push(c.value());
        }
        out.push_sql(" FROM ");
        out.push(self.from_item());
        out
    }

    /// `INSERT INTO table (c1, …) SELECT … FROM UNNEST(…)`.
    pub fn insert_into(self, table: impl Into<Identifier>) -> Insert {
        Insert {
            table: table.into(),
            rows: self,
            conflict: None,
            returning: None,
        }
    }

    /// `UPDATE table SET c = "r"."c", … FROM UNNEST(…) AS "r"(…) WHERE
    /// table.k = "r"."k" AND …`: each row updates the rows of `table` whose
    /// `keys` equal its own (a NULL key matches nothing), setting every
    /// other column. An error if a key is not a column, or no column is
    /// left to set.
    ///
    /// ```
    /// use pgcast_core::sql::{Composable, Unnest};
    /// # use pgcast_core::{Dump, Policy, Result, StaticType, Type, row::ToRow};
    /// # struct Price { sku: String, cents: i64 }
    /// # impl ToRow for Price {
    /// #     fn columns() -> &'static [&'static str] { &["sku", "cents"] }
    /// #     fn static_types(p: &Policy) -> Option<Vec<Type>> {
    /// #         Some(vec![String::static_type(p), i64::static_type(p)])
    /// #     }
    /// #     fn visit_values(&self, v: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
    /// #         v(&self.sku)?;
    /// #         v(&self.cents)
    /// #     }
    /// # }
    ///
    /// let prices = vec![Price { sku: "a-1".into(), cents: 250 }];
    /// let q = Unnest::new(&prices).unwrap().update("prices", ["sku"]).unwrap();
    /// assert_eq!(
    ///     q.render().unwrap().text(),
    ///     r#"UPDATE "prices" SET "cents" = "r"."cents" FROM UNNEST($1::"pg_catalog"."text"[], $2::"pg_catalog"."int8"[]) AS "r"("sku", "cents") WHERE "prices"."sku" = "r"."sku""#
    /// );
    /// ```
    pub fn update<I>(self, table: impl Into<Identifier>, keys: I) -> Result<Update>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let keys: Vec<String> = keys.into_iter().map(|k| k.as_ref().to_owned()).collect();
        if keys.is_empty() {
            return Err(Error::new(
                ErrorKind::Format,
                "a batch update needs at least one key column to match rows by",
            ));
        }
        for key in &keys {
            if !self.columns().any(|c| c == key) {
                return Err(no_column(key, self.columns()));
            }
        }
        let set: Vec<&'static str> = self
            .columns()
            .filter(|c| !keys.iter().any(|k| k == c))
            .collect();
        if set.is_empty() {
            return Err(Error::new(
                ErrorKind::Format,
                "every column of the rows is a key: a batch update has nothing to set",
            ));
        }
        Ok(Update {
            table: table.into(),
            rows: self,
            keys,
            set,
            returning: None,
        })
    }
}

impl Column {
    fn value(&self) -> Composed<'static> {
        let mut out = Composed::with_capacity(4);
        out.push(Identifier::qualified([ALIAS, self.name]));
        if let Some(cast) = &self.cast {
            out.push_sql("::");
            out.push(cast.clone());
        }
        out
    }
}

impl Composable for Unnest {
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push(self.select());
    }
}

/// How one column is sent, decided once per batch.
struct Plan {
    name: &'static str,
    /// The array's element type.
    elem: Type,
    /// The type and format each value is dumped as.
    dump_as: Type,
    format: Format,
    array: Composed<'static>,
    cast: Option<Composed<'static>>,
}

impl Plan {
    fn new(name: &'static str, ty: Type) -> Result<Plan> {
        if untyped(&ty)
            && !matches!(
                ty.kind(),
                Kind::Array(_) | Kind::Enum(_) | Kind::Composite(_)
            )
        {
            return Err(Error::new(
                ErrorKind::WrongType,
                "the Rust type names no PostgreSQL type and the first row's value gives none; \
                 use a typed field",
            ));
        }
        let binary =
            ty.oid() != 0 && !matches!(ty.kind(), Kind::Array(_)) && array_type_of(&ty).is_some();
        if binary {
            Ok(Plan {
                name,
                array: type_name(&ty) + Sql::new("[]"),
                elem: ty.clone(),
                dump_as: ty,
                format: Format::Binary,
                cast: None,
            })
        } else {
            Ok(Plan {
                name,
                elem: Type::TEXT,
                array: type_name(&Type::TEXT) + Sql::new("[]"),
                cast: Some(type_name(&ty)),
                dump_as: ty,
                format: Format::Text,
            })
        }
    }
}

/// Whether `ty` leaves the type open (`unknown`, or no OID).
fn untyped(ty: &Type) -> bool {
    *ty == Type::UNKNOWN || ty.oid() == 0
}

/// The name of `ty` in SQL: schema-qualified and quoted, `[]` for arrays.
fn type_name(ty: &Type) -> Composed<'static> {
    match ty.kind() {
        Kind::Array(elem) => type_name(elem) + Sql::new("[]"),
        _ if ty.schema().is_empty() => Identifier::new(ty.name().to_owned()).into_composed(),
        _ => Identifier::qualified([ty.schema().to_owned(), ty.name().to_owned()]).into_composed(),
    }
}

#[cold]
fn no_column<'a>(name: &str, columns: impl Iterator<Item = &'a str>) -> Error {
    let list: Vec<String> = columns.map(|c| format!("\"{c}\"")).collect();
    Error::new(
        ErrorKind::MissingColumn,
        format!(
            "no column \"{name}\" in the rows; they have {}",
            list.join(", ")
        ),
    )
}

/// What an [`Insert`] does when a row conflicts with one already there.
#[derive(Clone, Debug, PartialEq)]
enum Conflict {
    /// `ON CONFLICT [(keys)] DO NOTHING`.
    Nothing(Vec<Identifier>),
    /// `ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c, …`.
    Update(Vec<Identifier>, Vec<Identifier>),
}

/// `INSERT INTO table (c1, …) SELECT … FROM UNNEST(…)` from
/// [`Unnest::insert_into`] or [`Insert::rows`], with an optional
/// `ON CONFLICT` and `RETURNING`. Run it with any adapter's `exec`, or
/// `fetch_all` with `RETURNING`.
#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    table: Identifier,
    rows: Unnest,
    conflict: Option<Conflict>,
    returning: Option<Composed<'static>>,
}

impl Insert {
    /// `rows` into `table`, dumped under the global scope's policy:
    /// `client.exec(&Insert::rows("planets", &planets)?)`.
    pub fn rows<R: ToRow>(
        table: impl Into<Identifier>,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<Insert> {
        Ok(Unnest::new(rows)?.insert_into(table))
    }

    /// The rows inserted.
    pub fn unnest(&self) -> &Unnest {
        &self.rows
    }

    /// `ON CONFLICT (keys) DO NOTHING`; with no keys, `ON CONFLICT DO
    /// NOTHING` (any unique constraint).
    pub fn on_conflict_do_nothing<I>(mut self, keys: I) -> Insert
    where
        I: IntoIterator,
        I::Item: Into<Identifier>,
    {
        self.conflict = Some(Conflict::Nothing(
            keys.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// `ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c, …` for every
    /// column of the rows that is not a key. With no column left to set it
    /// is `DO NOTHING`.
    pub fn upsert<I>(self, keys: I) -> Insert
    where
        I: IntoIterator,
        I::Item: Into<Identifier>,
    {
        let keys: Vec<Identifier> = keys.into_iter().map(Into::into).collect();
        let set: Vec<Identifier> = self
            .rows
            .columns()
            .filter(|c| !keys.iter().any(|k| k.parts() == [*c]))
            .map(Identifier::new)
            .collect();
        self.upsert_columns(keys, set)
    }

    /// `ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c` for the columns
    /// `set` only (the others keep their stored values).
    pub fn upsert_columns<K, S>(mut self, keys: K, set: S) -> Insert
    where
        K: IntoIterator,
        K::Item: Into<Identifier>,
        S: IntoIterator,
        S::Item: Into<Identifier>,
    {
        let keys = keys.into_iter().map(Into::into).collect();
        let set: Vec<Identifier> = set.into_iter().map(Into::into).collect();
        self.conflict = Some(if set.is_empty() {
            Conflict::Nothing(keys)
        } else {
            Conflict::Update(keys, set)
        });
        self
    }

    /// `RETURNING *`: read the rows back with `fetch_all::<T>` for a
    /// `FromRow` type `T`.
    pub fn returning_all(self) -> Insert {
        self.returning(Sql::new("*"))
    }

    /// `RETURNING` followed by `what` (`Identifier::list(["id"])`).
    pub fn returning(mut self, what: impl Composable + 'static) -> Insert {
        self.returning = Some(what.into_composed());
        self
    }
}

impl Composable for Insert {
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_sql("INSERT INTO ");
        target.push(self.table);
        target.push_sql(" (");
        target.push(Identifier::list(self.rows.columns()));
        target.push_sql(") ");
        target.push(self.rows.select());
        match self.conflict {
            None => {}
            Some(Conflict::Nothing(keys)) => {
                target.push_sql(" ON CONFLICT");
                conflict_target(target, keys);
                target.push_sql(" DO NOTHING");
            }
            Some(Conflict::Update(keys, set)) => {
                target.push_sql(" ON CONFLICT");
                conflict_target(target, keys);
                target.push_sql(" DO UPDATE SET ");
                for (i, column) in set.into_iter().enumerate() {
                    if i > 0 {
                        target.push_sql(", ");
                    }
                    target.push(column.clone());
                    target.push_sql(" = EXCLUDED.");
                    target.push(column);
                }
            }
        }
        if let Some(what) = self.returning {
            target.push_sql(" RETURNING ");
            target.push(what);
        }
    }
}

fn conflict_target(target: &mut Composed<'_>, keys: Vec<Identifier>) {
    if !keys.is_empty() {
        target.push_sql(" (");
        for (i, key) in keys.into_iter().enumerate() {
            if i > 0 {
                target.push_sql(", ");
            }
            target.push(key);
        }
        target.push_sql(")");
    }
}

/// `UPDATE table SET … FROM UNNEST(…) WHERE table.key = "r".key`, from
/// [`Unnest::update`] or [`Update::rows`].
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    table: Identifier,
    rows: Unnest,
    keys: Vec<String>,
    set: Vec<&'static str>,
    returning: Option<Composed<'static>>,
}

impl Update {
    /// Updates the rows of `table` matching each of `rows` by `keys`:
    /// `client.exec(&Update::rows("prices", &prices, ["sku"])?)`.
    pub fn rows<R, I>(
        table: impl Into<Identifier>,
        rows: impl IntoIterator<Item = R>,
        keys: I,
    ) -> Result<Update>
    where
        R: ToRow,
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Unnest::new(rows)?.update(table, keys)
    }

    /// `RETURNING` followed by `what` (`Sql::new("*")`, or columns).
    pub fn returning(mut self, what: impl Composable + 'static) -> Update {
        self.returning = Some(what.into_composed());
        self
    }
}

impl Composable for Update {
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_sql("UPDATE ");
        target.push(self.table.clone());
        target.push_sql(" SET ");
        for (i, column) in self.set.iter().enumerate() {
            if i > 0 {
                target.push_sql(", ");
            }
            target.push(Identifier::new(*column));
            target.push_sql(" = ");
            if let Some(c) = self.rows.columns.iter().find(|c| c.name == *column) {
                target.push(c.value());
            }
        }
        target.push_sql(" FROM ");
        target.push(self.rows.from_item());
        target.push_sql(" WHERE ");
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                target.push_sql(" AND ");
            }
            target.push(self.table.clone().with_part(key.clone()));
            target.push_sql(" = ");
            if let Some(c) = self.rows.columns.iter().find(|c| c.name == key) {
                target.push(c.value());
            }
        }
        if let Some(what) = self.returning {
            target.push_sql(" RETURNING ");
            target.push(what);
        }
    }
}
