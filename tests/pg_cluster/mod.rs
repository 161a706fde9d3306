//! A throwaway PostgreSQL cluster for tests, started from the local server binaries.
//!
//! `PgCluster::start()` runs `initdb` into a temporary directory (trust authentication, a
//! free port on 127.0.0.1, the Unix socket inside the directory) and `pg_ctl start`. As root
//! both run as the `postgres` OS user through `runuser`, since `initdb` refuses root.
//! `create_database()` gives each test its own database. Dropping the cluster stops it
//! (`pg_ctl stop -m immediate`) and removes the directory; a cluster kept in a `static`
//! (never dropped) is stopped by a small watchdog process as soon as the test process exits.
//!
//! Without PostgreSQL binaries `start()` prints a loud notice and returns `None`, except
//! under `CI=true`, where it panics: in CI nothing that matters is skipped.

#![allow(dead_code)]

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, PgConnection};

/// The OS user that runs the server when the tests run as root.
const OS_USER: &str = "postgres";

#[derive(Debug)]
pub struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_root: bool,
    /// How long `initdb` + `pg_ctl start` took.
    pub startup: Duration,
    next_db: AtomicUsize,
    watchdog: Mutex<Option<(Child, ChildStdin)>>,
}

impl PgCluster {
    /// Starts a cluster, or returns `None` (after a loud notice) when no PostgreSQL binaries
    /// are installed and `CI` is not `true`. Any other failure panics.
    pub fn start() -> Option<Self> {
        let Some(bin) = find_binaries() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "PostgreSQL binaries (initdb, pg_ctl) not found in /usr/local/bin, on PATH \
                     or in /usr/lib/postgresql/*/bin, and CI=true: install postgresql"
                );
            }
            eprintln!();
            eprintln!("**************************************************************");
            eprintln!("*** SKIPPED: PostgreSQL binaries not found                 ***");
            eprintln!("*** (initdb/pg_ctl in /usr/local/bin, PATH,                ***");
            eprintln!("***  /usr/lib/postgresql/*/bin): PostgreSQL tests not run  ***");
            eprintln!("**************************************************************");
            eprintln!();
            return None;
        };
        let started = Instant::now();
        let as_root = is_root();
        if as_root {
            let known = Command::new("id")
                .arg(OS_USER)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                known,
                "running as root: initdb refuses root and the `{OS_USER}` OS user to run \
                 PostgreSQL as does not exist (create it, e.g. `useradd --system {OS_USER}`)"
            );
        }
        let base = if as_root {
            traversable_temp_base()
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("herald-pg-")
            .tempdir_in(base)
            .expect("temporary directory")
            .keep();
        std::fs::create_dir(dir.join("socket")).expect("socket directory");
        if as_root {
            run(Command::new("chown").arg("-R").arg(OS_USER).arg(&dir));
        }
        let port = free_port();
        let mut cluster = Self {
            dir,
            bin,
            port,
            as_root,
            startup: Duration::ZERO,
            next_db: AtomicUsize::new(0),
            watchdog: Mutex::new(None),
        };
        cluster.spawn_watchdog();
        let data = cluster.data_dir();
        run(cluster.pg_command("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        let server_options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            cluster.dir.join("socket").display()
        );
        let log = cluster.dir.join("server.log");
        let started_ok = cluster
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &server_options, "start"])
            .output()
            .expect("run pg_ctl");
        if !started_ok.status.success() {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!(
                "pg_ctl start failed: {}\n--- server log ---\n{server_log}",
                describe(&started_ok)
            );
        }
        cluster.startup = started.elapsed();
        eprintln!(
            "PostgreSQL test cluster on 127.0.0.1:{port} in {} (started in {:.2?})",
            cluster.dir.display(),
            cluster.startup
        );
        Some(cluster)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of the `postgres` maintenance database.
    pub fn admin_url(&self) -> String {
        self.url_for("postgres")
    }

    pub fn url_for(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a fresh, empty database and returns its URL.
    pub async fn create_database(&self) -> String {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        let name = format!("herald_test_{n}");
        let mut admin = PgConnection::connect(&self.admin_url())
            .await
            .expect("connect to the test cluster");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .await
            .expect("CREATE DATABASE");
        admin.close().await.expect("close admin connection");
        self.url_for(&name)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// A command for one of the server binaries, as the `postgres` user when we are root.
    fn pg_command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", OS_USER, "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn stop_command(&self) -> Command {
        let mut command = self.pg_command("pg_ctl");
        command
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "stop"]);
        command
    }

    /// A shell that waits for its stdin to close (this process ending, or `Drop`), then stops
    /// the server and removes the directory, so a cluster kept in a `static` is cleaned up too.
    fn spawn_watchdog(&mut self) {
        let stop = self.stop_command();
        let mut script = String::from("cat >/dev/null; ");
        script.push_str(&shell_quote(stop.get_program()));
        for arg in stop.get_args() {
            script.push(' ');
            script.push_str(&shell_quote(arg));
        }
        script.push_str(" >/dev/null 2>&1; rm -rf ");
        script.push_str(&shell_quote(self.dir.as_os_str()));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the cluster watchdog");
        let stdin = child.stdin.take().expect("watchdog stdin");
        *self.watchdog.get_mut().expect("watchdog lock") = Some((child, stdin));
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self
            .stop_command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Ok(slot) = self.watchdog.get_mut()
            && let Some((mut child, mut stdin)) = slot.take()
        {
            let _ = stdin.flush();
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`: /usr/local/bin, then PATH, then the newest
/// /usr/lib/postgresql/*/bin.
fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let mut candidates = vec![PathBuf::from("/usr/local/bin")];
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    versioned.sort();
    candidates.extend(versioned.into_iter().rev().map(|(_, dir)| dir));
    candidates.into_iter().find(|dir| has_both(dir))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        describe(&output)
    );
}

fn describe(output: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn shell_quote(text: &std::ffi::OsStr) -> String {
    format!("'{}'", text.to_string_lossy().replace('\'', r"'\''"))
}

/// Stopping and starting the server of a running cluster (same data directory and port), for
/// tests that take the database away under load.
impl PgCluster {
    /// `pg_ctl stop -m fast`: open sessions are disconnected, the server shuts down cleanly.
    /// Blocks until it is down.
    pub fn stop_server(&self) {
        run(self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "fast", "-w", "-t", "60", "stop"]));
    }

    /// Starts the server again after [`Self::stop_server`], with the options of `start()`
    /// (same port and socket directory). Blocks until it accepts connections.
    pub fn start_server(&self) {
        let server_options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            self.port,
            self.dir.join("socket").display()
        );
        let log = self.dir.join("server.log");
        let output = self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &server_options, "start"])
            .output()
            .expect("run pg_ctl");
        if !output.status.success() {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!(
                "pg_ctl start (restart) failed: {}\n--- server log ---\n{server_log}",
                describe(&output)
            );
        }
    }
}

/// A temp directory the `postgres` user can reach: `$TMPDIR` when every directory above it
/// is searchable by others (a private `TMPDIR`, e.g. `mktemp -d`, is not), else `/tmp`.
fn traversable_temp_base() -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let preferred = std::env::temp_dir();
    let searchable = preferred
        .ancestors()
        .all(|dir| std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 != 0));
    if searchable {
        preferred
    } else {
        PathBuf::from("/tmp")
    }
}
