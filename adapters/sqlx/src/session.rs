//! Sessions per physical connection, also behind a `PgPool`.
//!
//! sqlx gives no way to attach state to a connection, and a pool hands out
//! its connections in any order. What sqlx does keep per connection is its
//! statement cache, keyed by SQL text, answered without a round trip. So
//! each connection carries a *tag*: one statement, [`TAG_SQL`], prepared
//! once with parameter types that spell a session number (eight parameters,
//! four bits each). Preparing it again returns sqlx's cached description,
//! and with it the number, for free; a connection that never had it (or
//! lost it: sqlx evicted it, or its cache is off) is prepared with a new
//! number, and so gets a new session. The session itself (scope, statement
//! descriptions, row plans) lives in a process-wide registry under that
//! number, bounded, the least recently used forgotten first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use pgcast_core::exec::Error;
use sqlx::Statement as _;
use sqlx::postgres::{PgConnection, PgTypeInfo};
use sqlx::{Connection, Either, Executor};

use crate::wire::{error, oid};
use crate::{Result, Session};

/// The statement whose parameter types carry a connection's session number.
pub const TAG_SQL: &str = "SELECT $1, $2, $3, $4, $5, $6, $7, $8 -- pgcast session";

/// Sixteen built-in types, one per hexadecimal digit of the number (in
/// ascending order: a digit is found by binary search).
const DIGITS: [u32; 16] = [
    16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1082, 1083, 1114, 1184, 1186,
];

/// Sessions kept before the least recently used is forgotten (a session of
/// a closed connection stays until then).
const CAPACITY: usize = 4096;

static NEXT: AtomicU32 = AtomicU32::new(1);

struct Registry {
    sessions: HashMap<u32, (Session, u64)>,
    clock: u64,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn tag_types(n: u32) -> [PgTypeInfo; 8] {
    std::array::from_fn(|i| {
        let digit = (n >> (28 - 4 * i)) & 0xf;
        PgTypeInfo::with_oid(sqlx::postgres::types::Oid(DIGITS[digit as usize]))
    })
}

fn read_tag(types: &[PgTypeInfo]) -> Option<u32> {
    if types.len() != 8 {
        return None;
    }
    types.iter().try_fold(0_u32, |n, ty| {
        let digit = DIGITS.binary_search(&oid(ty)).ok()?;
        Some((n << 4) | digit as u32)
    })
}

/// The session of `conn`'s physical connection (made on first use).
pub(crate) async fn session_of(conn: &mut PgConnection) -> Result<Session> {
    let fresh = NEXT.fetch_add(1, Ordering::Relaxed);
    let number = tag(conn, fresh).await?;
    let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let registry = registry.get_or_insert_with(|| Registry {
        sessions: HashMap::new(),
        clock: 0,
    });
    registry.clock += 1;
    let clock = registry.clock;
    if !registry.sessions.contains_key(&number) && registry.sessions.len() >= CAPACITY {
        let mut stamps: Vec<u64> = registry.sessions.values().map(|(_, used)| *used).collect();
        stamps.sort_unstable();
        let cut = stamps[CAPACITY / 8];
        registry.sessions.retain(|_, (_, used)| *used > cut);
    }
    let entry = registry
        .sessions
        .entry(number)
        .or_insert_with(|| (Session::new(), clock));
    entry.1 = clock;
    Ok(entry.0.clone())
}

/// Prepares the tag on `conn` (answered from sqlx's cache when it is there)
/// and reads its number; a new tag carries `fresh`.
async fn tag(conn: &mut PgConnection, fresh: u32) -> Result<u32> {
    let types = tag_types(fresh);
    let statement = conn
        .prepare_with(TAG_SQL, &types)
        .await
        .map_err(|e| error(e).with_query(TAG_SQL))?;
    match statement.parameters() {
        Some(Either::Left(types)) => read_tag(types),
        _ => None,
    }
    .ok_or_else(|| {
        Error::message(
            pgcast_core::exec::ErrorKind::Driver,
            "the connection's session tag has unexpected parameter types",
        )
        .with_query(TAG_SQL)
    })
}

/// Drops every statement sqlx keeps on `conn` (after the server said one is
/// stale, or the `search_path` changed: sqlx never forgets a statement by
/// itself), and tags the connection again with `session`'s number.
pub(crate) async fn clear_statements(conn: &mut PgConnection) -> Result<()> {
    let number = tag(conn, NEXT.fetch_add(1, Ordering::Relaxed)).await?;
    conn.clear_cached_statements().await.map_err(error)?;
    let again = tag(conn, number).await?;
    debug_assert_eq!(again, number);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_spell_their_number() {
        for n in [0, 1, 0xdead_beef, u32::MAX, 42] {
            assert_eq!(read_tag(&tag_types(n)), Some(n));
        }
        assert_eq!(read_tag(&tag_types(1)[..7]), None);
        assert!(DIGITS.is_sorted(), "digits are found by binary search");
        let mut other = tag_types(7).to_vec();
        other[3] = PgTypeInfo::with_oid(sqlx::postgres::types::Oid(22));
        assert_eq!(read_tag(&other), None, "a type that is no digit");
    }
}
