//! The schema versions the catalog's edges use today: an edge names a range (`latest`, `2`,
//! `1-2`, `>=2`), and the subject's live versions in the registry decide which concrete
//! versions that is. Read through the registry's public reads, once per subject per page.

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{EntityName, Topic};
use super::snapshot::{EdgeRef, Role, Snapshot, TopicSubject};
use super::{Catalog, CatalogError};
use crate::schema::fields::FieldInfo;

/// A live (not soft-deleted) version of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveVersion {
    pub version: i32,
    pub schema_id: i64,
}

/// The fields of a subject's newest live version.
#[derive(Debug, Clone)]
pub struct LatestFields {
    pub version: i32,
    pub fields: Arc<Vec<FieldInfo>>,
}

/// A subject an edge writes or reads, with the versions its range selects today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSubject {
    pub subject: String,
    /// Every live version, ascending (empty: not registered, or all deleted).
    pub live: Vec<i32>,
    /// The live versions the edge's range selects.
    pub selected: Vec<i32>,
}

/// An edge with the topic it touches and its subjects resolved.
#[derive(Debug, Clone)]
pub struct ResolvedEdge<'a> {
    pub edge: EdgeRef<'a>,
    /// The edge's own topic, or its event's.
    pub topic: Option<&'a EntityName>,
    pub subjects: Vec<ResolvedSubject>,
}

impl ResolvedEdge<'_> {
    /// Keeps only `subject` when the edge uses it: a whole-topic edge resolves every
    /// subject of the topic, and a page about one event is about its subject alone.
    pub fn narrow_to(&mut self, subject: &str) {
        if self.subjects.iter().any(|s| s.subject == subject) {
            self.subjects.retain(|s| s.subject == subject);
        }
    }

    /// The order edges are listed in: application, then topic, then event.
    fn sort_key(&self) -> (&str, Option<&str>, Option<&str>) {
        (
            self.edge.application.name.as_str(),
            self.topic.map(EntityName::as_str),
            self.edge.target.event.as_ref().map(EntityName::as_str),
        )
    }
}

impl Catalog {
    /// A memo of live versions for one page's worth of reads.
    pub fn live_versions(&self) -> LiveVersions<'_> {
        LiveVersions {
            catalog: self,
            memo: HashMap::new(),
        }
    }

    /// The fields of `subject`'s newest live version; None when it has none.
    pub async fn latest_fields(&self, subject: &str) -> Result<Option<LatestFields>, CatalogError> {
        let Some(latest) = self.live_rows(subject).await?.last().copied() else {
            return Ok(None);
        };
        Ok(Some(LatestFields {
            version: latest.version,
            fields: self.fields_of(latest.schema_id).await?,
        }))
    }

    /// The subject's live versions, ascending; none when it is not registered.
    async fn live_rows(&self, subject: &str) -> Result<Vec<LiveVersion>, CatalogError> {
        let rows = self.registry.live_versions(subject).await?;
        Ok(rows
            .iter()
            .map(|row| LiveVersion {
                version: row.version,
                schema_id: row.schema_id,
            })
            .collect())
    }
}

/// Live versions of subjects, read once per subject (a page names the same few subjects
/// from many edges).
pub struct LiveVersions<'a> {
    catalog: &'a Catalog,
    memo: HashMap<String, Vec<i32>>,
}

impl LiveVersions<'_> {
    /// The subject's live versions, ascending (empty: not registered, or all deleted).
    pub async fn of(&mut self, subject: &str) -> Result<Vec<i32>, CatalogError> {
        if let Some(hit) = self.memo.get(subject) {
            return Ok(hit.clone());
        }
        let live: Vec<i32> = self
            .catalog
            .live_rows(subject)
            .await?
            .iter()
            .map(|row| row.version)
            .collect();
        self.memo.insert(subject.to_owned(), live.clone());
        Ok(live)
    }

    /// One edge with the versions of each of its subjects its range selects.
    pub async fn resolve<'s>(
        &mut self,
        snapshot: &'s Snapshot,
        edge: EdgeRef<'s>,
    ) -> Result<ResolvedEdge<'s>, CatalogError> {
        let mut subjects = Vec::new();
        for subject in snapshot.edge_subjects(edge.target) {
            let live = self.of(&subject).await?;
            subjects.push(ResolvedSubject {
                selected: edge.target.versions.select(&live),
                live,
                subject,
            });
        }
        Ok(ResolvedEdge {
            edge,
            topic: snapshot.edge_topic(edge.target),
            subjects,
        })
    }

    /// Many edges resolved, sorted by application, topic, event.
    pub async fn resolve_all<'s>(
        &mut self,
        snapshot: &'s Snapshot,
        edges: &[EdgeRef<'s>],
    ) -> Result<Vec<ResolvedEdge<'s>>, CatalogError> {
        let mut resolved = Vec::with_capacity(edges.len());
        for edge in edges {
            resolved.push(self.resolve(snapshot, *edge).await?);
        }
        sort_edges(&mut resolved);
        Ok(resolved)
    }
}

