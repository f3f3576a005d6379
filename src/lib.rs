//! pgcast: compose SQL safely and move typed values between Rust and
//! PostgreSQL, over the driver you already use.
//!
//! This facade re-exports [`pgcast_core`], the [`sql!`] macro, the row
//! derives [`FromRow`](macro@FromRow) and [`ToRow`](macro@ToRow), and the
//! PostgreSQL type derives [`PgComposite`](macro@PgComposite),
//! [`PgEnum`](macro@PgEnum) and [`PgTransparent`](macro@PgTransparent).
//! Driver adapters join it behind features: `tokio-postgres` (as
//! `pgcast::tokio_postgres`, the crate `pgcast-tokio-postgres`),
//! `postgres` (as `pgcast::postgres`, the crate `pgcast-postgres`), and `sqlx`
//! (as `pgcast::sqlx`, the crate `pgcast-sqlx`); `deadpool` adds a
//! deadpool pool whose connections keep their sessions
//! (`pgcast::tokio_postgres::pool`).
//!
//! ```
//! use pgcast::{Ctx, Load};
//! use pgcast::Type;
//!
//! assert_eq!(i64::load(&Ctx::text(&Type::INT8), b"7").unwrap(), 7);
//! ```
//!
//! Queries are composed, never spliced; `sql!` checks its format string at
//! compile time:
//!
//! ```
//! use pgcast::sql;
//!
//! let table = "users";
//! let column = String::from("e-mail");
//! let id = 42_i64;
//! let q = sql!("SELECT * FROM {table:i} WHERE {column:i} = {id} AND name <> {:l}", "O'Brien");
//! let r = q.render().unwrap();
//! assert_eq!(r.text(), r#"SELECT * FROM "users" WHERE "e-mail" = $1 AND name <> 'O''Brien'"#);
//! assert_eq!(r.params().len(), 1);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use pgcast_core::*;
pub use pgcast_macros::sql;

/// The tokio-postgres adapter (feature `tokio-postgres`): extension methods
/// on `Client`, `Transaction` and pooled clients.
#[cfg(feature = "tokio-postgres")]
pub use pgcast_tokio_postgres as tokio_postgres;

/// The synchronous postgres adapter (feature `postgres`).
#[cfg(feature = "postgres")]
pub use pgcast_postgres as postgres;

/// The sqlx adapter (feature `sqlx`): the verbs on a `PgPool`, a
/// `PgConnection`, a transaction or a pooled connection.
#[cfg(feature = "sqlx")]
pub use pgcast_sqlx as sqlx;

