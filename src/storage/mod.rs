//! Storage: the only place with SQL. Plain data in, plain data out; no Confluent rules
//! here beyond what the database must enforce (unique ids, contiguous versions).

pub mod sqlite;

use serde_json::Value;

use crate::model::Reference;
use crate::schema::SchemaType;

pub use sqlite::SqliteStore as Store;

/// One distinct schema, as stored under its global id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchema {
    pub id: i64,
    pub schema_type: SchemaType,
    pub canonical_text: String,
    pub references: Vec<Reference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
}

/// One version of one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRow {
    pub version: i32,
    pub schema_id: i64,
    pub deleted: bool,
}

/// A version with its subject, as listed by `/schemas` and `/schemas/ids/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i32,
    pub schema_id: i64,
    pub deleted: bool,
}

/// A schema to bind to a subject.
#[derive(Debug, Clone)]
pub struct NewSchema {
    pub schema_type: SchemaType,
    pub identity: [u8; 16],
    pub canonical_text: String,
    pub references: Vec<Reference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
}

/// A registration, applied only if the subject still looks as the caller saw it.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub subject: &'a str,
    /// The highest version (soft-deleted included) the caller's checks saw; the write is
    /// refused with [`StoreError::Conflict`] if another writer got there first.
    pub expected_max_version: Option<i32>,
    pub schema: NewSchema,
    /// IMPORT mode: the id to use instead of allocating one.
    pub explicit_id: Option<i64>,
    /// IMPORT mode: the version to use instead of max + 1.
    pub explicit_version: Option<i32>,
    pub actor: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub id: i64,
    pub version: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The subject changed between the caller's read and its write: read again and retry.
    #[error("concurrent change to the same subject")]
    Conflict,
    /// IMPORT: the id is already bound to a different schema.
    #[error("id {0} is already used by a different schema")]
    IdTaken(i64),
    /// IMPORT: the version already exists with a different schema.
    #[error("version {0} already exists")]
    VersionTaken(i32),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// A recorded change, appended in the same transaction as the change itself.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub details: Value,
}
