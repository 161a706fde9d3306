//! Read-only views for browsing (the HTML portal): a filtered, paged subject list, counts
//! and the newest audit entries. Both backends answer them from indexes (see
//! `migrations/*/0002_portal.sql`), so they stay fast with 100,000 subjects.

use crate::model::SchemaType;
// What the portal shows crosses the registry and portal layers, so it lives in the model.
pub use crate::model::{AuditRecord, RegistryCounts, SubjectSummary};

/// Which subjects a [`SubjectPage`] holds. Only subjects with a live version are listed.
#[derive(Debug, Clone, Default)]
pub struct SubjectFilter<'a> {
    /// Keeps names containing this text, ASCII case-insensitively; empty keeps all.
    pub name_contains: &'a str,
    /// Keeps subjects whose latest live version has this type.
    pub schema_type: Option<SchemaType>,
    /// Keeps subjects whose own stored `compatibilityLevel` is this level, and subjects
    /// without one when `fallback_compatibility` is this level.
    pub compatibility: Option<&'a str>,
    /// The level a subject without its own counts as (the caller's rule, not the store's).
    pub fallback_compatibility: &'a str,
    /// Keeps only these subjects (e.g. those carrying a tag); `None` keeps all.
    pub only: Option<&'a [String]>,
    /// Rows to skip, in name (byte) order.
    pub offset: i64,
    /// Rows to return at most.
    pub limit: i64,
}

/// One page of subjects and how many match the filter in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubjectPage {
    pub total: i64,
    pub rows: Vec<SubjectSummary>,
}

/// Which audit entries an audit trail page holds, newest first (by `seq`). Every filter
/// given must hold; `None` keeps all.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery<'a> {
    /// Entries by exactly this actor.
    pub actor: Option<&'a str>,
    /// Registry changes to exactly this subject (or config/mode scope). Catalog rows,
    /// whose targets are `kind/name`, never match, even for a subject spelled that way.
    pub subject: Option<&'a str>,
    pub action: Option<ActionMatch<'a>>,
    /// Entries at or after this time: RFC 3339 UTC with milliseconds and `Z`
    /// (`2026-01-02T03:04:05.678Z`), the stored format.
    pub from: Option<&'a str>,
    /// Entries strictly before this time, in the same format.
    pub until: Option<&'a str>,
    /// Keyset paging: only entries whose `seq` is below this.
    pub before: Option<i64>,
    /// Rows to return at most.
    pub limit: i64,
}

/// How an audit action is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionMatch<'a> {
    /// Exactly this action, e.g. `schema.registered`.
    Exact(&'a str),
    /// Actions starting with this text (literally), e.g. `catalog.`.
    Prefix(&'a str),
}
