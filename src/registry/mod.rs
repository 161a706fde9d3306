//! The registry use cases: Confluent Schema Registry semantics over the store.
//!
//! Each public method is one use case of the wire API (register, look up, delete, config,
//! mode...). Rules that decide *what* happens live here; `schema` says whether schemas
//! parse and are compatible, `storage` keeps the data, `api` speaks HTTP.

/// The audit trail: filtered, paged reads of who changed what.
pub mod audit;
/// Read use cases of the HTML portal.
pub mod browse;
mod compatibility;
mod delete;
mod error;
mod merge;
mod read;
mod references;
mod register;
mod settings;
mod validate;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

pub use compatibility::{CompatTarget, CompatibilityResult};
pub use error::RegistryError;
pub use read::{DeletedFilter, SchemaListing};
pub use register::RegisterOptions;
pub use settings::Scope;
pub use validate::{SchemaTarget, Verdict};

// The stored values the registry's answers carry, and its audit vocabulary: the layers
// above name them from here and never name `storage`.
pub use crate::model::{AuditRecord, StoredSchema, SubjectVersion};
pub use crate::storage::{ACTION_DELETED_PERMANENTLY, StoreError};

use crate::model::{Config, GLOBAL_SCOPE, Mode, Subject};
use crate::schema::{ParsedSchema, SchemaType};
use crate::storage::{Change, Committed, Store};

/// A reference as a client sends it: `version` -1 means the latest live version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRequest {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// The body of register, lookup and compatibility requests, already typed.
#[derive(Debug, Clone)]
pub struct SchemaRequest {
    /// `None` or empty: reuse the latest version's schema (metadata-only update).
    pub schema: Option<String>,
    pub schema_type: SchemaType,
    pub references: Vec<ReferenceRequest>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
    /// IMPORT mode only.
    pub id: Option<i64>,
    /// Explicit version; 0 or absent = next.
    pub version: Option<i32>,
}

/// A schema bound to a subject version.
#[derive(Debug, Clone)]
pub struct SchemaVersion {
    pub subject: String,
    pub version: i32,
    pub deleted: bool,
    pub schema: StoredSchema,
}

/// Lock stripes for per-subject write queues.
const SUBJECT_LOCK_STRIPES: usize = 64;

/// Bound on the parsed-schema memo; past it the memo starts afresh.
const PARSED_CACHE_LIMIT: usize = 10_000;

pub struct Registry {
    store: Store,
    /// Parsed schemas by id, for compatibility checks. Schema content never changes under
    /// an id, so entries never go stale.
    parsed: Mutex<HashMap<i64, Arc<ParsedSchema>>>,
    /// Bumped after every change; response caches compare it to know when to refill.
    generation: AtomicU64,
    /// Registrations to one subject queue here on this node, so they do not spin on the
    /// store's optimistic check (which still guards against other nodes).
    subject_locks: Vec<tokio::sync::Mutex<()>>,
    /// Bumped only when versions are removed for good: the one change that can make a
    /// schema id stop resolving (content under an id never changes).
    id_generation: AtomicU64,
}

impl Registry {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            parsed: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            id_generation: AtomicU64::new(0),
            subject_locks: (0..SUBJECT_LOCK_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }

    /// The store, for the registry's own use cases only: the layers above call use cases.
    fn store(&self) -> &Store {
        &self.store
    }

    /// Takes the result out of a committed write after moving the cache generations on:
    /// the one way a write reaches the caches, used by every write use case here and by
    /// the catalog's writes to the same database.
    pub fn announce<T>(&self, committed: Committed<T>) -> T {
        committed.announce(|change| self.note_change(change))
    }

    /// Changes every time anything in the registry changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Waits for this node's turn to write to `subject`.
    async fn lock_subject(&self, subject: &Subject) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        subject.hash(&mut hasher);
        let stripe = usize::try_from(hasher.finish() % SUBJECT_LOCK_STRIPES as u64).unwrap_or(0);
        self.subject_locks[stripe].lock().await
    }

    /// Changes only when a schema id may have stopped resolving.
    pub fn id_generation(&self) -> u64 {
        self.id_generation.load(Ordering::Acquire)
    }

    /// A write was refused because the database moved on (another node, or another writer
    /// here, got there first): what the caches hold may be stale, so they refill.
    pub fn note_stale(&self) {
        self.note_change(Change::Written);
    }

    /// Another node changed the shared database (or changes may have been missed): drop
    /// what the caches hold.
    pub fn note_external_change(&self, change: Change) {
        self.note_change(change);
    }

    /// Moves the generations on for a change, ours or another node's.
    fn note_change(&self, change: Change) {
        if matches!(change, Change::RemovedPermanently | Change::Unknown) {
            self.id_generation.fetch_add(1, Ordering::AcqRel);
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The effective config of a subject: its own fields over the global ones.
    async fn effective_config(&self, subject: &Subject) -> Result<Config, RegistryError> {
        let global = self.stored_config(GLOBAL_SCOPE).await?.unwrap_or_default();
        let own = self.stored_config(subject.as_str()).await?;
        Ok(match own {
            Some(own) => own.or(&global),
            None => global,
        })
    }

    /// The effective mode of a subject: its own, else the global one, else READWRITE.
    async fn effective_mode(&self, subject: &Subject) -> Result<Mode, RegistryError> {
        if let Some(mode) = self.stored_mode(subject.as_str()).await? {
            return Ok(mode);
        }
        Ok(self
            .stored_mode(GLOBAL_SCOPE)
            .await?
            .unwrap_or(Mode::ReadWrite))
    }

    async fn refuse_if_read_only(&self, subject: &Subject) -> Result<(), RegistryError> {
        if self.effective_mode(subject).await?.is_read_only() {
            return Err(RegistryError::OperationNotPermitted(format!(
                "Subject {subject} is in read-only mode"
            )));
        }
        Ok(())
    }

    /// A stored schema, parsed (memoised by id): for views of its structure.
    pub async fn parsed_schema(
        &self,
        stored: &StoredSchema,
    ) -> Result<Arc<ParsedSchema>, RegistryError> {
        self.parsed(stored).await
    }

    /// Parses a stored schema (with its stored references), memoised by id.
    async fn parsed(&self, stored: &StoredSchema) -> Result<Arc<ParsedSchema>, RegistryError> {
        if let Some(hit) = self.parsed_memo().get(&stored.id) {
            return Ok(hit.clone());
        }
        let dependencies = self
            .dependencies_of(stored.schema_type, &stored.references)
            .await?;
        let parsed = ParsedSchema::parse(stored.schema_type, &stored.canonical_text, &dependencies)
            .map_err(|e| {
                RegistryError::Store(crate::storage::StoreError::Corrupt(format!(
                    "stored schema {} no longer parses: {e}",
                    stored.id
                )))
            })?;
        let parsed = Arc::new(parsed);
        let mut memo = self.parsed_memo();
        if memo.len() >= PARSED_CACHE_LIMIT {
            memo.clear();
        }
        memo.insert(stored.id, parsed.clone());
        Ok(parsed)
    }

    fn parsed_memo(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<ParsedSchema>>> {
        // A poisoned memo only means another request panicked mid-insert; the map is
        // still a valid cache.
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}
