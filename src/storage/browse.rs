//! Read-only views for browsing (the HTML portal): a filtered, paged subject list, counts
//! and the newest audit entries. Both backends answer them from indexes (see
//! `migrations/*/0002_portal.sql`), so they stay fast with 100,000 subjects.

use serde_json::Value;

use crate::schema::SchemaType;

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

/// A subject as listed: its latest live version and what it takes to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectSummary {
    pub subject: String,
    pub schema_type: SchemaType,
    pub latest_version: i32,
    pub latest_schema_id: i64,
    pub live_versions: i64,
    /// The subject's own stored `compatibilityLevel`, if any.
    pub own_compatibility: Option<String>,
    /// RFC 3339 UTC time of the last change to any of its versions.
    pub updated_at: String,
}

/// An audit log entry, as the portal's recent changes show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    /// RFC 3339 UTC time.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: Value,
}

/// How much the registry holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    /// Subjects with a live version.
    pub subjects: i64,
    /// Distinct schema ids bound to some version (live or soft-deleted).
    pub schemas: i64,
    /// Live subject versions.
    pub versions: i64,
}
