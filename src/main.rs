//! The `herald` command line. No logic here: parse, then call the library.

use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use herald::access::Access;
use herald::app::{self, App};
use herald::catalog::CatalogError;
use herald::catalog::file::SourcedFile;
use herald::config::{DatabaseSettings, ServeSettings, demo_catalog_path};
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
    /// Run the HTTP server (Confluent Schema Registry API, catalog API and portal on --listen).
    Serve(ServeSettings),
    /// Catalog as code: apply a catalog file, or export the catalog as one.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Credentials for the access file: password hashes and API tokens.
    #[command(subcommand)]
    Auth(AuthCommand),
}

#[derive(Debug, Subcommand)]
enum AuthCommand {
    /// Read a password from standard input (one line) and print its argon2id hash, for a
    /// user's `password_hash`.
    HashPassword,
    /// Mint an API token: prints the token once (give it to the client) and the entry
    /// to add under `tokens:` (which holds only its hash).
    Token(TokenArgs),
    /// Check an access file and print what it grants; exits 1 with file:line errors if
    /// it is broken.
    Check {
        /// The access file.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
struct TokenArgs {
    /// The principal the token stands for.
    #[arg(long)]
    name: String,
    /// Last day (YYYY-MM-DD) or instant (YYYY-MM-DDTHH:MM:SSZ) the token works.
    #[arg(long)]
    expires: Option<String>,
    /// Groups the principal is in (comma-separated).
    #[arg(long, value_delimiter = ',')]
    groups: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// Make the catalog (and its subjects) look like FILE: idempotent, all or nothing.
    Apply(ApplyArgs),
    /// Print the catalog as a catalog file (YAML).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
struct ApplyArgs {
    /// The catalog file (docs/catalog-format.md).
    file: PathBuf,
    /// Only check the file and print the plan; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Who the audit log names.
    #[arg(long, default_value = "cli")]
    actor: String,
    #[command(flatten)]
    database: DatabaseSettings,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Include every live version of the subjects the catalog names, inline.
    #[arg(long)]
    schemas: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    database: DatabaseSettings,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("HERALD_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match Cli::parse().command {
        Command::Serve(settings) => serve(settings).await.map(|()| ExitCode::SUCCESS),
        Command::Catalog(CatalogCommand::Apply(args)) => apply(args).await,
        Command::Catalog(CatalogCommand::Export(args)) => {
            export(args).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Auth(command) => auth(command),
    }
}

/// Applies a catalog file, printing the plan; a refused file prints every problem (with
/// file and line) and exits with status 1.
async fn apply(args: ApplyArgs) -> anyhow::Result<ExitCode> {
    let app = App::open(&args.database.database_url, usize::MAX).await?;
    let outcome = match SourcedFile::read(&args.file) {
        Ok(sourced) => app.catalog.apply(&sourced, args.dry_run, &args.actor).await,
        Err(error) => Err(CatalogError::File(error)),
    };
    match outcome {
        Ok(report) => {
            let verb = if report.dry_run { "would make" } else { "made" };
            println!(
                "{}: {verb} {} change(s)",
                args.file.display(),
                report.changes.len()
            );
            for change in &report.changes {
                println!("  {change}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(CatalogError::File(herald::catalog::file::FileError::Problems {
            source_name,
            problems,
        })) => {
            eprintln!("{source_name}: refused, nothing was changed:");
            for problem in problems {
                let line = problem.line.map(|l| format!(":{l}")).unwrap_or_default();
                eprintln!(
                    "  {source_name}{line}: {} {}: {}",
                    problem.kind, problem.name, problem.message
                );
            }
            Ok(ExitCode::FAILURE)
        }
        Err(error) => {
            eprintln!("{}: refused: {error}", args.file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let app = App::open(&args.database.database_url, usize::MAX).await?;
    let yaml = app
        .catalog
        .export(args.schemas, &herald::catalog::Everything)
        .await?
        .to_yaml();
    match args.output {
        Some(path) => std::fs::write(path, yaml)?,
        None => print!("{yaml}"),
    }
    Ok(())
}

fn auth(command: AuthCommand) -> anyhow::Result<ExitCode> {
    use herald::access::cli;
    let printed = match command {
        AuthCommand::HashPassword => cli::hash_password(&mut std::io::stdin().lock()),
        AuthCommand::Token(args) => cli::token(&args.name, args.expires.as_deref(), &args.groups),
        AuthCommand::Check { file } => cli::check(&file),
    };
    match printed {
        Ok(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("{message}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn serve(settings: ServeSettings) -> anyhow::Result<()> {
    // TLS files are read first: a bad one stops start-up before anything else happens.
    let options = settings.server_options()?;
    let access = match &settings.auth_config {
        Some(path) => Arc::new(Access::from_file(path)?),
        None => Arc::new(Access::open()),
    };
    access.watch();
    warn_if_open(&access, settings.listen);
    let app = App::open_with(
        &settings.database_url,
        settings.max_body_bytes,
        settings.usage_settings(),
    )
    .await?
    .with_allow_lists(&settings.allowed_hosts, &settings.allowed_origins)
    .with_access(access);
    if settings.demo {
        let path = demo_catalog_path();
        if app.load_demo(&path).await? {
            tracing::info!(catalog = %path.display(), "loaded the demo landscape");
        } else {
            tracing::info!("the database is not empty: the demo landscape was not loaded");
        }
    }
    let listener = tokio::net::TcpListener::bind(settings.listen).await?;
    tracing::info!(
        listen = %listener.local_addr()?,
        database = %settings.database_url,
        transport = options.tls.as_ref().map_or_else(|| "plain HTTP".to_owned(), |tls| tls.mode()),
        "Herald is serving the Confluent Schema Registry API"
    );
    app::serve_with(listener, &app, options, shutdown_signal()).await?;
    // What was counted since the last flush goes to the database before exiting.
    if let Err(error) = app.usage.flush().await {
        tracing::warn!(%error, "the last usage flush failed");
    }
    tracing::info!("Herald stopped");
    Ok(())
}

/// Without an access file Herald is open: say so, and loudly when it listens beyond
/// loopback.
fn warn_if_open(access: &Access, listen: std::net::SocketAddr) {
    if !access.policy().is_open() {
        tracing::info!(file = ?access.source(), policy = %access.policy().summary(), "access control is on");
    } else if listen.ip().is_loopback() {
        tracing::warn!(
            "access control is off (no --auth-config): anyone who can reach this port may do anything"
        );
    } else {
        tracing::error!(
            %listen,
            "ACCESS CONTROL IS OFF and Herald listens beyond loopback: anyone who can reach \
             this port may delete every schema, change every setting and rewrite the catalog. \
             Give it an access file (--auth-config, docs/security.md) before exposing it."
        );
    }
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
