//! The access file (`--auth-config`): who exists, how they prove it, and the grants. Read
//! whole or refused whole, each error with the file and line (docs/security.md has the
//! format; examples/auth.yaml an example).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::grant::{Grant, Grantee, Role, Scope};
use super::policy::{
    OidcSettings, Policy, PortalSso, SessionSettings, SignInLimit, TokenRecord, User,
};
use super::secrets::{PasswordHash, TokenDigest};
use crate::catalog::file::read_yaml;
use crate::secret::Secret;

/// An access file that cannot be used; the policy in force stays.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessFile {
    #[serde(default)]
    users: Vec<UserEntry>,
    #[serde(default)]
    tokens: Vec<TokenEntry>,
    oidc: Option<OidcEntry>,
    client_certificates: Option<ClientCertificates>,
    session: Option<SessionEntry>,
    #[serde(default)]
    sign_in_limit: SignInLimit,
    #[serde(default)]
    grants: Vec<GrantEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    name: String,
    password_hash: PasswordHash,
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    name: String,
    hash: TokenDigest,
    #[serde(default, deserialize_with = "expiry")]
    expires: Option<i64>,
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcEntry {
    issuer: String,
    audience: String,
    jwks_url: Option<String>,
    jwks_file: Option<PathBuf>,
    #[serde(default = "default_principal_claim")]
    principal_claim: String,
    #[serde(default = "default_groups_claim")]
    groups_claim: String,
    #[serde(default = "default_leeway")]
    leeway_seconds: u64,
    portal: Option<PortalSso>,
}

/// Mutual TLS: the verified client certificate names the principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCertificates {
    /// `common_name` (default) or `subject` (the whole distinguished name).
    #[serde(default)]
    pub principal: CertificateName,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateName {
    #[default]
    CommonName,
    Subject,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionEntry {
    key: Option<Secret>,
    key_file: Option<PathBuf>,
    #[serde(default = "default_session_minutes")]
    ttl_minutes: u64,
    /// Mark the portal's cookies `Secure` (Herald is reached over HTTPS, e.g. behind a
    /// TLS-terminating proxy).
    #[serde(default)]
    secure_cookie: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantEntry {
    #[serde(deserialize_with = "one_or_many")]
    to: Vec<Grantee>,
    role: Role,
    #[serde(deserialize_with = "one_or_many")]
    on: Vec<Scope>,
}

fn default_principal_claim() -> String {
    "sub".to_owned()
}

fn default_groups_claim() -> String {
    "groups".to_owned()
}

fn default_leeway() -> u64 {
    60
}

fn default_session_minutes() -> u64 {
    8 * 60
}

/// The shortest session key accepted, in bytes (HMAC-SHA256 wants at least its output).
const MIN_SESSION_KEY_BYTES: usize = 32;

/// Reads and checks the access file at `path`.
pub fn read(path: &Path) -> Result<Policy, ConfigError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{name}: cannot read the access file: {e}")))?;
    parse(&text, &name, path.parent().unwrap_or(Path::new(".")))
}

/// Checks access-file text; `base` is where relative paths in it start.
pub fn parse(text: &str, name: &str, base: &Path) -> Result<Policy, ConfigError> {
    let file: AccessFile = read_yaml(text, name).map_err(|e| ConfigError(e.to_string()))?;
    let at = |key: &str, message: String| {
        let line = line_of(text, key)
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        ConfigError(format!("{name}{line}: {message}"))
    };
    let mut users = std::collections::HashMap::new();
    for user in file.users {
        if user.name.trim().is_empty() {
            return Err(at("users:", "a user has an empty name".into()));
        }
        let key = format!("name: {}", user.name);
        let entry = User {
            hash: user.password_hash,
            groups: user.groups,
        };
        if users.insert(user.name.clone(), entry).is_some() {
            return Err(at(&key, format!("user `{}` is listed twice", user.name)));
        }
    }
    let tokens = file
        .tokens
        .into_iter()
        .map(|t| TokenRecord {
            name: t.name,
            digest: t.hash,
            expires: t.expires,
            groups: t.groups,
        })
        .collect();
    let oidc = file
        .oidc
        .map(|o| oidc_settings(o, base).map_err(|m| at("oidc:", m)))
        .transpose()?;
    let session = file
        .session
        .map(|s| session_settings(s, base).map_err(|m| at("session:", m)))
        .transpose()?;
    let grants = file
        .grants
        .into_iter()
        .flat_map(|g| {
            let role = g.role;
            let on = g.on;
            g.to.into_iter().flat_map(move |to| {
                on.clone().into_iter().map(move |on| Grant {
                    to: to.clone(),
                    role,
                    on,
                })
            })
        })
        .collect();
    Ok(Policy::new(
        users,
        tokens,
        oidc,
        file.client_certificates,
        session,
        file.sign_in_limit,
        grants,
    ))
}

fn oidc_settings(entry: OidcEntry, base: &Path) -> Result<OidcSettings, String> {
    let jwks = match (entry.jwks_url, entry.jwks_file) {
        (Some(url), None) => super::jwt::JwksSource::Url(url),
        (None, Some(file)) => super::jwt::JwksSource::File(base.join(file)),
        _ => return Err("oidc needs exactly one of jwks_url and jwks_file".into()),
    };
    Ok(OidcSettings {
        issuer: entry.issuer,
        audience: entry.audience,
        jwks,
        principal_claim: entry.principal_claim,
        groups_claim: entry.groups_claim,
        leeway_seconds: entry.leeway_seconds,
        portal: entry.portal,
    })
}

fn session_settings(entry: SessionEntry, base: &Path) -> Result<SessionSettings, String> {
    let key = match (entry.key, entry.key_file) {
        (Some(key), None) => key.expose().as_bytes().to_vec(),
        (None, Some(file)) => {
            let path = base.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read session key_file {}: {e}", path.display()))?;
            text.trim().as_bytes().to_vec()
        }
        _ => return Err("session needs exactly one of key and key_file".into()),
    };
    if key.len() < MIN_SESSION_KEY_BYTES {
        return Err(format!(
            "the session key must be at least {MIN_SESSION_KEY_BYTES} characters (e.g. `openssl rand -base64 48`)"
        ));
    }
    if entry.ttl_minutes == 0 {
        return Err("session ttl_minutes must be at least 1".into());
    }
    Ok(SessionSettings {
        key: Secret::new(String::from_utf8_lossy(&key).into_owned()),
        ttl_seconds: entry.ttl_minutes.saturating_mul(60),
        secure_cookie: entry.secure_cookie,
    })
}

/// The 1-based line of the first line that starts (after indentation and `- `) with `key`.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.trim_start()
                .trim_start_matches("- ")
                .trim_start()
                .starts_with(key)
        })
        .map(|i| i + 1)
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Role::parse(&text).ok_or_else(|| {
            de::Error::custom(format!("`{text}` is not a role: use read, write or admin"))
        })
    }
}

