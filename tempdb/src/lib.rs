//! A PostgreSQL server for tests and examples: the one `DATABASE_URL` names,
//! or a throwaway cluster made with the `initdb` and `pg_ctl` found on the
//! machine.
//!
//! The throwaway cluster lives in a temporary directory, listens on
//! 127.0.0.1 on a free port (and on a unix socket inside that directory),
//! runs with `fsync` off, and is stopped and removed when the process ends —
//! however it ends, since a watchdog process notices the end of its parent
//! through a closed pipe. When the process runs as root (as CI does), the
//! server runs as the unprivileged `postgres` or `nobody` user, since
//! PostgreSQL refuses to run as root.
//!
//! Set `PGCAST_PG_BINDIR` to a directory holding `initdb`, `pg_ctl` and
//! `postgres` to start that server instead of the one found on the machine
//! (`.ci/pg-versions` fetches builds of every supported major version). When
//! the process is root, the unprivileged user must be able to read and run
//! them.
//!
//! [`shared_pooler`] starts PgBouncer in transaction pooling mode in front of
//! the throwaway server (or takes `PGCAST_POOLER_URL`), with fewer server
//! connections than clients, for tests of what runs behind a pooler.
//!
//! ```no_run
//! let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
//! println!("connect to {}", db.url());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod pooler;

pub use pooler::{Pooler, shared_pooler};

use std::fmt;
use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Why no server could be had, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TempDbError(String);

impl fmt::Display for TempDbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TempDbError {}

const HOW_TO: &str = "install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`) so that \
     `initdb` and `pg_ctl` can be found (PATH, `pg_config --bindir`, or \
     /usr/lib/postgresql/<version>/bin, or PGCAST_PG_BINDIR), or set DATABASE_URL to a server to use";

/// The environment variable naming the directory of the server binaries
/// (`initdb`, `pg_ctl`, `postgres`) to start, to test against a version other
/// than the one installed (`.ci/pg-versions` fetches them).
pub const BINDIR_VAR: &str = "PGCAST_PG_BINDIR";

fn fail(what: impl fmt::Display) -> TempDbError {
    TempDbError(format!(
        "no PostgreSQL server for the tests: {what}\n  fix: {HOW_TO}"
    ))
}

/// A PostgreSQL server to connect to.
#[derive(Debug)]
pub struct TempDb {
    url: String,
    host: String,
    port: u16,
    user: String,
    dbname: String,
    cluster: Option<Cluster>,
}

/// A cluster this process made; its watchdog removes it when the pipe closes.
#[derive(Debug)]
struct Cluster {
    dir: PathBuf,
    /// Where `pg_ctl` is, and whom it runs as: for [`TempDb::restart_immediate`].
    bindir: PathBuf,
    run_as: Option<RunAs>,
    watchdog: Child,
    /// Held open for the life of the cluster: its closing is the stop signal.
    lifeline: Option<ChildStdin>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        // The watchdog stops the server and removes the directory; wait so
        // that a dropped TempDb is really gone.
        let _ = self.watchdog.wait();
    }
}

