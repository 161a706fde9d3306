//! Grants: a role, given to someone, on something. The policy is a list of them; a request
//! is allowed when one grant covers its caller, its role and its resource.

use std::fmt;

use super::principal::Caller;

/// What a caller may do, each role including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Fetch and list schemas, read the catalog and the portal.
    Read,
    /// Register, soft delete, test compatibility, edit catalog entities.
    Write,
    /// Configuration, modes, hard deletes, global settings.
    Admin,
}

impl Role {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a grant is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    /// Requests without credentials.
    Anonymous,
    /// Every authenticated principal.
    Authenticated,
    User(String),
    Group(String),
    /// The members a catalog team lists, on what that team owns.
    TeamMembers,
}

impl Grantee {
    /// `anonymous`, `authenticated`, `team-members`, `user:NAME` or `group:NAME`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "anonymous" => return Ok(Self::Anonymous),
            "authenticated" => return Ok(Self::Authenticated),
            "team-members" => return Ok(Self::TeamMembers),
            _ => {}
        }
        let (kind, name) = text.split_once(':').ok_or_else(|| {
            format!(
                "`{text}` names no grantee: use anonymous, authenticated, team-members, \
                 user:NAME or group:NAME"
            )
        })?;
        if name.is_empty() {
            return Err(format!("`{text}` has an empty name"));
        }
        match kind {
            "user" => Ok(Self::User(name.to_owned())),
            "group" => Ok(Self::Group(name.to_owned())),
            _ => Err(format!(
                "`{kind}:` is not a grantee kind: use user: or group:"
            )),
        }
    }

    /// Whether the grant reaches this caller (team membership is checked on the resource).
    fn reaches(&self, caller: &Caller) -> bool {
        match (self, caller) {
            (Self::Anonymous, Caller::Anonymous) => true,
            (Self::Anonymous, Caller::Principal(_)) => false,
            (Self::Authenticated | Self::TeamMembers, Caller::Principal(_)) => true,
            (Self::User(name), Caller::Principal(p)) => p.name() == name,
            (Self::Group(group), Caller::Principal(p)) => p.groups().iter().any(|g| g == group),
            (_, Caller::Anonymous) => false,
        }
    }
}

/// What a grant covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Subject(String),
    SubjectPrefix(String),
    SubjectGlob(String),
    /// What the catalog places in this domain, and the subjects of its events and topics.
    Domain(String),
    /// What this catalog team owns, and the subjects of its events and topics.
    Team(String),
}

impl Scope {
    /// `*`, `subject:NAME`, `subject:GLOB` (`*` any run, `?` one character),
    /// `subject-prefix:PREFIX`, `domain:NAME` or `team:NAME`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "*" {
            return Ok(Self::Everything);
        }
        let (kind, name) = text.split_once(':').ok_or_else(|| {
            format!(
                "`{text}` names no resource: use *, subject:NAME, subject:GLOB, \
                 subject-prefix:PREFIX, domain:NAME or team:NAME"
            )
        })?;
        if name.is_empty() {
            return Err(format!("`{text}` has an empty name"));
        }
        let name = name.to_owned();
        match kind {
            "subject" if name.contains(['*', '?']) => Ok(Self::SubjectGlob(name)),
            "subject" => Ok(Self::Subject(name)),
            "subject-prefix" => Ok(Self::SubjectPrefix(name)),
            "domain" => Ok(Self::Domain(name)),
            "team" => Ok(Self::Team(name)),
            _ => Err(format!(
                "`{kind}:` is not a resource kind: use subject:, subject-prefix:, domain: or team:"
            )),
        }
    }

    fn covers(&self, resource: &Resource<'_>) -> bool {
        match self {
            Self::Everything => true,
            Self::Subject(_) | Self::SubjectPrefix(_) | Self::SubjectGlob(_) => {
                resource.subjects.iter().any(|s| self.matches_subject(s))
            }
            Self::Domain(domain) => resource.owners.domains.iter().any(|d| d == domain),
            Self::Team(team) => resource.owners.teams.iter().any(|t| t == team),
        }
    }

    fn matches_subject(&self, subject: &str) -> bool {
        match self {
            Self::Subject(name) => name == subject,
            Self::SubjectPrefix(prefix) => subject.starts_with(prefix.as_str()),
            Self::SubjectGlob(pattern) => glob_matches(pattern, subject),
            _ => false,
        }
    }
}

