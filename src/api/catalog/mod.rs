//! The catalog REST API under `/catalog` and the search at `/search` (JSON; YAML where a
//! document is meant for people or files). Handlers only translate HTTP to the catalog's
//! use cases; every rule lives in `crate::catalog`.

mod asyncapi;
mod code;
mod discovery;
mod entities;
pub mod error;
mod media;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use crate::access::owners::OwnerIndex;
use crate::access::{Role, Viewer};
use crate::catalog::Catalog;
use crate::catalog::model::{Entity, EntityKind, EntityName};
use error::CatalogApiError;

pub use asyncapi::{__path_application, __path_import, __path_whole_catalog};
pub use code::{__path_apply, __path_catalog_schema, __path_export, apply, catalog_schema, export};
pub use discovery::{
    __path_fields, __path_search, __path_subject_usage, fields, search, subject_usage,
};
pub use entities::{
    __path_create, __path_delete, __path_get_one, __path_list, __path_put, __path_related,
    EntityPage, create, delete, get_one, list, put, related,
};

pub fn router(catalog: Arc<Catalog>, usage: Arc<crate::usage::Usage>) -> Router {
    Router::new()
        .route("/catalog/apply", post(code::apply))
        .route("/catalog/export", get(code::export))
        .route("/catalog/schema.json", get(code::catalog_schema))
        .route("/catalog/fields", get(discovery::fields))
        .route("/catalog/asyncapi", get(asyncapi::whole_catalog))
        .route("/catalog/asyncapi/import", post(asyncapi::import))
        .route(
            "/catalog/applications/{name}/asyncapi",
            get(asyncapi::application_route),
        )
        .route("/catalog/subjects/{subject}", get(discovery::subject_usage))
        .route(
            "/catalog/{kind}",
            get(entities::list).post(entities::create),
        )
        .route(
            "/catalog/{kind}/{name}",
            get(entities::get_one)
                .put(entities::put)
                .delete(entities::delete),
        )
        .route("/catalog/{kind}/{name}/{relation}", get(entities::related))
        .route("/search", get(discovery::search))
        // Retiring an event asks observed usage who still reads it.
        .layer(axum::Extension(usage))
        .with_state(catalog)
}

/// A catalog write is allowed when the caller holds write on the entity as it stands
/// (if it exists) and as it would stand after the change (if there is one): nobody moves
/// an entity out of, or into, what they may not change.
async fn may_change(
    catalog: &Catalog,
    viewer: &Viewer,
    before: Option<(EntityKind, &EntityName)>,
    after: Option<&Entity>,
) -> Result<(), CatalogApiError> {
    if viewer.holds_everywhere(Role::Write) {
        return Ok(());
    }
    let snapshot = catalog.snapshot().await?;
    let existing = before.and_then(|(kind, name)| snapshot.get(kind, name));
    let allowed = [existing.as_ref(), after]
        .into_iter()
        .flatten()
        .all(|entity| {
            let (owners, subjects) = OwnerIndex::placement_of(&snapshot, entity);
            viewer.may_place(Role::Write, owners, &subjects)
        });
    if allowed {
        Ok(())
    } else if viewer.caller().is_anonymous() {
        Err(CatalogApiError::new(
            StatusCode::UNAUTHORIZED,
            40101,
            "Unauthorized: this request needs credentials (HTTP Basic or a bearer token)",
        ))
    } else {
        Err(CatalogApiError::new(
            StatusCode::FORBIDDEN,
            40301,
            "Forbidden: this principal may not change this entity where it is, or where it would be",
        ))
    }
}

fn kind_of(segment: &str) -> Result<EntityKind, CatalogApiError> {
    EntityKind::parse(segment)
        .filter(|kind| kind.plural() == segment)
        .ok_or_else(|| {
            CatalogApiError::not_found(format!(
                "no catalog collection {segment:?} (domains, teams, applications, topics, events)"
            ))
        })
}

fn name_of(kind: EntityKind, segment: &str) -> Result<EntityName, CatalogApiError> {
    // An invalid name can't exist, so it is simply not found.
    EntityName::parse(segment)
        .map_err(|_| CatalogApiError::not_found(format!("{kind} {segment} not found")))
}

/// JSON, or YAML when asked for with `?format=yaml` or `Accept: application/yaml`.
fn document<T: Serialize>(value: &T, yaml: bool) -> Response {
    if yaml {
        match serde_yaml_ng::to_string(value) {
            Ok(text) => ([(header::CONTENT_TYPE, "application/yaml")], text).into_response(),
            Err(error) => {
                tracing::error!(%error, "YAML rendering failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    } else {
        axum::Json(value).into_response()
    }
}

fn wants_yaml(format: Option<&str>, headers: &HeaderMap) -> bool {
    match format {
        Some(format) => format.eq_ignore_ascii_case("yaml"),
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| {
                let yaml = accept.find("yaml");
                let json = accept.find("json");
                matches!((yaml, json), (Some(y), Some(j)) if y < j)
                    || (yaml.is_some() && json.is_none())
            }),
    }
}
