//! The event catalog: domains, teams, applications, topics, events and the edges between
//! them, as use cases over the store and the registry.
//!
//! Every write takes the catalog as it is, applies a change to a copy, checks the rules
//! on the result, and writes the difference in one transaction that names the revision it
//! started from. If another writer (this node or another) got there first, it starts
//! again from the new state; so rules hold across nodes and no write is lost.

pub mod asyncapi;
pub mod calendar;
pub mod fields;
pub mod file;
pub mod live;
pub mod model;
pub mod notices;
pub mod relations;
pub mod rules;
pub mod search;
pub mod sight;
pub mod snapshot;
pub mod tally;

mod apply;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

pub use apply::{ApplyReport, PlannedChange};
use model::{Entity, EntityKind, EntityName};
use rules::Problem;
pub use sight::{Everything, Sight};
pub use snapshot::Snapshot;

use crate::registry::{Registry, RegistryError};
use crate::storage::catalog::CatalogWrite;
use crate::storage::{Store, StoreError};

/// How many times a write starts again after losing a race to another node (writers on
/// one node queue, so only other nodes' writers can win in between).
const WRITE_ATTEMPTS: u32 = 32;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{kind} {name} not found")]
    NotFound { kind: EntityKind, name: String },
    #[error("{kind} {name} already exists")]
    AlreadyExists { kind: EntityKind, name: String },
    /// The change would break the catalog's rules.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Problem>),
    /// A body or file that does not read as the model.
    #[error(transparent)]
    File(#[from] file::FileError),
    #[error("{0}")]
    BadRequest(String),
    /// A delete that would leave others pointing at nothing.
    #[error("{kind} {name} is still referenced by {}; change those first", by.join(", "))]
    StillReferenced {
        kind: EntityKind,
        name: String,
        by: Vec<String>,
    },
    /// Other writers kept winning.
    #[error("the catalog kept changing while this write was tried; try again")]
    Busy,
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Catalog {
    registry: Arc<Registry>,
    /// The catalog's own tables; schemas are read through the registry's use cases.
    store: Store,
    /// The last snapshot read, with the registry generation it was read at.
    cached: Mutex<Option<(u64, Arc<Snapshot>)>>,
    /// Schema fields by id, and the field index.
    fields: fields::FieldCache,
    /// Catalog writes on this node queue here, so they don't spin on the optimistic
    /// revision check (which still guards against other nodes).
    write_turn: tokio::sync::Mutex<()>,
}

impl Catalog {
    pub fn new(registry: Arc<Registry>, store: Store) -> Self {
        Self {
            registry,
            store,
            cached: Mutex::new(None),
            fields: fields::FieldCache::default(),
            write_turn: tokio::sync::Mutex::new(()),
        }
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// The catalog as of now. Cached until anything changes (on any node).
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, CatalogError> {
        // Read the generation first: a change during the load makes the entry stale,
        // never wrongly fresh.
        let generation = self.registry.generation();
        if let Some((at, snapshot)) = self.cache().as_ref()
            && *at == generation
        {
            return Ok(snapshot.clone());
        }
        let snapshot = Arc::new(self.load().await?);
        *self.cache() = Some((generation, snapshot.clone()));
        Ok(snapshot)
    }

    /// The part of the catalog `sight` may read (the shared snapshot when it reads all).
    pub async fn snapshot_for(&self, sight: &dyn Sight) -> Result<Arc<Snapshot>, CatalogError> {
        let snapshot = self.snapshot().await?;
        if sight.sees_everything() {
            return Ok(snapshot);
        }
        Ok(Arc::new(snapshot.seen_by(sight)))
    }

    async fn load(&self) -> Result<Snapshot, CatalogError> {
        let rows = self.store.catalog().await?;
        Ok(Snapshot::from_rows(rows)?)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Option<(u64, Arc<Snapshot>)>> {
        // A poisoned cache only means a panic elsewhere; the value is still a valid cache.
        self.cached.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn get(&self, kind: EntityKind, name: &EntityName) -> Result<Entity, CatalogError> {
        self.snapshot()
            .await?
            .get(kind, name)
            .ok_or_else(|| CatalogError::NotFound {
                kind,
                name: name.to_string(),
            })
    }

    /// Adds a new entity; refused if one of that kind and name exists.
    pub async fn create(&self, entity: Entity, actor: &str) -> Result<Entity, CatalogError> {
        self.change(actor, |catalog| {
            if catalog.contains(entity.kind(), entity.name()) {
                return Err(CatalogError::AlreadyExists {
                    kind: entity.kind(),
                    name: entity.name().to_string(),
                });
            }
            catalog.insert(entity.clone());
            Ok(())
        })
        .await?;
        Ok(entity)
    }

    /// Creates or replaces an entity; whether it was created.
    pub async fn put(&self, entity: Entity, actor: &str) -> Result<bool, CatalogError> {
        let mut created = false;
        self.change(actor, |catalog| {
            created = !catalog.contains(entity.kind(), entity.name());
            catalog.insert(entity.clone());
            Ok(())
        })
        .await?;
        Ok(created)
    }

    /// Deletes an entity; refused while others still refer to it.
    pub async fn delete(
        &self,
        kind: EntityKind,
        name: &EntityName,
        actor: &str,
    ) -> Result<(), CatalogError> {
        let outcome = self
            .change(actor, |catalog| {
                if catalog.remove(kind, name) {
                    Ok(())
                } else {
                    Err(CatalogError::NotFound {
                        kind,
                        name: name.to_string(),
                    })
                }
            })
            .await;
        match outcome {
            Ok(_) => Ok(()),
            // The catalog was whole before, so whatever broke points at the deleted entity.
            Err(CatalogError::Invalid(problems)) => {
                let mut by: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{} {}", p.kind, p.name))
                    .collect();
                by.dedup();
                Err(CatalogError::StillReferenced {
                    kind,
                    name: name.to_string(),
                    by,
                })
            }
            Err(other) => Err(other),
        }
    }

    /// Runs `edit` on a copy of the current catalog, checks the rules on the result and
    /// writes the difference; starts again if another writer got there first. Returns the
    /// writes made (empty when nothing changed).
    async fn change(
        &self,
        actor: &str,
        mut edit: impl FnMut(&mut Snapshot) -> Result<(), CatalogError>,
    ) -> Result<Vec<CatalogWrite>, CatalogError> {
        let _turn = self.write_turn.lock().await;
        for attempt in 0..WRITE_ATTEMPTS {
            if attempt > 0 {
                // Let the other node's writer finish before reading again.
                tokio::time::sleep(std::time::Duration::from_millis(u64::from(attempt.min(10))))
                    .await;
            }
            let current = self.snapshot().await?;
            let mut desired = (*current).clone();
            edit(&mut desired)?;
            let problems = self.problems(&desired, &HashSet::new()).await?;
            if !problems.is_empty() {
                return Err(CatalogError::Invalid(problems));
            }
            let writes = differences(&current, &desired);
            if writes.is_empty() {
                return Ok(writes);
            }
            match self.write(current.revision, &writes, actor).await {
                Err(CatalogError::Store(StoreError::Conflict)) => continue,
                other => return other.map(|()| writes),
            }
        }
        Err(CatalogError::Busy)
    }

    async fn write(
        &self,
        revision: i64,
        writes: &[CatalogWrite],
        actor: &str,
    ) -> Result<(), CatalogError> {
        match self.store.write_catalog(revision, writes, actor).await {
            Ok(committed) => {
                self.registry.announce(committed);
                Ok(())
            }
            Err(error) => {
                // Refused or failed: another writer may have moved the catalog on, so
                // what this node holds may be stale.
                self.registry.note_stale();
                Err(error.into())
            }
        }
    }

    /// The rules `catalog` breaks; `coming` are subjects about to be registered.
    async fn problems(
        &self,
        catalog: &Snapshot,
        coming: &HashSet<String>,
    ) -> Result<Vec<Problem>, CatalogError> {
        let named: BTreeSet<&String> = catalog
            .events
            .values()
            .filter_map(|event| event.subject.as_ref())
            .collect();
        let mut existing = HashSet::new();
        for subject in named {
            if coming.contains(subject) || !self.registry.live_versions(subject).await?.is_empty() {
                existing.insert(subject.clone());
            }
        }
        Ok(rules::check(catalog, &|subject| existing.contains(subject)))
    }
}

/// The writes that turn `current` into `desired`.
fn differences(current: &Snapshot, desired: &Snapshot) -> Vec<CatalogWrite> {
    let mut writes = Vec::new();
    for kind in EntityKind::ALL {
        let before = current.list(kind);
        let after = desired.list(kind);
        for entity in &after {
            let action = match current.get(kind, entity.name()) {
                Some(old) if old == *entity => continue,
                Some(_) => "updated",
                None => "created",
            };
            writes.push(CatalogWrite::Put {
                kind: kind.as_str().to_owned(),
                name: entity.name().to_string(),
                document: entity.to_json(),
                action: format!("catalog.{kind}.{action}"),
            });
        }
        for entity in &before {
            if !desired.contains(kind, entity.name()) {
                writes.push(CatalogWrite::Delete {
                    kind: kind.as_str().to_owned(),
                    name: entity.name().to_string(),
                    action: format!("catalog.{kind}.deleted"),
                });
            }
        }
    }
    writes
}

impl Catalog {
    /// The catalog as a file (what `herald catalog export` prints), as far as `sight` may
    /// read it. With `schemas`, every live version of the subjects the catalog names is
    /// included inline.
    pub async fn export(
        &self,
        schemas: bool,
        sight: &dyn Sight,
    ) -> Result<file::CatalogFile, CatalogError> {
        let snapshot = self.snapshot_for(sight).await?;
        let mut exported = file::CatalogFile {
            prune: false,
            domains: snapshot.domains.values().cloned().collect(),
            teams: snapshot.teams.values().cloned().collect(),
            applications: snapshot.applications.values().cloned().collect(),
            topics: snapshot.topics.values().cloned().collect(),
            events: snapshot.events.values().cloned().collect(),
            schemas: Vec::new(),
        };
        if schemas {
            exported.schemas = self.export_schemas(&snapshot, sight).await?;
        }
        Ok(exported)
    }

    /// The subjects the catalog names and those they reference, referenced ones first (so
    /// the file applies in order), each with its live versions and its own level.
    async fn export_schemas(
        &self,
        snapshot: &Snapshot,
        sight: &dyn Sight,
    ) -> Result<Vec<file::SchemaEntry>, CatalogError> {
        let mut pending: Vec<String> = Vec::new();
        for topic in snapshot.topics.values() {
            pending.extend(
                snapshot
                    .topic_subjects(topic)
                    .into_iter()
                    .map(|s| s.subject),
            );
        }
        pending.extend(snapshot.events.values().filter_map(|e| e.subject.clone()));
        let mut entries: BTreeMap<String, file::SchemaEntry> = BTreeMap::new();
        while let Some(subject) = pending.pop() {
            // A subject the reader may not read stays out, referenced or not.
            if entries.contains_key(&subject) || !sight.sees_subject(&subject) {
                continue;
            }
            let Some(entry) = self.export_subject(&subject).await? else {
                continue;
            };
            for version in &entry.versions {
                pending.extend(version.references.iter().map(|r| r.subject.clone()));
            }
            entries.insert(subject, entry);
        }
        let mut ordered = Vec::new();
        let mut placed = BTreeSet::new();
        let names: Vec<String> = entries.keys().cloned().collect();
        for name in names {
            place_after_references(&name, &mut entries, &mut placed, &mut ordered, 0);
        }
        Ok(ordered)
    }

    /// One subject's live versions as a file entry; None if it has none.
    async fn export_subject(
        &self,
        subject: &str,
    ) -> Result<Option<file::SchemaEntry>, CatalogError> {
        let rows = self.registry.live_versions(subject).await?;
        let mut versions = Vec::new();
        let mut schema_type = None;
        for row in rows {
            let stored = match self.registry.schema_by_id(row.schema_id).await {
                Ok(stored) => stored,
                // Deleted for good since the versions were read.
                Err(RegistryError::SchemaIdNotFound(_)) => continue,
                Err(other) => return Err(other.into()),
            };
            schema_type = Some(stored.schema_type);
            versions.push(file::SchemaVersionEntry {
                file: None,
                schema: Some(stored.canonical_text),
                references: stored
                    .references
                    .into_iter()
                    .map(|r| file::ReferenceEntry {
                        name: r.name,
                        subject: r.subject,
                        version: r.version,
                    })
                    .collect(),
            });
        }
        let Some(schema_type) = schema_type else {
            return Ok(None);
        };
        let level = match self
            .registry
            .subject_config(&crate::model::Subject::new(subject.to_owned()), false)
            .await
        {
            Ok(config) => config.compatibility.map(|l| l.as_str().to_owned()),
            Err(RegistryError::SubjectConfigNotFound(_)) => None,
            Err(other) => return Err(other.into()),
        };
        Ok(Some(file::SchemaEntry {
            subject: subject.to_owned(),
            schema_type: Some(schema_type.as_str().to_owned()),
            compatibility: level,
            versions,
        }))
    }
}

/// Depth-first: an entry goes after the entries its versions reference. The depth bound
/// matches the registry's reference depth, so a cycle can't recurse forever.
fn place_after_references(
    name: &str,
    entries: &mut BTreeMap<String, file::SchemaEntry>,
    placed: &mut BTreeSet<String>,
    ordered: &mut Vec<file::SchemaEntry>,
    depth: usize,
) {
    if depth > 64 || placed.contains(name) {
        return;
    }
    let Some(entry) = entries.remove(name) else {
        return;
    };
    placed.insert(name.to_owned());
    let referenced: BTreeSet<String> = entry
        .versions
        .iter()
        .flat_map(|v| v.references.iter().map(|r| r.subject.clone()))
        .collect();
    for subject in referenced {
        place_after_references(&subject, entries, placed, ordered, depth + 1);
    }
    ordered.push(entry);
}