/// One line of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub to: Grantee,
    pub role: Role,
    pub on: Scope,
}

impl Grant {
    /// Whether this grant lets `caller` act as `role` on `resource`.
    pub fn allows(&self, caller: &Caller, role: Role, resource: &Resource<'_>) -> bool {
        self.role >= role
            && self.to.reaches(caller)
            && self.on.covers(resource)
            && (self.to != Grantee::TeamMembers || resource.owners.has_member(caller))
    }
}

/// The catalog's owners of a resource: the domains it sits in and the teams that own it,
/// with those teams' members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owners {
    pub domains: Vec<String>,
    pub teams: Vec<String>,
    /// The `members` of the owning teams: principal names, or `group:NAME`.
    pub members: Vec<String>,
}

impl Owners {
    fn has_member(&self, caller: &Caller) -> bool {
        let Caller::Principal(principal) = caller else {
            return false;
        };
        self.members
            .iter()
            .any(|member| match member.strip_prefix("group:") {
                Some(group) => principal.groups().iter().any(|g| g == group),
                None => member == principal.name(),
            })
    }
}

/// What a request acts on. `Global` (no subjects, no owners) is covered only by `*`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resource<'a> {
    /// The subjects it is, or carries (an event's subject, a topic's key and value).
    pub subjects: Vec<&'a str>,
    pub owners: Owners,
}

impl<'a> Resource<'a> {
    /// Registry-wide settings and lists.
    pub fn global() -> Self {
        Self::default()
    }

    pub fn subject(name: &'a str, owners: Owners) -> Self {
        Self {
            subjects: vec![name],
            owners,
        }
    }
}

/// `*` matches any run of characters (none included), `?` exactly one; everything else
/// itself. Iterative, with one backtrack point: linear in practice, never exponential.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_and_single_characters() {
        assert!(glob_matches("payments.*", "payments.order-value"));
        assert!(glob_matches("payments.*", "payments."));
        assert!(!glob_matches("payments.*", "payment.order"));
        assert!(glob_matches("*-value", "orders-value"));
        assert!(!glob_matches("*-value", "orders-key"));
        assert!(glob_matches("a?c", "abc"));
        assert!(!glob_matches("a?c", "ac"));
        assert!(glob_matches("*a*b*", "xxaxxbxx"));
        assert!(!glob_matches("*a*b*", "xxbxxaxx"));
        // Case matters: subjects are case-sensitive.
        assert!(!glob_matches("orders-*", "Orders-value"));
    }

    #[test]
    fn a_long_hostile_glob_stays_fast() {
        let pattern = "*a".repeat(50) + "b";
        let text = "a".repeat(5000);
        let started = std::time::Instant::now();
        assert!(!glob_matches(&pattern, &text));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn scopes_and_grantees_parse_with_clear_errors() {
        assert_eq!(Scope::parse("*"), Ok(Scope::Everything));
        assert_eq!(
            Scope::parse("subject:orders-*"),
            Ok(Scope::SubjectGlob("orders-*".into()))
        );
        assert_eq!(
            Scope::parse("subject:orders-value"),
            Ok(Scope::Subject("orders-value".into()))
        );
        assert!(
            Scope::parse("topic:x")
                .expect_err("should fail")
                .contains("topic:")
        );
        assert!(Scope::parse("subject:").is_err());
        assert_eq!(
            Grantee::parse("group:ops"),
            Ok(Grantee::Group("ops".into()))
        );
        assert!(Grantee::parse("alice").is_err());
    }
}