/// Derives [`row::FromRow`]: a struct decoded from a row, planned once per
/// result.
///
/// Named fields map to columns by name, tuple-struct fields by position (the
/// result must then have exactly as many columns as there are non-skipped
/// fields). Planning checks every field's type against its column, so
/// mismatches show before any row is read; decoding is then indexed access
/// and static [`Load`] calls. With exactly one lifetime parameter, the struct
/// borrows from the row through it (`&'r str`, `&'r [u8]`).
///
/// Attributes, under `#[pg(...)]`:
///
/// | where | attribute | meaning |
/// | --- | --- | --- |
/// | struct | `rename_all = "rule"` | column names from field names by `lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE` or `Train-Case` |
/// | struct | `default` | every field whose column is absent gets its type's `Default::default()` (per field: the struct needs no `Default`) |
/// | struct | `crate = "path"` | where pgcast is, if not `::pgcast` |
/// | field | `rename = "name"` | the column's name |
/// | field | `default` | `Default::default()` when the column is absent (a NULL in a present column is still an error unless the type is an `Option`) |
/// | field | `flatten`, `prefix = "p_"` | a nested `FromRow` type read from the same row, its column names looked up with the prefix (prefixes of nested flattens add up) |
/// | field | `flatten` on `Option<T>` | the other side of a LEFT JOIN: `None` when every column `T` reads is NULL; NULL in some, one of them a column `T` cannot take NULL in, is an [`ErrorKind::UnexpectedNull`] error naming them ([`row::OptionalPlan`]) |
/// | field | `key` | part of the parent's key for `many`: rows with equal keys fold into one value ([`row::Grouped`]); the type must be `Clone + Eq + Hash` |
/// | field | `many`, `prefix = "p_"` | a `Vec<T>` of child rows of a one-to-many join, `T: FromRow`: each row gives no child (all of `T`'s columns NULL) or one, and [`row::group`] folds the rows by key; one `many` field per struct |
/// | field | `skip` | no column; `Default::default()` |
/// | field | `json` | loaded through [`types::Json<F>`] from `json`/`jsonb` (or `text`); SQL NULL is an error, JSON `null` is fine where `F` takes it (`Option<T>` → `None`) |
/// | field | `json(nullable)` | as `json`, but SQL NULL gives `Default::default()`: with `Option<T>`, both SQL NULL and JSON `null` are `None` |
/// | field | `try_from = "S"` | load `S` (checked against the column), then `F::try_from`; a failed conversion is a [`ErrorKind::Custom`] error naming the column |
/// | field | `with = "path"` | load with `fn(&Ctx<'_>, Option<&'r [u8]>) -> Result<F>`: the bytes (`None` for NULL) and the column's type, format and policy; no check at planning, the function validates |
///
/// Unknown, duplicate or conflicting attributes are compile errors, all
/// reported at once.
///
/// ```
/// use pgcast::row::{Column, Columns};
/// use pgcast::{Format, FromRow, Policy, Type};
///
/// #[derive(FromRow, Debug, PartialEq)]
/// #[pg(rename_all = "camelCase")]
/// struct User<'r> {
///     user_id: i64,
///     #[pg(rename = "mail")]
///     email: &'r str,
///     #[pg(default)]
///     nickname: Option<String>,
/// }
///
/// let desc = [
///     Column::new("mail", Type::TEXT, Format::Text),
///     Column::new("userId", Type::INT8, Format::Text),
/// ];
/// let plan = User::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
/// let row: [Option<&[u8]>; 2] = [Some(b"ada@example.com"), Some(b"7")];
/// let user = User::from_row(&plan, &row[..]).unwrap();
/// assert_eq!(user, User { user_id: 7, email: "ada@example.com", nickname: None });
/// ```
///
/// # Joins
///
/// Three ways to read a join into nested structs:
///
/// - `#[pg(flatten)]` into `Option<T>`: one-to-one or optional, from a
///   `LEFT JOIN`'s columns (with a `prefix` when names clash);
/// - `#[pg(key)]` and `#[pg(many)]`: one-to-many from the flat rows of a
///   join ordered by the parent's key. `FromRow` reads one row into one
///   value (a parent with at most one child), so `fetch_all` (or a stream,
///   a cursor) still works, and [`row::group`] (or [`row::Grouper`], row by
///   row) folds consecutive rows with the same key into one parent. A key
///   seen again after another key is an [`ErrorKind::Ungrouped`] error.
///   Children with `key` and `many` fields of their own nest a level deeper;
///   order the query by each level's key;
/// - `json_agg(…)` / `row_to_json(…)` built by the server into a `json`
///   field of any `Deserialize` type: one row per parent, any depth, several
///   lists, with JSON's types instead of binary columns.
///
/// ```
/// use pgcast::row::{Column, Columns, group};
/// use pgcast::{Format, FromRow, Policy, Type};
/// use serde::Deserialize;
///
/// #[derive(FromRow, Debug, PartialEq)]
/// struct Profile { bio: String, site: Option<String> }
///
/// #[derive(FromRow, Debug, PartialEq)]
/// struct Book { title: String }
///
/// #[derive(FromRow, Debug, PartialEq)]
/// struct Author {
///     #[pg(key)]
///     id: i64,
///     // SELECT a.id, p.bio AS p_bio, p.site AS p_site, b.title AS b_title
///     // FROM author a LEFT JOIN profile p … LEFT JOIN book b … ORDER BY a.id
///     #[pg(flatten, prefix = "p_")]
///     profile: Option<Profile>,
///     #[pg(many, prefix = "b_")]
///     books: Vec<Book>,
/// }
///
/// let desc = [
///     Column::new("id", Type::INT8, Format::Text),
///     Column::new("p_bio", Type::TEXT, Format::Text),
///     Column::new("p_site", Type::TEXT, Format::Text),
///     Column::new("b_title", Type::TEXT, Format::Text),
/// ];
/// let plan = Author::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
/// let rows: [[Option<&[u8]>; 4]; 3] = [
///     [Some(b"1"), Some(b"engines"), None, Some(b"Notes")],
///     [Some(b"1"), Some(b"engines"), None, Some(b"Letters")],
///     [Some(b"2"), None, None, None],
/// ];
/// let decoded = rows.iter().map(|r| Author::from_row(&plan, &r[..])).collect::<Result<Vec<_>, _>>();
/// let authors = group(decoded.unwrap()).unwrap();
/// assert_eq!(authors, [
///     Author {
///         id: 1,
///         profile: Some(Profile { bio: "engines".into(), site: None }),
///         books: vec![Book { title: "Notes".into() }, Book { title: "Letters".into() }],
///     },
///     Author { id: 2, profile: None, books: vec![] },
/// ]);
///
/// // the same tree, built by the server:
/// // SELECT a.id, (SELECT json_agg(b ORDER BY b.id) FROM book b WHERE …) AS books …
/// #[derive(Deserialize, Debug, PartialEq)]
/// struct JsonBook { title: String }
///
/// #[derive(FromRow, Debug, PartialEq)]
/// struct JsonAuthor { id: i64, #[pg(json(nullable))] books: Vec<JsonBook> }
///
/// let desc = [Column::new("id", Type::INT8, Format::Text), Column::new("books", Type::JSON, Format::Text)];
/// let plan = JsonAuthor::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
/// let row: [Option<&[u8]>; 2] = [Some(b"1"), Some(br#"[{"title": "Notes"}]"#)];
/// let author = JsonAuthor::from_row(&plan, &row[..]).unwrap();
/// assert_eq!(author.books, [JsonBook { title: "Notes".into() }]);
/// let row: [Option<&[u8]>; 2] = [Some(b"2"), None]; // json_agg over no rows is NULL
/// assert_eq!(JsonAuthor::from_row(&plan, &row[..]).unwrap().books, []);
/// ```
pub use pgcast_macros::FromRow;

