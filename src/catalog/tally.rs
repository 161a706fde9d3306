//! Counts the catalog lists show beside each entity, each worked out in one pass over the
//! snapshot: a topic's producers and consumers, a domain's members, what a team owns; and
//! the field tags in use; the deprecated events with the days left to their sunsets.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::calendar::days_from_date;
use super::fields::IndexedField;
use super::model::{Date, EntityName, Event, Lifecycle};
use super::snapshot::{Role, Snapshot};

/// How many applications, topics and events a domain holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DomainMembers {
    pub applications: usize,
    pub topics: usize,
    pub events: usize,
}

/// A field tag in use, as first spelled, and how many fields carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCount {
    pub tag: String,
    pub fields: usize,
}

/// A deprecated event and the days left to its sunset.
#[derive(Debug, Clone, Copy)]
pub struct Deprecation<'a> {
    pub event: &'a Event,
    /// Negative once the sunset is past; `None` without a sunset.
    pub days_left: Option<i64>,
}

impl Snapshot {
    /// The deprecated events as of `today` (days since 1970-01-01), soonest sunset first,
    /// undated last, by name among equals.
    pub fn deprecations(&self, today: i64) -> Vec<Deprecation<'_>> {
        let mut deprecated: Vec<Deprecation<'_>> = self
            .events
            .values()
            .filter(|event| event.lifecycle == Lifecycle::Deprecated)
            .map(|event| Deprecation {
                event,
                days_left: event
                    .sunset
                    .as_ref()
                    .and_then(|date| days_from_date(date.as_str()))
                    .map(|day| day - today),
            })
            .collect();
        // `YYYY-MM-DD` sorts as the calendar does.
        deprecated.sort_by(|a, b| {
            let sunsets = (
                a.event.sunset.as_ref().map(Date::as_str),
                b.event.sunset.as_ref().map(Date::as_str),
            );
            match sunsets {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.event.name.cmp(&b.event.name))
        });
        deprecated
    }

    /// How many applications are released (running for real).
    pub fn released_application_count(&self) -> usize {
        self.applications
            .values()
            .filter(|app| app.lifecycle == Lifecycle::Released)
            .count()
    }

    /// How many distinct applications produce and consume each topic.
    pub fn topic_usage_counts(&self) -> HashMap<&EntityName, (usize, usize)> {
        let mut apps: HashMap<&EntityName, (BTreeSet<&EntityName>, BTreeSet<&EntityName>)> =
            HashMap::new();
        for edge in self.edges() {
            if let Some(topic) = self.edge_topic(edge.target) {
                let (producers, consumers) = apps.entry(topic).or_default();
                match edge.role {
                    Role::Produces => producers.insert(&edge.application.name),
                    Role::Consumes => consumers.insert(&edge.application.name),
                };
            }
        }
        apps.into_iter()
            .map(|(topic, (p, c))| (topic, (p.len(), c.len())))
            .collect()
    }

    /// Applications, topics and events per domain.
    pub fn domain_member_counts(&self) -> HashMap<&EntityName, DomainMembers> {
        let mut counts: HashMap<&EntityName, DomainMembers> = HashMap::new();
        for domain in self.applications.values().filter_map(|a| a.domain.as_ref()) {
            counts.entry(domain).or_default().applications += 1;
        }
        for domain in self.topics.values().filter_map(|t| t.domain.as_ref()) {
            counts.entry(domain).or_default().topics += 1;
        }
        for domain in self.events.values().filter_map(|e| e.domain.as_ref()) {
            counts.entry(domain).or_default().events += 1;
        }
        counts
    }

    /// How many entities each team owns.
    pub fn owned_counts(&self) -> HashMap<&EntityName, usize> {
        let mut counts: HashMap<&EntityName, usize> = HashMap::new();
        let owners = self
            .domains
            .values()
            .filter_map(|e| e.owner.as_ref())
            .chain(self.applications.values().filter_map(|e| e.owner.as_ref()))
            .chain(self.topics.values().filter_map(|e| e.owner.as_ref()))
            .chain(self.events.values().filter_map(|e| e.owner.as_ref()));
        for owner in owners {
            *counts.entry(owner).or_default() += 1;
        }
        counts
    }
}

