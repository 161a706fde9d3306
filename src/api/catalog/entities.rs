//! CRUD of catalog entities and their relations: `/catalog/{kind}[/{name}[/{relation}]]`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::{CatalogApiError, CatalogErrorBody};
use super::media::JsonBody;
use super::{kind_of, may_change, name_of};
use crate::access::{Role, Viewer};
use crate::api::extract::{Actor, Params};
use crate::catalog::Catalog;
use crate::catalog::model::{Entity, EntityKind, Event, Lifecycle};
use crate::catalog::relations::{Link, relations_of};
use crate::usage::Usage;

/// Largest page of a listing.
const MAX_LIMIT: usize = 1000;
const DEFAULT_LIMIT: usize = 100;

/// A page of entities.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityPage {
    /// Entity documents (domain, team, application, topic or event).
    pub items: Vec<Value>,
    /// Matching entities in all.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
}

/// List entities of a kind, with filters and pagination.
#[utoipa::path(
    get,
    path = "/catalog/{kind}",
    tag = "catalog",
    params(
        ("kind" = String, Path, description = "domains, teams, applications, topics or events"),
        ("q" = Option<String>, Query, description = "Substring of the name or title (any case)"),
        ("tag" = Option<String>, Query, description = "Only entities with this tag"),
        ("domain" = Option<String>, Query, description = "Only entities of this domain"),
        ("owner" = Option<String>, Query, description = "Only entities owned by this team"),
        ("lifecycle" = Option<String>, Query, description = "Applications and events: draft, released, deprecated or retired"),
        ("offset" = Option<usize>, Query, description = "Skip this many (default 0)"),
        ("limit" = Option<usize>, Query, description = "At most this many (default 100, at most 1000)"),
    ),
    responses(
        (status = 200, description = "A page of entity documents", body = EntityPage),
        (status = 404, description = "Unknown kind", body = CatalogErrorBody),
    )
)]
pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    Path(kind): Path<String>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Json<EntityPage>, CatalogApiError> {
    let kind = kind_of(&kind)?;
    let snapshot = catalog.snapshot().await?;
    let matching: Vec<Value> = snapshot
        .list(kind)
        .iter()
        .filter(|entity| viewer.may_entity(Role::Read, kind, entity.name().as_str()))
        .map(Entity::to_json)
        .filter(|doc| matches(doc, &params))
        .collect();
    let offset = params
        .int("offset")
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(0);
    let limit = params
        .int("limit")
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(DEFAULT_LIMIT)
        .min(MAX_LIMIT);
    Ok(Json(EntityPage {
        total: matching.len(),
        items: matching.into_iter().skip(offset).take(limit).collect(),
        offset,
        limit,
    }))
}

/// Whether an entity document passes the listing's filters.
fn matches(doc: &Value, params: &Params) -> bool {
    let text = |key: &str| doc.get(key).and_then(Value::as_str).unwrap_or("");
    let same = |key: &str, wanted: Option<&str>| wanted.is_none_or(|w| text(key) == w);
    let query_ok = params.get("q").is_none_or(|q| {
        let q = q.to_lowercase();
        text("name").to_lowercase().contains(&q) || text("title").to_lowercase().contains(&q)
    });
    let tag_ok = params.get("tag").is_none_or(|tag| {
        doc.get("tags")
            .and_then(Value::as_array)
            .is_some_and(|tags| {
                tags.iter()
                    .any(|t| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case(tag)))
            })
    });
    // Lifecycle is omitted from documents when it is the default.
    let lifecycle_ok = params.get("lifecycle").is_none_or(|wanted| {
        let lifecycle = doc
            .get("lifecycle")
            .and_then(Value::as_str)
            .unwrap_or("released");
        lifecycle == wanted
    });
    query_ok
        && tag_ok
        && lifecycle_ok
        && same("domain", params.get("domain"))
        && same("owner", params.get("owner"))
}