/// Derives [`row::ToRow`]: the struct's column names, as a static list, and
/// its values, for multi-row `VALUES` and `COPY`.
///
/// Column names follow `rename` and `rename_all`; a `flatten` field adds its
/// type's columns (with its `prefix`); `skip` fields are left out; `json`
/// fields are written through [`types::Json`] (so `None` in a
/// `json(nullable)` field is written as JSON `null`, which loads back as
/// `None`); a `redact` field is written as it is and shown as
/// `'<redacted>'` in query logs (as `exec::Redacted` does; also on
/// `PgComposite` fields). Other field attributes do not change writing: a `try_from` or
/// `with` field is written as its own type. Needs named fields, each `Dump +
/// Sync`; flattening is not available in structs with type parameters.
///
/// ```
/// use pgcast::{Policy, ToRow, Type};
///
/// #[derive(ToRow)]
/// #[pg(rename_all = "SCREAMING_SNAKE_CASE")]
/// struct Point { x: i32, y: i32, #[pg(skip)] label: String }
///
/// assert_eq!(Point::columns(), ["X", "Y"]);
/// let p = Point { x: 1, y: 2, label: String::new() };
/// assert_eq!(p.pg_types(&Policy::DEFAULT), [Type::INT4, Type::INT4]);
/// ```
pub use pgcast_macros::ToRow;

