//! Access control through the front door: authentication methods, roles on subjects,
//! hidden names, lists, the fast lane, audit actors, rate limits and reloads.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use herald::access::secrets::{TokenDigest, hash_password};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, record};

/// An Ed25519 key for signing test JWTs, and its public half as a JWK `x`.
const SIGNING_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINEc1zly+5AHI496hJ9FxPW8M07aFch3awG+7bK9qWpg
-----END PRIVATE KEY-----
";
const PUBLIC_X: &str = "8H3ERbEFwglCpkIBKzFxpHmYkxXwteZ_AjCYfEQNJ1A";
const ISSUER: &str = "https://idp.test/realm";
const AUDIENCE: &str = "herald";

const CI_TOKEN: &str = "hrd_ci-token-for-tests-000000000000000000000000";
const OLD_TOKEN: &str = "hrd_expired-token-for-tests-0000000000000000000";

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// The access file most tests use: an admin, a payments writer, a reader of one glob, two
/// tokens (one expired), OIDC from a JWKS file, and no anonymous grants.
pub fn policy(jwks_dir: &std::path::Path, extra_grants: &str) -> String {
    let jwks = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": PUBLIC_X, "kid": "k1", "alg": "EdDSA"}]});
    let jwks_path = jwks_dir.join("jwks.json");
    std::fs::write(&jwks_path, jwks.to_string()).expect("jwks");
    let hash = |p: &str| hash_password(p).expect("hash");
    format!(
        r#"users:
  - name: admin
    password_hash: "{admin}"
    groups: [platform]
  - name: writer
    password_hash: "{writer}"
    groups: [payments]
  - name: reader
    password_hash: "{reader}"
tokens:
  - name: ci
    hash: "{ci}"
    groups: [payments]
  - name: old
    hash: "{old}"
    expires: "2020-01-01"
oidc:
  issuer: {ISSUER}
  audience: {AUDIENCE}
  jwks_file: {jwks}
  groups_claim: groups
sign_in_limit:
  per_principal_per_minute: 5
  per_address_per_minute: 1000
grants:
  - to: group:platform
    role: admin
    on: "*"
  - to: group:payments
    role: write
    on: subject-prefix:payments.
  - to: user:reader
    role: read
    on: "subject:payments.*-value"
{extra_grants}"#,
        admin = hash("admin-pw"),
        writer = hash("writer-pw"),
        reader = hash("reader-pw"),
        ci = TokenDigest::of(CI_TOKEN).to_text(),
        old = TokenDigest::of(OLD_TOKEN).to_text(),
        jwks = jwks_path.display(),
    )
}

pub async fn locked(extra_grants: &str) -> (TestApp, tempfile::TempDir) {
    let keys = tempfile::tempdir().expect("dir");
    let app = TestApp::spawn_with_access(&policy(keys.path(), extra_grants)).await;
    (app, keys)
}

fn admin() -> String {
    basic("admin", "admin-pw")
}

fn writer() -> String {
    basic("writer", "writer-pw")
}

fn reader() -> String {
    basic("reader", "reader-pw")
}

fn schema(name: &str) -> Value {
    json!({"schema": record(name, &[json!({"name": "id", "type": "string"})]).to_string()})
}

async fn register_as(app: &TestApp, who: &str, subject: &str, name: &str) -> (u16, Value) {
    app.call_as(
        Some(who),
        Method::POST,
        &format!("/subjects/{subject}/versions"),
        Some(schema(name)),
    )
    .await
}

fn jwt(claims: Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_ed_pem(SIGNING_KEY.as_bytes()).expect("key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some("k1".into());
    jsonwebtoken::encode(&header, &claims, &key).expect("sign")
}

fn now() -> i64 {
    herald::access::unix_now()
}

fn claims(sub: &str, groups: &[&str]) -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "groups": groups, "iat": now(), "exp": now() + 300})
}

#[tokio::test]
async fn without_credentials_a_locked_registry_asks_for_them() {
    let (app, _keys) = locked("").await;
    let (status, headers, body) = app.call_as_full(None, Method::GET, "/subjects", None).await;
    assert_error(&(status, body), 401, 40101);
    let challenge = headers["www-authenticate"].to_str().expect("text");
    assert!(
        challenge.contains("Basic") && challenge.contains("Bearer"),
        "{challenge}"
    );
    // Health and the API documents stay public.
    assert_eq!(
        app.call_as(None, Method::GET, "/health/live", None).await.0,
        200
    );
    assert_eq!(
        app.call_as(None, Method::GET, "/openapi.json", None)
            .await
            .0,
        200
    );
    assert_error(&register_as(&app, "", "payments.a", "A").await, 401, 40101);
}

