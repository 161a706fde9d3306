//! Observed usage and drift over HTTP: `/usage/...` (who read which schema, JSON or CSV)
//! and `/drift/...` (declared against observed readers). Handlers translate HTTP to the
//! usage use cases and show a caller only the subjects it may read.

use std::sync::Arc;

use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::catalog::error::{CatalogApiError, CatalogErrorBody};
use super::error::ApiError;
use super::extract::{Params, schema_id};
use crate::access::{Role, Viewer};
use crate::catalog::model::EntityName;
use crate::catalog::sight::Sight;
use crate::model::Subject;
use crate::usage::drift::{self, SubjectDrift};
use crate::usage::{Flushed, ObservedRead, ReportScope, Usage, UsageError, UsageStatus};

pub fn router(usage: Arc<Usage>) -> Router {
    Router::new()
        .route("/usage", get(status))
        .route("/usage/flush", post(flush))
        .route("/usage/subjects/{subject}", get(by_subject))
        .route("/usage/ids/{id}", get(by_schema_id))
        .route("/usage/principals/{principal}", get(by_principal))
        .route("/usage/applications/{name}", get(by_application))
        .route("/drift", get(landscape_drift))
        .route("/drift/subjects/{subject}", get(subject_drift))
        .route("/drift/applications/{name}", get(application_drift))
        .with_state(usage)
}

/// Observed reads of one scope.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageBody {
    /// Reads of the last `days` days were summed.
    pub days: u32,
    /// One row per reader (principal, client, address), schema and way of access, the
    /// most recently seen first.
    pub reads: Vec<ObservedRead>,
}

impl From<UsageError> for CatalogApiError {
    fn from(error: UsageError) -> Self {
        match error {
            UsageError::NotFound(message) => Self::not_found(message),
            UsageError::Catalog(catalog) => catalog.into(),
            UsageError::Registry(registry) => crate::api::error::ApiError::from(registry).into(),
            UsageError::Store(store) => {
                tracing::error!(error = %store, "storage failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    50001,
                    "Error in the backend data store",
                )
            }
        }
    }
}

/// `days`: 1 to the retention (the default: the recent window).
fn days(usage: &Usage, params: &Params) -> Result<u32, CatalogApiError> {
    let settings = usage.settings();
    let Some(text) = params.get("days") else {
        return Ok(settings.recent_days.min(settings.retention_days));
    };
    text.parse::<u32>()
        .ok()
        .filter(|d| (1..=settings.retention_days).contains(d))
        .ok_or_else(|| {
            CatalogApiError::bad_request(format!(
                "days: expected a whole number from 1 to {} (the retention), found {text:?}",
                settings.retention_days
            ))
        })
}

/// CSV when `format=csv` or the client accepts `text/csv` (and not JSON first).
fn wants_csv(params: &Params, headers: &HeaderMap) -> Result<bool, CatalogApiError> {
    match params.get("format") {
        Some("csv") => return Ok(true),
        Some("json") => return Ok(false),
        Some(other) => {
            return Err(CatalogApiError::bad_request(format!(
                "format: expected json or csv, found {other:?}"
            )));
        }
        None => {}
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Ok(accept.trim_start().starts_with("text/csv"))
}

const CSV_COLUMNS: [&str; 11] = [
    "principal",
    "application",
    "client",
    "address",
    "access",
    "schema_id",
    "subject",
    "version",
    "first_seen",
    "last_seen",
    "count",
];

fn csv_body(reads: &[ObservedRead]) -> Result<Response, CatalogApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| {
        tracing::error!(error = %e, "could not write usage CSV");
        CatalogApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            50002,
            "could not write CSV",
        )
    };
    writer.write_record(CSV_COLUMNS).map_err(failed)?;
    for read in reads {
        let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
        writer
            .write_record([
                or_empty(&read.principal),
                or_empty(&read.application),
                or_empty(&read.client),
                or_empty(&read.address),
                read.access.clone(),
                read.schema_id.to_string(),
                or_empty(&read.subject),
                read.version.map(|v| v.to_string()).unwrap_or_default(),
                read.first_seen.clone(),
                read.last_seen.clone(),
                read.count.to_string(),
            ])
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| failed(csv::Error::from(e.into_error())))?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes).into_response())
}

