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

/// A second item named `Debug`, so that the compiler names the trait by
/// its full path whatever else the crate graph holds (it shortens a name
/// only when one item in the whole graph has it, and the optional
/// features change that).
#[allow(dead_code)]
struct Debug;

fn main() {
    let v = Secret;
    let _ = pgcast::sql!("SELECT {v}");
}