/// Every field tag in `fields`, counted case-insensitively and spelled as first seen,
/// ordered by its lowercase form.
pub fn tag_counts(fields: &[IndexedField]) -> Vec<TagCount> {
    let mut counts: BTreeMap<String, TagCount> = BTreeMap::new();
    for field in fields {
        for tag in &field.tags {
            counts
                .entry(tag.to_lowercase())
                .or_insert_with(|| TagCount {
                    tag: tag.clone(),
                    fields: 0,
                })
                .fields += 1;
        }
    }
    counts.into_values().collect()
}

/// The fields of one subject's latest version that carry a tag.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedGroup<'a> {
    pub subject: &'a str,
    pub version: i32,
    pub fields: Vec<&'a IndexedField>,
}

/// Fields carrying `tag` (any case), grouped by subject: at most `limit` fields, and how
/// many carry it in all. The index lists fields subject by subject, so a group ends where
/// its subject does.
pub fn tagged_groups<'a>(
    fields: &'a [IndexedField],
    tag: &str,
    limit: usize,
) -> (Vec<TaggedGroup<'a>>, usize) {
    let mut groups: Vec<TaggedGroup<'a>> = Vec::new();
    let mut total = 0;
    let mut shown = 0;
    for field in fields
        .iter()
        .filter(|f| f.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
    {
        total += 1;
        if shown >= limit {
            continue;
        }
        shown += 1;
        match groups.last_mut() {
            Some(group) if group.subject == field.subject => group.fields.push(field),
            _ => groups.push(TaggedGroup {
                subject: &field.subject,
                version: field.version,
                fields: vec![field],
            }),
        }
    }
    (groups, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::snapshot::tests::landscape;

    fn name(text: &str) -> EntityName {
        EntityName::parse(text).expect("valid name")
    }

    fn field(subject: &str, path: &str, tags: &[&str]) -> IndexedField {
        IndexedField {
            subject: subject.to_owned(),
            version: 1,
            schema_id: 1,
            path: path.to_owned(),
            type_name: "string".to_owned(),
            doc: None,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn the_landscape_counts_per_entity() {
        let snapshot = landscape();
        assert_eq!(
            snapshot.topic_usage_counts().get(&name("orders")),
            Some(&(1, 1))
        );
        assert_eq!(
            snapshot.domain_member_counts().get(&name("orders")),
            Some(&DomainMembers {
                applications: 0,
                topics: 1,
                events: 0
            })
        );
        assert_eq!(snapshot.owned_counts().get(&name("checkout")), Some(&2));
    }

    #[test]
    fn tags_count_ignoring_case_spelled_as_first_seen() {
        let fields = [
            field("a-value", "email", &["PII", "core"]),
            field("a-value", "name", &["pii"]),
            field("b-value", "id", &[]),
        ];
        assert_eq!(
            tag_counts(&fields),
            vec![
                TagCount {
                    tag: "core".to_owned(),
                    fields: 1
                },
                TagCount {
                    tag: "PII".to_owned(),
                    fields: 2
                },
            ]
        );
    }

    #[test]
    fn tagged_fields_group_by_subject_up_to_the_limit() {
        let fields = [
            field("a-value", "email", &["PII"]),
            field("a-value", "name", &["pii"]),
            field("b-value", "id", &[]),
            field("c-value", "phone", &["Pii"]),
        ];
        let (groups, total) = tagged_groups(&fields, "pii", 2);
        assert_eq!(total, 3);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].subject, "a-value");
        assert_eq!(groups[0].fields.len(), 2);
        let (groups, _) = tagged_groups(&fields, "PII", 10);
        let subjects: Vec<&str> = groups.iter().map(|g| g.subject).collect();
        assert_eq!(subjects, vec!["a-value", "c-value"]);
    }
}
