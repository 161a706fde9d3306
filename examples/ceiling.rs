//! The machine's ceiling for the benchmark in `bench/run.sh`: a bare axum server with one
//! `GET` route answering a constant JSON body about the size of a typical
//! `GET /schemas/ids/{id}` answer. Same runtime as `herald serve` (`#[tokio::main]`, i.e.
//! the multi-thread runtime with one worker per core), no middleware, no state.
//!
//! Usage: `cargo run --release --example ceiling -- --listen 127.0.0.1:18080`
//! (or `CEILING_LISTEN=127.0.0.1:18080`). Every path answers the same body.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// Shaped like a `/schemas/ids/{id}` answer for a small Avro record (about 150 bytes).
const BODY: &str = concat!(
    r#"{"schema":"{\"type\":\"record\",\"name\":\"Bench42\",\"namespace\":\"herald.bench\","#,
    r#"\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"f42\",\"type\":\"string\"}]}"}"#,
);

const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

fn listen_address() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut listen = std::env::var("CEILING_LISTEN").ok();
    while let Some(arg) = args.next() {
        if let Some(value) = arg.strip_prefix("--listen=") {
            listen = Some(value.to_string());
        } else if arg == "--listen" {
            listen = Some(args.next().ok_or("--listen needs an address")?);
        } else {
            return Err(format!(
                "unknown argument {arg:?} (usage: ceiling --listen ADDR)"
            ));
        }
    }
    let listen = listen.unwrap_or_else(|| "127.0.0.1:18080".to_string());
    listen
        .parse()
        .map_err(|e| format!("bad listen address {listen:?}: {e}"))
}

async fn constant() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], BODY)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = listen_address()?;
    let router = Router::new()
        .route("/", get(constant))
        .route("/{*rest}", get(constant));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "ceiling listening on {} ({} body bytes)",
        listener.local_addr()?,
        BODY.len()
    );
    axum::serve(listener, router).await?;
    Ok(())
}
