//! AsyncAPI export and import against a real registry (SQLite in a temporary directory):
//! a landscape with Avro (with a cross-subject reference), JSON Schema (draft-04, internal
//! and cross-subject `$ref`s) and Protobuf (several messages, a well-known import) schemas
//! is applied, exported, and read back, into the same catalog (nothing to change) and into
//! a fresh one (the same catalog and schemas).
//!
//! With `HERALD_ASYNCAPI_OUT=<dir>` the exported documents are written there, for
//! `tests/asyncapi/run.sh <dir>/*.json` (the official AsyncAPI parser).

use std::collections::BTreeMap;
use std::sync::Arc;

use herald::catalog::asyncapi::{self, ImportedCatalog};
use herald::catalog::file::SourcedFile;
use herald::catalog::model::{EntityKind, EntityName};
use herald::catalog::{Catalog, CatalogError, Snapshot};
use herald::model::{Subject, VersionSpec};
use herald::registry::Registry;
use herald::storage::Store;
use serde_json::Value;

const LANDSCAPE: &str = r##"
teams:
  - name: checkout
    title: Checkout
    email: checkout@example.com
    url: https://wiki.example.com/checkout
    members: [alice, bob]
  - name: payments
    email: payments@example.com
  - name: platform
domains:
  - name: orders
    title: Orders
    owner: checkout
    tags: [core]
  - name: payments
    owner: payments
topics:
  - name: orders.order-events
    title: Order events
    description: Everything that happens to an order.
    domain: orders
    owner: checkout
    tags: [core, kafka]
    metadata: { partitions: 12, retention: 7d }
  - name: payments.payment-events
    domain: payments
  - name: inventory.stock
    owner: platform
  - name: audit.records
    subjectStrategy: record
events:
  - name: OrderPlaced
    title: Order placed
    description: A customer placed an order.
    domain: orders
    owner: checkout
    topic: orders.order-events
    subject: orders.order-events-value
    tags: [pii]
  - name: OrderCancelled
    kind: command
    topic: orders.order-events
    lifecycle: deprecated
    sunset: 2027-06-30
    replacedBy: OrderPlaced
  - name: PaymentCaptured
    topic: payments.payment-events
    subject: payments.payment-events-value
    lifecycle: draft
  - name: AuditTrail
    kind: query
    lifecycle: retired
applications:
  - name: shop
    title: Shop
    description: The web shop.
    domain: orders
    owner: checkout
    repository: https://git.example.com/shop
    tags: [web]
    produces:
      - { topic: orders.order-events, event: OrderPlaced }
      - { topic: orders.order-events, event: OrderCancelled, versions: 2 }
    consumes:
      - { topic: payments.payment-events, versions: ">=2" }
      - { event: AuditTrail }
  - name: billing
    owner: payments
    lifecycle: deprecated
    produces:
      - { topic: payments.payment-events, event: PaymentCaptured, versions: 1 }
    consumes:
      - { topic: orders.order-events }
  - name: warehouse
    consumes: [{ topic: inventory.stock }]
    produces: [{ topic: audit.records }]
  - name: idle
schemas:
  - subject: common.money-value
    versions:
      - schema: '{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}'
  - subject: orders.order-events-value
    versions:
      - schema: '{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[{"name":"id","type":"string"}]}'
      - schema: '{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":["null","shop.Money"],"default":null}]}'
        references: [{ name: shop.Money, subject: common.money-value, version: 1 }]
  - subject: common.address-value
    type: JSON
    versions:
      - schema: '{"type":"object","properties":{"street":{"type":"string"},"country":{"$ref":"#/definitions/Country"}},"definitions":{"Country":{"type":"string","minLength":2,"maxLength":2}}}'
  - subject: payments.payment-events-value
    type: JSON
    compatibility: NONE
    versions:
      - schema: '{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"amount":{"type":"number","minimum":0,"exclusiveMinimum":true}},"required":["amount"]}'
      - schema: '{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"amount":{"type":"number","minimum":0,"exclusiveMinimum":true},"card":{"$ref":"#/definitions/Card"},"billing":{"$ref":"address.json"}},"required":["amount"],"definitions":{"Card":{"type":"object","properties":{"last4":{"type":"string","pattern":"^[0-9]{4}$"}}}}}'
        references: [{ name: address.json, subject: common.address-value, version: 1 }]
  - subject: inventory.stock-value
    type: PROTOBUF
    versions:
      - schema: |
          syntax = "proto3";
          package inventory;

          import "google/protobuf/timestamp.proto";

          message StockChanged {
            string sku = 1;
            int32 delta = 2;
            google.protobuf.Timestamp at = 3;
            Location location = 4;
          }
          message Location {
            string warehouse = 1;
          }
          message Unrelated {
            bool flag = 1;
          }
