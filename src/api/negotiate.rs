//! Content negotiation of the Confluent API: which media types a request may send and
//! which one the response is labelled with.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::error::ApiError;

pub const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";
const GENERIC_JSON: &str = "application/vnd.schemaregistry+json";
const PLAIN_JSON: &str = "application/json";

/// Media types we produce, in order of preference.
const PRODUCED: [&str; 3] = [V1_JSON, GENERIC_JSON, PLAIN_JSON];

/// Media types a request body may have.
const ACCEPTED_BODIES: [&str; 4] = [
    V1_JSON,
    GENERIC_JSON,
    PLAIN_JSON,
    "application/octet-stream",
];

/// The media type a layer in front (the fast lane) already negotiated for this request, so
/// that a request it passes on is not negotiated twice.
#[derive(Debug, Clone, Copy)]
pub struct Negotiated(pub &'static str);

/// The answer to an `Accept` nothing we produce satisfies.
pub fn refused() -> Response {
    ApiError::http(StatusCode::NOT_ACCEPTABLE).into_response()
}

/// Picks the response media type from `Accept`, or `None` when nothing we produce fits.
pub fn choose(accept: Option<&str>) -> Option<&'static str> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(V1_JSON);
    };
    PRODUCED.into_iter().find(|produced| {
        accept
            .split(',')
            .filter_map(parse_range)
            .any(|(range, quality)| quality > 0.0 && matches_range(range, produced))
    })
}

fn parse_range(item: &str) -> Option<(&str, f32)> {
    let mut parts = item.split(';');
    let range = parts.next()?.trim();
    if range.is_empty() {
        return None;
    }
    let quality = parts
        .filter_map(|p| p.trim().strip_prefix("q="))
        .find_map(|q| q.parse::<f32>().ok())
        .unwrap_or(1.0);
    Some((range, quality))
}

/// Media ranges compare case-insensitively.
fn matches_range(range: &str, produced: &str) -> bool {
    // Confluent (Jersey) treats any range with a wildcard type, even `*/x`, as "anything".
    if range == "*" || range.starts_with("*/") {
        return true;
    }
    let Some((kind, sub)) = range.split_once('/') else {
        return false;
    };
    let Some((produced_kind, produced_sub)) = produced.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case(produced_kind)
        && (sub == "*" || sub.eq_ignore_ascii_case(produced_sub))
}

/// Whether a request body's `Content-Type` is one the API reads (absent = JSON).
pub fn body_type_accepted(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.is_empty() || ACCEPTED_BODIES.contains(&essence.as_str())
}

/// Layer: refuses unsatisfiable `Accept` (406) and labels JSON responses with the
/// negotiated type. Written as a plain tower service (no boxing, no allocation) because it
/// sits on the hottest path of the registry.
#[derive(Debug, Clone, Copy, Default)]
pub struct NegotiateLayer;

impl<S> Layer<S> for NegotiateLayer {
    type Service = Negotiate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Negotiate { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Negotiate<S> {
    inner: S,
}

impl<S> Service<Request> for Negotiate<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = NegotiateFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let chosen = match request.extensions().get::<Negotiated>() {
            Some(Negotiated(chosen)) => Some(*chosen),
            None => {
                let accept = request
                    .headers()
                    .get(header::ACCEPT)
                    .and_then(|v| v.to_str().ok());
                // `GET /` sends browsers to the portal whatever they accept (the handler
                // decides).
                let root =
                    request.method() == axum::http::Method::GET && request.uri().path() == "/";
                choose(accept).or(root.then_some(V1_JSON))
            }
        };
        match chosen {
            Some(chosen) => NegotiateFuture::Inner {
                future: self.inner.call(request),
                chosen,
            },
            None => NegotiateFuture::Refused,
        }
    }
}

pin_project! {
    #[project = NegotiateProjection]
    pub enum NegotiateFuture<F> {
        Inner { #[pin] future: F, chosen: &'static str },
        Refused,
    }
}

impl<F> Future for NegotiateFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            NegotiateProjection::Refused => Poll::Ready(Ok(refused())),
            NegotiateProjection::Inner { future, chosen } => {
                let Ok(mut response) = ready!(future.poll(cx));
                label(&mut response, chosen);
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// Replaces our JSON media type with the negotiated one.
fn label(response: &mut Response, chosen: &'static str) {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| PRODUCED.iter().any(|p| v.starts_with(p)));
    if is_json && chosen != V1_JSON {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(chosen));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_or_wildcard_accept_gets_v1() {
        for accept in [
            None,
            Some("*/*"),
            Some("*"),
            Some("application/*"),
            Some("*/json"),
        ] {
            assert_eq!(choose(accept), Some(V1_JSON), "{accept:?}");
        }
    }

    #[test]
    fn preference_is_ours_among_acceptable_types() {
        assert_eq!(choose(Some("application/json")), Some(PLAIN_JSON));
        assert_eq!(
            choose(Some(
                "application/json, application/vnd.schemaregistry+json"
            )),
            Some(GENERIC_JSON)
        );
        assert_eq!(
            choose(Some(
                "application/vnd.schemaregistry.v1+json; q=0.9, application/json"
            )),
            Some(V1_JSON)
        );
    }

    #[test]
    fn unsatisfiable_accept_is_refused() {
        for accept in [
            "application/vnd.schemaregistry.v2+json",
            "text/*",
            "application/octet-stream",
            "application/json;q=0",
        ] {
            assert_eq!(choose(Some(accept)), None, "{accept}");
        }
    }

    #[test]
    fn body_types() {
        let mut headers = HeaderMap::new();
        assert!(body_type_accepted(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(body_type_accepted(&headers));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!body_type_accepted(&headers));
    }
}
