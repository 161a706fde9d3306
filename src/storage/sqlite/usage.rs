//! Observed usage on SQLite: batches added into `schema_usage`, reads summed over days.

use sqlx::Sqlite;

use super::SqliteStore;
use crate::storage::StoreError;
use crate::storage::usage::{
    Dialect, ROWS_PER_INSERT, UsageQuery, UsageRow, UsageScope, UsageTally, push_daily,
    push_insert, push_select,
};

const SQLITE: Dialect = Dialect {
    least: "min",
    greatest: "max",
    sum_count: "SUM(count)",
};

impl SqliteStore {
    /// Adds `batch` into the usage table in one transaction.
    pub async fn record_usage(&self, batch: &[UsageTally]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        for chunk in batch.chunks(ROWS_PER_INSERT) {
            push_insert::<Sqlite>(&SQLITE, chunk)
                .build()
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The tallies of `query`, summed over days, most recently seen first.
    pub async fn usage(&self, query: &UsageQuery) -> Result<Vec<UsageRow>, StoreError> {
        Ok(push_select::<Sqlite>(&SQLITE, query)
            .build_query_as()
            .fetch_all(&self.reader)
            .await?)
    }

    /// Reads per day (days since the epoch) in `scope` from `first_day` on.
    pub async fn usage_daily(
        &self,
        scope: &UsageScope,
        first_day: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(push_daily::<Sqlite>(&SQLITE, scope, first_day)
            .build_query_as()
            .fetch_all(&self.reader)
            .await?)
    }

    /// Removes the days before `first_kept_day`; how many rows went.
    pub async fn prune_usage(&self, first_kept_day: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM schema_usage WHERE day < ?1")
            .bind(first_kept_day)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }
}
