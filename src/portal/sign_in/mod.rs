//! Signing in to the portal and out again: the password form (`/ui/sign-in`), single
//! sign-on through the access file's OIDC provider (`sso.rs`), sign-out, and what the
//! page header needs to offer them (`context.rs`).
//!
//! A sign-in sets `herald_session`: a [`Session`] sealed under the access file's session
//! key, so every node that shares the file accepts it and no state is kept. Each sign-in
//! draws a new session id (no fixation); the sign-out form's CSRF token derives from it.
//! The sign-in form itself has no session yet: it carries a random value that must equal
//! the `herald_csrf` cookie's (double submit; the cookie is `SameSite=Strict`, so another
//! site's page cannot have the browser send it). Both forms also refuse an `Origin` that
//! is not this site. Nothing here ever logs a password or a token.

mod context;
pub mod cookies;
mod next;
mod sso;

use std::net::IpAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

pub use context::{SignInContext, middleware};
pub use next::sign_in_href;
pub use sso::{callback, start as start_sso};

use self::cookies::{Cookie, SameSite};
use self::next::safe_next;
use super::extract::PortalQuery;
use super::layout::{Chrome, Section};
use super::{Page, PortalError, PortalState, links};
use crate::access::policy::SessionSettings;
use crate::access::{AuthError, Policy, Principal, session, unix_now};
use crate::secret::Secret;
use crate::server::ClientAddress;

/// How long the sign-in form's CSRF value lasts: a form left open longer is refused once
/// and shown again.
const CSRF_MAX_AGE: u64 = 2 * 60 * 60;

/// The path the CSRF cookie is sent to: the form posts there, nothing else needs it.
const CSRF_PATH: &str = "/ui/sign-in";

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
pub struct SignInPage {
    chrome: Chrome,
    /// What went wrong with the last attempt.
    error: Option<String>,
    /// Why there is no form (sign-in is not set up here).
    unavailable: Option<&'static str>,
    /// The name to show in the form again (never the password).
    name: String,
    next: String,
    csrf: String,
    /// "Sign in with SSO", when the access file sets up the portal's SSO.
    sso_href: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: Option<String>,
}

/// The session settings, when signing in can work here; else why not.
fn ready(policy: &Policy) -> Result<&SessionSettings, &'static str> {
    if policy.is_open() {
        return Err("Access control is off on this server: there is nothing to sign in to.");
    }
    policy.session().ok_or(
        "Signing in to the portal is not set up on this server (the access file has no \
         session key). Tools can still authenticate with HTTP Basic or a bearer token.",
    )
}

/// `GET /ui/sign-in?next=`: the form.
pub async fn page(
    State(state): State<PortalState>,
    headers: HeaderMap,
    PortalQuery(params): PortalQuery<NextParam>,
) -> Response {
    let next = safe_next(params.next.as_deref());
    let form = Attempt::fresh(next);
    form_page(&state.access.policy(), &headers, StatusCode::OK, form)
}

/// What the form shows after an attempt (or before any).
struct Attempt {
    name: String,
    next: String,
    error: Option<String>,
}

impl Attempt {
    fn fresh(next: String) -> Self {
        Self {
            name: String::new(),
            next,
            error: None,
        }
    }

    fn failed(name: &str, next: &str, error: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            next: next.to_owned(),
            error: Some(error.into()),
        }
    }
}

