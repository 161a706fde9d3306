//! `/schemas...`

use serde_json::{Value, json};

use crate::helpers::*;

fn user() -> Value {
    record("User", &[field("name", "string")])
}

#[tokio::test]
async fn schema_by_id_returns_the_schema_without_type_for_avro() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("users-value", &user()).await;
    let (status, body) = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        body.get("schemaType").is_none(),
        "AVRO type is omitted: {body}"
    );
    assert!(
        body.get("references").is_none(),
        "empty references omitted: {body}"
    );
    let schema: Value =
        serde_json::from_str(body["schema"].as_str().expect("schema")).expect("json");
    assert_eq!(schema, user());
}

#[tokio::test]
async fn unknown_ids_are_40403_and_non_numeric_ids_are_404() {
    let app = TestApp::spawn().await;
    let message = assert_error(&app.get("/schemas/ids/42").await, 404, 40403);
    assert_eq!(message, "Schema 42 not found");
    assert_error(&app.get("/schemas/ids/abc").await, 404, 404);
    assert_error(&app.get("/schemas/ids/42/subjects").await, 404, 40403);
    assert_error(&app.get("/schemas/ids/42/versions").await, 404, 40403);
}

#[tokio::test]
async fn same_schema_in_two_subjects_shares_one_id() {
    let app = TestApp::spawn().await;
    let a = app.register_ok("a-value", &user()).await;
    let b = app.register_ok("b-value", &user()).await;
    assert_eq!(a, b);
    let (status, subjects) = app.get(&format!("/schemas/ids/{a}/subjects")).await;
    assert_eq!(status, 200);
    assert_eq!(subjects, json!(["a-value", "b-value"]));
    let (_, versions) = app.get(&format!("/schemas/ids/{a}/versions")).await;
    assert_eq!(
        versions,
        json!([{"subject": "a-value", "version": 1}, {"subject": "b-value", "version": 1}])
    );
}

#[tokio::test]
async fn whitespace_and_key_order_variants_get_the_same_id() {
    let app = TestApp::spawn().await;
    let compact = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
    let spaced = "{ \"name\" : \"R\",\n  \"type\": \"record\",\n  \"fields\": [ {\"type\":\"int\", \"name\":\"a\"} ] }";
    let (_, first) = app
        .post("/subjects/x/versions", json!({"schema": compact}))
        .await;
    let (_, second) = app
        .post("/subjects/y/versions", json!({"schema": spaced}))
        .await;
    assert_eq!(first["id"], second["id"], "{first} vs {second}");
}

#[tokio::test]
async fn soft_deleted_schemas_are_still_served_by_id_but_not_listed() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("s", &user()).await;
    let (status, _) = app.delete("/subjects/s/versions/1").await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&format!("/schemas/ids/{id}")).await.0, 200);
    let (_, subjects) = app.get(&format!("/schemas/ids/{id}/subjects")).await;
    assert_eq!(subjects, json!([]));
    let (_, subjects) = app
        .get(&format!("/schemas/ids/{id}/subjects?deleted=true"))
        .await;
    assert_eq!(subjects, json!(["s"]));
}

#[tokio::test]
async fn hard_deleted_schemas_are_gone_from_the_id_endpoint() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("s", &user()).await;
    // Warm the cache first: a cached answer must not outlive the delete.
    assert_eq!(app.get(&format!("/schemas/ids/{id}")).await.0, 200);
    app.delete("/subjects/s/versions/1").await;
    let (status, _) = app.delete("/subjects/s/versions/1?permanent=true").await;
    assert_eq!(status, 200);
    assert_error(&app.get(&format!("/schemas/ids/{id}")).await, 404, 40403);
}

#[tokio::test]
async fn raw_schema_text_and_types() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("s", &user()).await;
    let text = app
        .request(
            reqwest::Method::GET,
            &format!("/schemas/ids/{id}/schema"),
            None,
        )
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("json"), user());
    let (status, types) = app.get("/schemas/types").await;
    assert_eq!(status, 200);
    let mut types: Vec<String> = serde_json::from_value(types).expect("list");
    types.sort();
    assert_eq!(types, ["AVRO", "JSON", "PROTOBUF"]);
}

#[tokio::test]
async fn schema_listing_filters_and_paginates() {
    let app = TestApp::spawn().await;
    app.register_ok("orders-value", &user()).await;
    app.register_ok(
        "orders-value",
        &record(
            "User",
            &[
                field("name", "string"),
                field_with_default("age", "int", json!(0)),
            ],
        ),
    )
    .await;
    app.register_ok(
        "payments-value",
        &record("Payment", &[field("amount", "double")]),
    )
    .await;
    let (_, all) = app.get("/schemas").await;
    assert_eq!(all.as_array().expect("list").len(), 3);
    let (_, orders) = app.get("/schemas?subjectPrefix=orders").await;
    assert_eq!(orders.as_array().expect("list").len(), 2);
    let (_, latest) = app.get("/schemas?latestOnly=true").await;
    let latest: Vec<(String, i64)> = latest
        .as_array()
        .expect("list")
        .iter()
        .map(|s| {
            (
                s["subject"].as_str().expect("subject").to_string(),
                s["version"].as_i64().expect("v"),
            )
        })
        .collect();
    assert_eq!(
        latest,
        [
            ("orders-value".to_string(), 2),
            ("payments-value".to_string(), 1)
        ]
    );
    let (_, page) = app.get("/schemas?offset=1&limit=1").await;
    assert_eq!(page.as_array().expect("list").len(), 1);
    assert_eq!(page[0]["version"], 2);
}

#[tokio::test]
async fn fetch_max_id_adds_the_highest_id() {
    let app = TestApp::spawn().await;
    let first = app.register_ok("a", &user()).await;
    let second = app
        .register_ok("b", &record("Other", &[field("x", "int")]))
        .await;
    let (_, body) = app
        .get(&format!("/schemas/ids/{first}?fetchMaxId=true"))
        .await;
    assert_eq!(body["maxId"].as_i64(), Some(second));
}

#[tokio::test]
async fn schemas_are_found_by_guid() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("s", &user()).await;
    // The guid is the MD5 of the canonical text (no references, metadata or rules).
    let (_, by_id) = app.get(&format!("/schemas/ids/{id}")).await;
    let canonical = by_id["schema"].as_str().expect("schema");
    let digest =
        herald::schema::identity::identity_digest(herald::schema::identity::IdentityInput {
            canonical_text: canonical,
            references: &[],
            metadata: None,
            rule_set: None,
        });
    let guid = herald::schema::identity::as_guid(&digest);
    let (status, body) = app.get(&format!("/schemas/guids/{guid}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["schema"], canonical);
    assert_eq!(
        app.get(&format!("/schemas/guids/{guid}/ids")).await.1,
        json!([{"context": ".", "id": id}])
    );
    assert_error(
        &app.get("/schemas/guids/00000000-0000-0000-0000-000000000000")
            .await,
        404,
        40403,
    );
}

#[tokio::test]
async fn warm_reads_by_id_still_negotiate() {
    let app = TestApp::spawn().await;
    let id = app.register_ok("s", &user()).await;
    let path = format!("/schemas/ids/{id}");
    let (_, cold) = app.get(&path).await;
    for _ in 0..2 {
        // Warm now: the same body, labelled as the client asked.
        let response = app
            .client
            .get(app.url(&path))
            .header("Accept", "application/json")
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        assert_eq!(response.json::<Value>().await.expect("json"), cold);
    }
    let refused = app
        .client
        .get(app.url(&path))
        .header("Accept", "application/vnd.schemaregistry.v2+json")
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 406);
}
