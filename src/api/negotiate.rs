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

/// What a request body's `Content-Type` must say for an endpoint to read it. A body without
/// one is never read: the clients all label their bodies (confluent-kafka Python, Java, Go
/// and JavaScript send `application/vnd.schemaregistry.v1+json`), and an unlabelled or
/// `text/plain` body is what a page on another site can send without the browser asking
/// first (a "simple" request, like `application/x-www-form-urlencoded` and
/// `multipart/form-data`, none of which any endpoint reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    /// The Confluent API's bodies (and Herald's JSON validation): its JSON types and
    /// `application/octet-stream`, which Confluent reads as JSON too.
    Confluent,
    /// Herald's own JSON documents: `application/json` or any `application/…+json`.
    Json,
    /// A file meant for people (catalog file, AsyncAPI document): YAML or JSON.
    JsonOrYaml,
    /// Raw bytes: `application/octet-stream` only.
    OctetStream,
}

impl BodyMedia {
    /// Whether the request's `Content-Type` is one this kind of body is read from.
    pub fn accepts(self, headers: &HeaderMap) -> bool {
        let Some(essence) = essence_of(headers) else {
            return false;
        };
        match self {
            Self::Confluent => ACCEPTED_BODIES
                .iter()
                .any(|accepted| accepted.eq_ignore_ascii_case(essence)),
            Self::Json => is_json(essence),
            Self::JsonOrYaml => is_json(essence) || is_yaml(essence),
            Self::OctetStream => essence.eq_ignore_ascii_case("application/octet-stream"),
        }
    }
}

/// The media type of the request body without its parameters (`None`: absent or blank).
fn essence_of(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim();
    (!essence.is_empty()).then_some(essence)
}

/// `application/json` and the structured `+json` types (`application/vnd.aai.asyncapi+json`,
/// the Schema Registry's own).
fn is_json(essence: &str) -> bool {
    has_subtype(essence, "application", "json")
}

/// The YAML names in use: `application/yaml` (RFC 9512), the older `x-yaml` and `text/`
/// spellings, and the structured `+yaml` types.
fn is_yaml(essence: &str) -> bool {
    ["application", "text"]
        .into_iter()
        .any(|kind| has_subtype(essence, kind, "yaml") || has_subtype(essence, kind, "x-yaml"))
}

/// `kind/name` or `kind/<anything>+name`, ignoring case.
fn has_subtype(essence: &str, kind: &str, name: &str) -> bool {
    let Some((actual_kind, sub)) = essence.split_once('/') else {
        return false;
    };
    if !actual_kind.eq_ignore_ascii_case(kind) {
        return false;
    }
    sub.eq_ignore_ascii_case(name)
        || sub
            .rsplit_once('+')
            .is_some_and(|(prefix, suffix)| !prefix.is_empty() && suffix.eq_ignore_ascii_case(name))
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

    fn headers_with(content_type: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        headers
    }

    #[test]
    fn confluent_bodies_are_its_json_types_and_octet_stream() {
        for content_type in [
            "application/json; charset=utf-8",
            "application/vnd.schemaregistry.v1+json",
            "Application/VND.schemaregistry+json",
            "application/octet-stream",
        ] {
            let headers = headers_with(Some(content_type));
            assert!(BodyMedia::Confluent.accepts(&headers), "{content_type}");
        }
    }

    #[test]
    fn unlabelled_and_simple_cross_site_bodies_are_never_read() {
        for content_type in [
            None,
            Some(""),
            Some("; charset=utf-8"),
            Some("text/plain"),
            Some("text/plain; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
        ] {
            let headers = headers_with(content_type);
            for media in [
                BodyMedia::Confluent,
                BodyMedia::Json,
                BodyMedia::JsonOrYaml,
                BodyMedia::OctetStream,
            ] {
                assert!(!media.accepts(&headers), "{media:?} {content_type:?}");
            }
        }
    }

    #[test]
    fn json_and_yaml_documents() {
        let accepts =
            |media: BodyMedia, content_type| media.accepts(&headers_with(Some(content_type)));
        assert!(accepts(BodyMedia::Json, "application/json"));
        assert!(accepts(
            BodyMedia::Json,
            "application/vnd.aai.asyncapi+json"
        ));
        assert!(!accepts(BodyMedia::Json, "application/+json"));
        assert!(!accepts(BodyMedia::Json, "application/yaml"));
        assert!(!accepts(BodyMedia::Json, "text/json"));
        for yaml in [
            "application/yaml",
            "application/x-yaml",
            "text/yaml; charset=utf-8",
            "text/x-yaml",
            "application/vnd.aai.asyncapi+yaml",
            "application/json",
        ] {
            assert!(accepts(BodyMedia::JsonOrYaml, yaml), "{yaml}");
        }
        assert!(!accepts(BodyMedia::JsonOrYaml, "application/octet-stream"));
        assert!(accepts(BodyMedia::OctetStream, "application/octet-stream"));
        assert!(!accepts(BodyMedia::OctetStream, "application/json"));
    }
}
