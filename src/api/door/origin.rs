//! The Host and Origin allow-lists (`--allowed-hosts`, `--allowed-origins`), checked before
//! anything else reads a request, the fast lane included.
//!
//! - **Host** defeats DNS rebinding: a page on `evil.example` whose name is made to resolve
//!   to Herald's address is same-origin with itself, so the browser lets it read and write
//!   freely, but every request it sends names `evil.example` as the Host. A Host not listed
//!   is answered 421 Misdirected Request: the request reached a server that does not answer
//!   for that name, which is what happened; 403 would say the caller lacks a permission
//!   and stays reserved for the Origin check, so the two refusals read apart in logs.
//! - **Origin** on writes: a browser names the page that sent a request; a write from a
//!   page that is neither listed nor Herald itself (same host and port as the Host) is 403.
//!   Requests without an Origin (curl, the Schema Registry clients) are not browsers' and
//!   pass.
//!
//! An empty list checks nothing, and with both empty the layer is a plain pass-through:
//! no allocation, no header lookup on the warm read path. When set, the checks compare
//! bytes in place.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::{Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::{DoorBody, routed};
use crate::api::error::ApiError;

/// Liveness and readiness probes name the pod's address, not a listed name, and learn
/// nothing worth rebinding for.
const UNCHECKED_PREFIX: &str = "/health/";

/// The Host names this node answers and the Origins it takes writes from (empty: any).
#[derive(Debug, Clone, Default)]
pub struct AllowLists {
    /// Lower-case names, each with or without a port (`herald.internal`, `[::1]:8081`).
    hosts: Box<[Box<str>]>,
    /// Lower-case serialized origins (`https://portal.example`), no trailing slash.
    origins: Box<[Box<str>]>,
}

impl AllowLists {
    pub fn new(hosts: &[String], origins: &[String]) -> Self {
        let normalized = |entries: &[String], trim: &[char]| {
            entries
                .iter()
                .map(|entry| entry.trim().trim_end_matches(trim).to_ascii_lowercase())
                .filter(|entry| !entry.is_empty())
                .map(String::into_boxed_str)
                .collect()
        };
        Self {
            hosts: normalized(hosts, &[]),
            origins: normalized(origins, &['/']),
        }
    }

    fn checks_nothing(&self) -> bool {
        self.hosts.is_empty() && self.origins.is_empty()
    }

    /// Why `request` is refused, if it is.
    fn refusal<B>(&self, request: &Request<B>) -> Option<ApiError> {
        if request.uri().path().starts_with(UNCHECKED_PREFIX) {
            return None;
        }
        let authority = authority_of(request);
        if !self.hosts.is_empty() && !authority.is_some_and(|a| self.host_allowed(a)) {
            return Some(ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                421,
                "Misdirected Request: this server does not answer for that Host \
                 (--allowed-hosts)",
            ));
        }
        if self.origins.is_empty() || is_read(request.method()) {
            return None;
        }
        (!self.admits_origin(request)).then(|| {
            ApiError::new(
                StatusCode::FORBIDDEN,
                403,
                "Forbidden: writes are not taken from that Origin (--allowed-origins)",
            )
        })
    }

    /// Whether a write may come from the request's Origin: none sent (not a browser's
    /// request), this node itself, or a listed origin. The layer asks it of every write
    /// when origins are listed; the portal's forms ask it always, since a sign-in or
    /// sign-out posted from another site is never wanted.
    pub fn admits_origin<B>(&self, request: &Request<B>) -> bool {
        let Some(origin) = request.headers().get(header::ORIGIN) else {
            return true;
        };
        origin
            .to_str()
            .is_ok_and(|origin| self.origin_allowed(origin.trim(), authority_of(request)))
    }

    /// A name listed without a port matches on any port; one listed with a port, only there.
    fn host_allowed(&self, authority: &str) -> bool {
        let name = without_port(authority);
        self.hosts
            .iter()
            .any(|host| host.eq_ignore_ascii_case(authority) || host.eq_ignore_ascii_case(name))
    }

    fn origin_allowed(&self, origin: &str, authority: Option<&str>) -> bool {
        same_origin(origin, authority)
            || self
                .origins
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// Methods that change nothing, so a cross-site one can do no harm.
fn is_read(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The authority the request is addressed to: the request target's, when it is in
/// absolute form (which then overrides `Host`, RFC 9112 §3.2.2), else the `Host` header.
fn authority_of<B>(request: &Request<B>) -> Option<&str> {
    let authority = match request.uri().authority() {
        Some(authority) => authority.as_str(),
        None => request.headers().get(header::HOST)?.to_str().ok()?,
    };
    // A user-info part names no server.
    authority.rsplit('@').next().map(str::trim)
}

/// `name:port` -> `name`, `[v6]:port` -> `[v6]`; anything else as it is.
fn without_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    }
}

