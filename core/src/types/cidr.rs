//! `cidr` 0.3 (feature `cidr`): `IpInet` (an address in a network) as
//! `inet`, `IpCidr` (a network, no host bits) as `cidr` and `inet`, through
//! [`Inet`]. Loading into `IpCidr` a value with host bits is an error naming
//! `IpInet`.
//!
//! ```
//! use cidr::{IpCidr, IpInet};
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let net = IpCidr::load(&Ctx::text(&Type::CIDR), b"10.1.0.0/16").unwrap();
//! assert_eq!(net.to_string(), "10.1.0.0/16");
//! let host = IpInet::load(&Ctx::text(&Type::INET), b"10.1.2.3/16").unwrap();
//! assert_eq!(host.address().to_string(), "10.1.2.3");
//! assert!(IpCidr::load(&Ctx::text(&Type::INET), b"10.1.2.3/16").is_err());
//! ```

use ::cidr::{IpCidr, IpInet};

use super::network::Inet;
use super::via::via_own;
use crate::Error;

via_own!(
    IpInet,
    Inet,
    |ctx, o| IpInet::new(o.addr(), o.prefix())
        .map_err(|e| Error::out_of_range::<IpInet>(ctx.ty, e.to_string())),
    |v| Inet::new(v.address(), v.network_length())?
);

via_own!(
    IpCidr,
    Inet,
    |ctx, o| IpCidr::new(o.addr(), o.prefix()).map_err(|e| {
        Error::out_of_range::<IpCidr>(
            ctx.ty,
            format!(
                "{o} is not a network ({e}); load cidr::IpInet for an address with its network"
            ),
        )
    }),
    |v| Inet::new(v.first_address(), v.network_length())?
);
