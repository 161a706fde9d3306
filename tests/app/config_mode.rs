//! `/config...` and `/mode...`, and how they steer registration.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn global_config_defaults_to_backward_and_round_trips() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/config").await,
        (200, json!({"compatibilityLevel": "BACKWARD"}))
    );
    assert_eq!(
        app.put("/config", json!({"compatibility": "full"})).await,
        (200, json!({"compatibility": "FULL"}))
    );
    assert_eq!(
        app.get("/config").await.1,
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(
        app.delete("/config").await.1,
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(
        app.get("/config").await.1,
        json!({"compatibilityLevel": "BACKWARD"})
    );
    let message = assert_error(
        &app.put("/config", json!({"compatibility": "SIDEWAYS"}))
            .await,
        422,
        42203,
    );
    assert!(
        message.starts_with("Invalid compatibility level"),
        "{message}"
    );
}

#[tokio::test]
async fn subject_config_is_separate_from_global() {
    let app = TestApp::spawn().await;
    let message = assert_error(&app.get("/config/s").await, 404, 40408);
    assert_eq!(
        message,
        "Subject 's' does not have subject-level compatibility configured"
    );
    assert_eq!(
        app.get("/config/s?defaultToGlobal=true").await.1,
        json!({"compatibilityLevel": "BACKWARD"})
    );
    assert_eq!(
        app.put("/config/s", json!({"compatibility": "NONE"}))
            .await
            .0,
        200
    );
    assert_eq!(
        app.get("/config/s").await.1,
        json!({"compatibilityLevel": "NONE"})
    );
    assert_eq!(
        app.get("/config").await.1,
        json!({"compatibilityLevel": "BACKWARD"})
    );
    assert_eq!(
        app.delete("/config/s").await.1,
        json!({"compatibilityLevel": "NONE"})
    );
    assert_error(&app.delete("/config/s").await, 404, 40401);
}

#[tokio::test]
async fn subject_level_none_lets_an_incompatible_change_through() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &record("R", &[field("a", "int")]))
        .await;
    let breaking = record("R", &[field("a", "int"), field("b", "string")]);
    assert_eq!(app.register("s", &breaking).await.0, 409);
    app.put("/config/s", json!({"compatibility": "NONE"})).await;
    assert_eq!(app.register("s", &breaking).await.0, 200);
}

#[tokio::test]
async fn modes_default_to_readwrite_and_validate() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/mode").await, (200, json!({"mode": "READWRITE"})));
    assert_error(&app.get("/mode/s").await, 404, 40409);
    assert_eq!(
        app.get("/mode/s?defaultToGlobal=true").await.1,
        json!({"mode": "READWRITE"})
    );
    assert_error(
        &app.put("/mode", json!({"mode": "SIDEWAYS"})).await,
        422,
        42204,
    );
    assert_eq!(
        app.put("/mode/s", json!({"mode": "readonly"})).await,
        (200, json!({"mode": "READONLY"}))
    );
    assert_eq!(app.get("/mode/s").await.1, json!({"mode": "READONLY"}));
    assert_eq!(app.delete("/mode/s").await.1, json!({"mode": "READONLY"}));
    assert_error(&app.get("/mode/s").await, 404, 40409);
}

#[tokio::test]
async fn readonly_refuses_new_schemas_deletes_and_config_but_serves_existing() {
    let app = TestApp::spawn().await;
    let schema = record("R", &[field("a", "int")]);
    app.register_ok("s", &schema).await;
    app.put("/mode", json!({"mode": "READONLY"})).await;
    assert_error(
        &app.register("s", &record("R2", &[field("a", "int")])).await,
        422,
        42205,
    );
    assert_eq!(
        app.register("s", &schema).await.0,
        200,
        "an existing schema is still found"
    );
    assert_error(&app.delete("/subjects/s").await, 422, 42205);
    assert_error(
        &app.put("/config", json!({"compatibility": "NONE"})).await,
        422,
        42205,
    );
    assert_eq!(app.put("/mode", json!({"mode": "READWRITE"})).await.0, 200);
    assert_eq!(app.delete("/subjects/s").await.0, 200);
}

#[tokio::test]
async fn import_mode_keeps_explicit_ids() {
    let app = TestApp::spawn().await;
    app.register_ok("existing", &record("E", &[field("a", "int")]))
        .await;
    assert_error(
        &app.put("/mode", json!({"mode": "IMPORT"})).await,
        422,
        42205,
    );
    assert_eq!(
        app.put("/mode?force=true", json!({"mode": "IMPORT"}))
            .await
            .0,
        200
    );
    let schema = record("Imported", &[field("a", "int")]);
    let (status, body) = app
        .post(
            "/subjects/imported/versions",
            json!({"schema": schema.to_string(), "id": 100, "version": 3}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], 100);
    assert_eq!(body["version"], 3);
    assert_eq!(app.get("/schemas/ids/100").await.0, 200);
    // The id is taken by another schema now.
    let other = record("Other", &[field("b", "int")]);
    assert_error(
        &app.post(
            "/subjects/other/versions",
            json!({"schema": other.to_string(), "id": 100}),
        )
        .await,
        422,
        42205,
    );
    // Outside IMPORT an explicit id is refused.
    app.put("/mode", json!({"mode": "READWRITE"})).await;
    assert_error(
        &app.post(
            "/subjects/other/versions",
            json!({"schema": other.to_string(), "id": 7}),
        )
        .await,
        422,
        42205,
    );
    // New ids continue after the imported one.
    let (_, next) = app.register("next", &other).await;
    assert_eq!(next["id"], 101);
}

#[tokio::test]
async fn config_bodies_of_another_shape_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    for body in [
        json!([]),
        json!(null),
        json!("x"),
        json!({"compatibility": "FULL", "surprise": true}),
        json!({"normalize": "yes"}),
        json!({"defaultMetadata": "garbage"}),
    ] {
        for path in ["/config", "/config/orders-value"] {
            let (status, answer) = app.put(path, body.clone()).await;
            assert_eq!(status, 422, "PUT {path} {body}: {answer}");
            assert!(answer["message"].is_string(), "{answer}");
        }
    }
    assert_eq!(
        app.get("/config").await,
        (200, json!({"compatibilityLevel": "BACKWARD"}))
    );
    let (status, _) = app.get("/config/orders-value").await;
    assert_eq!(status, 404, "no subject config was stored");
}
