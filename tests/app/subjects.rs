//! `/subjects...`: registration, versions, lookup, deletes, references.

use serde_json::{Value, json};

use crate::helpers::*;

fn v1() -> Value {
    record("Order", &[field("id", "string")])
}

fn v2() -> Value {
    record(
        "Order",
        &[
            field("id", "string"),
            field_with_default("note", "string", json!("")),
        ],
    )
}

#[tokio::test]
async fn register_assigns_versions_and_reregistering_is_idempotent() {
    let app = TestApp::spawn().await;
    let (status, first) = app.register("orders-value", &v1()).await;
    assert_eq!(status, 200);
    assert_eq!(first["id"], 1);
    assert_eq!(first["version"], 1);
    let (_, second) = app.register("orders-value", &v2()).await;
    assert_eq!(second["id"], 2);
    assert_eq!(second["version"], 2);
    let (_, again) = app.register("orders-value", &v1()).await;
    assert_eq!(again["id"], 1);
    assert_eq!(
        again["version"], 1,
        "an existing live version is returned, not duplicated"
    );
    let (_, versions) = app.get("/subjects/orders-value/versions").await;
    assert_eq!(versions, json!([1, 2]));
}

#[tokio::test]
async fn get_version_latest_and_errors() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &v1()).await;
    app.register_ok("s", &v2()).await;
    let (status, latest) = app.get("/subjects/s/versions/latest").await;
    assert_eq!(status, 200);
    assert_eq!(latest["version"], 2);
    assert_eq!(latest["subject"], "s");
    let (_, minus_one) = app.get("/subjects/s/versions/-1").await;
    assert_eq!(minus_one["version"], 2);
    assert_eq!(
        assert_error(&app.get("/subjects/s/versions/3").await, 404, 40402),
        "Version 3 not found."
    );
    assert_eq!(
        assert_error(&app.get("/subjects/nope/versions/1").await, 404, 40401),
        "Subject 'nope' not found."
    );
    for bad in ["0", "-2", "abc", "2147483648"] {
        assert_error(
            &app.get(&format!("/subjects/s/versions/{bad}")).await,
            422,
            42202,
        );
    }
    let text = app
        .request(reqwest::Method::GET, "/subjects/s/versions/1/schema", None)
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("json"), v1());
}

#[tokio::test]
async fn subjects_list_respects_deletion_flags() {
    let app = TestApp::spawn().await;
    app.register_ok("a", &v1()).await;
    app.register_ok("b", &v1()).await;
    app.delete("/subjects/b").await;
    assert_eq!(app.get("/subjects").await.1, json!(["a"]));
    assert_eq!(app.get("/subjects?deleted=true").await.1, json!(["a", "b"]));
    assert_eq!(app.get("/subjects?deletedOnly=true").await.1, json!(["b"]));
    assert_eq!(
        app.get("/subjects?subjectPrefix=b&deleted=true").await.1,
        json!(["b"])
    );
}

#[tokio::test]
async fn lookup_finds_the_version_or_explains_why_not() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &v1()).await;
    app.register_ok("s", &v2()).await;
    let (status, found) = app
        .post("/subjects/s", json!({"schema": v1().to_string()}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["version"], 1);
    assert_eq!(found["id"], 1);
    let other = record("Other", &[field("x", "int")]);
    assert_error(
        &app.post("/subjects/s", json!({"schema": other.to_string()}))
            .await,
        404,
        40403,
    );
    assert_error(
        &app.post("/subjects/none", json!({"schema": v1().to_string()}))
            .await,
        404,
        40401,
    );
    assert_error(
        &app.post("/subjects/s", json!({"schema": "{not avro"}))
            .await,
        422,
        42201,
    );
}