/// Read one entity.
#[utoipa::path(
    get,
    path = "/catalog/{kind}/{name}",
    tag = "catalog",
    params(
        ("kind" = String, Path, description = "domains, teams, applications, topics or events"),
        ("name" = String, Path, description = "Entity name"),
    ),
    responses(
        (status = 200, description = "The entity document (Domain, Team, Application, Topic or Event)", body = Object),
        (status = 404, description = "Unknown kind or entity", body = CatalogErrorBody),
    )
)]
pub async fn get_one(
    State(catalog): State<Arc<Catalog>>,
    Path((kind, name)): Path<(String, String)>,
) -> Result<Json<Value>, CatalogApiError> {
    let kind = kind_of(&kind)?;
    let name = name_of(kind, &name)?;
    Ok(Json(catalog.get(kind, &name).await?.to_json()))
}

/// Create an entity.
#[utoipa::path(
    post,
    path = "/catalog/{kind}",
    tag = "catalog",
    params(
        ("kind" = String, Path, description = "domains, teams, applications, topics or events"),
        ("X-Herald-Actor" = Option<String>, Header, description = "Who makes the change (audit log)"),
    ),
    request_body(content = Object, description = "The entity document: Domain, Team, Application, Topic or Event", content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the stored document", body = Object),
        (status = 415, description = "The body is not labelled JSON (41510); nothing changed", body = CatalogErrorBody),
        (status = 409, description = "An entity of that kind and name exists (40910)", body = CatalogErrorBody),
        (status = 422, description = "Not a valid entity, or it breaks the catalog's rules (42210, with problems)", body = CatalogErrorBody),
    )
)]
pub async fn create(
    State(catalog): State<Arc<Catalog>>,
    Path(kind): Path<String>,
    Extension(viewer): Extension<Viewer>,
    Actor(actor): Actor,
    _: JsonBody,
    body: Bytes,
) -> Result<Response, CatalogApiError> {
    let kind = kind_of(&kind)?;
    let entity = read_entity(kind, &body, None)?;
    may_change(&catalog, &viewer, None, Some(&entity)).await?;
    let created = catalog.create(entity, &actor).await?;
    Ok((StatusCode::CREATED, Json(created.to_json())).into_response())
}

/// Create or replace an entity.
#[utoipa::path(
    put,
    path = "/catalog/{kind}/{name}",
    tag = "catalog",
    params(
        ("kind" = String, Path, description = "domains, teams, applications, topics or events"),
        ("name" = String, Path, description = "Entity name; the body's name must match (or be left out)"),
        ("X-Herald-Actor" = Option<String>, Header, description = "Who makes the change (audit log)"),
    ),
    request_body(content = Object, description = "The whole entity document", content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = Object),
        (status = 201, description = "Created", body = Object),
        (status = 415, description = "The body is not labelled JSON (41510); nothing changed", body = CatalogErrorBody),
        (status = 422, description = "Not a valid entity, or it breaks the catalog's rules", body = CatalogErrorBody),
    )
)]
// Each argument is an extractor axum fills from the request.
#[allow(clippy::too_many_arguments)]
pub async fn put(
    State(catalog): State<Arc<Catalog>>,
    Path((kind, name)): Path<(String, String)>,
    Extension(viewer): Extension<Viewer>,
    Extension(usage): Extension<Arc<Usage>>,
    params: Params,
    Actor(actor): Actor,
    _: JsonBody,
    body: Bytes,
) -> Result<Response, CatalogApiError> {
    let kind = kind_of(&kind)?;
    let entity = read_entity(kind, &body, Some(&name))?;
    may_change(
        &catalog,
        &viewer,
        Some((kind, entity.name())),
        Some(&entity),
    )
    .await?;
    if let Entity::Event(event) = &entity {
        guard_retiring(
            &catalog,
            &usage,
            &viewer,
            &actor,
            event,
            params.flag("force"),
        )
        .await?;
    }
    let document = entity.to_json();
    let created = catalog.put(entity, &actor).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(document)).into_response())
}

/// Retiring an event that is still read is refused unless an admin forces it.
pub(super) async fn guard_retiring(
    catalog: &Catalog,
    usage: &Usage,
    viewer: &Viewer,
    actor: &str,
    event: &Event,
    force: bool,
) -> Result<(), CatalogApiError> {
    if event.lifecycle != Lifecycle::Retired {
        return Ok(());
    }
    let before = catalog.snapshot().await?;
    let old = before.events.get(&event.name);
    if old.is_some_and(|old| old.lifecycle == Lifecycle::Retired) {
        return Ok(());
    }
    // The subject it was read through: as it stands, else as the write names it.
    let Some(subject) = old
        .and_then(|old| old.subject.clone())
        .or_else(|| event.subject.clone())
    else {
        return Ok(());
    };
    crate::api::usage::guard_retirement(
        usage,
        viewer,
        actor,
        force,
        &format!("event {}", event.name),
        &[subject],
    )
    .await?;
    Ok(())
}

