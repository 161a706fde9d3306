//! The catalog REST API: CRUD, relationships both ways, rules, catalog as code, search,
//! field tags, and the demo landscape.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, field, record};

/// POSTs a catalog file (YAML) to `/catalog/apply`.
async fn apply(app: &TestApp, yaml: &str, dry_run: bool) -> (u16, Value) {
    let path = format!("/catalog/apply?dryRun={dry_run}");
    app.post_raw(&path, "application/yaml", yaml.to_owned())
        .await
}

async fn names(app: &TestApp, path: &str) -> Vec<String> {
    let (status, body) = app.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    let items = body.get("items").unwrap_or(&body);
    items
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_owned())
        .collect()
}

const LANDSCAPE: &str = r#"
teams:
  - name: checkout
    email: checkout@example.com
domains:
  - name: orders
    owner: checkout
topics:
  - name: orders.events
    domain: orders
    tags: [core]
events:
  - name: OrderPlaced
    topic: orders.events
    subject: orders.events-value
applications:
  - name: shop
    owner: checkout
    produces:
      - topic: orders.events
        event: OrderPlaced
  - name: billing
    consumes:
      - topic: orders.events
        versions: ">=2"
schemas:
  - subject: orders.events-value
    versions:
      - schema: '{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"email","type":"string","confluent:tags":["PII"]}]}'
      - schema: '{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"email","type":"string","confluent:tags":["PII"]},{"name":"note","type":"string","default":""}]}'
"#;

#[tokio::test]
async fn entities_have_full_crud() {
    let app = TestApp::spawn().await;
    let (status, created) = app
        .post(
            "/catalog/teams",
            json!({"name": "payments", "email": "p@example.com"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["email"], "p@example.com");

    let (status, team) = app.get("/catalog/teams/payments").await;
    assert_eq!(
        (status, team["email"].as_str()),
        (200, Some("p@example.com"))
    );

    let (status, _) = app
        .put("/catalog/teams/payments", json!({"chat": "#payments"}))
        .await;
    assert_eq!(status, 200);
    let (_, team) = app.get("/catalog/teams/payments").await;
    assert_eq!(team["chat"], "#payments");
    assert!(
        team.get("email").is_none(),
        "PUT replaces the whole document: {team}"
    );

    let (status, _) = app
        .put("/catalog/teams/risk", json!({"name": "risk"}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        names(&app, "/catalog/teams").await,
        vec!["payments", "risk"]
    );

    let deleted = app
        .request(Method::DELETE, "/catalog/teams/risk", None)
        .await;
    assert_eq!(deleted.status().as_u16(), 204);
    let (status, body) = app.get("/catalog/teams/risk").await;
    assert_eq!((status, body["error_code"].as_i64()), (404, Some(40410)));
}

#[tokio::test]
async fn lists_filter_and_paginate() {
    let app = TestApp::spawn().await;
    for i in 0..12 {
        let tags = if i % 3 == 0 {
            json!(["core"])
        } else {
            json!([])
        };
        let (status, body) = app
            .post(
                "/catalog/topics",
                json!({"name": format!("t{i:02}"), "tags": tags}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, page) = app.get("/catalog/topics?offset=5&limit=4").await;
    assert_eq!(page["total"], 12);
    let page_names: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(page_names, vec!["t05", "t06", "t07", "t08"]);
    assert_eq!(
        names(&app, "/catalog/topics?tag=CORE").await,
        vec!["t00", "t03", "t06", "t09"]
    );
    assert_eq!(
        names(&app, "/catalog/topics?q=T1").await,
        vec!["t10", "t11"]
    );
}

#[tokio::test]
async fn bad_bodies_get_clear_errors() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post_raw("/catalog/teams", "application/json", "{not json")
        .await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (400, Some(40010)),
        "{body}"
    );

    let (status, body) = app
        .post("/catalog/teams", json!({"name": "a", "emial": "x"}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap_or("").contains("emial"),
        "{body}"
    );

    let (status, body) = app
        .post("/catalog/teams", json!({"name": "has space"}))
        .await;
    assert_eq!(status, 422, "{body}");

    let (status, body) = app.put("/catalog/teams/a", json!({"name": "b"})).await;
    assert_eq!(status, 422, "{body}");

    app.post("/catalog/teams", json!({"name": "a"})).await;
    let (status, body) = app.post("/catalog/teams", json!({"name": "a"})).await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (409, Some(40910)),
        "{body}"
    );

    let (status, body) = app.get("/catalog/widgets").await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn dangling_references_are_refused_and_named() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post(
            "/catalog/applications",
            json!({"name": "ghost", "owner": "nobody", "consumes": [{"topic": "missing"}]}),
        )
        .await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (422, Some(42210)),
        "{body}"
    );
    let problems: Vec<&str> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert!(
        problems.contains(&"owner: team nobody does not exist"),
        "{body}"
    );
    assert!(
        problems.contains(&"consumes: topic missing does not exist"),
        "{body}"
    );
    assert_eq!(app.get("/catalog/applications/ghost").await.0, 404);
}

#[tokio::test]
async fn referenced_entities_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    assert_eq!(apply(&app, LANDSCAPE, false).await.0, 200);
    let (status, body) = app.delete("/catalog/topics/orders.events").await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (409, Some(40912)),
        "{body}"
    );
    let message = body["message"].as_str().unwrap_or("");
    assert!(message.contains("application billing"), "{body}");
    assert!(message.contains("event OrderPlaced"), "{body}");
    assert_eq!(app.get("/catalog/topics/orders.events").await.0, 200);
}