/// Only the rows the viewer may read: a row whose subject is not known (an id shared by
/// several subjects) only for a reader of everything; applications it may not see are
/// not named.
fn visible(viewer: &Viewer, reads: Vec<ObservedRead>) -> Vec<ObservedRead> {
    if viewer.sees_everything() {
        return reads;
    }
    let everything = viewer.holds_everywhere(Role::Read);
    reads
        .into_iter()
        .filter(|read| match &read.subject {
            Some(subject) => viewer.may_read(subject),
            None => everything,
        })
        .map(|read| read.seen_by(viewer))
        .collect()
}

async fn report(
    usage: &Usage,
    viewer: &Viewer,
    scope: ReportScope,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, CatalogApiError> {
    let csv = wants_csv(params, headers)?;
    let days = days(usage, params)?;
    let reads = visible(viewer, usage.report(&scope, days).await?);
    if csv {
        return csv_body(&reads);
    }
    Ok(Json(UsageBody { days, reads }).into_response())
}

/// How usage is counted on this node.
#[utoipa::path(
    get,
    path = "/usage",
    tag = "usage",
    responses((status = 200, description = "The tally's settings and state on this node", body = UsageStatus))
)]
pub async fn status(State(usage): State<Arc<Usage>>) -> Json<UsageStatus> {
    Json(usage.status())
}

/// Writes this node's tally to the database now (admin). Tests and operators use it;
/// otherwise it happens every flush interval.
#[utoipa::path(
    post,
    path = "/usage/flush",
    tag = "usage",
    responses((status = 200, description = "What the flush wrote", body = Flushed))
)]
pub async fn flush(State(usage): State<Arc<Usage>>) -> Result<Json<Flushed>, CatalogApiError> {
    Ok(Json(usage.flush().await.map_err(UsageError::from)?))
}

const DAYS_PARAM: &str = "Days of usage summed (1 to the retention; default the recent window)";
const FORMAT_PARAM: &str = "json (default) or csv; `Accept: text/csv` also asks for CSV";

/// Who read a subject's schemas: by subject and version, and by id.
#[utoipa::path(
    get,
    path = "/usage/subjects/{subject}",
    tag = "usage",
    params(
        ("subject" = String, Path, description = "Registry subject"),
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
        ("format" = Option<String>, Query, description = FORMAT_PARAM),
    ),
    responses(
        (status = 200, description = "Observed reads (JSON, or CSV with the same columns)", body = UsageBody),
        (status = 400, description = "A parameter cannot be read", body = CatalogErrorBody),
    )
)]
pub async fn by_subject(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    Path(subject): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    let scope = ReportScope::Subject(Subject::new(subject));
    report(&usage, &viewer, scope, &params, &headers).await
}

/// Who read one schema id (by id, or through any subject version using it).
#[utoipa::path(
    get,
    path = "/usage/ids/{id}",
    tag = "usage",
    params(
        ("id" = i64, Path, description = "Schema id"),
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
        ("format" = Option<String>, Query, description = FORMAT_PARAM),
    ),
    responses(
        (status = 200, description = "Observed reads", body = UsageBody),
        (status = 400, description = "A parameter cannot be read", body = CatalogErrorBody),
    )
)]
pub async fn by_schema_id(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    let id = schema_id(&raw_id)?;
    report(
        &usage,
        &viewer,
        ReportScope::SchemaId(id),
        &params,
        &headers,
    )
    .await
}

/// What one principal read (only subjects the caller may read).
#[utoipa::path(
    get,
    path = "/usage/principals/{principal}",
    tag = "usage",
    params(
        ("principal" = String, Path, description = "Principal name, as authentication gave it"),
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
        ("format" = Option<String>, Query, description = FORMAT_PARAM),
    ),
    responses(
        (status = 200, description = "Observed reads", body = UsageBody),
        (status = 400, description = "A parameter cannot be read", body = CatalogErrorBody),
    )
)]
pub async fn by_principal(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    Path(principal): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    let scope = ReportScope::Principal(principal);
    report(&usage, &viewer, scope, &params, &headers).await
}

/// What an application read, through the principals and addresses it names.
#[utoipa::path(
    get,
    path = "/usage/applications/{name}",
    tag = "usage",
    params(
        ("name" = String, Path, description = "Catalog application"),
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
        ("format" = Option<String>, Query, description = FORMAT_PARAM),
    ),
    responses(
        (status = 200, description = "Observed reads", body = UsageBody),
        (status = 404, description = "No such application", body = CatalogErrorBody),
    )
)]
pub async fn by_application(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    Path(name): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, CatalogApiError> {
    let scope = ReportScope::Application(application_name(&name)?);
    report(&usage, &viewer, scope, &params, &headers).await
}

fn application_name(text: &str) -> Result<EntityName, CatalogApiError> {
    EntityName::parse(text).map_err(CatalogApiError::bad_request)
}

/// Declared against observed readers of every subject.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DriftBody {
    pub days: u32,
    pub subjects: Vec<SubjectDrift>,
}

