//! What one reader may see. The catalog's read use cases (lists, search, exports, AsyncAPI,
//! tagged fields) show a reader only what it may read; the access layer decides that, and
//! the catalog asks through this trait so it never depends on how access is configured.

use super::model::EntityKind;
use super::snapshot::Snapshot;

pub trait Sight: Sync {
    /// Whether everything may be read: the use cases skip per-item checks.
    fn sees_everything(&self) -> bool;
    /// Whether the catalog entity `kind`/`name` (as it stands) may be read.
    fn sees_entity(&self, kind: EntityKind, name: &str) -> bool;
    /// Whether the registry subject may be read.
    fn sees_subject(&self, subject: &str) -> bool;
}

/// A reader who sees everything: the CLI, and Herald without an access file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Everything;

impl Sight for Everything {
    fn sees_everything(&self) -> bool {
        true
    }

    fn sees_entity(&self, _kind: EntityKind, _name: &str) -> bool {
        true
    }

    fn sees_subject(&self, _subject: &str) -> bool {
        true
    }
}

impl Snapshot {
    /// The part of this catalog `sight` may read: entities it may not read are gone, with
    /// their stamps and the edges of hidden applications. A visible entity keeps its whole
    /// document, so it may still name a hidden one (pages show that name without a link).
    pub fn seen_by(&self, sight: &dyn Sight) -> Snapshot {
        fn keep<V: Clone>(
            from: &std::collections::BTreeMap<super::model::EntityName, V>,
            kind: EntityKind,
            sight: &dyn Sight,
        ) -> std::collections::BTreeMap<super::model::EntityName, V> {
            from.iter()
                .filter(|(name, _)| sight.sees_entity(kind, name.as_str()))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()
        }
        let mut seen = Snapshot {
            revision: self.revision,
            domains: keep(&self.domains, EntityKind::Domain, sight),
            teams: keep(&self.teams, EntityKind::Team, sight),
            applications: keep(&self.applications, EntityKind::Application, sight),
            topics: keep(&self.topics, EntityKind::Topic, sight),
            events: keep(&self.events, EntityKind::Event, sight),
            stamps: Default::default(),
        };
        seen.stamps = self
            .stamps
            .iter()
            .filter(|((kind, name), _)| seen.contains(*kind, name))
            .map(|(key, stamp)| (key.clone(), stamp.clone()))
            .collect();
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::{Entity, EntityName};

    /// Sees topics whose name starts with `orders.` and subjects starting `orders.`.
    struct OrdersOnly;

    impl Sight for OrdersOnly {
        fn sees_everything(&self) -> bool {
            false
        }
        fn sees_entity(&self, kind: EntityKind, name: &str) -> bool {
            kind == EntityKind::Topic && name.starts_with("orders.")
        }
        fn sees_subject(&self, subject: &str) -> bool {
            subject.starts_with("orders.")
        }
    }

    fn topic(name: &str) -> Entity {
        Entity::from_json(EntityKind::Topic, serde_json::json!({ "name": name }))
            .expect("a topic document")
    }

    #[test]
    fn a_restricted_snapshot_keeps_only_what_the_sight_reads() {
        let mut snapshot = Snapshot::default();
        for name in ["orders.placed", "payments.settled"] {
            snapshot.insert(topic(name));
            snapshot.stamps.insert(
                (EntityKind::Topic, EntityName::parse(name).expect("a name")),
                super::super::snapshot::Stamp {
                    updated_at: "2026-12-04T00:00:00Z".into(),
                    updated_by: "test".into(),
                },
            );
        }
        let seen = snapshot.seen_by(&OrdersOnly);
        let names: Vec<String> = seen.topics.keys().map(ToString::to_string).collect();
        assert_eq!(names, ["orders.placed"]);
        assert_eq!(seen.stamps.len(), 1);
        assert_eq!(snapshot.seen_by(&Everything), snapshot);
    }
}
