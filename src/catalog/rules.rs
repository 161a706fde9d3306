//! The rules a catalog must satisfy as a whole before any of it is written: every
//! reference resolves, dates and lifecycles make sense. Checked on the catalog as it
//! would be after a change, so one rule set serves REST writes and file applies alike.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{EdgeTarget, EntityKind, EntityName, Lifecycle};
use super::snapshot::Snapshot;

/// Longest tag.
const MAX_TAG_LEN: usize = 100;

/// One broken rule, naming the entity that breaks it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[schema(value_type = String)]
    pub kind: EntityKind,
    pub name: String,
    pub message: String,
    /// The catalog file line that declares the entity, when the change came from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{} {}: {}", self.kind, self.name, self.message)
    }
}

/// Every broken rule of `catalog`, in a stable order. `subject_exists` answers whether a
/// registry subject exists (or is about to).
pub fn check(catalog: &Snapshot, subject_exists: &dyn Fn(&str) -> bool) -> Vec<Problem> {
    let mut problems = Problems::default();
    for domain in catalog.domains.values() {
        let mut at = problems.at(EntityKind::Domain, &domain.name);
        at.team(catalog, "owner", domain.owner.as_ref());
        at.tags(&domain.tags);
    }
    for team in catalog.teams.values() {
        problems.at(EntityKind::Team, &team.name).tags(&team.tags);
    }
    for app in catalog.applications.values() {
        let mut at = problems.at(EntityKind::Application, &app.name);
        at.domain(catalog, app.domain.as_ref());
        at.team(catalog, "owner", app.owner.as_ref());
        at.tags(&app.tags);
        for (role, edges) in [("produces", &app.produces), ("consumes", &app.consumes)] {
            for edge in edges {
                at.edge(catalog, role, edge);
            }
        }
    }
    for topic in catalog.topics.values() {
        let mut at = problems.at(EntityKind::Topic, &topic.name);
        at.domain(catalog, topic.domain.as_ref());
        at.team(catalog, "owner", topic.owner.as_ref());
        at.tags(&topic.tags);
    }
    for event in catalog.events.values() {
        let mut at = problems.at(EntityKind::Event, &event.name);
        at.domain(catalog, event.domain.as_ref());
        at.team(catalog, "owner", event.owner.as_ref());
        at.tags(&event.tags);
        if let Some(topic) = &event.topic
            && !catalog.topics.contains_key(topic)
        {
            at.say(format!("topic {topic} does not exist"));
        }
        if let Some(subject) = &event.subject
            && !subject_exists(subject)
        {
            at.say(format!("subject {subject:?} is not in the registry"));
        }
        match &event.replaced_by {
            Some(next) if *next == event.name => at.say("is replaced by itself".into()),
            Some(next) if !catalog.events.contains_key(next) => {
                at.say(format!("replacedBy: event {next} does not exist"));
            }
            _ => {}
        }
        if event.lifecycle == Lifecycle::Retired {
            let producers: Vec<String> = catalog
                .event_edges(event)
                .iter()
                .filter(|edge| {
                    edge.role == super::snapshot::Role::Produces
                        && edge.target.event.as_ref() == Some(&event.name)
                })
                .map(|edge| edge.application.name.to_string())
                .collect();
            if !producers.is_empty() {
                at.say(format!(
                    "is retired but still produced by {}",
                    producers.join(", ")
                ));
            }
        }
    }
    let mut found = problems.found;
    found.sort();
    found
}

#[derive(Default)]
struct Problems {
    found: Vec<Problem>,
}

impl Problems {
    fn at<'a>(&'a mut self, kind: EntityKind, name: &'a EntityName) -> At<'a> {
        At {
            problems: self,
            kind,
            name,
        }
    }
}

/// Problems of one entity.
struct At<'a> {
    problems: &'a mut Problems,
    kind: EntityKind,
    name: &'a EntityName,
}

