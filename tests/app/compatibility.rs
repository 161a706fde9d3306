//! `/compatibility...` and compatibility at registration.

use serde_json::{Value, json};

use crate::helpers::*;

fn base() -> Value {
    record("R", &[field("a", "int")])
}

fn added_required() -> Value {
    record("R", &[field("a", "int"), field("b", "string")])
}

fn added_optional() -> Value {
    record(
        "R",
        &[
            field("a", "int"),
            field_with_default("b", "string", json!("x")),
        ],
    )
}

#[tokio::test]
async fn incompatible_registration_is_409_with_details() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &base()).await;
    let (status, body) = app.register("s", &added_required()).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error_code"], 409);
    let message = body["message"].as_str().expect("message");
    assert!(
        message.starts_with(
            "Schema being registered is incompatible with an earlier schema for subject \"s\""
        ),
        "{message}"
    );
    assert!(
        message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
        "{message}"
    );
    assert!(message.contains("oldSchemaVersion: 1"), "{message}");
    // Nothing was written.
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
}

#[tokio::test]
async fn check_against_latest_and_all_versions() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &base()).await;
    let ok = app
        .post(
            "/compatibility/subjects/s/versions/latest",
            json!({"schema": added_optional().to_string()}),
        )
        .await;
    assert_eq!(ok, (200, json!({"is_compatible": true})));
    let bad = app
        .post(
            "/compatibility/subjects/s/versions",
            json!({"schema": added_required().to_string()}),
        )
        .await;
    assert_eq!(bad, (200, json!({"is_compatible": false})));
    let (status, verbose) = app
        .post(
            "/compatibility/subjects/s/versions?verbose=true",
            json!({"schema": added_required().to_string()}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(verbose["is_compatible"], false);
    let messages = verbose["messages"].as_array().expect("messages");
    assert!(
        messages.iter().any(|m| m
            .as_str()
            .is_some_and(|m| m.contains("READER_FIELD_MISSING_DEFAULT_VALUE"))),
        "{verbose}"
    );
}

#[tokio::test]
async fn check_edge_cases_follow_confluent() {
    let app = TestApp::spawn().await;
    // `latest` with no versions: compatible.
    let empty = app
        .post(
            "/compatibility/subjects/none/versions/latest",
            json!({"schema": base().to_string()}),
        )
        .await;
    assert_eq!(empty, (200, json!({"is_compatible": true})));
    // A missing numeric version: 40402 even for an unknown subject.
    assert_error(
        &app.post(
            "/compatibility/subjects/none/versions/3",
            json!({"schema": base().to_string()}),
        )
        .await,
        404,
        40402,
    );
    assert_error(
        &app.post(
            "/compatibility/subjects/none/versions/zero",
            json!({"schema": base().to_string()}),
        )
        .await,
        422,
        42202,
    );
    // Invalid schema: 42201, or an incompatible verbose answer.
    assert_error(
        &app.post(
            "/compatibility/subjects/none/versions/latest",
            json!({"schema": "{\"type\":\"nope\"}"}),
        )
        .await,
        422,
        42201,
    );
    let (status, verbose) = app
        .post(
            "/compatibility/subjects/none/versions/latest?verbose=true",
            json!({"schema": "{\"type\":\"nope\"}"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(verbose["is_compatible"], false);
    assert_eq!(verbose["messages"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn transitive_levels_check_every_live_version() {
    let app = TestApp::spawn().await;
    app.put("/config/s", json!({"compatibility": "BACKWARD_TRANSITIVE"}))
        .await;
    app.register_ok("s", &record("R", &[field("a", "int")]))
        .await;
    app.register_ok(
        "s",
        &record(
            "R",
            &[
                field("a", "int"),
                field_with_default("b", "string", json!("d")),
            ],
        ),
    )
    .await;
    // Compatible with v2 (b has a default there... and reads it) but not with v1 (no b).
    let candidate = record("R", &[field("a", "int"), field("b", "string")]);
    assert_eq!(app.register("s", &candidate).await.0, 409);
    app.put("/config/s", json!({"compatibility": "BACKWARD"}))
        .await;
    assert_eq!(app.register("s", &candidate).await.0, 200);
}

#[tokio::test]
async fn force_skips_the_check() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &base()).await;
    let (status, _) = app
        .post(
            "/subjects/s/versions?force=true",
            json!({"schema": added_required().to_string()}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn compatibility_group_compares_only_within_the_group() {
    let app = TestApp::spawn().await;
    app.put(
        "/config/s",
        json!({"compatibility": "BACKWARD", "compatibilityGroup": "major"}),
    )
    .await;
    let with_major = |schema: Value, major: &str| json!({"schema": schema.to_string(), "metadata": {"properties": {"major": major}}});
    assert_eq!(
        app.post("/subjects/s/versions", with_major(base(), "1"))
            .await
            .0,
        200
    );
    // A breaking change opens a new group: nothing to compare with.
    assert_eq!(
        app.post("/subjects/s/versions", with_major(added_required(), "2"))
            .await
            .0,
        200
    );
    // Within group 1 the same change still breaks.
    let breaking_in_group_1 = record("R", &[field("a", "int"), field("c", "string")]);
    assert_eq!(
        app.post("/subjects/s/versions", with_major(breaking_in_group_1, "1"))
            .await
            .0,
        409
    );
}
