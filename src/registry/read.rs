//! Reading: schemas by id, subjects, versions, lookups, references.

use super::{Registry, RegistryError, SchemaRequest, SchemaVersion};
use crate::model::{Subject, VersionSpec};
use crate::storage::{StoredSchema, SubjectVersion, VersionRow};

/// Which versions a listing includes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeletedFilter {
    /// Soft-deleted versions too.
    pub deleted: bool,
    /// Only soft-deleted versions (wins over `deleted`).
    pub deleted_only: bool,
}

impl DeletedFilter {
    /// Live versions, plus soft-deleted ones when `deleted`.
    pub fn including(deleted: bool) -> Self {
        Self {
            deleted,
            deleted_only: false,
        }
    }

    fn keeps(self, deleted: bool) -> bool {
        if self.deleted_only {
            deleted
        } else {
            self.deleted || !deleted
        }
    }
}

/// Filters of `GET /schemas`.
#[derive(Debug, Clone, Default)]
pub struct SchemaListing {
    pub subject_prefix: String,
    pub deleted: bool,
    pub latest_only: bool,
}

impl Registry {
    /// `GET /schemas/ids/{id}`: soft-deleted schemas are still served.
    pub async fn schema_by_id(&self, id: i64) -> Result<StoredSchema, RegistryError> {
        self.store()
            .schema(id)
            .await?
            .ok_or(RegistryError::SchemaIdNotFound(id))
    }

    /// `GET /schemas/guids/{guid}`: schemas by Confluent guid (the identity digest).
    pub async fn schemas_by_guid(&self, guid: &str) -> Result<Vec<StoredSchema>, RegistryError> {
        let digest =
            crate::schema::identity::parse_guid(guid).ok_or(RegistryError::SchemaNotFound)?;
        let schemas = self.store().schemas_by_identity(&digest).await?;
        if schemas.is_empty() {
            return Err(RegistryError::SchemaNotFound);
        }
        Ok(schemas)
    }

    /// The schema text in a Confluent `format` (`resolved`, `serialized`); `None` when the
    /// format does not apply to the schema's type.
    pub async fn formatted_text(
        &self,
        schema: &StoredSchema,
        format: &str,
    ) -> Result<Option<String>, RegistryError> {
        Ok(self.parsed(schema).await?.formatted_text(format))
    }

    /// `GET /schemas/ids/{id}/versions` (and, mapped, `/subjects`).
    pub async fn versions_of_schema(
        &self,
        id: i64,
        subject: Option<&str>,
        deleted: bool,
    ) -> Result<Vec<SubjectVersion>, RegistryError> {
        let all = self.store().versions_of_schema(id).await?;
        if all.is_empty() {
            return Err(RegistryError::SchemaNotFound);
        }
        Ok(all
            .into_iter()
            .filter(|v| deleted || !v.deleted)
            .filter(|v| subject.is_none_or(|s| s == v.subject))
            .collect())
    }

    /// `GET /subjects`: sorted names, filtered by prefix and deletion.
    pub async fn subjects(
        &self,
        prefix: &str,
        filter: DeletedFilter,
    ) -> Result<Vec<String>, RegistryError> {
        Ok(self
            .store()
            .subjects()
            .await?
            .into_iter()
            .filter(|(name, _)| name.starts_with(prefix))
            // A subject counts as deleted when it has no live version left.
            .filter(|(_, live)| filter.keeps(!live))
            .map(|(name, _)| name)
            .collect())
    }