impl At<'_> {
    fn say(&mut self, message: String) {
        self.problems.found.push(Problem {
            kind: self.kind,
            name: self.name.to_string(),
            message,
            line: None,
        });
    }

    fn team(&mut self, catalog: &Snapshot, field: &str, team: Option<&EntityName>) {
        if let Some(team) = team
            && !catalog.teams.contains_key(team)
        {
            self.say(format!("{field}: team {team} does not exist"));
        }
    }

    fn domain(&mut self, catalog: &Snapshot, domain: Option<&EntityName>) {
        if let Some(domain) = domain
            && !catalog.domains.contains_key(domain)
        {
            self.say(format!("domain {domain} does not exist"));
        }
    }

    fn tags(&mut self, tags: &[String]) {
        for tag in tags {
            if tag.trim().is_empty() || tag.len() > MAX_TAG_LEN || tag.chars().any(char::is_control)
            {
                self.say(format!(
                    "tag {tag:?} must be 1 to {MAX_TAG_LEN} printable characters"
                ));
            }
        }
    }

    fn edge(&mut self, catalog: &Snapshot, role: &str, edge: &EdgeTarget) {
        match (&edge.topic, &edge.event) {
            (None, None) => self.say(format!("{role}: an edge names a topic, an event or both")),
            (topic, event) => {
                if let Some(topic) = topic
                    && !catalog.topics.contains_key(topic)
                {
                    self.say(format!("{role}: topic {topic} does not exist"));
                }
                if let Some(name) = event {
                    match catalog.events.get(name) {
                        None => self.say(format!("{role}: event {name} does not exist")),
                        Some(event) => {
                            if let (Some(on), Some(topic)) = (&event.topic, topic)
                                && on != topic
                            {
                                self.say(format!(
                                    "{role}: event {name} travels on topic {on}, not {topic}"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::Entity;
    use crate::catalog::snapshot::tests::landscape;
    use serde_json::json;

    fn problems_of(snapshot: &Snapshot) -> Vec<String> {
        check(snapshot, &|subject| subject == "orders-value")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn add(snapshot: &mut Snapshot, kind: EntityKind, document: serde_json::Value) {
        snapshot.insert(Entity::from_json(kind, document).expect("valid test entity"));
    }

    #[test]
    fn a_consistent_landscape_passes() {
        assert_eq!(problems_of(&landscape()), Vec::<String>::new());
    }

    #[test]
    fn dangling_references_are_named() {
        let mut catalog = landscape();
        add(
            &mut catalog,
            EntityKind::Application,
            json!({"name": "ghost", "domain": "nowhere", "owner": "nobody",
                   "consumes": [{"topic": "missing"}, {"event": "Vanished"}, {}]}),
        );
        add(
            &mut catalog,
            EntityKind::Event,
            json!({"name": "Lost", "topic": "void", "subject": "nope-value", "replacedBy": "Lost"}),
        );
        let found = problems_of(&catalog);
        let expected = [
            "application ghost: domain nowhere does not exist",
            "application ghost: owner: team nobody does not exist",
            "application ghost: consumes: topic missing does not exist",
            "application ghost: consumes: event Vanished does not exist",
            "application ghost: consumes: an edge names a topic, an event or both",
            "event Lost: topic void does not exist",
            "event Lost: subject \"nope-value\" is not in the registry",
            "event Lost: is replaced by itself",
        ];
        for message in expected {
            assert!(
                found.iter().any(|f| f == message),
                "missing {message:?} in {found:#?}"
            );
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn retired_events_have_no_producers() {
        let mut catalog = landscape();
        add(
            &mut catalog,
            EntityKind::Event,
            json!({"name": "OrderPlaced", "topic": "orders", "subject": "orders-value",
                   "lifecycle": "retired"}),
        );
        assert_eq!(
            problems_of(&catalog),
            vec!["event OrderPlaced: is retired but still produced by shop"]
        );
    }

    #[test]
    fn an_edge_cannot_put_an_event_on_another_topic() {
        let mut catalog = landscape();
        add(&mut catalog, EntityKind::Topic, json!({"name": "other"}));
        add(
            &mut catalog,
            EntityKind::Application,
            json!({"name": "mixed", "produces": [{"topic": "other", "event": "OrderPlaced"}]}),
        );
        assert_eq!(
            problems_of(&catalog),
            vec![
                "application mixed: produces: event OrderPlaced travels on topic orders, not other"
            ]
        );
    }
}
