//! The fast lane for `GET /schemas/ids/{id}`: a warm answer is sent straight from the
//! response cache, before routing and the per-route layers. Producers and consumers call
//! this on every cold start, so it is the one request worth a lane of its own. Anything
//! it cannot answer from the cache (a miss, a query string, an odd `Accept`) goes down
//! the normal route, which also fills the cache.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use pin_project_lite::pin_project;
use tower::Service;

use super::ConfluentState;
use crate::api::negotiate;

#[derive(Clone)]
pub struct HotPath<S> {
    state: ConfluentState,
    inner: S,
}

impl<S> HotPath<S> {
    pub fn new(state: ConfluentState, inner: S) -> Self {
        Self { state, inner }
    }

    fn warm_answer(&self, request: &Request) -> Option<Response> {
        if request.method() != Method::GET || request.uri().query().is_some() {
            return None;
        }
        let id: i64 = request
            .uri()
            .path()
            .strip_prefix("/schemas/ids/")?
            .parse()
            .ok()?;
        let accept = request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let media_type = negotiate::choose(accept)?;
        let generation = self.state.registry.id_generation();
        let body = self.state.cache.schema_by_id(id, generation)?;
        Some(
            (
                [(header::CONTENT_TYPE, HeaderValue::from_static(media_type))],
                body,
            )
                .into_response(),
        )
    }
}

impl<S> Service<Request> for HotPath<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = HotPathFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.warm_answer(&request) {
            Some(response) => HotPathFuture::Warm {
                response: Some(response),
            },
            None => HotPathFuture::Routed {
                future: self.inner.call(request),
            },
        }
    }
}

pin_project! {
    #[project = HotPathProjection]
    pub enum HotPathFuture<F> {
        Warm { response: Option<Response> },
        Routed { #[pin] future: F },
    }
}

impl<F> Future for HotPathFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            HotPathProjection::Warm { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled again after completion: a caller bug; answer rather than panic.
                None => Poll::Ready(Ok(crate::api::error::ApiError::not_found().into_response())),
            },
            HotPathProjection::Routed { future } => future.poll(cx),
        }
    }
}
