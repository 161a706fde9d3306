//! Observed usage: who really reads and writes which schema. Every schema read and write
//! on the Confluent API is counted in memory ([`tally`]) and added into one table in
//! batches every few seconds, so the hot path pays a hash and an addition, never a
//! database write. Nodes sharing PostgreSQL add into the same rows. A crash loses what was
//! counted since the last flush (one interval), nothing before it.
//!
//! The reports join the tallies to the catalog: an application names the principals (or,
//! for clients that do not authenticate, the addresses) it runs as, so observed readers
//! become named applications ([`report`]), and the declared and observed readers of a
//! subject can be compared ([`drift`]).
//!
//! Layer: a use case beside `catalog`. It reads schemas through the registry, the catalog
//! through its snapshot, and owns its storage table; it knows nothing of HTTP.

pub mod demo;
pub mod drift;
pub mod report;
pub mod retire;
pub mod tally;

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::catalog::{Catalog, CatalogError};
use crate::registry::{Registry, RegistryError};
use crate::storage::usage::UsageTally;
use crate::storage::{Store, StoreError};

pub use report::{ObservedRead, ReportScope};
pub use tally::{Access, Sighting};

/// How usage is counted and kept (`herald serve --usage-*`).
#[derive(Debug, Clone)]
pub struct UsageSettings {
    /// Off: nothing is counted (the benchmark's "without tracking").
    pub enabled: bool,
    /// How often the tally goes to the database: at most this much is lost in a crash.
    pub flush_every: Duration,
    /// Days of usage kept; older days are removed.
    pub retention_days: u32,
    /// Distinct keys (reader x schema x day) counted between two flushes; sightings of
    /// new keys past it are dropped and counted as dropped.
    pub max_keys: usize,
    /// A declared reader not seen for this many days is "silent"; reads within this many
    /// days make retiring an event need an admin's force.
    pub recent_days: u32,
}

impl Default for UsageSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            flush_every: Duration::from_secs(5),
            retention_days: 90,
            max_keys: 10_000,
            recent_days: 7,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// What one flush did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Flushed {
    /// Tallies added into the table.
    pub rows: usize,
    /// Sightings dropped in the interval because the tally was full.
    pub dropped: u64,
}

/// The tally's state, for operators (`GET /usage`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageStatus {
    pub enabled: bool,
    pub flush_interval_seconds: u64,
    pub retention_days: u32,
    pub recent_days: u32,
    pub max_keys: usize,
    /// Distinct keys counted on this node since its last flush.
    pub pending_keys: usize,
    /// Sightings this node dropped because its tally was full, since it started.
    pub dropped_since_start: u64,
    /// Tallies whose flush failed, kept for the next one.
    pub unsent: usize,
}

pub struct Usage {
    settings: UsageSettings,
    tally: tally::Tally,
    /// A failed flush's tallies, tried again first by the next one (bounded like the tally).
    unsent: Mutex<Vec<UsageTally>>,
    /// The day old usage was last pruned.
    pruned_on: Mutex<i32>,
    store: Store,
    registry: Arc<Registry>,
    catalog: Arc<Catalog>,
}

/// Milliseconds since the epoch.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Usage {
    pub fn new(
        settings: UsageSettings,
        store: Store,
        registry: Arc<Registry>,
        catalog: Arc<Catalog>,
    ) -> Self {
        Self {
            tally: tally::Tally::new(settings.max_keys),
            settings,
            unsent: Mutex::new(Vec::new()),
            pruned_on: Mutex::new(i32::MIN),
            store,
            registry,
            catalog,
        }
    }

    pub fn settings(&self) -> &UsageSettings {
        &self.settings
    }

    /// Counts one read or write (the hot path: memory only).
    pub fn record(&self, sighting: &Sighting<'_>) {
        if self.settings.enabled {
            self.tally.see(sighting, now_millis());
        }
    }

    /// Adds everything counted so far into the table (and, once a day, removes the days
    /// past retention). A failed write keeps its tallies for the next flush.
    pub async fn flush(&self) -> Result<Flushed, StoreError> {
        let taken = self.tally.take();
        if taken.dropped > 0 {
            tracing::warn!(
                dropped = taken.dropped,
                max_keys = self.settings.max_keys,
                "usage tally was full: sightings of new readers were dropped (raise --usage-max-keys if these are real clients)"
            );
        }
        let mut batch = std::mem::take(&mut *self.unsent_lock());
        batch.extend(taken.tallies);
        let rows = batch.len();
        if rows > 0
            && let Err(error) = self.store.record_usage(&batch).await
        {
            tracing::warn!(%error, rows, "usage flush failed; kept for the next one");
            batch.truncate(self.settings.max_keys);
            *self.unsent_lock() = batch;
            return Err(error);
        }
        self.prune_once_a_day().await?;
        Ok(Flushed {
            rows,
            dropped: taken.dropped,
        })
    }

    async fn prune_once_a_day(&self) -> Result<(), StoreError> {
        let today = tally::day_of(now_millis());
        {
            let mut pruned_on = self.pruned_on.lock().unwrap_or_else(|e| e.into_inner());
            if *pruned_on == today {
                return Ok(());
            }
            *pruned_on = today;
        }
        let first_kept = i64::from(today) - i64::from(self.settings.retention_days);
        let removed = self.store.prune_usage(first_kept).await?;
        if removed > 0 {
            tracing::info!(removed, "removed usage older than the retention");
        }
        Ok(())
    }

    /// Flushes every interval until the `Usage` is gone. Holds it weakly, like the
    /// change watcher: dropping the app stops the task.
    pub fn spawn_flusher(self: &Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if !self.settings.enabled {
            return None;
        }
        let usage: Weak<Self> = Arc::downgrade(self);
        let every = self.settings.flush_every;
        Some(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(usage) = usage.upgrade() else { break };
                // A failure was logged and its tallies kept; the next tick tries again.
                let _ = usage.flush().await;
            }
        }))
    }

    pub fn status(&self) -> UsageStatus {
        UsageStatus {
            enabled: self.settings.enabled,
            flush_interval_seconds: self.settings.flush_every.as_secs(),
            retention_days: self.settings.retention_days,
            recent_days: self.settings.recent_days,
            max_keys: self.settings.max_keys,
            pending_keys: self.tally.pending_keys(),
            dropped_since_start: self.tally.dropped_total(),
            unsent: self.unsent_lock().len(),
        }
    }

    fn unsent_lock(&self) -> std::sync::MutexGuard<'_, Vec<UsageTally>> {
        self.unsent.lock().unwrap_or_else(|e| e.into_inner())
    }
}