#[tokio::test]
async fn soft_then_hard_delete_of_a_subject() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &v1()).await;
    app.register_ok("s", &v2()).await;
    assert_error(&app.delete("/subjects/s?permanent=true").await, 404, 40405);
    let (status, deleted) = app.delete("/subjects/s").await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!([1, 2]));
    let message = assert_error(&app.delete("/subjects/s").await, 404, 40404);
    assert_eq!(
        message,
        "Subject 's' was soft deleted.Set permanent=true to delete permanently"
    );
    assert_error(&app.get("/subjects/s/versions").await, 404, 40401);
    assert_eq!(
        app.get("/subjects/s/versions?deleted=true").await.1,
        json!([1, 2])
    );
    let (status, deleted) = app.delete("/subjects/s?permanent=true").await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!([1, 2]));
    assert_error(&app.delete("/subjects/s").await, 404, 40401);
}

#[tokio::test]
async fn version_deletes_and_their_errors() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &v1()).await;
    app.register_ok("s", &v2()).await;
    assert_error(
        &app.delete("/subjects/s/versions/1?permanent=true").await,
        404,
        40407,
    );
    assert_eq!(app.delete("/subjects/s/versions/1").await, (200, json!(1)));
    assert_error(&app.delete("/subjects/s/versions/1").await, 404, 40406);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([2]));
    assert_eq!(
        app.get("/subjects/s/versions?deletedAsNegative=true&deleted=true")
            .await
            .1,
        json!([-1, 2])
    );
    assert_eq!(app.get("/subjects/s/versions/1?deleted=true").await.0, 200);
    assert_error(&app.get("/subjects/s/versions/1").await, 404, 40402);
    assert_eq!(
        app.delete("/subjects/s/versions/1?permanent=true").await,
        (200, json!(1))
    );
    assert_error(&app.delete("/subjects/s/versions/9").await, 404, 40402);
    assert_error(&app.delete("/subjects/s/versions/abc").await, 422, 42202);
    assert_eq!(
        app.delete("/subjects/s/versions/latest").await,
        (200, json!(2))
    );
}

#[tokio::test]
async fn numbering_continues_after_soft_deletes() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &v1()).await;
    app.delete("/subjects/s").await;
    let (_, again) = app.register("s", &v1()).await;
    assert_eq!(
        again["version"], 2,
        "soft-deleted versions still count for numbering"
    );
    assert_eq!(again["id"], 1, "the same schema keeps its id");
}

#[tokio::test]
async fn empty_schema_is_refused_without_history() {
    let app = TestApp::spawn().await;
    let message = assert_error(
        &app.post("/subjects/s/versions", json!({"schema": ""}))
            .await,
        422,
        42201,
    );
    assert_eq!(message, "Empty schema");
}

#[tokio::test]
async fn metadata_and_rule_set_are_stored_and_echoed() {
    let app = TestApp::spawn().await;
    let metadata = json!({"properties": {"owner": "orders-team"}});
    let rule_set = json!({"domainRules": [{"name": "r", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}]});
    let (status, body) = app
        .post(
            "/subjects/s/versions",
            json!({"schema": v1().to_string(), "metadata": metadata, "ruleSet": rule_set}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, by_id) = app.get(&format!("/schemas/ids/{}", body["id"])).await;
    assert_eq!(by_id["metadata"], metadata);
    assert_eq!(by_id["ruleSet"], rule_set);
    // Different metadata is a different schema identity.
    let (_, plain) = app.register("t", &v1()).await;
    assert_ne!(plain["id"], body["id"]);
    let (status, found) = app
        .get("/subjects/s/metadata?key=owner&value=orders-team")
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["version"], 1);
    assert_error(
        &app.get("/subjects/s/metadata?key=owner&value=else").await,
        404,
        40403,
    );
}

