//! The per-connection watchdog: closes a connection that takes too long to send a request
//! head, or that sits idle (no request being answered, no bytes either way) too long.
//!
//! Written here rather than taken from hyper because hyper 1's `header_read_timeout` starts
//! its clock as soon as a keep-alive connection goes idle, so it cannot tell a slowloris
//! (seconds) from a pooled connection waiting for its next request (a minute behind a load
//! balancer). The hot path pays for it with one relaxed atomic store per socket read or
//! write and two per request; the clock is read only by the watchdog, a few times per
//! timeout.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// What the socket and the service saw since the watchdog last looked. Written by the hot
/// path, read and cleared by the watchdog.
#[derive(Debug, Default)]
pub(super) struct Activity {
    bytes_moved: AtomicBool,
    bytes_read: AtomicBool,
    request_started: AtomicBool,
    in_flight: AtomicUsize,
}

impl Activity {
    fn saw_read(&self) {
        self.bytes_moved.store(true, Relaxed);
        self.bytes_read.store(true, Relaxed);
    }

    fn saw_write(&self) {
        self.bytes_moved.store(true, Relaxed);
    }

    /// Marks a request as being answered until the returned guard is dropped.
    fn answering(self: &Arc<Self>) -> InFlight {
        self.request_started.store(true, Relaxed);
        self.in_flight.fetch_add(1, Relaxed);
        InFlight(self.clone())
    }

    fn take(&self) -> Seen {
        Seen {
            bytes_moved: self.bytes_moved.swap(false, Relaxed),
            bytes_read: self.bytes_read.swap(false, Relaxed),
            request_started: self.request_started.swap(false, Relaxed),
            answering: self.in_flight.load(Relaxed) > 0,
        }
    }
}

struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

/// One look at [`Activity`].
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    bytes_moved: bool,
    bytes_read: bool,
    request_started: bool,
    answering: bool,
}

/// Where a connection is, as far as the timeouts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request head whose first byte (or the connection) came at `since`.
    Head { since: Instant },
    /// Nothing to answer, nothing moving since `since`.
    Idle { since: Instant },
    /// A request is being answered: no timeout applies.
    Answering,
}

impl Phase {
    fn next(self, seen: Seen, now: Instant) -> Self {
        if seen.answering {
            return Self::Answering;
        }
        match self {
            // A request came and went since the last look, or the answer just finished.
            _ if seen.request_started => Self::Idle { since: now },
            Self::Answering => Self::Idle { since: now },
            Self::Idle { .. } if seen.bytes_read => Self::Head { since: now },
            Self::Idle { .. } if seen.bytes_moved => Self::Idle { since: now },
            // Bytes trickling in do not extend the time a head may take.
            unchanged => unchanged,
        }
    }

    /// Why the connection should be closed now, if it should.
    fn expired(self, now: Instant, timeouts: Timeouts) -> Option<&'static str> {
        match self {
            Self::Head { since } if now - since >= timeouts.header_read => {
                Some("no complete request head within the header-read timeout")
            }
            Self::Idle { since } if now - since >= timeouts.idle => Some("idle"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Timeouts {
    pub header_read: Duration,
    pub idle: Duration,
}

impl Timeouts {
    /// How often the watchdog looks: often enough that a connection is closed within a
    /// quarter of its timeout past it, rarely enough that ten thousand idle connections
    /// cost a few thousand timer wake-ups a second.
    fn tick(self) -> Duration {
        (self.header_read.min(self.idle) / 4).max(Duration::from_millis(1))
    }
}

/// Resolves when the connection watched through `activity` should be closed, with why.
/// The connection counts as having just been opened.
pub(super) async fn expired(activity: &Activity, timeouts: Timeouts) -> &'static str {
    let mut phase = Phase::Head {
        since: Instant::now(),
    };
    let tick = timeouts.tick();
    loop {
        tokio::time::sleep(tick).await;
        let now = Instant::now();
        phase = phase.next(activity.take(), now);
        if let Some(reason) = phase.expired(now, timeouts) {
            return reason;
        }
    }
}

pin_project_lite::pin_project! {
    /// A socket that notes in [`Activity`] every read or write that moved bytes.
    pub(super) struct Watched<T> {
        #[pin]
        io: T,
        activity: Arc<Activity>,
    }
}

impl<T> Watched<T> {
    pub(super) fn new(io: T, activity: Arc<Activity>) -> Self {
        Self { io, activity }
    }
}

impl<T: AsyncRead> AsyncRead for Watched<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        let before = buf.filled().len();
        let polled = this.io.poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.saw_read();
        }
        polled
    }
}