#[tokio::test]
async fn relationships_are_navigable_both_ways() {
    let app = TestApp::spawn().await;
    let (status, report) = apply(&app, LANDSCAPE, false).await;
    assert_eq!(status, 200, "{report}");

    let (_, producers) = app.get("/catalog/topics/orders.events/producers").await;
    assert_eq!(producers[0]["name"], "shop");
    assert_eq!(producers[0]["via"], "OrderPlaced");
    let (_, consumers) = app.get("/catalog/topics/orders.events/consumers").await;
    assert_eq!(consumers[0]["name"], "billing");
    assert_eq!(consumers[0]["versions"], ">=2");

    let (_, produces) = app.get("/catalog/applications/shop/produces").await;
    assert_eq!(
        (produces[0]["kind"].as_str(), produces[0]["name"].as_str()),
        (Some("topic"), Some("orders.events"))
    );
    let (_, owned) = app.get("/catalog/teams/checkout/owns").await;
    assert_eq!(owned.as_array().map(Vec::len), Some(2), "{owned}");

    let (status, usage) = app.get("/catalog/subjects/orders.events-value").await;
    assert_eq!(status, 200, "{usage}");
    assert_eq!(usage["topics"], json!(["orders.events"]));
    assert_eq!(usage["events"], json!(["OrderPlaced"]));
    let billing = usage["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .find(|a| a["application"] == "billing")
        .expect("billing reads the subject")
        .clone();
    assert_eq!(billing["role"], "consumes");
    assert_eq!(billing["resolvedVersions"], json!([2]));

    let (status, _) = app.get("/catalog/topics/orders.events/owns").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn apply_is_idempotent_and_dry_run_changes_nothing() {
    let app = TestApp::spawn().await;
    let (status, plan) = apply(&app, LANDSCAPE, true).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["dryRun"], true);
    let planned = plan["changes"].as_array().expect("changes").len();
    assert_eq!(
        planned,
        2 + 6,
        "two schema versions and six entities: {plan}"
    );
    assert_eq!(app.get("/catalog/topics/orders.events").await.0, 404);
    assert_eq!(
        app.get("/subjects/orders.events-value/versions").await.0,
        404
    );

    let (_, done) = apply(&app, LANDSCAPE, false).await;
    assert_eq!(done["changes"].as_array().map(Vec::len), Some(planned));
    let (_, versions) = app.get("/subjects/orders.events-value/versions").await;
    assert_eq!(versions, json!([1, 2]));

    let (_, again) = apply(&app, LANDSCAPE, false).await;
    assert_eq!(
        again["changes"],
        json!([]),
        "a second apply changes nothing"
    );
}

#[tokio::test]
async fn a_bad_file_is_refused_whole_with_lines() {
    let app = TestApp::spawn().await;
    let broken = LANDSCAPE.replace(
        "    consumes:\n      - topic: orders.events",
        "    consumes:\n      - topic: orders.evnets",
    );
    let (status, body) = apply(&app, &broken, false).await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (422, Some(42210)),
        "{body}"
    );
    let problem = &body["problems"][0];
    assert_eq!(problem["kind"], "application");
    assert_eq!(problem["name"], "billing");
    let line = problem["line"].as_u64().expect("a line") as usize;
    let declared = broken.lines().nth(line - 1).unwrap_or("");
    assert!(
        declared.contains("name: billing"),
        "line {line} is {declared:?}"
    );
    // Nothing half-applied: neither entities nor the file's schemas.
    assert_eq!(app.get("/catalog/teams/checkout").await.0, 404);
    assert_eq!(
        app.get("/subjects/orders.events-value/versions").await.0,
        404
    );

    let (status, body) = apply(&app, "topics:\n  - name: a\n   bad: [\n", false).await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (422, Some(42211)),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("request body:"),
        "{body}"
    );
}

