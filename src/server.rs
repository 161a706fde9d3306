//! The connection loop: accepts TCP connections and serves HTTP/1.1 on each with hyper,
//! handing every request to one tower service (the app's front door). Written out rather
//! than taken from `axum::serve` because the warm schema-by-id read is cheap enough that
//! the per-request plumbing around it shows (see BENCHMARKS.md): here a connection is a
//! task with hyper's HTTP/1 state machine and a watchdog (`watchdog.rs`) that closes it
//! when the client is too slow to send a request head or leaves it idle too long.
//!
//! With TLS (`tls.rs`), the handshake runs inside the same watchdog, so it counts against
//! the header-read timeout; a verified client certificate reaches every request of its
//! connection as a [`PeerCertificate`] extension.
//!
//! The connection cap is a semaphore taken before `accept`: beyond it, new connections wait
//! in the kernel's listen backlog (and, once that is full, their SYNs go unanswered and
//! clients retry) rather than being accepted and closed. A burst then costs clients latency,
//! not errors, and a flood costs the server nothing it would not spend anyway.

mod peer;
mod tls;
mod watchdog;

pub use peer::{ClientAddress, PeerCertificate};

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::BoxError;
use axum::http::{Request, Response};
use bytes::Bytes;
use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::Service;

pub use tls::{ClientAuth, TlsConfig, TlsError, TlsFiles};

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

/// How the loop serves: its limits, and TLS if configured.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    pub limits: ServerLimits,
    /// `None`: plain HTTP.
    pub tls: Option<TlsConfig>,
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
    let options = ServerOptions { limits, tls: None };
    serve_with(listener, service, options, shutdown).await
}

/// [`serve`] with every option, TLS included.
pub async fn serve_with<S, B>(
    listener: TcpListener,
    service: S,
    options: ServerOptions,
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
    let limits = options.limits;
    let graceful = GracefulShutdown::new();
    // Tells connections still in their TLS handshake (not yet watched by `graceful`, which
    // only knows HTTP connections) that the server is stopping.
    let (stopping, stop_seen) = watch::channel(false);
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
                Ok(accepted) => accepted,
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
        let connection = Connection {
            service: service.clone(),
            tls: options.tls.clone(),
            timeouts,
            graceful: graceful.watcher(),
            stopping: stop_seen.clone(),
        };
        tokio::spawn(async move {
            connection.run(stream, peer).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    graceful.shutdown().await;
    Ok(())
}

/// One accepted connection and what serving it needs.
struct Connection<S> {
    service: S,
    tls: Option<TlsConfig>,
    timeouts: Timeouts,
    graceful: Watcher,
    stopping: watch::Receiver<bool>,
}

impl<S, B> Connection<S>
where
    S: Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    /// Serves the connection until it ends, the watchdog closes it or (during a TLS
    /// handshake) the server stops. The watchdog starts at accept, so the handshake counts
    /// inside the header-read timeout.
    async fn run(mut self, stream: TcpStream, peer: SocketAddr) {
        let activity = Arc::new(Activity::default());
        let expiry = watchdog::expired(&activity, self.timeouts);
        tokio::pin!(expiry);
        let socket = Watched::new(stream, activity.clone());
        let Some(tls) = self.tls.take() else {
            return self.http(socket, peer, None, &activity, expiry).await;
        };
        let handshake = tokio::select! {
            handshake = tls.acceptor().accept(socket) => handshake,
            reason = &mut expiry => {
                tracing::debug!(%peer, reason, "closing a connection during its TLS handshake");
                return;
            }
            _ = self.stopping.wait_for(|stopping| *stopping) => return,
        };
        match handshake {
            Ok(stream) => {
                let certificate = PeerCertificate::of(stream.get_ref().1);
                self.http(stream, peer, certificate, &activity, expiry)
                    .await;
            }
            Err(error) => tracing::debug!(%peer, %error, "TLS handshake failed"),
        }
    }

    /// HTTP/1.1 on `io`, every request carrying the client's address and `certificate` if
    /// there is one.
    async fn http<I>(
        self,
        io: I,
        address: SocketAddr,
        certificate: Option<PeerCertificate>,
        activity: &Arc<Activity>,
        expiry: Pin<&mut impl Future<Output = &'static str>>,
    ) where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let service = WithPeer::new(TowerToHyperService::new(self.service), address, certificate);
        let connection = http1::Builder::new()
            .serve_connection(TokioIo::new(io), Counted::new(service, activity.clone()));
        let connection = self.graceful.watch(connection);
        tokio::select! {
            ended = connection => if let Err(error) = ended {
                tracing::debug!(%error, "connection ended with an error");
            },
            // Dropping the connection closes the socket.
            reason = expiry => {
                tracing::debug!(reason, "closing a connection");
            }
        }
    }
}

/// A hyper service that puts what the connection knows of its client into each request's
/// extensions: the address, and the verified client certificate if any. Only the
/// connection loop sets them, never a header.
#[derive(Debug, Clone)]
struct WithPeer<S> {
    inner: S,
    address: ClientAddress,
    certificate: Option<PeerCertificate>,
}

impl<S> WithPeer<S> {
    fn new(inner: S, address: SocketAddr, certificate: Option<PeerCertificate>) -> Self {
        Self {
            inner,
            address: ClientAddress(address),
            certificate,
        }
    }
}

impl<S, B> hyper::service::Service<Request<B>> for WithPeer<S>
where
    S: hyper::service::Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn call(&self, mut request: Request<B>) -> Self::Future {
        request.extensions_mut().insert(self.address);
        if let Some(certificate) = &self.certificate {
            request.extensions_mut().insert(certificate.clone());
        }
        self.inner.call(request)
    }
}

/// Errors that concern one connection only (the peer gave up before we accepted it).
fn is_peer_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
