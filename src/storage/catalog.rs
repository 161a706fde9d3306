//! The catalog's storage contract: entity documents by kind and name, written in batches
//! under one optimistic revision. The rules (what may reference what) are the catalog's.

use serde_json::Value;

/// Every catalog entity as stored, with the revision the read saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogRows {
    pub revision: i64,
    pub rows: Vec<CatalogRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogRow {
    pub kind: String,
    pub name: String,
    pub document: Value,
    /// RFC 3339 UTC time of the last write.
    pub updated_at: String,
    pub updated_by: String,
}

/// One change of a catalog write batch.
#[derive(Debug, Clone)]
pub enum CatalogWrite {
    /// Create or replace the entity `kind`/`name`.
    Put {
        kind: String,
        name: String,
        document: Value,
        /// The audit action, e.g. `catalog.topic.created`.
        action: String,
    },
    Delete {
        kind: String,
        name: String,
        action: String,
    },
}

impl CatalogWrite {
    pub fn action(&self) -> &str {
        match self {
            Self::Put { action, .. } | Self::Delete { action, .. } => action,
        }
    }

    /// What the audit log keeps of the change: the new document, or nothing for a delete.
    pub fn audit_details(&self) -> Value {
        match self {
            Self::Put { document, .. } => document.clone(),
            Self::Delete { .. } => Value::Object(serde_json::Map::new()),
        }
    }

    /// `kind/name`, the audit target.
    pub fn target(&self) -> String {
        match self {
            Self::Put { kind, name, .. } | Self::Delete { kind, name, .. } => {
                format!("{kind}/{name}")
            }
        }
    }
}
