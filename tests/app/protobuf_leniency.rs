//! Confluent's default Protobuf leniency (`validateFields` off): types resolve against
//! every referenced file and the built-ins whether imported or not, an import that names
//! no reference is tolerated, and the text is kept as written. With `validateFields` on
//! (subject or global config) imports must be exact, as before.

use serde_json::{Value, json};

use crate::helpers::*;

/// The referenced file: a message with a nested one (Karapace's "reference to nested
/// message" cases).
const OUTER: &str = "syntax = \"proto3\";\npackage shop.common;\n\nmessage Outer {\n  string id = 1;\n  Inner inner = 2;\n\n  message Inner {\n    string code = 1;\n  }\n}\n";

/// References `outer.proto` but never imports it; uses the nested message by its
/// qualified name.
const ORDER_WITHOUT_IMPORT: &str = "syntax = \"proto3\";\npackage shop.orders;\n\nmessage Order {\n  string id = 1;\n  shop.common.Outer.Inner code = 2;\n}\n";

/// Same package as `Outer`, so the nested message is named relatively.
const SAME_PACKAGE_WITHOUT_IMPORT: &str = "syntax = \"proto3\";\npackage shop.common;\n\nmessage Line {\n  Outer.Inner code = 1;\n  Outer outer = 2;\n}\n";

/// Imports a file no reference names (the reference is called `outer.proto`).
const ORDER_WITH_STRAY_IMPORT: &str = "syntax = \"proto3\";\npackage shop.orders;\n\nimport \"shop/common/outer.proto\";\n\nmessage Order {\n  shop.common.Outer.Inner code = 1;\n}\n";

/// A built-in type with no import.
const CUSTOMER: &str = "syntax = \"proto3\";\npackage shop.crm;\n\nmessage Customer {\n  string name = 1;\n  google.type.PostalAddress address = 2;\n  google.protobuf.Timestamp since = 3;\n}\n";

/// A type that is defined nowhere.
const DANGLING: &str = "syntax = \"proto3\";\npackage shop.crm;\n\nmessage Customer {\n  shop.nowhere.Address address = 1;\n}\n";

fn protobuf(schema: &str, references: Value) -> Value {
    json!({"schemaType": "PROTOBUF", "schema": schema, "references": references})
}

fn outer_reference() -> Value {
    json!([{"name": "outer.proto", "subject": "shop-common-outer", "version": 1}])
}