"##;

async fn catalog() -> (Catalog, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("herald.db").display());
    let store = Store::connect(&url).await.expect("store");
    (
        Catalog::new(Arc::new(Registry::new(store.clone())), store),
        dir,
    )
}

fn name(text: &str) -> EntityName {
    EntityName::parse(text).expect("valid name")
}

/// The entities of a catalog, kind by kind, as documents.
fn entities(snapshot: &Snapshot) -> BTreeMap<EntityKind, Vec<Value>> {
    EntityKind::ALL
        .into_iter()
        .map(|kind| {
            let list = snapshot.list(kind).iter().map(|e| e.to_json()).collect();
            (kind, list)
        })
        .collect()
}

/// The entities an imported file names, kind by kind, sorted by name.
fn imported_entities(imported: &ImportedCatalog) -> BTreeMap<EntityKind, Vec<Value>> {
    fn documents<T: serde::Serialize>(list: &[T]) -> Vec<Value> {
        let mut list: Vec<Value> = list
            .iter()
            .map(|e| serde_json::to_value(e).expect("serialises"))
            .collect();
        list.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        list
    }
    let file = &imported.file;
    BTreeMap::from([
        (EntityKind::Domain, documents(&file.domains)),
        (EntityKind::Team, documents(&file.teams)),
        (EntityKind::Application, documents(&file.applications)),
        (EntityKind::Topic, documents(&file.topics)),
        (EntityKind::Event, documents(&file.events)),
    ])
}

async fn latest_text(catalog: &Catalog, subject: &str) -> String {
    catalog
        .registry()
        .version(&Subject::new(subject), VersionSpec::Latest, false)
        .await
        .expect("subject")
        .schema
        .canonical_text
}

fn write_out(stem: &str, document: &Value) {
    let Some(dir) = std::env::var_os("HERALD_ASYNCAPI_OUT") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("output directory");
    let json = serde_json::to_string_pretty(document).expect("json");
    std::fs::write(dir.join(format!("{stem}.json")), json).expect("write");
    let yaml = serde_yaml_ng::to_string(document).expect("yaml");
    std::fs::write(dir.join(format!("{stem}.yaml")), yaml).expect("write");
}