/// The sign-in page with `status`, and the CSRF cookie its form needs (the browser's
/// own value again when it has one, so two open tabs both work).
fn form_page(policy: &Policy, headers: &HeaderMap, status: StatusCode, form: Attempt) -> Response {
    let settings = match ready(policy) {
        Ok(settings) => settings,
        Err(why) => return unavailable(why),
    };
    let existing = cookies::read(headers, cookies::CSRF).filter(|v| looks_random(v));
    let Some(csrf) = existing.map(str::to_owned).or_else(session::random_token) else {
        tracing::error!("no randomness for the sign-in form's CSRF value");
        return PortalError::Internal.into_response();
    };
    let sso_href = policy
        .oidc()
        .and_then(|oidc| oidc.portal.as_ref())
        .map(|_| format!("/ui/sign-in/sso{}", links::query(&[("next", &form.next)])));
    let page = SignInPage {
        chrome: Chrome::new("Sign in", Section::None).here("Sign in"),
        error: form.error,
        unavailable: None,
        name: form.name,
        next: form.next,
        csrf: csrf.clone(),
        sso_href,
    };
    let mut response = no_store(Page(status, page).into_response());
    let cookie = csrf_cookie(&csrf, settings.secure_cookie);
    if let Some(value) = cookie.header() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The sign-in page saying why there is no form (404: there is no sign-in here).
fn unavailable(why: &'static str) -> Response {
    let page = SignInPage {
        chrome: Chrome::new("Sign in", Section::None).here("Sign in"),
        error: None,
        unavailable: Some(why),
        name: String::new(),
        next: links::PREFIX.to_owned(),
        csrf: String::new(),
        sso_href: None,
    };
    Page(StatusCode::NOT_FOUND, page).into_response()
}

fn csrf_cookie(value: &str, secure: bool) -> Cookie<'_> {
    Cookie {
        name: cookies::CSRF,
        value,
        path: CSRF_PATH,
        max_age: CSRF_MAX_AGE,
        same_site: SameSite::Strict,
        secure,
    }
}

/// Whether a cookie value is one [`session::random_token`] could have made.
fn looks_random(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Pages carrying a CSRF token or setting a session are never stored by a cache.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The sign-in form as posted. The password is a [`Secret`]: no Debug or log shows it.
struct SignInForm {
    name: String,
    password: Secret,
    csrf: Option<String>,
    next: Option<String>,
}

impl SignInForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = Self {
            name: String::new(),
            password: Secret::new(String::new()),
            csrf: None,
            next: None,
        };
        let (mut name, mut password) = (None, None);
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "name" if name.is_none() => name = Some(value.trim().to_owned()),
                "password" if password.is_none() => password = Some(value.into_owned()),
                "csrf" if form.csrf.is_none() => form.csrf = Some(value.into_owned()),
                "next" if form.next.is_none() => form.next = Some(value.into_owned()),
                _ => {}
            }
        }
        form.name = name.unwrap_or_default();
        form.password = Secret::new(password.unwrap_or_default());
        form
    }
}

/// The body of a form post, if it is one.
async fn form_body(request: Request, state: &PortalState) -> Result<Bytes, PortalError> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(PortalError::BadRequest(
            "This address takes the portal's own form (application/x-www-form-urlencoded).".into(),
        ));
    }
    Bytes::from_request(request, state)
        .await
        .map_err(|_| PortalError::BadRequest("The form could not be read.".into()))
}

/// A form posted from another site: refused before anything is read.
fn cross_site() -> Response {
    PortalError::Forbidden(
        "This form was sent from another site, so nothing was done. Use the form on this \
         site's own page."
            .into(),
    )
    .into_response()
}

/// `POST /ui/sign-in`: checks the CSRF value and the password, then signs in.
pub async fn submit(State(state): State<PortalState>, request: Request) -> Response {
    if !state.allow_lists.admits_origin(&request) {
        return cross_site();
    }
    let address: Option<IpAddr> = request
        .extensions()
        .get::<ClientAddress>()
        .map(|a| a.0.ip());
    let headers = request.headers().clone();
    let form = match form_body(request, &state).await {
        Ok(body) => SignInForm::parse(&body),
        Err(error) => return error.into_response(),
    };
    let policy = state.access.policy();
    let next = safe_next(form.next.as_deref());
    let settings = match ready(&policy) {
        Ok(settings) => settings,
        Err(why) => return unavailable(why),
    };
    let again = |status, error: &str| {
        form_page(
            &policy,
            &headers,
            status,
            Attempt::failed(&form.name, &next, error),
        )
    };
    if !csrf_cookie_matches(&headers, form.csrf.as_deref()) {
        return again(
            StatusCode::FORBIDDEN,
            "This form had expired or was sent from another site, so nothing was done. \
             Please sign in again.",
        );
    }
    if form.name.is_empty() || form.password.expose().is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            "Enter your name and your password.",
        );
    }
    let checked = state
        .access
        .check_password(&policy, &form.name, form.password.expose(), address)
        .await;
    match checked {
        Ok(principal) => {
            let csrf = csrf_cookie("", settings.secure_cookie);
            signed_in(settings, &principal, "basic", &next, &[csrf])
        }
        Err(AuthError::Throttled(wait)) => {
            let seconds = wait.as_secs().max(1);
            let mut response = again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too many failed sign-ins. Wait {seconds} seconds before trying again."),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
        Err(error) => {
            tracing::debug!(%error, "portal sign-in refused");
            again(
                StatusCode::UNAUTHORIZED,
                "The name or the password is wrong.",
            )
        }
    }
}

