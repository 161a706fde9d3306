//! `/schemas...`: schemas by global id.

use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, State};
use axum::response::Response;

use super::respond::{self, paginate};
use super::wire::{SchemaContent, SchemaObject, SchemaString, SubjectVersionBody};
use super::{ConfluentState, Observed};
use crate::access::Viewer;
use crate::api::error::ApiError;
use crate::api::extract::{Params, schema_id};
use crate::registry::SchemaListing;
use crate::registry::SubjectVersion;
use crate::usage::Access;

/// `/schemas` pages hold at most this many schemas (Confluent's default and maximum).
const SCHEMA_PAGE: usize = 1000;

pub async fn get_types() -> Result<Response, ApiError> {
    respond::json(&["JSON", "PROTOBUF", "AVRO"])
}

pub async fn list(
    State(state): State<ConfluentState>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Response, ApiError> {
    let listing = SchemaListing {
        subject_prefix: params.get("subjectPrefix").unwrap_or("").to_string(),
        deleted: params.flag("deleted"),
        latest_only: params.flag("latestOnly"),
    };
    let mut versions = state.registry.list_schemas(&listing).await?;
    versions.retain(|v| viewer.may_read(&v.subject));
    let page = paginate(
        versions,
        params.int("offset"),
        params.int("limit"),
        SCHEMA_PAGE,
        SCHEMA_PAGE,
    );
    let objects: Vec<SchemaObject<'_>> = page.iter().map(SchemaObject::of).collect();
    respond::json(&objects)
}

/// Where `GET /schemas/ids/{id}` lives; the route and the fast lane both start from it.
pub const BY_ID_PREFIX: &str = "/schemas/ids/";

/// What in a `GET /schemas/ids/{id}` query changes the answer: `subject` does not;
/// `fetchMaxId` and `format` do.
pub struct ByIdVariant<'a> {
    pub fetch_max_id: bool,
    /// A Confluent `format` (`resolved`, `serialized`); empty counts as none.
    pub format: Option<&'a str>,
}

impl<'a> ByIdVariant<'a> {
    pub fn of(params: &'a Params) -> Self {
        Self {
            fetch_max_id: params.flag("fetchMaxId"),
            format: params.get("format").filter(|f| !f.is_empty()),
        }
    }

    /// Whether the answer may come from (and go into) the response cache: only the plain
    /// one; the rarer variants are rendered every time.
    pub fn cacheable(&self) -> bool {
        !self.fetch_max_id && self.format.is_none()
    }
}

/// The hot path: producers and consumers call this on every cold start. A warm answer
/// never gets here (the fast lane sends it); this renders the misses and the variants.
pub async fn get_by_id(
    State(state): State<ConfluentState>,
    id: Result<Path<i64>, PathRejection>,
    params: Params,
) -> Result<Response, ApiError> {
    // A non-numeric id is an unknown route (404), as in Confluent.
    let Ok(Path(id)) = id else {
        return Err(ApiError::not_found());
    };
    let variant = ByIdVariant::of(&params);
    // Read before the database, so an entry stored below is never newer than its data.
    let generation = state.registry.id_generation();
    let mut schema = state.registry.schema_by_id(id).await?;
    if let Some(format) = variant.format
        && let Some(text) = state.registry.formatted_text(&schema, format).await?
    {
        schema.canonical_text = text;
    }
    let max_id = if variant.fetch_max_id {
        Some(state.registry.max_schema_id().await?)
    } else {
        None
    };
    let body = respond::to_bytes(&SchemaString {
        content: SchemaContent::of(&schema),
        max_id,
    })?;
    if variant.cacheable() {
        state.cache.store_schema_by_id(id, generation, body.clone());
    }
    Ok(respond::observed(
        respond::body(body),
        Observed::by_id(Access::Id, id),
    ))
}

/// `GET /schemas/ids/{id}/schema`: the bare schema text.
pub async fn get_raw_by_id(
    State(state): State<ConfluentState>,
    Path(raw_id): Path<String>,
) -> Result<Response, ApiError> {
    let schema = state.registry.schema_by_id(schema_id(&raw_id)?).await?;
    let observed = Observed::by_id(Access::Id, schema.id);
    Ok(respond::observed(
        respond::body(bytes::Bytes::from(schema.canonical_text)),
        observed,
    ))
}

/// The subject versions an id is bound to, filtered by `subject` and `deleted`.
async fn versions_of(
    state: &ConfluentState,
    raw_id: &str,
    params: &Params,
) -> Result<Vec<SubjectVersion>, ApiError> {
    let id = schema_id(raw_id)?;
    Ok(state
        .registry
        .versions_of_schema(id, params.get("subject"), params.flag("deleted"))
        .await?)
}

pub async fn get_subjects(
    State(state): State<ConfluentState>,
    Path(raw_id): Path<String>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Response, ApiError> {
    let mut versions = versions_of(&state, &raw_id, &params).await?;
    versions.retain(|v| viewer.may_read(&v.subject));
    let mut subjects: Vec<&str> = versions.iter().map(|v| v.subject.as_str()).collect();
    subjects.dedup();
    respond::json(&subjects)
}

pub async fn get_versions(
    State(state): State<ConfluentState>,
    Path(raw_id): Path<String>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Response, ApiError> {
    let mut versions = versions_of(&state, &raw_id, &params).await?;
    versions.retain(|v| viewer.may_read(&v.subject));
    let body: Vec<SubjectVersionBody<'_>> = versions
        .iter()
        .map(|v| SubjectVersionBody {
            subject: &v.subject,
            version: v.version,
        })
        .collect();
    respond::json(&body)
}

/// `GET /schemas/guids/{guid}` (CP8).
pub async fn get_by_guid(
    State(state): State<ConfluentState>,
    Path(guid): Path<String>,
) -> Result<Response, ApiError> {
    let schemas = state.registry.schemas_by_guid(&guid).await?;
    let Some(schema) = schemas.first() else {
        return Err(ApiError::from(
            crate::registry::RegistryError::SchemaNotFound,
        ));
    };
    let response = respond::json(&SchemaString {
        content: SchemaContent::of(schema),
        max_id: None,
    })?;
    Ok(respond::observed(
        response,
        Observed::by_id(Access::Guid, schema.id),
    ))
}

/// `GET /schemas/guids/{guid}/ids` (CP8): the ids in the default context.
pub async fn get_ids_by_guid(
    State(state): State<ConfluentState>,
    Path(guid): Path<String>,
) -> Result<Response, ApiError> {
    let schemas = state.registry.schemas_by_guid(&guid).await?;
    let ids: Vec<serde_json::Value> = schemas
        .iter()
        .map(|s| serde_json::json!({"context": ".", "id": s.id}))
        .collect();
    respond::json(&ids)
}
