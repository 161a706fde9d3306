//! The connection loop under hostile or lazy clients: raw sockets that stall, trickle, sit
//! idle or queue beyond the connection cap, against a real server on port 0.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use bytes::Bytes;
use herald::server::{self, ServerLimits};
use http_body_util::Full;
use hyper::{Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::*;

const GET_SUBJECTS: &[u8] = b"GET /subjects HTTP/1.1\r\nHost: herald\r\n\r\n";

/// Longest any test waits for something that should happen.
const PATIENCE: Duration = Duration::from_secs(5);

fn limits(header_read_ms: u64, idle_ms: u64, max_connections: usize) -> ServerLimits {
    ServerLimits {
        header_read_timeout: Duration::from_millis(header_read_ms),
        idle_timeout: Duration::from_millis(idle_ms),
        max_connections,
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.addr).await.expect("connect")
}

/// Waits until the server closes `stream` (end of file or reset), ignoring whatever it sends
/// first; how long that took. Fails if it stays open for `PATIENCE`.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    let closing = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(PATIENCE, closing)
        .await
        .expect("the server should have closed the connection");
    started.elapsed()
}

/// Reads one response (head and `Content-Length` body) and returns its status line.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let reading = async {
        loop {
            if let Some(end) = find(&received, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .expect("responses here have a Content-Length");
                if received.len() >= end + 4 + length {
                    return head.lines().next().unwrap_or_default().to_string();
                }
            }
            let read = stream.read(&mut buffer).await.expect("read");
            assert!(read > 0, "closed mid-response: {received:?}");
            received.extend_from_slice(&buffer[..read]);
        }
    };
    tokio::time::timeout(PATIENCE, reading)
        .await
        .expect("a response in time")
}

/// Asks for the subject list on `stream` and insists on a 200.
async fn get_subjects(stream: &mut TcpStream) {
    stream.write_all(GET_SUBJECTS).await.expect("write");
    assert_eq!(read_response(stream).await, "http/1.1 200 ok");
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[tokio::test]
async fn half_a_request_line_is_closed_within_the_header_read_timeout() {
    let app = TestApp::spawn_with_server_limits(limits(300, 60_000, 100)).await;
    let mut stream = connect(&app).await;
    stream.write_all(b"GET /subj").await.expect("write");
    let elapsed = closed_after(&mut stream).await;
    assert!(
        elapsed >= Duration::from_millis(250),
        "closed early: {elapsed:?}"
    );
}

#[tokio::test]
async fn trickling_a_request_head_does_not_buy_time() {
    let app = TestApp::spawn_with_server_limits(limits(400, 60_000, 100)).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    // One byte every 50 ms, far slower than the whole head would need: a slowloris.
    let mut closed = false;
    for byte in b"GET /subjects HTTP/1.1\r\nHost: herald\r\nX-Slow: ".repeat(4) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if stream.write_all(&[byte]).await.is_err() {
            closed = true;
            break;
        }
    }
    if !closed {
        closed_after(&mut stream).await;
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(3),
        "trickled for {elapsed:?} before being closed"
    );
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_within_the_header_read_timeout() {
    let app = TestApp::spawn_with_server_limits(limits(300, 60_000, 100)).await;
    let mut stream = connect(&app).await;
    let elapsed = closed_after(&mut stream).await;
    assert!(
        elapsed >= Duration::from_millis(250),
        "closed early: {elapsed:?}"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let app = TestApp::spawn_with_server_limits(limits(5_000, 400, 100)).await;
    let mut stream = connect(&app).await;
    get_subjects(&mut stream).await;
    // Within the idle timeout the connection is kept for the next request.
    tokio::time::sleep(Duration::from_millis(100)).await;
    get_subjects(&mut stream).await;
    let elapsed = closed_after(&mut stream).await;
    assert!(
        elapsed >= Duration::from_millis(350),
        "closed early: {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(4),
        "the idle timeout, not the header-read timeout, closes an idle connection: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_keep_alive_connection_may_idle_longer_than_the_header_read_timeout() {
    // Load balancers keep idle connections for a minute; a shorter header-read timeout must
    // not cut them between requests.
    let app = TestApp::spawn_with_server_limits(limits(200, 5_000, 100)).await;
    let mut stream = connect(&app).await;
    get_subjects(&mut stream).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    get_subjects(&mut stream).await;
}

/// A service that answers 200 after `delay`, standing in for a slow registration.
fn slow_service(
    delay: Duration,
) -> impl tower::Service<
    Request<hyper::body::Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future: Send + 'static,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |_request| async move {
        tokio::time::sleep(delay).await;
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"done"))))
    })
}

/// Serves `service` with `limits` on a free port; the address, the shutdown trigger and the
/// server task.
async fn serve_raw(
    service: impl tower::Service<
        Request<hyper::body::Incoming>,
        Response = Response<Full<Bytes>>,
        Error = Infallible,
        Future: Send + 'static,
    > + Clone
    + Send
    + 'static,
    limits: ServerLimits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, service, limits, async {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

#[tokio::test]
async fn a_slow_answer_is_not_cut_by_the_timeouts() {
    let (addr, _stop, _server) = serve_raw(
        slow_service(Duration::from_millis(1_200)),
        limits(200, 300, 100),
    )
    .await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    get_subjects(&mut stream).await;
}

#[tokio::test]
async fn beyond_the_connection_limit_a_connection_waits_until_one_closes() {
    let app = TestApp::spawn_with_server_limits(limits(10_000, 10_000, 2)).await;
    let mut slow = vec![connect(&app).await, connect(&app).await];
    for stream in &mut slow {
        stream.write_all(b"GET /").await.expect("write");
    }
    let mut extra = connect(&app).await;
    extra.write_all(GET_SUBJECTS).await.expect("write");
    let mut first_byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), extra.read(&mut first_byte)).await;
    assert!(
        early.is_err(),
        "the connection beyond the limit was served: {early:?}"
    );
    drop(slow.pop());
    assert_eq!(read_response(&mut extra).await, "http/1.1 200 ok");
    drop(slow);
    drop(extra);
    let (status, _) = app.get("/subjects").await;
    assert_eq!(
        status, 200,
        "a normal client is served once the slow ones went"
    );
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_answer_in_flight_and_returns() {
    let (addr, stop, server) = serve_raw(
        slow_service(Duration::from_millis(400)),
        limits(10_000, 10_000, 100),
    )
    .await;
    // An idle connection must not hold the shutdown up.
    let _idle = TcpStream::connect(addr).await.expect("connect");
    let mut busy = TcpStream::connect(addr).await.expect("connect");
    busy.write_all(GET_SUBJECTS).await.expect("write");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).expect("server running");
    assert_eq!(read_response(&mut busy).await, "http/1.1 200 ok");
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops")
        .expect("joined")
        .expect("served");
}