async fn register_outer(app: &TestApp) {
    let (status, body) = app
        .post(
            "/subjects/shop-common-outer/versions",
            protobuf(OUTER, json!([])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// Registers and insists it worked; returns the stored text served by id.
async fn register_and_read_back(app: &TestApp, subject: &str, body: Value) -> String {
    let (status, registered) = app
        .post(&format!("/subjects/{subject}/versions"), body)
        .await;
    assert_eq!(status, 200, "{subject}: {registered}");
    let id = registered["id"].as_i64().expect("id");
    let (status, by_id) = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, 200, "{by_id}");
    by_id["schema"].as_str().expect("schema").to_owned()
}

#[tokio::test]
async fn a_nested_message_of_a_reference_resolves_without_an_import() {
    let app = TestApp::spawn().await;
    register_outer(&app).await;
    let stored = register_and_read_back(
        &app,
        "orders-value",
        protobuf(ORDER_WITHOUT_IMPORT, outer_reference()),
    )
    .await;
    // Kept as written: no import is added to the text.
    assert_eq!(stored, ORDER_WITHOUT_IMPORT);
    let stored = register_and_read_back(
        &app,
        "lines-value",
        protobuf(SAME_PACKAGE_WITHOUT_IMPORT, outer_reference()),
    )
    .await;
    assert_eq!(stored, SAME_PACKAGE_WITHOUT_IMPORT);
}

#[tokio::test]
async fn an_import_that_names_no_reference_is_tolerated_and_kept() {
    let app = TestApp::spawn().await;
    register_outer(&app).await;
    let stored = register_and_read_back(
        &app,
        "orders-value",
        protobuf(ORDER_WITH_STRAY_IMPORT, outer_reference()),
    )
    .await;
    assert_eq!(stored, ORDER_WITH_STRAY_IMPORT);
}

#[tokio::test]
async fn built_in_types_resolve_without_an_import() {
    let app = TestApp::spawn().await;
    let stored =
        register_and_read_back(&app, "customers-value", protobuf(CUSTOMER, json!([]))).await;
    assert_eq!(stored, CUSTOMER);
    // The stored schema is read again for every later use: the serialized form, the
    // compatibility check of the next version and a payload validation all work.
    let (status, serialized) = app
        .get("/subjects/customers-value/versions/1?format=serialized")
        .await;
    assert_eq!(status, 200, "{serialized}");
    let next = CUSTOMER.replace(
        "  google.protobuf.Timestamp since = 3;\n",
        "  google.protobuf.Timestamp since = 3;\n  google.type.PhoneNumber phone = 4;\n",
    );
    let (status, body) = app
        .post(
            "/compatibility/subjects/customers-value/versions/latest",
            protobuf(&next, json!([])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["is_compatible"], true, "{body}");
    let (status, body) = app
        .post(
            "/subjects/customers-value/versions",
            protobuf(&next, json!([])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_leniently_registered_schema_can_be_referenced() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post(
            "/subjects/customers-value/versions",
            protobuf(CUSTOMER, json!([])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The dependency itself uses built-ins it never imported; this file uses the
    // dependency's type without importing it either.
    let invoice = "syntax = \"proto3\";\npackage shop.billing;\n\nmessage Invoice {\n  shop.crm.Customer customer = 1;\n  google.type.Money total = 2;\n}\n";
    let stored = register_and_read_back(
        &app,
        "invoices-value",
        protobuf(
            invoice,
            json!([{"name": "customer.proto", "subject": "customers-value", "version": 1}]),
        ),
    )
    .await;
    assert_eq!(stored, invoice);
}

#[tokio::test]
async fn a_type_that_resolves_nowhere_is_refused() {
    let app = TestApp::spawn().await;
    let result = app
        .post(
            "/subjects/customers-value/versions",
            protobuf(DANGLING, json!([])),
        )
        .await;
    let message = assert_error(&result, 422, 42201);
    assert!(message.contains("Could not resolve type"), "{message}");
    assert!(message.contains("shop.nowhere.Address"), "{message}");
    // A reference does not make an unrelated name resolve.
    register_outer(&app).await;
    let result = app
        .post(
            "/subjects/customers-value/versions",
            protobuf(DANGLING, outer_reference()),
        )
        .await;
    let message = assert_error(&result, 422, 42201);
    assert!(message.contains("Could not resolve type"), "{message}");
    let (status, versions) = app.get("/subjects").await;
    assert_eq!(status, 200);
    assert_eq!(versions, json!(["shop-common-outer"]));
}

#[tokio::test]
async fn validate_fields_on_the_subject_keeps_imports_strict() {
    let app = TestApp::spawn().await;
    register_outer(&app).await;
    let (status, body) = app
        .put("/config/customers-value", json!({"validateFields": true}))
        .await;
    assert_eq!(status, 200, "{body}");
    let result = app
        .post(
            "/subjects/customers-value/versions",
            protobuf(CUSTOMER, json!([])),
        )
        .await;
    assert_error(&result, 422, 42201);
    let result = app
        .post(
            "/subjects/customers-value/versions",
            protobuf(ORDER_WITH_STRAY_IMPORT, outer_reference()),
        )
        .await;
    assert_error(&result, 422, 42201);
    // Other subjects keep the default.
    let (status, body) = app
        .post(
            "/subjects/other-value/versions",
            protobuf(CUSTOMER, json!([])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn validate_fields_in_the_global_config_keeps_imports_strict() {
    let app = TestApp::spawn().await;
    register_outer(&app).await;
    let (status, body) = app.put("/config", json!({"validateFields": true})).await;
    assert_eq!(status, 200, "{body}");
    let result = app
        .post(
            "/subjects/orders-value/versions",
            protobuf(ORDER_WITHOUT_IMPORT, outer_reference()),
        )
        .await;
    assert_error(&result, 422, 42201);
    // Written exactly, the same file registers.
    let with_import = ORDER_WITHOUT_IMPORT.replace(
        "package shop.orders;\n",
        "package shop.orders;\n\nimport \"outer.proto\";\n",
    );
    let (status, body) = app
        .post(
            "/subjects/orders-value/versions",
            protobuf(&with_import, outer_reference()),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The compatibility check reads the config the same way.
    let result = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest",
            protobuf(ORDER_WITHOUT_IMPORT, outer_reference()),
        )
        .await;
    assert_error(&result, 422, 42201);
    // A subject can turn it off again.
    let (status, body) = app
        .put("/config/crm-value", json!({"validateFields": false}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            "/subjects/crm-value/versions",
            protobuf(CUSTOMER, json!([])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}
