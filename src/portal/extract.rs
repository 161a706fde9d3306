//! Path and query extractors whose rejections are portal error pages (the axum ones answer
//! plain text).

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::PortalError;

/// A percent-decoded path; an undecodable one is a 404 page.
pub struct PortalPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PortalPath<T> {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| PortalError::NotFound("There is no page at this address.".into()))
    }
}

/// A query string; a malformed one is a 400 page saying what is wrong.
pub struct PortalQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PortalQuery<T> {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection| PortalError::BadRequest(rejection.body_text()))
    }
}

/// An optional version number from a query parameter (empty = absent).
pub fn version_param(name: &str, value: Option<&str>) -> Result<Option<i32>, PortalError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => match text.parse::<i32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(PortalError::BadRequest(format!(
                "`{name}` must be a version number (1 or more), not \"{text}\"."
            ))),
        },
    }
}
