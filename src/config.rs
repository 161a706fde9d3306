//! Settings of `herald serve`: flags, each also settable through a `HERALD_*` variable.

use std::net::SocketAddr;

use clap::Args;

use crate::secret::DatabaseUrl;

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

    /// Load the demo landscape (schemas-examples/catalog.yaml) if the database is empty.
    #[arg(long, env = "HERALD_DEMO")]
    pub demo: bool,
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

    #[test]
    fn credentials_are_redacted_in_logs_and_debug() {
        let settings = ServeSettings {
            listen: "127.0.0.1:1".parse().expect("addr"),
            database_url: DatabaseUrl::new("postgres://herald:p@ss:w%40rd@db:5432/herald"),
            max_body_bytes: 1,
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
