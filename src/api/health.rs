//! Probes for load balancers and orchestrators: `/health/live` answers while the process
//! serves HTTP; `/health/ready` only while the database answers too.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::error::ApiError;
use crate::registry::Registry;

/// A readiness probe must answer quickly even when the database hangs.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router(registry: Arc<Registry>) -> axum::Router {
    axum::Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .with_state(registry)
}

async fn live() -> Json<serde_json::Value> {
    Json(json!({"status": "live"}))
}

async fn ready(State(registry): State<Arc<Registry>>) -> Response {
    match tokio::time::timeout(READY_TIMEOUT, registry.ping()).await {
        Ok(Ok(())) => Json(json!({"status": "ready"})).into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database unavailable");
            not_ready("the database does not answer")
        }
        Err(_) => not_ready("the database did not answer in time"),
    }
}

fn not_ready(reason: &str) -> Response {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        50002,
        format!("Not ready: {reason}"),
    )
    .into_response()
}
