//! The whole catalog at one revision, in memory, with its relationships navigable both
//! ways. Catalogs are small (thousands of entities, not millions) and read far more often
//! than written, so relationships are walked on demand instead of indexed in SQL.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{
    Application, Domain, EdgeTarget, Entity, EntityKind, EntityName, Event, SubjectStrategy, Team,
    Topic, VersionRange,
};
use crate::storage::StoreError;
use crate::storage::catalog::CatalogRows;

/// Who last changed an entity, and when.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stamp {
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub revision: i64,
    pub domains: BTreeMap<EntityName, Domain>,
    pub teams: BTreeMap<EntityName, Team>,
    pub applications: BTreeMap<EntityName, Application>,
    pub topics: BTreeMap<EntityName, Topic>,
    pub events: BTreeMap<EntityName, Event>,
    pub stamps: BTreeMap<(EntityKind, EntityName), Stamp>,
}

/// Whether an application writes or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Produces,
    Consumes,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Produces => "produces",
            Self::Consumes => "consumes",
        }
    }
}

/// One edge of the landscape: an application, its role and what it names.
#[derive(Debug, Clone, Copy)]
pub struct EdgeRef<'a> {
    pub application: &'a Application,
    pub role: Role,
    pub target: &'a EdgeTarget,
}

/// A subject a topic carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicSubject {
    pub subject: String,
    /// `key` or `value`.
    pub part: &'static str,
    /// The event this subject belongs to (record strategies, or an event bound to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

