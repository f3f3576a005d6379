//! `mac_address` 1 (feature `mac_address`): `MacAddress` as `macaddr`,
//! through [`MacAddr`].
//!
//! ```
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let mac = mac_address::MacAddress::load(&Ctx::text(&Type::MACADDR), b"08:00:2b:01:02:03").unwrap();
//! assert_eq!(mac.bytes(), [8, 0, 0x2b, 1, 2, 3]);
//! ```

use ::mac_address::MacAddress;

use super::macaddr::MacAddr;
use super::via::via_own;

via_own!(
    MacAddress,
    MacAddr,
    |_ctx, o| Ok(MacAddress::new(o.0)),
    |v| MacAddr(v.bytes())
);