/// Delete an entity.
#[utoipa::path(
    delete,
    path = "/catalog/{kind}/{name}",
    tag = "catalog",
    params(
        ("kind" = String, Path, description = "domains, teams, applications, topics or events"),
        ("name" = String, Path, description = "Entity name"),
        ("X-Herald-Actor" = Option<String>, Header, description = "Who makes the change (audit log)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such entity", body = CatalogErrorBody),
        (status = 409, description = "Others still refer to it (40912, naming them)", body = CatalogErrorBody),
    )
)]
pub async fn delete(
    State(catalog): State<Arc<Catalog>>,
    Path((kind, name)): Path<(String, String)>,
    Extension(viewer): Extension<Viewer>,
    Extension(usage): Extension<Arc<Usage>>,
    params: Params,
    Actor(actor): Actor,
) -> Result<StatusCode, CatalogApiError> {
    let kind = kind_of(&kind)?;
    let name = name_of(kind, &name)?;
    may_change(&catalog, &viewer, Some((kind, &name)), None).await?;
    // Deleting an event retires it for good: refused like retiring while it is read.
    if kind == EntityKind::Event
        && let Ok(Entity::Event(event)) = catalog.get(kind, &name).await
        && let Some(subject) = event.subject
    {
        crate::api::usage::guard_retirement(
            &usage,
            &viewer,
            &actor,
            params.flag("force"),
            &format!("event {name}"),
            &[subject],
        )
        .await?;
    }
    catalog.delete(kind, &name, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Related entities, both ways.
#[utoipa::path(
    get,
    path = "/catalog/{kind}/{name}/{relation}",
    tag = "catalog",
    params(
        ("kind" = String, Path, description = "domains, teams, applications, topics or events"),
        ("name" = String, Path, description = "Entity name"),
        ("relation" = String, Path, description = "topics: producers, consumers, events, subjects; events: producers, consumers; applications: produces, consumes; domains: members; teams: owns"),
    ),
    responses(
        (status = 200, description = "The related entities", body = Vec<Link>),
        (status = 404, description = "Unknown entity or relation", body = CatalogErrorBody),
    )
)]
pub async fn related(
    State(catalog): State<Arc<Catalog>>,
    Path((kind, name, relation)): Path<(String, String, String)>,
) -> Result<Json<Vec<Link>>, CatalogApiError> {
    let kind = kind_of(&kind)?;
    let name = name_of(kind, &name)?;
    let snapshot = catalog.snapshot().await?;
    if !snapshot.contains(kind, &name) {
        return Err(CatalogApiError::not_found(format!(
            "{kind} {name} not found"
        )));
    }
    snapshot
        .related(kind, &name, &relation)
        .map(Json)
        .ok_or_else(|| {
            CatalogApiError::not_found(format!(
                "{kind} has no relation {relation:?} (it has: {})",
                relations_of(kind).join(", ")
            ))
        })
}

/// Reads an entity document of `kind` from a JSON body; with `path_name`, the body's name
/// must match it (or is taken from it when absent).
fn read_entity(
    kind: EntityKind,
    body: &[u8],
    path_name: Option<&str>,
) -> Result<Entity, CatalogApiError> {
    let mut document: Value = serde_json::from_slice(body)
        .map_err(|e| CatalogApiError::bad_request(format!("the body is not JSON: {e}")))?;
    let Some(object) = document.as_object_mut() else {
        return Err(unprocessable(format!("a {kind} is a JSON object")));
    };
    if let Some(path_name) = path_name {
        match object.get("name") {
            None => {
                object.insert("name".into(), Value::String(path_name.to_owned()));
            }
            Some(Value::String(name)) if name == path_name => {}
            Some(other) => {
                return Err(unprocessable(format!(
                    "the body names {other}, the URL {path_name:?}"
                )));
            }
        }
    }
    Entity::from_json(kind, document).map_err(|e| unprocessable(format!("{kind}: {e}")))
}

fn unprocessable(message: String) -> CatalogApiError {
    CatalogApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 42212, message)
}
