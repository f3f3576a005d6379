//! What every fuzz target checks: loading arbitrary bytes never panics, and
//! whatever loads dumps back to bytes that load to the same value.

use std::fmt::Debug;

use bytes::BytesMut;
use pgcast_core::{Ctx, Dump, Format, LoadOwned, Type};

/// Splits the fuzzer's input into a choice byte and the value's bytes.
pub fn split(data: &[u8]) -> Option<(u8, Format, &[u8])> {
    let (&choice, raw) = data.split_first()?;
    let format = if choice & 0x80 == 0 { Format::Binary } else { Format::Text };
    Some((choice & 0x7f, format, raw))
}

/// Loads `raw` as `T`; on success the value must survive dump → load.
pub fn round_trip<T>(ty: &Type, format: Format, raw: &[u8])
where
    T: LoadOwned + Dump + PartialEq + Debug,
{
    let ctx = Ctx::new(ty, format);
    let Ok(value) = T::load(&ctx, raw) else { return };
    let mut out = BytesMut::new();
    match value.dump(&ctx, &mut out) {
        Ok(_) => {
            let again = T::load(&ctx, &out)
                .unwrap_or_else(|e| panic!("{value:?} dumped as {out:?} does not load back: {e}"));
            assert_eq!(again, value, "round trip changed the value (dumped as {out:?})");
        }
        // Some values load but cannot be written to this very type (a
        // lossy policy question, a NUL): an error is fine, a panic is not.
        Err(_) => {}
    }
}

/// Loads `raw` as `T` and only checks that nothing panics.
pub fn load_only<T: LoadOwned>(ty: &Type, format: Format, raw: &[u8]) {
    let _ = T::load(&Ctx::new(ty, format), raw);
}
