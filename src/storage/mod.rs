//! Storage: the only place with SQL. Plain data in, plain data out; no Confluent rules
//! here beyond what the database must enforce (unique ids, contiguous versions).

pub mod browse;
pub mod catalog;
pub mod postgres;
mod rows;
pub mod sqlite;
pub mod usage;

use serde_json::Value;

use crate::model::{OutOfRange, Reference, SchemaType};

// The stored values cross every layer above storage, so they live in the model; the
// re-export keeps the `storage::` paths callers have always used.
pub use crate::model::{Registered, StoredSchema, SubjectVersion, VersionRow};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The registry's database: the embedded SQLite file (one node) or PostgreSQL (one or
/// several nodes sharing it). Both backends keep the same contract, checked by
/// `tests/storage_contract.rs` against each.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Store {
    /// Opens the backend named by the URL scheme: `sqlite:` or `postgres:`/`postgresql:`,
    /// applying its migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme);
        match scheme.map(str::to_ascii_lowercase).as_deref() {
            Some("sqlite") => Ok(Self::Sqlite(SqliteStore::connect(url).await?)),
            Some("postgres" | "postgresql") => {
                Ok(Self::Postgres(PostgresStore::connect(url).await?))
            }
            _ => Err(StoreError::Database(sqlx::Error::Configuration(
                format!(
                    "unsupported database URL {:?}: expected sqlite:, postgres: or postgresql:",
                    crate::secret::redact_url(url)
                )
                .into(),
            ))),
        }
    }
}

/// The audit action of a permanent delete: the one change after which a schema id may stop
/// resolving (see [`Change::RemovedPermanently`]).
pub const ACTION_DELETED_PERMANENTLY: &str = "versions.deleted_permanently";

/// A change committed by some node, as the database announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Something was written; no id stopped resolving.
    Written,
    /// Versions were removed for good: some schema ids may no longer resolve.
    RemovedPermanently,
    /// Changes may have been missed (the listener reconnected): assume anything changed.
    Unknown,
}

impl Change {
    /// Classifies an audit action (the NOTIFY payload).
    pub fn from_action(action: &str) -> Self {
        match action {
            ACTION_DELETED_PERMANENTLY => Self::RemovedPermanently,
            "" => Self::Unknown,
            _ => Self::Written,
        }
    }
}

impl Store {
    /// Watches changes committed by other nodes sharing the database, calling `on_change`
    /// until it returns false. SQLite has a single writer process, so there is nothing to
    /// watch: `None`.
    pub fn spawn_change_watcher(
        &self,
        on_change: impl Fn(Change) -> bool + Send + Sync + 'static,
    ) -> Option<tokio::task::JoinHandle<()>> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres(store) => Some(store.spawn_change_watcher(on_change)),
        }
    }
}

