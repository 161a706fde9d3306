//! Herald's validation API: does this payload match that registered schema?
//!
//! `POST /validate/subjects/{subject}/versions/{version}` and
//! `POST /validate/schemas/ids/{id}` take a JSON payload (Avro's JSON encoding, Protobuf's
//! canonical JSON mapping, or a JSON Schema instance); `POST /validate/wire` takes
//! Confluent wire-format bytes and decodes them against the id they carry. The answer is
//! always a verdict listing every problem; unknown subjects or ids are Confluent-shaped
//! errors.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::ApiError;
use super::extract::{OctetStream, Params, WireJson, schema_id};
use crate::model::{Subject, VersionSpec};
use crate::registry::{RegistryError, SchemaTarget, Verdict};

use std::sync::Arc;

use crate::registry::Registry;

/// The verdict on one payload.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerdictBody {
    /// True when the payload matches the schema.
    pub valid: bool,
    /// Every problem found (for binary payloads: the one that stopped decoding).
    pub errors: Vec<ErrorBody>,
    /// The id of the schema the payload was checked against.
    pub schema_id: i64,
    /// Binary payloads: the decoded value as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Value>,
}

/// One problem in a payload.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// JSON pointer into the payload; empty for the whole payload.
    pub path: String,
    pub message: String,
}

/// The error body shared with the Confluent API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    pub error_code: u32,
    pub message: String,
}

impl From<Verdict> for VerdictBody {
    fn from(verdict: Verdict) -> Self {
        Self {
            valid: verdict.valid,
            errors: verdict
                .errors
                .into_iter()
                .map(|e| ErrorBody {
                    path: e.path,
                    message: e.message,
                })
                .collect(),
            schema_id: verdict.schema_id,
            decoded: verdict.decoded,
        }
    }
}

pub fn router(registry: Arc<Registry>) -> axum::Router {
    axum::Router::new()
        .route(
            "/validate/subjects/{subject}/versions/{version}",
            post(validate_against_version),
        )
        .route("/validate/schemas/ids/{id}", post(validate_against_id))
        .route("/validate/wire", post(validate_wire))
        .with_state(registry)
}

/// Validate a JSON payload against a subject version.
#[utoipa::path(
    post,
    path = "/validate/subjects/{subject}/versions/{version}",
    tag = "validation",
    params(
        ("subject" = String, Path, description = "Subject name"),
        ("version" = String, Path, description = "Version number, or `latest`"),
        ("message" = Option<String>, Query, description = "Protobuf only: the full name of the message to check against (default: the first message)"),
    ),
    request_body(content = Object, description = "The payload: Avro JSON encoding, Protobuf JSON mapping or a JSON Schema instance", content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict, with every problem", body = VerdictBody),
        (status = 404, description = "Unknown subject (40401) or version (40402)", body = ErrorResponse),
        (status = 422, description = "Invalid version (42202)", body = ErrorResponse),
        (status = 415, description = "The body is not labelled JSON (Content-Type)", body = ErrorResponse),
    )
)]
pub async fn validate_against_version(
    State(registry): State<Arc<Registry>>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
    WireJson(payload): WireJson<Value>,
) -> Result<Json<VerdictBody>, ApiError> {
    let spec = VersionSpec::parse(&version).map_err(RegistryError::from)?;
    let target = SchemaTarget::Version(Subject::new(subject), spec);
    let verdict = registry
        .validate_json(&target, &payload, params.get("message"))
        .await?;
    Ok(Json(verdict.into()))
}

/// Validate a JSON payload against a schema id.
#[utoipa::path(
    post,
    path = "/validate/schemas/ids/{id}",
    tag = "validation",
    params(
        ("id" = i64, Path, description = "Global schema id"),
        ("message" = Option<String>, Query, description = "Protobuf only: the full name of the message to check against (default: the first message)"),
    ),
    request_body(content = Object, description = "The payload as JSON", content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict, with every problem", body = VerdictBody),
        (status = 404, description = "Unknown id (40403)", body = ErrorResponse),
        (status = 415, description = "The body is not labelled JSON (Content-Type)", body = ErrorResponse),
    )
)]
pub async fn validate_against_id(
    State(registry): State<Arc<Registry>>,
    Path(id): Path<String>,
    params: Params,
    WireJson(payload): WireJson<Value>,
) -> Result<Json<VerdictBody>, ApiError> {
    let id = schema_id(&id)?;
    let verdict = registry
        .validate_json(&SchemaTarget::Id(id), &payload, params.get("message"))
        .await?;
    Ok(Json(verdict.into()))
}

/// Decode Confluent wire-format bytes against the schema id they carry.
#[utoipa::path(
    post,
    path = "/validate/wire",
    tag = "validation",
    request_body(content = Vec<u8>, description = "Magic byte 0, 4-byte schema id, (Protobuf: message indexes), payload", content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "The verdict and, when it decodes, the value as JSON", body = VerdictBody),
        (status = 404, description = "The embedded id is unknown (40403)", body = ErrorResponse),
        (status = 415, description = "The body is not labelled application/octet-stream", body = ErrorResponse),
    )
)]
pub async fn validate_wire(
    State(registry): State<Arc<Registry>>,
    axum::extract::Extension(viewer): axum::extract::Extension<crate::access::Viewer>,
    _: OctetStream,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<VerdictBody>, ApiError> {
    let data = body.map_err(|rejection| {
        let status = rejection.status();
        ApiError::new(status, u32::from(status.as_u16()), rejection.body_text())
    })?;
    if data.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            400,
            "Empty body: send the message bytes",
        ));
    }
    if let Some(id) = embedded_id(&data)
        && !may_read_schema(&registry, &viewer, id).await?
    {
        // As the id-based routes do: an id the caller may not read answers as unknown.
        return Err(RegistryError::SchemaIdNotFound(id).into());
    }
    Ok(Json(registry.validate_wire(&data).await?.into()))
}

/// The schema id a Confluent-framed message carries (magic byte 0, then 4 bytes, big
/// endian); None when the frame is malformed, which the verdict itself reports.
fn embedded_id(data: &[u8]) -> Option<i64> {
    match data {
        [0, a, b, c, d, ..] => Some(i64::from(u32::from_be_bytes([*a, *b, *c, *d]))),
        _ => None,
    }
}

/// Whether `viewer` may read a subject that uses schema `id` (everything, for a reader of
/// everything; an id nothing uses is left to the verdict's own "unknown").
async fn may_read_schema(
    registry: &Registry,
    viewer: &crate::access::Viewer,
    id: i64,
) -> Result<bool, ApiError> {
    if viewer.holds_everywhere(crate::access::Role::Read) {
        return Ok(true);
    }
    let users = registry.versions_of_schema(id, None, true).await?;
    Ok(users.iter().any(|v| viewer.may_read(&v.subject)))
}
