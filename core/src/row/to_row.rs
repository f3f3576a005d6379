//! [`ToRow`]: a Rust value written as one row, for multi-row `VALUES` and
//! `COPY`.

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, ErrorKind, IsNull, Policy, Result};

/// A Rust value written as one row: a static list of column names and a
/// visit of the values in the same order.
///
/// Usually derived (`#[derive(ToRow)]` in the `pgcast` crate): the column
/// names follow `rename`, `rename_all` and flattening with a prefix, `skip`
/// fields are left out, and `json` fields are written through
/// [`Json`](crate::types::Json).
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::row::ToRow;
/// use pgcast_core::{Ctx, Dump, Result, Type};
///
/// struct Point { x: i32, y: i32 }
///
/// impl ToRow for Point {
///     fn columns() -> &'static [&'static str] {
///         &["x", "y"]
///     }
///     fn visit_values(&self, visit: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
///         visit(&self.x)?;
///         visit(&self.y)
///     }
/// }
///
/// let mut out = BytesMut::new();
/// let int4 = Ctx::text(&Type::INT4);
/// Point { x: 1, y: -2 }.dump_row(&[int4, int4], &mut out).unwrap();
/// assert_eq!(&out[..], b"\0\0\0\x011\0\0\0\x02-2");
/// ```
pub trait ToRow {
    /// The column names, in the order the values are visited.
    fn columns() -> &'static [&'static str];

    /// Calls `visit` with each value, in column order; stops at the first
    /// error.
    fn visit_values(&self, visit: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()>;

    /// The PostgreSQL types of the columns without a value, in column
    /// order: each field's [`StaticType`](crate::StaticType) (what an empty
    /// batch needs to be typed, and what [`Unnest`](crate::sql::Unnest)
    /// casts its arrays to). `None` when the row type cannot say; the
    /// derive always can.
    fn static_types(policy: &Policy) -> Option<Vec<Type>> {
        let _ = policy;
        None
    }

    /// The types the values are sent as when the statement does not fix
    /// them, in column order.
    fn pg_types(&self, policy: &Policy) -> Vec<Type> {
        let mut types = Vec::with_capacity(Self::columns().len());
        // Collecting types cannot fail.
        let _ = self.visit_values(&mut |value| {
            types.push(value.pg_type(policy));
            Ok(())
        });
        types
    }

    /// Writes the values as the target columns' types and formats, each as
    /// a 4-byte big-endian length then the bytes (-1 and no bytes for NULL):
    /// the field layout of binary `COPY` rows and of the protocol's Bind
    /// message. `ctxs` has one context per column.
    fn dump_row(&self, ctxs: &[Ctx<'_>], out: &mut BytesMut) -> Result<()> {
        let mut index = 0;
        self.visit_values(&mut |value| {
            let Some(ctx) = ctxs.get(index) else {
                return Err(count_mismatch(Self::columns().len(), ctxs.len()));
            };
            index += 1;
            let start = out.len();
            out.put_i32(0);
            let len = match value.dump(ctx, out)? {
                IsNull::Yes => {
                    out.truncate(start + 4);
                    -1
                }
                IsNull::No => {
                    let written = out.len() - start - 4;
                    i32::try_from(written).map_err(|_| {
                        Error::new(
                            ErrorKind::OutOfRange,
                            format!("a value of {written} bytes is over the 1 GB field limit"),
                        )
                        .with_pg_type(ctx.ty)
                    })?
                }
            };
            out[start..start + 4].copy_from_slice(&len.to_be_bytes());
            Ok(())
        })?;
        if index == ctxs.len() {
            Ok(())
        } else {
            Err(count_mismatch(index, ctxs.len()))
        }
    }
}

macro_rules! forward_to_row {
    ($($ptr:ty),*) => {$(
        impl<T: ToRow + ?Sized> ToRow for $ptr {
            fn columns() -> &'static [&'static str] {
                T::columns()
            }

            fn static_types(policy: &Policy) -> Option<Vec<Type>> {
                T::static_types(policy)
            }

            fn visit_values(
                &self,
                visit: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>,
            ) -> Result<()> {
                (**self).visit_values(visit)
            }
        }
    )*};
}

forward_to_row!(&T, Box<T>, std::sync::Arc<T>);

#[cold]
fn count_mismatch(values: usize, ctxs: usize) -> Error {
    Error::new(
        ErrorKind::WrongType,
        format!("the row has {values} values but {ctxs} target columns were given"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pair(i64, Option<String>);

    impl ToRow for Pair {
        fn columns() -> &'static [&'static str] {
            &["n", "s"]
        }

        fn visit_values(
            &self,
            visit: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>,
        ) -> Result<()> {
            visit(&self.0)?;
            visit(&self.1)
        }
    }

    #[test]
    fn dumps_with_lengths_and_nulls() {
        let mut out = BytesMut::new();
        let ctxs = [Ctx::binary(&Type::INT2), Ctx::binary(&Type::TEXT)];
        Pair(3, None).dump_row(&ctxs, &mut out).unwrap();
        assert_eq!(&out[..], b"\0\0\0\x02\0\x03\xff\xff\xff\xff");
        out.clear();
        Pair(3, Some("é".into())).dump_row(&ctxs, &mut out).unwrap();
        assert_eq!(&out[..], b"\0\0\0\x02\0\x03\0\0\0\x02\xc3\xa9");
        assert_eq!(
            Pair(1, None).pg_types(&Policy::DEFAULT),
            [Type::INT8, Type::TEXT]
        );
    }

    #[test]
    fn wrong_counts_and_bad_values_are_errors() {
        let mut out = BytesMut::new();
        let err = Pair(3, None)
            .dump_row(&[Ctx::binary(&Type::INT8)], &mut out)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "type mismatch: the row has 2 values but 1 target columns were given"
        );
        let three = [Ctx::binary(&Type::INT8); 3];
        assert_eq!(
            Pair(3, None).dump_row(&three, &mut out).unwrap_err().kind(),
            ErrorKind::WrongType
        );
        let err = Pair(70_000, None)
            .dump_row(
                &[Ctx::binary(&Type::INT2), Ctx::binary(&Type::TEXT)],
                &mut out,
            )
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
    }
}
