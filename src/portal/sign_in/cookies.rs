//! The portal's cookies: reading one from a request, and the `Set-Cookie` lines that set
//! and clear them. Every one is `HttpOnly` (no script reads them) and `Secure` when the
//! access file says Herald is reached over HTTPS (`session.secure_cookie`).

use axum::http::{HeaderMap, HeaderValue, header};

/// The pre-session CSRF value of the sign-in form (double submit).
pub const CSRF: &str = "herald_csrf";

/// The SSO round trip's state and PKCE verifier, signed.
pub const SSO: &str = "herald_sso";

/// Which sites' requests carry a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Only this site's own requests (the sign-in form's CSRF value).
    Strict,
    /// Also top-level navigations from other sites (the session, so links into the portal
    /// work; and the SSO state, which must survive the provider's redirect back).
    Lax,
}

/// One cookie to set. No Debug: the value may be a session.
#[derive(Clone, Copy)]
pub struct Cookie<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub path: &'a str,
    pub max_age: u64,
    pub same_site: SameSite,
    pub secure: bool,
}

impl Cookie<'_> {
    /// The `Set-Cookie` value; `None` if the value holds what a header may not (our
    /// values are base64url, so never).
    pub fn header(&self) -> Option<HeaderValue> {
        let same_site = match self.same_site {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
        };
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={}; Path={}; Max-Age={}; HttpOnly; SameSite={same_site}{secure}",
            self.name, self.value, self.path, self.max_age
        ))
        .ok()
    }

    /// The `Set-Cookie` value that removes this cookie (same name and path, expired).
    pub fn clearing(&self) -> Option<HeaderValue> {
        Cookie {
            value: "",
            max_age: 0,
            ..*self
        }
        .header()
    }
}

/// The value of the cookie `name`, if the request sends one.
pub fn read<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_with_their_same_site_rule() {
        let cookie = Cookie {
            name: "a",
            value: "b",
            path: "/ui",
            max_age: 60,
            same_site: SameSite::Strict,
            secure: false,
        };
        assert_eq!(
            cookie.header().expect("a header value"),
            "a=b; Path=/ui; Max-Age=60; HttpOnly; SameSite=Strict"
        );
        let secure = Cookie {
            secure: true,
            same_site: SameSite::Lax,
            ..cookie
        };
        assert_eq!(
            secure.clearing().expect("a header value"),
            "a=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
        );
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("x=1; herald_csrf=abc"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("y=2"));
        assert_eq!(read(&headers, CSRF), Some("abc"));
        assert_eq!(read(&headers, "y"), Some("2"));
        assert_eq!(read(&headers, "z"), None);
    }
}
