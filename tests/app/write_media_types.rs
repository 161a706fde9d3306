//! Writes only with a media type the endpoint reads. A page on another site can send
//! `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data` bodies
//! without the browser asking first (a "simple" request); none of them, and no body
//! without a `Content-Type`, may reach a write.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// The media types a cross-site form or `fetch` may send without a CORS preflight.
const SIMPLE_TYPES: [&str; 3] = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
];

/// Sends `body` with the given `Content-Type` (none when `None`); the status and JSON body.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: String,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"));
    (status, value)
}

/// Sends `body` without a `Content-Type` and with each simple type; every one must be
/// refused with 415 and `code`.
async fn assert_never_read(app: &TestApp, method: Method, path: &str, body: &str, code: i64) {
    for content_type in SIMPLE_TYPES.map(Some).into_iter().chain([None]) {
        let refused = send(app, method.clone(), path, content_type, body.to_owned()).await;
        let message = assert_error(&refused, 415, code);
        assert!(!message.is_empty(), "{path} {content_type:?}");
    }
}

fn schema_body() -> String {
    json!({"schema": record("R", &[field("a", "int")]).to_string()}).to_string()
}

async fn subjects(app: &TestApp) -> Value {
    let (status, body) = app.get("/subjects").await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn team_names(app: &TestApp) -> Vec<String> {
    let (status, body) = app.get("/catalog/teams").await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|team| team["name"].as_str().map(str::to_owned))
        .collect()
}

const ONE_TEAM: &str = "teams:\n  - name: checkout\n    email: checkout@example.com\n";

#[tokio::test]
async fn register_without_or_with_a_simple_content_type_registers_nothing() {
    let app = TestApp::spawn().await;
    let body = schema_body();
    assert_never_read(&app, Method::POST, "/subjects/x/versions", &body, 415).await;
    assert_eq!(subjects(&app).await, json!([]));
}

#[tokio::test]
async fn confluent_lookup_compatibility_config_and_mode_need_a_json_type() {
    let app = TestApp::spawn().await;
    app.register_ok("x", &record("R", &[field("a", "int")]))
        .await;
    let writes = [
        (Method::POST, "/subjects/x", schema_body()),
        (
            Method::POST,
            "/compatibility/subjects/x/versions/latest",
            schema_body(),
        ),
        (
            Method::PUT,
            "/config/x",
            json!({"compatibility": "NONE"}).to_string(),
        ),
        (
            Method::PUT,
            "/config",
            json!({"compatibility": "NONE"}).to_string(),
        ),
        (
            Method::PUT,
            "/mode/x",
            json!({"mode": "READONLY"}).to_string(),
        ),
        (
            Method::PUT,
            "/mode",
            json!({"mode": "READONLY"}).to_string(),
        ),
    ];
    for (method, path, body) in writes {
        for content_type in [None, Some("text/plain")] {
            let refused = send(&app, method.clone(), path, content_type, body.clone()).await;
            assert_error(&refused, 415, 415);
        }
    }
    // Nothing changed: the global level and mode are the defaults and the subject has none.
    let (_, config) = app.get("/config").await;
    assert_eq!(config["compatibilityLevel"], "BACKWARD", "{config}");
    let (_, mode) = app.get("/mode").await;
    assert_eq!(mode["mode"], "READWRITE", "{mode}");
    let subject_config = app.get("/config/x").await;
    assert_eq!(subject_config.0, 404, "{}", subject_config.1);
}

#[tokio::test]
async fn catalog_apply_as_text_plain_creates_nothing() {
    let app = TestApp::spawn().await;
    assert_never_read(&app, Method::POST, "/catalog/apply", ONE_TEAM, 41510).await;
    assert!(team_names(&app).await.is_empty());
}

#[tokio::test]
async fn catalog_apply_with_prune_as_text_plain_deletes_nothing() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post_raw("/catalog/apply", "application/yaml", ONE_TEAM)
        .await;
    assert_eq!(status, 200, "{body}");
    let refused = send(
        &app,
        Method::POST,
        "/catalog/apply",
        Some("text/plain"),
        "prune: true\n".to_owned(),
    )
    .await;
    assert_error(&refused, 415, 41510);
    assert_eq!(team_names(&app).await, ["checkout"]);
}

#[tokio::test]
async fn catalog_files_are_read_as_yaml_or_json() {
    let app = TestApp::spawn().await;
    for (i, content_type) in [
        "application/yaml",
        "application/x-yaml",
        "text/yaml; charset=utf-8",
        "application/json",
    ]
    .into_iter()
    .enumerate()
    {
        let file = json!({"teams": [{"name": format!("team{i}"), "email": "t@example.com"}]});
        let (status, body) = send(
            &app,
            Method::POST,
            "/catalog/apply",
            Some(content_type),
            file.to_string(),
        )
        .await;
        assert_eq!(status, 200, "{content_type}: {body}");
    }
    assert_eq!(team_names(&app).await.len(), 4);
}

#[tokio::test]
async fn catalog_entity_writes_need_json() {
    let app = TestApp::spawn().await;
    let team = json!({"name": "payments", "email": "p@example.com"}).to_string();
    assert_never_read(&app, Method::POST, "/catalog/teams", &team, 41510).await;
    assert_never_read(&app, Method::PUT, "/catalog/teams/payments", &team, 41510).await;
    assert!(team_names(&app).await.is_empty());
    let created = send(
        &app,
        Method::POST,
        "/catalog/teams",
        Some("application/json"),
        team,
    )
    .await;
    assert_eq!(created.0, 201, "{}", created.1);
}

#[tokio::test]
async fn asyncapi_import_needs_json_or_yaml() {
    let app = TestApp::spawn().await;
    let document = "asyncapi: 3.0.0\ninfo:\n  title: shop\n  version: 1.0.0\n";
    assert_never_read(
        &app,
        Method::POST,
        "/catalog/asyncapi/import",
        document,
        41510,
    )
    .await;
    let read = send(
        &app,
        Method::POST,
        "/catalog/asyncapi/import?dryRun=true",
        Some("application/yaml"),
        document.to_owned(),
    )
    .await;
    assert_ne!(read.0, 415, "{}", read.1);
}

#[tokio::test]
async fn validation_bodies_need_their_media_type() {
    let app = TestApp::spawn().await;
    let id = app
        .register_ok("x", &record("R", &[field("a", "int")]))
        .await;
    for path in [
        "/validate/subjects/x/versions/latest".to_owned(),
        format!("/validate/schemas/ids/{id}"),
    ] {
        for content_type in [None, Some("text/plain")] {
            let refused = send(&app, Method::POST, &path, content_type, "{\"a\":1}".into()).await;
            assert_error(&refused, 415, 415);
        }
    }
    let wire = [0u8, 0, 0, 0, u8::try_from(id).expect("small id"), 2];
    for content_type in [None, Some("text/plain"), Some("application/json")] {
        let mut request = app
            .client
            .post(app.url("/validate/wire"))
            .body(wire.to_vec());
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let response = request.send().await.expect("sent");
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON");
        assert_error(&(status, body), 415, 415);
    }
    let (status, body) = app
        .post_raw("/validate/wire", "application/octet-stream", wire.to_vec())
        .await;
    assert_eq!(status, 200, "{body}");
}
