//! Finding things: `GET /search`, the field-tag index at `GET /catalog/fields` and a
//! subject's place in the landscape at `GET /catalog/subjects/{subject}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{CatalogApiError, CatalogErrorBody};
use crate::access::Viewer;
use crate::api::extract::Params;
use crate::catalog::Catalog;
use crate::catalog::fields::FieldUsage;
use crate::catalog::search::{MAX_HITS, SearchResults};
use crate::catalog::snapshot::Role;
use crate::model::Subject;
use crate::registry::DeletedFilter;

/// Search entities, subjects and schema fields.
#[utoipa::path(
    get,
    path = "/search",
    tag = "discovery",
    params(
        ("q" = String, Query, description = "Words that must all match (names, titles, tags, descriptions, field paths and docs)"),
        ("limit" = Option<usize>, Query, description = "At most this many hits (default 50, at most 500)"),
    ),
    responses((status = 200, description = "Hits, best first; field hits name their subject and readers", body = SearchResults)),
)]
pub async fn search(
    State(catalog): State<Arc<Catalog>>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Json<SearchResults>, CatalogApiError> {
    let query = params.get("q").unwrap_or("");
    let limit = params
        .int("limit")
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(50)
        .min(MAX_HITS);
    let results = catalog.search(query, limit, &viewer).await?;
    Ok(Json(results))
}

/// Fields carrying a tag, with who writes and reads them.
#[utoipa::path(
    get,
    path = "/catalog/fields",
    tag = "discovery",
    params(("tag" = Option<String>, Query, description = "Field-level tag, any case (e.g. PII); without it, every tagged field")),
    responses((status = 200, description = "Tagged fields of every subject's latest version", body = Vec<FieldUsage>)),
)]
pub async fn fields(
    State(catalog): State<Arc<Catalog>>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Json<Vec<FieldUsage>>, CatalogApiError> {
    let fields = match params.get("tag") {
        Some(tag) => catalog.fields_tagged(tag, &viewer).await?,
        None => catalog.tagged_fields(&viewer).await?,
    };
    Ok(Json(fields))
}

/// A subject's topics, events and the applications that use it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectUsageBody {
    pub subject: String,
    pub topics: Vec<String>,
    pub events: Vec<String>,
    pub applications: Vec<SubjectApplication>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectApplication {
    pub application: String,
    pub role: Role,
    /// The range the catalog declares.
    pub versions: String,
    /// The live versions that range selects today.
    pub resolved_versions: Vec<i32>,
}

/// Where a registry subject sits in the landscape.
#[utoipa::path(
    get,
    path = "/catalog/subjects/{subject}",
    tag = "discovery",
    params(("subject" = String, Path, description = "Registry subject")),
    responses(
        (status = 200, description = "Topics, events and applications using the subject", body = SubjectUsageBody),
        (status = 404, description = "Neither the registry nor the catalog knows the subject", body = CatalogErrorBody),
    )
)]
pub async fn subject_usage(
    State(catalog): State<Arc<Catalog>>,
    Path(subject): Path<String>,
) -> Result<Json<SubjectUsageBody>, CatalogApiError> {
    let snapshot = catalog.snapshot().await?;
    let usage = snapshot.subject_usage(&subject);
    let live: Vec<i32> = catalog
        .registry()
        .versions(
            &Subject::new(subject.clone()),
            DeletedFilter::including(false),
        )
        .await
        .map(|rows| rows.iter().map(|r| r.version).collect())
        .unwrap_or_default();
    if live.is_empty() && usage.topics.is_empty() && usage.events.is_empty() {
        return Err(CatalogApiError::not_found(format!(
            "subject {subject} not found"
        )));
    }
    Ok(Json(SubjectUsageBody {
        subject,
        topics: usage.topics.iter().map(ToString::to_string).collect(),
        events: usage.events.iter().map(ToString::to_string).collect(),
        applications: usage
            .edges
            .iter()
            .map(|edge| SubjectApplication {
                application: edge.application.to_string(),
                role: edge.role,
                versions: edge.versions.to_string(),
                resolved_versions: edge.versions.select(&live),
            })
            .collect(),
    }))
}
