//! Many clients at once: exactly one version and one id per distinct schema.

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_schema_make_one_version() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let schema = record("Same", &[field("a", "int")]);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let app = app.clone();
        let schema = schema.clone();
        tasks.push(tokio::spawn(
            async move { app.register("s", &schema).await },
        ));
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(status, 200, "{body}");
        ids.insert((body["id"].as_i64(), body["version"].as_i64()));
    }
    assert_eq!(
        ids.len(),
        1,
        "all clients saw the same id and version: {ids:?}"
    );
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_distinct_schemas_get_contiguous_versions_and_distinct_ids() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    app.put("/config/s", json!({"compatibility": "NONE"})).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            app.register("s", &record(&format!("R{i}"), &[field("a", "int")]))
                .await
        }));
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(status, 200, "{body}");
        ids.insert(body["id"].as_i64().expect("id"));
    }
    assert_eq!(ids.len(), 24);
    let expected: Vec<i64> = (1..=24).collect();
    assert_eq!(app.get("/subjects/s/versions").await.1, json!(expected));
}
