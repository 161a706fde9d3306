//! Test fixtures shared by the export, import and round-trip tests: a landscape with
//! every kind of edge, lifecycle and topic shape, the schemas its payloads show, and
//! Protobuf files that import what the official parser cannot load.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{ExportedReference, ExportedSchema};
use crate::catalog::model::{Entity, EntityKind, EntityName};
use crate::catalog::snapshot::Snapshot;
use crate::schema::SchemaType;
use crate::schema::json::embed::for_each_ref;
use crate::schema::pointer::percent_decode;

pub(super) fn name(text: &str) -> EntityName {
    EntityName::parse(text).expect("valid name")
}

/// Orders, payments, stock and audit: every kind of edge, lifecycle and topic shape.
pub(super) fn landscape() -> Snapshot {
    let mut snapshot = Snapshot {
        revision: 42,
        ..Snapshot::default()
    };
    let entities = [
        (
            EntityKind::Team,
            json!({"name": "checkout", "title": "Checkout", "email": "checkout@example.com",
                   "url": "https://wiki.example.com/checkout", "chat": "#checkout",
                   "members": ["alice", "bob"], "tags": ["core"]}),
        ),
        (
            EntityKind::Team,
            json!({"name": "payments", "email": "not an address", "url": "wiki/payments"}),
        ),
        (EntityKind::Team, json!({"name": "platform"})),
        (
            EntityKind::Domain,
            json!({"name": "orders", "title": "Orders", "description": "Taking orders.",
                   "owner": "checkout", "tags": ["core"], "metadata": {"tier": 1}}),
        ),
        (
            EntityKind::Domain,
            json!({"name": "payments", "owner": "payments"}),
        ),
        (
            EntityKind::Topic,
            json!({"name": "orders.order-events", "title": "Order events",
                   "description": "Everything that happens to an order.",
                   "domain": "orders", "owner": "checkout", "tags": ["core", "kafka"],
                   "metadata": {"partitions": 12, "retention": "7d", "compacted": false}}),
        ),
        (
            EntityKind::Topic,
            json!({"name": "payments.payment-events", "domain": "payments",
                   "valueSubject": "payments.payment-events-value",
                   "keySubject": "payments.payment-key"}),
        ),
        (
            EntityKind::Topic,
            json!({"name": "inventory.stock", "owner": "platform"}),
        ),
        (
            EntityKind::Topic,
            json!({"name": "audit.records", "subjectStrategy": "record"}),
        ),
        (
            EntityKind::Event,
            json!({"name": "OrderPlaced", "title": "Order placed",
                   "description": "A customer **placed** an order.", "domain": "orders",
                   "owner": "checkout", "topic": "orders.order-events",
                   "subject": "orders.order-events-value", "tags": ["pii", "core"],
                   "metadata": {"since": "2024"}}),
        ),
        (
            EntityKind::Event,
            json!({"name": "OrderCancelled", "kind": "command", "topic": "orders.order-events",
                   "lifecycle": "deprecated", "sunset": "2027-06-30",
                   "replacedBy": "OrderPlaced"}),
        ),
        (
            EntityKind::Event,
            json!({"name": "PaymentCaptured", "topic": "payments.payment-events",
                   "subject": "payments.payment-events-value", "lifecycle": "draft"}),
        ),
        (
            EntityKind::Event,
            json!({"name": "AuditTrail", "kind": "query", "lifecycle": "retired"}),
        ),
        (
            EntityKind::Application,
            json!({"name": "shop", "title": "Shop", "description": "The web shop.",
            "domain": "orders", "owner": "checkout",
            "repository": "https://git.example.com/shop", "tags": ["web"],
            "metadata": {"language": "rust"},
            "produces": [
                {"topic": "orders.order-events", "event": "OrderPlaced"},
                {"topic": "orders.order-events", "event": "OrderCancelled", "versions": 2}
            ],
            "consumes": [
                {"topic": "payments.payment-events", "versions": ">=2"},
                {"event": "AuditTrail"}
            ]}),
        ),
        (
            EntityKind::Application,
            json!({"name": "billing", "owner": "payments", "lifecycle": "deprecated",
                   "produces": [{"topic": "payments.payment-events",
                                 "event": "PaymentCaptured", "versions": "1-3"}],
                   "consumes": [{"topic": "orders.order-events"}]}),
        ),
        (
            EntityKind::Application,
            json!({"name": "warehouse", "domain": "orders",
                   "consumes": [{"topic": "inventory.stock"}],
                   "produces": [{"topic": "audit.records"}]}),
        ),
        (EntityKind::Application, json!({"name": "idle"})),
    ];
    for (kind, document) in entities {
        snapshot.insert(Entity::from_json(kind, document).expect("valid test entity"));
    }
    assert_eq!(
        crate::catalog::rules::check(&snapshot, &|_| true),
        Vec::new(),
        "the test landscape keeps the rules"
    );
    snapshot
}