#[tokio::test]
async fn malformed_or_wrong_credentials_are_refused_and_change_nothing() {
    let (app, _keys) = locked("").await;
    let token = jwt(claims("svc", &["payments"]));
    let (header, payload, _signature) = {
        let mut parts = token.split('.');
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            (),
        )
    };
    let unsigned = format!(
        "{}.{payload}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
    );
    let _ = header;
    let attempts = [
        "Basic".to_owned(),
        "Basic ".to_owned(),
        "Basic !!!not-base64".to_owned(),
        format!("Basic {}", STANDARD.encode("no-colon")),
        format!("Basic {}", STANDARD.encode([0xff, 0xfe, b':', b'x'])),
        basic("writer", "wrong"),
        basic("nobody", "writer-pw"),
        "Digest username=writer".to_owned(),
        "Bearer".to_owned(),
        "Bearer hrd_not-a-token".to_owned(),
        format!("Bearer {OLD_TOKEN}"),
        "Bearer not.a.jwt".to_owned(),
        format!("Bearer {unsigned}"),
        format!("Bearer {}", &token[..token.len() - 4]),
    ];
    for attempt in &attempts {
        let result = register_as(&app, attempt, "payments.x-value", "X").await;
        assert_error(&result, 401, 40101);
        let message = result.1["message"].as_str().unwrap_or_default().to_owned();
        assert!(
            !message.contains("wrong") || !message.contains("writer-pw"),
            "{message}"
        );
    }
    let (status, body) = app
        .call_as(Some(&admin()), Method::GET, "/subjects", None)
        .await;
    assert_eq!((status, body), (200, json!([])), "nothing was registered");
}