#[tokio::test]
async fn an_incompatible_schema_in_a_file_refuses_the_whole_file() {
    let app = TestApp::spawn().await;
    app.register_ok(
        "orders.events-value",
        &record("Order", &[field("id", "string"), field("email", "string")]),
    )
    .await;
    let incompatible = LANDSCAPE.replace(
        r#"{"name":"note","type":"string","default":""}"#,
        r#"{"name":"note","type":"string"}"#,
    );
    let (status, body) = apply(&app, &incompatible, false).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("orders.events-value"),
        "{body}"
    );
    assert_eq!(app.get("/catalog/topics/orders.events").await.0, 404);
}

#[tokio::test]
async fn export_applies_back_to_the_same_catalog() {
    let app = TestApp::spawn().await;
    apply(&app, LANDSCAPE, false).await;
    let response = app
        .request(Method::GET, "/catalog/export?schemas=true", None)
        .await;
    assert_eq!(
        response.headers()["content-type"].to_str().ok(),
        Some("application/yaml")
    );
    let exported = response.text().await.expect("body");

    let other = TestApp::spawn().await;
    let (status, report) = apply(&other, &exported, false).await;
    assert_eq!(status, 200, "{report}\n{exported}");
    let again = other
        .request(Method::GET, "/catalog/export?schemas=true", None)
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(again, exported);
}

#[tokio::test]
async fn the_catalog_file_has_a_json_schema() {
    let app = TestApp::spawn().await;
    let (status, schema) = app.get("/catalog/schema.json").await;
    assert_eq!(status, 200);
    assert!(schema["properties"]["topics"].is_object(), "{schema}");
    let text = schema.to_string();
    assert!(!text.contains("#/components/"), "refs point into $defs");
    for kind in ["Domain", "Team", "Application", "Topic", "Event"] {
        assert!(schema["$defs"][kind].is_object(), "$defs has {kind}");
    }
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/catalog.schema.json"
        ))
        .expect("docs/catalog.schema.json exists"),
    )
    .expect("committed schema is JSON");
    assert_eq!(
        committed, schema,
        "docs/catalog.schema.json is stale: regenerate it from /catalog/schema.json"
    );
}

#[tokio::test]
async fn concurrent_writers_lose_nothing() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let writers = (0..16).map(|i| {
        let app = app.clone();
        tokio::spawn(async move {
            app.post("/catalog/teams", json!({"name": format!("team-{i:02}")}))
                .await
                .0
        })
    });
    for writer in writers {
        assert_eq!(writer.await.expect("writer"), 201);
    }
    assert_eq!(names(&app, "/catalog/teams").await.len(), 16);
}

