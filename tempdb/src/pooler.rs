//! PgBouncer in transaction pooling mode, in front of the throwaway server:
//! what applications put between themselves and PostgreSQL when they grow.

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::{
    RunAs, TempDb, TempDbError, fail, free_port, make_dir, shared, spawn_guard, unprivileged_user,
};

/// How to get PgBouncer when it is missing.
const HOW_TO: &str = "install it (`apt-get install pgbouncer`), or set PGCAST_POOLER_URL to a \
                      transaction pooler in front of DATABASE_URL's server";

/// PgBouncer in `pool_mode = transaction` in front of a server, with a
/// server pool smaller than the clients it takes (2 server connections by
/// default, 200 clients): consecutive transactions of one client land on
/// different backends, as they do behind any transaction pooler.
///
/// ```no_run
/// let pooler = pgcast_tempdb::shared_pooler().unwrap_or_else(|e| panic!("{e}"));
/// println!("connect to {}", pooler.url());
/// ```
#[derive(Debug)]
pub struct Pooler {
    url: String,
    port: u16,
    pool_size: u32,
    process: Option<Process>,
}

/// A PgBouncer this process started; its watchdog stops it and removes its
/// directory when the pipe closes.
#[derive(Debug)]
struct Process {
    watchdog: Child,
    lifeline: Option<ChildStdin>,
}

impl Drop for Process {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        let _ = self.watchdog.wait();
    }
}

impl Pooler {
    /// `PGCAST_POOLER_URL` if set, otherwise a new PgBouncer in front of
    /// `server` (a throwaway cluster), with `pool_size` server connections.
    pub fn start(server: &TempDb, pool_size: u32) -> Result<Pooler, TempDbError> {
        if let Ok(url) = std::env::var("PGCAST_POOLER_URL")
            && !url.trim().is_empty()
        {
            let port = url
                .rsplit_once(':')
                .and_then(|(_, rest)| rest.split('/').next()?.parse().ok())
                .unwrap_or(6432);
            return Ok(Pooler {
                url: url.trim().to_owned(),
                port,
                pool_size,
                process: None,
            });
        }
        if !server.is_throwaway() {
            return Err(fail(format!(
                "no transaction pooler in front of DATABASE_URL's server\n  fix: {HOW_TO}"
            )));
        }
        let binary = find_pgbouncer()?;
        let run_as = unprivileged_user()?;
        let dir = make_dir(run_as.as_ref())?;
        let port = free_port().map_err(|e| fail(format!("no free port: {e}")))?;
        write_config(&dir, server, port, pool_size, run_as.as_ref())?;
        let process = spawn(&binary, &dir, run_as.as_ref())
            .map_err(|e| fail(format!("could not start PgBouncer: {e}")))?;
        let pooler = Pooler {
            url: format!(
                "postgresql://{}@127.0.0.1:{port}/{}",
                server.user(),
                server.dbname()
            ),
            port,
            pool_size,
            process: Some(process),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let log = fs::read_to_string(dir.join("pgbouncer.log")).unwrap_or_default();
                return Err(fail(format!("PgBouncer did not start listening: {log}")));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(pooler)
    }

    /// A `postgresql://` URL for the pooler.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The pooler's TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server connections the pooler keeps per database and user.
    pub fn pool_size(&self) -> u32 {
        self.pool_size
    }

    /// Whether this process started the pooler.
    pub fn is_throwaway(&self) -> bool {
        self.process.is_some()
    }
}

/// The pooler shared by the whole process, in front of [`shared`]: started
/// on first use (2 server connections), stopped when the process ends.
pub fn shared_pooler() -> Result<&'static Pooler, TempDbError> {
    static SHARED: OnceLock<Result<Pooler, TempDbError>> = OnceLock::new();
    SHARED
        .get_or_init(|| Pooler::start(shared()?, 2))
        .as_ref()
        .map_err(Clone::clone)
}

fn find_pgbouncer() -> Result<PathBuf, TempDbError> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([
            "/usr/sbin".into(),
            "/usr/bin".into(),
            "/usr/local/bin".into(),
        ]);
    for dir in candidates {
        let binary = dir.join("pgbouncer");
        if binary.is_file() {
            return Ok(binary);
        }
    }
    Err(fail(format!("no pgbouncer found\n  fix: {HOW_TO}")))
}

fn write_config(
    dir: &Path,
    server: &TempDb,
    port: u16,
    pool_size: u32,
    run_as: Option<&RunAs>,
) -> Result<(), TempDbError> {
    let config = format!(
        "[databases]\n\
         * = host={host} port={server_port}\n\
         [pgbouncer]\n\
         listen_addr = 127.0.0.1\n\
         listen_port = {port}\n\
         unix_socket_dir =\n\
         auth_type = trust\n\
         auth_file = {dir}/users.txt\n\
         pool_mode = transaction\n\
         default_pool_size = {pool_size}\n\
         min_pool_size = 0\n\
         max_client_conn = 200\n\
         server_reset_query =\n\
         ignore_startup_parameters = extra_float_digits,options\n\
         logfile = {dir}/pgbouncer.log\n",
        host = server.host(),
        server_port = server.port(),
        dir = dir.display(),
    );
    let users = format!("\"{}\" \"\"\n", server.user());
    for (name, text) in [("pgbouncer.ini", config), ("users.txt", users)] {
        let path = dir.join(name);
        fs::write(&path, text)
            .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
        if let Some(user) = run_as {
            std::os::unix::fs::chown(&path, Some(user.uid), Some(user.gid))
                .map_err(|e| fail(format!("cannot hand {} over: {e}", path.display())))?;
        }
    }
    Ok(())
}

/// A shell that runs PgBouncer until its stdin closes (this process ended,
/// or the `Pooler` was dropped), then stops it and removes the directory.
fn spawn(binary: &Path, dir: &Path, run_as: Option<&RunAs>) -> std::io::Result<Process> {
    const SCRIPT: &str = r#"trap '' INT TERM HUP
"$1" -q "$2/pgbouncer.ini" </dev/null >/dev/null 2>&1 &
pid=$!
while read -r _line; do :; done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$2""#;
    let (watchdog, lifeline) = spawn_guard(SCRIPT, "pgcast-tempdb-pooler", binary, dir, run_as)?;
    Ok(Process { watchdog, lifeline })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_pooler_starts_in_front_of_the_server() {
        let pooler = shared_pooler().unwrap_or_else(|e| panic!("{e}"));
        assert!(pooler.url().contains(&pooler.port().to_string()));
        assert!(TcpStream::connect(("127.0.0.1", pooler.port())).is_ok());
    }
}
