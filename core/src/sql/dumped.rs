//! [`Dumped`]: a value already written as wire bytes, so that borrowed row
//! values ([`ToRow`]) can be bound after the row is gone.

use std::fmt;

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use crate::row::ToRow;
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Policy, Result};

/// A value dumped once, kept as its bytes and type: what a [`ToRow`] row's
/// fields become when they are bound as parameters (`Values::from_rows`,
/// batches). It writes its bytes again whatever the number of times it is
/// sent.
///
/// Values of built-in types are kept in binary as their own type. Values of
/// types whose OID differs per database (derived composites and enums,
/// arrays of them) are kept in text and sent untyped, as a string is: the
/// server reads them as whatever type the statement needs, so no catalogue
/// look-up is needed.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Dumped, Sql};
/// use pgcast_core::{Policy, Type};
///
/// let v = Dumped::new(&42_i32, &Policy::DEFAULT).unwrap();
/// assert_eq!(v.ty(), &Type::INT4);
/// assert_eq!(v.bytes(), Some(&[0, 0, 0, 42][..]));
/// let r = (Sql::new("SELECT ") + bind(v)).render().unwrap();
/// assert_eq!(r.params()[0].pg_type(), Some(&Type::INT4));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Dumped {
    ty: Type,
    format: Format,
    bytes: Option<Box<[u8]>>,
}

impl Dumped {
    /// Dumps `value` under `policy`.
    pub fn new(value: &(impl Dump + ?Sized), policy: &Policy) -> Result<Dumped> {
        Dumped::of_type(value, value.pg_type(policy), policy)
    }

    /// Dumps `value` as `ty` (which its [`StaticType`](crate::StaticType)
    /// or its own `pg_type` gave).
    fn of_type(value: &(impl Dump + ?Sized), ty: Type, policy: &Policy) -> Result<Dumped> {
        let format = if keeps_binary(&ty) {
            Format::Binary
        } else {
            Format::Text
        };
        let mut out = BytesMut::new();
        let ctx = Ctx {
            ty: &ty,
            format,
            policy,
            scope: None,
        };
        let bytes = match value.dump(&ctx, &mut out)? {
            IsNull::Yes => None,
            IsNull::No => Some(out.to_vec().into_boxed_slice()),
        };
        Ok(Dumped { ty, format, bytes })
    }

    /// Dumps every value of `row`, in column order.
    ///
    /// ```
    /// use pgcast_core::row::ToRow;
    /// use pgcast_core::sql::Dumped;
    /// use pgcast_core::{Dump, Policy, Result, Type};
    ///
    /// struct P(i64, Option<String>);
    /// impl ToRow for P {
    ///     fn columns() -> &'static [&'static str] { &["n", "s"] }
    ///     fn visit_values(&self, v: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
    ///         v(&self.0)?;
    ///         v(&self.1)
    ///     }
    /// }
    /// let values = Dumped::row(&P(1, None), &Policy::DEFAULT).unwrap();
    /// assert_eq!(values[1].bytes(), None);
    /// assert_eq!(values[1].ty(), &Type::TEXT);
    /// ```
    pub fn row<R: ToRow + ?Sized>(row: &R, policy: &Policy) -> Result<Vec<Dumped>> {
        let mut values = Vec::with_capacity(R::columns().len());
        row.visit_values(&mut |value| {
            let index = values.len();
            let column = R::columns().get(index).copied().unwrap_or("?");
            let dumped = Dumped::new(value, policy).map_err(|e| in_column(e, index, column))?;
            values.push(dumped);
            Ok(())
        })?;
        Ok(values)
    }

    /// The type the value was dumped as.
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// The bytes; `None` for NULL.
    pub fn bytes(&self) -> Option<&[u8]> {
        self.bytes.as_deref()
    }

    /// The format of the bytes.
    pub fn format(&self) -> Format {
        self.format
    }
}

/// Whether values of `ty` are kept in binary: built-in types, whose OID is
/// the same in every database. Text is kept as text either way, and sent
/// untyped like any string.
fn keeps_binary(ty: &Type) -> bool {
    ty.oid() != 0 && *ty != Type::UNKNOWN && *ty != Type::TEXT
}

/// Adds the column a row value came from to its error.
pub(crate) fn in_column(err: Error, index: usize, column: &str) -> Error {
    if err.column().is_some() {
        err
    } else {
        err.with_column(index, column)
    }
}

impl Dump for Dumped {
    /// The dumped type; text values claim `text`, which sends them untyped
    /// for the server to read as the type the statement needs.
    fn pg_type(&self, _: &Policy) -> Type {
        match self.format {
            Format::Binary => self.ty.clone(),
            Format::Text => Type::TEXT,
        }
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let Some(bytes) = &self.bytes else {
            return Ok(IsNull::Yes);
        };
        let same_type = ctx.ty.oid() == self.ty.oid()
            || ctx.ty.oid() == 0
            || matches!(ctx.ty.kind(), Kind::Domain(base) if base.oid() == self.ty.oid());
        if ctx.format != self.format || (self.format == Format::Binary && !same_type) {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!(
                    "a value dumped as {} ({:?}) cannot be sent as {} ({:?}); \
                     bind the value itself",
                    self.ty.name(),
                    self.format,
                    ctx.ty.name(),
                    ctx.format
                ),
            )
            .with_pg_type(ctx.ty));
        }
        out.put_slice(bytes);
        Ok(IsNull::No)
    }
}

impl fmt::Debug for Dumped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.bytes, self.format) {
            (None, _) => write!(f, "NULL::{}", self.ty.name()),
            (Some(b), Format::Text) => {
                write!(f, "{:?}::{}", String::from_utf8_lossy(b), self.ty.name())
            }
            (Some(b), Format::Binary) => write!(f, "<{} bytes>::{}", b.len(), self.ty.name()),
        }
    }
}