#[tokio::test]
async fn export_then_import_is_the_same_catalog() {
    let (source, _dir) = catalog().await;
    let file = SourcedFile::parse(LANDSCAPE, "landscape.yaml").expect("valid file");
    source.apply(&file, false, "test").await.expect("applies");
    let snapshot = source.snapshot().await.expect("snapshot");

    let whole = source
        .asyncapi(None, &herald::catalog::Everything)
        .await
        .expect("exports");
    write_out("registry-catalog", &whole);
    let mut per_application = Vec::new();
    for application in snapshot.applications.keys() {
        let document = source
            .asyncapi(Some(application), &herald::catalog::Everything)
            .await
            .expect("exports");
        write_out(&format!("registry-app-{application}"), &document);
        per_application.push((application.clone(), document));
    }

    // The document carries the resolved Avro, and the registered text for import.
    let order = &whole["components"]["messages"]["OrderPlaced"];
    assert_eq!(order["x-herald-version"], 2);
    assert_eq!(
        order["payload"]["schema"]["fields"][1]["type"][1]["name"],
        "Money"
    );
    assert_eq!(
        order["payload"]["x-herald-schema-text"],
        latest_text(&source, "orders.order-events-value").await
    );
    // An application pinning a version sees that version.
    let billing = &per_application
        .iter()
        .find(|(n, _)| *n == name("billing"))
        .expect("billing")
        .1;
    assert_eq!(
        billing["components"]["messages"]["PaymentCaptured"]["x-herald-version"],
        1
    );
    assert_eq!(
        whole["components"]["messages"]["PaymentCaptured"]["x-herald-version"],
        2
    );

    // Read back: the same model.
    let imported = asyncapi::import(&whole, "catalog.json").expect("imports");
    assert_eq!(imported_entities(&imported), entities(&snapshot));

    // Into the same catalog: nothing to do, for the whole document and each application's.
    let report = source
        .import_asyncapi(&whole, "catalog.json", true, "test")
        .await
        .expect("plans");
    assert_eq!(
        report.changes,
        Vec::new(),
        "re-importing the export changes nothing"
    );
    for (application, document) in &per_application {
        let report = source
            .import_asyncapi(document, &format!("{application}.json"), true, "test")
            .await
            .expect("plans");
        assert_eq!(report.changes, Vec::new(), "{application}");
    }

    // Into a fresh registry: the same catalog, and the same schema texts.
    let (fresh, _fresh_dir) = catalog().await;
    fresh
        .import_asyncapi(&whole, "catalog.json", false, "test")
        .await
        .expect("applies");
    let copied = fresh.snapshot().await.expect("snapshot");
    assert_eq!(entities(&copied), entities(&snapshot));
    for subject in [
        "common.money-value",
        "orders.order-events-value",
        "common.address-value",
        "payments.payment-events-value",
        "inventory.stock-value",
    ] {
        assert_eq!(
            latest_text(&fresh, subject).await,
            latest_text(&source, subject).await,
            "{subject}"
        );
    }
    // ...which exports as the same document, but for registry ids and versions.
    let again = fresh
        .asyncapi(None, &herald::catalog::Everything)
        .await
        .expect("exports");
    assert_eq!(strip_registry_numbers(again), strip_registry_numbers(whole));
}

/// A document without the numbers a registry allocates (ids, versions) or the revision.
fn strip_registry_numbers(mut document: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("x-herald-version");
                map.remove("x-herald-schema-id");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut document);
    document["info"]["version"] = Value::Null;
    document
}

