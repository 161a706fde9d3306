//! One request's caller with the policy in force when it arrived: what routes and pages
//! ask before they act, and what lists filter through.

use std::sync::Arc;

use super::grant::{Owners, Resource, Role};
use super::owners::OwnerIndex;
use super::policy::Policy;
use super::principal::Caller;
use crate::catalog::model::EntityKind;

#[derive(Clone)]
pub struct Viewer {
    caller: Caller,
    policy: Arc<Policy>,
    /// Present when some grant decides by catalog owners.
    owners: Option<Arc<OwnerIndex>>,
}

impl std::fmt::Debug for Viewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Viewer")
            .field("caller", &self.caller)
            .finish_non_exhaustive()
    }
}

impl Viewer {
    pub fn new(caller: Caller, policy: Arc<Policy>, owners: Option<Arc<OwnerIndex>>) -> Self {
        Self {
            caller,
            policy,
            owners,
        }
    }

    /// Access control off: the caller may do anything.
    pub fn open() -> Self {
        Self::new(Caller::Anonymous, Arc::new(Policy::open()), None)
    }

    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// Whether access control is off.
    pub fn is_open(&self) -> bool {
        self.policy.is_open()
    }

    /// Who the audit log names: with access control off, whoever the request claims to be
    /// (`X-Herald-Actor`) or `anonymous`; with it on, the authenticated principal and
    /// never the claim.
    pub fn actor(&self, claimed: Option<&str>) -> String {
        match (self.policy.is_open(), claimed) {
            (true, Some(claimed)) => claimed.to_owned(),
            _ => self.caller.actor(),
        }
    }

    /// Whether `role` is held on everything (lists need no filtering, settings may change).
    pub fn holds_everywhere(&self, role: Role) -> bool {
        self.policy.allows_everything(&self.caller, role)
    }

    /// Whether `role` is held on `subject`.
    pub fn may(&self, role: Role, subject: &str) -> bool {
        if self.holds_everywhere(role) {
            return true;
        }
        let owners = self.subject_owners(subject);
        self.policy
            .allows(&self.caller, role, &Resource::subject(subject, owners))
    }

    pub fn may_read(&self, subject: &str) -> bool {
        self.may(Role::Read, subject)
    }

    /// Whether `role` is held on the catalog entity `kind`/`name` as it stands.
    pub fn may_entity(&self, role: Role, kind: EntityKind, name: &str) -> bool {
        if self.holds_everywhere(role) {
            return true;
        }
        let Some((owners, subjects)) = self.owners.as_ref().and_then(|o| o.of_entity(kind, name))
        else {
            return false;
        };
        let resource = Resource {
            subjects: subjects.iter().map(String::as_str).collect(),
            owners: owners.clone(),
        };
        self.policy.allows(&self.caller, role, &resource)
    }

    /// Whether `role` is held on an entity with these owners and subjects (one about to be
    /// stored: [`OwnerIndex::placement_of`]).
    pub fn may_place(&self, role: Role, owners: Owners, subjects: &[String]) -> bool {
        if self.holds_everywhere(role) {
            return true;
        }
        let resource = Resource {
            subjects: subjects.iter().map(String::as_str).collect(),
            owners,
        };
        self.policy.allows(&self.caller, role, &resource)
    }

    /// Whether a search hit may be shown: an entity, a subject, or a field of a subject.
    pub fn may_see_hit(&self, kind: &str, name: &str, subject: Option<&str>) -> bool {
        match (kind, EntityKind::parse(kind)) {
            ("subject", _) => self.may_read(name),
            ("field", _) => subject.is_some_and(|s| self.may_read(s)),
            (_, Some(kind)) => self.may_entity(Role::Read, kind, name),
            _ => self.holds_everywhere(Role::Read),
        }
    }

    /// Whether anything at all may be read: an anonymous caller who may not is asked to
    /// authenticate.
    pub fn may_read_something(&self) -> bool {
        !self.caller.is_anonymous() || self.policy.anonymous_has_grants()
    }

    fn subject_owners(&self, subject: &str) -> Owners {
        self.owners
            .as_ref()
            .map(|o| o.of_subject(subject))
            .unwrap_or_default()
    }
}

/// The catalog's read use cases show a viewer what it may read.
impl crate::catalog::Sight for Viewer {
    fn sees_everything(&self) -> bool {
        self.holds_everywhere(Role::Read)
    }

    fn sees_entity(&self, kind: EntityKind, name: &str) -> bool {
        self.may_entity(Role::Read, kind, name)
    }

    fn sees_subject(&self, subject: &str) -> bool {
        self.may_read(subject)
    }
}

/// Why a request may not go on, for the area it came to to put in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// No credentials, and anonymous callers may not do this: authenticate (401).
    Unauthenticated,
    /// Authenticated, but the role is not held (403, Confluent's 40301).
    Forbidden { role: Role, what: String },
    /// Reads of what the caller may not read answer exactly as if it did not exist, so
    /// names do not leak.
    Hidden(Hidden),
}

/// What a hidden read is answered as: the area's own "not found".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hidden {
    Subject(String),
    SchemaId(i64),
    Schema,
    Entity { kind: EntityKind, name: String },
}

impl Viewer {
    /// The denial for a caller who lacks `role` on `what` (a read answers as `hidden`).
    pub fn denial(&self, role: Role, what: String, hidden: Hidden) -> Denial {
        if self.caller.is_anonymous() {
            Denial::Unauthenticated
        } else if role == Role::Read {
            Denial::Hidden(hidden)
        } else {
            Denial::Forbidden { role, what }
        }
    }
}

tokio::task_local! {
    /// The viewer of the request being answered, for what renders deep inside it (the
    /// portal's page chrome says who is signed in).
    static CURRENT: Viewer;
}

impl Viewer {
    /// Runs `future` with this viewer as [`Viewer::current`].
    pub async fn scope<F: std::future::Future>(self, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }

    /// The viewer of the request being answered, if a guard set one.
    pub fn current() -> Option<Viewer> {
        CURRENT.try_with(Clone::clone).ok()
    }
}