/// Whether the form's CSRF value equals the cookie's (constant-time).
fn csrf_cookie_matches(headers: &HeaderMap, field: Option<&str>) -> bool {
    match (cookies::read(headers, cookies::CSRF), field) {
        (Some(cookie), Some(field)) if looks_random(cookie) => {
            cookie.as_bytes().ct_eq(field.as_bytes()).into()
        }
        _ => false,
    }
}

/// Starts a session for `principal` (a new id), clears the round-trip cookies in `clear`
/// and sends the browser on to `next` (303).
fn signed_in(
    settings: &SessionSettings,
    principal: &Principal,
    method: &str,
    next: &str,
    clear: &[Cookie<'_>],
) -> Response {
    let ttl = i64::try_from(settings.ttl_seconds).unwrap_or(i64::MAX);
    let sealed = session::random_token().and_then(|id| {
        let session = session::Session {
            principal: principal.name().to_owned(),
            groups: principal.groups().to_vec(),
            method: method.to_owned(),
            expires: unix_now().saturating_add(ttl),
            id,
        };
        session::seal(&settings.key, &session)
    });
    let Some(sealed) = sealed else {
        tracing::error!("could not seal a session (no randomness?)");
        return PortalError::Internal.into_response();
    };
    let cookie = session_cookie(&sealed, settings);
    let mut response = no_store(Redirect::to(next).into_response());
    let headers = response.headers_mut();
    for value in std::iter::once(cookie.header())
        .chain(clear.iter().map(Cookie::clearing))
        .flatten()
    {
        headers.append(header::SET_COOKIE, value);
    }
    tracing::info!(
        principal = principal.name(),
        method,
        "signed in to the portal"
    );
    response
}

fn session_cookie<'a>(value: &'a str, settings: &SessionSettings) -> Cookie<'a> {
    Cookie {
        name: session::COOKIE,
        value,
        path: "/",
        max_age: settings.ttl_seconds,
        same_site: SameSite::Lax,
        secure: settings.secure_cookie,
    }
}

struct SignOutForm {
    csrf: Option<String>,
}

impl SignOutForm {
    fn parse(body: &[u8]) -> Self {
        let csrf = form_urlencoded::parse(body)
            .find(|(key, _)| key == "csrf")
            .map(|(_, value)| value.into_owned());
        Self { csrf }
    }
}

/// `POST /ui/sign-out`: ends the session (its CSRF token checked) and shows the sign-in
/// page. Without a session there is nothing to protect: the cookie is cleared anyway.
pub async fn sign_out(State(state): State<PortalState>, request: Request) -> Response {
    if !state.allow_lists.admits_origin(&request) {
        return cross_site();
    }
    let headers = request.headers().clone();
    let form = match form_body(request, &state).await {
        Ok(body) => SignOutForm::parse(&body),
        Err(error) => return error.into_response(),
    };
    let policy = state.access.policy();
    let settings = policy.session();
    if let Some(settings) = settings {
        let session = cookies::read(&headers, session::COOKIE)
            .and_then(|value| session::open(&settings.key, value, unix_now()));
        if let Some(session) = session {
            let token = form.csrf.as_deref().unwrap_or_default();
            if !session::csrf_matches(&settings.key, &session, token) {
                return PortalError::Forbidden(
                    "The sign-out form had expired or was sent from another site, so you \
                     are still signed in. Reload the page and sign out again."
                        .into(),
                )
                .into_response();
            }
            tracing::info!(principal = %session.principal, "signed out of the portal");
        }
    }
    let secure = settings.is_some_and(|s| s.secure_cookie);
    let clear = Cookie {
        name: session::COOKIE,
        value: "",
        path: "/",
        max_age: 0,
        same_site: SameSite::Lax,
        secure,
    };
    let mut response = no_store(Redirect::to("/ui/sign-in").into_response());
    if let Some(value) = clear.clearing() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
