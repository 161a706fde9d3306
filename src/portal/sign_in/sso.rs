//! Single sign-on through the access file's OIDC provider (`oidc.portal`): the
//! authorization code flow with PKCE (S256).
//!
//! `GET /ui/sign-in/sso` draws a state and a code verifier, keeps them (and where to go
//! afterwards) in a short-lived cookie signed with the session key, and sends the browser
//! to the provider. `GET /ui/auth/callback` checks the state the provider sends back
//! against that cookie, exchanges the code (with the verifier) at the token endpoint, and
//! checks the token it gets with the same verifier as bearer tokens. Every failure is a
//! page saying what to do (400 or 401), never a 500; the provider's words and the tokens
//! are never shown or logged.

use std::sync::LazyLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::cookies::{self, Cookie, SameSite};
use super::next::safe_next;
use super::{Attempt, NextParam, form_page, no_store, ready, signed_in, unavailable};
use crate::access::policy::{PortalSso, SessionSettings};
use crate::access::{Policy, SsoToken, session, unix_now};
use crate::portal::extract::PortalQuery;
use crate::portal::{PortalError, PortalState};

/// What the round-trip cookie is signed for.
const PURPOSE: &str = "sso";

/// How long the browser may spend at the provider.
const ROUND_TRIP_SECONDS: u64 = 10 * 60;

/// The callback's path: the only one the round-trip cookie is sent to.
const CALLBACK_PATH: &str = "/ui/auth";

/// A provider slower than this is answered as unreachable.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest token answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

static HTTP: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .timeout(EXCHANGE_TIMEOUT)
        // The token endpoint answers itself; following a redirect would send the code on.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
});

/// What the round-trip cookie holds.
#[derive(Serialize, Deserialize)]
struct RoundTrip {
    #[serde(rename = "s")]
    state: String,
    #[serde(rename = "v")]
    verifier: String,
    #[serde(rename = "n")]
    next: String,
    #[serde(rename = "e")]
    expires: i64,
}

/// The session settings and the SSO settings, when SSO can work here.
fn sso_ready(policy: &Policy) -> Result<(&SessionSettings, &PortalSso), &'static str> {
    let settings = ready(policy)?;
    let sso = policy.oidc().and_then(|oidc| oidc.portal.as_ref()).ok_or(
        "Single sign-on is not set up on this server (the access file has no oidc.portal).",
    )?;
    Ok((settings, sso))
}

fn round_trip_cookie(value: &str, secure: bool) -> Cookie<'_> {
    Cookie {
        name: cookies::SSO,
        value,
        path: CALLBACK_PATH,
        max_age: ROUND_TRIP_SECONDS,
        // Lax: the provider's redirect back is a top-level navigation from its site.
        same_site: SameSite::Lax,
        secure,
    }
}