#[tokio::test]
async fn an_unknown_application_is_not_found() {
    let (catalog, _dir) = catalog().await;
    let error = catalog
        .asyncapi(Some(&name("nope")), &herald::catalog::Everything)
        .await
        .expect_err("no such application");
    assert!(
        matches!(error, CatalogError::NotFound { kind: EntityKind::Application, ref name } if name == "nope"),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_empty_catalog_exports_a_valid_skeleton() {
    let (catalog, _dir) = catalog().await;
    let document = catalog
        .asyncapi(None, &herald::catalog::Everything)
        .await
        .expect("exports");
    assert_eq!(document["asyncapi"], "3.0.0");
    assert_eq!(
        document["info"]["x-herald-applications"],
        serde_json::json!([])
    );
    write_out("registry-empty", &document);
    let imported = asyncapi::import(&document, "empty.json").expect("imports");
    assert_eq!(imported.file, Default::default());
}

/// Protobuf imports of other subjects and an Avro chain of references (A uses B uses C)
/// travel through a document into a fresh registry. (The Protobuf payload shows a
/// self-contained file, with a copy of what it imports, for the official protobuf schema
/// parser, which cannot load imports; the registered text travels beside it: see
/// `src/catalog/asyncapi.rs`.)
#[tokio::test]
async fn references_of_every_format_travel_to_a_fresh_registry() {
    const FILE: &str = r#"
topics:
  - name: invoices
  - name: orders
events:
  - { name: InvoiceSent, topic: invoices, subject: invoices-value }
  - { name: OrderTaken, topic: orders, subject: orders-value }
applications:
  - name: billing
    produces: [{ topic: invoices }, { topic: orders }]
schemas:
  - subject: common.currency-value
    versions:
      - schema: '{"type":"enum","name":"Currency","namespace":"common","symbols":["EUR","USD"]}'
  - subject: common.money-value
    versions:
      - schema: '{"type":"record","name":"Money","namespace":"common","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"common.Currency"}]}'
        references: [{ name: common.Currency, subject: common.currency-value, version: 1 }]
  - subject: invoices-value
    versions:
      - schema: '{"type":"record","name":"Invoice","namespace":"billing","fields":[{"name":"total","type":"common.Money"}]}'
        references: [{ name: common.Money, subject: common.money-value, version: 1 }]
  - subject: common.money-proto
    type: PROTOBUF
    versions:
      - schema: "syntax = \"proto3\";\npackage common;\n\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n"
  - subject: orders-value
    type: PROTOBUF
    versions:
      - schema: "syntax = \"proto3\";\npackage orders;\n\nimport \"common/money.proto\";\n\nmessage Order {\n  string id = 1;\n  common.Money total = 2;\n}\n"
        references: [{ name: common/money.proto, subject: common.money-proto, version: 1 }]
"#;
    let (source, _dir) = catalog().await;
    let file = SourcedFile::parse(FILE, "references.yaml").expect("valid file");
    source.apply(&file, false, "test").await.expect("applies");
    let document = source
        .asyncapi(None, &herald::catalog::Everything)
        .await
        .expect("exports");

    // The Avro payload stands alone: both referenced types are written out in place.
    let invoice =
        document["components"]["messages"]["InvoiceSent"]["payload"]["schema"].to_string();
    assert!(
        invoice.contains(r#""name":"Money""#) && invoice.contains(r#""symbols":["EUR","USD"]"#),
        "{invoice}"
    );
    // The Protobuf payload stands alone too: Money is copied in, the import is gone.
    let order = &document["components"]["messages"]["OrderTaken"]["payload"];
    assert_eq!(
        order["schema"],
        "syntax = \"proto3\";\npackage orders;\n\n// @RootNode\nmessage Order {\n  string id = 1;\n  Money total = 2;\n}\n// Copy of common.Money (common/money.proto).\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n"
    );
    assert_eq!(
        order["x-herald-schema-text"],
        latest_text(&source, "orders-value").await
    );
    let placed: Vec<&String> = document["components"]["schemas"]
        .as_object()
        .expect("referenced versions")
        .keys()
        .collect();
    assert_eq!(
        placed,
        vec![
            "common.money-value.v1",
            "common.currency-value.v1",
            "common.money-proto.v1"
        ]
    );

    let imported = asyncapi::import(&document, "references.json").expect("imports");
    let order: Vec<&str> = imported
        .file
        .schemas
        .iter()
        .map(|s| s.subject.as_str())
        .collect();
    assert_eq!(
        order,
        vec![
            "common.currency-value",
            "common.money-value",
            "invoices-value",
            "common.money-proto",
            "orders-value"
        ]
    );
    let report = source
        .import_asyncapi(&document, "references.json", true, "test")
        .await
        .expect("plans");
    assert_eq!(report.changes, Vec::new());

    let (fresh, _fresh_dir) = catalog().await;
    fresh
        .import_asyncapi(&document, "references.json", false, "test")
        .await
        .expect("applies");
    for subject in order {
        assert_eq!(
            latest_text(&fresh, subject).await,
            latest_text(&source, subject).await,
            "{subject}"
        );
    }
    let references = fresh
        .registry()
        .version(&Subject::new("orders-value"), VersionSpec::Latest, false)
        .await
        .expect("orders-value")
        .schema
        .references;
    assert_eq!(references.len(), 1);
    assert_eq!(references[0].name, "common/money.proto");
}
