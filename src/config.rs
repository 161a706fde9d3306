//! Settings of `herald serve`: flags, each also settable through a `HERALD_*` variable.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

use crate::secret::DatabaseUrl;
use crate::server::ServerLimits;

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

    /// Load the demo landscape (schemas-examples/catalog.yaml) if the database is empty.
    #[arg(long, env = "HERALD_DEMO")]
    pub demo: bool,
}

impl ServeSettings {
    /// The connection loop's limits these settings ask for.
    pub fn server_limits(&self) -> ServerLimits {
        ServerLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            // Bounded to a million by the parser, so it fits every usize we build for.
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
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

    #[test]
    fn credentials_are_redacted_in_logs_and_debug() {
        let settings = ServeSettings {
            listen: "127.0.0.1:1".parse().expect("addr"),
            database_url: DatabaseUrl::new("postgres://herald:p@ss:w%40rd@db:5432/herald"),
            max_body_bytes: 1,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 75,
            max_connections: 10_000,
            demo: false,
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
}
