//! Deprecation notices: for every subject of a deprecated event (and every schema id used
//! only by such subjects), when it was deprecated, when it goes away and what replaces
//! it. The Confluent API turns these into `Deprecation`, `Sunset` and `Link` headers, so a
//! client that logs headers learns that what it reads is going away.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::calendar::days_from_date;
use super::model::{EntityName, Lifecycle};
use super::snapshot::Snapshot;
use super::{Catalog, CatalogError};
use crate::registry::audit::time::AuditTime;

/// What a reader of a deprecated event's schemas is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeprecationNotice {
    pub event: EntityName,
    /// When it was deprecated, in seconds since the epoch: the event's `deprecatedOn`, else
    /// the last change of its catalog entry.
    pub deprecated_at: i64,
    /// Its sunset, in days since the epoch.
    pub sunset_day: Option<i64>,
    /// The subject of the event that replaces it.
    pub successor_subject: Option<String>,
}

/// Notices by subject and by schema id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notices {
    pub by_subject: HashMap<String, Arc<DeprecationNotice>>,
    pub by_id: HashMap<i64, Arc<DeprecationNotice>>,
}

impl Notices {
    pub fn is_empty(&self) -> bool {
        self.by_subject.is_empty()
    }
}

/// The notice of each deprecated event that names a subject, by subject.
pub fn by_subject(snapshot: &Snapshot) -> HashMap<String, Arc<DeprecationNotice>> {
    let mut notices = HashMap::new();
    for event in snapshot.events.values() {
        if event.lifecycle != Lifecycle::Deprecated {
            continue;
        }
        let Some(subject) = &event.subject else {
            continue;
        };
        let stamped = snapshot
            .stamp(super::model::EntityKind::Event, &event.name)
            .and_then(|stamp| AuditTime::parse(&stamp.updated_at))
            .map_or(0, |time| time.start_millis().div_euclid(1000));
        let deprecated_at = event
            .deprecated_on
            .as_ref()
            .and_then(|date| days_from_date(date.as_str()))
            .map_or(stamped, |day| day * 86_400);
        let successor_subject = event
            .replaced_by
            .as_ref()
            .and_then(|name| snapshot.events.get(name))
            .and_then(|successor| successor.subject.clone());
        let notice = DeprecationNotice {
            event: event.name.clone(),
            deprecated_at,
            sunset_day: event
                .sunset
                .as_ref()
                .and_then(|date| days_from_date(date.as_str())),
            successor_subject,
        };
        notices.insert(subject.clone(), Arc::new(notice));
    }
    notices
}

impl Catalog {
    /// Every deprecation notice of the catalog as it is now. An id shared with a subject
    /// that is not deprecated gets none: its other readers are not going away.
    pub async fn deprecation_notices(&self) -> Result<Notices, CatalogError> {
        let snapshot = self.snapshot().await?;
        let by_subject = by_subject(&snapshot);
        let mut candidates: HashMap<i64, Arc<DeprecationNotice>> = HashMap::new();
        for (subject, notice) in &by_subject {
            let versions = self.registry.every_version(subject).await?;
            for row in versions {
                candidates.insert(row.schema_id, notice.clone());
            }
        }
        let deprecated: HashSet<&str> = by_subject.keys().map(String::as_str).collect();
        let mut by_id = HashMap::new();
        for (id, notice) in candidates {
            let users = self.registry.versions_of_schema(id, None, true).await?;
            if users
                .iter()
                .all(|v| deprecated.contains(v.subject.as_str()))
            {
                by_id.insert(id, notice);
            }
        }
        Ok(Notices { by_subject, by_id })
    }
}
