//! The machine's ceilings for the benchmark in `bench/run.sh`: a server answering every
//! `GET` with a constant JSON body about the size of a typical `GET /schemas/ids/{id}`
//! answer, on the same runtime as `herald serve` (`#[tokio::main]`, the multi-thread
//! runtime with one worker per core). Two modes:
//!
//! - `axum` (default): a bare axum router, no middleware, no state — what the framework
//!   costs when it does nothing;
//! - `hyper`: a raw hyper 1 HTTP/1 connection loop with no router and no tower — what the
//!   machine can do with the HTTP implementation Herald sits on.
//!
//! Usage: `cargo run --release --example ceiling -- --listen 127.0.0.1:18080 [--mode hyper]`
//! (or `CEILING_LISTEN=127.0.0.1:18080`).

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;

/// Shaped like a `/schemas/ids/{id}` answer for a small Avro record (about 150 bytes).
const BODY: &str = concat!(
    r#"{"schema":"{\"type\":\"record\",\"name\":\"Bench42\",\"namespace\":\"herald.bench\","#,
    r#"\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"f42\",\"type\":\"string\"}]}"}"#,
);

const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Axum,
    Hyper,
}

struct Args {
    listen: SocketAddr,
    mode: Mode,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut listen = std::env::var("CEILING_LISTEN").ok();
    let mut mode = Mode::Axum;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match flag.as_str() {
            "--listen" => listen = Some(value().ok_or("--listen needs an address")?),
            "--mode" => {
                mode = match value().as_deref() {
                    Some("axum") => Mode::Axum,
                    Some("hyper") => Mode::Hyper,
                    other => return Err(format!("--mode takes axum or hyper, not {other:?}")),
                }
            }
            _ => {
                return Err(format!(
                    "unknown argument {flag:?} (usage: ceiling --listen ADDR [--mode axum|hyper])"
                ));
            }
        }
    }
    let listen = listen.unwrap_or_else(|| "127.0.0.1:18080".to_string());
    let listen = listen
        .parse()
        .map_err(|e| format!("bad listen address {listen:?}: {e}"))?;
    Ok(Args { listen, mode })
}

async fn constant() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], BODY)
}

async fn serve_axum(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let router = Router::new()
        .route("/", get(constant))
        .route("/{*rest}", get(constant));
    axum::serve(listener, router).await
}

/// One task per connection, hyper's HTTP/1 state machine, a `service_fn` that allocates
/// only the response head.
async fn serve_hyper(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|_request| async {
                let mut response =
                    hyper::Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static(MEDIA_TYPE),
                );
                Ok::<_, Infallible>(response)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let name = match args.mode {
        Mode::Axum => "axum",
        Mode::Hyper => "hyper",
    };
    eprintln!(
        "ceiling ({name}) listening on {} ({} body bytes)",
        listener.local_addr()?,
        BODY.len()
    );
    match args.mode {
        Mode::Axum => serve_axum(listener).await?,
        Mode::Hyper => serve_hyper(listener).await?,
    }
    Ok(())
}
