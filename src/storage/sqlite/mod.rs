//! The embedded SQLite backend: one file, WAL, every write a real commit before it is
//! acknowledged.
//!
//! Writes go through a pool of exactly one connection, so they are serialised without
//! relying on SQLite's busy retries; reads use their own pool and run beside the writer
//! thanks to WAL.
//!
//! One file per aggregate: `registry.rs` (schemas, subject versions, references, ids),
//! `settings.rs` (config and mode), `browse.rs` (the portal's reads) and `catalog.rs`.

mod browse;
mod catalog;
mod registry;
mod settings;
mod usage;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::rows::to_json;
use super::{AuditEntry, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and applies the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives power loss, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { reader, writer })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    /// Records an audit entry that goes with no stored change (a refused or forced
    /// retirement).
    pub async fn record_audit(&self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        append_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Records the change in the same transaction as the change itself.
async fn append_audit(
    tx: &mut Transaction<'static, Sqlite>,
    entry: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (actor, action, target, details) VALUES (?, ?, ?, ?)")
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(to_json(&entry.details)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
