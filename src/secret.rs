//! Values that must never reach a log, a `Debug` or an error body, and the one redactor
//! that prints them. Pure: no IO.

use std::fmt;
use std::str::FromStr;

/// What stands where a secret was.
const HIDDEN: &str = "***";

/// Query parameters of a database URL that carry a secret (libpq and sqlx names).
const SECRET_PARAMETERS: [&str; 2] = ["password", "sslpassword"];

/// A database URL: it may hold a password (`postgres://user:password@host/db`, or
/// `?password=`). `Debug` and `Display` show it redacted; only [`DatabaseUrl::expose`]
/// gives the text, for the one place that connects.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL as given, credentials included: for connecting, never for printing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(text))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", redact_url(&self.0))
    }
}

/// Any other secret text (a password hash, a session key, a client secret): `Debug`
/// shows `***`, serde reads it as a plain string, and only [`Secret::expose`] gives it.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret itself: for checking or signing, never for printing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HIDDEN)
    }
}

/// The URL with its credentials replaced by `***`: the user information (everything
/// between the scheme and the *last* `@`, so a password holding `@`, `:` or `/` goes
/// whole) and the values of secret query parameters. Errs on the side of hiding: a URL
/// it cannot read keeps only its scheme.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once(':') else {
        return if url.contains('@') {
            HIDDEN.to_owned()
        } else {
            url.to_owned()
        };
    };
    let (slashes, rest) = match rest.strip_prefix("//") {
        Some(after) => ("//", after),
        None => ("", rest),
    };
    let rest = match rest.rfind('@') {
        Some(at) => format!("{HIDDEN}{}", &rest[at..]),
        None => rest.to_owned(),
    };
    format!("{scheme}:{slashes}{}", redact_query(&rest))
}

/// Hides the values of secret query parameters (`?password=...`).
fn redact_query(rest: &str) -> String {
    let Some((before, query)) = rest.split_once('?') else {
        return rest.to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_parameter(name) => format!("{name}={HIDDEN}"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{before}?{}", pairs.join("&"))
}

fn is_secret_parameter(name: &str) -> bool {
    SECRET_PARAMETERS
        .iter()
        .any(|secret| name.eq_ignore_ascii_case(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case: the URL, the secret it holds, what the redacted form must be.
    const CASES: [(&str, &str, &str); 7] = [
        (
            "postgres://herald:secret@db:5432/herald",
            "secret",
            "postgres://***@db:5432/herald",
        ),
        (
            "postgres://herald:p@ss@db:5432/herald",
            "ss",
            "postgres://***@db:5432/herald",
        ),
        (
            "postgresql://herald:pa:ss:wd@db/herald",
            "pa:ss:wd",
            "postgresql://***@db/herald",
        ),
        (
            "postgres://herald:p%40ss%3Aword@db/herald",
            "p%40ss",
            "postgres://***@db/herald",
        ),
        (
            "postgres://herald:a/b@c@db/herald",
            "a/b",
            "postgres://***@db/herald",
        ),
        (
            "postgres://db/herald?user=herald&password=s3cret&sslmode=require",
            "s3cret",
            "postgres://db/herald?user=herald&password=***&sslmode=require",
        ),
        ("user:hunter2@db", "hunter2", "user:***@db"),
    ];

    #[test]
    fn credentials_never_survive_redaction() {
        for (url, secret, redacted) in CASES {
            let shown = redact_url(url);
            assert_eq!(shown, redacted, "{url}");
            assert!(!shown.contains(secret), "{url} leaked {secret}");
        }
    }

    #[test]
    fn debug_and_display_redact() {
        for (url, secret, redacted) in CASES {
            let url = DatabaseUrl::new(url);
            assert_eq!(url.to_string(), redacted);
            let debug = format!("{url:?}");
            assert!(!debug.contains(secret), "{debug} leaked {secret}");
            assert!(debug.contains(redacted), "{debug}");
        }
    }

    #[test]
    fn urls_without_credentials_are_kept() {
        for url in [
            "sqlite://herald.db",
            "sqlite:herald.db",
            "postgres://db:5432/h",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }
}
