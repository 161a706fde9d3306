//! Edges with the schema versions they use today: an edge names a range (`latest`, `2`,
//! `1-2`, `>=2`), and the subject's live versions decide which concrete versions that is.

use std::collections::HashMap;

use crate::catalog::model::EntityKind;
use crate::catalog::snapshot::{EdgeRef, Snapshot};
use crate::portal::{PortalError, links};
use crate::registry::Registry;

use super::internal;
use super::view::EntityLink;

/// Live versions of subjects, read once per subject per page.
pub struct LiveVersions<'a> {
    registry: &'a Registry,
    memo: HashMap<String, Vec<i32>>,
}

impl<'a> LiveVersions<'a> {
    pub fn new(registry: &'a Registry) -> Self {
        Self {
            registry,
            memo: HashMap::new(),
        }
    }

    /// The subject's live versions, ascending (empty: not registered, or all deleted).
    pub async fn of(&mut self, subject: &str) -> Result<Vec<i32>, PortalError> {
        if let Some(hit) = self.memo.get(subject) {
            return Ok(hit.clone());
        }
        let rows = self
            .registry
            .live_versions(subject)
            .await
            .map_err(|e| internal(&e))?;
        let live: Vec<i32> = rows.iter().map(|row| row.version).collect();
        self.memo.insert(subject.to_owned(), live.clone());
        Ok(live)
    }
}

/// One producer or consumer edge, every end linked.
pub struct EdgeRow {
    pub application: EntityLink,
    pub topic: Option<EntityLink>,
    pub event: Option<EntityLink>,
    /// The range as written (`latest`, `2`, `1-2`, `>=2`).
    pub range: String,
    /// The subjects the edge writes or reads, with the versions the range selects today.
    pub resolved: Vec<Resolved>,
}

/// A subject of an edge with the versions its range selects.
pub struct Resolved {
    pub subject: String,
    pub href: String,
    /// Whether the subject has any live version.
    pub registered: bool,
    pub versions: Vec<VersionLink>,
}

pub struct VersionLink {
    pub version: i32,
    pub href: String,
}

impl EdgeRow {
    pub async fn of(
        snapshot: &Snapshot,
        edge: &EdgeRef<'_>,
        live: &mut LiveVersions<'_>,
    ) -> Result<Self, PortalError> {
        let topic = snapshot.edge_topic(edge.target);
        let mut resolved = Vec::new();
        for subject in snapshot.edge_subjects(edge.target) {
            let versions = live.of(&subject).await?;
            let selected = edge.target.versions.select(&versions);
            resolved.push(Resolved {
                href: links::subject(&subject),
                registered: !versions.is_empty(),
                versions: selected
                    .into_iter()
                    .map(|version| VersionLink {
                        version,
                        href: links::version(&subject, version),
                    })
                    .collect(),
                subject,
            });
        }
        Ok(Self {
            application: EntityLink::new(
                EntityKind::Application,
                &edge.application.name,
                edge.application.title.as_deref(),
            ),
            topic: EntityLink::maybe(snapshot, EntityKind::Topic, topic),
            event: EntityLink::maybe(snapshot, EntityKind::Event, edge.target.event.as_ref()),
            range: edge.target.versions.to_string(),
            resolved,
        })
    }

    /// Rows for many edges, sorted by application, topic, event.
    pub async fn all(
        snapshot: &Snapshot,
        edges: &[EdgeRef<'_>],
        live: &mut LiveVersions<'_>,
    ) -> Result<Vec<Self>, PortalError> {
        let mut rows = Vec::with_capacity(edges.len());
        for edge in edges {
            rows.push(Self::of(snapshot, edge, live).await?);
        }
        rows.sort_by(|a, b| {
            let key = |row: &Self| {
                (
                    row.application.name.clone(),
                    row.topic.as_ref().map(|t| t.name.clone()),
                    row.event.as_ref().map(|e| e.name.clone()),
                )
            };
            key(a).cmp(&key(b))
        });
        Ok(rows)
    }
}
