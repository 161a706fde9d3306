//! The small endpoints: root, metadata, contexts and the associations probe.

use axum::response::Response;
use serde_json::json;

use super::respond;
use crate::api::error::ApiError;

pub async fn root() -> Result<Response, ApiError> {
    respond::json(&json!({}))
}

pub async fn metadata_id() -> Result<Response, ApiError> {
    respond::json(&json!({
        "scope": {
            "path": [],
            "clusters": {
                "kafka-cluster": "herald",
                "schema-registry-cluster": "herald"
            }
        }
    }))
}

pub async fn metadata_version() -> Result<Response, ApiError> {
    respond::json(&json!({
        "version": env!("CARGO_PKG_VERSION"),
        "commitId": option_env!("HERALD_COMMIT").unwrap_or("unknown")
    }))
}

pub async fn metadata_deployment() -> Result<Response, ApiError> {
    respond::json(&json!({ "attributes": [] }))
}

/// Only the default context exists.
pub async fn contexts() -> Result<Response, ApiError> {
    respond::json(&["."])
}

/// Current serializers probe associations first and fall back to the topic name
/// strategy on 404.
pub async fn associations() -> Result<Response, ApiError> {
    Err(ApiError::not_found())
}