#[tokio::test]
async fn references_resolve_and_protect_their_targets() {
    let app = TestApp::spawn().await;
    let address = json!({"type": "record", "name": "Address", "namespace": "com.example", "fields": [{"name": "city", "type": "string"}]});
    let address_id = app.register_ok("address", &address).await;
    let customer = json!({"type": "record", "name": "Customer", "namespace": "com.example",
        "fields": [{"name": "address", "type": "com.example.Address"}]});
    let (status, body) = app
        .post(
            "/subjects/customer/versions",
            json!({"schema": customer.to_string(),
                   "references": [{"name": "com.example.Address", "subject": "address", "version": 1}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let customer_id = body["id"].as_i64().expect("id");
    assert_ne!(customer_id, address_id);
    let (_, by_id) = app.get(&format!("/schemas/ids/{customer_id}")).await;
    assert_eq!(
        by_id["references"],
        json!([{"name": "com.example.Address", "subject": "address", "version": 1}])
    );
    assert_eq!(
        app.get("/subjects/address/versions/1/referencedby").await.1,
        json!([customer_id])
    );
    assert_error(
        &app.delete("/subjects/address/versions/1").await,
        422,
        42206,
    );
    assert_error(&app.delete("/subjects/address").await, 422, 42206);
    // Without the reference the named type is unknown.
    let (status, _) = app.register("customer2", &customer).await;
    assert_eq!(status, 422);
    // A reference to a missing subject is an invalid schema.
    let missing = app
        .post(
            "/subjects/customer3/versions",
            json!({"schema": customer.to_string(),
                   "references": [{"name": "com.example.Address", "subject": "nowhere", "version": 1}]}),
        )
        .await;
    assert_error(&missing, 422, 42201);
}

#[tokio::test]
async fn reserved_subject_names_are_refused() {
    let app = TestApp::spawn().await;
    assert_error(&app.register("__GLOBAL", &v1()).await, 422, 42208);
    assert_error(&app.register("bad%07name", &v1()).await, 422, 42208);
}

#[tokio::test]
async fn misleading_subject_names_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    // `.`, `..` and a blank name as raw requests: an HTTP client library resolves dot
    // segments (and reqwest mangles the blank one); `curl --path-as-is` and an attacker
    // do not.
    for name in ["%2E", "%2E%2E", ".", "%20%20"] {
        let answer = raw_post(&app, &format!("/subjects/{name}/versions"), &v1()).await;
        assert!(
            answer.starts_with("HTTP/1.1 422") && answer.contains("42208"),
            "{name}: {answer}"
        );
    }
    let too_long = "a".repeat(herald::model::MAX_SUBJECT_CHARS + 1);
    for name in [
        "orders%E2%80%AEeulav-", // right-to-left override
        "orders%E2%80%8B-value", // zero-width space
        "%EF%BB%BForders-value", // zero-width no-break space
        too_long.as_str(),
    ] {
        let (status, body) = app.register(name, &v1()).await;
        assert_eq!(
            (status, body["error_code"].as_i64()),
            (422, Some(42208)),
            "{name}: {body}"
        );
        let (status, _) = app
            .put(&format!("/config/{name}"), json!({"compatibility": "NONE"}))
            .await;
        assert_eq!(status, 422, "PUT /config/{name}");
    }
    let (status, subjects) = app.get("/subjects").await;
    assert_eq!(status, 200);
    assert_eq!(subjects, json!([]), "nothing was registered");
    // The longest allowed name still works.
    app.register_ok(&"a".repeat(herald::model::MAX_SUBJECT_CHARS), &v1())
        .await;
}

/// A POST written straight to the socket, path as given (no dot-segment resolution); the
/// whole answer as text.
async fn raw_post(app: &TestApp, path: &str, schema: &Value) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = json!({ "schema": schema.to_string() }).to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        app.addr,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("answer within 10 s")
    .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn metadata_and_rule_sets_of_another_shape_are_refused_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    for (field, value, code) in [
        ("metadata", json!("garbage"), 42201),
        ("metadata", json!({"properties": {"owner": 7}}), 42201),
        ("ruleSet", json!(5), 42210),
        ("ruleSet", json!({"domainRules": [{"name": "r"}]}), 42210),
        (
            "ruleSet",
            json!({"migrationRules": [{"name": "m", "type": "JSONATA", "mode": "WRITE"}]}),
            42210,
        ),
    ] {
        let (status, body) = app
            .post(
                "/subjects/s/versions",
                json!({"schema": v1().to_string(), field: value}),
            )
            .await;
        assert_eq!(
            (status, body["error_code"].as_i64()),
            (422, Some(code)),
            "{field}: {value}: {body}"
        );
    }
    let (_, subjects) = app.get("/subjects").await;
    assert_eq!(subjects, json!([]));
}