impl TempDb {
    /// The server `DATABASE_URL` names if set, otherwise a new throwaway
    /// cluster owned by the returned value (stopped and removed on drop).
    pub fn start() -> Result<TempDb, TempDbError> {
        match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Ok(TempDb::from_url(url.trim())),
            _ => TempDb::start_cluster(),
        }
    }

    /// A connection to the given URL (`postgresql://user@host:port/db`); the
    /// parts are read for [`host`](Self::host) and friends where present.
    fn from_url(url: &str) -> TempDb {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let user = userinfo.split(':').next().unwrap_or("").to_owned();
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().unwrap_or(5432)),
            None => (hostport.to_owned(), 5432),
        };
        let dbname = path.split('?').next().unwrap_or("").to_owned();
        TempDb {
            url: url.to_owned(),
            dbname: if dbname.is_empty() {
                user.clone()
            } else {
                dbname
            },
            host,
            port,
            user,
            cluster: None,
        }
    }

    fn start_cluster() -> Result<TempDb, TempDbError> {
        let bindir = find_bindir()?;
        let run_as = unprivileged_user()?;
        let dir = make_dir(run_as.as_ref())?;
        let data = dir.join("data");
        let log = dir.join("server.log");

        let initdb = run(
            Command::new(bindir.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args([
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]),
            run_as.as_ref(),
            &dir,
        );
        if let Err(e) = initdb {
            let _ = fs::remove_dir_all(&dir);
            return Err(fail(format!("initdb in {} failed: {e}", bindir.display())));
        }

        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port().map_err(|e| fail(format!("no free port: {e}")))?;
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
                 -c shared_buffers=128MB -c max_locks_per_transaction=256",
                dir.display()
            );
            let started = run(
                Command::new(bindir.join("pg_ctl"))
                    .arg("-D")
                    .arg(&data)
                    .arg("-l")
                    .arg(&log)
                    .args(["-w", "-t", "60", "-o", &options, "start"])
                    .process_group(0),
                run_as.as_ref(),
                &dir,
            );
            match started {
                Ok(()) => {
                    let watchdog = spawn_watchdog(&bindir, &dir, run_as.as_ref())
                        .map_err(|e| fail(format!("could not start the watchdog: {e}")))?;
                    return Ok(TempDb {
                        url: format!("postgresql://postgres@127.0.0.1:{port}/postgres"),
                        host: "127.0.0.1".into(),
                        port,
                        user: "postgres".into(),
                        dbname: "postgres".into(),
                        cluster: Some(watchdog),
                    });
                }
                Err(e) => {
                    let tail = fs::read_to_string(&log).unwrap_or_default();
                    let tail: Vec<&str> = tail.lines().rev().take(10).collect();
                    last_error = format!(
                        "{e}\n  server log:\n    {}",
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n    ")
                    );
                    // A port taken between our probe and the server's bind: try another.
                    if !last_error.contains("could not bind") && !last_error.contains("in use") {
                        break;
                    }
                }
            }
        }
        let _ = fs::remove_dir_all(&dir);
        Err(fail(format!("pg_ctl start failed: {last_error}")))
    }

    /// A `postgresql://` URL for the server.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The user name to connect as.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The database name.
    pub fn dbname(&self) -> &str {
        &self.dbname
    }

    /// Whether this is a throwaway cluster (rather than `DATABASE_URL`).
    pub fn is_throwaway(&self) -> bool {
        self.cluster.is_some()
    }

    /// The cluster's directory, for a throwaway cluster.
    pub fn dir(&self) -> Option<&Path> {
        self.cluster.as_ref().map(|c| c.dir.as_path())
    }

    /// Restarts a throwaway cluster as a crash would: `pg_ctl restart -m
    /// immediate` (every backend killed without a clean shutdown, recovery
    /// at start), same port and settings; returns once the server accepts
    /// connections again. For tests of lost connections: use a cluster of
    /// the test's own ([`TempDb::start`]), never the [`shared`] one.
    ///
    /// An error for a server named by `DATABASE_URL`, which is not this
    /// process's to restart.
    pub fn restart_immediate(&self) -> Result<(), TempDbError> {
        let Some(cluster) = &self.cluster else {
            return Err(TempDbError(
                "restart_immediate: the server is DATABASE_URL's, not a throwaway cluster".into(),
            ));
        };
        run(
            Command::new(cluster.bindir.join("pg_ctl"))
                .arg("-D")
                .arg(cluster.dir.join("data"))
                .arg("-l")
                .arg(cluster.dir.join("server.log"))
                .args(["-m", "immediate", "-w", "-t", "60", "restart"])
                .process_group(0),
            cluster.run_as.as_ref(),
            &cluster.dir,
        )
        .map_err(|e| TempDbError(format!("pg_ctl restart -m immediate failed: {e}")))
    }
}

/// The server shared by the whole process: started on first use, stopped and
/// removed when the process ends.
///
/// Tests that share it must isolate themselves (their own schema, temporary
/// tables) so that they can run in parallel.
pub fn shared() -> Result<&'static TempDb, TempDbError> {
    static SHARED: OnceLock<Result<TempDb, TempDbError>> = OnceLock::new();
    SHARED
        .get_or_init(TempDb::start)
        .as_ref()
        .map_err(Clone::clone)
}

/// Where `initdb` and `pg_ctl` are: PATH, then `pg_config --bindir`, then the
/// newest `/usr/lib/postgresql/<version>/bin`.
/// Where the server binaries are: `PGCAST_PG_BINDIR` if set, else the
/// first of PATH, `pg_config --bindir` and the newest
/// /usr/lib/postgresql/<version>/bin that has `initdb` and `pg_ctl`.
fn find_bindir() -> Result<PathBuf, TempDbError> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os(BINDIR_VAR).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        // Asked for by name: no silent fallback to another version.
        return if has_tools(&dir) {
            Ok(dir)
        } else {
            Err(fail(format!(
                "{BINDIR_VAR}={} has no initdb and pg_ctl",
                dir.display()
            )))
        };
    }
    let from_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("initdb"))
            .find(|p| p.is_file())
            .and_then(|initdb| fs::canonicalize(initdb).ok())
            .and_then(|real| real.parent().map(Path::to_path_buf))
            .filter(|dir| has_tools(dir))
    });
    from_path
        .or_else(|| {
            let out = Command::new("pg_config").arg("--bindir").output().ok()?;
            let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
            has_tools(&dir).then_some(dir)
        })
        .or_else(|| {
            let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(|e| {
                    let e = e.ok()?;
                    let version = e.file_name().to_str()?.parse().ok()?;
                    let bin = e.path().join("bin");
                    has_tools(&bin).then_some((version, bin))
                })
                .collect();
            versions.sort();
            versions.pop().map(|(_, bin)| bin)
        })
        .ok_or_else(|| fail("no initdb and pg_ctl found"))
}

