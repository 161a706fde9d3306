//! The portal's session cookie: who signed in, their groups, how, and until when, signed
//! with HMAC-SHA256 under the key from the access file — so every node that shares the
//! file accepts it, and a restart does not sign everyone out. No server-side state.
//!
//! Form: `base64url(json) "." base64url(mac)`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::principal::{Method, Principal};
use crate::secret::Secret;

/// The cookie's name.
pub const COOKIE: &str = "herald_session";

type HmacSha256 = Hmac<Sha256>;

/// What a session cookie says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The principal.
    #[serde(rename = "p")]
    pub principal: String,
    #[serde(rename = "g", default)]
    pub groups: Vec<String>,
    /// How the sign-in was proven (`basic` for the password form, `jwt` for SSO).
    #[serde(rename = "m")]
    pub method: String,
    /// Unix seconds after which the session is over.
    #[serde(rename = "e")]
    pub expires: i64,
    /// A random id: the CSRF token of this session derives from it, and a new sign-in gets
    /// a new one (no fixation).
    #[serde(rename = "i")]
    pub id: String,
}

impl Session {
    pub fn principal(&self) -> Principal {
        Principal::new(self.principal.clone(), self.groups.clone(), Method::Session)
    }
}

/// Signs `session` into a cookie value.
pub fn seal(key: &Secret, session: &Session) -> Option<String> {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(session).ok()?);
    let mac = mac(key, payload.as_bytes())?;
    Some(format!("{payload}.{}", URL_SAFE_NO_PAD.encode(mac)))
}

/// The session a cookie value carries, if its signature holds and it has not expired.
pub fn open(key: &Secret, value: &str, now: i64) -> Option<Session> {
    let (payload, signature) = value.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut check = HmacSha256::new_from_slice(key.expose().as_bytes()).ok()?;
    check.update(payload.as_bytes());
    // Constant-time comparison inside `verify_slice`.
    check.verify_slice(&signature).ok()?;
    let session: Session = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (session.expires > now).then_some(session)
}

/// The CSRF token of a session: a MAC of its id, so forms can carry it and no store is
/// needed to check it.
pub fn csrf_token(key: &Secret, session: &Session) -> Option<String> {
    let tag = format!("csrf:{}", session.id);
    mac(key, tag.as_bytes()).map(|m| URL_SAFE_NO_PAD.encode(m))
}

/// Whether `token` is the CSRF token of `session` (constant-time).
pub fn csrf_matches(key: &Secret, session: &Session, token: &str) -> bool {
    let Ok(token) = URL_SAFE_NO_PAD.decode(token) else {
        return false;
    };
    let Ok(mut check) = HmacSha256::new_from_slice(key.expose().as_bytes()) else {
        return false;
    };
    check.update(format!("csrf:{}", session.id).as_bytes());
    check.verify_slice(&token).is_ok()
}

fn mac(key: &Secret, data: &[u8]) -> Option<Vec<u8>> {
    let mut mac = HmacSha256::new_from_slice(key.expose().as_bytes()).ok()?;
    mac.update(data);
    Some(mac.finalize().into_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(expires: i64) -> Session {
        Session {
            principal: "alice".into(),
            groups: vec!["ops".into()],
            method: "basic".into(),
            expires,
            id: "abc".into(),
        }
    }

    #[test]
    fn a_sealed_session_opens_with_its_key_until_it_expires() {
        let key = Secret::new("k".repeat(32));
        let cookie = seal(&key, &sample(1000)).expect("test value");
        assert_eq!(open(&key, &cookie, 999), Some(sample(1000)));
        assert_eq!(open(&key, &cookie, 1000), None);
        assert_eq!(open(&Secret::new("x".repeat(32)), &cookie, 999), None);
    }

    #[test]
    fn a_tampered_cookie_does_not_open() {
        let key = Secret::new("k".repeat(32));
        let cookie = seal(&key, &sample(1000)).expect("test value");
        let (payload, mac) = cookie.split_once('.').expect("test value");
        let mut forged = sample(1000);
        forged.principal = "admin".into();
        let forged_payload =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).expect("test value"));
        assert_eq!(open(&key, &format!("{forged_payload}.{mac}"), 0), None);
        assert_eq!(open(&key, payload, 0), None);
        assert_eq!(open(&key, "", 0), None);
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let key = Secret::new("k".repeat(32));
        let session = sample(1000);
        let token = csrf_token(&key, &session).expect("test value");
        assert!(csrf_matches(&key, &session, &token));
        let mut other = sample(1000);
        other.id = "def".into();
        assert!(!csrf_matches(&key, &other, &token));
        assert!(!csrf_matches(&key, &session, "garbage"));
    }
}