/// Derives [`Load`], [`Dump`], [`StaticType`] and [`row::Scalar`] for a
/// struct with named fields as a PostgreSQL composite type, in both wire
/// formats.
///
/// Fields are matched to the type's attributes **by name**, in any order;
/// the attributes come from the value's [`Type`] (`Kind::Composite`), which
/// tokio-postgres fetches itself and [`typeinfo`] builds from the catalogue.
/// A missing or extra attribute, or a field type that cannot load its
/// attribute's type, is an error when a column is checked (once per column),
/// naming the attributes. Fields may be any `Load + Dump + StaticType` type
/// that borrows nothing: `Option<T>` for NULLs, nested composites, arrays,
/// enums. `Vec<T>` of a composite is an array of it. A value is one column,
/// so a composite is also a row type of one column (it is a
/// [`row::Scalar`]); do not derive [`FromRow`](macro@FromRow) on the same
/// struct.
///
/// Its [`StaticType`] is the named type with OID 0 (OIDs differ per
/// database) and the fields' static types as attributes: a statement's
/// declared parameter type always wins, so this only matters for untyped
/// parameters, where the server infers the type, or for literal casts by
/// name. Written into `record` or an unknown type, fields go in declaration
/// order as their own types.
///
/// Attributes, under `#[pg(...)]` (PgEnum takes the same, on variants):
///
/// | where | attribute | meaning |
/// | --- | --- | --- |
/// | type | `name = "schema.type"` | the PostgreSQL type's name in SQL syntax: `mood`, `app.mood`, `"\"Other Schema\".\"My Type\""`; read as PostgreSQL reads it ([`adapt::TypeName::parse`]): unquoted parts fold to lower case (`App.Mood` is `app.mood`), quoted ones keep their case. Default: the Rust name in snake_case, in `public` |
/// | type | `rename_all = "rule"` | attribute names (labels, for PgEnum) from field (variant) names, by the rules of [`FromRow`](macro@FromRow) |
/// | type | `crate = "path"` | where pgcast is, if not `::pgcast` |
/// | field | `rename = "name"` | the attribute's name |
///
/// ```
/// use pgcast::types::composite::composite_type;
/// use pgcast::{Ctx, Dump, Load, PgComposite, PgEnum, Policy, StaticType, Type};
///
/// #[derive(PgComposite, Debug, PartialEq)]
/// #[pg(name = "\"Other Schema\".\"My Type\"", rename_all = "camelCase")]
/// struct Item { item_id: i32, label: Option<String> }
///
/// // the type as the server describes it (tokio-postgres or typeinfo)
/// let ty = composite_type("Other Schema", "My Type", vec![("label", Type::TEXT), ("itemId", Type::INT4)]);
/// let ctx = Ctx::text(&ty);
/// let item = Item::load(&ctx, br#"("a b",7)"#).unwrap();
/// assert_eq!(item, Item { item_id: 7, label: Some("a b".into()) });
///
/// let mut out = bytes::BytesMut::new();
/// item.dump(&ctx, &mut out).unwrap();
/// assert_eq!(&out[..], br#"("a b",7)"#);
/// assert_eq!(Item::static_type(&Policy::DEFAULT).name(), "My Type");
/// ```
pub use pgcast_macros::PgComposite;

/// Derives [`Load`], [`Dump`], [`StaticType`] and [`row::Scalar`] for an
/// enum of unit variants as a PostgreSQL enum: each variant is a label
/// (its name, or `rename`, or the container's `rename_all` rule), in both
/// wire formats. `name` and `crate` work as for
/// [`PgComposite`](macro@PgComposite); `Vec<T>` is an array of the enum.
///
/// The label rule: `check` requires every variant's label to exist in the
/// server's enum (else a value could be written that the server rejects);
/// labels the server has beyond the variants are allowed, since
/// `ALTER TYPE … ADD VALUE` must not break deployed programs, and a value
/// carrying one is an [`ErrorKind::OutOfRange`] error naming the label and
/// the labels the Rust type knows. `text` and `varchar` columns load and
/// take labels too.
///
/// ```
/// use pgcast::types::enums::enum_type;
/// use pgcast::{Ctx, Load, PgEnum};
///
/// #[derive(PgEnum, Debug, PartialEq)]
/// #[pg(name = "app.mood", rename_all = "lowercase")]
/// enum Mood { Sad, Ok, #[pg(rename = "it's fine")] Fine }
///
/// let ty = enum_type("app", "mood", &["sad", "ok", "it's fine", "happy"]);
/// assert_eq!(Mood::load(&Ctx::binary(&ty), b"it's fine").unwrap(), Mood::Fine);
/// assert!(<Mood as Load>::check(&Ctx::binary(&ty)).is_ok());
/// assert_eq!(
///     Mood::load(&Ctx::binary(&ty), b"happy").unwrap_err().message(),
///     "unknown enum label \"happy\"; expected one of \"sad\", \"ok\", \"it's fine\""
/// );
/// ```
pub use pgcast_macros::PgEnum;

/// Derives [`Load`], [`Dump`], [`StaticType`] and [`row::Scalar`] for a
/// struct of exactly one field (a newtype, tuple or named) by delegating to
/// the field's type. Domains are looked through
/// ([`types::domain_base`]): a newtype over `i32` loads and dumps a domain
/// over `int4`. Takes no attributes but `crate`.
///
/// ```
/// use pgcast::{Ctx, Kind, Load, PgTransparent, Type};
///
/// #[derive(PgTransparent, Debug, PartialEq)]
/// struct UserId(i64);
///
/// let posint = Type::new("posint".into(), 90_001, Kind::Domain(Type::INT4), "public".into());
/// assert_eq!(UserId::load(&Ctx::text(&posint), b"42").unwrap(), UserId(42));
/// ```
pub use pgcast_macros::PgTransparent;
