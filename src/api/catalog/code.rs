//! Catalog as code over HTTP: `POST /catalog/apply`, `GET /catalog/export` and the catalog
//! file's JSON Schema (for editors) at `GET /catalog/schema.json`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::error::{CatalogApiError, CatalogErrorBody};
use super::media::FileBody;
use super::{document, wants_yaml};
use crate::access::Viewer;
use crate::api::extract::{Actor, Params};
use crate::catalog::file::{CatalogFile, SourcedFile};
use crate::catalog::{ApplyReport, Catalog};

/// Make the catalog look like a catalog file (YAML or JSON).
#[utoipa::path(
    post,
    path = "/catalog/apply",
    tag = "catalog",
    params(
        ("dryRun" = Option<bool>, Query, description = "Only check and plan; change nothing"),
        ("X-Herald-Actor" = Option<String>, Header, description = "Who makes the change (audit log)"),
    ),
    request_body(content = CatalogFile, description = "A catalog file (docs/catalog-format.md) as YAML or JSON; schema versions inline (`schema:`), since the server cannot read your files", content_type = "application/yaml"),
    responses(
        (status = 200, description = "What changed (or would change, on a dry run); all or nothing", body = ApplyReport),
        (status = 415, description = "The body is not labelled YAML or JSON (41510); nothing changed", body = CatalogErrorBody),
        (status = 422, description = "The file doesn't read (42211, with the line) or breaks the rules (42210, problems name entity and line) or a schema is refused (42212)", body = CatalogErrorBody),
    )
)]
pub async fn apply(
    State(catalog): State<Arc<Catalog>>,
    Extension(viewer): Extension<Viewer>,
    Extension(usage): Extension<Arc<crate::usage::Usage>>,
    params: Params,
    Actor(actor): Actor,
    _: FileBody,
    body: Bytes,
) -> Result<Json<ApplyReport>, CatalogApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| CatalogApiError::bad_request("the catalog file is not UTF-8"))?;
    let sourced =
        SourcedFile::parse(text, "request body").map_err(crate::catalog::CatalogError::from)?;
    if !params.flag("dryRun") {
        // A file that retires an event still read is refused like a single write.
        for event in &sourced.file.events {
            super::entities::guard_retiring(
                &catalog,
                &usage,
                &viewer,
                &actor,
                event,
                params.flag("force"),
            )
            .await?;
        }
    }
    let report = catalog
        .apply(&sourced, params.flag("dryRun"), &actor)
        .await?;
    Ok(Json(report))
}

/// The catalog as a catalog file.
#[utoipa::path(
    get,
    path = "/catalog/export",
    tag = "catalog",
    params(
        ("schemas" = Option<bool>, Query, description = "Include every live version of the subjects the catalog names, inline"),
        ("format" = Option<String>, Query, description = "yaml (default) or json"),
    ),
    responses((status = 200, description = "The catalog file", body = CatalogFile, content_type = "application/yaml")),
)]
pub async fn export(
    State(catalog): State<Arc<Catalog>>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    let file = catalog.export(params.flag("schemas"), &viewer).await?;
    // YAML unless JSON is asked for: the export is meant to be a file in a repository.
    let yaml = match params.get("format") {
        Some(format) => !format.eq_ignore_ascii_case("json"),
        None => {
            !headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("json"))
                || wants_yaml(None, &headers)
        }
    };
    Ok(document(&file, yaml))
}

/// The JSON Schema of the catalog file, for editors.
#[utoipa::path(
    get,
    path = "/catalog/schema.json",
    tag = "catalog",
    responses((status = 200, description = "JSON Schema (2020-12) of the catalog file", body = Object)),
)]
pub async fn catalog_schema() -> Json<Value> {
    Json(catalog_file_schema())
}

/// The catalog file's JSON Schema, generated from the model's own types so the two can't
/// drift: the OpenAPI component schemas become `$defs`.
pub fn catalog_file_schema() -> Value {
    let mut components: Vec<(String, RefOr<Schema>)> = Vec::new();
    CatalogFile::schemas(&mut components);
    let root = serde_json::to_value(CatalogFile::schema()).unwrap_or(Value::Null);
    let defs: serde_json::Map<String, Value> = components
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or(Value::Null)))
        .collect();
    let mut schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://herald.example/catalog.schema.json",
        "title": "Herald catalog file",
        "description": "An event landscape as code: see docs/catalog-format.md",
    });
    if let (Some(object), Value::Object(root)) = (schema.as_object_mut(), root) {
        object.extend(root);
        object.insert("$defs".into(), Value::Object(defs));
    }
    let text = schema
        .to_string()
        .replace("#/components/schemas/", "#/$defs/");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
