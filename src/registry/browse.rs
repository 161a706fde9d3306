//! Browsing: the read use cases of the HTML portal (overview, subject list, a version in
//! full, the diff of two versions, a schema's users). Nothing here writes.

use super::{Registry, RegistryError, SchemaVersion};
use crate::model::{Subject, VersionSpec};
use crate::schema::SchemaType;
use crate::schema::compat::{self, CompatibilityLevel, Finding};
use crate::schema::fields::FieldInfo;
use crate::storage::browse::{AuditRecord, RegistryCounts, SubjectFilter, SubjectSummary};
use crate::storage::{StoredSchema, SubjectVersion, VersionRow};

/// What the home page shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub counts: RegistryCounts,
    /// Newest first.
    pub recent: Vec<AuditRecord>,
}

/// Filters and page of the subject list.
#[derive(Debug, Clone)]
pub struct SubjectQuery {
    /// ASCII case-insensitive substring of the name; empty matches all.
    pub name: String,
    pub schema_type: Option<SchemaType>,
    /// The effective level (the subject's own, else the global one).
    pub compatibility: Option<CompatibilityLevel>,
    /// Only these subjects (e.g. those carrying a tag); `None` for all.
    pub only: Option<Vec<String>>,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// One page of the subject list.
#[derive(Debug, Clone)]
pub struct SubjectListing {
    pub rows: Vec<ListedSubject>,
    /// Subjects matching the filters, on all pages.
    pub total: i64,
    pub page: u32,
    /// At least 1, even when nothing matches.
    pub pages: u32,
}

/// A listed subject with its effective compatibility level.
#[derive(Debug, Clone)]
pub struct ListedSubject {
    pub summary: SubjectSummary,
    pub compatibility: CompatibilityLevel,
}

/// A subject version with everything its page shows.
#[derive(Debug, Clone)]
pub struct VersionDetail {
    pub version: SchemaVersion,
    /// Every version of the subject, soft-deleted included, ascending.
    pub versions: Vec<VersionRow>,
    /// The subject's effective compatibility level.
    pub compatibility: CompatibilityLevel,
    /// Subject versions whose schema references this one.
    pub referenced_by: Vec<SubjectVersion>,
    /// The schema's fields in tree order (empty if the stored schema no longer parses).
    pub fields: Vec<FieldInfo>,
}

/// Two versions of a subject and what changed between them.
#[derive(Debug, Clone)]
pub struct VersionDiff {
    /// Every version of the subject, soft-deleted included, ascending.
    pub versions: Vec<VersionRow>,
    pub from: SchemaVersion,
    pub to: SchemaVersion,
    pub compatibility: CompatibilityLevel,
    /// Every incompatibility the engine finds in either direction, each with whether the
    /// subject's level forbids it.
    pub changes: Vec<DiffChange>,
}

/// Which way data flows for a change to matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `to` reading data written with `from` (what BACKWARD protects).
    NewReadsOld,
    /// `from` reading data written with `to` (what FORWARD protects).
    OldReadsNew,
}

/// One finding of the compatibility engine between the two versions of a diff.
#[derive(Debug, Clone)]
pub struct DiffChange {
    pub finding: Finding,
    pub direction: Direction,
    /// Whether the subject's compatibility level forbids this change.
    pub breaking: bool,
}

/// A schema by global id and the subject versions bound to it.
#[derive(Debug, Clone)]
pub struct SchemaUsage {
    pub schema: StoredSchema,
    pub versions: Vec<SubjectVersion>,
}

impl Registry {
    /// Counts and the newest `recent` changes.
    pub async fn overview(&self, recent: u32) -> Result<Overview, RegistryError> {
        Ok(Overview {
            counts: self.store().registry_counts().await?,
            recent: self.store().recent_audit(i64::from(recent)).await?,
        })
    }

    /// One page of subjects with a live version, filtered, in name order.
    pub async fn browse_subjects(
        &self,
        query: &SubjectQuery,
    ) -> Result<SubjectListing, RegistryError> {
        let global = self.global_config().await?.level();
        let page_size = query.page_size.max(1);
        let page = query.page.max(1);
        let filter = SubjectFilter {
            name_contains: &query.name,
            schema_type: query.schema_type,
            compatibility: query.compatibility.map(CompatibilityLevel::as_str),
            fallback_compatibility: global.as_str(),
            only: query.only.as_deref(),
            offset: i64::from(page - 1) * i64::from(page_size),
            limit: i64::from(page_size),
        };
        let found = self.store().subject_page(&filter).await?;
        let size = i64::from(page_size);
        let pages = ((found.total + size - 1) / size).max(1);
        let rows = found
            .rows
            .into_iter()
            .map(|summary| ListedSubject {
                compatibility: summary
                    .own_compatibility
                    .as_deref()
                    .and_then(|level| level.parse().ok())
                    .unwrap_or(global),
                summary,
            })
            .collect();
        Ok(SubjectListing {
            rows,
            total: found.total,
            page,
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
        })
    }

