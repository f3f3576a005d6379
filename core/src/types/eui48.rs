//! `eui48` 1 (feature `eui48`): `MacAddress` as `macaddr`, through
//! [`MacAddr`].
//!
//! ```
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let mac = eui48::MacAddress::load(&Ctx::text(&Type::MACADDR), b"08:00:2b:01:02:03").unwrap();
//! assert_eq!(mac.to_array(), [8, 0, 0x2b, 1, 2, 3]);
//! ```

use ::eui48::MacAddress;

use super::macaddr::MacAddr;
use super::via::via_own;

via_own!(
    MacAddress,
    MacAddr,
    |_ctx, o| Ok(MacAddress::new(o.0)),
    |v| MacAddr(v.to_array())
);