impl<T: AsyncWrite> AsyncWrite for Watched<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let polled = this.io.poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            this.activity.saw_write();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let polled = this.io.poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            this.activity.saw_write();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().io.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().io.poll_shutdown(cx)
    }
}

/// A hyper service that tells [`Activity`] while it is answering a request.
#[derive(Debug, Clone)]
pub(super) struct Counted<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Counted<S> {
    pub(super) fn new(inner: S, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<S, R> hyper::service::Service<R> for Counted<S>
where
    S: hyper::service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Answer<S::Future>;

    fn call(&self, request: R) -> Self::Future {
        Answer {
            _in_flight: self.activity.answering(),
            inner: self.inner.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    /// A response being computed; the request counts as in flight until this is dropped
    /// (hyper drops it as soon as it resolves).
    pub(super) struct Answer<F> {
        #[pin]
        inner: F,
        _in_flight: InFlight,
    }
}

impl<F: Future> Future for Answer<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header_read: Duration::from_secs(10),
        idle: Duration::from_secs(60),
    };

    fn at(start: Instant, secs: u64) -> Instant {
        start + Duration::from_secs(secs)
    }

    #[test]
    fn a_head_trickling_in_keeps_its_deadline() {
        let start = Instant::now();
        let reading = Seen {
            bytes_moved: true,
            bytes_read: true,
            ..Seen::default()
        };
        let mut phase = Phase::Head { since: start };
        for secs in 1..10 {
            phase = phase.next(reading, at(start, secs));
            assert_eq!(phase.expired(at(start, secs), TIMEOUTS), None);
        }
        phase = phase.next(reading, at(start, 10));
        assert!(phase.expired(at(start, 10), TIMEOUTS).is_some());
    }

    #[test]
    fn an_idle_connection_gets_the_idle_timeout_then_the_header_one_once_bytes_come() {
        let start = Instant::now();
        let answered = Seen {
            request_started: true,
            bytes_moved: true,
            bytes_read: true,
            answering: false,
        };
        let phase = Phase::Head { since: start }.next(answered, start);
        assert_eq!(phase, Phase::Idle { since: start });
        let quiet = phase.next(Seen::default(), at(start, 59));
        assert_eq!(quiet.expired(at(start, 59), TIMEOUTS), None);
        assert!(quiet.expired(at(start, 60), TIMEOUTS).is_some());

        let first_byte = Seen {
            bytes_moved: true,
            bytes_read: true,
            ..Seen::default()
        };
        let head = quiet.next(first_byte, at(start, 30));
        assert_eq!(
            head,
            Phase::Head {
                since: at(start, 30)
            }
        );
        assert!(head.expired(at(start, 40), TIMEOUTS).is_some());
    }

    #[test]
    fn a_request_being_answered_never_expires_and_idles_from_its_end() {
        let start = Instant::now();
        let answering = Seen {
            answering: true,
            ..Seen::default()
        };
        let phase = Phase::Head { since: start }.next(answering, at(start, 1));
        assert_eq!(phase, Phase::Answering);
        assert_eq!(phase.expired(at(start, 3_600), TIMEOUTS), None);
        let done = phase.next(Seen::default(), at(start, 3_600));
        assert_eq!(
            done,
            Phase::Idle {
                since: at(start, 3_600)
            }
        );
    }

    #[test]
    fn a_response_still_being_written_keeps_the_connection_from_idling() {
        let start = Instant::now();
        let writing = Seen {
            bytes_moved: true,
            ..Seen::default()
        };
        let phase = Phase::Idle { since: start }.next(writing, at(start, 50));
        assert_eq!(
            phase,
            Phase::Idle {
                since: at(start, 50)
            }
        );
        assert_eq!(phase.expired(at(start, 100), TIMEOUTS), None);
    }

    #[test]
    fn the_in_flight_count_follows_the_guard() {
        let activity = Arc::new(Activity::default());
        let guard = activity.answering();
        let seen = activity.take();
        assert!(seen.request_started && seen.answering);
        drop(guard);
        let seen = activity.take();
        assert!(!seen.request_started && !seen.answering);
    }
}
