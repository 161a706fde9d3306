//! Who owns what, read off the catalog: the domains and teams each subject and entity
//! belong to, with the owning teams' members. Domain and team grants, and the
//! `team-members` grantee, decide through it. Built once per catalog snapshot.

use std::collections::HashMap;

use super::grant::Owners;
use crate::catalog::model::{Entity, EntityKind, EntityName};
use crate::catalog::snapshot::Snapshot;

#[derive(Debug, Default)]
pub struct OwnerIndex {
    subjects: HashMap<String, Owners>,
    entities: HashMap<(EntityKind, String), (Owners, Vec<String>)>,
}

impl OwnerIndex {
    pub fn of(snapshot: &Snapshot) -> Self {
        let teams = snapshot.list(EntityKind::Team);
        let team_members = |team: Option<&EntityName>| -> Vec<String> {
            team.and_then(|t| {
                teams.iter().find_map(|e| match e {
                    Entity::Team(candidate) if &candidate.name == t => {
                        Some(candidate.members.clone())
                    }
                    _ => None,
                })
            })
            .unwrap_or_default()
        };
        let mut index = Self::default();
        for entity in snapshot.all() {
            let (domain, team, subjects) = placement(snapshot, &entity);
            let owners = Owners {
                domains: domain.iter().map(ToString::to_string).collect(),
                teams: team.iter().map(ToString::to_string).collect(),
                members: team_members(team.as_ref()),
            };
            for subject in &subjects {
                let entry = index.subjects.entry(subject.clone()).or_default();
                merge(entry, &owners);
            }
            index.entities.insert(
                (entity.kind(), entity.name().to_string()),
                (owners, subjects),
            );
        }
        index
    }

    /// The owners of a subject (none when the catalog does not place it).
    pub fn of_subject(&self, subject: &str) -> Owners {
        self.subjects.get(subject).cloned().unwrap_or_default()
    }

    /// The owners of an entity and the subjects it carries.
    pub fn of_entity(&self, kind: EntityKind, name: &str) -> Option<&(Owners, Vec<String>)> {
        self.entities.get(&(kind, name.to_owned()))
    }
}

impl OwnerIndex {
    /// The owners and subjects of `entity` as it would stand in `snapshot` (an entity about
    /// to be stored: its own domain and owner, that team's members as the catalog lists
    /// them).
    pub fn placement_of(snapshot: &Snapshot, entity: &Entity) -> (Owners, Vec<String>) {
        let (domain, team, subjects) = placement(snapshot, entity);
        let members = team
            .as_ref()
            .and_then(|t| snapshot.get(EntityKind::Team, t))
            .and_then(|e| match e {
                Entity::Team(team) => Some(team.members),
                _ => None,
            })
            .unwrap_or_default();
        let owners = Owners {
            domains: domain.iter().map(ToString::to_string).collect(),
            teams: team.iter().map(ToString::to_string).collect(),
            members,
        };
        (owners, subjects)
    }
}

/// An entity's domain, owning team and subjects. A domain is its own domain, a team its own
/// team.
fn placement(
    snapshot: &Snapshot,
    entity: &Entity,
) -> (Option<EntityName>, Option<EntityName>, Vec<String>) {
    match entity {
        Entity::Domain(d) => (Some(d.name.clone()), d.owner.clone(), Vec::new()),
        Entity::Team(t) => (None, Some(t.name.clone()), Vec::new()),
        Entity::Application(a) => (a.domain.clone(), a.owner.clone(), Vec::new()),
        Entity::Topic(t) => (
            t.domain.clone(),
            t.owner.clone(),
            snapshot
                .topic_subjects(t)
                .into_iter()
                .map(|s| s.subject)
                .collect(),
        ),
        Entity::Event(e) => (
            e.domain.clone(),
            e.owner.clone(),
            e.subject.iter().cloned().collect(),
        ),
    }
}

fn merge(into: &mut Owners, from: &Owners) {
    for (list, more) in [
        (&mut into.domains, &from.domains),
        (&mut into.teams, &from.teams),
        (&mut into.members, &from.members),
    ] {
        for item in more {
            if !list.contains(item) {
                list.push(item.clone());
            }
        }
    }
}