impl<'de> Deserialize<'de> for Grantee {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Grantee::parse(&text).map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Scope::parse(&text).map_err(de::Error::custom)
    }
}

/// Values read from text, one or a list of them (`to: group:ops` or `to: [group:ops,
/// user:alice]`), each refused with its own message.
trait FromText: Sized {
    fn from_text(text: &str) -> Result<Self, String>;
}

impl FromText for Grantee {
    fn from_text(text: &str) -> Result<Self, String> {
        Grantee::parse(text)
    }
}

impl FromText for Scope {
    fn from_text(text: &str) -> Result<Self, String> {
        Scope::parse(text)
    }
}

fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromText,
{
    struct Texts<T>(std::marker::PhantomData<T>);

    impl<'de, T: FromText> de::Visitor<'de> for Texts<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a text or a list of texts")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            T::from_text(text).map(|v| vec![v]).map_err(E::custom)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut values = Vec::new();
            while let Some(text) = seq.next_element::<String>()? {
                values.push(T::from_text(&text).map_err(de::Error::custom)?);
            }
            if values.is_empty() {
                return Err(de::Error::custom("an empty list grants nothing"));
            }
            Ok(values)
        }
    }

    deserializer.deserialize_any(Texts(std::marker::PhantomData))
}

/// `YYYY-MM-DD` (the start of that day, UTC) or `YYYY-MM-DDTHH:MM:SSZ`, as Unix seconds.
fn expiry<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_instant(&text).map(Some).ok_or_else(|| {
        de::Error::custom(format!(
            "`{text}` is not a date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)"
        ))
    })
}

/// Unix seconds of a UTC date or time in the two forms [`expiry`] takes.
pub fn parse_instant(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let days = crate::catalog::calendar::days_from_date(date)?;
    let seconds = match time {
        None => 0,
        Some(time) => {
            let time = time.strip_suffix('Z')?;
            let mut parts = time.split(':').map(|p| p.parse::<i64>().ok());
            let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
            if parts.next().is_some()
                || !(0..24).contains(&h)
                || !(0..60).contains(&m)
                || !(0..61).contains(&s)
            {
                return None;
            }
            h * 3600 + m * 60 + s
        }
    };
    Some(days * 86_400 + seconds)
}
