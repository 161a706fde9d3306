//! The portal's sign-in, sign-out and single sign-on, as a browser drives them: cookies
//! and their attributes, CSRF tokens, redirects (open-redirect attempts included), rate
//! limiting, and the OIDC authorization code flow with PKCE against a small identity
//! provider that runs inside the test.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use herald::access::session::{self, Session};
use herald::secret::Secret;
use reqwest::header;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::*;

const KEY: &str = "a session key of more than thirty-two characters, for tests only";
const PASSWORD: &str = "correct horse battery staple";

/// The test user's password, hashed once for every test.
static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| herald::access::secrets::hash_password(PASSWORD).expect("hash"));

/// An access file where only signed-in readers see anything.
fn locked_down(extra: &str) -> String {
    format!(
        r#"
users:
  - name: alice
    password_hash: "{hash}"
    groups: [platform]
session:
  key: "{KEY}"
  ttl_minutes: 60
{extra}
grants:
  - to: authenticated
    role: read
    on: "*"
"#,
        hash = *PASSWORD_HASH
    )
}

/// A browser: no redirects followed, cookies kept by hand so their attributes can be read.
struct Browser {
    client: reqwest::Client,
    cookies: HashMap<String, String>,
}

/// One answer: status, the `Location`, the `Set-Cookie` lines, the body.
struct Answer {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Answer {
    /// The `Set-Cookie` line for `name`, if the answer sets or clears it.
    fn set_cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.set_cookies
            .iter()
            .find(|c| c.starts_with(&prefix))
            .map(String::as_str)
    }
}

impl Browser {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let request = if self.cookies.is_empty() {
            request
        } else {
            request.header(header::COOKIE, self.cookie_header())
        };
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().expect("ASCII location").to_owned());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("ASCII cookie").to_owned())
            .collect();
        for line in &set_cookies {
            let pair = line.split(';').next().expect("a pair");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || line.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.text().await.expect("body");
        Answer {
            status,
            location,
            set_cookies,
            body,
        }
    }

    async fn get(&mut self, url: &str) -> Answer {
        let request = self.client.get(url);
        self.send(request).await
    }

    async fn post_form(&mut self, url: &str, fields: &[(&str, &str)]) -> Answer {
        let request = self.client.post(url).form(fields);
        self.send(request).await
    }
}

