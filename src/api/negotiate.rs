//! Content negotiation of the Confluent API: which media types a request may send and
//! which one the response is labelled with.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

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

/// Picks the response media type from `Accept`, or `None` when nothing we produce fits.
pub fn choose(accept: Option<&str>) -> Option<&'static str> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(V1_JSON);
    };
    let ranges: Vec<(String, f32)> = accept.split(',').filter_map(parse_range).collect();
    PRODUCED.into_iter().find(|produced| {
        ranges
            .iter()
            .any(|(range, quality)| *quality > 0.0 && matches_range(range, produced))
    })
}

fn parse_range(item: &str) -> Option<(String, f32)> {
    let mut parts = item.split(';');
    let range = parts.next()?.trim().to_ascii_lowercase();
    if range.is_empty() {
        return None;
    }
    let quality = parts
        .filter_map(|p| p.trim().strip_prefix("q="))
        .find_map(|q| q.parse::<f32>().ok())
        .unwrap_or(1.0);
    Some((range, quality))
}

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
    (kind == "*" || kind == produced_kind) && (sub == "*" || sub == produced_sub)
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

/// Middleware: refuses unsatisfiable `Accept` (406) and labels JSON responses with the
/// negotiated type.
pub async fn negotiate(request: Request, next: Next) -> Response {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let Some(chosen) = choose(accept) else {
        return ApiError::http(StatusCode::NOT_ACCEPTABLE).into_response();
    };
    let mut response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| PRODUCED.iter().any(|p| v.starts_with(p)));
    if is_json {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(chosen));
    }
    response
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
