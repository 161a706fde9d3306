//! Request tracing: every request runs inside a `request` span (method and path) at debug
//! level, and its answer is logged there with status and latency. With debug logging off
//! (the default filter), the span is disabled, nothing is formatted and the clock is not
//! read, so the layer costs a branch.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::http::{Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};
use tracing::Span;

#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Trace { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

impl<S, B, R> Service<Request<B>> for Trace<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = TraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let span = tracing::debug_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path(),
        );
        // Only a span that some subscriber records is worth a clock read.
        let started = (!span.is_disabled()).then(Instant::now);
        let future = span.in_scope(|| self.inner.call(request));
        TraceFuture {
            future,
            span,
            started,
        }
    }
}

pin_project! {
    pub struct TraceFuture<F> {
        #[pin]
        future: F,
        span: Span,
        started: Option<Instant>,
    }
}

impl<F, R, E> Future for TraceFuture<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = Result<Response<R>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let result = ready!(this.future.poll(cx));
        // The event's fields (and the clock read) are evaluated only when it is enabled.
        if let (Some(started), Ok(response)) = (this.started, &result) {
            tracing::debug!(
                status = response.status().as_u16(),
                latency_us = started.elapsed().as_micros() as u64,
                "answered"
            );
        }
        Poll::Ready(result)
    }
}
