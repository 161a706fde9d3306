//! The `herald` command line. No logic here: parse, then call the library.

use clap::{Parser, Subcommand};
use herald::app::{self, App};
use herald::config::ServeSettings;
use tracing_subscriber::EnvFilter;

/// Herald: a Confluent-compatible schema registry and event portal.
#[derive(Debug, Parser)]
#[command(
    version,
    about,
    after_help = "Logging: set HERALD_LOG (e.g. HERALD_LOG=debug, or HERALD_LOG=herald=debug,info)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (Confluent Schema Registry API on --listen).
    Serve(ServeSettings),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("HERALD_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match Cli::parse().command {
        Command::Serve(settings) => serve(settings).await,
    }
}

async fn serve(settings: ServeSettings) -> anyhow::Result<()> {
    let app = App::open(&settings.database_url, settings.max_body_bytes).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen).await?;
    tracing::info!(
        listen = %listener.local_addr()?,
        database = %settings.database_for_logs(),
        "Herald is serving the Confluent Schema Registry API"
    );
    app::serve(listener, &app, shutdown_signal()).await?;
    tracing::info!("Herald stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: finish in-flight requests, then exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
