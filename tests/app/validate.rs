//! The validation API and its OpenAPI document.

use serde_json::{Value, json};

use crate::helpers::*;

fn order() -> Value {
    json!({"type": "record", "name": "Order", "fields": [
        {"name": "id", "type": "string"},
        {"name": "quantity", "type": "int"},
        {"name": "note", "type": ["null", "string"], "default": null}
    ]})
}

#[tokio::test]
async fn json_payloads_get_every_error_with_its_path() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("orders-value", &order()).await;
    let (status, verdict) = app
        .post(
            "/validate/subjects/orders-value/versions/latest",
            json!({"id": "o-1", "quantity": 2}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        verdict,
        json!({"valid": true, "errors": [], "schemaId": id})
    );
    let (status, verdict) = app
        .post(
            &format!("/validate/schemas/ids/{id}"),
            json!({"quantity": "two", "note": 5}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(verdict["valid"], false);
    let paths: Vec<&str> = verdict["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["/id", "/quantity", "/note"], "{verdict}");
}

#[tokio::test]
async fn unknown_targets_are_confluent_errors() {
    let app = TestApp::spawn().await;
    assert_error(
        &app.post("/validate/subjects/none/versions/1", json!({}))
            .await,
        404,
        40401,
    );
    assert_error(
        &app.post("/validate/schemas/ids/9", json!({})).await,
        404,
        40403,
    );
    assert_error(
        &app.post("/validate/subjects/s/versions/zero", json!({}))
            .await,
        422,
        42202,
    );
}

async fn post_bytes(app: &TestApp, bytes: Vec<u8>) -> (u16, Value) {
    app.post_raw("/validate/wire", "application/octet-stream", bytes)
        .await
}

#[tokio::test]
async fn wire_format_bytes_are_decoded_against_their_id() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("orders-value", &order()).await;
    let header = |id: i64| {
        let mut bytes = vec![0u8];
        bytes.extend(u32::try_from(id).expect("small id").to_be_bytes());
        bytes
    };
    // id "o1" (len 2 -> 0x04), quantity 3 (zigzag 6), note: branch 1, "hi".
    let mut good = header(id);
    good.extend([0x04, b'o', b'1', 0x06, 0x02, 0x04, b'h', b'i']);
    let (status, verdict) = post_bytes(&app, good).await;
    assert_eq!(status, 200);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(
        verdict["decoded"],
        json!({"id": "o1", "quantity": 3, "note": {"string": "hi"}})
    );
    // Truncated inside `note`.
    let mut truncated = header(id);
    truncated.extend([0x04, b'o', b'1', 0x06, 0x02, 0x08, b'h']);
    let (_, verdict) = post_bytes(&app, truncated).await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["errors"][0]["path"], "/note");
    // Bad magic byte, unknown id, empty body.
    let (_, verdict) = post_bytes(&app, vec![7, 0, 0, 0, 1]).await;
    assert_eq!(verdict["valid"], false);
    assert_error(&post_bytes(&app, header(999)).await, 404, 40403);
    assert_error(&post_bytes(&app, Vec::new()).await, 400, 400);
}

#[tokio::test]
async fn the_openapi_document_and_its_offline_page_are_served() {
    let app = TestApp::spawn().await;
    let (status, document) = app.get("/openapi.json").await;
    assert_eq!(status, 200);
    for path in [
        "/validate/subjects/{subject}/versions/{version}",
        "/validate/schemas/ids/{id}",
        "/validate/wire",
    ] {
        assert!(
            document["paths"][path]["post"].is_object(),
            "{path} missing from the document"
        );
    }
    assert!(document["components"]["schemas"]["VerdictBody"].is_object());
    let page = app
        .client
        .get(app.url("/api-docs/"))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("swagger-ui-bundle.js"),
        "the page loads its own bundle"
    );
    assert!(!html.contains("https://"), "nothing is loaded from outside");
}