#[tokio::test]
async fn search_and_field_tags_answer_who_reads_pii() {
    let app = TestApp::spawn().await;
    apply(&app, LANDSCAPE, false).await;
    let (_, pii) = app.get("/catalog/fields?tag=pii").await;
    let email = &pii[0];
    assert_eq!(email["subject"], "orders.events-value");
    assert_eq!(email["path"], "email");
    assert_eq!(email["readers"], json!(["billing"]));
    assert_eq!(email["writers"], json!(["shop"]));

    let (_, found) = app.get("/search?q=email").await;
    let field_hit = found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .find(|h| h["kind"] == "field")
        .expect("a field hit")
        .clone();
    assert_eq!(field_hit["subject"], "orders.events-value");
    assert_eq!(field_hit["readers"], json!(["billing"]));

    let (_, found) = app.get("/search?q=core").await;
    assert_eq!(
        found["hits"][0]["name"], "orders.events",
        "tags are searched: {found}"
    );
    let (_, none) = app.get("/search?q=").await;
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn the_demo_landscape_is_rich_and_consistent() {
    let app = TestApp::spawn_with_demo().await;
    let count = |body: &Value| body["total"].as_u64().unwrap_or(0);
    assert!(count(&app.get("/catalog/applications").await.1) >= 6);
    assert!(count(&app.get("/catalog/topics").await.1) >= 8);
    assert!(count(&app.get("/catalog/events").await.1) >= 12);
    let (_, deprecated) = app.get("/catalog/events?lifecycle=deprecated").await;
    let event = &deprecated["items"][0];
    assert!(
        event["replacedBy"].is_string() && event["sunset"].is_string(),
        "{deprecated}"
    );

    let (_, types) = app.get("/schemas?latestOnly=true").await;
    let formats: std::collections::BTreeSet<&str> = types
        .as_array()
        .expect("schemas")
        .iter()
        .map(|s| s["schemaType"].as_str().unwrap_or("AVRO"))
        .collect();
    assert_eq!(formats.len(), 3, "all three formats: {formats:?}");

    let (_, pii) = app.get("/catalog/fields?tag=PII").await;
    let pii = pii.as_array().expect("fields");
    assert!(
        pii.iter()
            .any(|f| !f["readers"].as_array().is_none_or(Vec::is_empty)),
        "someone reads PII"
    );
}

#[tokio::test]
async fn the_catalog_api_is_in_the_openapi_document() {
    let app = TestApp::spawn().await;
    let (_, document) = app.get("/openapi.json").await;
    let expected = [
        ("/catalog/{kind}", "get"),
        ("/catalog/{kind}", "post"),
        ("/catalog/{kind}/{name}", "get"),
        ("/catalog/{kind}/{name}", "put"),
        ("/catalog/{kind}/{name}", "delete"),
        ("/catalog/{kind}/{name}/{relation}", "get"),
        ("/catalog/apply", "post"),
        ("/catalog/export", "get"),
        ("/catalog/schema.json", "get"),
        ("/catalog/fields", "get"),
        ("/catalog/subjects/{subject}", "get"),
        ("/search", "get"),
    ];
    for (path, method) in expected {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    // Every $ref points at a component that exists.
    let text = document.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap_or("");
        assert!(
            document["components"]["schemas"][name].is_object(),
            "dangling $ref to {name}"
        );
    }
}

#[tokio::test]
async fn the_demo_exports_and_applies_elsewhere_with_its_references() {
    let demo = TestApp::spawn_with_demo().await;
    let exported = export_with_schemas(&demo).await;
    let copy = TestApp::spawn().await;
    let (status, report) = apply(&copy, &exported, false).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(export_with_schemas(&copy).await, exported);
    // Referenced subjects came along, and the ids line up with the original.
    let (_, money) = demo.get("/subjects/com.shop.common.Money/versions/1").await;
    let (_, copied) = copy.get("/subjects/com.shop.common.Money/versions/1").await;
    assert_eq!(money["schema"], copied["schema"]);
}

async fn export_with_schemas(app: &TestApp) -> String {
    let response = app
        .request(Method::GET, "/catalog/export?schemas=true", None)
        .await;
    response.text().await.expect("body")
}

#[tokio::test]
async fn a_history_that_breaks_midway_registers_nothing() {
    let app = TestApp::spawn().await;
    let history = r#"
topics:
  - name: audit
schemas:
  - subject: audit-value
    compatibility: BACKWARD
    versions:
      - schema: '{"type":"record","name":"A","fields":[{"name":"id","type":"string"}]}'
      - schema: '{"type":"record","name":"A","fields":[{"name":"id","type":"string"},{"name":"at","type":"long","default":0}]}'
      - schema: '{"type":"record","name":"A","fields":[{"name":"id","type":"string"},{"name":"who","type":"string"}]}'
"#;
    let (status, body) = apply(&app, history, false).await;
    assert_eq!(status, 422, "{body}");
    let message = body["message"].as_str().unwrap_or("");
    assert!(message.contains("audit-value version #3"), "{message}");
    assert_eq!(
        app.get("/subjects/audit-value/versions").await.0,
        404,
        "v1 and v2 not registered"
    );
    assert_eq!(
        app.get("/config/audit-value").await.0,
        404,
        "no level set either"
    );
    assert_eq!(app.get("/catalog/topics/audit").await.0, 404);

    // The level the file sets is the one the history is checked under.
    let relaxed = history.replace("BACKWARD", "NONE");
    let (status, body) = apply(&app, &relaxed, false).await;
    assert_eq!(status, 200, "{body}");
    let (_, versions) = app.get("/subjects/audit-value/versions").await;
    assert_eq!(versions, json!([1, 2, 3]));
}
