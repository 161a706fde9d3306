//! Catalog as code: make the catalog (and the registry's subjects) look like a file.
//! Everything is checked before anything is written; `dry_run` stops after the plan.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

use super::file::{SchemaEntry, SchemaVersionEntry, SourcedFile};
use super::model::{Entity, EntityKind};
use super::{Catalog, CatalogError, Snapshot, differences};
use crate::model::{Config, Subject};
use crate::registry::{ReferenceRequest, RegisterOptions, RegistryError, SchemaRequest, Scope};
use crate::schema::SchemaType;
use crate::storage::catalog::CatalogWrite;

/// What an apply did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub dry_run: bool,
    /// Empty when the catalog already looks like the file.
    pub changes: Vec<PlannedChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlannedChange {
    /// `create`, `update`, `delete`, `register` or `configure`.
    pub action: String,
    /// An entity kind, or `subject`.
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl std::fmt::Display for PlannedChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:<9} {} {}", self.action, self.kind, self.name)?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

/// A schema version of the file that the registry doesn't have yet.
struct NewVersion {
    subject: Subject,
    request: SchemaRequest,
    /// 1-based position in the file's list, for messages.
    position: usize,
}

impl Catalog {
    /// Makes the catalog look like `sourced`: registers the schema versions it lacks, then
    /// writes every entity change in one transaction.
    pub async fn apply(
        &self,
        sourced: &SourcedFile,
        dry_run: bool,
        actor: &str,
    ) -> Result<ApplyReport, CatalogError> {
        let file = &sourced.file;
        let coming: HashSet<String> = file.schemas.iter().map(|s| s.subject.clone()).collect();
        let (settings, versions) = self.plan_schemas(sourced).await?;

        let current = self.snapshot().await?;
        let mut desired = (*current).clone();
        shape_like(&mut desired, sourced);
        let problems = self.problems(&desired, &coming).await?;
        if !problems.is_empty() {
            return Err(sourced.locate(problems).into());
        }
        let mut changes: Vec<PlannedChange> = settings
            .iter()
            .map(|(subject, level)| PlannedChange {
                action: "configure".into(),
                kind: "subject".into(),
                name: subject.to_string(),
                detail: Some(format!("compatibility {level}")),
            })
            .chain(versions.iter().map(|new| PlannedChange {
                action: "register".into(),
                kind: "subject".into(),
                name: new.subject.to_string(),
                detail: Some(format!("version #{} of the file", new.position)),
            }))
            .collect();
        changes.extend(differences(&current, &desired).iter().map(planned));
        if dry_run {
            return Ok(ApplyReport { dry_run, changes });
        }

        for (subject, level) in &settings {
            let config = Config {
                compatibility: Some(level.parse().map_err(|_| {
                    CatalogError::BadRequest(format!("schema {subject}: bad compatibility {level}"))
                })?),
                ..Config::default()
            };
            self.registry
                .put_config(Scope::Subject(subject), config, actor)
                .await?;
        }
        for new in versions {
            let options = RegisterOptions::default();
            self.registry
                .register(&new.subject, new.request, options, actor)
                .await
                .map_err(|e| schema_error(sourced, &new.subject, new.position, e))?;
        }
        self.change(actor, |catalog| {
            shape_like(catalog, sourced);
            Ok(())
        })
        .await?;
        Ok(ApplyReport { dry_run, changes })
    }

