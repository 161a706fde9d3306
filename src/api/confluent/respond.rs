//! Building JSON responses (the negotiation middleware sets the final media type).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;

use crate::api::error::ApiError;
use crate::api::negotiate::V1_JSON;

/// Serialises `value` to bytes (for caching or sending).
pub fn to_bytes<T: Serialize>(value: &T) -> Result<Bytes, ApiError> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| {
        tracing::error!(error = %e, "response serialisation failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            500,
            "Internal Server Error",
        )
    })
}

pub fn body(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, V1_JSON)], bytes).into_response()
}

/// `response`, saying what it served (for observed usage).
pub fn observed(mut response: Response, observed: super::Observed) -> Response {
    response.extensions_mut().insert(observed);
    response
}

pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    to_bytes(value).map(body)
}

/// Applies `offset` and `limit` (`limit` <= 0 or above `max` means `default`).
pub fn paginate<T>(
    items: Vec<T>,
    offset: Option<i64>,
    limit: Option<i64>,
    default: usize,
    max: usize,
) -> Vec<T> {
    let offset = usize::try_from(offset.unwrap_or(0)).unwrap_or(0);
    let limit = match limit.and_then(|l| usize::try_from(l).ok()) {
        Some(l) if l > 0 && l <= max => l,
        _ => default,
    };
    items.into_iter().skip(offset).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_clamps_limits() {
        let items: Vec<i32> = (1..=10).collect();
        assert_eq!(
            paginate(items.clone(), Some(2), Some(3), 5, 8),
            vec![3, 4, 5]
        );
        assert_eq!(
            paginate(items.clone(), None, Some(0), 5, 8),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(
            paginate(items.clone(), None, Some(9), 5, 8),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(paginate(items, Some(-4), None, 5, 8), vec![1, 2, 3, 4, 5]);
    }
}
