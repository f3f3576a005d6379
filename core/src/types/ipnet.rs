//! `ipnet` 2 (feature `ipnet`): `IpNet`, `Ipv4Net` and `Ipv6Net` as `inet`
//! and `cidr`, through [`Inet`]: the address and prefix length as they are
//! (host bits kept, as `inet` keeps them; a `cidr` parameter with host bits
//! is an error, never silently masked).
//!
//! ```
//! use ipnet::IpNet;
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let net = IpNet::load(&Ctx::text(&Type::CIDR), b"10.1.0.0/16").unwrap();
//! assert_eq!(net, "10.1.0.0/16".parse::<IpNet>().unwrap());
//! ```

use std::net::IpAddr;

use ::ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::network::Inet;
use super::via::via_own;
use crate::{Error, Result};

fn to_inet(addr: IpAddr, prefix: u8) -> Result<Inet> {
    Inet::new(addr, prefix)
}

via_own!(
    IpNet,
    Inet,
    |ctx, o| IpNet::new(o.addr(), o.prefix())
        .map_err(|e| Error::out_of_range::<IpNet>(ctx.ty, e.to_string())),
    |v| to_inet(v.addr(), v.prefix_len())?
);

via_own!(
    Ipv4Net,
    Inet,
    |ctx, o| match o.addr() {
        IpAddr::V4(a) => Ipv4Net::new(a, o.prefix())
            .map_err(|e| Error::out_of_range::<Ipv4Net>(ctx.ty, e.to_string())),
        IpAddr::V6(_) => Err(Error::out_of_range::<Ipv4Net>(
            ctx.ty,
            format!("{o} is an IPv6 network; load IpNet"),
        )),
    },
    |v| to_inet(IpAddr::V4(v.addr()), v.prefix_len())?
);

via_own!(
    Ipv6Net,
    Inet,
    |ctx, o| match o.addr() {
        IpAddr::V6(a) => Ipv6Net::new(a, o.prefix())
            .map_err(|e| Error::out_of_range::<Ipv6Net>(ctx.ty, e.to_string())),
        IpAddr::V4(_) => Err(Error::out_of_range::<Ipv6Net>(
            ctx.ty,
            format!("{o} is an IPv4 network; load IpNet"),
        )),
    },
    |v| to_inet(IpAddr::V6(v.addr()), v.prefix_len())?
);
