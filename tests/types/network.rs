//! inet, cidr, macaddr, macaddr8 and uuid.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use pgcast::bridge::{Param, Raw};
use pgcast::types::{Inet, MacAddr, MacAddr8};
use pgcast::{Ctx, ErrorKind, Format, Load, Policy, Type};
use uuid::Uuid;

use crate::support::{connect, dumped_text, load_both, test_type_printed as check};

fn inet(s: &str, prefix: u8) -> Inet {
    Inet::new(s.parse().unwrap(), prefix).unwrap()
}

#[tokio::test]
async fn inet_round_trips() {
    let c = connect().await;
    check(
        &c,
        "inet",
        &Type::INET,
        &[
            (inet("192.168.0.1", 32), "'192.168.0.1'"),
            (inet("192.168.0.1", 24), "'192.168.0.1/24'"),
            (inet("0.0.0.0", 0), "'0.0.0.0/0'"),
            (inet("255.255.255.255", 32), "'255.255.255.255/32'"),
            (inet("10.1.0.0", 16), "'10.1/16'"),
            (inet("::", 0), "'::/0'"),
            (inet("::", 128), "'::'"),
            (inet("::1", 128), "'::1/128'"),
            (inet("2001:db8::1", 64), "'2001:DB8:0:0:0:0:0:1/64'"),
            (inet("::ffff:1.2.3.4", 128), "'::ffff:1.2.3.4'"),
            (inet("::ffff:1.2.3.4", 120), "'::ffff:102:304/120'"),
            (inet("::1.2.3.4", 128), "'::1.2.3.4'"),
            (inet("::1:0", 128), "'::1:0'"),
            (inet("::2", 128), "'::2'"),
            (inet("1:0:0:2:0:0:0:3", 128), "'1:0:0:2:0:0:0:3'"),
            (inet("1:0:0:2:0:0:3:4", 127), "'1:0:0:2:0:0:3:4/127'"),
            (inet("1:2:3:4:5:6:7:0", 128), "'1:2:3:4:5:6:7:0'"),
            (inet("1:2:3:4:5:6::", 1), "'1:2:3:4:5:6::/1'"),
            (inet("fe80::abcd:ef01", 10), "'fe80::abcd:ef01/10'"),
        ],
    )
    .await;
}

#[tokio::test]
async fn cidr_round_trips() {
    let c = connect().await;
    check(
        &c,
        "cidr",
        &Type::CIDR,
        &[
            (inet("0.0.0.0", 0), "'0.0.0.0/0'"),
            (inet("10.0.0.0", 8), "'10'"),
            (inet("192.168.1.0", 24), "'192.168.1'"),
            (inet("1.2.3.4", 32), "'1.2.3.4'"),
            (inet("128.0.0.0", 1), "'128/1'"),
            (inet("::", 0), "'::/0'"),
            (inet("2001:db8::", 32), "'2001:db8::/32'"),
            (inet("::1", 128), "'::1'"),
            (inet("::ffff:1.2.3.0", 120), "'::ffff:1.2.3.0/120'"),
        ],
    )
    .await;
    // a value with host bits cannot be a cidr: refused before the server
    let host = inet("10.0.0.1", 8);
    for format in [Format::Binary, Format::Text] {
        let err = c
            .query_one("SELECT $1::cidr", &[&Param::new(&host, format)])
            .await
            .unwrap_err();
        let cause = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<pgcast::Error>());
        assert_eq!(
            cause.map(pgcast::Error::kind),
            Some(ErrorKind::OutOfRange),
            "{err}"
        );
    }
}

#[tokio::test]
async fn bare_addresses() {
    let c = connect().await;
    check(
        &c,
        "inet",
        &Type::INET,
        &[
            (IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)), "'127.0.0.1'"),
            (IpAddr::V6(Ipv6Addr::LOCALHOST), "'::1'"),
            (
                IpAddr::V6("::ffff:10.0.0.1".parse().unwrap()),
                "'::ffff:10.0.0.1'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "inet",
        &Type::INET,
        &[(Ipv4Addr::new(10, 0, 0, 1), "'10.0.0.1/32'")],
    )
    .await;
    check(
        &c,
        "inet",
        &Type::INET,
        &[("2001:db8::8".parse::<Ipv6Addr>().unwrap(), "'2001:db8::8'")],
    )
    .await;

    let sql = "SELECT '10.0.0.1/8'::inet";
    for r in load_both::<IpAddr>(&c, sql, &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::Lossy);
    }
    let lossy = Policy {
        lossy: true,
        ..Policy::DEFAULT
    };
    for r in load_both::<IpAddr>(&c, sql, &lossy).await {
        assert_eq!(r.unwrap(), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    }
    for r in load_both::<Ipv4Addr>(&c, "SELECT '::1'::inet", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange);
    }
}

/// A deterministic spread of addresses, biased to zero runs and IPv4 tails.
fn addresses(count: usize) -> Vec<Inet> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            if next() % 4 == 0 {
                let addr = Ipv4Addr::from(next() as u32);
                Inet::new(addr.into(), (next() % 33) as u8).unwrap()
            } else {
                let mut words = [0u16; 8];
                for w in &mut words {
                    *w = match next() % 4 {
                        0 | 1 => 0,
                        2 => 0xffff,
                        _ => next() as u16,
                    };
                }
                let addr = Ipv6Addr::from(words);
                Inet::new(addr.into(), (next() % 129) as u8).unwrap()
            }
        })
        .collect()
}

