//! Ids and versions stay in Confluent's range, 1..=2^31-1 (a 4-byte id on the wire, a Java
//! `int` in clients): an explicit id or version outside it is refused before anything is
//! written, an exhausted range answers a clear 422, and nothing wraps.

use serde_json::{Value, json};

use crate::helpers::*;

const MAX: i64 = 2_147_483_647;

async fn import_mode(app: &TestApp) {
    let (status, body) = app.put("/mode?force=true", json!({"mode": "IMPORT"})).await;
    assert_eq!(status, 200, "{body}");
}

async fn read_write_mode(app: &TestApp) {
    let (status, body) = app.put("/mode", json!({"mode": "READWRITE"})).await;
    assert_eq!(status, 200, "{body}");
}

fn schema(name: &str) -> String {
    record(name, &[field("a", "int")]).to_string()
}

/// Registers with a body written as raw JSON text, so numbers beyond `i64` can be sent.
async fn register_raw(app: &TestApp, subject: &str, body: String) -> (u16, Value) {
    app.post_raw(&format!("/subjects/{subject}/versions"), V1, body)
        .await
}

/// The subjects the registry holds, soft-deleted included.
async fn all_subjects(app: &TestApp) -> Value {
    app.get("/subjects?deleted=true").await.1
}

/// Deletes a subject for good (soft, then permanent).
async fn purge(app: &TestApp, subject: &str) {
    let (status, body) = app.delete(&format!("/subjects/{subject}")).await;
    assert_eq!(status, 200, "soft delete {subject}: {body}");
    let (status, body) = app
        .delete(&format!("/subjects/{subject}?permanent=true"))
        .await;
    assert_eq!(status, 200, "permanent delete {subject}: {body}");
}

#[tokio::test]
async fn imported_ids_outside_the_range_are_refused_and_registration_still_works() {
    let app = TestApp::spawn().await;
    import_mode(&app).await;
    // Issue 16 §1: this id used to be accepted, and the next allocated id wrapped.
    for id in [
        "9223372036854775807",
        "9223372036854775808",
        "2147483648",
        "0",
        "-5",
        "-9223372036854775808",
    ] {
        let body = format!(r#"{{"schema": {}, "id": {id}}}"#, json!(schema("P")));
        let answer = register_raw(&app, "p-value", body).await;
        let message = assert_error(&answer, 422, 42205);
        assert!(
            message.contains(id) && message.contains("[1, 2^31-1]"),
            "id {id}: {message}"
        );
    }
    assert_eq!(all_subjects(&app).await, json!([]), "nothing was written");
    // The registry is not bricked: imports and allocations go on.
    let (status, body) = app
        .post(
            "/subjects/p-value/versions",
            json!({"schema": schema("P"), "id": 7}),
        )
        .await;
    assert_eq!((status, &body["id"]), (200, &json!(7)), "{body}");
    read_write_mode(&app).await;
    for subject in ["q-value", "r-value"] {
        let (status, body) = app
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({"schema": schema(subject.replace('-', "_").as_str())}),
            )
            .await;
        assert_eq!(status, 200, "{subject}: {body}");
        let id = body["id"].as_i64().expect("id");
        assert!((8..=9).contains(&id), "{subject} got id {id}");
    }
    purge(&app, "p-value").await;
    purge(&app, "q-value").await;
    let id = app.register_ok("s-value", &record("S", &[])).await;
    assert_eq!(id, 10, "allocation continues after hard deletes");
}

#[tokio::test]
async fn the_last_id_can_be_imported_then_new_schemas_get_a_clear_422() {
    let app = TestApp::spawn().await;
    import_mode(&app).await;
    let (status, body) = app
        .post(
            "/subjects/p-value/versions",
            json!({"schema": schema("Last"), "id": MAX}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], MAX);
    read_write_mode(&app).await;
    // A compatible next version of p-value, and a first schema of another subject.
    let evolved = record(
        "Last",
        &[field("a", "int"), field_with_default("b", "int", json!(0))],
    );
    for (subject, schema) in [("p-value", evolved), ("other", record("New", &[]))] {
        let message = assert_error(&app.register(subject, &schema).await, 422, 42205);
        assert!(message.contains("No schema id is left"), "{message}");
    }
    // Nothing was half-written, and what exists keeps working.
    assert_eq!(all_subjects(&app).await, json!(["p-value"]));
    assert_eq!(app.get(&format!("/schemas/ids/{MAX}")).await.0, 200);
    let (status, again) = app
        .post(
            "/subjects/p-value/versions",
            json!({"schema": schema("Last")}),
        )
        .await;
    assert_eq!((status, &again["id"]), (200, &json!(MAX)), "{again}");
    let (status, body) = app
        .post(
            "/subjects/elsewhere/versions",
            json!({"schema": schema("Last")}),
        )
        .await;
    assert_eq!((status, &body["id"]), (200, &json!(MAX)), "{body}");
}

#[tokio::test]
async fn explicit_versions_outside_the_range_are_refused() {
    let app = TestApp::spawn().await;
    import_mode(&app).await;
    for version in ["2147483648", "-5", "-2147483648", "9223372036854775808"] {
        let body = format!(
            r#"{{"schema": {}, "id": 1, "version": {version}}}"#,
            json!(schema("V"))
        );
        let answer = register_raw(&app, "p-value", body).await;
        let message = assert_error(&answer, 422, 42202);
        assert!(message.contains(version), "version {version}: {message}");
    }
    assert_eq!(all_subjects(&app).await, json!([]), "nothing was written");
    // Version 0 is Confluent's "not given": the next version.
    let (status, body) = app
        .post(
            "/subjects/p-value/versions",
            json!({"schema": schema("V"), "id": 1, "version": 0}),
        )
        .await;
    assert_eq!((status, &body["version"]), (200, &json!(1)), "{body}");
}

#[tokio::test]
async fn the_last_version_can_be_imported_then_the_next_gets_a_clear_422() {
    let app = TestApp::spawn().await;
    import_mode(&app).await;
    let (status, body) = app
        .post(
            "/subjects/p-value/versions",
            json!({"schema": schema("V1"), "id": 10, "version": MAX}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], MAX);
    // Issue 16 §1: the next version used to wrap to -2147483648, and every later
    // registration answered 500.
    let next = app
        .post(
            "/subjects/p-value/versions",
            json!({"schema": schema("V2"), "id": 11}),
        )
        .await;
    let message = assert_error(&next, 422, 42205);
    assert!(message.contains("No version is left"), "{message}");
    read_write_mode(&app).await;
    let message = assert_error(
        &app.register("p-value", &record("V3", &[])).await,
        422,
        42205,
    );
    assert!(message.contains("No version is left"), "{message}");
    // Through the catalog file too (its check numbers the file's versions).
    let catalog = "schemas:\n  - subject: p-value\n    versions:\n      - schema: '\"string\"'\n";
    let (status, body) = app
        .post_raw("/catalog/apply", "application/yaml", catalog.to_owned())
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("No version is left")),
        "{body}"
    );
    assert_eq!(
        app.get("/subjects/p-value/versions").await.1,
        json!([MAX]),
        "nothing was written"
    );
    // Other subjects are untouched, and the subject itself recovers once purged.
    let (status, body) = app.register("q-value", &record("Q", &[])).await;
    assert_eq!((status, &body["version"]), (200, &json!(1)), "{body}");
    purge(&app, "p-value").await;
    let (status, body) = app.register("p-value", &record("V3", &[])).await;
    assert_eq!((status, &body["version"]), (200, &json!(1)), "{body}");
}
