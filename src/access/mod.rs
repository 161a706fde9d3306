//! Identity and access control: who is calling (authentication: HTTP Basic, API tokens,
//! OIDC JWTs, the portal's session cookie, client certificates) and what they may do
//! (authorization: roles granted on subjects, catalog domains and teams, or everything).
//!
//! The policy comes from one access file (`config.rs`), swapped whole on reload; without
//! one, Herald is open as before. The API's front door asks [`Access::authenticate`] once
//! per request and puts the [`Caller`] in the request; the routes ask the [`Policy`].
//! Nothing here knows HTTP: headers come in as text.

pub mod cli;
pub mod config;
pub mod grant;
pub mod jwt;
pub mod limiter;
pub mod owners;
pub mod policy;
pub mod principal;
pub mod secrets;
pub mod session;
pub mod viewer;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

pub use config::ConfigError;
pub use grant::{Owners, Resource, Role};
pub use policy::Policy;
pub use principal::{Caller, Method, Principal};
pub use viewer::{Denial, Hidden, Viewer};

use jwt::JwtVerifier;
use limiter::SignInLimiter;
use secrets::{TOKEN_PREFIX, TokenDigest};

/// How long a verified credential is trusted without checking it again. Argon2 costs tens
/// of milliseconds on purpose; a client sending the same header on every request pays it
/// once a minute. A reload forgets everything at once.
const VERIFIED_FOR: Duration = Duration::from_secs(60);

/// Verified credentials kept at most; past it the cache starts over.
const MAX_VERIFIED: usize = 10_000;

/// Why a request's credentials were not accepted. Every one is a 401, except `Throttled`
/// (429); the detail goes to the debug log, never to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the Authorization header is malformed")]
    Malformed,
    #[error("the Authorization scheme is not Basic or Bearer")]
    Scheme,
    #[error("unknown principal or wrong password")]
    BadPassword,
    #[error("unknown API token")]
    UnknownToken,
    #[error("the API token has expired")]
    ExpiredToken,
    #[error("bearer token refused: {0}")]
    Jwt(String),
    #[error("this server takes no {0} credentials")]
    NotConfigured(&'static str),
    #[error("too many failed sign-ins")]
    Throttled(Duration),
}

/// Which token of a provider's answer the portal's SSO checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoToken {
    /// The OIDC ID token, addressed to the portal's client.
    Id,
    /// An access token, addressed to Herald like a bearer token.
    Access,
}

/// The credentials a request carries, as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The value of the portal's session cookie.
    pub session: Option<&'a str>,
    /// A verified client certificate: its subject and common name.
    pub certificate: Option<(&'a str, Option<&'a str>)>,
    pub address: Option<IpAddr>,
}

struct Verified {
    caller: Caller,
    until: Instant,
}

/// The access policy in force and what it takes to apply it fast.
pub struct Access {
    policy: RwLock<Arc<Policy>>,
    jwt: RwLock<Option<Arc<JwtVerifier>>>,
    verified: RwLock<HashMap<[u8; 32], Verified>>,
    limiter: SignInLimiter,
    /// The access file, when there is one (reloads read it again).
    source: Option<PathBuf>,
}

impl Access {
    /// No access file: anyone may do anything.
    pub fn open() -> Self {
        Self::with_policy(Policy::open(), None)
    }