/// Drift across the landscape: every subject declared in the catalog or seen read.
#[utoipa::path(
    get,
    path = "/drift",
    tag = "usage",
    params(
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
        ("drifting" = Option<bool>, Query, description = "Only subjects where the catalog and reality disagree"),
    ),
    responses((status = 200, description = "Per subject: declared readers as observed, undeclared readers and writers", body = DriftBody))
)]
pub async fn landscape_drift(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Json<DriftBody>, CatalogApiError> {
    let days = days(&usage, &params)?;
    let mut subjects = drift::seen_by(usage.landscape_drift(days).await?, &viewer);
    if params.flag("drifting") {
        subjects.retain(SubjectDrift::drifts);
    }
    Ok(Json(DriftBody { days, subjects }))
}

/// Drift of one subject.
#[utoipa::path(
    get,
    path = "/drift/subjects/{subject}",
    tag = "usage",
    params(
        ("subject" = String, Path, description = "Registry subject"),
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
    ),
    responses((status = 200, description = "Declared readers as observed, undeclared readers and writers", body = SubjectDrift))
)]
pub async fn subject_drift(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<SubjectDrift>, CatalogApiError> {
    let days = days(&usage, &params)?;
    let drift = usage.subject_drift(&Subject::new(subject), days).await?;
    // The guard let the caller read the subject: only applications may be hidden.
    Ok(Json(drift.seen_by(&viewer)))
}

/// Drift of the subjects one application declares or was seen using.
#[utoipa::path(
    get,
    path = "/drift/applications/{name}",
    tag = "usage",
    params(
        ("name" = String, Path, description = "Catalog application"),
        ("days" = Option<u32>, Query, description = DAYS_PARAM),
    ),
    responses(
        (status = 200, description = "Per subject, this application's side", body = DriftBody),
        (status = 404, description = "No such application", body = CatalogErrorBody),
    )
)]
pub async fn application_drift(
    State(usage): State<Arc<Usage>>,
    Extension(viewer): Extension<Viewer>,
    Path(name): Path<String>,
    params: Params,
) -> Result<Json<DriftBody>, CatalogApiError> {
    let days = days(&usage, &params)?;
    let drifts = usage
        .application_drift(&application_name(&name)?, days)
        .await?;
    let subjects = drift::seen_by(drifts, &viewer);
    Ok(Json(DriftBody { days, subjects }))
}

/// Before retiring an event or hard-deleting a subject: refused (409, error code 40920,
/// naming the readers) while `subjects` were read in the recent window, unless `force` is
/// asked by a caller with admin on every one of them. The refusal and the force are
/// audited under `target`.
pub async fn guard_retirement(
    usage: &Usage,
    viewer: &Viewer,
    actor: &str,
    force: bool,
    target: &str,
    subjects: &[String],
) -> Result<(), ApiError> {
    let readers = usage
        .recent_readers(subjects)
        .await
        .map_err(usage_failure)?;
    if readers.is_empty() {
        return Ok(());
    }
    let admin = subjects.iter().all(|s| viewer.may(Role::Admin, s));
    let forced = force && admin;
    usage
        .audit_retirement(actor, target, &readers, forced)
        .await
        .map_err(usage_failure)?;
    if forced {
        tracing::warn!(%target, %actor, readers = readers.len(), "retired while still read (forced)");
        return Ok(());
    }
    let named: Vec<String> = readers.iter().take(10).map(|r| r.describe()).collect();
    let more = readers.len().saturating_sub(named.len());
    let mut message = format!(
        "{target} was read in the last {} days by {}",
        usage.settings().recent_days,
        named.join(", ")
    );
    if more > 0 {
        message.push_str(&format!(" and {more} more"));
    }
    message.push_str(if force {
        "; only an admin of its subjects may force this"
    } else {
        "; move them off it first, or (admin) repeat with force=true"
    });
    Err(ApiError::new(StatusCode::CONFLICT, 40920, message))
}

fn usage_failure(error: UsageError) -> ApiError {
    match error {
        UsageError::Registry(registry) => registry.into(),
        other => {
            tracing::error!(error = %other, "usage check failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                50001,
                "Error in the backend data store",
            )
        }
    }
}