#[tokio::test]
async fn arbitrary_addresses_print_like_the_server() {
    let c = connect().await;
    let stmt = c
        // format('%s') prints with the output function, as a text result
        // does; the cast inet::text always shows the prefix (network_show)
        .prepare(
            "SELECT $1::inet, format('%s', $1::inet), network($1::inet), \
             format('%s', network($1::inet))",
        )
        .await
        .unwrap();
    for value in addresses(400) {
        for format in [Format::Binary, Format::Text] {
            let row = c
                .query_one(&stmt, &[&Param::new(&value, format)])
                .await
                .unwrap_or_else(|e| panic!("{value}: {e}"));
            let raw: Raw = row.get(0);
            let back = Inet::load(&Ctx::binary(&Type::INET), raw.0.unwrap()).unwrap();
            assert_eq!(back, value);
            let printed: String = row.get(1);
            assert_eq!(value.to_string(), printed);
            assert_eq!(
                Inet::load(&Ctx::text(&Type::INET), printed.as_bytes()).unwrap(),
                value
            );

            let raw: Raw = row.get(2);
            let net = Inet::load(&Ctx::binary(&Type::CIDR), raw.0.unwrap()).unwrap();
            assert_eq!(net, value.network());
            let printed: String = row.get(3);
            assert_eq!(dumped_text(&net, &Type::CIDR), printed);
            assert_eq!(
                Inet::load(&Ctx::text(&Type::CIDR), printed.as_bytes()).unwrap(),
                net
            );
        }
    }
}

const MAC: MacAddr = MacAddr([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03]);

#[tokio::test]
async fn macaddr_round_trips() {
    let c = connect().await;
    check(
        &c,
        "macaddr",
        &Type::MACADDR,
        &[
            (MAC, "'08:00:2b:01:02:03'"),
            (MacAddr([0; 6]), "'00:00:00:00:00:00'"),
            (MacAddr([0xff; 6]), "'FF-FF-FF-FF-FF-FF'"),
        ],
    )
    .await;
    check(
        &c,
        "macaddr8",
        &Type::MACADDR8,
        &[
            (
                MacAddr8([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03, 0x04, 0x05]),
                "'08:00:2b:01:02:03:04:05'",
            ),
            (MacAddr8::from(MAC), "'08:00:2b:01:02:03'"),
            (MacAddr8([0xff; 8]), "'ffff.ffff.ffff.ffff'"),
        ],
    )
    .await;
}

#[tokio::test]
async fn mac_input_forms_agree_with_the_server() {
    let c = connect().await;
    for form in [
        "08:00:2b:01:02:03",
        "08-00-2b-01-02-03",
        "08002b:010203",
        "08002b-010203",
        "0800.2b01.0203",
        "0800-2b01-0203",
        "08002b010203",
        "8:0:2B:1:2:3",
    ] {
        let [b, _] =
            load_both::<MacAddr>(&c, &format!("SELECT '{form}'::macaddr"), &Policy::DEFAULT).await;
        assert_eq!(b.unwrap(), MAC, "{form}");
        assert_eq!(form.parse::<MacAddr>().unwrap(), MAC, "{form}");
    }
    for form in [
        "08:00:2b:01:02:03:04:05",
        "08-00-2b-01-02-03-04-05",
        "08002b:0102030405",
        "0800.2b01.0203.0405",
        "08002b0102030405",
        "08:00:2b:01:02:03",
    ] {
        let [b, _] =
            load_both::<MacAddr8>(&c, &format!("SELECT '{form}'::macaddr8"), &Policy::DEFAULT)
                .await;
        assert_eq!(b.unwrap(), form.parse::<MacAddr8>().unwrap(), "{form}");
    }
    // macaddr widens into macaddr8 as the server's cast does
    let [b, t] = load_both::<MacAddr8>(
        &c,
        "SELECT '08:00:2b:01:02:03'::macaddr::macaddr8",
        &Policy::DEFAULT,
    )
    .await;
    assert_eq!(b.unwrap(), MacAddr8::from(MAC));
    assert_eq!(t.unwrap(), MacAddr8::from(MAC));
    for r in
        load_both::<MacAddr8>(&c, "SELECT '08:00:2b:01:02:03'::macaddr", &Policy::DEFAULT).await
    {
        assert_eq!(r.unwrap(), MacAddr8::from(MAC));
    }
}

#[tokio::test]
async fn uuid_round_trips() {
    let c = connect().await;
    let id = Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap();
    check(
        &c,
        "uuid",
        &Type::UUID,
        &[
            (id, "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
            (id, "'{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}'"),
            (id, "'a0eebc999c0b4ef8bb6d6bb9bd380a11'"),
            (id, "'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'"),
            (Uuid::nil(), "'00000000-0000-0000-0000-000000000000'"),
            (Uuid::max(), "'ffffffff-ffff-ffff-ffff-ffffffffffff'"),
        ],
    )
    .await;
    // the server's input forms parse here too
    for form in [
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11",
    ] {
        assert_eq!(
            Uuid::load(&Ctx::text(&Type::UUID), form.as_bytes()).unwrap(),
            id
        );
    }
}