    /// `GET /subjects/{s}/versions`.
    pub async fn versions(
        &self,
        subject: &Subject,
        filter: DeletedFilter,
    ) -> Result<Vec<VersionRow>, RegistryError> {
        let versions: Vec<VersionRow> = self
            .store()
            .subject_versions(subject.as_str())
            .await?
            .into_iter()
            .filter(|v| filter.keeps(v.deleted))
            .collect();
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_string()));
        }
        Ok(versions)
    }

    /// `GET /subjects/{s}/versions/{v}`; `latest` is always the highest live version.
    pub async fn version(
        &self,
        subject: &Subject,
        spec: VersionSpec,
        include_deleted: bool,
    ) -> Result<SchemaVersion, RegistryError> {
        let versions = self.store().subject_versions(subject.as_str()).await?;
        let row = find_version(subject, &versions, spec, include_deleted)?;
        let schema = self
            .store()
            .schema(row.schema_id)
            .await?
            .ok_or(RegistryError::VersionNotFound(spec.display_number()))?;
        Ok(SchemaVersion {
            subject: subject.to_string(),
            version: row.version,
            deleted: row.deleted,
            schema,
        })
    }

    /// `GET /subjects/{s}/versions/{v}/referencedby`: ids of schemas that reference it.
    pub async fn referenced_by(
        &self,
        subject: &Subject,
        spec: VersionSpec,
        deleted: bool,
    ) -> Result<Vec<i64>, RegistryError> {
        let version = self.version(subject, spec, true).await?;
        Ok(self
            .store()
            .referenced_by(subject.as_str(), version.version)
            .await?
            .into_iter()
            .filter(|(_, live)| deleted || *live)
            .map(|(id, _)| id)
            .collect())
    }

    /// `POST /subjects/{s}`: which version of this subject holds the given schema?
    pub async fn lookup(
        &self,
        subject: &Subject,
        request: SchemaRequest,
        normalize: bool,
        include_deleted: bool,
    ) -> Result<SchemaVersion, RegistryError> {
        let config = self.effective_config(subject).await?;
        let in_scope = self
            .versions(subject, DeletedFilter::including(include_deleted))
            .await?;
        let normalize = normalize || config.normalize.unwrap_or(false);
        let candidate = self.candidate(&request, normalize, &config, None).await?;
        let wanted = &candidate.schema;
        // Newest first: the same schema may appear twice after deletes.
        for row in in_scope.iter().rev() {
            let Some(stored) = self.store().schema(row.schema_id).await? else {
                continue;
            };
            let same_schema = stored.schema_type == wanted.schema_type
                && stored.canonical_text == wanted.canonical_text
                && stored.references == wanted.references;
            // Metadata and rules only count when the request carries them.
            let same_extras = (request.metadata.is_none() || stored.metadata == wanted.metadata)
                && (request.rule_set.is_none() || stored.rule_set == wanted.rule_set);
            if same_schema && same_extras {
                return Ok(SchemaVersion {
                    subject: subject.to_string(),
                    version: row.version,
                    deleted: row.deleted,
                    schema: stored,
                });
            }
        }
        Err(RegistryError::SchemaNotFound)
    }

    /// `GET /schemas`: schema objects by subject and version.
    pub async fn list_schemas(
        &self,
        listing: &SchemaListing,
    ) -> Result<Vec<SchemaVersion>, RegistryError> {
        let rows = self.listed_versions(listing).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(schema) = self.store().schema(row.schema_id).await? {
                out.push(SchemaVersion {
                    subject: row.subject,
                    version: row.version,
                    deleted: row.deleted,
                    schema,
                });
            }
        }
        Ok(out)
    }

    /// The subject versions `GET /schemas` lists, without their schemas (by subject, then
    /// version): for views that need only the numbers and ids, such as the field index.
    pub async fn listed_versions(
        &self,
        listing: &SchemaListing,
    ) -> Result<Vec<SubjectVersion>, RegistryError> {
        let rows = self.store().all_versions(&listing.subject_prefix).await?;
        let rows = rows.into_iter().filter(|v| listing.deleted || !v.deleted);
        Ok(if listing.latest_only {
            newest_per_subject(rows)
        } else {
            rows.collect()
        })
    }

    /// Every version of a subject, soft-deleted included, ascending; empty when it is
    /// unknown (the catalog and usage name subjects that may not exist, or no longer do).
    pub async fn every_version(&self, subject: &str) -> Result<Vec<VersionRow>, RegistryError> {
        Ok(self.store().subject_versions(subject).await?)
    }

    /// A subject's live versions, ascending; empty when it has none (or is unknown). For
    /// the catalog, which names subjects that may not be registered yet.
    pub async fn live_versions(&self, subject: &str) -> Result<Vec<VersionRow>, RegistryError> {
        let mut rows = self.every_version(subject).await?;
        rows.retain(|row| !row.deleted);
        Ok(rows)
    }

    /// Whether the store answers (readiness).
    pub async fn ping(&self) -> Result<(), RegistryError> {
        Ok(self.store().ping().await?)
    }

    /// The highest schema id allocated (`fetchMaxId`).
    pub async fn max_schema_id(&self) -> Result<i64, RegistryError> {
        Ok(self.store().max_schema_id().await?)
    }
}

