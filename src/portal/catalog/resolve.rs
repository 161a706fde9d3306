//! Edges as table rows: every end linked, and the schema versions the edge's range
//! selects today (resolved by [`crate::catalog::live`]) linked to their pages.

use crate::catalog::live::ResolvedEdge;
use crate::catalog::model::EntityKind;
use crate::catalog::snapshot::Snapshot;
use crate::portal::links;

use super::view::EntityLink;

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
    pub fn of(snapshot: &Snapshot, resolved: &ResolvedEdge<'_>) -> Self {
        let edge = &resolved.edge;
        Self {
            application: EntityLink::new(
                EntityKind::Application,
                &edge.application.name,
                edge.application.title.as_deref(),
            ),
            topic: EntityLink::maybe(snapshot, EntityKind::Topic, resolved.topic),
            event: EntityLink::maybe(snapshot, EntityKind::Event, edge.target.event.as_ref()),
            range: edge.target.versions.to_string(),
            resolved: resolved
                .subjects
                .iter()
                .filter(|s| crate::portal::sight::may_read_subject(&s.subject))
                .map(|s| Resolved {
                    href: links::subject(&s.subject),
                    registered: !s.live.is_empty(),
                    versions: s
                        .selected
                        .iter()
                        .map(|&version| VersionLink {
                            version,
                            href: links::version(&s.subject, version),
                        })
                        .collect(),
                    subject: s.subject.clone(),
                })
                .collect(),
        }
    }

    /// Rows for resolved edges, in their order.
    pub fn all(snapshot: &Snapshot, resolved: &[ResolvedEdge<'_>]) -> Vec<Self> {
        resolved
            .iter()
            .map(|edge| Self::of(snapshot, edge))
            .collect()
    }
}
