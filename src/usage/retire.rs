//! Retiring what is still read: before an event is retired or its subject hard-deleted,
//! the readers seen within the recent window are named. The API refuses unless an admin
//! forces it; either way the decision is audited here.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::report::ReportScope;
use super::{Usage, UsageError};
use crate::catalog::calendar::rfc3339_from_millis;
use crate::model::Subject;
use crate::storage::AuditEntry;

/// The audit actions of the decision.
pub const ACTION_REFUSED: &str = "usage.retirement_refused";
pub const ACTION_FORCED: &str = "usage.retirement_forced";

/// A reader seen recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentReader {
    /// The application, else the principal, else the address and client.
    pub reader: String,
    pub subject: String,
    pub last_seen: String,
    pub count: i64,
}

impl RecentReader {
    pub fn describe(&self) -> String {
        format!(
            "{} (last seen {}, {} reads)",
            self.reader, self.last_seen, self.count
        )
    }
}

impl Usage {
    /// Who read any of `subjects` in the last `recent_days` (reads, not registrations),
    /// most recently seen first.
    pub async fn recent_readers(
        &self,
        subjects: &[String],
    ) -> Result<Vec<RecentReader>, UsageError> {
        let days = self.settings.recent_days;
        let mut by_reader: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
        for subject in subjects {
            let scope = ReportScope::Subject(Subject::new(subject.clone()));
            // Readers only: a producer's own registrations do not hold a retirement back.
            for read in self
                .report(&scope, days)
                .await?
                .into_iter()
                .filter(|read| !read.writes())
            {
                let entry = by_reader
                    .entry((read.reader_label(), subject.clone()))
                    .or_insert((0, 0));
                entry.0 = entry.0.max(read.last_seen_millis);
                entry.1 += read.count;
            }
        }
        let mut readers: Vec<(i64, RecentReader)> = by_reader
            .into_iter()
            .map(|((reader, subject), (last, count))| {
                (
                    last,
                    RecentReader {
                        reader,
                        subject,
                        last_seen: rfc3339_from_millis(last),
                        count,
                    },
                )
            })
            .collect();
        readers.sort_by_key(|(last, _)| std::cmp::Reverse(*last));
        Ok(readers.into_iter().map(|(_, r)| r).collect())
    }

    /// Audits a refused (`forced` false) or forced retirement of `target`.
    pub async fn audit_retirement(
        &self,
        actor: &str,
        target: &str,
        readers: &[RecentReader],
        forced: bool,
    ) -> Result<(), UsageError> {
        let entry = AuditEntry {
            actor,
            action: if forced {
                ACTION_FORCED
            } else {
                ACTION_REFUSED
            },
            target,
            details: json!({ "readers": readers, "recentDays": self.settings.recent_days }),
        };
        Ok(self.store.record_audit(&entry).await?)
    }
}
