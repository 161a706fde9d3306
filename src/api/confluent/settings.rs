//! `/config...` and `/mode...`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::ConfluentState;
use super::wire::ModeBody;
use super::{respond, shapes};
use crate::api::error::ApiError;
use crate::api::extract::Actor;
use crate::api::extract::{Params, WireJson};
use crate::model::{Config, Mode, Subject};
use crate::registry::{RegistryError, Scope};

fn config_body(config: &Config, level_key: &str) -> Result<Response, ApiError> {
    respond::json(&Value::Object(config.to_json(level_key)))
}

/// Reads a PUT body (`compatibility`, not `compatibilityLevel`); a bad level is 42203.
fn parse_config_body(body: &Value) -> Result<Config, ApiError> {
    // Stored and echoed to typed clients: only Confluent's config shape gets in.
    let object = shapes::check_config(body)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 422, e))?;
    // Some clients send the GET shape; accept it when the PUT key is absent.
    let key = if object.contains_key("compatibility") {
        "compatibility"
    } else {
        "compatibilityLevel"
    };
    Config::from_json(object, key).map_err(|_| RegistryError::InvalidCompatibilityLevel.into())
}

pub async fn get_global_config(State(state): State<ConfluentState>) -> Result<Response, ApiError> {
    config_body(&state.registry.global_config().await?, "compatibilityLevel")
}

pub async fn put_global_config(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    WireJson(body): WireJson<Value>,
) -> Result<Response, ApiError> {
    let config = parse_config_body(&body)?;
    let stored = state
        .registry
        .put_config(Scope::Global, config, &actor)
        .await?;
    config_body(&stored, "compatibility")
}

pub async fn delete_global_config(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let previous = state.registry.delete_config(Scope::Global, &actor).await?;
    config_body(&previous, "compatibilityLevel")
}

pub async fn get_subject_config(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let config = state
        .registry
        .subject_config(&Subject::new(subject), params.flag("defaultToGlobal"))
        .await?;
    config_body(&config, "compatibilityLevel")
}

pub async fn put_subject_config(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    Path(subject): Path<String>,
    WireJson(body): WireJson<Value>,
) -> Result<Response, ApiError> {
    let subject = Subject::new(subject);
    if !subject.is_writable() {
        return Err(RegistryError::InvalidSubject(subject.to_string()).into());
    }
    let config = parse_config_body(&body)?;
    let stored = state
        .registry
        .put_config(Scope::Subject(&subject), config, &actor)
        .await?;
    config_body(&stored, "compatibility")
}

pub async fn delete_subject_config(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    Path(subject): Path<String>,
) -> Result<Response, ApiError> {
    let subject = Subject::new(subject);
    let previous = state
        .registry
        .delete_config(Scope::Subject(&subject), &actor)
        .await?;
    config_body(&previous, "compatibilityLevel")
}

fn mode_body(mode: Mode) -> Result<Response, ApiError> {
    respond::json(&serde_json::json!({ "mode": mode.as_str() }))
}

pub async fn get_global_mode(State(state): State<ConfluentState>) -> Result<Response, ApiError> {
    mode_body(state.registry.global_mode().await?)
}

pub async fn get_subject_mode(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let mode = state
        .registry
        .subject_mode(&Subject::new(subject), params.flag("defaultToGlobal"))
        .await?;
    mode_body(mode)
}

/// `PUT /mode[/{s}]`: `{"mode": null}` clears the setting.
async fn put_mode(
    state: &ConfluentState,
    scope: Scope<'_>,
    body: ModeBody,
    force: bool,
    actor: &str,
) -> Result<Response, ApiError> {
    let Some(text) = body.mode else {
        let previous = state.registry.delete_mode(scope, actor).await?;
        return mode_body(previous);
    };
    let mode = Mode::parse(&text).map_err(|_| RegistryError::InvalidMode)?;
    let stored = state.registry.put_mode(scope, mode, force, actor).await?;
    mode_body(stored)
}

pub async fn put_global_mode(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    params: Params,
    WireJson(body): WireJson<ModeBody>,
) -> Result<Response, ApiError> {
    put_mode(&state, Scope::Global, body, params.flag("force"), &actor).await
}

pub async fn put_subject_mode(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
    params: Params,
    WireJson(body): WireJson<ModeBody>,
) -> Result<Response, ApiError> {
    let subject = Subject::new(subject);
    put_mode(
        &state,
        Scope::Subject(&subject),
        body,
        params.flag("force"),
        &actor,
    )
    .await
}

pub async fn delete_global_mode(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    mode_body(state.registry.delete_mode(Scope::Global, &actor).await?)
}

pub async fn delete_subject_mode(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    Path(subject): Path<String>,
) -> Result<Response, ApiError> {
    let subject = Subject::new(subject);
    mode_body(
        state
            .registry
            .delete_mode(Scope::Subject(&subject), &actor)
            .await?,
    )
}