/// Forwards each contract method to the backend in use; the signatures are the backends'.
macro_rules! delegate {
    ($($(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl Store {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> Result<$ret, StoreError> {
                    match self {
                        Self::Sqlite(store) => store.$name($($arg),*).await,
                        Self::Postgres(store) => store.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

/// Forwards each write of the contract to the backend in use and wraps what it committed
/// in [`Committed`], naming the kind of change, so no caller can drop it unannounced.
macro_rules! delegate_writes {
    ($($(#[$doc:meta])* $change:ident fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl Store {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> Result<Committed<$ret>, StoreError> {
                    let value = match self {
                        Self::Sqlite(store) => store.$name($($arg),*).await?,
                        Self::Postgres(store) => store.$name($($arg),*).await?,
                    };
                    Ok(Committed { value, change: Change::$change })
                }
            )*
        }
    };
}

/// What a committed write returned, with the kind of change it made. The value comes out
/// only through [`Committed::announce`], which tells the caches first: a write use case
/// cannot forget to invalidate them (the type is `must_use`, and CI denies warnings).
#[derive(Debug)]
#[must_use = "announce a committed write (Registry::announce), or caches keep serving what it changed"]
pub struct Committed<T> {
    value: T,
    change: Change,
}

impl<T> Committed<T> {
    /// Hands the change to `on_change` (which moves the cache generations on), then
    /// gives the write's result.
    pub fn announce(self, on_change: impl FnOnce(Change)) -> T {
        on_change(self.change);
        self.value
    }

    /// The result without announcing it: only for code that holds no caches (the storage
    /// contract tests, offline tools writing straight to a database).
    pub fn unannounced(self) -> T {
        self.value
    }
}

delegate! {
    /// Every version of a subject, soft-deleted included, in ascending order.
    fn subject_versions(&self, subject: &str) -> Vec<VersionRow>;
    /// A schema by id, only while at least one subject version (live or soft-deleted) uses it.
    fn schema(&self, id: i64) -> Option<StoredSchema>;
    /// Schemas whose identity digest is `identity` (Confluent's `guid`), still in use.
    fn schemas_by_identity(&self, identity: &[u8; 16]) -> Vec<StoredSchema>;
    /// The id of an identical schema stored before, if any.
    fn schema_id_by_identity(&self, identity: &[u8; 16], schema_type: SchemaType) -> Option<i64>;
    /// All subjects in name (byte) order, each with whether it has a live version.
    fn subjects(&self) -> Vec<(String, bool)>;
    /// The subject versions bound to a schema id.
    fn versions_of_schema(&self, id: i64) -> Vec<SubjectVersion>;
    /// Every subject version whose subject starts with `prefix` (literally), by subject then
    /// version.
    fn all_versions(&self, prefix: &str) -> Vec<SubjectVersion>;
    /// Schemas that reference `subject` `version`, each with whether it is still live.
    fn referenced_by(&self, subject: &str, version: i32) -> Vec<(i64, bool)>;
    /// The stored config JSON of a scope (a subject or [`crate::model::GLOBAL_SCOPE`]).
    fn config(&self, scope: &str) -> Option<Value>;
    /// The stored mode of a scope.
    fn mode(&self, scope: &str) -> Option<String>;
    /// The highest schema id ever allocated.
    fn max_schema_id(&self) -> i64;
    /// Whether the database answers (readiness).
    fn ping(&self) -> ();
    /// Every catalog entity with the catalog revision the read saw.
    fn catalog(&self) -> catalog::CatalogRows;
    /// One page of subjects with a live version matching the filter, in name order, and how
    /// many match in all (the portal's subject list).
    fn subject_page(&self, filter: &browse::SubjectFilter<'_>) -> browse::SubjectPage;
    /// The newest `limit` audit entries, newest first.
    fn recent_audit(&self, limit: i64) -> Vec<browse::AuditRecord>;
    /// One page of the audit trail: the entries matching the query, newest first.
    fn audit_page(&self, query: &browse::AuditQuery<'_>) -> Vec<browse::AuditRecord>;
    /// How many subjects, schemas and live versions the registry holds.
    fn registry_counts(&self) -> browse::RegistryCounts;
    /// The subject versions whose schema references `subject` `version`, by subject then
    /// version.
    fn referencing_versions(&self, subject: &str, version: i32) -> Vec<SubjectVersion>;
}

delegate! {
    /// Adds a batch of usage tallies (one transaction). Not a registry change: no cache
    /// depends on the usage table, so there is nothing to announce.
    fn record_usage(&self, batch: &[usage::UsageTally]) -> ();
    /// Usage tallies summed over days, most recently seen first.
    fn usage(&self, query: &usage::UsageQuery) -> Vec<usage::UsageRow>;
    /// Reads per day (days since the epoch) in a scope, from a day on.
    fn usage_daily(&self, scope: &usage::UsageScope, first_day: i64) -> Vec<(i64, i64)>;
    /// Removes the usage days before the first kept one; how many rows went.
    fn prune_usage(&self, first_kept_day: i64) -> u64;
    /// Records an audit entry of a decision that changed nothing stored (a refused or
    /// forced retirement).
    fn record_audit(&self, entry: &AuditEntry<'_>) -> ();
}

delegate_writes! {
    /// Binds a schema to a subject as its next version (see [`NewVersion`]); refused with
    /// [`StoreError::Conflict`] when the subject moved on since the caller read it, and with
    /// [`StoreError::OutOfRange`] for an id or version outside 1..=2^31-1 (or none left).
    Written fn insert_version(&self, new: NewVersion<'_>) -> Registered;
    /// Marks versions soft-deleted.
    Written fn soft_delete(&self, subject: &str, versions: &[i32], actor: &str) -> ();
    /// Removes versions for good (and the subject's config and mode with its last version).
    RemovedPermanently fn hard_delete(&self, subject: &str, versions: &[i32], actor: &str) -> ();
    Written fn put_config(&self, scope: &str, config: &Value, actor: &str) -> ();
    Written fn delete_config(&self, scope: &str, actor: &str) -> ();
    Written fn put_mode(&self, scope: &str, mode: &str, actor: &str) -> ();
    Written fn delete_mode(&self, scope: &str, actor: &str) -> ();
    /// Applies a batch of catalog changes in one transaction, refused with
    /// [`StoreError::Conflict`] unless the catalog is still at `expected_revision`.
    Written fn write_catalog(&self, expected_revision: i64, writes: &[catalog::CatalogWrite], actor: &str) -> i64;
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

impl NewVersion<'_> {
    /// Refuses an explicit id or version outside 1..=2^31-1 before anything is read or
    /// written (version 0 never reaches storage: the registry reads it as "not given").
    pub(crate) fn check_range(&self) -> Result<(), OutOfRange> {
        if let Some(id) = self.explicit_id {
            crate::model::schema_id_in_range(id)?;
        }
        if let Some(version) = self.explicit_version {
            crate::model::version_in_range(version)?;
        }
        Ok(())
    }
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
    /// An explicit id or version outside 1..=2^31-1, or no id (or no version of the
    /// subject) left to allocate: refused, never wrapped.
    #[error(transparent)]
    OutOfRange(#[from] OutOfRange),
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

/// What each backend records for the registry's writes, decided once so both keep the same
/// actions (the NOTIFY payload other nodes classify with [`Change::from_action`]).
impl<'a> AuditEntry<'a> {
    pub(crate) fn registered(actor: &'a str, subject: &'a str, id: i64, version: i32) -> Self {
        Self {
            actor,
            action: "schema.registered",
            target: subject,
            details: serde_json::json!({"id": id, "version": version}),
        }
    }

    pub(crate) fn versions_deleted(
        actor: &'a str,
        subject: &'a str,
        versions: &[i32],
        permanent: bool,
    ) -> Self {
        Self {
            actor,
            action: if permanent {
                ACTION_DELETED_PERMANENTLY
            } else {
                "versions.deleted"
            },
            target: subject,
            details: serde_json::json!({ "versions": versions }),
        }
    }

    /// A config (`table` is `configs`) or mode (`modes`) set on `scope` to `value`.
    pub(crate) fn setting_set(actor: &'a str, table: &str, scope: &'a str, value: &str) -> Self {
        Self {
            actor,
            action: if table == "configs" {
                "config.set"
            } else {
                "mode.set"
            },
            target: scope,
            details: serde_json::json!({ "value": value }),
        }
    }

    /// A config (`table` is `configs`) or mode (`modes`) of `scope` removed.
    pub(crate) fn setting_deleted(actor: &'a str, table: &str, scope: &'a str) -> Self {
        Self {
            actor,
            action: if table == "configs" {
                "config.deleted"
            } else {
                "mode.deleted"
            },
            target: scope,
            details: Value::Object(serde_json::Map::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_permanent_deletes_can_unbind_ids() {
        assert_eq!(
            Change::from_action("versions.deleted_permanently"),
            Change::RemovedPermanently
        );
        assert_eq!(Change::from_action("versions.deleted"), Change::Written);
        assert_eq!(Change::from_action("schema.registered"), Change::Written);
        assert_eq!(Change::from_action(""), Change::Unknown);
    }
}