pub(super) const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}"#;
pub(super) const ORDER: &str = r#"{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"},{"name":"shipping","type":["null","Money"],"default":null}]}"#;
pub(super) const ORDER_RESOLVED: &str = r#"{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":{"type":"record","name":"Money","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}},{"name":"shipping","type":["null","Money"],"default":null}]}"#;
pub(super) const ADDRESS: &str = r##"{"type":"object","properties":{"street":{"type":"string"},"country":{"$ref":"#/definitions/Country"}},"definitions":{"Country":{"type":"string","minLength":2,"maxLength":2}}}"##;
pub(super) const PAYMENT: &str = r##"{"$schema":"http://json-schema.org/draft-04/schema#","title":"PaymentCaptured","type":"object","properties":{"amount":{"type":"number","minimum":0,"exclusiveMinimum":true},"card":{"$ref":"#/definitions/Card"},"billing":{"$ref":"address.json"},"status":{"enum":[{"exclusiveMinimum":true},"ok"]}},"required":["amount"],"definitions":{"Card":{"type":"object","properties":{"last4":{"type":"string","pattern":"^[0-9]{4}$"}}}}}"##;
pub(super) const STOCK: &str = "syntax = \"proto3\";\npackage inventory;\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage StockChanged {\n  string sku = 1;\n  int32 delta = 2;\n  .google.protobuf.Timestamp at = 3;\n  Location location = 4;\n}\nmessage Location {\n  string warehouse = 1;\n}\nmessage Unrelated {\n  bool flag = 1;\n}\n";

pub(super) fn schema(
    subject: &str,
    version: i32,
    id: i64,
    schema_type: SchemaType,
    text: &str,
) -> ExportedSchema {
    ExportedSchema {
        subject: subject.into(),
        version,
        id,
        schema_type,
        text: text.into(),
        resolved: None,
        references: Vec::new(),
    }
}

pub(super) fn schemas() -> BTreeMap<String, ExportedSchema> {
    let money = schema("common.money-value", 1, 5, SchemaType::Avro, MONEY);
    let address = schema("common.address-value", 1, 6, SchemaType::Json, ADDRESS);
    let order = ExportedSchema {
        resolved: Some(ORDER_RESOLVED.into()),
        references: vec![ExportedReference {
            name: "shop.Money".into(),
            schema: money,
        }],
        ..schema("orders.order-events-value", 3, 11, SchemaType::Avro, ORDER)
    };
    let payment = ExportedSchema {
        references: vec![ExportedReference {
            name: "address.json".into(),
            schema: address,
        }],
        ..schema(
            "payments.payment-events-value",
            2,
            12,
            SchemaType::Json,
            PAYMENT,
        )
    };
    let stock = schema("inventory.stock-value", 1, 13, SchemaType::Protobuf, STOCK);
    [order, payment, stock]
        .into_iter()
        .map(|s| (s.subject.clone(), s))
        .collect()
}

pub(super) fn sorted<T: Clone, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
    let mut items = items.to_vec();
    items.sort_by_key(|item| key(item));
    items
}

/// Every `$ref` of the document points at something in it (what the AsyncAPI parser
/// checks first).
pub(super) fn assert_refs_resolve(document: &Value) {
    let mut copy = document.clone();
    let mut broken = Vec::new();
    for_each_ref(&mut copy, &mut |reference| {
        let ok = reference
            .strip_prefix('#')
            .is_some_and(|p| document.pointer(&percent_decode(p)).is_some());
        if !ok {
            broken.push(reference.clone());
        }
    });
    assert_eq!(broken, Vec::<String>::new(), "unresolved $refs");
}

// ---- Protobuf payloads that import what the official parser cannot load

