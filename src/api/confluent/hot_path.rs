//! The fast lane for `GET /schemas/ids/{id}`: a warm answer is sent straight from the
//! response cache, before routing. Producers and consumers call this on every cold start,
//! so it is the one request worth a lane of its own. It sits inside the front door (the
//! cross-cutting layers of `app::App::front_door` see it like any request) and in front of
//! the router. What it cannot answer from the cache (a miss, a variant that is never
//! cached, anything else) goes down the router, already negotiated when it was one of its
//! own; the route renders it and fills the cache.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::{HeaderValue, Method, Request, Response, header};
use axum::response::IntoResponse;
use http_body_util::{Either, Full};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::ConfluentState;
use super::schemas::{BY_ID_PREFIX, ByIdVariant};
use crate::access::{Caller, Role};
use crate::api::door::{DoorBody, routed};
use crate::api::extract::Params;
use crate::api::negotiate::{self, Negotiated};
use crate::usage::Access;

/// Puts the fast lane in front of a service (the router).
#[derive(Clone)]
pub struct FastLaneLayer {
    state: ConfluentState,
}

impl FastLaneLayer {
    pub fn new(state: ConfluentState) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for FastLaneLayer {
    type Service = FastLane<S>;

    fn layer(&self, inner: S) -> Self::Service {
        FastLane {
            state: self.state.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
pub struct FastLane<S> {
    state: ConfluentState,
    inner: S,
}

/// What the fast lane makes of a request.
enum Lane {
    /// Not a cacheable schema-by-id read: the router's business.
    Pass,
    /// A cacheable read whose `Accept` nothing satisfies.
    Refused,
    /// A cacheable read of `id`, to be answered as `media_type`.
    Read { id: i64, media_type: &'static str },
}

impl<S> FastLane<S> {
    fn sort<B>(request: &Request<B>) -> Lane {
        if request.method() != Method::GET {
            return Lane::Pass;
        }
        let Some(Ok(id)) = request
            .uri()
            .path()
            .strip_prefix(BY_ID_PREFIX)
            .map(str::parse::<i64>)
        else {
            return Lane::Pass;
        };
        // Only a query string costs a parse; the common request has none.
        if let Some(query) = request.uri().query()
            && !ByIdVariant::of(&Params::parse(Some(query))).cacheable()
        {
            return Lane::Pass;
        }
        let accept = request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        match negotiate::choose(accept) {
            Some(media_type) => Lane::Read { id, media_type },
            None => Lane::Refused,
        }
    }

    /// Whether the request's caller (as the front door found it) holds read on every
    /// subject, so that any schema id is theirs to fetch.
    fn reads_everything<B>(&self, request: &Request<B>) -> bool {
        let policy = self.state.access.policy();
        match request.extensions().get::<Caller>() {
            Some(caller) => policy.allows_everything(caller, Role::Read),
            None => policy.allows_everything(&Caller::Anonymous, Role::Read),
        }
    }

    /// The cached answer, sent as ready bytes (no boxed body).
    fn warm(&self, id: i64, media_type: &'static str) -> Option<Response<DoorBody>> {
        let generation = self.state.registry.id_generation();
        let body = self.state.cache.schema_by_id(id, generation)?;
        // The deprecation headers as of now: stale ones (after any change) send the request
        // down the router, which rebuilds them.
        let notice = self
            .state
            .deprecations
            .with_fresh(self.state.registry.generation(), |table| {
                table.for_id(id).cloned()
            })?;
        let mut response = Response::new(Either::Left(Full::new(body)));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        if let Some(notice) = notice {
            notice.add_to(headers);
        }
        Some(response)
    }
}

impl<S, B> Service<Request<B>> for FastLane<S>
where
    S: Service<Request<B>, Response = Response<DoorBody>, Error = Infallible>,
{
    type Response = Response<DoorBody>;
    type Error = Infallible;
    type Future = FastLaneFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let ready = match Self::sort(&request) {
            Lane::Pass => None,
            Lane::Refused => Some(routed(negotiate::refused())),
            Lane::Read { id, media_type } => {
                // A caller who may not read every subject is checked against this id's
                // subjects on the routed path.
                let warm = self
                    .reads_everything(&request)
                    .then(|| self.warm(id, media_type))
                    .flatten();
                match &warm {
                    // Counted from the request as it is: nothing copied for a reader
                    // seen before.
                    Some(_) => self.state.usage.record(&super::observe::sighting(
                        &request,
                        Access::Id,
                        id,
                        "",
                        0,
                    )),
                    None => {
                        request.extensions_mut().insert(Negotiated(media_type));
                    }
                }
                warm
            }
        };
        match ready {
            Some(response) => FastLaneFuture::Ready {
                response: Some(response),
            },
            None => FastLaneFuture::Routed {
                future: self.inner.call(request),
            },
        }
    }
}

pin_project! {
    #[project = FastLaneProjection]
    pub enum FastLaneFuture<F> {
        Ready { response: Option<Response<DoorBody>> },
        Routed { #[pin] future: F },
    }
}

impl<F> Future for FastLaneFuture<F>
where
    F: Future<Output = Result<Response<DoorBody>, Infallible>>,
{
    type Output = Result<Response<DoorBody>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            FastLaneProjection::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled again after completion: a caller bug; answer rather than panic.
                None => Poll::Ready(Ok(routed(
                    crate::api::error::ApiError::not_found().into_response(),
                ))),
            },
            FastLaneProjection::Routed { future } => future.poll(cx),
        }
    }
}
