//! The field index: every field of every subject's latest live version, with its
//! field-level tags, and the applications that write or read it. Answers "which fields
//! are tagged pii, and who reads them?" and feeds search.
//!
//! Fields of a schema id never change, so they are kept per id; only the list of latest
//! versions is re-read when the registry moves on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use utoipa::ToSchema;

use super::model::EntityName;
use super::snapshot::Snapshot;
use super::{Catalog, CatalogError, Sight};
use crate::registry::{RegistryError, SchemaListing};
use crate::schema::fields::FieldInfo;

/// One field of a subject's latest version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexedField {
    pub subject: String,
    pub version: i32,
    pub schema_id: i64,
    pub path: String,
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub tags: Vec<String>,
}

/// A field with the applications that use its subject.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldUsage {
    #[serde(flatten)]
    pub field: IndexedField,
    pub writers: Vec<String>,
    pub readers: Vec<String>,
}

/// Parsed fields by schema id, and the index as of a registry generation.
#[derive(Default)]
pub(super) struct FieldCache {
    by_schema: Mutex<HashMap<i64, Arc<Vec<FieldInfo>>>>,
    index: Mutex<Option<(u64, Arc<Vec<IndexedField>>)>>,
}

/// Bound on the per-id memo; past it the memo starts afresh.
const FIELD_MEMO_LIMIT: usize = 200_000;

impl Catalog {
    /// Every field of every subject's latest live version.
    /// The field index of the subjects `sight` may read.
    pub async fn field_index_for(
        &self,
        sight: &dyn Sight,
    ) -> Result<Arc<Vec<IndexedField>>, CatalogError> {
        let index = self.field_index().await?;
        if sight.sees_everything() {
            return Ok(index);
        }
        Ok(Arc::new(
            index
                .iter()
                .filter(|field| sight.sees_subject(&field.subject))
                .cloned()
                .collect(),
        ))
    }

    pub async fn field_index(&self) -> Result<Arc<Vec<IndexedField>>, CatalogError> {
        let generation = self.registry.generation();
        if let Some((at, index)) = lock(&self.fields.index).as_ref()
            && *at == generation
        {
            return Ok(index.clone());
        }
        let listing = SchemaListing {
            latest_only: true,
            ..SchemaListing::default()
        };
        let latest = self.registry.listed_versions(&listing).await?;
        let mut index = Vec::new();
        for version in latest {
            let fields = self.fields_of(version.schema_id).await?;
            index.extend(fields.iter().map(|field| IndexedField {
                subject: version.subject.clone(),
                version: version.version,
                schema_id: version.schema_id,
                path: field.path.clone(),
                type_name: field.type_name.clone(),
                doc: field.doc.clone(),
                tags: field.tags.clone(),
            }));
        }
        let index = Arc::new(index);
        *lock(&self.fields.index) = Some((generation, index.clone()));
        Ok(index)
    }

    /// The fields of one schema id (memoised: content under an id never changes).
    pub async fn fields_of(&self, schema_id: i64) -> Result<Arc<Vec<FieldInfo>>, CatalogError> {
        if let Some(hit) = lock(&self.fields.by_schema).get(&schema_id) {
            return Ok(hit.clone());
        }
        let stored = match self.registry.schema_by_id(schema_id).await {
            Ok(stored) => stored,
            Err(RegistryError::SchemaIdNotFound(_)) => return Ok(Arc::default()),
            Err(other) => return Err(other.into()),
        };
        let parsed = self.registry.parsed_schema(&stored).await?;
        let fields = Arc::new(parsed.fields());
        let mut memo = lock(&self.fields.by_schema);
        if memo.len() >= FIELD_MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(schema_id, fields.clone());
        Ok(fields)
    }

    /// Every field that carries a tag, each with who writes and reads it, of the subjects
    /// `sight` may read.
    pub async fn tagged_fields(&self, sight: &dyn Sight) -> Result<Vec<FieldUsage>, CatalogError> {
        self.fields_where(|tags| !tags.is_empty(), sight).await
    }

    /// Fields carrying `tag` (case-insensitive), each with who writes and reads it.
    pub async fn fields_tagged(
        &self,
        tag: &str,
        sight: &dyn Sight,
    ) -> Result<Vec<FieldUsage>, CatalogError> {
        self.fields_where(|tags| carries(tags, tag), sight).await
    }

    /// Fields whose tags pass `keep`, of the subjects `sight` may read; their writers and
    /// readers are the applications it may read.
    async fn fields_where(
        &self,
        keep: impl Fn(&[String]) -> bool,
        sight: &dyn Sight,
    ) -> Result<Vec<FieldUsage>, CatalogError> {
        let index = self.field_index_for(sight).await?;
        let snapshot = self.snapshot_for(sight).await?;
        let mut users = FieldUsers::new(&snapshot);
        Ok(index
            .iter()
            .filter(|field| keep(&field.tags))
            .map(|field| users.usage(field.clone()))
            .collect())
    }

    /// Subjects that carry `tag` (any case): a field of their latest version has it, or a
    /// topic or event bound to them does. Sorted, without repeats.
    pub async fn subjects_tagged(&self, tag: &str) -> Result<Vec<String>, CatalogError> {
        let has = |tags: &[String]| carries(tags, tag);
        let mut subjects: std::collections::BTreeSet<String> = self
            .field_index()
            .await?
            .iter()
            .filter(|field| has(&field.tags))
            .map(|field| field.subject.clone())
            .collect();
        let snapshot = self.snapshot().await?;
        for topic in snapshot.topics.values().filter(|t| has(&t.tags)) {
            subjects.extend(
                snapshot
                    .topic_subjects(topic)
                    .into_iter()
                    .map(|s| s.subject),
            );
        }
        for event in snapshot.events.values().filter(|e| has(&e.tags)) {
            subjects.extend(event.subject.clone());
        }
        Ok(subjects.into_iter().collect())
    }
}

/// Whether `tags` holds `tag` (any case).
fn carries(tags: &[String], tag: &str) -> bool {
    tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

/// Who writes and reads the subject of each field, worked out once per subject: a
/// listing or a search shows many fields of the same few subjects.
pub struct FieldUsers<'a> {
    snapshot: &'a Snapshot,
    by_subject: HashMap<String, (Vec<String>, Vec<String>)>,
}

impl<'a> FieldUsers<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        Self {
            snapshot,
            by_subject: HashMap::new(),
        }
    }

    /// `field` with the applications that write and read its subject.
    pub fn usage(&mut self, field: IndexedField) -> FieldUsage {
        let snapshot = self.snapshot;
        let (writers, readers) = self
            .by_subject
            .entry(field.subject.clone())
            .or_insert_with(|| {
                let (writers, readers) = snapshot.writers_and_readers(&field.subject);
                let names = |apps: Vec<EntityName>| apps.iter().map(ToString::to_string).collect();
                (names(writers), names(readers))
            })
            .clone();
        FieldUsage {
            writers,
            readers,
            field,
        }
    }
}

/// The newest live version of each subject (input sorted by subject, then version).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned cache only means a panic elsewhere; the value is still a valid cache.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_names_writers_and_readers_of_the_subject() {
        let snapshot = crate::catalog::snapshot::tests::landscape();
        let field = IndexedField {
            subject: "orders-value".into(),
            version: 2,
            schema_id: 7,
            path: "customer.email".into(),
            type_name: "string".into(),
            doc: None,
            tags: vec!["PII".into()],
        };
        let usage = FieldUsers::new(&snapshot).usage(field);
        assert_eq!(usage.writers, vec!["shop"]);
        assert_eq!(usage.readers, vec!["billing"]);
    }
}
