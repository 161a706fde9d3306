//! Settings of `herald serve`: flags, each also settable through a `HERALD_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::secret::DatabaseUrl;
use crate::server::{ClientAuth, ServerLimits, ServerOptions, TlsConfig, TlsError, TlsFiles};
use crate::usage::UsageSettings;

/// Default cap on request bodies: large enough for any sane schema, small enough that a
/// flood of huge bodies cannot exhaust memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address and port to listen on.
    #[arg(long, env = "HERALD_LISTEN", default_value = "0.0.0.0:8081")]
    pub listen: SocketAddr,

    /// Where the data lives: `sqlite://PATH` (created on first start) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (tables created on first start).
    #[arg(
        long = "database",
        env = "HERALD_DATABASE_URL",
        default_value = "sqlite://herald.db"
    )]
    pub database_url: DatabaseUrl,

    /// Largest request body accepted, in bytes; larger ones get a 413.
    #[arg(long, env = "HERALD_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Seconds a client has to send a whole request head, from connecting or from its first
    /// byte after the previous answer; a slower one is disconnected (slowloris).
    #[arg(long, env = "HERALD_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,

    /// Seconds a connection may stay open with no request being answered and no bytes going
    /// either way. Keep it above the idle timeout of any load balancer in front (60 s on
    /// most), or it will reuse connections Herald is closing.
    #[arg(long, env = "HERALD_IDLE_TIMEOUT_SECS", default_value_t = 75,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_secs: u64,

    /// Connections open at once; further ones wait in the kernel's listen backlog until one
    /// closes.
    #[arg(long, env = "HERALD_MAX_CONNECTIONS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Host names this server answers (comma-separated; `name` matches on any port,
    /// `name:port` only there); other Hosts get 421. Empty: any. Set it when browsers reach
    /// Herald, against DNS rebinding.
    #[arg(
        long,
        env = "HERALD_ALLOWED_HOSTS",
        value_delimiter = ',',
        value_parser = host_entry
    )]
    pub allowed_hosts: Vec<String>,

    /// Origins of web pages allowed to write (comma-separated, e.g. `https://portal.example`);
    /// a write whose `Origin` is neither listed nor Herald itself gets 403. Empty: any.
    #[arg(
        long,
        env = "HERALD_ALLOWED_ORIGINS",
        value_delimiter = ',',
        value_parser = origin_entry
    )]
    pub allowed_origins: Vec<String>,

    /// TLS: the server's PEM certificate chain (its own certificate first). Needs
    /// --tls-key; without both, Herald serves plain HTTP.
    #[arg(long, env = "HERALD_TLS_CERT", value_name = "PATH")]
    pub tls_cert: Option<PathBuf>,

    /// TLS: the PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1, not encrypted).
    #[arg(long, env = "HERALD_TLS_KEY", value_name = "PATH")]
    pub tls_key: Option<PathBuf>,

    /// Mutual TLS: a PEM bundle of the CAs whose client certificates are accepted; a
    /// verified certificate's subject becomes the request's principal.
    #[arg(long, env = "HERALD_TLS_CLIENT_CA", value_name = "PATH")]
    pub tls_client_ca: Option<PathBuf>,

    /// Mutual TLS: `optional` (a client without a certificate may authenticate another
    /// way) or `required` (the handshake fails without a valid one).
    #[arg(
        long,
        env = "HERALD_TLS_CLIENT_AUTH",
        default_value = "optional",
        value_name = "optional|required"
    )]
    pub tls_client_auth: ClientAuth,

    /// The access file: users, tokens, OIDC, grants (docs/security.md). Reloaded when it
    /// changes and on SIGHUP. Without it, anyone who can reach Herald may do anything.
    #[arg(long, env = "HERALD_AUTH_CONFIG")]
    pub auth_config: Option<std::path::PathBuf>,

    /// Load the demo landscape (schemas-examples/catalog.yaml) if the database is empty.
    #[arg(long, env = "HERALD_DEMO")]
    pub demo: bool,

    /// Count who reads and writes which schema (observed usage, `/usage`). `false`: count
    /// nothing.
    #[arg(long, env = "HERALD_USAGE_TRACKING", default_value_t = true,
          action = clap::ArgAction::Set)]
    pub usage_tracking: bool,

    /// Seconds between two flushes of the usage tally to the database: what a crash may
    /// lose.
    #[arg(long, env = "HERALD_USAGE_FLUSH_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub usage_flush_secs: u64,

    /// Days of observed usage kept.
    #[arg(long, env = "HERALD_USAGE_RETENTION_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub usage_retention_days: u32,

    /// Distinct readers x schemas counted between two flushes; past it, new ones are
    /// dropped and counted as dropped (bounded memory under a flood of fake clients).
    #[arg(long, env = "HERALD_USAGE_MAX_KEYS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub usage_max_keys: u32,

    /// Days after which a declared consumer never seen is "silent", and within which a read
    /// makes retiring an event need an admin's force.
    #[arg(long, env = "HERALD_USAGE_RECENT_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub usage_recent_days: u32,
}

