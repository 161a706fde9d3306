//! Protobuf and JSON Schema through the wire API: registration with imports and
//! references, formats, compatibility, validation.

use serde_json::{Value, json};

use crate::helpers::*;

const MONEY: &str = "syntax = \"proto3\";\npackage shop.common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n";

const ORDER: &str = "syntax = \"proto3\";\npackage shop.orders;\n\nimport \"shop/common/money.proto\";\n\nmessage Order {\n  string id = 1;\n  shop.common.Money total = 2;\n}\n";

async fn register_typed(app: &TestApp, subject: &str, body: Value) -> (u16, Value) {
    app.post(&format!("/subjects/{subject}/versions"), body)
        .await
}

async fn register_order(app: &TestApp) -> i64 {
    let (status, money) = register_typed(
        app,
        "shop%2Fcommon%2Fmoney.proto",
        json!({"schemaType": "PROTOBUF", "schema": MONEY}),
    )
    .await;
    assert_eq!(status, 200, "{money}");
    let (status, order) = register_typed(
        app,
        "orders-value",
        json!({"schemaType": "PROTOBUF", "schema": ORDER,
               "references": [{"name": "shop/common/money.proto", "subject": "shop/common/money.proto", "version": 1}]}),
    )
    .await;
    assert_eq!(status, 200, "{order}");
    order["id"].as_i64().expect("id")
}

#[tokio::test]
async fn protobuf_with_an_import_registers_and_serves_both_formats() {
    let app = TestApp::spawn().await;
    let id = register_order(&app).await;
    let (status, by_id) = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(by_id["schemaType"], "PROTOBUF");
    assert_eq!(by_id["references"][0]["subject"], "shop/common/money.proto");
    let text = by_id["schema"].as_str().expect("schema");
    assert!(
        text.contains("import \"shop/common/money.proto\";"),
        "{text}"
    );
    assert!(text.contains("message Order"), "{text}");
    let (_, serialized) = app
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .await;
    let encoded = serialized["schema"].as_str().expect("schema");
    assert_ne!(encoded, text);
    // The serialized form (what the Python serializer sends) registers too, and the same
    // descriptor always gets the same id.
    let with_reference = |schema: &str| {
        json!({"schemaType": "PROTOBUF", "schema": schema,
               "references": [{"name": "shop/common/money.proto", "subject": "shop/common/money.proto", "version": 1}]})
    };
    let (status, first) = register_typed(&app, "orders-copy", with_reference(encoded)).await;
    assert_eq!(status, 200, "{first}");
    let (_, second) = register_typed(&app, "orders-copy-2", with_reference(encoded)).await;
    assert_eq!(first["id"], second["id"]);
    let (_, dependency) = app
        .get("/subjects/shop%2Fcommon%2Fmoney.proto/versions/1?format=serialized")
        .await;
    assert_eq!(dependency["schemaType"], "PROTOBUF");
    assert!(
        !dependency["schema"]
            .as_str()
            .expect("schema")
            .contains("syntax")
    );
}

#[tokio::test]
async fn protobuf_imports_must_resolve() {
    let app = TestApp::spawn().await;
    let result = register_typed(
        &app,
        "orders-value",
        json!({"schemaType": "PROTOBUF", "schema": ORDER}),
    )
    .await;
    let message = assert_error(&result, 422, 42201);
    assert!(
        message.starts_with("Invalid schema of type PROTOBUF"),
        "{message}"
    );
    let garbage = register_typed(
        &app,
        "x",
        json!({"schemaType": "PROTOBUF", "schema": "message {"}),
    )
    .await;
    assert_error(&garbage, 422, 42201);
}

#[tokio::test]
async fn protobuf_incompatible_changes_are_409() {
    let app = TestApp::spawn().await;
    let v1 = "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n}\n";
    let changed = "syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n}\n";
    let added = "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n  int32 b = 2;\n}\n";
    assert_eq!(
        register_typed(&app, "m", json!({"schemaType": "PROTOBUF", "schema": v1}))
            .await
            .0,
        200
    );
    let (status, body) = register_typed(
        &app,
        "m",
        json!({"schemaType": "PROTOBUF", "schema": changed}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("FIELD_SCALAR_KIND_CHANGED"),
        "{body}"
    );
    assert_eq!(
        register_typed(
            &app,
            "m",
            json!({"schemaType": "PROTOBUF", "schema": added})
        )
        .await
        .0,
        200
    );
    // A different schema type is never compatible.
    let avro = json!({"schema": record("M", &[field("a", "string")]).to_string()});
    assert_eq!(register_typed(&app, "m", avro).await.0, 409);
}

#[tokio::test]
async fn json_schema_compatibility_follows_the_policy() {
    let app = TestApp::spawn().await;
    let v1 = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let added_optional = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}});
    let body = |schema: &Value| json!({"schemaType": "JSON", "schema": schema.to_string()});
    assert_eq!(register_typed(&app, "j", body(&v1)).await.0, 200);
    // Adding an optional property to an open content model: LENIENT only (digest §9).
    let (status, strict) = register_typed(&app, "j", body(&added_optional)).await;
    assert_eq!(status, 409, "{strict}");
    assert!(
        strict["message"]
            .as_str()
            .expect("message")
            .contains("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
    );
    app.put(
        "/config/j",
        json!({"compatibility": "BACKWARD", "compatibilityPolicy": "LENIENT"}),
    )
    .await;
    let (status, lenient) = register_typed(&app, "j", body(&added_optional)).await;
    assert_eq!(status, 200, "{lenient}");
    assert_eq!(lenient["schemaType"], "JSON");
    let invalid = register_typed(
        &app,
        "j2",
        json!({"schemaType": "JSON", "schema": "{\"type\": \"object\", \"pattern\": \"([\"}"}),
    )
    .await;
    assert_error(&invalid, 422, 42201);
}

