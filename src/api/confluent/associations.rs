//! `/associations`: current serializers probe a topic's associations first and fall back
//! to the topic name strategy on a 404, which is all Herald answers for now.

use axum::response::Response;

use crate::api::error::ApiError;

/// Current serializers probe associations first and fall back to the topic name
/// strategy on 404.
pub async fn associations() -> Result<Response, ApiError> {
    Err(ApiError::not_found())
}
