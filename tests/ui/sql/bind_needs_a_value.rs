use bytes::BytesMut;
use pgcast::{Ctx, Dump, IsNull, Policy, Result, Type};

/// Dumps, but has no `Debug`: a bound value must print in logs and errors.
#[derive(Clone)]
struct Secret;

impl Dump for Secret {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::TEXT
    }

    fn dump(&self, _: &Ctx<'_>, _: &mut BytesMut) -> Result<IsNull> {
        Ok(IsNull::Yes)
    }
}

fn main() {
    let v = Secret;
    let _ = pgcast::sql!("SELECT {v}");
}