#[tokio::test]
async fn roles_decide_who_may_write_and_reads_of_hidden_subjects_look_missing() {
    let (app, _keys) = locked("").await;
    assert_eq!(
        register_as(&app, &writer(), "payments.order-value", "Order")
            .await
            .0,
        200
    );
    // Write outside its prefix: 403 in Confluent's shape.
    assert_error(
        &register_as(&app, &writer(), "orders-value", "Order").await,
        403,
        40301,
    );
    assert_eq!(
        register_as(&app, &admin(), "orders-value", "Order").await.0,
        200
    );
    // A reader may read the glob, not write it.
    let (status, _) = app
        .call_as(
            Some(&reader()),
            Method::GET,
            "/subjects/payments.order-value/versions/latest",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_error(
        &register_as(&app, &reader(), "payments.order-value", "Order2").await,
        403,
        40301,
    );
    // A subject the reader may not read answers exactly as a missing one.
    let hidden = app
        .call_as(
            Some(&reader()),
            Method::GET,
            "/subjects/orders-value/versions",
            None,
        )
        .await;
    let missing = app
        .call_as(
            Some(&admin()),
            Method::GET,
            "/subjects/no-such-value/versions",
            None,
        )
        .await;
    assert_error(&hidden, 404, 40401);
    assert_eq!(
        hidden.1["message"]
            .as_str()
            .map(|m| m.replace("orders-value", "S")),
        missing.1["message"]
            .as_str()
            .map(|m| m.replace("no-such-value", "S")),
        "hidden and missing read the same"
    );
    // Lookup and compatibility need read and write on the subject.
    let lookup = app
        .call_as(
            Some(&reader()),
            Method::POST,
            "/subjects/orders-value",
            Some(schema("Order")),
        )
        .await;
    assert_error(&lookup, 404, 40401);
    let compat = app
        .call_as(
            Some(&reader()),
            Method::POST,
            "/compatibility/subjects/payments.order-value/versions/latest",
            Some(schema("Order")),
        )
        .await;
    assert_error(&compat, 403, 40301);
}

#[tokio::test]
async fn lists_and_schema_ids_show_only_what_the_principal_may_read() {
    let (app, _keys) = locked("").await;
    let shared = register_as(&app, &admin(), "payments.a-value", "Shared")
        .await
        .1["id"]
        .clone();
    assert_eq!(
        register_as(&app, &admin(), "secret-value", "Shared")
            .await
            .1["id"],
        shared
    );
    let secret = register_as(&app, &admin(), "secret2-value", "Secret")
        .await
        .1["id"]
        .as_i64()
        .expect("id");
    let (_, subjects) = app
        .call_as(Some(&reader()), Method::GET, "/subjects", None)
        .await;
    assert_eq!(subjects, json!(["payments.a-value"]));
    let (_, all) = app
        .call_as(Some(&admin()), Method::GET, "/subjects", None)
        .await;
    assert_eq!(all.as_array().map(Vec::len), Some(3));
    let (_, listed) = app
        .call_as(Some(&reader()), Method::GET, "/schemas", None)
        .await;
    let listed: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["subject"].as_str())
        .collect();
    assert_eq!(listed, vec!["payments.a-value"]);
    // A shared id resolves, and names only the readable subject.
    let id = shared.as_i64().expect("id");
    let (status, _) = app
        .call_as(
            Some(&reader()),
            Method::GET,
            &format!("/schemas/ids/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, users) = app
        .call_as(
            Some(&reader()),
            Method::GET,
            &format!("/schemas/ids/{id}/subjects"),
            None,
        )
        .await;
    assert_eq!(users, json!(["payments.a-value"]));
    // The fast lane serves warm answers only to callers who read everything: warm the
    // secret id as admin, then the reader still gets Confluent's 40403.
    for _ in 0..2 {
        let (status, _) = app
            .call_as(
                Some(&admin()),
                Method::GET,
                &format!("/schemas/ids/{secret}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    let hidden = app
        .call_as(
            Some(&reader()),
            Method::GET,
            &format!("/schemas/ids/{secret}"),
            None,
        )
        .await;
    assert_error(&hidden, 404, 40403);
    let hidden = app
        .call_as(
            Some(&reader()),
            Method::GET,
            &format!("/schemas/ids/{secret}/schema"),
            None,
        )
        .await;
    assert_error(&hidden, 404, 40403);
}

#[tokio::test]
async fn hard_deletes_and_settings_need_admin() {
    let (app, _keys) = locked("").await;
    assert_eq!(
        register_as(&app, &writer(), "payments.d-value", "D")
            .await
            .0,
        200
    );
    let hard = app
        .call_as(
            Some(&writer()),
            Method::DELETE,
            "/subjects/payments.d-value?permanent=true",
            None,
        )
        .await;
    assert_error(&hard, 403, 40301);
    let soft = app
        .call_as(
            Some(&writer()),
            Method::DELETE,
            "/subjects/payments.d-value",
            None,
        )
        .await;
    assert_eq!(soft.0, 200, "{soft:?}");
    let hard = app
        .call_as(
            Some(&writer()),
            Method::DELETE,
            "/subjects/payments.d-value?permanent=true",
            None,
        )
        .await;
    assert_error(&hard, 403, 40301);
    let level = json!({"compatibility": "NONE"});
    for path in ["/config", "/config/payments.d-value"] {
        let put = app
            .call_as(Some(&writer()), Method::PUT, path, Some(level.clone()))
            .await;
        assert_error(&put, 403, 40301);
    }
    let mode = app
        .call_as(
            Some(&writer()),
            Method::PUT,
            "/mode",
            Some(json!({"mode": "IMPORT"})),
        )
        .await;
    assert_error(&mode, 403, 40301);
    let (_, config) = app
        .call_as(Some(&admin()), Method::GET, "/config", None)
        .await;
    assert_ne!(config["compatibilityLevel"], "NONE", "nothing changed");
    let put = app
        .call_as(Some(&admin()), Method::PUT, "/config", Some(level))
        .await;
    assert_eq!(put.0, 200);
    let hard = app
        .call_as(
            Some(&admin()),
            Method::DELETE,
            "/subjects/payments.d-value?permanent=true",
            None,
        )
        .await;
    assert_eq!(hard.0, 200, "{hard:?}");
}

#[tokio::test]
async fn path_tricks_do_not_reach_another_subjects_grant() {
    let (app, _keys) = locked("").await;
    assert_eq!(
        register_as(&app, &admin(), "orders-value", "O").await.0,
        200
    );
    assert_eq!(
        register_as(&app, &admin(), "payments.ok-value", "P")
            .await
            .0,
        200
    );
    for path in [
        "/subjects/payments.ok-value%2F..%2F..%2Forders-value/versions",
        "/subjects/payments.%2E%2E%2Forders-value/versions",
        "/subjects/PAYMENTS.ok-value/versions",
        "/subjects/payments.ok-value/../orders-value/versions",
        "/subjects/payments.ok-value%00/versions",
    ] {
        let (status, body) = app.call_as(Some(&reader()), Method::GET, path, None).await;
        assert!(
            status == 404 || status == 400,
            "{path}: a trick reached data: {status} {body}"
        );
        assert!(!body.to_string().contains("\"schema\""), "{path}: {body}");
    }
    // A writer's prefix cannot be escaped into another subject either.
    let trick = register_as(&app, &writer(), "payments.%2F..%2Forders-value", "O2").await;
    let (_, versions) = app
        .call_as(
            Some(&admin()),
            Method::GET,
            "/subjects/orders-value/versions",
            None,
        )
        .await;
    assert_eq!(versions, json!([1]), "orders-value untouched ({trick:?})");
}

#[tokio::test]
async fn the_audit_log_names_the_principal_and_ignores_the_claimed_actor() {
    let (app, _keys) = locked("").await;
    let response = app
        .client
        .post(app.url("/subjects/payments.audit-value/versions"))
        .header("Authorization", writer())
        .header("X-Herald-Actor", "mallory")
        .header("Content-Type", crate::helpers::V1)
        .body(schema("Audit").to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200);
    let home = app
        .client
        .get(app.url("/ui"))
        .header("Authorization", admin())
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(
        home.contains("writer (basic)"),
        "the home page's recent changes name the principal"
    );
    assert!(!home.contains("mallory"));
    assert!(
        home.contains("Signed in as"),
        "every page says who is signed in"
    );
}

#[tokio::test]
async fn api_tokens_and_oidc_tokens_authenticate() {
    let (app, _keys) = locked("").await;
    let ci = format!("Bearer {CI_TOKEN}");
    assert_eq!(register_as(&app, &ci, "payments.t-value", "T").await.0, 200);
    assert_error(
        &register_as(&app, &ci, "orders-value", "T").await,
        403,
        40301,
    );
    let expired = register_as(
        &app,
        &format!("Bearer {OLD_TOKEN}"),
        "payments.t-value",
        "T",
    )
    .await;
    assert_error(&expired, 401, 40101);

    let bearer = |claims: Value| format!("Bearer {}", jwt(claims));
    assert_eq!(
        register_as(
            &app,
            &bearer(claims("svc-1", &["payments"])),
            "payments.j-value",
            "J"
        )
        .await
        .0,
        200
    );
    let mut wrong_audience = claims("svc-1", &["payments"]);
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = claims("svc-1", &["payments"]);
    wrong_issuer["iss"] = json!("https://evil.test");
    let mut expired = claims("svc-1", &["payments"]);
    expired["exp"] = json!(now() - 3600);
    let mut no_subject = claims("svc-1", &["payments"]);
    no_subject.as_object_mut().expect("object").remove("sub");
    for refused in [wrong_audience, wrong_issuer, expired, no_subject] {
        let result = register_as(&app, &bearer(refused.clone()), "payments.j-value", "J2").await;
        assert_error(&result, 401, 40101);
    }
    // Within the leeway, a just-expired token still works.
    let mut skewed = claims("svc-2", &["payments"]);
    skewed["exp"] = json!(now() - 5);
    assert_eq!(
        register_as(&app, &bearer(skewed), "payments.j-value", "J")
            .await
            .0,
        200
    );
    // A token signed with HMAC over the public key (algorithm confusion) is refused.
    let hmac = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims("svc-1", &["platform"]),
        &jsonwebtoken::EncodingKey::from_secret(PUBLIC_X.as_bytes()).expect("key"),
    )
    .expect("sign");
    let result = register_as(&app, &format!("Bearer {hmac}"), "orders-value", "J").await;
    assert_error(&result, 401, 40101);
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_per_principal() {
    let (app, _keys) = locked("").await;
    for _ in 0..5 {
        let result = register_as(&app, &basic("writer", "guess"), "payments.r-value", "R").await;
        assert_error(&result, 401, 40101);
    }
    let (status, headers, body) = app
        .call_as_full(
            Some(&basic("writer", "guess")),
            Method::GET,
            "/subjects",
            None,
        )
        .await;
    assert_error(&(status, body), 429, 42901);
    assert!(headers.contains_key("retry-after"));
    // Another principal is not held back.
    assert_eq!(
        app.call_as(Some(&admin()), Method::GET, "/subjects", None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn anonymous_grants_open_only_what_they_name() {
    let (app, _keys) = locked("  - to: anonymous\n    role: read\n    on: \"*\"\n").await;
    assert_eq!(
        register_as(&app, &admin(), "orders-value", "O").await.0,
        200
    );
    let (status, body) = app.call_as(None, Method::GET, "/subjects", None).await;
    assert_eq!((status, body), (200, json!(["orders-value"])));
    assert_error(
        &register_as(&app, "", "orders-value", "O2").await,
        401,
        40101,
    );
}

#[tokio::test]
async fn a_changed_access_file_applies_and_a_broken_one_is_refused_whole() {
    let keys = tempfile::tempdir().expect("dir");
    let app = TestApp::spawn_with_access(&policy(keys.path(), "")).await;
    assert_error(
        &register_as(&app, &reader(), "orders-value", "O").await,
        403,
        40301,
    );
    let wider = policy(
        keys.path(),
        "  - to: user:reader\n    role: write\n    on: \"*\"\n",
    );
    std::fs::write(app.access_file(), &wider).expect("rewrite");
    let applied =
        wait_for(|| async { register_as(&app, &reader(), "orders-value", "O").await.0 == 200 })
            .await;
    assert!(applied, "the new grant applied without a restart");
    std::fs::write(
        app.access_file(),
        "grants:\n  - to: user:reader\n    role: superuser\n    on: \"*\"\n",
    )
    .expect("break");
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        register_as(&app, &reader(), "orders-value", "O").await.0,
        200,
        "the broken file was refused and the policy in force stayed"
    );
}

async fn wait_for<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..40 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    false
}
