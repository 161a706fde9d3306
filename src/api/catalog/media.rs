//! Guards on the media type of catalog writes: a handler that names one never runs unless
//! the request's `Content-Type` is one it reads, so a cross-site form or `text/plain` post
//! (which a browser sends without asking) can't create, replace or prune anything.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::error::CatalogApiError;
use crate::api::negotiate::BodyMedia;

/// The body is a JSON document (`application/json` or `application/…+json`).
pub struct JsonBody;

/// The body is a file: YAML or JSON.
pub struct FileBody;

impl<S: Send + Sync> FromRequestParts<S> for JsonBody {
    type Rejection = CatalogApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        require(parts, BodyMedia::Json, "application/json").map(|()| Self)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FileBody {
    type Rejection = CatalogApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        require(
            parts,
            BodyMedia::JsonOrYaml,
            "application/yaml or application/json",
        )
        .map(|()| Self)
    }
}

fn require(parts: &Parts, media: BodyMedia, expected: &str) -> Result<(), CatalogApiError> {
    if media.accepts(&parts.headers) {
        Ok(())
    } else {
        Err(CatalogApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            41510,
            format!("Unsupported Media Type: send the body with Content-Type {expected}"),
        ))
    }
}
