//! OAuth 2 / OIDC bearer tokens: a JWT whose signature checks against the provider's JWKS
//! (a file or a URL; fetched once, kept, and fetched again when a token names a key it
//! does not have), with issuer, audience and expiry checked within a small leeway.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tokio::sync::{Mutex, RwLock};

use super::policy::OidcSettings;
use super::principal::{Method, Principal};

/// Where the provider's signing keys are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    Url(String),
    File(PathBuf),
}

/// A provider that cannot answer in this time is treated as unreachable (cached keys stay).
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Unknown `kid`s refetch the key set at most this often, so a flood of forged tokens
/// cannot turn Herald into a load generator against the provider.
const REFETCH_INTERVAL: Duration = Duration::from_secs(10);

/// Why a token was refused (for the debug log; callers answer 401 whatever it is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtRefusal {
    #[error("not a JWT: {0}")]
    Malformed(String),
    #[error("algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("no signing key {0:?} in the provider's key set")]
    UnknownKey(Option<String>),
    #[error("token refused: {0}")]
    Invalid(String),
    #[error("the token has no string claim `{0}` to name the principal")]
    NoPrincipal(String),
}

/// Asymmetric algorithms only: a JWKS publishes public keys, and accepting HMAC here would
/// let a public key be used as a shared secret.
const ACCEPTED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The key set in hand and the clock of the last fetch.
pub struct JwtVerifier {
    source: JwksSource,
    keys: RwLock<Option<JwkSet>>,
    last_fetch: Mutex<Option<Instant>>,
    http: reqwest::Client,
}

impl JwtVerifier {
    pub fn new(source: JwksSource) -> Self {
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .unwrap_or_default();
        Self {
            source,
            keys: RwLock::new(None),
            last_fetch: Mutex::new(None),
            http,
        }
    }

    pub fn source(&self) -> &JwksSource {
        &self.source
    }

    /// The principal a valid token names, with its groups and its expiry (Unix seconds).
    pub async fn verify(
        &self,
        settings: &OidcSettings,
        token: &str,
    ) -> Result<(Principal, Option<i64>), JwtRefusal> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| JwtRefusal::Malformed(e.to_string()))?;
        if !ACCEPTED.contains(&header.alg) {
            return Err(JwtRefusal::Algorithm(header.alg));
        }
        let jwk = match self.key(header.kid.as_deref()).await {
            Some(jwk) => jwk,
            None => {
                self.refetch().await;
                self.key(header.kid.as_deref())
                    .await
                    .ok_or(JwtRefusal::UnknownKey(header.kid.clone()))?
            }
        };
        if let Some(key_alg) = jwk.common.key_algorithm
            && key_alg.to_string() != format!("{:?}", header.alg)
        {
            return Err(JwtRefusal::Algorithm(header.alg));
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| JwtRefusal::Invalid(e.to_string()))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = settings.leeway_seconds;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &key, &validation)
            .map_err(|e| JwtRefusal::Invalid(e.to_string()))?;
        principal_of(settings, &data.claims)
    }

    /// The key a token names (`kid`), or the only key when the token names none.
    async fn key(&self, kid: Option<&str>) -> Option<Jwk> {
        if self.keys.read().await.is_none() {
            self.refetch().await;
        }
        let keys = self.keys.read().await;
        let set = keys.as_ref()?;
        match kid {
            Some(kid) => set.find(kid).cloned(),
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        }
    }

    /// Fetches the key set again unless that was tried moments ago; a failure keeps the
    /// keys in hand.
    async fn refetch(&self) {
        let mut last = self.last_fetch.lock().await;
        if last.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) {
            return;
        }
        *last = Some(Instant::now());
        match self.fetch().await {
            Ok(set) => *self.keys.write().await = Some(set),
            Err(reason) => {
                tracing::warn!(%reason, "cannot fetch the OIDC key set; keeping the keys in hand")
            }
        }
    }

    async fn fetch(&self) -> Result<JwkSet, String> {
        let text = match &self.source {
            JwksSource::File(path) => tokio::fs::read_to_string(path)
                .await
                .map_err(|e| format!("{}: {e}", path.display()))?,
            JwksSource::Url(url) => {
                let response = self
                    .http
                    .get(url)
                    .send()
                    .await
                    .map_err(|e| format!("{}: {e}", crate::secret::redact_url(url)))?;
                if !response.status().is_success() {
                    return Err(format!(
                        "{} answered {}",
                        crate::secret::redact_url(url),
                        response.status()
                    ));
                }
                response.text().await.map_err(|e| e.to_string())?
            }
        };
        serde_json::from_str(&text).map_err(|e| format!("not a JWK set: {e}"))
    }
}

fn principal_of(
    settings: &OidcSettings,
    claims: &serde_json::Map<String, Value>,
) -> Result<(Principal, Option<i64>), JwtRefusal> {
    let name = match claims.get(&settings.principal_claim) {
        Some(Value::String(name)) if !name.is_empty() => name.clone(),
        _ => return Err(JwtRefusal::NoPrincipal(settings.principal_claim.clone())),
    };
    let groups = match claims.get(&settings.groups_claim) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|g| g.as_str().map(str::to_owned))
            .collect(),
        // Some providers send scopes or roles as one space-separated string.
        Some(Value::String(text)) => text.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let expires = claims.get("exp").and_then(Value::as_i64);
    Ok((Principal::new(name, groups, Method::Jwt), expires))
}
