//! What one document covers: the whole catalog, or what one application produces and
//! consumes (its edges, their topics and events, and the subjects whose payloads it shows).

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::model::{Application, Domain, EntityName, Team, VersionRange};
use crate::catalog::snapshot::{EdgeRef, Snapshot};

/// The subjects a document shows payloads of, each with the range of versions to pick
/// from (the latest of them is shown).
pub(in crate::catalog::asyncapi) fn wanted_subjects(
    snapshot: &Snapshot,
    application: Option<&Application>,
) -> BTreeMap<String, VersionRange> {
    let scope = Scope::new(snapshot, application);
    let mut wanted: BTreeMap<String, VersionRange> = BTreeMap::new();
    for event in &scope.events {
        if let Some(subject) = snapshot.events.get(*event).and_then(|e| e.subject.clone()) {
            wanted.insert(subject, VersionRange::Latest);
        }
    }
    for topic in scope.topics.keys() {
        if let Some(subject) = scope.value_subject_message(topic) {
            wanted.insert(subject, VersionRange::Latest);
        }
    }
    if application.is_some() {
        for (subject, range) in wanted.iter_mut() {
            let mut ranges = scope
                .edges
                .iter()
                .filter(|edge| snapshot.edge_subjects(edge.target).contains(subject))
                .map(|edge| edge.target.versions);
            if let Some(first) = ranges.next()
                && ranges.all(|other| other == first)
            {
                *range = first;
            }
        }
    }
    wanted
}

/// What one document covers.
pub(super) struct Scope<'a> {
    pub(super) snapshot: &'a Snapshot,
    pub(super) application: Option<&'a Application>,
    pub(super) edges: Vec<EdgeRef<'a>>,
    /// Each topic shown, with the events listed on its channel.
    pub(super) topics: BTreeMap<&'a EntityName, BTreeSet<&'a EntityName>>,
    /// Events without a topic that an edge names: each gets a channel of its own.
    pub(super) unbound: BTreeSet<&'a EntityName>,
    /// Every event shown.
    pub(super) events: BTreeSet<&'a EntityName>,
}

impl<'a> Scope<'a> {
    pub(super) fn new(snapshot: &'a Snapshot, application: Option<&'a Application>) -> Self {
        let mut scope = Self {
            snapshot,
            application,
            edges: Vec::new(),
            topics: BTreeMap::new(),
            unbound: BTreeSet::new(),
            events: BTreeSet::new(),
        };
        match application {
            None => {
                scope.edges = snapshot.edges().collect();
                for topic in snapshot.topics.keys() {
                    scope.topics.insert(topic, BTreeSet::new());
                }
                for event in snapshot.events.values() {
                    scope.events.insert(&event.name);
                    if let Some(list) = event.topic.as_ref().and_then(|t| scope.topics.get_mut(t)) {
                        list.insert(&event.name);
                    }
                }
            }
            Some(application) => {
                scope.edges = snapshot
                    .edges()
                    .filter(|edge| edge.application.name == application.name)
                    .collect();
            }
        }
        let edges = scope.edges.clone();
        for edge in edges {
            let event = edge
                .target
                .event
                .as_ref()
                .and_then(|name| snapshot.events.get(name));
            let topic = snapshot
                .edge_topic(edge.target)
                .and_then(|name| snapshot.topics.get_key_value(name))
                .map(|(name, _)| name);
            match (topic, event) {
                (Some(topic), Some(event)) => {
                    scope.topics.entry(topic).or_default().insert(&event.name);
                    scope.events.insert(&event.name);
                }
                (Some(topic), None) => {
                    let on_topic = snapshot.events_on_topic(topic);
                    let listed = scope.topics.entry(topic).or_default();
                    for event in on_topic {
                        listed.insert(&event.name);
                        scope.events.insert(&event.name);
                    }
                }
                (None, Some(event)) => {
                    scope.unbound.insert(&event.name);
                    scope.events.insert(&event.name);
                }
                (None, None) => {}
            }
        }
        scope
    }

    /// The subject shown as the only message of a topic without events.
    pub(super) fn value_subject_message(&self, topic: &EntityName) -> Option<String> {
        let listed = self.topics.get(topic)?;
        if !listed.is_empty() || !self.snapshot.events_on_topic(topic).is_empty() {
            return None;
        }
        self.snapshot.topics.get(topic)?.value_subject()
    }

    /// Domains and teams the document carries: all of them, or those what it shows names.
    pub(super) fn domains_and_teams(&self) -> (Vec<&'a Domain>, Vec<&'a Team>) {
        let snapshot = self.snapshot;
        let Some(application) = self.application else {
            return (
                snapshot.domains.values().collect(),
                snapshot.teams.values().collect(),
            );
        };
        let mut domains: BTreeSet<&EntityName> = BTreeSet::new();
        let mut teams: BTreeSet<&EntityName> = BTreeSet::new();
        domains.extend(application.domain.as_ref());
        teams.extend(application.owner.as_ref());
        for topic in self.topics.keys().filter_map(|t| snapshot.topics.get(*t)) {
            domains.extend(topic.domain.as_ref());
            teams.extend(topic.owner.as_ref());
        }
        for event in self.events.iter().filter_map(|e| snapshot.events.get(*e)) {
            domains.extend(event.domain.as_ref());
            teams.extend(event.owner.as_ref());
        }
        let domains: Vec<&Domain> = domains
            .into_iter()
            .filter_map(|d| snapshot.domains.get(d))
            .collect();
        teams.extend(domains.iter().filter_map(|d| d.owner.as_ref()));
        let teams = teams
            .into_iter()
            .filter_map(|t| snapshot.teams.get(t))
            .collect();
        (domains, teams)
    }
}