impl ServeSettings {
    /// How usage is counted and kept.
    pub fn usage_settings(&self) -> UsageSettings {
        UsageSettings {
            enabled: self.usage_tracking,
            flush_every: Duration::from_secs(self.usage_flush_secs),
            retention_days: self.usage_retention_days,
            max_keys: usize::try_from(self.usage_max_keys).unwrap_or(usize::MAX),
            recent_days: self.usage_recent_days,
        }
    }

    /// The connection loop's limits these settings ask for.
    pub fn server_limits(&self) -> ServerLimits {
        ServerLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            // Bounded to a million by the parser, so it fits every usize we build for.
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
    }

    /// The TLS files asked for, if any; a certificate without its key (or the reverse),
    /// or client-certificate settings without TLS, are refused.
    pub fn tls_files(&self) -> Result<Option<TlsFiles>, TlsError> {
        let (cert, key) = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => (cert.clone(), key.clone()),
            (Some(_), None) => return Err(unpaired("tls-cert", "tls-key")),
            (None, Some(_)) => return Err(unpaired("tls-key", "tls-cert")),
            (None, None) if self.tls_client_ca.is_some() => {
                return Err(TlsError::ClientAuthWithoutTls {
                    flag: "tls-client-ca",
                });
            }
            (None, None) if self.tls_client_auth == ClientAuth::Required => {
                return Err(TlsError::ClientAuthWithoutTls {
                    flag: "tls-client-auth",
                });
            }
            (None, None) => return Ok(None),
        };
        if self.tls_client_ca.is_none() && self.tls_client_auth == ClientAuth::Required {
            return Err(TlsError::RequiredWithoutCa);
        }
        Ok(Some(TlsFiles {
            cert,
            key,
            client_ca: self.tls_client_ca.clone(),
            client_auth: self.tls_client_auth,
        }))
    }

    /// Everything the connection loop needs; reads the TLS files, so call it at start-up.
    pub fn server_options(&self) -> Result<ServerOptions, TlsError> {
        let tls = match self.tls_files()? {
            Some(files) => Some(TlsConfig::load(&files)?),
            None => None,
        };
        Ok(ServerOptions {
            limits: self.server_limits(),
            tls,
        })
    }
}

fn unpaired(given: &'static str, missing: &'static str) -> TlsError {
    TlsError::Unpaired { given, missing }
}

/// An `--allowed-hosts` entry: a host name or address, optionally with a port; not a URL
/// (a common slip that would silently admit nothing).
fn host_entry(entry: &str) -> Result<String, String> {
    let entry = entry.trim();
    if entry.contains('/') || entry.contains('@') || entry.chars().any(char::is_whitespace) {
        return Err(format!(
            "{entry:?} is not a host name (write `herald.example` or `herald.example:8081`)"
        ));
    }
    Ok(entry.to_owned())
}

/// An `--allowed-origins` entry: `http(s)://host[:port]`, as browsers send it.
fn origin_entry(entry: &str) -> Result<String, String> {
    let trimmed = entry.trim().trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && host_entry(host).is_ok() => Ok(trimmed.to_owned()),
        _ => Err(format!(
            "{entry:?} is not an origin (write `https://portal.example`, no path)"
        )),
    }
}

/// The database flag shared by the commands that open it.
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Where the data lives (as for `herald serve`).
    #[arg(
        long = "database",
        env = "HERALD_DATABASE_URL",
        default_value = "sqlite://herald.db"
    )]
    pub database_url: DatabaseUrl,
}