    /// The policy of the access file at `path`.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        Ok(Self::with_policy(
            config::read(path)?,
            Some(path.to_owned()),
        ))
    }

    pub fn with_policy(policy: Policy, source: Option<PathBuf>) -> Self {
        let jwt = policy
            .oidc()
            .map(|o| Arc::new(JwtVerifier::new(o.jwks.clone())));
        Self {
            policy: RwLock::new(Arc::new(policy)),
            jwt: RwLock::new(jwt),
            verified: RwLock::new(HashMap::new()),
            limiter: SignInLimiter::default(),
            source,
        }
    }

    /// The policy in force now.
    pub fn policy(&self) -> Arc<Policy> {
        match self.policy.read() {
            Ok(policy) => policy.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// Reads the access file again; a broken one is refused whole and the policy in force
    /// stays.
    pub fn reload(&self) -> Result<(), ConfigError> {
        let Some(path) = &self.source else {
            return Ok(());
        };
        let fresh = config::read(path)?;
        let same_keys = {
            let old = self.policy();
            old.oidc().map(|o| &o.jwks) == fresh.oidc().map(|o| &o.jwks)
        };
        if !same_keys && let Ok(mut jwt) = self.jwt.write() {
            *jwt = fresh
                .oidc()
                .map(|o| Arc::new(JwtVerifier::new(o.jwks.clone())));
        }
        if let Ok(mut policy) = self.policy.write() {
            *policy = Arc::new(fresh);
        }
        if let Ok(mut verified) = self.verified.write() {
            verified.clear();
        }
        Ok(())
    }

    /// The caller a request's credentials prove, from the cache when they were proven
    /// recently: `None` when only a full check can tell ([`Access::authenticate`]).
    pub fn authenticate_cached(
        &self,
        presented: &Presented<'_>,
    ) -> Option<Result<Caller, AuthError>> {
        let policy = self.policy();
        if policy.is_open() {
            return Some(Ok(Caller::Anonymous));
        }
        match presented.authorization {
            Some(header) => {
                let key = cache_key(header);
                let verified = self.verified.read().ok()?;
                let hit = verified.get(&key).filter(|v| v.until > Instant::now())?;
                Some(Ok(hit.caller.clone()))
            }
            None if presented.session.is_some() => None,
            None => Some(Ok(self.certificate_caller(&policy, presented))),
        }
    }

    /// The caller a request's credentials prove: anonymous when it carries none.
    pub async fn authenticate(&self, presented: &Presented<'_>) -> Result<Caller, AuthError> {
        if let Some(done) = self.authenticate_cached(presented) {
            return done;
        }
        let policy = self.policy();
        let Some(header) = presented.authorization else {
            return Ok(self.session_caller(&policy, presented));
        };
        let (caller, until) = self
            .check_header(&policy, header, presented.address)
            .await?;
        self.remember(header, &caller, until);
        Ok(caller)
    }

    fn session_caller(&self, policy: &Policy, presented: &Presented<'_>) -> Caller {
        let session = presented.session.and_then(|value| {
            let settings = policy.session()?;
            session::open(&settings.key, value, unix_now())
        });
        match session {
            Some(session) => Caller::principal(session.principal()),
            None => self.certificate_caller(policy, presented),
        }
    }

    fn certificate_caller(&self, policy: &Policy, presented: &Presented<'_>) -> Caller {
        let (Some(settings), Some((subject, common_name))) =
            (policy.client_certificates, presented.certificate)
        else {
            return Caller::Anonymous;
        };
        let name = match settings.principal {
            config::CertificateName::CommonName => common_name,
            config::CertificateName::Subject => Some(subject),
        };
        match name.filter(|n| !n.is_empty()) {
            Some(name) => {
                Caller::principal(Principal::new(name, Vec::new(), Method::ClientCertificate))
            }
            None => Caller::Anonymous,
        }
    }

    async fn check_header(
        &self,
        policy: &Policy,
        header: &str,
        address: Option<IpAddr>,
    ) -> Result<(Caller, Instant), AuthError> {
        let (scheme, value) = header.trim().split_once(' ').ok_or(AuthError::Malformed)?;
        let value = value.trim();
        if value.is_empty() {
            return Err(AuthError::Malformed);
        }
        if scheme.eq_ignore_ascii_case("basic") {
            self.check_basic(policy, value, address).await
        } else if scheme.eq_ignore_ascii_case("bearer") {
            self.check_bearer(policy, value).await
        } else {
            Err(AuthError::Scheme)
        }
    }

    async fn check_basic(
        &self,
        policy: &Policy,
        encoded: &str,
        address: Option<IpAddr>,
    ) -> Result<(Caller, Instant), AuthError> {
        let decoded = STANDARD.decode(encoded).map_err(|_| AuthError::Malformed)?;
        let text = String::from_utf8(decoded).map_err(|_| AuthError::Malformed)?;
        let (name, password) = text.split_once(':').ok_or(AuthError::Malformed)?;
        let principal = self.check_password(policy, name, password, address).await?;
        Ok((Caller::principal(principal), Instant::now() + VERIFIED_FOR))
    }

    /// Checks a name and password (HTTP Basic and the portal's sign-in form), counting
    /// failures against the sign-in limit.
    pub async fn check_password(
        &self,
        policy: &Policy,
        name: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<Principal, AuthError> {
        let limit = policy.sign_in_limit();
        if let Some(wait) = self.limiter.wait(limit, Some(name), address) {
            return Err(AuthError::Throttled(wait));
        }
        let user = policy.users.get(name).cloned();
        let password = password.to_owned();
        // Argon2 is slow on purpose: off the async workers.
        let groups = tokio::task::spawn_blocking(move || match user {
            Some(user) if user.hash.verify(&password) => Some(user.groups),
            Some(_) => None,
            None => {
                secrets::burn_password_check(&password);
                None
            }
        })
        .await
        .ok()
        .flatten();
        match groups {
            Some(groups) => Ok(Principal::new(name, groups, Method::Basic)),
            None => {
                self.limiter.failed(Some(name), address);
                Err(AuthError::BadPassword)
            }
        }
    }

    /// Bearer tokens are not rate-limited: an API token is 256 random bits and a JWT is
    /// signed, so neither can be guessed, and counting their failures per address would let
    /// one client stuck on an expired token lock out every client behind the same proxy.
    async fn check_bearer(
        &self,
        policy: &Policy,
        token: &str,
    ) -> Result<(Caller, Instant), AuthError> {
        if token.starts_with(TOKEN_PREFIX) {
            Self::check_token(policy, token)
        } else {
            self.check_jwt(policy, token).await
        }
    }

    fn check_token(policy: &Policy, token: &str) -> Result<(Caller, Instant), AuthError> {
        let digest = TokenDigest::of(token);
        // Every record is compared, in constant time, with no early exit.
        let found = policy
            .tokens
            .iter()
            .fold(None, |found, record| match digest.matches(&record.digest) {
                true => Some(record),
                false => found,
            })
            .ok_or(AuthError::UnknownToken)?;
        let now = unix_now();
        if found.expires.is_some_and(|expires| expires <= now) {
            return Err(AuthError::ExpiredToken);
        }
        let until = trust_until(found.expires, now);
        let principal = Principal::new(found.name.clone(), found.groups.clone(), Method::Token);
        Ok((Caller::principal(principal), until))
    }

    async fn check_jwt(
        &self,
        policy: &Policy,
        token: &str,
    ) -> Result<(Caller, Instant), AuthError> {
        let settings = policy
            .oidc()
            .ok_or(AuthError::NotConfigured("OIDC bearer"))?;
        let verifier = self
            .jwt
            .read()
            .ok()
            .and_then(|jwt| jwt.clone())
            .ok_or(AuthError::NotConfigured("OIDC bearer"))?;
        let (principal, expires) = verifier
            .verify(settings, token)
            .await
            .map_err(|e| AuthError::Jwt(e.to_string()))?;
        Ok((
            Caller::principal(principal),
            trust_until(expires, unix_now()),
        ))
    }

    /// The principal a token from the portal's SSO proves, checked by the same verifier
    /// as bearer tokens (signature, issuer, expiry), with the groups it carries. An ID
    /// token is addressed to the portal's client (`aud` is its `client_id`), an access
    /// token to Herald's `oidc.audience`.
    pub async fn verify_sso_token(
        &self,
        token: &str,
        kind: SsoToken,
    ) -> Result<Principal, AuthError> {
        let policy = self.policy();
        let mut settings = policy
            .oidc()
            .cloned()
            .ok_or(AuthError::NotConfigured("OIDC"))?;
        if kind == SsoToken::Id {
            let portal = settings
                .portal
                .as_ref()
                .ok_or(AuthError::NotConfigured("portal SSO"))?;
            settings.audience = portal.client_id.clone();
        }
        let verifier = self
            .jwt
            .read()
            .ok()
            .and_then(|jwt| jwt.clone())
            .ok_or(AuthError::NotConfigured("OIDC"))?;
        let (principal, _) = verifier
            .verify(&settings, token)
            .await
            .map_err(|e| AuthError::Jwt(e.to_string()))?;
        Ok(principal)
    }

    fn remember(&self, header: &str, caller: &Caller, until: Instant) {
        let Ok(mut verified) = self.verified.write() else {
            return;
        };
        if verified.len() >= MAX_VERIFIED {
            verified.clear();
        }
        verified.insert(
            cache_key(header),
            Verified {
                caller: caller.clone(),
                until,
            },
        );
    }

    /// Watches the access file: reloads it when it changes (checked every two seconds)
    /// and on SIGHUP, logging what happened. Stops when the last handle is dropped.
    pub fn watch(self: &Arc<Self>) {
        let Some(path) = self.source.clone() else {
            return;
        };
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut seen = modified(&path);
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            let mut hangup = hangup_signal();
            loop {
                let signalled = tokio::select! {
                    _ = tick.tick() => false,
                    _ = next_hangup(&mut hangup) => true,
                };
                let Some(access) = weak.upgrade() else { return };
                let now = modified(&path);
                if !signalled && now == seen {
                    continue;
                }
                seen = now;
                match access.reload() {
                    Ok(()) => tracing::info!(path = %path.display(), "access file reloaded"),
                    Err(error) => {
                        tracing::error!(%error, "access file refused; the policy in force stays")
                    }
                }
            }
        });
    }
}

/// A credential's cache key: its SHA-256, so the cache holds no credential.
fn cache_key(header: &str) -> [u8; 32] {
    Sha256::digest(header.as_bytes()).into()
}

/// Trust a verified credential for [`VERIFIED_FOR`], or less when it expires sooner.
fn trust_until(expires: Option<i64>, now: i64) -> Instant {
    let left = expires
        .map(|e| Duration::from_secs(u64::try_from(e - now).unwrap_or(0)))
        .unwrap_or(VERIFIED_FOR);
    Instant::now() + left.min(VERIFIED_FOR)
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(unix)]
type Hangup = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangup = ();

#[cfg(unix)]
fn hangup_signal() -> Hangup {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}
#[cfg(not(unix))]
fn hangup_signal() -> Hangup {}

#[cfg(unix)]
async fn next_hangup(signal: &mut Hangup) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}
#[cfg(not(unix))]
async fn next_hangup(_: &mut Hangup) {
    std::future::pending().await
}
