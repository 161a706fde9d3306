//! `GET|POST /`: `{}` for API clients (Confluent's answer), a redirect to the portal for
//! browsers.

use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::respond;
use crate::api::error::ApiError;

/// `{}` for API clients; a browser (an `Accept` that names `text/html`) is sent to the
/// portal instead.
pub async fn root(method: Method, headers: HeaderMap) -> Result<Response, ApiError> {
    if method == Method::GET && accepts_html(&headers) {
        return Ok(Redirect::to("/ui/").into_response());
    }
    respond::json(&json!({}))
}

/// Whether `Accept` lists `text/html` itself (not through a wildcard) with a non-zero
/// quality.
fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let mut parts = range.split(';');
            let essence = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            essence.eq_ignore_ascii_case("text/html") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, value.parse().expect("header value"));
        headers
    }

    #[test]
    fn only_an_explicit_html_accept_is_a_browser() {
        assert!(accepts_html(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(accepts_html(&accept("TEXT/HTML; q=0.5")));
        assert!(!accepts_html(&accept("*/*")));
        assert!(!accepts_html(&accept(
            "application/vnd.schemaregistry.v1+json"
        )));
        assert!(!accepts_html(&accept("text/html;q=0, application/json")));
        assert!(!accepts_html(&HeaderMap::new()));
    }
}