/// An entity's edges split by role, each side resolved and sorted.
pub struct ResolvedSides<'a> {
    pub producers: Vec<ResolvedEdge<'a>>,
    pub consumers: Vec<ResolvedEdge<'a>>,
}

impl ResolvedSides<'_> {
    /// [`ResolvedEdge::narrow_to`] on every edge.
    pub fn narrow_to(&mut self, subject: &str) {
        for edge in self.producers.iter_mut().chain(self.consumers.iter_mut()) {
            edge.narrow_to(subject);
        }
    }
}

impl LiveVersions<'_> {
    /// `edges` split into producers and consumers, each resolved and sorted.
    pub async fn resolve_sides<'s>(
        &mut self,
        snapshot: &'s Snapshot,
        edges: impl IntoIterator<Item = EdgeRef<'s>>,
    ) -> Result<ResolvedSides<'s>, CatalogError> {
        let (produced, consumed): (Vec<_>, Vec<_>) =
            edges.into_iter().partition(|e| e.role == Role::Produces);
        Ok(ResolvedSides {
            producers: self.resolve_all(snapshot, &produced).await?,
            consumers: self.resolve_all(snapshot, &consumed).await?,
        })
    }
}

/// A subject a topic carries, with its live versions (ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSubject {
    pub subject: TopicSubject,
    pub live: Vec<i32>,
}

impl LiveVersions<'_> {
    /// The subjects `topic` carries, each with its live versions.
    pub async fn topic_subjects(
        &mut self,
        snapshot: &Snapshot,
        topic: &Topic,
    ) -> Result<Vec<LiveSubject>, CatalogError> {
        let mut subjects = Vec::new();
        for subject in snapshot.topic_subjects(topic) {
            let live = self.of(&subject.subject).await?;
            subjects.push(LiveSubject { subject, live });
        }
        Ok(subjects)
    }
}

fn sort_edges(edges: &mut [ResolvedEdge<'_>]) {
    edges.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::snapshot::tests::landscape;

    fn resolved<'a>(snapshot: &'a Snapshot, subjects: &[&str]) -> Vec<ResolvedEdge<'a>> {
        snapshot
            .edges()
            .map(|edge| ResolvedEdge {
                edge,
                topic: snapshot.edge_topic(edge.target),
                subjects: subjects
                    .iter()
                    .map(|s| ResolvedSubject {
                        subject: (*s).to_owned(),
                        live: vec![1, 2],
                        selected: edge.target.versions.select(&[1, 2]),
                    })
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn edges_sort_by_application_then_topic_then_event() {
        let snapshot = landscape();
        let mut edges = resolved(&snapshot, &[]);
        sort_edges(&mut edges);
        let keys: Vec<_> = edges.iter().map(ResolvedEdge::sort_key).collect();
        assert_eq!(
            keys,
            vec![
                ("billing", Some("orders"), None),
                ("shop", Some("orders"), Some("OrderPlaced")),
            ]
        );
    }

    #[test]
    fn narrowing_keeps_the_one_subject_when_the_edge_uses_it() {
        let snapshot = landscape();
        let mut edges = resolved(&snapshot, &["orders-value", "orders-audit-value"]);
        edges[0].narrow_to("orders-value");
        let kept: Vec<&str> = edges[0]
            .subjects
            .iter()
            .map(|s| s.subject.as_str())
            .collect();
        assert_eq!(kept, vec!["orders-value"]);
        // An edge that does not use the subject keeps what it has.
        edges[1].narrow_to("payments-value");
        assert_eq!(edges[1].subjects.len(), 2);
    }
}