/// Finds a version row: 40401 when the subject has nothing in scope, else 40402.
pub(super) fn find_version(
    subject: &Subject,
    versions: &[VersionRow],
    spec: VersionSpec,
    include_deleted: bool,
) -> Result<VersionRow, RegistryError> {
    let mut in_scope = versions.iter().filter(|v| include_deleted || !v.deleted);
    let found = match spec {
        // `latest` ignores soft-deleted versions unless asked for them.
        VersionSpec::Latest => in_scope.clone().next_back(),
        VersionSpec::Number(n) => in_scope.clone().find(|v| v.version == n),
    };
    match found {
        Some(row) => Ok(*row),
        None if in_scope.next().is_none() => {
            Err(RegistryError::SubjectNotFound(subject.to_string()))
        }
        None => Err(RegistryError::VersionNotFound(spec.display_number())),
    }
}

impl Registry {
    /// `GET /subjects/{s}/metadata`: the newest version whose metadata properties hold
    /// every given pair.
    pub async fn latest_with_metadata(
        &self,
        subject: &Subject,
        pairs: &[(String, String)],
        include_deleted: bool,
    ) -> Result<SchemaVersion, RegistryError> {
        let in_scope = self
            .versions(subject, DeletedFilter::including(include_deleted))
            .await?;
        for row in in_scope.into_iter().rev() {
            let Some(schema) = self.store().schema(row.schema_id).await? else {
                continue;
            };
            let properties = schema.metadata.as_ref().and_then(|m| m.get("properties"));
            let matches = pairs.iter().all(|(key, value)| {
                properties
                    .and_then(|p| p.get(key))
                    .and_then(serde_json::Value::as_str)
                    == Some(value.as_str())
            });
            if matches {
                return Ok(SchemaVersion {
                    subject: subject.to_string(),
                    version: row.version,
                    deleted: row.deleted,
                    schema,
                });
            }
        }
        Err(RegistryError::SchemaNotFound)
    }
}

/// The newest of each subject's versions, from versions ordered by subject then version.
fn newest_per_subject(rows: impl Iterator<Item = SubjectVersion>) -> Vec<SubjectVersion> {
    let mut newest: Vec<SubjectVersion> = Vec::new();
    for row in rows {
        match newest.last_mut() {
            Some(last) if last.subject == row.subject => *last = row,
            _ => newest.push(row),
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(subject: &str, version: i32, deleted: bool) -> SubjectVersion {
        SubjectVersion {
            subject: subject.into(),
            version,
            schema_id: i64::from(version) * 10,
            deleted,
        }
    }

    #[test]
    fn keeps_the_newest_live_version_of_each_subject() {
        let rows = vec![
            version("a", 1, false),
            version("a", 2, false),
            version("a", 3, true),
            version("b", 1, true),
            version("c", 4, false),
        ];
        let latest = newest_per_subject(rows.into_iter().filter(|v| !v.deleted));
        let seen: Vec<(&str, i32)> = latest
            .iter()
            .map(|v| (v.subject.as_str(), v.version))
            .collect();
        assert_eq!(seen, vec![("a", 2), ("c", 4)]);
    }
}