    /// The subject settings to change and the versions to register, each checked as far
    /// as possible without writing: every new version parses and is compatible with what
    /// the subject holds plus the file's versions before it, under the level the file sets.
    async fn plan_schemas(
        &self,
        sourced: &SourcedFile,
    ) -> Result<(Vec<(Subject, String)>, Vec<NewVersion>), CatalogError> {
        let mut settings = Vec::new();
        let mut versions = Vec::new();
        let coming: HashSet<&str> = sourced
            .file
            .schemas
            .iter()
            .map(|s| s.subject.as_str())
            .collect();
        for entry in &sourced.file.schemas {
            let subject = Subject::new(entry.subject.clone());
            if let Some(level) = &entry.compatibility {
                let wanted = level.to_ascii_uppercase();
                let current = self.registry.subject_config(&subject, false).await;
                let same = matches!(&current, Ok(config)
                    if config.compatibility.map(|l| l.as_str()) == Some(wanted.as_str()));
                if !same {
                    settings.push((subject.clone(), wanted));
                }
            }
            let mut fresh: Vec<NewVersion> = Vec::new();
            for (index, version) in entry.versions.iter().enumerate() {
                let request = request_of(sourced, entry, version)?;
                let position = index + 1;
                match self
                    .registry
                    .lookup(&subject, request.clone(), false, false)
                    .await
                {
                    Ok(_) => continue,
                    Err(RegistryError::SchemaNotFound | RegistryError::SubjectNotFound(_)) => {}
                    Err(error) => return Err(schema_error(sourced, &subject, position, error)),
                }
                fresh.push(NewVersion {
                    subject: subject.clone(),
                    request,
                    position,
                });
            }
            // References to subjects this file registers can only be resolved once those
            // exist; such a history is checked by the registry as it registers.
            let waits_for_file = fresh.iter().any(|new| {
                new.request
                    .references
                    .iter()
                    .any(|r| coming.contains(r.subject.as_str()))
            });
            if !fresh.is_empty() && !waits_for_file {
                let level = match &entry.compatibility {
                    Some(level) => Some(level.parse().map_err(|_| {
                        CatalogError::BadRequest(format!(
                            "{}: schema {subject}: unknown compatibility {level}",
                            sourced.source_name
                        ))
                    })?),
                    None => None,
                };
                let requests: Vec<SchemaRequest> =
                    fresh.iter().map(|new| new.request.clone()).collect();
                if let Err((index, error)) = self
                    .registry
                    .check_sequence(&subject, &requests, level)
                    .await
                {
                    let position = fresh.get(index).map_or(index + 1, |new| new.position);
                    return Err(schema_error(sourced, &subject, position, error));
                }
            }
            versions.extend(fresh);
        }
        Ok((settings, versions))
    }
}

/// The registration request of one version of the file.
fn request_of(
    sourced: &SourcedFile,
    entry: &SchemaEntry,
    version: &SchemaVersionEntry,
) -> Result<SchemaRequest, CatalogError> {
    let bad = |message: String| {
        CatalogError::BadRequest(format!(
            "{}: schema {}: {message}",
            sourced.source_name, entry.subject
        ))
    };
    let schema_type = match &entry.schema_type {
        None => SchemaType::Avro,
        Some(name) => SchemaType::parse(&name.to_ascii_uppercase())
            .ok_or_else(|| bad(format!("unknown type {name:?} (AVRO, PROTOBUF or JSON)")))?,
    };
    let text = match (&version.schema, &version.file) {
        (Some(text), _) => text.clone(),
        (None, Some(file)) => {
            return Err(bad(format!(
                "file {file:?} can only be read by `herald catalog apply`; send the schema text inline"
            )));
        }
        (None, None) => return Err(bad("a version needs `schema` or `file`".into())),
    };
    Ok(SchemaRequest {
        schema: Some(text),
        schema_type,
        references: version
            .references
            .iter()
            .map(|r| ReferenceRequest {
                name: r.name.clone(),
                subject: r.subject.clone(),
                version: r.version,
            })
            .collect(),
        metadata: None,
        rule_set: None,
        id: None,
        version: None,
    })
}

fn schema_error(
    sourced: &SourcedFile,
    subject: &Subject,
    position: usize,
    error: RegistryError,
) -> CatalogError {
    match error {
        RegistryError::Store(store) => CatalogError::Store(store),
        other => CatalogError::BadRequest(format!(
            "{}: schema {subject} version #{position} of the file: {other}",
            sourced.source_name
        )),
    }
}

/// Makes `catalog` hold every entity of the file (and, with `prune`, nothing else).
fn shape_like(catalog: &mut Snapshot, sourced: &SourcedFile) {
    let file = &sourced.file;
    let entities: Vec<Entity> = file
        .domains
        .iter()
        .cloned()
        .map(Entity::Domain)
        .chain(file.teams.iter().cloned().map(Entity::Team))
        .chain(file.applications.iter().cloned().map(Entity::Application))
        .chain(file.topics.iter().cloned().map(Entity::Topic))
        .chain(file.events.iter().cloned().map(Entity::Event))
        .collect();
    if file.prune {
        let named: HashSet<(EntityKind, &str)> = entities
            .iter()
            .map(|e| (e.kind(), e.name().as_str()))
            .collect();
        for existing in catalog.all() {
            if !named.contains(&(existing.kind(), existing.name().as_str())) {
                catalog.remove(existing.kind(), existing.name());
            }
        }
    }
    for entity in entities {
        catalog.insert(entity);
    }
}

fn planned(write: &CatalogWrite) -> PlannedChange {
    let (action, kind, name) = match write {
        CatalogWrite::Put {
            kind, name, action, ..
        } => (
            if action.ends_with(".created") {
                "create"
            } else {
                "update"
            },
            kind,
            name,
        ),
        CatalogWrite::Delete { kind, name, .. } => ("delete", kind, name),
    };
    PlannedChange {
        action: action.into(),
        kind: kind.clone(),
        name: name.clone(),
        detail: None,
    }
}