/// The user and group to run the server as when this process is root.
#[derive(Clone, Copy, Debug)]
struct RunAs {
    uid: u32,
    gid: u32,
}

fn unprivileged_user() -> Result<Option<RunAs>, TempDbError> {
    let euid = fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(u32::MAX);
    if euid != 0 {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    let find = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() <= 3 || fields[0] != name {
                return None;
            }
            Some(RunAs {
                uid: fields[2].parse().ok()?,
                gid: fields[3].parse().ok()?,
            })
        })
    };
    find("postgres")
        .or_else(|| find("nobody"))
        .map(Some)
        .ok_or_else(|| {
            fail("running as root, and no `postgres` or `nobody` user to run the server as")
        })
}

fn make_dir(run_as: Option<&RunAs>) -> Result<PathBuf, TempDbError> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "pgcast-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    fs::create_dir(&dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| fail(format!("cannot set permissions on {}: {e}", dir.display())))?;
    if let Some(user) = run_as {
        std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)).map_err(|e| {
            fail(format!(
                "cannot hand {} to uid {}: {e}",
                dir.display(),
                user.uid
            ))
        })?;
    }
    Ok(dir)
}

fn as_user<'c>(cmd: &'c mut Command, run_as: Option<&RunAs>, dir: &Path) -> &'c mut Command {
    if let Some(user) = run_as {
        cmd.uid(user.uid).gid(user.gid);
    }
    cmd.current_dir(dir).env("LC_ALL", "C").env_remove("PGDATA")
}

fn run(cmd: &mut Command, run_as: Option<&RunAs>, dir: &Path) -> Result<(), String> {
    let out = as_user(cmd, run_as, dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} exited with {}: {}{}",
            cmd.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A shell that waits for its stdin to close (this process ended, or the
/// `TempDb` was dropped), then stops the server and removes the directory.
/// It ignores the signals a terminal sends, so Ctrl-C still cleans up.
fn spawn_watchdog(bindir: &Path, dir: &Path, run_as: Option<&RunAs>) -> std::io::Result<Cluster> {
    const SCRIPT: &str = r#"trap '' INT TERM HUP
while read -r _line; do :; done
"$1/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null 2>&1
rm -rf "$2""#;
    let (watchdog, lifeline) = spawn_guard(SCRIPT, "pgcast-tempdb-watchdog", bindir, dir, run_as)?;
    Ok(Cluster {
        dir: dir.to_owned(),
        bindir: bindir.to_owned(),
        run_as: run_as.copied(),
        watchdog,
        lifeline,
    })
}

/// Runs `script` (with `$1` = `first`, `$2` = `dir`) in a shell whose stdin
/// is a pipe held by this process: the script's cleanup runs when the pipe
/// closes, however this process ends.
pub(crate) fn spawn_guard(
    script: &str,
    name: &str,
    first: &Path,
    dir: &Path,
    run_as: Option<&RunAs>,
) -> std::io::Result<(Child, Option<ChildStdin>)> {
    let mut child = as_user(
        Command::new("/bin/sh")
            .args(["-c", script, name])
            .arg(first)
            .arg(dir)
            .process_group(0),
        run_as,
        Path::new("/"),
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()?;
    let mut lifeline = child.stdin.take();
    if let Some(pipe) = lifeline.as_mut() {
        // Proves the pipe works before what it guards is handed out.
        pipe.write_all(b"\n")?;
    }
    Ok((child, lifeline))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts() {
        let db = TempDb::from_url("postgresql://alice:secret@db.example:6543/app?sslmode=disable");
        assert_eq!(
            (db.user(), db.host(), db.port(), db.dbname()),
            ("alice", "db.example", 6543, "app")
        );
        let db = TempDb::from_url("postgres://bob@localhost");
        assert_eq!(
            (db.user(), db.host(), db.port(), db.dbname()),
            ("bob", "localhost", 5432, "bob")
        );
    }

    #[test]
    fn throwaway_cluster_starts_and_goes_away() {
        if std::env::var_os("DATABASE_URL").is_some() {
            // The owned cluster below is the thing under test; with
            // DATABASE_URL set, start() hands out that server instead.
            let db = TempDb::start().unwrap();
            assert!(!db.is_throwaway());
            return;
        }
        let db = TempDb::start().unwrap_or_else(|e| panic!("{e}"));
        let dir = db
            .dir()
            .expect("a throwaway cluster has a directory")
            .to_owned();
        assert!(dir.join("data/PG_VERSION").exists());
        std::net::TcpStream::connect(("127.0.0.1", db.port())).expect("server accepts TCP");
        drop(db);
        assert!(!dir.exists(), "cluster directory removed on drop");
    }
}