pub(super) const CURRENCY_PROTO: &str = "syntax = \"proto3\";\npackage shop.common.v1;\n\nenum Currency {\n  UNKNOWN = 0;\n  EUR = 1;\n  USD = 2;\n}\n";
pub(super) const MONEY_PROTO: &str = "syntax = \"proto3\";\npackage shop.common.v1;\n\nimport \"shop/common/v1/currency.proto\";\nimport \"google/protobuf/wrappers.proto\";\n\nmessage Money {\n  int64 units = 1;\n  Currency currency = 2;\n  .google.protobuf.StringValue note = 3;\n  Rounding rounding = 4;\n\n  message Rounding {\n    int32 digits = 1;\n  }\n}\n";
pub(super) const ADDRESS_PROTO: &str = "syntax = \"proto3\";\npackage shop.common.v1;\n\nmessage Address {\n  string city = 1;\n}\nmessage Unused {\n  bool flag = 1;\n}\n";
pub(super) const LEGACY_PROTO: &str = "syntax = \"proto2\";\npackage shop.legacy;\n\nmessage Money {\n  required int32 cents = 1;\n  repeated int32 history = 2;\n  optional string currency = 3 [default = \"EUR\"];\n}\n";
/// Imports a chain (Money imports Currency), clashes (its own `Money`, a proto2
/// `Money` and an enum value `UNKNOWN` both files declare) and a well-known type.
pub(super) const ORDER_PROTO: &str = "syntax = \"proto3\";\npackage shop.orders.v1;\n\nimport \"google/protobuf/timestamp.proto\";\nimport \"shop/common/v1/money.proto\";\nimport \"shop/common/v1/address.proto\";\nimport \"shop/legacy/money.proto\";\n\nmessage OrderPlaced {\n  string id = 1;\n  shop.common.v1.Money total = 2;\n  repeated shop.legacy.Money legacy = 3;\n  map<string, shop.common.v1.Money> by_item = 4;\n  Kind kind = 5;\n  google.protobuf.Timestamp at = 6;\n  shop.common.v1.Money.Rounding rounding = 7;\n  shop.common.v1.Address ship_to = 8;\n  Money local = 9;\n  optional int32 priority = 10;\n\n  oneof payment {\n    string card = 11;\n    string voucher = 12;\n  }\n}\nmessage Money {\n  string amount = 1;\n}\nenum Kind {\n  UNKNOWN = 0;\n  RETAIL = 1;\n}\n";
/// Field-level tags and docs from `confluent/meta.proto`, and a custom option.
pub(super) const CUSTOMER_PROTO: &str = "syntax = \"proto3\";\npackage shop.customers.v1;\n\nimport \"confluent/meta.proto\";\nimport \"google/protobuf/descriptor.proto\";\n\noption (confluent.file_meta).doc = \"Customers\";\noption java_package = \"com.shop.customers.v1\";\n\nmessage CustomerRegistered {\n  option (confluent.message_meta).doc = \"A customer signed up.\";\n\n  string id = 1;\n  string email = 2 [(confluent.field_meta) = { doc: \"Where we write\", tags: [\"PII\", \"GDPR\"] }];\n  string name = 3 [(confluent.field_meta).tags = \"PII\", (sensitivity) = \"high\"];\n  repeated int64 scores = 4 [packed = false, deprecated = true];\n  Tier tier = 5;\n\n  enum Tier {\n    option allow_alias = true;\n    TIER_UNSPECIFIED = 0;\n    BASIC = 1;\n    STANDARD = 1;\n  }\n}\n\nextend google.protobuf.FieldOptions {\n  string sensitivity = 50001;\n}\n";

pub(super) fn proto(
    subject: &str,
    version: i32,
    id: i64,
    text: &str,
    references: Vec<(&str, ExportedSchema)>,
) -> ExportedSchema {
    ExportedSchema {
        references: references
            .into_iter()
            .map(|(name, schema)| ExportedReference {
                name: name.into(),
                schema,
            })
            .collect(),
        ..schema(subject, version, id, SchemaType::Protobuf, text)
    }
}

pub(super) fn order_proto() -> ExportedSchema {
    let currency = proto("shop.common.v1.Currency", 1, 30, CURRENCY_PROTO, vec![]);
    let money = proto(
        "shop.common.v1.Money",
        2,
        31,
        MONEY_PROTO,
        vec![("shop/common/v1/currency.proto", currency)],
    );
    let address = proto("shop.common.v1.Address", 1, 32, ADDRESS_PROTO, vec![]);
    let legacy = proto("shop.legacy.Money", 1, 33, LEGACY_PROTO, vec![]);
    proto(
        "inventory.stock-value",
        4,
        34,
        ORDER_PROTO,
        vec![
            ("shop/common/v1/money.proto", money),
            ("shop/common/v1/address.proto", address),
            ("shop/legacy/money.proto", legacy),
        ],
    )
}

/// The schemas of the test landscape with `stock` as the Protobuf value of
/// `inventory.stock`.
pub(super) fn schemas_with_stock(stock: ExportedSchema) -> BTreeMap<String, ExportedSchema> {
    let mut schemas = schemas();
    schemas.insert(stock.subject.clone(), stock);
    schemas
}
