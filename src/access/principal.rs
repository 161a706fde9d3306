//! Who is calling: nobody in particular, or an authenticated principal with its groups and
//! the method that proved it.

use std::fmt;
use std::sync::Arc;

/// How a principal proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Basic,
    Token,
    Jwt,
    /// The portal's session cookie (signed in with a password or through SSO).
    Session,
    ClientCertificate,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Token => "token",
            Self::Jwt => "jwt",
            Self::Session => "session",
            Self::ClientCertificate => "client-certificate",
        }
    }
}

/// An authenticated caller. Holds no credential: only what was proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    name: String,
    groups: Vec<String>,
    method: Method,
}

impl Principal {
    pub fn new(name: impl Into<String>, groups: Vec<String>, method: Method) -> Self {
        Self {
            name: name.into(),
            groups,
            method,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    pub fn method(&self) -> Method {
        self.method
    }
}

/// The caller of one request, as the front door found it (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Principal(Arc<Principal>),
}

impl Caller {
    pub fn principal(principal: Principal) -> Self {
        Self::Principal(Arc::new(principal))
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Self::Anonymous)
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Anonymous => None,
            Self::Principal(p) => Some(p.name()),
        }
    }

    /// The audit log's "who": the principal and the method, e.g. `alice (basic)`.
    pub fn actor(&self) -> String {
        match self {
            Self::Anonymous => "anonymous".to_owned(),
            Self::Principal(p) => format!("{} ({})", p.name(), p.method().as_str()),
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.actor())
    }
}
