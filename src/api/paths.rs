//! Path normalisation before routing: the Java client POSTs `.../versions/`, so trailing
//! slashes are trimmed — except under the API docs page, which needs its own.

use axum::http::uri::PathAndQuery;
use axum::http::{Request, Uri};

/// Where the interactive API page lives; its assets are addressed with a trailing slash.
pub const DOCS_PREFIX: &str = "/api-docs/";

/// Trims trailing slashes from the request path (not from the docs page's paths).
pub fn trim_trailing_slash<B>(mut request: Request<B>) -> Request<B> {
    let path = request.uri().path();
    if path.len() <= 1 || !path.ends_with('/') || path.starts_with(DOCS_PREFIX) {
        return request;
    }
    let trimmed = path.trim_end_matches('/');
    let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_string(),
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(value) = PathAndQuery::try_from(path_and_query) {
        parts.path_and_query = Some(value);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(uri: &str) -> String {
        let request = Request::builder()
            .uri(uri)
            .body(axum::body::Body::empty())
            .expect("request");
        trim_trailing_slash(request).uri().to_string()
    }

    #[test]
    fn trailing_slashes_go_except_for_the_docs() {
        assert_eq!(trimmed("/subjects/"), "/subjects");
        assert_eq!(
            trimmed("/subjects/s/versions//?normalize=true"),
            "/subjects/s/versions?normalize=true"
        );
        assert_eq!(trimmed("/"), "/");
        assert_eq!(trimmed("/api-docs/"), "/api-docs/");
        assert_eq!(trimmed("/schemas/ids/1"), "/schemas/ids/1");
    }
}
