//! The tokio-postgres adapter against a real server: the shared suite of
//! every adapter (`tests/suite`), then every extension method, streaming,
//! cursors, COPY, type registration, errors and pools.

#[path = "../../../../tests/support/mod.rs"]
mod support;

/// What the shared suite needs of this driver.
mod glue {
    use std::future::Future;
    use std::time::Duration;

    use pgcast_tokio_postgres::PgClient;
    pub use pgcast_tokio_postgres::{ClientExt, CopyExt, CursorFetch};

    pub const NAME: &str = "tokio-postgres";

    /// One step of a test, failed instead of hanging.
    pub async fn step<T>(what: &str, f: impl Future<Output = T>) -> T {
        match tokio::time::timeout(Duration::from_secs(60), f).await {
            Ok(v) => v,
            Err(_) => panic!("{what}: no answer in 60 s (a hang)"),
        }
    }

    /// A whole test, failed instead of hanging.
    pub async fn whole(what: &str, f: impl Future<Output = ()>) {
        tokio::time::timeout(Duration::from_secs(300), f)
            .await
            .unwrap_or_else(|_| panic!("{what}: not done in 300 s"))
    }

    pub async fn connect() -> PgClient<tokio_postgres::Client> {
        PgClient::new(crate::support::connect().await)
    }

    /// Eight registrations at once on one session (tokio-postgres pipelines
    /// them on one connection), with a policy change in between: every one
    /// lands, and so does the policy.
    pub async fn register_concurrently(names: &[String]) -> Vec<pgcast::Adapters> {
        let client = connect().await;
        let registrations = names.iter().map(|n| client.register_types([n.as_str()]));
        let policy_change = async {
            client.pg_session().configure(|scope| {
                scope.set_policy(pgcast::Policy {
                    lossy: true,
                    ..pgcast::Policy::DEFAULT
                });
            });
        };
        let (done, ()) = tokio::join!(futures_util::future::join_all(registrations), policy_change);
        for r in done {
            r.unwrap();
        }
        let scope = client.pg_session().scope();
        assert!(scope.policy().lossy, "the policy change was lost");
        names.iter().map(|_| scope.clone()).collect()
    }
}

macro_rules! w {
    ($e:expr) => {
        $crate::glue::step(stringify!($e), $e).await
    };
}

macro_rules! suite_test {
    (fn $name:ident() $body:block) => {
        #[tokio::test]
        async fn $name() {
            $crate::glue::whole(stringify!($name), async move $body).await
        }
    };
}

macro_rules! connect {
    () => {
        $crate::glue::connect().await
    };
}

macro_rules! batch {
    ($c:expr, $text:expr) => {
        w!($c.batch_execute($text)).unwrap()
    };
}

macro_rules! stream {
    ($c:expr, $t:ty, $q:expr) => {
        w!(futures_util::StreamExt::collect::<
            Vec<pgcast_tokio_postgres::Result<$t>>,
        >(w!($c.fetch_stream::<$t>($q)).unwrap()))
    };
}

macro_rules! copy_out {
    ($c:expr, $t:ty, $q:expr) => {
        w!(futures_util::StreamExt::collect::<
            Vec<pgcast_tokio_postgres::Result<$t>>,
        >(w!($c.copy_out_as::<$t>($q)).unwrap()))
    };
}

macro_rules! copy_in_raw_result {
    ($c:expr, $q:expr, $chunks:expr) => {
        w!($c.copy_in_raw(
            $q,
            futures_util::stream::iter(
                $chunks.map(|s: &str| bytes::Bytes::copy_from_slice(s.as_bytes()))
            ),
        ))
    };
}

macro_rules! copy_out_raw {
    ($c:expr, $q:expr) => {{
        let chunks: Vec<bytes::Bytes> = w!(futures_util::TryStreamExt::try_collect(
            w!($c.copy_out_raw($q)).unwrap()
        ))
        .unwrap();
        String::from_utf8(chunks.concat()).unwrap()
    }};
}

macro_rules! scope {
    ($c:expr) => {
        $c.pg_session().scope()
    };
}

macro_rules! prepare {
    ($c:expr, $p:expr) => {
        $c.pg_session().set_prepare($p)
    };
}

#[path = "../../../../tests/suite/mod.rs"]
mod suite;

mod cancel;
mod copy;
mod correctness;
mod errors;
mod faults;
mod pool;
mod pooler;
mod queries;
mod stream;
mod typeinfo;
