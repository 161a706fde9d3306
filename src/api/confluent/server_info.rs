//! What the registry says about itself: `/v1/metadata/*` (cluster ids, version,
//! deployment) and `/contexts`.

use axum::response::Response;
use serde_json::json;

use super::respond;
use crate::api::error::ApiError;

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
