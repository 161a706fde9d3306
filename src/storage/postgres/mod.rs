//! The PostgreSQL backend: the same contract as [`super::sqlite::SqliteStore`], correct when
//! several Herald nodes share one database.
//!
//! Concurrency model (READ COMMITTED transactions, which see every commit made before each
//! statement starts):
//! - every write to a subject (or a settings scope) first takes a transaction-level advisory
//!   lock keyed by the subject's hash, so writers of one subject queue across all nodes and
//!   `MAX(version)` read after the lock is the true highest version;
//! - a new schema row is inserted only under a second, global transaction-level advisory lock,
//!   after looking the identity up again once the lock is held: a schema registered at the
//!   same moment through different nodes gets one id, and `MAX(id) + 1` cannot be handed out
//!   twice;
//! - the unique constraints stay the last line of defence: a unique violation (or a deadlock
//!   or serialization failure) while registering is answered with [`StoreError::Conflict`], on
//!   which the registry reads again and retries.
//!
//! Lock order is always subject lock, then id lock, so the two cannot deadlock. Advisory locks
//! use the two-key form, whose key space does not overlap the single-key one sqlx's migrator
//! locks with.
//!
//! One file per aggregate: `registry.rs` (schemas, subject versions, references, ids),
//! `settings.rs` (config and mode), `browse.rs` (the portal's reads), `catalog.rs`, and
//! `listen.rs`, the LISTEN/NOTIFY watcher of other nodes' changes.

mod browse;
mod catalog;
mod listen;
mod registry;
mod settings;
mod usage;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::{AuditEntry, StoreError};
use listen::CHANGES_CHANNEL;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per node. Writers of one subject queue on a lock, not on connections, so a
/// modest pool is plenty; several nodes multiply it against the server's `max_connections`.
const MAX_CONNECTIONS: u32 = 10;
/// How long a caller waits for a connection (including establishing one) before the request
/// fails: a database outage yields errors, not hung requests.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Server-side bound on any one statement, lock waits included.
const STATEMENT_TIMEOUT: &str = "30s";

/// First key of the advisory locks that serialise writers of one subject or scope.
const SUBJECT_LOCK_CLASS: i32 = 0x4845_5201;

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

/// Whether a failed write lost a race with another writer (and should be retried after a
/// fresh read) rather than hit a real problem.
fn lost_race(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                // serialization_failure, deadlock_detected
                || matches!(db.code().as_deref(), Some("40001" | "40P01"))
        }
        _ => false,
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://` or `postgresql://`) and applies the
    /// embedded migrations. Several nodes may start at once: sqlx's migrator holds a
    /// session-level advisory lock (`pg_advisory_lock`, keyed by the database name) while it
    /// checks and applies migrations, so exactly one node applies them and the others wait,
    /// then find them applied.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("herald");
        // Migrate through a pool of its own, closed afterwards: if migrating fails half-way,
        // the migrator's session lock goes away with the connection instead of staying held
        // by one that the store's pool would hand out again.
        let migration_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        let migrated = MIGRATOR.run(&migration_pool).await;
        migration_pool.close().await;
        migrated.map_err(|e| StoreError::Database(e.into()))?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // Not for migrations: they may legitimately wait for another node's.
            .connect_with(options.options([("statement_timeout", STATEMENT_TIMEOUT)]))
            .await?;
        Ok(Self { pool })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Queues this transaction behind every other writer of `subject` (on any node) until it
/// ends. Subjects whose hashes collide merely share a queue.
async fn lock_subject(
    tx: &mut Transaction<'static, Postgres>,
    subject: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(SUBJECT_LOCK_CLASS)
        .bind(subject)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl PostgresStore {
    /// Records an audit entry that goes with no stored change (a refused or forced
    /// retirement).
    pub async fn record_audit(&self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        append_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Records the change and tells every node (delivered when the transaction commits, not
/// before, and not at all if it rolls back).
async fn append_audit(
    tx: &mut Transaction<'static, Postgres>,
    entry: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)")
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(sqlx::types::Json(&entry.details))
        .execute(&mut **tx)
        .await?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANGES_CHANNEL)
        .bind(entry.action)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