/// The value of the hidden field `name` in a page's form.
fn hidden(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// The CSRF field of the sign-in form (the header's sign-out form has one too).
fn sign_in_csrf(body: &str) -> Option<String> {
    let form = body.find("<form class=\"sign-in-form\"")?;
    hidden(&body[form..], "csrf")
}

/// Opens the sign-in page and posts its form as alice with `password` and `next`.
async fn sign_in(app: &TestApp, browser: &mut Browser, password: &str, next: &str) -> Answer {
    let page = browser.get(&app.url("/ui/sign-in")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = sign_in_csrf(&page.body).expect("a CSRF field");
    browser
        .post_form(
            &app.url("/ui/sign-in"),
            &[
                ("name", "alice"),
                ("password", password),
                ("csrf", &csrf),
                ("next", next),
            ],
        )
        .await
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn signing_in_sets_an_http_only_session_and_the_next_page_names_the_reader() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    let mut browser = Browser::new();

    // Locked down: an anonymous reader is sent to sign in, and back afterwards.
    let denied = browser.get(&app.url("/ui/subjects?page=1")).await;
    assert_eq!(denied.status, 303, "{}", denied.body);
    assert_eq!(
        denied.location.as_deref(),
        Some("/ui/sign-in?next=%2Fui%2Fsubjects%3Fpage%3D1")
    );

    let page = browser
        .get(&app.url("/ui/sign-in?next=%2Fui%2Fsubjects%3Fpage%3D1"))
        .await;
    assert_eq!(page.status, 200);
    let csrf_cookie = page.set_cookie("herald_csrf").expect("a CSRF cookie");
    assert!(csrf_cookie.contains("HttpOnly"), "{csrf_cookie}");
    assert!(csrf_cookie.contains("SameSite=Strict"), "{csrf_cookie}");
    assert!(!csrf_cookie.contains("Secure"), "{csrf_cookie}");
    assert_eq!(
        sign_in_csrf(&page.body).as_deref(),
        browser.cookies.get("herald_csrf").map(String::as_str),
        "double submit: the field carries the cookie's value"
    );
    assert!(
        page.body
            .contains("<label for=\"sign-in-name\">Name</label>")
    );
    assert!(page.body.contains("autocomplete=\"current-password\""));
    assert!(!page.body.contains("Sign in with SSO"), "no SSO configured");

    let csrf = sign_in_csrf(&page.body).expect("csrf");
    let answer = browser
        .post_form(
            &app.url("/ui/sign-in"),
            &[
                ("name", "alice"),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/ui/subjects?page=1"),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(answer.location.as_deref(), Some("/ui/subjects?page=1"));
    let cookie = answer.set_cookie("herald_session").expect("a session");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/;", "Max-Age=3600"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(
        answer
            .set_cookie("herald_csrf")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "the pre-session CSRF cookie is cleared"
    );

    let subjects = browser.get(&app.url("/ui/subjects?page=1")).await;
    assert_eq!(subjects.status, 200, "{}", subjects.body);
    assert!(
        subjects
            .body
            .contains("Signed in as <strong>alice</strong>"),
        "{}",
        subjects.body
    );
    assert!(subjects.body.contains("action=\"/ui/sign-out\""));
    assert!(hidden(&subjects.body, "csrf").is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn every_sign_in_draws_a_new_session_id() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    let mut first = Browser::new();
    sign_in(&app, &mut first, PASSWORD, "/ui").await;
    let mut second = Browser::new();
    // A browser arriving with a session already (fixation): signing in replaces it.
    second.cookies.insert(
        "herald_session".into(),
        first.cookies["herald_session"].clone(),
    );
    let again = sign_in(&app, &mut second, PASSWORD, "/ui").await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert!(again.set_cookie("herald_session").is_some());
    let key = Secret::new(KEY);
    let id = |browser: &Browser| {
        session::open(&key, &browser.cookies["herald_session"], 0)
            .expect("a session sealed with the file's key")
            .id
    };
    assert_ne!(id(&first), id(&second));
}

#[tokio::test]
async fn the_session_cookie_works_on_every_node_with_the_same_access_file() {
    let file = locked_down("");
    let node_a = TestApp::spawn_with_access(&file).await;
    let node_b = TestApp::spawn_with_access(&file).await;
    let mut browser = Browser::new();
    sign_in(&node_a, &mut browser, PASSWORD, "/ui").await;
    let page = browser.get(&node_b.url("/ui/subjects")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Signed in as <strong>alice</strong>"));

    // A node with another key does not take it.
    let other = TestApp::spawn_with_access(&file.replace(KEY, &KEY.replace('a', "b"))).await;
    assert_eq!(browser.get(&other.url("/ui/subjects")).await.status, 303);
}

#[tokio::test]
async fn a_tampered_or_expired_cookie_is_anonymous() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    let key = Secret::new(KEY);
    let forged = |expires: i64, principal: &str| {
        session::seal(
            &key,
            &Session {
                principal: principal.into(),
                groups: vec![],
                method: "basic".into(),
                expires,
                id: "an-id".into(),
            },
        )
        .expect("sealed")
    };
    let now = herald::access::unix_now();
    let status_with = |cookie: String| {
        let url = app.url("/ui/subjects");
        async move {
            let mut browser = Browser::new();
            browser.cookies.insert("herald_session".into(), cookie);
            browser.get(&url).await.status
        }
    };
    // Sealed with the file's key and current: accepted (so the refusals below are the
    // tampering and the expiry, nothing else).
    assert_eq!(status_with(forged(now + 600, "bob")).await, 200);
    assert_eq!(status_with(forged(now - 1, "bob")).await, 303);
    let good = forged(now + 600, "bob");
    let (payload, mac) = good.split_once('.').expect("payload.mac");
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
    claims["p"] = json!("admin");
    let swapped = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_eq!(status_with(format!("{swapped}.{mac}")).await, 303);
    assert_eq!(status_with(format!("{payload}.{mac}x")).await, 303);
    assert_eq!(status_with("garbage".into()).await, 303);
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_401_and_no_cookie() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    let mut browser = Browser::new();
    let answer = sign_in(&app, &mut browser, "wrong password", "/ui/subjects").await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(answer.set_cookie("herald_session").is_none());
    assert!(answer.body.contains("The name or the password is wrong."));
    assert!(answer.body.contains("role=\"alert\""));
    assert!(answer.body.contains("value=\"alice\""), "the name is kept");
    assert!(
        !answer.body.contains("wrong password"),
        "the password is not"
    );
    assert_eq!(
        hidden(&answer.body, "next").as_deref(),
        Some("/ui/subjects")
    );
    // The same browser may try again at once.
    assert_eq!(
        sign_in(&app, &mut browser, PASSWORD, "/ui").await.status,
        303
    );
}

#[tokio::test]
async fn a_missing_or_wrong_csrf_token_or_another_origin_is_refused_with_403() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    let mut browser = Browser::new();
    let page = browser.get(&app.url("/ui/sign-in")).await;
    let csrf = sign_in_csrf(&page.body).expect("csrf");
    let url = app.url("/ui/sign-in");
    let credentials = [("name", "alice"), ("password", PASSWORD)];

    let missing = browser.post_form(&url, &credentials).await;
    let wrong = browser
        .post_form(
            &url,
            &[
                credentials[0],
                credentials[1],
                ("csrf", "x".repeat(43).as_str()),
            ],
        )
        .await;
    let mut cookieless = Browser::new();
    let no_cookie = cookieless
        .post_form(&url, &[credentials[0], credentials[1], ("csrf", &csrf)])
        .await;
    for (what, answer) in [
        ("missing", &missing),
        ("wrong", &wrong),
        ("no cookie", &no_cookie),
    ] {
        assert_eq!(answer.status, 403, "{what}: {}", answer.body);
        assert!(answer.set_cookie("herald_session").is_none(), "{what}");
        assert!(answer.body.contains("nothing was done"), "{what}");
    }

    let request = browser
        .client
        .post(&url)
        .header(header::ORIGIN, "https://evil.example")
        .form(&[credentials[0], credentials[1], ("csrf", &csrf)]);
    let cross_site = browser.send(request).await;
    assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    assert!(cross_site.set_cookie("herald_session").is_none());

    // This site's own Origin, with the token: signed in.
    let request = browser
        .client
        .post(&url)
        .header(header::ORIGIN, format!("http://{}", app.addr))
        .form(&[credentials[0], credentials[1], ("csrf", &csrf)]);
    assert_eq!(browser.send(request).await.status, 303);
}

#[tokio::test]
async fn next_never_leaves_the_site() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example/",
        "/\t/evil.example",
        "javascript:alert(1)",
    ] {
        let mut browser = Browser::new();
        let page = browser
            .get(&app.url(&format!("/ui/sign-in?next={}", encode(next))))
            .await;
        assert_eq!(
            hidden(&page.body, "next").as_deref(),
            Some("/ui"),
            "{next:?}"
        );
        let answer = sign_in(&app, &mut browser, PASSWORD, next).await;
        assert_eq!(answer.status, 303, "{next:?}");
        assert_eq!(answer.location.as_deref(), Some("/ui"), "{next:?}");
    }
}

#[tokio::test]
async fn signing_out_clears_the_session_and_needs_its_token() {
    let app = TestApp::spawn_with_access(&locked_down("")).await;
    let mut browser = Browser::new();
    sign_in(&app, &mut browser, PASSWORD, "/ui").await;
    let home = browser.get(&app.url("/ui")).await;
    let token = hidden(&home.body, "csrf").expect("the sign-out form's token");

    let forged = browser
        .post_form(&app.url("/ui/sign-out"), &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert!(
        forged.set_cookie("herald_session").is_none(),
        "nothing changes"
    );
    assert_eq!(browser.get(&app.url("/ui")).await.status, 200);

    let out = browser
        .post_form(&app.url("/ui/sign-out"), &[("csrf", &token)])
        .await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(out.location.as_deref(), Some("/ui/sign-in"));
    let cleared = out.set_cookie("herald_session").expect("cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = browser.get(&app.url("/ui")).await;
    assert_eq!(after.status, 303);
    let sign_in_page = browser.get(&app.url("/ui/sign-in")).await;
    assert!(!sign_in_page.body.contains("Signed in as"));
    assert!(sign_in_page.body.contains(">Sign in</a>"));
}

#[tokio::test]
async fn too_many_failures_answer_429_even_for_the_right_password() {
    let file = locked_down("sign_in_limit:\n  per_principal_per_minute: 2\n");
    let app = TestApp::spawn_with_access(&file).await;
    let mut browser = Browser::new();
    for _ in 0..2 {
        assert_eq!(sign_in(&app, &mut browser, "nope", "/ui").await.status, 401);
    }
    let throttled = sign_in(&app, &mut browser, PASSWORD, "/ui").await;
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    assert!(throttled.body.contains("Too many failed sign-ins"));
    assert!(throttled.set_cookie("herald_session").is_none());
}

#[tokio::test]
async fn secure_cookies_when_the_access_file_says_so() {
    let file = locked_down("").replace("ttl_minutes: 60", "ttl_minutes: 60\n  secure_cookie: true");
    let app = TestApp::spawn_with_access(&file).await;
    let mut browser = Browser::new();
    let answer = sign_in(&app, &mut browser, PASSWORD, "/ui").await;
    let cookie = answer.set_cookie("herald_session").expect("a session");
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test]
async fn without_access_control_there_is_no_sign_in() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new();
    let page = browser.get(&app.url("/ui/sign-in")).await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Access control is off"));
    assert!(!page.body.contains("<form class=\"sign-in-form\""));
    let home = browser.get(&app.url("/ui")).await;
    assert_eq!(home.status, 200);
    assert!(!home.body.contains(">Sign in</a>"));
    assert!(!home.body.contains("Signed in as"));
}

// ---- Single sign-on ------------------------------------------------------------------

/// The test IdP's signing key (`openssl genpkey -algorithm ed25519`), and its public half
/// as a JWK `x`.
const IDP_KEY_PEM_BODY: &str = "MC4CAQAwBQYDK2VwBCIEIM97FSQlOefDmOjPZklzj7T5eQI44mx8SA+uWgG8fTT1";
const IDP_KEY_X: &str = "xOaMmoqRAc630XpNDNcuz69ZQPd4a7w3Ak5GPcd015c";
const CLIENT_ID: &str = "herald-portal";
const CLIENT_SECRET: &str = "portal-client-secret";
/// Where the IdP sends the browser back; the test carries the answer to Herald itself.
const REDIRECT_URL: &str = "http://herald.test/ui/auth/callback";

/// A code the IdP handed out, and what it was issued for.
struct Grant {
    challenge: String,
    redirect_uri: String,
}

struct Idp {
    issuer: String,
    codes: Mutex<HashMap<String, Grant>>,
    /// The `aud` of the ID tokens it signs (the portal's client unless a test says not).
    audience: Mutex<String>,
}

async fn idp_authorize(
    State(idp): State<Arc<Idp>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| params.get(name).cloned().unwrap_or_default();
    if param("response_type") != "code"
        || param("client_id") != CLIENT_ID
        || param("code_challenge_method") != "S256"
        || param("scope") != "openid profile"
        || param("code_challenge").len() != 43
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = format!("code-{}", idp.codes.lock().expect("lock").len());
    idp.codes.lock().expect("lock").insert(
        code.clone(),
        Grant {
            challenge: param("code_challenge"),
            redirect_uri: param("redirect_uri"),
        },
    );
    let back = format!(
        "{}?code={code}&state={}",
        param("redirect_uri"),
        encode(&param("state"))
    );
    Redirect::to(&back).into_response()
}

async fn idp_token(
    State(idp): State<Arc<Idp>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let refuse = |error: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": error })),
        )
    };
    if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
        return refuse("invalid_client").into_response();
    }
    let Some(grant) = idp.codes.lock().expect("lock").remove(&field("code")) else {
        return refuse("invalid_grant").into_response();
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    if field("grant_type") != "authorization_code"
        || grant.redirect_uri != field("redirect_uri")
        || grant.challenge != challenge
    {
        return refuse("invalid_grant").into_response();
    }
    let now = herald::access::unix_now();
    let claims = json!({
        "iss": idp.issuer,
        "aud": *idp.audience.lock().expect("lock"),
        "sub": "carol@idp",
        "groups": ["payments"],
        "iat": now,
        "exp": now + 300,
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some("test-key".into());
    let der = STANDARD.decode(IDP_KEY_PEM_BODY).expect("PEM body");
    let key = jsonwebtoken::EncodingKey::from_ed_der(&der);
    let id_token = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
    axum::Json(json!({
        "access_token": "opaque-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

async fn idp_jwks() -> axum::Json<Value> {
    axum::Json(json!({"keys": [{
        "kty": "OKP", "crv": "Ed25519", "x": IDP_KEY_X,
        "kid": "test-key", "alg": "EdDSA", "use": "sig",
    }]}))
}

/// Starts the IdP on a free port; its address is the issuer.
async fn spawn_idp() -> (String, Arc<Idp>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let idp = Arc::new(Idp {
        issuer: base.clone(),
        codes: Mutex::new(HashMap::new()),
        audience: Mutex::new(CLIENT_ID.to_owned()),
    });
    let router = axum::Router::new()
        .route("/authorize", get(idp_authorize))
        .route("/token", post(idp_token))
        .route("/jwks", get(idp_jwks))
        .with_state(idp.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (base, idp)
}

fn sso_file(idp: &str) -> String {
    locked_down(&format!(
        r#"
oidc:
  issuer: "{idp}"
  audience: herald
  jwks_url: "{idp}/jwks"
  portal:
    client_id: {CLIENT_ID}
    client_secret: {CLIENT_SECRET}
    authorization_endpoint: "{idp}/authorize"
    token_endpoint: "{idp}/token"
    redirect_url: "{REDIRECT_URL}"
    scopes: openid profile
"#
    ))
}

/// Starts SSO at Herald and follows it through the IdP: the callback's query, as the
/// IdP sent the browser back with it.
async fn through_the_idp(app: &TestApp, browser: &mut Browser, next: &str) -> String {
    let start = browser
        .get(&app.url(&format!("/ui/sign-in/sso?next={}", encode(next))))
        .await;
    assert_eq!(start.status, 303, "{}", start.body);
    let round_trip = start.set_cookie("herald_sso").expect("round-trip cookie");
    assert!(round_trip.contains("HttpOnly") && round_trip.contains("SameSite=Lax"));
    let authorize = start.location.expect("to the IdP");
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    let at_idp = browser.get(&authorize).await;
    assert_eq!(
        at_idp.status, 303,
        "the IdP took the request: {}",
        at_idp.body
    );
    let back = at_idp.location.expect("back to Herald");
    let query = back
        .strip_prefix(&format!("{REDIRECT_URL}?"))
        .expect("to the redirect URL");
    query.to_owned()
}

#[tokio::test]
async fn sso_signs_in_with_the_providers_subject_and_groups() {
    let (idp_url, _idp) = spawn_idp().await;
    let app = TestApp::spawn_with_access(&sso_file(&idp_url)).await;
    let mut browser = Browser::new();
    let page = browser
        .get(&app.url("/ui/sign-in?next=%2Fui%2Fsubjects"))
        .await;
    assert!(
        page.body
            .contains("href=\"/ui/sign-in/sso?next=%2Fui%2Fsubjects\""),
        "{}",
        page.body
    );

    let query = through_the_idp(&app, &mut browser, "/ui/subjects").await;
    let answer = browser
        .get(&app.url(&format!("/ui/auth/callback?{query}")))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(answer.location.as_deref(), Some("/ui/subjects"));
    assert!(
        answer
            .set_cookie("herald_sso")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "the round trip is used once"
    );
    let sealed = &browser.cookies["herald_session"];
    let opened = session::open(&Secret::new(KEY), sealed, 0).expect("a session");
    assert_eq!(opened.principal, "carol@idp");
    assert_eq!(opened.groups, vec!["payments".to_owned()]);
    assert_eq!(opened.method, "jwt");
    let subjects = browser.get(&app.url("/ui/subjects")).await;
    assert_eq!(subjects.status, 200);
    assert!(
        subjects
            .body
            .contains("Signed in as <strong>carol@idp</strong>")
    );

    // The same answer again: the round trip is gone, so it is refused.
    let mut replay = Browser::new();
    replay.cookies.insert("herald_sso".into(), "stale".into());
    let again = replay
        .get(&app.url(&format!("/ui/auth/callback?{query}")))
        .await;
    assert_eq!(again.status, 400);
}

#[tokio::test]
async fn sso_with_a_state_that_is_not_this_browsers_is_refused() {
    let (idp_url, _idp) = spawn_idp().await;
    let app = TestApp::spawn_with_access(&sso_file(&idp_url)).await;
    let mut victim = Browser::new();
    through_the_idp(&app, &mut victim, "/ui").await;
    // An attacker's own code and state, planted in the victim's browser.
    let mut attacker = Browser::new();
    let planted = through_the_idp(&app, &mut attacker, "/ui").await;
    let answer = victim
        .get(&app.url(&format!("/ui/auth/callback?{planted}")))
        .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.set_cookie("herald_session").is_none());
    assert!(
        answer
            .body
            .contains("does not belong to the sign-in this browser started")
    );
    // No round trip at all.
    let bare = Browser::new()
        .get(&app.url("/ui/auth/callback?code=x&state=y"))
        .await;
    assert_eq!(bare.status, 400);
    assert!(bare.set_cookie("herald_session").is_none());
}

#[tokio::test]
async fn sso_with_the_wrong_pkce_verifier_is_refused_by_the_provider() {
    let (idp_url, _idp) = spawn_idp().await;
    let app = TestApp::spawn_with_access(&sso_file(&idp_url)).await;
    let mut browser = Browser::new();
    let query = through_the_idp(&app, &mut browser, "/ui").await;
    // Swap the verifier in the signed round trip (the test knows the key): Herald sends
    // what its cookie says, and the IdP checks it against the challenge.
    let key = Secret::new(KEY);
    let mut trip: Value =
        session::open_for(&key, "sso", &browser.cookies["herald_sso"]).expect("opens");
    trip["v"] = json!("a-verifier-that-does-not-hash-to-the-challenge-sent");
    let resealed = session::seal_for(&key, "sso", &trip).expect("sealed");
    browser.cookies.insert("herald_sso".into(), resealed);
    let answer = browser
        .get(&app.url(&format!("/ui/auth/callback?{query}")))
        .await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(answer.set_cookie("herald_session").is_none());
    assert!(answer.body.contains("did not confirm the sign-in"));
}

#[tokio::test]
async fn sso_refuses_a_provider_error_and_a_token_for_another_client() {
    let (idp_url, idp) = spawn_idp().await;
    let app = TestApp::spawn_with_access(&sso_file(&idp_url)).await;

    let mut browser = Browser::new();
    let query = through_the_idp(&app, &mut browser, "/ui").await;
    let state = query.split("state=").nth(1).expect("state");
    let answer = browser
        .get(&app.url(&format!(
            "/ui/auth/callback?error=access_denied&state={state}"
        )))
        .await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(answer.body.contains("did not sign you in"));
    assert!(answer.set_cookie("herald_session").is_none());

    *idp.audience.lock().expect("lock") = "some-other-client".into();
    let mut browser = Browser::new();
    let query = through_the_idp(&app, &mut browser, "/ui").await;
    let answer = browser
        .get(&app.url(&format!("/ui/auth/callback?{query}")))
        .await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(answer.body.contains("token was not accepted"));
    assert!(answer.set_cookie("herald_session").is_none());
}
