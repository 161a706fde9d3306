//! AsyncAPI over HTTP: 3.0 documents for the whole catalog or one application, and import
//! of 2.x/3.x documents into the catalog (and their schemas into the registry).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::error::{CatalogApiError, CatalogErrorBody};
use super::media::FileBody;
use super::{document, wants_yaml};
use crate::access::Viewer;
use crate::api::extract::{Actor, Params};
use crate::catalog::model::{EntityKind, EntityName};
use crate::catalog::{ApplyReport, Catalog, CatalogError};

/// The whole catalog as one AsyncAPI 3.0 document.
#[utoipa::path(
    get,
    path = "/catalog/asyncapi",
    tag = "asyncapi",
    params(("format" = Option<String>, Query, description = "json (default) or yaml; `Accept: application/yaml` works too")),
    responses((status = 200, description = "AsyncAPI 3.0.0: channels are topics, messages are events with their schemas (Avro, JSON Schema, Protobuf), operations are the applications' edges", body = Object)),
)]
pub async fn whole_catalog(
    State(catalog): State<Arc<Catalog>>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    let doc = catalog.asyncapi(None, &viewer).await?;
    Ok(document(&doc, wants_yaml(params.get("format"), &headers)))
}

/// What one application produces and consumes, as an AsyncAPI 3.0 document.
#[utoipa::path(
    get,
    path = "/catalog/applications/{name}/asyncapi",
    tag = "asyncapi",
    params(
        ("name" = String, Path, description = "Application name"),
        ("format" = Option<String>, Query, description = "json (default) or yaml"),
    ),
    responses(
        (status = 200, description = "AsyncAPI 3.0.0 for the application", body = Object),
        (status = 404, description = "No such application", body = CatalogErrorBody),
    )
)]
pub async fn application(
    catalog: &Catalog,
    viewer: &Viewer,
    name: &str,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, CatalogApiError> {
    let name = EntityName::parse(name).map_err(|_| CatalogError::NotFound {
        kind: EntityKind::Application,
        name: name.to_owned(),
    })?;
    let doc = catalog.asyncapi(Some(&name), viewer).await?;
    Ok(document(&doc, wants_yaml(params.get("format"), headers)))
}

/// Import an AsyncAPI 2.x or 3.x document (JSON or YAML).
#[utoipa::path(
    post,
    path = "/catalog/asyncapi/import",
    tag = "asyncapi",
    params(
        ("dryRun" = Option<bool>, Query, description = "Only check and plan; change nothing"),
        ("X-Herald-Actor" = Option<String>, Header, description = "Who makes the change (audit log)"),
    ),
    request_body(content = Object, description = "An AsyncAPI 2.x or 3.x document", content_type = "application/yaml"),
    responses(
        (status = 200, description = "What changed (or would change); all or nothing", body = ApplyReport),
        (status = 415, description = "The body is not labelled YAML or JSON (41510); nothing changed", body = CatalogErrorBody),
        (status = 422, description = "Not an AsyncAPI document Herald can read (the message names the JSON pointer and entity), or it breaks the catalog's rules", body = CatalogErrorBody),
    )
)]
pub async fn import(
    State(catalog): State<Arc<Catalog>>,
    params: Params,
    Actor(actor): Actor,
    _: FileBody,
    body: Bytes,
) -> Result<Json<ApplyReport>, CatalogApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| CatalogApiError::bad_request("the document is not UTF-8"))?;
    let doc: Value =
        crate::catalog::file::read_yaml(text, "request body").map_err(CatalogError::File)?;
    let report = catalog
        .import_asyncapi(&doc, "request body", params.flag("dryRun"), &actor)
        .await?;
    Ok(Json(report))
}

/// Keeps the per-application route inside the generic relation route's handler.
pub async fn application_route(
    State(catalog): State<Arc<Catalog>>,
    Extension(viewer): Extension<Viewer>,
    Path(name): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    application(&catalog, &viewer, &name, &params, &headers).await
}