impl Snapshot {
    /// Builds the snapshot from stored rows; a row that no longer reads as its kind is
    /// corrupt data, reported rather than skipped.
    pub fn from_rows(rows: CatalogRows) -> Result<Self, StoreError> {
        let mut snapshot = Self {
            revision: rows.revision,
            ..Self::default()
        };
        for row in rows.rows {
            let kind = EntityKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("catalog kind {:?}", row.kind)))?;
            let entity = Entity::from_json(kind, row.document)
                .map_err(|e| StoreError::Corrupt(format!("catalog {kind} {:?}: {e}", row.name)))?;
            snapshot.stamps.insert(
                (kind, entity.name().clone()),
                Stamp {
                    updated_at: row.updated_at,
                    updated_by: row.updated_by,
                },
            );
            snapshot.insert(entity);
        }
        Ok(snapshot)
    }

    /// Adds or replaces an entity.
    pub fn insert(&mut self, entity: Entity) {
        match entity {
            Entity::Domain(e) => {
                self.domains.insert(e.name.clone(), e);
            }
            Entity::Team(e) => {
                self.teams.insert(e.name.clone(), e);
            }
            Entity::Application(e) => {
                self.applications.insert(e.name.clone(), e);
            }
            Entity::Topic(e) => {
                self.topics.insert(e.name.clone(), e);
            }
            Entity::Event(e) => {
                self.events.insert(e.name.clone(), e);
            }
        }
    }

    /// Removes an entity; whether it was there.
    pub fn remove(&mut self, kind: EntityKind, name: &EntityName) -> bool {
        match kind {
            EntityKind::Domain => self.domains.remove(name).is_some(),
            EntityKind::Team => self.teams.remove(name).is_some(),
            EntityKind::Application => self.applications.remove(name).is_some(),
            EntityKind::Topic => self.topics.remove(name).is_some(),
            EntityKind::Event => self.events.remove(name).is_some(),
        }
    }

    pub fn get(&self, kind: EntityKind, name: &EntityName) -> Option<Entity> {
        match kind {
            EntityKind::Domain => self.domains.get(name).cloned().map(Entity::Domain),
            EntityKind::Team => self.teams.get(name).cloned().map(Entity::Team),
            EntityKind::Application => self
                .applications
                .get(name)
                .cloned()
                .map(Entity::Application),
            EntityKind::Topic => self.topics.get(name).cloned().map(Entity::Topic),
            EntityKind::Event => self.events.get(name).cloned().map(Entity::Event),
        }
    }

    pub fn contains(&self, kind: EntityKind, name: &EntityName) -> bool {
        match kind {
            EntityKind::Domain => self.domains.contains_key(name),
            EntityKind::Team => self.teams.contains_key(name),
            EntityKind::Application => self.applications.contains_key(name),
            EntityKind::Topic => self.topics.contains_key(name),
            EntityKind::Event => self.events.contains_key(name),
        }
    }

    /// Every entity of one kind, by name.
    pub fn list(&self, kind: EntityKind) -> Vec<Entity> {
        match kind {
            EntityKind::Domain => self.domains.values().cloned().map(Entity::Domain).collect(),
            EntityKind::Team => self.teams.values().cloned().map(Entity::Team).collect(),
            EntityKind::Application => self
                .applications
                .values()
                .cloned()
                .map(Entity::Application)
                .collect(),
            EntityKind::Topic => self.topics.values().cloned().map(Entity::Topic).collect(),
            EntityKind::Event => self.events.values().cloned().map(Entity::Event).collect(),
        }
    }

    /// Every entity, kind by kind.
    pub fn all(&self) -> Vec<Entity> {
        EntityKind::ALL
            .into_iter()
            .flat_map(|kind| self.list(kind))
            .collect()
    }

    pub fn count(&self, kind: EntityKind) -> usize {
        match kind {
            EntityKind::Domain => self.domains.len(),
            EntityKind::Team => self.teams.len(),
            EntityKind::Application => self.applications.len(),
            EntityKind::Topic => self.topics.len(),
            EntityKind::Event => self.events.len(),
        }
    }

    pub fn stamp(&self, kind: EntityKind, name: &EntityName) -> Option<&Stamp> {
        self.stamps.get(&(kind, name.clone()))
    }

    /// Every edge of every application.
    pub fn edges(&self) -> impl Iterator<Item = EdgeRef<'_>> {
        self.applications.values().flat_map(|application| {
            let produced = application.produces.iter().map(move |target| EdgeRef {
                application,
                role: Role::Produces,
                target,
            });
            let consumed = application.consumes.iter().map(move |target| EdgeRef {
                application,
                role: Role::Consumes,
                target,
            });
            produced.chain(consumed)
        })
    }

    /// The topic an edge touches: its own, or its event's.
    pub fn edge_topic<'a>(&'a self, edge: &'a EdgeTarget) -> Option<&'a EntityName> {
        edge.topic.as_ref().or_else(|| {
            edge.event
                .as_ref()
                .and_then(|event| self.events.get(event))
                .and_then(|event| event.topic.as_ref())
        })
    }

    /// Edges that touch `topic` (directly or through one of its events).
    pub fn topic_edges(&self, topic: &EntityName) -> Vec<EdgeRef<'_>> {
        self.edges()
            .filter(|edge| self.edge_topic(edge.target) == Some(topic))
            .collect()
    }

    /// Edges that touch `event`: naming it, or naming its topic without picking an event
    /// (such an application reads or writes everything on the topic).
    pub fn event_edges(&self, event: &Event) -> Vec<EdgeRef<'_>> {
        self.edges()
            .filter(|edge| match (&edge.target.event, &edge.target.topic) {
                (Some(named), _) => *named == event.name,
                (None, Some(topic)) => event.topic.as_ref() == Some(topic),
                (None, None) => false,
            })
            .collect()
    }

    pub fn events_on_topic(&self, topic: &EntityName) -> Vec<&Event> {
        self.events
            .values()
            .filter(|event| event.topic.as_ref() == Some(topic))
            .collect()
    }

    /// The subjects a topic carries: key and value under the topic strategy, and the
    /// subjects of the events on it.
    pub fn topic_subjects(&self, topic: &Topic) -> Vec<TopicSubject> {
        let mut subjects = BTreeSet::new();
        if let Some(key) = topic.key_subject() {
            subjects.insert(TopicSubject {
                subject: key,
                part: "key",
                event: None,
            });
        }
        let value = topic.value_subject();
        if let Some(value) = &value {
            subjects.insert(TopicSubject {
                subject: value.clone(),
                part: "value",
                event: None,
            });
        }
        for event in self.events_on_topic(&topic.name) {
            let Some(subject) = &event.subject else {
                continue;
            };
            if topic.subject_strategy == SubjectStrategy::Topic && Some(subject) == value.as_ref() {
                continue;
            }
            subjects.insert(TopicSubject {
                subject: subject.clone(),
                part: "value",
                event: Some(event.name.to_string()),
            });
        }
        subjects.into_iter().collect()
    }

    /// The value subjects an edge writes or reads: its event's, else its topic's.
    pub fn edge_subjects(&self, edge: &EdgeTarget) -> Vec<String> {
        if let Some(event) = edge.event.as_ref().and_then(|e| self.events.get(e)) {
            return event.subject.iter().cloned().collect();
        }
        let Some(topic) = edge.topic.as_ref().and_then(|t| self.topics.get(t)) else {
            return Vec::new();
        };
        self.topic_subjects(topic)
            .into_iter()
            .filter(|s| s.part == "value")
            .map(|s| s.subject)
            .collect()
    }

    /// Who uses `subject`, and through what.
    pub fn subject_usage(&self, subject: &str) -> SubjectUsage {
        let topics = self
            .topics
            .values()
            .filter(|topic| {
                self.topic_subjects(topic)
                    .iter()
                    .any(|s| s.subject == subject)
            })
            .map(|topic| topic.name.clone())
            .collect();
        let events = self
            .events
            .values()
            .filter(|event| event.subject.as_deref() == Some(subject))
            .map(|event| event.name.clone())
            .collect();
        let edges = self
            .edges()
            .filter(|edge| self.edge_subjects(edge.target).iter().any(|s| s == subject))
            .map(|edge| SubjectEdge {
                application: edge.application.name.clone(),
                role: edge.role,
                versions: edge.target.versions,
            })
            .collect();
        SubjectUsage {
            topics,
            events,
            edges,
        }
    }

    /// The applications that write and those that read `subject`, each once, by name.
    pub fn writers_and_readers(&self, subject: &str) -> (Vec<EntityName>, Vec<EntityName>) {
        let edges = self.subject_usage(subject).edges;
        let names = |role: Role| -> Vec<EntityName> {
            let names: BTreeSet<&EntityName> = edges
                .iter()
                .filter(|edge| edge.role == role)
                .map(|edge| &edge.application)
                .collect();
            names.into_iter().cloned().collect()
        };
        (names(Role::Produces), names(Role::Consumes))
    }

    /// The entities a team owns.
    pub fn owned_by(&self, team: &EntityName) -> Vec<(EntityKind, EntityName)> {
        let owner = Some(team);
        let domains = self.domains.values().filter(|e| e.owner.as_ref() == owner);
        let apps = self
            .applications
            .values()
            .filter(|e| e.owner.as_ref() == owner);
        let topics = self.topics.values().filter(|e| e.owner.as_ref() == owner);
        let events = self.events.values().filter(|e| e.owner.as_ref() == owner);
        domains
            .map(|e| (EntityKind::Domain, e.name.clone()))
            .chain(apps.map(|e| (EntityKind::Application, e.name.clone())))
            .chain(topics.map(|e| (EntityKind::Topic, e.name.clone())))
            .chain(events.map(|e| (EntityKind::Event, e.name.clone())))
            .collect()
    }

    /// The events that name `event` as their replacement.
    pub fn events_replaced_by(&self, event: &EntityName) -> Vec<&Event> {
        self.events
            .values()
            .filter(|e| e.replaced_by.as_ref() == Some(event))
            .collect()
    }

    /// The edges of one application, as `edges` lists them.
    pub fn application_edges(&self, application: &EntityName) -> Vec<EdgeRef<'_>> {
        self.edges()
            .filter(|e| e.application.name == *application)
            .collect()
    }

    /// A domain's applications, topics and events, each in name order.
    pub fn members_of(&self, domain: &EntityName) -> DomainContents<'_> {
        let of = Some(domain);
        DomainContents {
            applications: self
                .applications
                .values()
                .filter(|a| a.domain.as_ref() == of)
                .collect(),
            topics: self
                .topics
                .values()
                .filter(|t| t.domain.as_ref() == of)
                .collect(),
            events: self
                .events
                .values()
                .filter(|e| e.domain.as_ref() == of)
                .collect(),
        }
    }

    /// The entities that belong to a domain.
    pub fn in_domain(&self, domain: &EntityName) -> Vec<(EntityKind, EntityName)> {
        let of = Some(domain);
        let apps = self
            .applications
            .values()
            .filter(|e| e.domain.as_ref() == of);
        let topics = self.topics.values().filter(|e| e.domain.as_ref() == of);
        let events = self.events.values().filter(|e| e.domain.as_ref() == of);
        apps.map(|e| (EntityKind::Application, e.name.clone()))
            .chain(topics.map(|e| (EntityKind::Topic, e.name.clone())))
            .chain(events.map(|e| (EntityKind::Event, e.name.clone())))
            .collect()
    }
}

