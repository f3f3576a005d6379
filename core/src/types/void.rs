//! `void`, what functions that return nothing give, as `()`.
//!
//! Both formats are empty.
//!
//! ```
//! use pgcast_core::{Ctx, Load, Type};
//! let () = <()>::load(&Ctx::binary(&Type::VOID), b"").unwrap();
//! assert!(<()>::load(&Ctx::binary(&Type::INT4), b"").is_err());
//! ```

use bytes::BytesMut;
use postgres_types::Type;

use crate::{Ctx, Dump, Error, IsNull, Load, Policy, Result, StaticType};

impl Load<'_> for () {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::VOID => Ok(()),
            _ => Err(Error::wrong_type::<()>(ctx.ty)),
        }
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<()> {
        <() as Load>::check(ctx)?;
        if raw.is_empty() {
            Ok(())
        } else {
            Err(
                Error::malformed(ctx.ty, format!("{} bytes in a void", raw.len()))
                    .with_rust_type::<()>(),
            )
        }
    }
}

impl Dump for () {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::VOID
    }

    fn dump(&self, ctx: &Ctx<'_>, _: &mut BytesMut) -> Result<IsNull> {
        <() as Load>::check(ctx)?;
        Ok(IsNull::No)
    }
}

impl StaticType for () {
    fn static_type(_: &Policy) -> Type {
        Type::VOID
    }
}
