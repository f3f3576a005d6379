//! The shared suite of every adapter (`tests/suite`: every result shape,
//! composite parameters, the text fallback, concurrent registrations,
//! strings against typed columns, unseen types over 10,000 rows, cursors,
//! COPY) on the blocking adapter: fresh connections, types they have never
//! seen, results large enough to fill the socket buffers. Each test runs on
//! a thread watched by a timeout.

/// What the shared suite needs of this driver.
mod glue {
    use std::sync::mpsc;
    use std::time::Duration;

    pub use pgcast_postgres::ClientExt;
    use pgcast_postgres::PgClient;

    pub const NAME: &str = "postgres";

    /// Runs a whole test on a thread; fails it if it takes over 300 s (a
    /// hang), and passes its panic on.
    pub fn whole(what: &str, f: impl FnOnce() + Send + 'static) {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            f();
            let _ = tx.send(());
        });
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(()) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => match thread.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => panic!("{what}: the test thread ended without finishing"),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: not done in 300 s (a hang)"),
        }
    }

    pub fn connect() -> PgClient<postgres::Client> {
        let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
        let client = postgres::Client::connect(db.url(), postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", db.url()));
        PgClient::new(client)
    }

    /// Eight registrations at once, on threads, one connection each (a
    /// blocking client runs one call at a time).
    pub fn register_concurrently(names: &[String]) -> Vec<pgcast::Adapters> {
        let threads: Vec<_> = names
            .iter()
            .cloned()
            .map(|name| {
                std::thread::spawn(move || {
                    let mut c = connect();
                    c.register_types([name.as_str()]).unwrap();
                    c.pg_session().scope()
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    }
}

macro_rules! w {
    ($e:expr) => {
        $e
    };
}

macro_rules! suite_test {
    (fn $name:ident() $body:block) => {
        #[test]
        fn $name() {
            $crate::glue::whole(stringify!($name), move || $body)
        }
    };
}

macro_rules! connect {
    () => {
        $crate::glue::connect()
    };
}

macro_rules! batch {
    ($c:expr, $text:expr) => {
        $c.batch_execute($text).unwrap()
    };
}

macro_rules! stream {
    ($c:expr, $t:ty, $q:expr) => {
        $c.fetch_iter::<$t>($q)
            .unwrap()
            .collect::<Vec<pgcast_postgres::Result<$t>>>()
    };
}

macro_rules! copy_out {
    ($c:expr, $t:ty, $q:expr) => {
        $c.copy_out_as::<$t>($q)
            .unwrap()
            .collect::<Vec<pgcast_postgres::Result<$t>>>()
    };
}

macro_rules! copy_in_raw_result {
    ($c:expr, $q:expr, $chunks:expr) => {
        $c.copy_in_raw($q, std::io::Cursor::new($chunks.concat()))
    };
}

macro_rules! copy_out_raw {
    ($c:expr, $q:expr) => {{
        let mut out = String::new();
        std::io::Read::read_to_string(&mut $c.copy_out_raw($q).unwrap(), &mut out).unwrap();
        out
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

#[path = "../../../tests/suite/mod.rs"]
mod suite;