/// What a domain holds, kind by kind.
#[derive(Debug, Clone, Default)]
pub struct DomainContents<'a> {
    pub applications: Vec<&'a Application>,
    pub topics: Vec<&'a Topic>,
    pub events: Vec<&'a Event>,
}

/// The catalog's view of one registry subject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectUsage {
    #[schema(value_type = Vec<String>)]
    pub topics: Vec<EntityName>,
    #[schema(value_type = Vec<String>)]
    pub events: Vec<EntityName>,
    pub edges: Vec<SubjectEdge>,
}

/// An application writing or reading a subject, with the versions it uses.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectEdge {
    #[schema(value_type = String)]
    pub application: EntityName,
    pub role: Role,
    #[schema(value_type = String)]
    pub versions: VersionRange,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A small landscape: one producer and one consumer of an order topic.
    pub(crate) fn landscape() -> Snapshot {
        let mut snapshot = Snapshot::default();
        let entities = [
            (EntityKind::Team, json!({"name": "checkout"})),
            (
                EntityKind::Domain,
                json!({"name": "orders", "owner": "checkout"}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "orders", "domain": "orders"}),
            ),
            (
                EntityKind::Event,
                json!({"name": "OrderPlaced", "topic": "orders", "subject": "orders-value"}),
            ),
            (
                EntityKind::Application,
                json!({"name": "shop", "owner": "checkout",
                       "produces": [{"topic": "orders", "event": "OrderPlaced"}]}),
            ),
            (
                EntityKind::Application,
                json!({"name": "billing", "consumes": [{"topic": "orders", "versions": ">=2"}]}),
            ),
        ];
        for (kind, document) in entities {
            snapshot.insert(Entity::from_json(kind, document).expect("valid test entity"));
        }
        snapshot
    }

    fn name(text: &str) -> EntityName {
        EntityName::parse(text).expect("valid name")
    }

    #[test]
    fn topics_know_their_producers_and_consumers() {
        let snapshot = landscape();
        let edges = snapshot.topic_edges(&name("orders"));
        let mut seen: Vec<(&str, Role)> = edges
            .iter()
            .map(|e| (e.application.name.as_str(), e.role))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![("billing", Role::Consumes), ("shop", Role::Produces)]
        );
    }

    #[test]
    fn whole_topic_consumers_read_every_event_on_it() {
        let snapshot = landscape();
        let event = snapshot.events.get(&name("OrderPlaced")).expect("event");
        let apps: BTreeSet<&str> = snapshot
            .event_edges(event)
            .iter()
            .map(|e| e.application.name.as_str())
            .collect();
        assert_eq!(apps, BTreeSet::from(["billing", "shop"]));
    }

    #[test]
    fn subjects_lead_back_to_topics_events_and_applications() {
        let usage = landscape().subject_usage("orders-value");
        assert_eq!(usage.topics, vec![name("orders")]);
        assert_eq!(usage.events, vec![name("OrderPlaced")]);
        let consumer = usage
            .edges
            .iter()
            .find(|e| e.role == Role::Consumes)
            .expect("billing reads it");
        assert_eq!(consumer.application, name("billing"));
        assert_eq!(consumer.versions, VersionRange::AtLeast(2));
        assert!(landscape().subject_usage("orders-key").edges.is_empty());
    }

    #[test]
    fn ownership_and_domains_are_navigable() {
        let snapshot = landscape();
        let owned = snapshot.owned_by(&name("checkout"));
        assert!(owned.contains(&(EntityKind::Domain, name("orders"))));
        assert!(owned.contains(&(EntityKind::Application, name("shop"))));
        assert_eq!(
            snapshot.in_domain(&name("orders")),
            vec![(EntityKind::Topic, name("orders"))]
        );
    }

    #[test]
    fn a_domain_lists_its_members_by_kind() {
        let snapshot = landscape();
        let members = snapshot.members_of(&name("orders"));
        assert!(members.applications.is_empty());
        assert_eq!(members.topics.len(), 1);
        assert!(members.events.is_empty());
        assert!(snapshot.members_of(&name("payments")).topics.is_empty());
    }

    #[test]
    fn replacements_and_an_applications_edges() {
        let mut snapshot = landscape();
        snapshot.insert(
            Entity::from_json(
                EntityKind::Event,
                json!({"name": "OrderCreated", "lifecycle": "deprecated",
                       "replacedBy": "OrderPlaced"}),
            )
            .expect("valid"),
        );
        let old: Vec<&str> = snapshot
            .events_replaced_by(&name("OrderPlaced"))
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(old, vec!["OrderCreated"]);
        let edges = snapshot.application_edges(&name("shop"));
        assert_eq!(edges.len(), 1);
        assert_eq!(edges[0].role, Role::Produces);
    }
}
