//! The demo's sample traffic (`schemas-examples/usage.yaml`): what the registry would have
//! seen from the demo landscape's services over the last weeks, written into the usage
//! table when the demo loads into an empty database, so the drift and deprecation pages
//! have something to show on first run. It goes through the same storage as real tallies;
//! its addresses are from TEST-NET-1 (192.0.2.0/24), so no sample row passes for a real
//! client.

use serde::Deserialize;

use super::tally::{Access, day_of};
use super::{Usage, UsageError, now_millis};
use crate::storage::usage::UsageTally;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoTraffic {
    pub readers: Vec<DemoReader>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DemoReader {
    #[serde(default)]
    pub principal: String,
    pub client: String,
    pub address: String,
    pub reads: Vec<DemoRead>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DemoRead {
    pub subject: String,
    /// A version number; absent: the latest.
    #[serde(default)]
    pub version: Option<i32>,
    /// id, version, latest, lookup or register (default: latest).
    #[serde(default)]
    pub access: Option<String>,
    /// Reads on the oldest day, and (if given) on the newest: counts in between are
    /// interpolated, so a migrating reader burns down.
    pub per_day: i64,
    #[serde(default)]
    pub to_per_day: Option<i64>,
    #[serde(default = "two_weeks")]
    pub days: i64,
    #[serde(default)]
    pub last_seen_days_ago: i64,
}

fn two_weeks() -> i64 {
    14
}

const DAY_MS: i64 = 86_400_000;

impl Usage {
    /// Writes `traffic` into the usage table as days ending now; how many rows. A read of
    /// a subject or version the registry does not hold is skipped with a warning.
    pub async fn seed(&self, traffic: &DemoTraffic) -> Result<usize, UsageError> {
        let now = now_millis();
        let today = i64::from(day_of(now));
        let mut rows = Vec::new();
        for reader in &traffic.readers {
            for read in &reader.reads {
                let Some((schema_id, version)) = self.resolve(read).await? else {
                    tracing::warn!(subject = %read.subject, version = ?read.version, "demo traffic names a version the registry does not hold; skipped");
                    continue;
                };
                let access = read
                    .access
                    .as_deref()
                    .and_then(Access::parse)
                    .unwrap_or(Access::Latest);
                let by_id = matches!(access, Access::Id);
                for ago in read.last_seen_days_ago..read.last_seen_days_ago + read.days.max(1) {
                    let day = today - ago;
                    let start = day * DAY_MS;
                    rows.push(UsageTally {
                        day: i32::try_from(day).unwrap_or(0),
                        principal: reader.principal.clone(),
                        client: reader.client.clone(),
                        address: reader.address.clone(),
                        access: access.as_str().to_owned(),
                        schema_id,
                        subject: if by_id {
                            String::new()
                        } else {
                            read.subject.clone()
                        },
                        version: if by_id { 0 } else { version },
                        first_seen: start + 8 * 3_600_000,
                        last_seen: if ago == 0 {
                            now
                        } else {
                            start + 20 * 3_600_000
                        },
                        count: count_on(read, ago),
                    });
                }
            }
        }
        rows.sort();
        self.store.record_usage(&rows).await?;
        Ok(rows.len())
    }

    async fn resolve(&self, read: &DemoRead) -> Result<Option<(i64, i32)>, UsageError> {
        let live = self.registry.live_versions(&read.subject).await?;
        let row = match read.version {
            Some(version) => live.iter().find(|row| row.version == version),
            None => live.last(),
        };
        Ok(row.map(|row| (row.schema_id, row.version)))
    }
}

/// The reads `ago` days before the newest day of `read`.
fn count_on(read: &DemoRead, ago: i64) -> i64 {
    let days = read.days.max(1);
    let newest = read.to_per_day.unwrap_or(read.per_day);
    let position = days - 1 - (ago - read.last_seen_days_ago); // 0 = oldest day
    if days == 1 {
        return newest.max(1);
    }
    (read.per_day + (newest - read.per_day) * position / (days - 1)).max(1)
}
