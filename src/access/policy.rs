//! One access file, read: the principals it knows, how each may prove itself, and the
//! grants. Immutable; a reload builds a new one and swaps it in.

use std::collections::HashMap;

use serde::Deserialize;

use super::config::ClientCertificates;
use super::grant::{Grant, Grantee, Resource, Role, Scope};
use super::jwt::JwksSource;
use super::principal::Caller;
use super::secrets::{PasswordHash, TokenDigest};
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct User {
    pub hash: PasswordHash,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The principal the token stands for.
    pub name: String,
    pub digest: TokenDigest,
    /// Unix seconds after which the token is refused.
    pub expires: Option<i64>,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub audience: String,
    pub jwks: JwksSource,
    pub principal_claim: String,
    pub groups_claim: String,
    pub leeway_seconds: u64,
    pub portal: Option<PortalSso>,
}

/// The portal's single sign-on: OIDC authorization code with PKCE.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalSso {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub redirect_url: String,
    #[serde(default = "default_scopes")]
    pub scopes: String,
}

fn default_scopes() -> String {
    "openid".to_owned()
}

#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// The HMAC key signing session cookies: the same on every node.
    pub key: Secret,
    pub ttl_seconds: u64,
    /// The portal's cookies carry `Secure`: browsers send them over HTTPS only.
    pub secure_cookie: bool,
}

/// Failed sign-ins allowed per minute before further attempts are refused with 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInLimit {
    #[serde(default = "default_per_principal")]
    pub per_principal_per_minute: u32,
    #[serde(default = "default_per_address")]
    pub per_address_per_minute: u32,
}

fn default_per_principal() -> u32 {
    10
}

fn default_per_address() -> u32 {
    30
}

impl Default for SignInLimit {
    fn default() -> Self {
        Self {
            per_principal_per_minute: default_per_principal(),
            per_address_per_minute: default_per_address(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    /// No access file: everyone may do everything, as before access control.
    open: bool,
    pub(super) users: HashMap<String, User>,
    pub(super) tokens: Vec<TokenRecord>,
    pub(super) oidc: Option<OidcSettings>,
    pub(super) client_certificates: Option<ClientCertificates>,
    pub(super) session: Option<SessionSettings>,
    pub(super) sign_in_limit: SignInLimit,
    grants: Vec<Grant>,
}

impl Policy {
    pub(super) fn new(
        users: HashMap<String, User>,
        tokens: Vec<TokenRecord>,
        oidc: Option<OidcSettings>,
        client_certificates: Option<ClientCertificates>,
        session: Option<SessionSettings>,
        sign_in_limit: SignInLimit,
        grants: Vec<Grant>,
    ) -> Self {
        Self {
            open: false,
            users,
            tokens,
            oidc,
            client_certificates,
            session,
            sign_in_limit,
            grants,
        }
    }

    /// Access control off: anonymous callers hold admin on everything.
    pub fn open() -> Self {
        Self {
            open: true,
            users: HashMap::new(),
            tokens: Vec::new(),
            oidc: None,
            client_certificates: None,
            session: None,
            sign_in_limit: SignInLimit::default(),
            grants: vec![Grant {
                to: Grantee::Anonymous,
                role: Role::Admin,
                on: Scope::Everything,
            }],
        }
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn oidc(&self) -> Option<&OidcSettings> {
        self.oidc.as_ref()
    }

    pub fn session(&self) -> Option<&SessionSettings> {
        self.session.as_ref()
    }

    pub fn sign_in_limit(&self) -> SignInLimit {
        self.sign_in_limit
    }

    /// What the policy sets up, in one line (start-up log, `herald auth check`).
    pub fn summary(&self) -> String {
        if self.open {
            return "open: no access file, anyone may do anything".into();
        }
        let methods: Vec<&str> = [
            (!self.users.is_empty(), "HTTP Basic"),
            (!self.tokens.is_empty(), "API tokens"),
            (self.oidc.is_some(), "OIDC bearer"),
            (self.client_certificates.is_some(), "client certificates"),
            (self.session.is_some(), "portal sessions"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        format!(
            "{} user(s), {} token(s), {} grant(s); methods: {}",
            self.users.len(),
            self.tokens.len(),
            self.grants.len(),
            if methods.is_empty() {
                "none".to_owned()
            } else {
                methods.join(", ")
            }
        )
    }

    /// Whether `caller` may act as `role` on `resource`.
    pub fn allows(&self, caller: &Caller, role: Role, resource: &Resource<'_>) -> bool {
        self.grants
            .iter()
            .any(|grant| grant.allows(caller, role, resource))
    }

    /// Whether `caller` holds `role` on everything: it may skip per-item checks.
    pub fn allows_everything(&self, caller: &Caller, role: Role) -> bool {
        self.grants.iter().any(|grant| {
            grant.on == Scope::Everything
                && grant.to != Grantee::TeamMembers
                && grant.allows(caller, role, &Resource::global())
        })
    }

    /// Whether anonymous callers hold anything at all: if not, a request without
    /// credentials is told to authenticate (401) rather than shown an empty registry.
    pub fn anonymous_has_grants(&self) -> bool {
        self.grants.iter().any(|g| g.to == Grantee::Anonymous)
    }

    /// Whether any grant needs the catalog's owners of a resource to decide (domain and
    /// team scopes, team members): when none does, callers skip that lookup.
    pub fn needs_owners(&self) -> bool {
        self.grants.iter().any(|g| {
            matches!(g.on, Scope::Domain(_) | Scope::Team(_)) || g.to == Grantee::TeamMembers
        })
    }
}