/// Whether the page that sent the request is served by this node: its origin names the
/// same host and port as the request's authority. The scheme is not compared, because
/// behind a TLS-terminating proxy Herald sees `Host: herald.example` for pages of
/// `https://herald.example`; only a page served from this very name could differ by it.
fn same_origin(origin: &str, authority: Option<&str>) -> bool {
    let Some(authority) = authority else {
        return false;
    };
    origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

/// Layer of the front door: refuses requests the allow-lists don't admit.
#[derive(Debug, Clone, Default)]
pub struct AllowListLayer {
    /// `None` when the lists check nothing: every request goes straight through.
    lists: Option<Arc<AllowLists>>,
}

impl AllowListLayer {
    pub fn new(lists: &AllowLists) -> Self {
        Self {
            lists: (!lists.checks_nothing()).then(|| Arc::new(lists.clone())),
        }
    }
}

impl<S> Layer<S> for AllowListLayer {
    type Service = AllowListCheck<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AllowListCheck {
            inner,
            lists: self.lists.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AllowListCheck<S> {
    inner: S,
    lists: Option<Arc<AllowLists>>,
}

impl<S, B> Service<Request<B>> for AllowListCheck<S>
where
    S: Service<Request<B>, Response = Response<DoorBody>>,
{
    type Response = Response<DoorBody>;
    type Error = S::Error;
    type Future = AllowListFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if let Some(refusal) = self.lists.as_deref().and_then(|l| l.refusal(&request)) {
            return AllowListFuture::Refused {
                answer: Some(routed(refusal.into_response())),
            };
        }
        AllowListFuture::Admitted {
            future: self.inner.call(request),
        }
    }
}

pin_project! {
    #[project = AllowListProjection]
    pub enum AllowListFuture<F> {
        Admitted { #[pin] future: F },
        Refused { answer: Option<Response<DoorBody>> },
    }
}

impl<F, E> Future for AllowListFuture<F>
where
    F: Future<Output = Result<Response<DoorBody>, E>>,
{
    type Output = Result<Response<DoorBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            AllowListProjection::Admitted { future } => future.poll(cx),
            AllowListProjection::Refused { answer } => match answer.take() {
                Some(answer) => Poll::Ready(Ok(answer)),
                // Polled again after it answered: a caller's bug, answered the same way.
                None => Poll::Ready(Ok(routed(
                    ApiError::http(StatusCode::FORBIDDEN).into_response(),
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(hosts: &[&str], origins: &[&str]) -> AllowLists {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        AllowLists::new(&owned(hosts), &owned(origins))
    }

    fn request(method: Method, host: &str, origin: Option<&str>) -> Request<()> {
        let mut builder = Request::builder()
            .method(method)
            .uri("/subjects/x/versions")
            .header(header::HOST, host);
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        builder.body(()).expect("a valid request")
    }

    fn status(lists: &AllowLists, request: &Request<()>) -> Option<StatusCode> {
        lists.refusal(request).map(|error| error.status)
    }

    #[test]
    fn empty_lists_check_nothing() {
        let open = lists(&["", " "], &[]);
        assert!(open.checks_nothing());
        assert!(AllowListLayer::new(&open).lists.is_none());
        let request = request(Method::POST, "evil.example", Some("https://evil.example"));
        assert_eq!(status(&open, &request), None);
    }

    #[test]
    fn hosts_match_by_name_or_by_name_and_port() {
        let lists = lists(&["Herald.Internal", "10.0.0.1:8081", "[::1]"], &[]);
        for admitted in [
            "herald.internal",
            "HERALD.internal:9",
            "10.0.0.1:8081",
            "[::1]:8081",
            "[::1]",
        ] {
            let request = request(Method::GET, admitted, None);
            assert_eq!(status(&lists, &request), None, "{admitted}");
        }
        for refused in [
            "evil.example",
            "herald.internal.evil.example",
            "10.0.0.1",
            "10.0.0.1:8082",
            "[::2]:8081",
            "",
        ] {
            let request = request(Method::GET, refused, None);
            assert_eq!(
                status(&lists, &request),
                Some(StatusCode::MISDIRECTED_REQUEST),
                "{refused}"
            );
        }
    }

    #[test]
    fn the_request_target_authority_overrides_host() {
        let lists = lists(&["herald.internal"], &[]);
        let mut request = request(Method::GET, "herald.internal", None);
        *request.uri_mut() = "http://evil.example/subjects".parse().expect("a URI");
        assert_eq!(
            status(&lists, &request),
            Some(StatusCode::MISDIRECTED_REQUEST)
        );
    }

    #[test]
    fn writes_need_a_listed_or_the_same_origin() {
        let lists = lists(&[], &["https://portal.example/"]);
        let host = "herald.example:8081";
        for (origin, admitted) in [
            (None, true),
            (Some("https://portal.example"), true),
            (Some("HTTPS://PORTAL.EXAMPLE"), true),
            (Some("http://herald.example:8081"), true),
            (Some("https://herald.example:8081"), true),
            (Some("https://herald.example"), false),
            (Some("https://evil.example"), false),
            (Some("http://portal.example"), false),
            (Some("null"), false),
        ] {
            for method in [Method::POST, Method::PUT, Method::DELETE] {
                let request = request(method.clone(), host, origin);
                let expected = (!admitted).then_some(StatusCode::FORBIDDEN);
                assert_eq!(status(&lists, &request), expected, "{method} {origin:?}");
            }
            let read = request(Method::GET, host, origin);
            assert_eq!(status(&lists, &read), None, "GET {origin:?}");
        }
    }

    #[test]
    fn the_portals_forms_admit_only_this_node_or_a_listed_origin_even_without_lists() {
        let host = "herald.example:8081";
        let open = lists(&[], &[]);
        let listed = lists(&[], &["https://portal.example"]);
        for (origin, by_open, by_listed) in [
            (None, true, true),
            (Some("http://herald.example:8081"), true, true),
            (Some("https://portal.example"), false, true),
            (Some("https://evil.example"), false, false),
            (Some("null"), false, false),
        ] {
            let request = request(Method::POST, host, origin);
            assert_eq!(open.admits_origin(&request), by_open, "{origin:?}");
            assert_eq!(listed.admits_origin(&request), by_listed, "{origin:?}");
        }
    }

    #[test]
    fn ports_come_off_names_and_bracketed_addresses() {
        assert_eq!(without_port("a.example:80"), "a.example");
        assert_eq!(without_port("a.example"), "a.example");
        assert_eq!(without_port("[::1]:80"), "[::1]");
        assert_eq!(without_port("[::1"), "[::1");
        assert_eq!(without_port("a:b"), "a:b");
    }
}