#[tokio::test]
async fn payloads_validate_in_every_format() {
    let app = TestApp::spawn().await;
    let order_id = register_order(&app).await;
    let (_, verdict) = app
        .post(
            &format!("/validate/schemas/ids/{order_id}"),
            json!({"id": "o-1", "total": {"currency": "EUR", "units": "12"}}),
        )
        .await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    let (_, verdict) = app
        .post(
            &format!("/validate/schemas/ids/{order_id}"),
            json!({"id": 3, "total": {"cents": 1}}),
        )
        .await;
    let paths: Vec<&str> = verdict["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["/id", "/total/cents"], "{verdict}");

    // Another message of the schema (here one from the imported file) can be named.
    let (_, verdict) = app
        .post(
            &format!("/validate/schemas/ids/{order_id}?message=shop.common.Money"),
            json!({"currency": "EUR", "units": "5"}),
        )
        .await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    let (_, verdict) = app
        .post(
            &format!("/validate/schemas/ids/{order_id}?message=shop.Nope"),
            json!({}),
        )
        .await;
    assert_eq!(verdict["valid"], false, "{verdict}");

    let schema = json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}, "s": {"type": "string"}}, "required": ["n"]});
    let (_, registered) = register_typed(
        &app,
        "json-value",
        json!({"schemaType": "JSON", "schema": schema.to_string()}),
    )
    .await;
    let (_, verdict) = app
        .post(
            "/validate/subjects/json-value/versions/latest",
            json!({"n": -1, "s": 2}),
        )
        .await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(
        verdict["errors"].as_array().map(Vec::len),
        Some(2),
        "{verdict}"
    );

    // Wire format: JSON Schema payloads are JSON bytes after the header.
    let mut bytes = vec![0u8];
    bytes.extend(
        u32::try_from(registered["id"].as_i64().expect("id"))
            .expect("id")
            .to_be_bytes(),
    );
    bytes.extend(br#"{"n": 4}"#);
    let (_, verdict) = app
        .post_raw("/validate/wire", "application/octet-stream", bytes)
        .await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["decoded"], json!({"n": 4}));

    // Protobuf wire format: header, message index [0] as a single 0 byte, then the message:
    // field 1 (id) = "o1".
    let mut bytes = vec![0u8];
    bytes.extend(u32::try_from(order_id).expect("id").to_be_bytes());
    bytes.extend([0x00, 0x0a, 0x02, b'o', b'1']);
    let (_, verdict) = app
        .post_raw("/validate/wire", "application/octet-stream", bytes)
        .await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["decoded"], json!({"id": "o1"}));
}

#[tokio::test]
async fn json_schema_refs_to_other_subjects_resolve_through_references() {
    let app = TestApp::spawn().await;
    let address = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {"city": {"type": "string"}}, "required": ["city"]});
    let (status, _) = register_typed(
        &app,
        "address",
        json!({"schemaType": "JSON", "schema": address.to_string()}),
    )
    .await;
    assert_eq!(status, 200);
    let customer = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {"address": {"$ref": "address.json"}}});
    let (status, body) = register_typed(
        &app,
        "customer",
        json!({"schemaType": "JSON", "schema": customer.to_string(),
               "references": [{"name": "address.json", "subject": "address", "version": 1}]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The referenced schema takes part in validation.
    let (_, verdict) = app
        .post(
            "/validate/subjects/customer/versions/1",
            json!({"address": {}}),
        )
        .await;
    assert_eq!(verdict["valid"], false, "{verdict}");
    assert_eq!(verdict["errors"][0]["path"], "/address");
    // Without the reference the `$ref` cannot be resolved (and nothing is fetched).
    let unresolved = register_typed(
        &app,
        "customer2",
        json!({"schemaType": "JSON", "schema": customer.to_string()}),
    )
    .await;
    assert_error(&unresolved, 422, 42201);
}

#[tokio::test]
async fn hostile_protobuf_and_json_schemas_are_refused_quickly() {
    let app = TestApp::spawn().await;
    let started = std::time::Instant::now();
    let deep_proto = format!(
        "syntax = \"proto3\";\n{}{}",
        "message M { ".repeat(10_000),
        "}".repeat(10_000)
    );
    assert_error(
        &register_typed(
            &app,
            "p",
            json!({"schemaType": "PROTOBUF", "schema": deep_proto}),
        )
        .await,
        422,
        42201,
    );
    let deep_json = format!(
        "{}{}",
        "{\"items\":".repeat(10_000),
        "{}".to_string() + &"}".repeat(10_000)
    );
    assert_error(
        &register_typed(
            &app,
            "j",
            json!({"schemaType": "JSON", "schema": deep_json}),
        )
        .await,
        422,
        42201,
    );
    let values: String = (0..20_000).map(|i| format!("  V{i} = {i};\n")).collect();
    let huge_enum = format!("syntax = \"proto3\";\nenum Big {{\n{values}}}\n");
    let (status, _) = register_typed(
        &app,
        "e",
        json!({"schemaType": "PROTOBUF", "schema": huge_enum}),
    )
    .await;
    assert_eq!(status, 200, "a large but valid enum is accepted");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(app.get("/subjects").await.1, json!(["e"]));
}
