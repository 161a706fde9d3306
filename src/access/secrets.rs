//! Stored credentials: argon2id password hashes and API-token digests. Minting, hashing
//! and checking them; none of it ever prints what it holds.

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::{self, Deserializer};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What every API token starts with, so a leaked one is easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "hrd_";

/// Random bytes in a token: 256 bits, beyond guessing, so a fast digest stores it safely.
const TOKEN_BYTES: usize = 32;

/// An argon2id hash in PHC form (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn parse(text: &str) -> Result<Self, String> {
        let parsed = Phc::new(text).map_err(|_| {
            "not a password hash in PHC form: make one with `herald auth hash-password`".to_owned()
        })?;
        if parsed.algorithm.as_str() != "argon2id" {
            return Err(format!(
                "password hashes must be argon2id, not {}",
                parsed.algorithm.as_str()
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// Whether `password` is the one hashed. Slow on purpose (argon2id).
    pub fn verify(&self, password: &str) -> bool {
        match Phc::new(&self.0) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

impl<'de> Deserialize<'de> for PasswordHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

/// Hashes `password` with argon2id, default parameters and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// A dummy hash checked when a user is unknown, so that an unknown name costs the same
/// time as a wrong password and names cannot be probed by timing.
pub fn burn_password_check(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<PasswordHash>> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        hash_password("not a password anyone has")
            .ok()
            .and_then(|h| PasswordHash::parse(&h).ok())
    });
    if let Some(dummy) = dummy {
        let _ = dummy.verify(password);
    }
}

/// The SHA-256 of an API token (`sha256:<hex>` in the access file).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let hex = text.strip_prefix("sha256:").ok_or_else(|| {
            "a token hash is `sha256:` and 64 hex digits (`herald auth token` prints it)".to_owned()
        })?;
        let mut bytes = [0u8; 32];
        if hex.len() != 64 {
            return Err("a token hash is `sha256:` and 64 hex digits".into());
        }
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| "a token hash is `sha256:` and 64 hex digits".to_owned())?;
        }
        Ok(Self(bytes))
    }

    /// Constant-time: how much of a digest matched must not show in the time taken.
    pub fn matches(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }

    pub fn to_text(&self) -> String {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenDigest(***)")
    }
}

impl<'de> Deserialize<'de> for TokenDigest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

/// A new API token: the prefix and 256 random bits, base64url.
pub fn mint_token() -> Result<String, String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the system: {e}"))?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = PasswordHash::parse(&hash_password("correct horse").expect("test value"))
            .expect("test value");
        assert!(hash.verify("correct horse"));
        assert!(!hash.verify("correct hors"));
        assert_eq!(format!("{hash:?}"), "PasswordHash(***)");
    }

    #[test]
    fn only_argon2id_phc_strings_are_password_hashes() {
        assert!(PasswordHash::parse("hunter2").is_err());
        let argon2i =
            "$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A";
        assert!(
            PasswordHash::parse(argon2i)
                .expect_err("should fail")
                .contains("argon2id")
        );
    }

    #[test]
    fn tokens_are_unique_and_their_digests_round_trip() {
        let a = mint_token().expect("test value");
        let b = mint_token().expect("test value");
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert!(a.len() >= TOKEN_PREFIX.len() + 43);
        let digest = TokenDigest::of(&a);
        let parsed = TokenDigest::parse(&digest.to_text()).expect("test value");
        assert!(parsed.matches(&digest));
        assert!(!parsed.matches(&TokenDigest::of(&b)));
        assert!(TokenDigest::parse("sha256:zz").is_err());
        assert!(!format!("{digest:?}").contains(&digest.to_text()[7..]));
    }
}