/// The demo catalog file: beside the working directory (`cargo run` from the repository)
/// or where the sources were built.
pub fn demo_catalog_path() -> std::path::PathBuf {
    let relative = std::path::Path::new("schemas-examples/catalog.yaml");
    if relative.exists() {
        return relative.to_path_buf();
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Serve {
        #[command(flatten)]
        settings: ServeSettings,
    }

    #[test]
    fn the_connection_defaults_are_the_servers_own() {
        let parsed = Serve::try_parse_from(["herald"]).expect("defaults parse");
        assert_eq!(parsed.settings.server_limits(), ServerLimits::default());
    }

    #[test]
    fn connection_limits_come_from_flags_and_zero_is_refused() {
        let parsed = Serve::try_parse_from([
            "herald",
            "--header-read-timeout-secs",
            "3",
            "--idle-timeout-secs",
            "120",
            "--max-connections",
            "50",
        ])
        .expect("flags parse");
        assert_eq!(
            parsed.settings.server_limits(),
            ServerLimits {
                header_read_timeout: Duration::from_secs(3),
                idle_timeout: Duration::from_secs(120),
                max_connections: 50,
            }
        );
        for flag in [
            "--header-read-timeout-secs",
            "--idle-timeout-secs",
            "--max-connections",
        ] {
            assert!(
                Serve::try_parse_from(["herald", flag, "0"]).is_err(),
                "{flag} 0 accepted"
            );
        }
    }

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeSettings,
    }

    #[test]
    fn allow_lists_are_comma_separated_and_checked() {
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "herald",
            "--allowed-hosts",
            "herald.example, 10.0.0.1:8081,[::1]",
            "--allowed-origins",
            "https://portal.example/,http://localhost:3000",
        ])
        .expect("parses");
        assert_eq!(
            cli.serve.allowed_hosts,
            ["herald.example", "10.0.0.1:8081", "[::1]"]
        );
        assert_eq!(
            cli.serve.allowed_origins,
            ["https://portal.example", "http://localhost:3000"]
        );
        let defaults = Cli::try_parse_from(["herald"]).expect("parses");
        assert!(defaults.serve.allowed_hosts.is_empty());
        assert!(defaults.serve.allowed_origins.is_empty());
        for (flag, value) in [
            ("--allowed-hosts", "https://herald.example"),
            ("--allowed-hosts", "herald.example/ui"),
            ("--allowed-origins", "portal.example"),
            ("--allowed-origins", "https://portal.example/app"),
            ("--allowed-origins", "https://"),
        ] {
            assert!(
                Cli::try_parse_from(["herald", flag, value]).is_err(),
                "{flag} {value}"
            );
        }
    }

    #[test]
    fn credentials_are_redacted_in_logs_and_debug() {
        let settings = ServeSettings {
            listen: "127.0.0.1:1".parse().expect("addr"),
            database_url: DatabaseUrl::new("postgres://herald:p@ss:w%40rd@db:5432/herald"),
            max_body_bytes: 1,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 75,
            max_connections: 10_000,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            tls_client_auth: ClientAuth::Optional,
            auth_config: None,
            demo: false,
            usage_tracking: true,
            usage_flush_secs: 5,
            usage_retention_days: 90,
            usage_max_keys: 10,
            usage_recent_days: 7,
        };
        assert_eq!(
            settings.database_url.to_string(),
            "postgres://***@db:5432/herald"
        );
        let debug = format!("{settings:?}");
        for secret in ["p@ss", "w%40rd", "ss:w"] {
            assert!(!debug.contains(secret), "{debug} leaked {secret}");
        }
    }

    fn tls_files_of(args: &[&str]) -> Result<Option<TlsFiles>, String> {
        let mut argv = vec!["herald"];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        cli.serve.tls_files().map_err(|e| e.to_string())
    }

    #[test]
    fn tls_needs_a_certificate_and_its_key_and_says_which_is_missing() {
        assert_eq!(tls_files_of(&[]), Ok(None));
        let error = tls_files_of(&["--tls-cert", "c.pem"]).expect_err("no key");
        assert!(error.contains("--tls-key is not"), "{error}");
        let error = tls_files_of(&["--tls-key", "k.pem"]).expect_err("no cert");
        assert!(error.contains("--tls-cert is not"), "{error}");
        let error = tls_files_of(&["--tls-client-ca", "ca.pem"]).expect_err("no TLS");
        assert!(
            error.contains("--tls-client-ca needs --tls-cert"),
            "{error}"
        );
        let error = tls_files_of(&[
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--tls-client-auth",
            "required",
        ])
        .expect_err("required without a CA");
        assert!(error.contains("--tls-client-ca"), "{error}");
        assert!(tls_files_of(&["--tls-client-auth", "sometimes"]).is_err());
    }

    #[test]
    fn tls_flags_make_tls_files() {
        let files = tls_files_of(&[
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--tls-client-ca",
            "ca.pem",
            "--tls-client-auth",
            "required",
        ])
        .expect("valid")
        .expect("TLS on");
        assert_eq!(
            files,
            TlsFiles {
                cert: "c.pem".into(),
                key: "k.pem".into(),
                client_ca: Some("ca.pem".into()),
                client_auth: ClientAuth::Required,
            }
        );
        let files = tls_files_of(&["--tls-cert", "c.pem", "--tls-key", "k.pem"])
            .expect("valid")
            .expect("TLS on");
        assert_eq!(
            (files.client_ca, files.client_auth),
            (None, ClientAuth::Optional)
        );
    }

    #[test]
    fn an_unreadable_key_is_named_by_flag_and_path() {
        let dir = tempfile::tempdir().expect("dir");
        let cert = dir.path().join("cert.pem");
        std::fs::write(
            &cert,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let key = dir.path().join("missing-key.pem");
        let cli = Cli::try_parse_from([
            "herald",
            "--tls-cert",
            cert.to_str().expect("utf-8"),
            "--tls-key",
            key.to_str().expect("utf-8"),
        ])
        .expect("parses");
        let error = cli
            .serve
            .server_options()
            .expect_err("no key file")
            .to_string();
        assert!(error.starts_with("--tls-key "), "{error}");
        assert!(error.contains("missing-key.pem"), "{error}");
    }
}