/// `GET /ui/sign-in/sso?next=`: off to the provider.
pub async fn start(
    State(state): State<PortalState>,
    PortalQuery(params): PortalQuery<NextParam>,
) -> Response {
    let policy = state.access.policy();
    let (settings, sso) = match sso_ready(&policy) {
        Ok(ready) => ready,
        Err(why) => return unavailable(why),
    };
    let (Some(state_value), Some(verifier)) = (session::random_token(), session::random_token())
    else {
        tracing::error!("no randomness for the SSO state");
        return PortalError::Internal.into_response();
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let trip = RoundTrip {
        state: state_value,
        verifier,
        next: safe_next(params.next.as_deref()),
        expires: unix_now().saturating_add(ROUND_TRIP_SECONDS as i64),
    };
    let Some(sealed) = session::seal_for(&settings.key, PURPOSE, &trip) else {
        return PortalError::Internal.into_response();
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &sso.client_id)
        .append_pair("redirect_uri", &sso.redirect_url)
        .append_pair("scope", &sso.scopes)
        .append_pair("state", &trip.state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let joiner = if sso.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let target = format!("{}{joiner}{query}", sso.authorization_endpoint);
    let mut response = no_store(Redirect::to(&target).into_response());
    if let Some(value) = round_trip_cookie(&sealed, settings.secure_cookie).header() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The provider's answer. No Debug: the code is a credential until it is used.
#[derive(Default, Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Why a callback did not sign in: the status and the words for the reader; the detail
/// (never a token) for the log.
struct Refusal {
    status: StatusCode,
    message: &'static str,
    detail: String,
}

impl Refusal {
    fn new(status: StatusCode, message: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            message,
            detail: detail.into(),
        }
    }
}

const START_AGAIN: &str = "This sign-in was not started in this browser, or took longer than \
     ten minutes. Please start again.";

/// `GET /ui/auth/callback?code=&state=`: back from the provider.
pub async fn callback(
    State(state): State<PortalState>,
    headers: HeaderMap,
    PortalQuery(params): PortalQuery<CallbackParams>,
) -> Response {
    let policy = state.access.policy();
    let (settings, sso) = match sso_ready(&policy) {
        Ok(ready) => ready,
        Err(why) => return unavailable(why),
    };
    let trip = cookies::read(&headers, cookies::SSO)
        .and_then(|value| session::open_for::<RoundTrip>(&settings.key, PURPOSE, value))
        .filter(|trip| trip.expires > unix_now());
    // The round trip is used once, whatever happens next.
    let used = round_trip_cookie("", settings.secure_cookie);
    let outcome = match &trip {
        Some(trip) => sign_in(&state, sso, trip, &params).await,
        None => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            START_AGAIN,
            "no valid SSO round-trip cookie",
        )),
    };
    match outcome {
        Ok(principal) => {
            let next = trip.map_or_else(|| safe_next(None), |t| t.next);
            signed_in(settings, &principal, "jwt", &next, &[used])
        }
        Err(refusal) => {
            tracing::info!(detail = %refusal.detail, "portal SSO sign-in refused");
            let next = trip.map_or_else(|| safe_next(None), |t| t.next);
            let form = Attempt::failed("", &next, refusal.message);
            let mut response = form_page(&policy, &headers, refusal.status, form);
            if let Some(value) = used.clearing() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
    }
}

async fn sign_in(
    state: &PortalState,
    sso: &PortalSso,
    trip: &RoundTrip,
    params: &CallbackParams,
) -> Result<crate::access::Principal, Refusal> {
    let sent_state = params.state.as_deref().unwrap_or_default();
    if !bool::from(sent_state.as_bytes().ct_eq(trip.state.as_bytes())) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "The identity provider's answer does not belong to the sign-in this browser \
             started, so it was not used. Please start again.",
            "state mismatch",
        ));
    }
    if let Some(error) = &params.error {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "The identity provider did not sign you in. Please try again, or ask an \
             administrator for access.",
            format!("the provider answered error {:?}", short(error)),
        ));
    }
    let Some(code) = params.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "The identity provider's answer carries no sign-in code. Please start again.",
            "no code",
        ));
    };
    let tokens = exchange(sso, code, &trip.verifier)
        .await
        .map_err(|detail| {
            Refusal::new(
                StatusCode::UNAUTHORIZED,
                "The identity provider did not confirm the sign-in. Please try again.",
                detail,
            )
        })?;
    let (token, kind) = match (tokens.id_token, tokens.access_token) {
        (Some(id), _) => (id, SsoToken::Id),
        (None, Some(access)) => (access, SsoToken::Access),
        (None, None) => {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "The identity provider did not confirm the sign-in. Please try again.",
                "the token answer has neither id_token nor access_token",
            ));
        }
    };
    state
        .access
        .verify_sso_token(&token, kind)
        .await
        .map_err(|error| {
            Refusal::new(
                StatusCode::UNAUTHORIZED,
                "The identity provider's token was not accepted (its issuer, audience, \
                 signature or expiry is not what this server expects). Ask an \
                 administrator to check the OIDC settings.",
                error.to_string(),
            )
        })
}

/// The tokens of a token endpoint's answer. No Debug: they are credentials.
#[derive(Deserialize)]
struct Tokens {
    id_token: Option<String>,
    access_token: Option<String>,
}

/// The error a token endpoint names when it refuses (RFC 6749 §5.2).
#[derive(Deserialize)]
struct TokenError {
    error: Option<String>,
}

/// Trades the code for tokens (client secret in the body, when there is one).
async fn exchange(sso: &PortalSso, code: &str, verifier: &str) -> Result<Tokens, String> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", sso.redirect_url.as_str()),
        ("client_id", sso.client_id.as_str()),
        ("code_verifier", verifier),
    ];
    if let Some(secret) = &sso.client_secret {
        form.push(("client_secret", secret.expose()));
    }
    let endpoint = crate::secret::redact_url(&sso.token_endpoint);
    let mut response = HTTP
        .post(&sso.token_endpoint)
        .header(header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|e| format!("token endpoint {endpoint} unreachable: {}", e.without_url()))?;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("token endpoint {endpoint}: {}", e.without_url()))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ANSWER_BYTES {
            return Err(format!("token endpoint {endpoint} answered too much"));
        }
    }
    if !status.is_success() {
        let named = serde_json::from_slice::<TokenError>(&body)
            .ok()
            .and_then(|e| e.error)
            .map(|e| short(&e))
            .unwrap_or_default();
        return Err(format!(
            "token endpoint {endpoint} answered {status} {named}"
        ));
    }
    serde_json::from_slice(&body).map_err(|_| {
        format!("token endpoint {endpoint} answered something that is not a token answer")
    })
}

/// A provider's error code, cut short and to plain characters for the log.
fn short(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(64)
        .collect()
}