    /// A version of a subject (`latest`: the highest live one; a number: that version even
    /// if soft-deleted) with its neighbours, level and the versions referencing it.
    pub async fn version_detail(
        &self,
        subject: &Subject,
        spec: VersionSpec,
    ) -> Result<VersionDetail, RegistryError> {
        let version = self
            .version(subject, spec, matches!(spec, VersionSpec::Number(_)))
            .await?;
        let versions = self.store().subject_versions(subject.as_str()).await?;
        let compatibility = self.effective_config(subject).await?.level();
        let referenced_by = self
            .store()
            .referencing_versions(subject.as_str(), version.version)
            .await?;
        let fields = match self.parsed(&version.schema).await {
            Ok(parsed) => parsed.fields(),
            // The text is still worth showing; the field tree is left out.
            Err(error) => {
                tracing::warn!(%error, subject = %subject, "schema fields unavailable");
                Vec::new()
            }
        };
        Ok(VersionDetail {
            version,
            versions,
            compatibility,
            referenced_by,
            fields,
        })
    }

    /// Compares two versions of a subject. `to` defaults to the latest live version, `from`
    /// to the version before `to` (or `to` itself when it is the first).
    pub async fn version_diff(
        &self,
        subject: &Subject,
        from: Option<i32>,
        to: Option<i32>,
    ) -> Result<VersionDiff, RegistryError> {
        let to_spec = to.map_or(VersionSpec::Latest, VersionSpec::Number);
        let to = self.version(subject, to_spec, to.is_some()).await?;
        let versions = self.store().subject_versions(subject.as_str()).await?;
        let from = match from {
            Some(n) => self.version(subject, VersionSpec::Number(n), true).await?,
            None => {
                let previous = versions
                    .iter()
                    .rev()
                    .find(|v| v.version < to.version && (to.deleted || !v.deleted));
                match previous {
                    Some(row) => {
                        self.version(subject, VersionSpec::Number(row.version), true)
                            .await?
                    }
                    None => to.clone(),
                }
            }
        };
        let config = self.effective_config(subject).await?;
        let changes = if from.version == to.version {
            Vec::new()
        } else {
            let old = self.parsed(&from.schema).await?;
            let new = self.parsed(&to.schema).await?;
            let policy = config.policy();
            let forbidden =
                compat::check_pair(direct(config.level()), policy, new.as_ref(), old.as_ref());
            let mut changes = Vec::new();
            for (direction, level) in [
                (Direction::NewReadsOld, CompatibilityLevel::Backward),
                (Direction::OldReadsNew, CompatibilityLevel::Forward),
            ] {
                for finding in compat::check_pair(level, policy, new.as_ref(), old.as_ref()) {
                    changes.push(DiffChange {
                        breaking: forbidden.contains(&finding),
                        finding,
                        direction,
                    });
                }
            }
            changes
        };
        Ok(VersionDiff {
            versions,
            from,
            to,
            compatibility: config.level(),
            changes,
        })
    }

    /// A schema by global id (served while any version, even soft-deleted, uses it) and the
    /// subject versions bound to it.
    pub async fn schema_usage(&self, id: i64) -> Result<SchemaUsage, RegistryError> {
        let schema = self.schema_by_id(id).await?;
        let versions = self.store().versions_of_schema(id).await?;
        Ok(SchemaUsage { schema, versions })
    }
}

/// Between two given versions a level only has a direction; its reach (transitive or not)
/// is about which versions are compared.
fn direct(level: CompatibilityLevel) -> CompatibilityLevel {
    match level {
        CompatibilityLevel::BackwardTransitive => CompatibilityLevel::Backward,
        CompatibilityLevel::ForwardTransitive => CompatibilityLevel::Forward,
        CompatibilityLevel::FullTransitive => CompatibilityLevel::Full,
        other => other,
    }
}
