//! The rows both backends read, and how they become model values. The SQL differs
//! between SQLite and PostgreSQL; the columns that come back, and how the JSON kept in text
//! columns is read and written, do not.

use sqlx::FromRow;

use super::StoreError;
use super::catalog::CatalogRow;
use crate::model::{
    AuditRecord, SchemaType, StoredSchema, SubjectSummary, SubjectVersion, VersionRow,
};

/// The columns a [`SchemaRow`] reads, from `schemas s`.
pub(super) const SCHEMA_COLUMNS: &str =
    "s.id, s.schema_type, s.canonical_text, s.references_json, s.metadata_json, s.rule_set_json";

#[derive(FromRow)]
pub(super) struct SchemaRow {
    id: i64,
    schema_type: String,
    canonical_text: String,
    references_json: String,
    metadata_json: Option<String>,
    rule_set_json: Option<String>,
}

impl SchemaRow {
    pub(super) fn into_schema(self) -> Result<StoredSchema, StoreError> {
        Ok(StoredSchema {
            id: self.id,
            schema_type: parse_schema_type(&self.schema_type)?,
            canonical_text: self.canonical_text,
            references: parse_json(&self.references_json)?,
            metadata: self.metadata_json.as_deref().map(parse_json).transpose()?,
            rule_set: self.rule_set_json.as_deref().map(parse_json).transpose()?,
        })
    }
}

#[derive(FromRow)]
pub(super) struct VersionDbRow {
    version: i32,
    schema_id: i64,
    deleted: bool,
}

impl From<VersionDbRow> for VersionRow {
    fn from(row: VersionDbRow) -> Self {
        Self {
            version: row.version,
            schema_id: row.schema_id,
            deleted: row.deleted,
        }
    }
}

#[derive(FromRow)]
pub(super) struct SubjectVersionDbRow {
    subject: String,
    version: i32,
    schema_id: i64,
    deleted: bool,
}

impl From<SubjectVersionDbRow> for SubjectVersion {
    fn from(row: SubjectVersionDbRow) -> Self {
        Self {
            subject: row.subject,
            version: row.version,
            schema_id: row.schema_id,
            deleted: row.deleted,
        }
    }
}

/// A `subject_summary` row with the subject's own compatibility level joined in.
#[derive(FromRow)]
pub(super) struct SubjectSummaryRow {
    subject: String,
    schema_type: String,
    latest_version: i32,
    latest_schema_id: i64,
    live_versions: i64,
    updated_at: String,
    own_compatibility: Option<String>,
}

impl SubjectSummaryRow {
    pub(super) fn into_summary(self) -> Result<SubjectSummary, StoreError> {
        Ok(SubjectSummary {
            schema_type: parse_schema_type(&self.schema_type)?,
            subject: self.subject,
            latest_version: self.latest_version,
            latest_schema_id: self.latest_schema_id,
            live_versions: self.live_versions,
            own_compatibility: self.own_compatibility,
            updated_at: self.updated_at,
        })
    }
}

/// An `audit_log` row, its time already as RFC 3339 text.
#[derive(FromRow)]
pub(super) struct AuditDbRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    details: String,
}

impl AuditDbRow {
    pub(super) fn into_record(self) -> Result<AuditRecord, StoreError> {
        Ok(AuditRecord {
            details: parse_json(&self.details)?,
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            action: self.action,
            target: self.target,
        })
    }
}

/// A `catalog_entities` row, its time already as RFC 3339 text.
#[derive(FromRow)]
pub(super) struct EntityRow {
    kind: String,
    name: String,
    document: String,
    updated_at: String,
    updated_by: String,
}

impl EntityRow {
    pub(super) fn into_catalog_row(self) -> Result<CatalogRow, StoreError> {
        Ok(CatalogRow {
            document: parse_json(&self.document)?,
            kind: self.kind,
            name: self.name,
            updated_at: self.updated_at,
            updated_by: self.updated_by,
        })
    }
}

/// A stored schema type; anything but the three wire names means the row is corrupt.
fn parse_schema_type(name: &str) -> Result<SchemaType, StoreError> {
    SchemaType::parse(name).ok_or_else(|| StoreError::Corrupt(format!("schema type {name}")))
}

/// Reads JSON kept in a text column; text that does not parse means the row is corrupt.
pub(super) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Writes a value as JSON text for a text column.
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}
