//! Authentication at the front door: the credentials a request carries (Authorization
//! header, the portal's session cookie, a verified client certificate) become the
//! request's [`Caller`], before the fast lane and the routes. Bad credentials are
//! answered here (401, or 429 past the sign-in limit) and go no further; no credentials
//! at all make an anonymous caller, whose grants the routes then apply.
//!
//! A credential checked in the last minute is taken from the access cache without
//! awaiting anything, so the warm path adds a hash and a map lookup.

use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{Either, Full};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::DoorBody;
use crate::access::{Access, AuthError, Caller, Presented, session};
use crate::api::error::ApiError;
use crate::server::{ClientAddress, PeerCertificate};

/// The challenge sent with every 401: both schemes Herald takes.
const CHALLENGE: &str = "Basic realm=\"Herald\", Bearer realm=\"Herald\"";

#[derive(Clone)]
pub struct AuthenticateLayer {
    access: Arc<Access>,
}

impl AuthenticateLayer {
    pub fn new(access: Arc<Access>) -> Self {
        Self { access }
    }
}

impl<S> Layer<S> for AuthenticateLayer {
    type Service = Authenticate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authenticate {
            access: self.access.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
pub struct Authenticate<S> {
    access: Arc<Access>,
    inner: S,
}

/// What a request presents, owned (for the path that must await a check).
struct Owned {
    authorization: Option<String>,
    session: Option<String>,
    certificate: Option<PeerCertificate>,
    address: Option<IpAddr>,
}

impl Owned {
    fn of<B>(request: &Request<B>) -> Self {
        let headers = request.headers();
        Self {
            authorization: headers
                .get(header::AUTHORIZATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            session: session_cookie(headers).map(str::to_owned),
            certificate: request.extensions().get::<PeerCertificate>().cloned(),
            address: request
                .extensions()
                .get::<ClientAddress>()
                .map(|a| a.0.ip()),
        }
    }

    fn presented(&self) -> Presented<'_> {
        Presented {
            authorization: self.authorization.as_deref(),
            session: self.session.as_deref(),
            certificate: self
                .certificate
                .as_ref()
                .map(|c| (c.subject.as_str(), c.common_name.as_deref())),
            address: self.address,
        }
    }
}

/// What a request presents, borrowed; `None` when its `Authorization` header is not plain
/// text (the full check reads it leniently and refuses it).
fn borrowed<B>(request: &Request<B>) -> Option<Presented<'_>> {
    let headers = request.headers();
    let authorization = match headers.get(header::AUTHORIZATION) {
        Some(value) => Some(value.to_str().ok()?),
        None => None,
    };
    Some(Presented {
        authorization,
        session: session_cookie(headers),
        certificate: request
            .extensions()
            .get::<PeerCertificate>()
            .map(|c| (c.subject.as_str(), c.common_name.as_deref())),
        address: request
            .extensions()
            .get::<ClientAddress>()
            .map(|a| a.0.ip()),
    })
}

/// The value of the portal's session cookie, if the request sends one.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == session::COOKIE)
        .map(|(_, value)| value)
}

impl<S, B> Service<Request<B>> for Authenticate<S>
where
    S: Service<Request<B>, Response = Response<DoorBody>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<DoorBody>;
    type Error = Infallible;
    type Future = AuthenticateFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The warm path borrows what the request presents; only a full check (which must
        // outlive the request's borrow) copies it.
        let cached = borrowed(&request).and_then(|p| self.access.authenticate_cached(&p));
        match cached {
            Some(Ok(caller)) => {
                request.extensions_mut().insert(caller);
                AuthenticateFuture::Inner {
                    future: self.inner.call(request),
                }
            }
            Some(Err(error)) => AuthenticateFuture::Refused {
                response: Some(refusal(&error)),
            },
            None => {
                let owned = Owned::of(&request);
                // The inner service was made ready for this call: take it, leave a clone.
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                let access = self.access.clone();
                AuthenticateFuture::Checking {
                    future: Box::pin(async move {
                        match access.authenticate(&owned.presented()).await {
                            Ok(caller) => {
                                request.extensions_mut().insert(caller);
                                inner.call(request).await
                            }
                            Err(error) => Ok(refusal(&error)),
                        }
                    }),
                }
            }
        }
    }
}

type Checking = Pin<Box<dyn Future<Output = Result<Response<DoorBody>, Infallible>> + Send>>;

pin_project! {
    #[project = AuthenticateProjection]
    pub enum AuthenticateFuture<F> {
        Inner { #[pin] future: F },
        Refused { response: Option<Response<DoorBody>> },
        Checking { future: Checking },
    }
}

impl<F> Future for AuthenticateFuture<F>
where
    F: Future<Output = Result<Response<DoorBody>, Infallible>>,
{
    type Output = Result<Response<DoorBody>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            AuthenticateProjection::Inner { future } => future.poll(cx),
            AuthenticateProjection::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => Poll::Pending,
            },
            AuthenticateProjection::Checking { future } => future.as_mut().poll(cx),
        }
    }
}

/// 401 with the challenge (Confluent's 40101), or 429 with `Retry-After`. The message
/// says what was wrong with the request's credentials, never what they were.
fn refusal(error: &AuthError) -> Response<DoorBody> {
    tracing::debug!(%error, "credentials refused");
    let (error, challenge) = match error {
        AuthError::Throttled(wait) => {
            let seconds = wait.as_secs().max(1);
            let mut response = answer(&ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                42901,
                format!("Too many failed sign-ins; try again in {seconds} seconds"),
            ));
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        AuthError::Jwt(_) => (
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                40101,
                "Unauthorized: the bearer token was refused (signature, issuer, audience or expiry)",
            ),
            true,
        ),
        other => (
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                40101,
                format!("Unauthorized: {other}"),
            ),
            true,
        ),
    };
    let mut response = answer(&error);
    if challenge {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(CHALLENGE),
        );
    }
    response
}

/// A 401 for a request that needs credentials and sent none (the routes' verdict).
pub fn unauthenticated() -> Response<DoorBody> {
    let mut response = answer(&ApiError::new(
        StatusCode::UNAUTHORIZED,
        40101,
        "Unauthorized: this request needs credentials (HTTP Basic or a bearer token)",
    ));
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(CHALLENGE),
    );
    response
}

fn answer(error: &ApiError) -> Response<DoorBody> {
    let mut response = Response::new(Either::Left(Full::new(error.body())));
    *response.status_mut() = error.status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::api::negotiate::V1_JSON),
    );
    response
}

/// The request's caller as the front door found it; anonymous where no door ran (tests
/// that drive a router directly).
pub fn caller_of<B>(request: &Request<B>) -> Caller {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or(Caller::Anonymous)
}
