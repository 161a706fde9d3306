//! `POST /compatibility/subjects/{s}/versions[/{v}]`.

use axum::extract::{Path, State};
use axum::response::Response;

use super::ConfluentState;
use super::respond;
use super::wire::{CompatibilityBody, SchemaBody};
use crate::api::error::ApiError;
use crate::api::extract::{Params, WireJson};
use crate::model::{Subject, VersionSpec};
use crate::registry::{CompatTarget, RegistryError};

pub async fn against_all(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    params: Params,
    WireJson(body): WireJson<SchemaBody>,
) -> Result<Response, ApiError> {
    check(&state, subject, CompatTarget::AllVersions, &params, body).await
}

pub async fn against_version(
    State(state): State<ConfluentState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
    WireJson(body): WireJson<SchemaBody>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version).map_err(RegistryError::from)?;
    check(&state, subject, CompatTarget::Version(spec), &params, body).await
}

async fn check(
    state: &ConfluentState,
    subject: String,
    target: CompatTarget,
    params: &Params,
    body: SchemaBody,
) -> Result<Response, ApiError> {
    let verbose = params.flag("verbose");
    let result = state
        .registry
        .check_compatibility(
            &Subject::new(subject),
            target,
            body.into_request()?,
            params.flag("normalize"),
        )
        .await;
    let body = match result {
        Ok(result) => CompatibilityBody {
            is_compatible: result.is_compatible,
            messages: verbose.then_some(result.messages),
        },
        // With verbose, an unparsable schema is an incompatible answer, not an error.
        Err(RegistryError::InvalidSchema(message)) if verbose => CompatibilityBody {
            is_compatible: false,
            messages: Some(vec![message]),
        },
        Err(other) => return Err(other.into()),
    };
    respond::json(&body)
}
