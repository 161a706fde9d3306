//! Bad input: a Confluent-shaped error, never a 500, and nothing written.

use serde_json::{Value, json};

use crate::helpers::*;

async fn assert_nothing_written(app: &TestApp) {
    assert_eq!(
        app.get("/subjects?deleted=true").await.1,
        json!([]),
        "a failed request wrote something"
    );
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    for body in ["{", "not json", "{\"schema\": }", ""] {
        let result = app.post_raw("/subjects/s/versions", V1, body).await;
        assert_error(&result, 400, 400);
    }
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn wrong_field_types_are_422() {
    let app = TestApp::spawn().await;
    for body in [
        json!({"schema": 5}),
        json!({"schema": "\"int\"", "references": "nope"}),
        json!({"schema": "\"int\"", "references": [{"name": "x"}]}),
        json!([1, 2]),
    ] {
        let result = app.post("/subjects/s/versions", body.clone()).await;
        assert_error(&result, 422, 422);
    }
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn unknown_schema_type_and_invalid_avro_are_42201() {
    let app = TestApp::spawn().await;
    let message = assert_error(
        &app.post(
            "/subjects/s/versions",
            json!({"schema": "{}", "schemaType": "XML"}),
        )
        .await,
        422,
        42201,
    );
    assert_eq!(message, "Invalid schema type XML");
    for schema in [
        "{\"type\": \"record\", \"name\": \"R\"}",
        "{\"type\": \"record\", \"name\": \"1bad\", \"fields\": []}",
        "{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"int\", \"default\": \"x\"}]}",
        "{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\", \"A\"]}",
        "\"Undefined\"",
        "{not json",
    ] {
        let message = assert_error(
            &app.post("/subjects/s/versions", json!({"schema": schema}))
                .await,
            422,
            42201,
        );
        assert!(
            message.starts_with("Invalid schema of type AVRO, details: "),
            "{schema}: {message}"
        );
    }
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let app = TestApp::spawn_with_limit(64 * 1024).await;
    let huge = "x".repeat(128 * 1024);
    let result = app
        .post("/subjects/s/versions", json!({"schema": huge}))
        .await;
    assert_error(&result, 413, 413);
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn framework_rejections_answer_in_the_api_error_shape() {
    let app = TestApp::spawn_with_limit(64 * 1024).await;
    // The catalog's body over the limit (axum's own rejection, plain text before).
    let huge = format!(
        "teams:\n  - name: t\n    description: {}\n",
        "x".repeat(128 * 1024)
    );
    let (status, body) = app
        .post_raw("/catalog/apply", "application/yaml", huge)
        .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error_code"], 413, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("larger")),
        "{body}"
    );
    // A path segment that is not UTF-8 once decoded.
    for path in [
        "/subjects/%FF/versions",
        "/config/%C3%28",
        "/schemas/ids/1/versions?subject=%FF",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("sent");
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(
            (400..500).contains(&status)
                && body["error_code"].is_number()
                && body["message"].is_string(),
            "{path}: {status} {body}"
        );
    }
}

#[tokio::test]
async fn ten_thousand_levels_of_nesting_are_refused_cleanly() {
    let app = TestApp::spawn().await;
    // Nested in the request body itself.
    let deep_body = format!(
        "{{\"schema\": {}\"int\"{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (status, body) = app.post_raw("/subjects/s/versions", V1, deep_body).await;
    assert!(status == 400 || status == 422, "{status}: {body}");
    // Nested inside the schema text.
    let deep_schema = format!(
        "{}\"int\"{}",
        "{\"type\":\"array\",\"items\":".repeat(10_000),
        "}".repeat(10_000)
    );
    let result = app
        .post("/subjects/s/versions", json!({"schema": deep_schema}))
        .await;
    assert_error(&result, 422, 42201);
    let deep_union = format!("{}\"int\"{}", "[".repeat(10_000), "]".repeat(10_000));
    let result = app
        .post("/subjects/s/versions", json!({"schema": deep_union}))
        .await;
    assert_error(&result, 422, 42201);
    assert_nothing_written(&app).await;
    // And the server is still there.
    assert_eq!(app.get("/subjects").await.0, 200);
}

#[tokio::test]
async fn deeply_bracketed_catalog_files_and_documents_are_refused_at_once() {
    let app = TestApp::spawn().await;
    let brackets = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let started = std::time::Instant::now();
    for path in ["/catalog/apply", "/catalog/asyncapi/import"] {
        let (status, body) = app
            .post_raw(path, "application/yaml", brackets.clone())
            .await;
        assert_eq!(status, 422, "{path}: {body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("nested deeper")),
            "{path}: {body}"
        );
    }
    // Seconds of parsing before; the refusal needs no parse at all.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let (status, _) = app.get("/catalog/teams").await;
    assert_eq!(status, 200);
}
