//! Transport details: media types, negotiation, paths, query strings, small endpoints.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

fn schema_body() -> String {
    json!({"schema": record("R", &[field("a", "int")]).to_string()}).to_string()
}

#[tokio::test]
async fn every_confluent_body_type_is_accepted_and_others_are_415() {
    let app = TestApp::spawn().await;
    for (i, content_type) in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/octet-stream",
    ]
    .into_iter()
    .enumerate()
    {
        let response = app
            .client
            .post(app.url(&format!("/subjects/s{i}/versions")))
            .header("Content-Type", content_type)
            .body(schema_body())
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{content_type}");
    }
    let no_type = app
        .client
        .post(app.url("/subjects/plain/versions"))
        .body(schema_body())
        .send()
        .await
        .expect("sent");
    // Every client labels its bodies; an unlabelled one is what a cross-site page sends.
    assert_eq!(no_type.status(), 415, "absent Content-Type is refused");
    let response = app
        .client
        .post(app.url("/subjects/s/versions"))
        .header("Content-Type", "text/plain")
        .body(schema_body())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({"error_code": 415, "message": "HTTP 415 Unsupported Media Type"})
    );
}

#[tokio::test]
async fn utf16_bodies_are_decoded() {
    let app = TestApp::spawn().await;
    let mut bytes = vec![0xFE, 0xFF];
    for unit in schema_body().encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    let response = app
        .client
        .post(app.url("/subjects/s/versions"))
        .header("Content-Type", "application/json; charset=UTF-16")
        .body(bytes)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn latin1_bodies_are_decoded_and_unknown_charsets_refused() {
    let app = TestApp::spawn().await;
    // A doc string with "é" (0xE9 in ISO-8859-1, not valid UTF-8 on its own).
    let record =
        r#"{"type":"record","name":"Caf","doc":"café","fields":[{"name":"id","type":"long"}]}"#;
    let body: Vec<u8> = serde_json::json!({ "schema": record })
        .to_string()
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("latin-1 text"))
        .collect();
    let send = |charset: &'static str, body: Vec<u8>| {
        app.client
            .post(app.url("/subjects/latin/versions"))
            .header(
                "Content-Type",
                format!("application/json; charset={charset}"),
            )
            .body(body)
            .send()
    };
    let refused = send("windows-1252", body.clone()).await.expect("sent");
    assert_eq!(refused.status(), 415);
    let answer: serde_json::Value = refused.json().await.expect("json error body");
    assert_eq!(answer["error_code"], 415);
    let (_, subjects) = app.get("/subjects").await;
    assert_eq!(subjects, serde_json::json!([]), "nothing registered");
    let accepted = send("ISO-8859-1", body).await.expect("sent");
    assert_eq!(accepted.status(), 200);
    let (_, latest) = app.get("/subjects/latin/versions/latest/schema").await;
    assert_eq!(
        latest["doc"], "caf\u{e9}",
        "é read as ISO-8859-1, not mangled"
    );
}

#[tokio::test]
async fn accept_negotiation_labels_or_refuses() {
    let app = TestApp::spawn().await;
    for (accept, expected) in [
        (None, Some(V1)),
        (Some("*/*"), Some(V1)),
        (Some("application/json"), Some("application/json")),
        (
            Some("application/vnd.schemaregistry+json"),
            Some("application/vnd.schemaregistry+json"),
        ),
        (Some("application/vnd.schemaregistry.v2+json"), None),
        (Some("text/*"), None),
    ] {
        let mut request = app.client.get(app.url("/subjects"));
        if let Some(accept) = accept {
            request = request.header("Accept", accept);
        }
        let response = request.send().await.expect("sent");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match expected {
            Some(media) => {
                assert_eq!(response.status(), 200, "{accept:?}");
                assert_eq!(content_type.as_deref(), Some(media), "{accept:?}");
            }
            None => {
                assert_eq!(response.status(), 406, "{accept:?}");
                let body: Value = response.json().await.expect("json");
                assert_eq!(body["error_code"], 406);
            }
        }
    }
}

#[tokio::test]
async fn trailing_slashes_and_encoded_slashes_in_subjects() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/subjects/a%2Fb/versions/"))
        .header("Content-Type", V1)
        .body(schema_body())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    assert_eq!(app.get("/subjects/").await.1, json!(["a/b"]));
    assert_eq!(
        app.get("/subjects/a%2Fb/versions/1").await.1["subject"],
        "a/b"
    );
    let quirky = "weird%22%7B%3A%7D%27name";
    assert_eq!(
        app.call(
            Method::POST,
            &format!("/subjects/{quirky}/versions"),
            Some(serde_json::from_str(&schema_body()).expect("json"))
        )
        .await
        .0,
        200
    );
    assert_eq!(
        app.get(&format!("/subjects/{quirky}/versions/latest"))
            .await
            .1["subject"],
        "weird\"{:}'name"
    );
}

#[tokio::test]
async fn python_booleans_and_unknown_parameters() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/subjects/s/versions?normalize=False&unknown=1&&"))
        .header("Content-Type", V1)
        .body(schema_body())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    app.delete("/subjects/s").await;
    assert_eq!(app.get("/subjects?deleted=TRUE").await.1, json!(["s"]));
    assert_eq!(app.get("/subjects?deleted=False").await.1, json!([]));
}

#[tokio::test]
async fn unknown_routes_and_methods_get_confluent_errors() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/nowhere").await,
        (
            404,
            json!({"error_code": 404, "message": "HTTP 404 Not Found"})
        )
    );
    assert_eq!(
        app.call(Method::PATCH, "/subjects", None).await,
        (
            405,
            json!({"error_code": 405, "message": "HTTP 405 Method Not Allowed"})
        )
    );
}

#[tokio::test]
async fn small_endpoints() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/").await, (200, json!({})));
    assert_eq!(app.post("/", json!({})).await, (200, json!({})));
    assert_eq!(app.get("/contexts").await, (200, json!(["."])));
    let (status, id) = app.get("/v1/metadata/id").await;
    assert_eq!(status, 200);
    assert!(id["scope"]["clusters"].is_object(), "{id}");
    let (status, version) = app.get("/v1/metadata/version").await;
    assert_eq!(status, 200);
    assert!(version["version"].is_string());
    assert_eq!(
        app.get("/v1/metadata/deployment").await.1,
        json!({"attributes": []})
    );
    let (status, _) = app
        .get("/associations/resources/default/orders?resourceType=topic&associationType=value")
        .await;
    assert_eq!(
        status, 404,
        "serializers fall back to the topic name strategy on 404"
    );
}

#[tokio::test]
async fn health_probes_answer() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/health/live").await,
        (200, json!({"status": "live"}))
    );
    assert_eq!(
        app.get("/health/ready").await,
        (200, json!({"status": "ready"}))
    );
}
