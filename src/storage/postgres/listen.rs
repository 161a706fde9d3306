//! The change watcher: every write NOTIFYs `herald_changes` in its transaction (see
//! `append_audit`); each node LISTENs and reports what other nodes committed, so their
//! caches stay coherent.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};

use super::PostgresStore;
use crate::storage::{Change, StoreError};

/// The NOTIFY channel every write announces itself on.
pub(super) const CHANGES_CHANNEL: &str = "herald_changes";

/// How long to wait before listening again after the listener failed.
const RELISTEN_DELAY: Duration = Duration::from_millis(500);

impl PostgresStore {
    /// Listens for changes committed by any node and calls `on_change` for each, until it
    /// returns false. Each time listening (re)starts it reports [`Change::Unknown`], since
    /// notifications may have been missed before, so callers drop everything they cached.
    /// While the database is unreachable nothing is reported: nothing can change then, and
    /// warm caches keep serving reads.
    pub fn spawn_change_watcher(
        &self,
        on_change: impl Fn(Change) -> bool + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            loop {
                let keep_going = match listen(&pool, &on_change).await {
                    Ok(keep_going) => keep_going,
                    Err(error) => {
                        tracing::warn!(%error, "change listener lost; listening again");
                        true
                    }
                };
                if !keep_going {
                    return;
                }
                tokio::time::sleep(RELISTEN_DELAY).await;
            }
        })
    }
}

/// One listening session: returns Ok(false) when the caller wants no more changes,
/// Ok(true) when the connection was lost and listening should start again.
async fn listen(
    pool: &PgPool,
    on_change: &(impl Fn(Change) -> bool + Send + Sync),
) -> Result<bool, StoreError> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    // Anything may have happened while nobody listened.
    if !on_change(Change::Unknown) {
        return Ok(false);
    }
    loop {
        let change = match listener.try_recv().await? {
            Some(notification) => Change::from_action(notification.payload()),
            // The connection dropped: listen again (and then drop the caches, since
            // notifications may have been missed meanwhile).
            None => return Ok(true),
        };
        if !on_change(change) {
            return Ok(false);
        }
    }
}
