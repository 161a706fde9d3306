//! The connection loop: accepts TCP connections and serves HTTP/1.1 on each with hyper,
//! handing every request to one tower service (the app's front door). Written out rather
//! than taken from `axum::serve` because the warm schema-by-id read is cheap enough that
//! the per-request plumbing around it shows (see BENCHMARKS.md): here a connection is a
//! task with hyper's HTTP/1 state machine and a watchdog (`watchdog.rs`) that closes it
//! when the client is too slow to send a request head or leaves it idle too long.
//!
//! The connection cap is a semaphore taken before `accept`: beyond it, new connections wait
//! in the kernel's listen backlog (and, once that is full, their SYNs go unanswered and
//! clients retry) rather than being accepted and closed. A burst then costs clients latency,
//! not errors, and a flood costs the server nothing it would not spend anyway.

mod peer;
mod watchdog;

pub use peer::{ClientAddress, PeerCertificate};

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::BoxError;
use axum::http::{Request, Response};
use bytes::Bytes;
use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

use watchdog::{Activity, Counted, Timeouts, Watched};

/// How long to back off when accepting fails for a reason that is not the peer's (out of
/// file descriptors, say), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What a connection may cost the server: how long it may take to send a request head, how
/// long it may sit idle, and how many may be open at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// From the connection's opening, or from the first byte after the previous answer, to
    /// the end of the request head; a slower client is disconnected.
    pub header_read_timeout: Duration,
    /// How long a connection may stay open with no request being answered and no bytes
    /// going either way.
    pub idle_timeout: Duration,
    /// Connections open at once; further ones wait to be accepted.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            max_connections: 10_000,
        }
    }
}

/// Serves `service` on `listener` until `shutdown` resolves; then stops accepting, lets
/// every open connection finish the request it is on, and returns once all have closed.
pub async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    S: Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let timeouts = Timeouts {
        header_read: limits.header_read_timeout,
        idle: limits.idle_timeout,
    };
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => (stream, peer),
                Err(error) if is_peer_error(&error) => continue,
                Err(error) => {
                    tracing::error!(%error, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are written whole; don't let Nagle hold the last segment back.
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::default());
        let connection = http1::Builder::new().serve_connection(
            TokioIo::new(Watched::new(stream, activity.clone())),
            Counted::new(
                TowerToHyperService::new(with_client_address(service.clone(), peer)),
                activity.clone(),
            ),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => if let Err(error) = ended {
                    tracing::debug!(%error, "connection ended with an error");
                },
                // Dropping the connection closes the socket.
                reason = watchdog::expired(&activity, timeouts) => {
                    tracing::debug!(reason, "closing a connection");
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Every request of the connection carries the client's address.
fn with_client_address<S, B>(
    service: S,
    peer: std::net::SocketAddr,
) -> tower::util::MapRequest<S, impl Fn(Request<B>) -> Request<B> + Clone>
where
    S: Service<Request<B>> + Clone,
{
    tower::util::MapRequest::new(service, move |mut request: Request<B>| {
        request.extensions_mut().insert(ClientAddress(peer));
        request
    })
}

/// Errors that concern one connection only (the peer gave up before we accepted it).
fn is_peer_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
