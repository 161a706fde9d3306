//! `GET /audit`: the audit trail as JSON, with the query parameters of the portal's
//! `/ui/audit` page, one page at a time (`next` is the `before` of the next page).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::ApiError;
use super::extract::Params;
use super::validate::ErrorResponse;
use crate::registry::audit::{AuditFilter, AuditParams};
use crate::registry::{AuditRecord, Registry};

/// One page of the audit trail, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageBody {
    pub entries: Vec<AuditEntryBody>,
    /// Pass as `before` (with the same filters) for the next, older page; null on the last.
    pub next: Option<i64>,
}

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryBody {
    /// The entry's id, increasing with every change: the paging cursor.
    pub id: i64,
    /// When, RFC 3339 UTC with milliseconds.
    pub at: String,
    /// Who made the change.
    pub actor: String,
    /// What kind of change, e.g. `schema.registered`, `versions.deleted`, `config.set`,
    /// `mode.set`, `catalog.topic.updated`.
    pub action: String,
    /// What it changed: a subject, a config or mode scope (`__GLOBAL` for the global one), or
    /// a catalog entity as `kind/name`.
    pub target: String,
    /// What the change recorded: a registration's `id` and `version`, deleted `versions`, a
    /// setting's `value`, a catalog entity's new document.
    #[schema(value_type = Object)]
    pub details: Value,
}

impl From<AuditRecord> for AuditEntryBody {
    fn from(record: AuditRecord) -> Self {
        Self {
            id: record.seq,
            at: record.at,
            actor: record.actor,
            action: record.action,
            target: record.target,
            details: record.details,
        }
    }
}

pub fn router(registry: Arc<Registry>) -> axum::Router {
    axum::Router::new()
        .route("/audit", get(audit_trail))
        .with_state(registry)
}

/// Needs the admin role.
#[utoipa::path(
    get,
    path = "/audit",
    tag = "audit",
    summary = "The audit trail: who changed what and when, newest first",
    params(
        ("actor" = Option<String>, Query, description = "Only changes by exactly this actor"),
        ("subject" = Option<String>, Query, description = "Only registry changes (registrations, deletes, config, mode) to exactly this subject"),
        ("action" = Option<String>, Query, description = "Only this action (`schema.registered`), or every action starting with a prefix ending in `.` or `*` (`catalog.`, `versions.deleted*`)"),
        ("from" = Option<String>, Query, description = "Only changes at or after this RFC 3339 time (UTC unless it carries an offset) or date (from its start)"),
        ("to" = Option<String>, Query, description = "Only changes up to the end of this time or date (`2026-01-31` takes in the whole day)"),
        ("before" = Option<i64>, Query, description = "Paging cursor: only entries older than this id (the previous page's `next`)"),
        ("limit" = Option<u32>, Query, description = "Entries per page (default 50, at most 500; more is capped)"),
    ),
    responses(
        (status = 200, description = "One page of entries and the cursor of the next", body = AuditPageBody),
        (status = 400, description = "A parameter cannot be read (error_code 400; the message names it)", body = ErrorResponse),
    )
)]
pub async fn audit_trail(
    State(registry): State<Arc<Registry>>,
    params: Params,
) -> Result<Json<AuditPageBody>, ApiError> {
    let filter = AuditFilter::parse(&AuditParams {
        actor: params.get("actor"),
        subject: params.get("subject"),
        action: params.get("action"),
        from: params.get("from"),
        to: params.get("to"),
        before: params.get("before"),
        limit: params.get("limit"),
    })
    .map_err(|invalid| ApiError::new(StatusCode::BAD_REQUEST, 400, invalid.to_string()))?;
    let page = registry.audit_trail(&filter).await?;
    Ok(Json(AuditPageBody {
        entries: page.entries.into_iter().map(Into::into).collect(),
        next: page.next_before,
    }))
}
