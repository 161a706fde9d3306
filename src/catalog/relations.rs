//! Relationships as lists of links, both ways: what the REST API serves under
//! `/catalog/{kind}/{name}/{relation}` and what the portal's pages list.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{EntityKind, EntityName};
use super::snapshot::{EdgeRef, Role, Snapshot};

/// One related entity (or subject).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// An entity kind, or `subject`.
    pub kind: String,
    pub name: String,
    /// For edges: `produces` or `consumes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For edges: the schema versions written or read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    /// For edges: the topic or event the edge names besides `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// The relations each kind offers.
pub fn relations_of(kind: EntityKind) -> &'static [&'static str] {
    match kind {
        EntityKind::Topic => &["producers", "consumers", "events", "subjects"],
        EntityKind::Event => &["producers", "consumers"],
        EntityKind::Application => &["produces", "consumes"],
        EntityKind::Domain => &["members"],
        EntityKind::Team => &["owns"],
    }
}

impl Snapshot {
    /// The links of `relation` from entity `kind`/`name`; None if the entity or the
    /// relation doesn't exist.
    pub fn related(
        &self,
        kind: EntityKind,
        name: &EntityName,
        relation: &str,
    ) -> Option<Vec<Link>> {
        if !self.contains(kind, name) || !relations_of(kind).contains(&relation) {
            return None;
        }
        let mut links: Vec<Link> = match (kind, relation) {
            (EntityKind::Topic, "producers" | "consumers") => {
                let role = role_of(relation);
                self.topic_edges(name)
                    .into_iter()
                    .filter(|edge| edge.role == role)
                    .map(|edge| application_link(&edge, edge.target.event.as_ref()))
                    .collect()
            }
            (EntityKind::Topic, "events") => self
                .events_on_topic(name)
                .into_iter()
                .map(|event| entity_link(EntityKind::Event, &event.name))
                .collect(),
            (EntityKind::Topic, _) => self
                .topics
                .get(name)
                .map(|topic| self.topic_subjects(topic))
                .unwrap_or_default()
                .into_iter()
                .map(|s| Link {
                    kind: "subject".into(),
                    name: s.subject,
                    role: Some(s.part.into()),
                    versions: None,
                    via: s.event,
                })
                .collect(),
            (EntityKind::Event, _) => {
                let role = role_of(relation);
                self.events
                    .get(name)
                    .map(|event| self.event_edges(event))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|edge| edge.role == role)
                    .map(|edge| application_link(&edge, edge.target.topic.as_ref()))
                    .collect()
            }
            (EntityKind::Application, _) => {
                let role = if relation == "produces" {
                    Role::Produces
                } else {
                    Role::Consumes
                };
                self.edges()
                    .filter(|edge| edge.application.name == *name && edge.role == role)
                    .map(|edge| target_link(&edge))
                    .collect()
            }
            (EntityKind::Domain, _) => self
                .in_domain(name)
                .iter()
                .map(|(kind, name)| entity_link(*kind, name))
                .collect(),
            (EntityKind::Team, _) => self
                .owned_by(name)
                .iter()
                .map(|(kind, name)| entity_link(*kind, name))
                .collect(),
        };
        links.sort();
        links.dedup();
        Some(links)
    }
}

fn role_of(relation: &str) -> Role {
    if relation == "producers" {
        Role::Produces
    } else {
        Role::Consumes
    }
}

fn entity_link(kind: EntityKind, name: &EntityName) -> Link {
    Link {
        kind: kind.as_str().into(),
        name: name.to_string(),
        role: None,
        versions: None,
        via: None,
    }
}

/// The application end of an edge.
fn application_link(edge: &EdgeRef<'_>, via: Option<&EntityName>) -> Link {
    Link {
        kind: EntityKind::Application.as_str().into(),
        name: edge.application.name.to_string(),
        role: Some(edge.role.as_str().into()),
        versions: Some(edge.target.versions.to_string()),
        via: via.map(ToString::to_string),
    }
}

/// The far end of an edge: its topic (with the event as `via`), else its event.
fn target_link(edge: &EdgeRef<'_>) -> Link {
    let (kind, name, via) = match (&edge.target.topic, &edge.target.event) {
        (Some(topic), event) => (EntityKind::Topic, topic, event.as_ref()),
        (None, Some(event)) => (EntityKind::Event, event, None),
        (None, None) => (EntityKind::Topic, &edge.application.name, None),
    };
    Link {
        role: Some(edge.role.as_str().into()),
        versions: Some(edge.target.versions.to_string()),
        via: via.map(ToString::to_string),
        ..entity_link(kind, name)
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::model::{EntityKind, EntityName};
    use crate::catalog::snapshot::tests::landscape;

    fn name(text: &str) -> EntityName {
        EntityName::parse(text).expect("valid")
    }

    #[test]
    fn topic_relations_list_both_ends() {
        let snapshot = landscape();
        let producers = snapshot
            .related(EntityKind::Topic, &name("orders"), "producers")
            .expect("topic exists");
        assert_eq!(producers.len(), 1);
        assert_eq!(producers[0].name, "shop");
        assert_eq!(producers[0].via.as_deref(), Some("OrderPlaced"));
        let consumers = snapshot
            .related(EntityKind::Topic, &name("orders"), "consumers")
            .expect("topic exists");
        assert_eq!(consumers[0].name, "billing");
        assert_eq!(consumers[0].versions.as_deref(), Some(">=2"));
    }

    #[test]
    fn applications_list_what_they_touch() {
        let snapshot = landscape();
        let produces = snapshot
            .related(EntityKind::Application, &name("shop"), "produces")
            .expect("app exists");
        assert_eq!(produces[0].kind, "topic");
        assert_eq!(produces[0].name, "orders");
        assert!(
            snapshot
                .related(EntityKind::Application, &name("shop"), "consumes")
                .expect("app exists")
                .is_empty()
        );
    }

    #[test]
    fn unknown_entities_and_relations_are_none() {
        let snapshot = landscape();
        assert!(
            snapshot
                .related(EntityKind::Topic, &name("nope"), "producers")
                .is_none()
        );
        assert!(
            snapshot
                .related(EntityKind::Topic, &name("orders"), "owns")
                .is_none()
        );
    }
}
