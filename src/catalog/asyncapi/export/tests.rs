//! Export: payloads, operations, the versions an application document shows, Protobuf
//! payloads made self-contained, and the documents `tests/asyncapi/validate.mjs` checks.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::super::fixtures::{
    CUSTOMER_PROTO, ORDER, STOCK, landscape, name, order_proto, proto, schemas, schemas_with_stock,
};
use super::super::{
    AVRO_FORMAT, ExportedSchema, JSON_SCHEMA_FORMAT, PROTOBUF_FORMAT, component_key,
};
use super::{
    document, looks_like_email, looks_like_uri, parser_loads, protobuf_dependencies,
    protobuf_payload, wanted_subjects,
};
use crate::catalog::model::VersionRange;
use crate::schema::Dependency;
use crate::schema::json::embed::DRAFT_07_META_SCHEMA;
use crate::schema::protobuf::ProtobufSchema;

#[test]
fn payloads_are_multi_format_schemas_that_stand_in_the_document() {
    let document = document(&landscape(), None, &schemas());
    let payload = |event: &str| document["components"]["messages"][event]["payload"].clone();

    let order = payload("OrderPlaced");
    assert_eq!(order["schemaFormat"], AVRO_FORMAT);
    // Resolved: Money is written out in place.
    assert_eq!(order["schema"]["fields"][1]["type"]["name"], "Money");
    assert_eq!(order["x-herald-schema-text"], ORDER);

    let payment = payload("PaymentCaptured");
    assert_eq!(payment["schemaFormat"], JSON_SCHEMA_FORMAT);
    let schema = &payment["schema"];
    assert_eq!(
        schema["properties"]["card"]["$ref"],
        "#/components/messages/PaymentCaptured/payload/schema/definitions/Card"
    );
    assert_eq!(
        schema["properties"]["billing"]["$ref"],
        "#/components/schemas/common.address-value.v1/schema"
    );
    // Draft-04's boolean bound became a draft-07 number; data in `enum` stayed.
    assert_eq!(
        schema["properties"]["amount"],
        json!({"type": "number", "exclusiveMinimum": 0})
    );
    assert_eq!(
        schema["properties"]["status"]["enum"][0],
        json!({"exclusiveMinimum": true})
    );
    assert_eq!(schema["$schema"], DRAFT_07_META_SCHEMA);
    let address = &document["components"]["schemas"]["common.address-value.v1"];
    assert_eq!(
        address["schema"]["properties"]["country"]["$ref"],
        "#/components/schemas/common.address-value.v1/schema/definitions/Country"
    );
    assert_eq!(address["x-herald-subject"], "common.address-value");

    // The topic without events shows its value subject; Protobuf gets a root mark.
    let stock = &document["components"]["messages"]["inventory.stock-value"];
    assert_eq!(stock["payload"]["schemaFormat"], PROTOBUF_FORMAT);
    let text = stock["payload"]["schema"].as_str().expect("proto text");
    assert!(
        text.contains("// @RootNode\nmessage StockChanged {"),
        "{text}"
    );
    assert_eq!(stock["payload"]["x-herald-schema-text"], STOCK);
    assert_eq!(
        document["channels"]["inventory.stock"]["messages"]["inventory.stock-value"]["$ref"],
        "#/components/messages/inventory.stock-value"
    );
    // No payload without a schema; deprecation is visible to AsyncAPI tools.
    let cancelled = &document["components"]["messages"]["OrderCancelled"];
    assert!(cancelled.get("payload").is_none());
    assert_eq!(cancelled["deprecated"], true);
    assert_eq!(cancelled["x-herald-sunset"], "2027-06-30");
}

#[test]
fn operations_are_the_edges() {
    let document = document(&landscape(), None, &schemas());
    let operations = document["operations"].as_object().expect("operations");
    let ids: Vec<&str> = operations.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        vec![
            "billing.produces.payments.payment-events.PaymentCaptured",
            "billing.consumes.orders.order-events",
            "shop.produces.orders.order-events.OrderPlaced",
            "shop.produces.orders.order-events.OrderCancelled",
            "shop.consumes.payments.payment-events",
            "shop.consumes.AuditTrail",
            "warehouse.produces.audit.records",
            "warehouse.consumes.inventory.stock",
        ]
    );
    let whole_topic = &operations["billing.consumes.orders.order-events"];
    assert_eq!(whole_topic["action"], "receive");
    assert_eq!(
        whole_topic["channel"]["$ref"],
        "#/channels/orders.order-events"
    );
    assert_eq!(whole_topic["messages"].as_array().map(Vec::len), Some(2));
    let pinned = &operations["shop.produces.orders.order-events.OrderCancelled"];
    assert_eq!(pinned["action"], "send");
    assert_eq!(pinned["x-herald-versions"], "2");
    assert_eq!(
        pinned["messages"],
        json!([{"$ref": "#/channels/orders.order-events/messages/OrderCancelled"}])
    );
    // An event without a topic gets a channel of its own.
    let unbound = &operations["shop.consumes.AuditTrail"];
    assert_eq!(unbound["channel"]["$ref"], "#/channels/event.AuditTrail");
    assert_eq!(
        document["channels"]["event.AuditTrail"]["address"],
        Value::Null
    );
    // A topic with neither events nor a value subject has no messages.
    assert!(
        document["channels"]["audit.records"]
            .get("messages")
            .is_none()
    );
    assert!(
        operations["warehouse.produces.audit.records"]
            .get("messages")
            .is_none()
    );
}

#[test]
fn the_version_an_application_uses_is_the_one_shown() {
    let snapshot = landscape();
    let shop = snapshot.applications.get(&name("shop")).expect("shop");
    let wanted = wanted_subjects(&snapshot, Some(shop));
    assert_eq!(
        wanted.get("payments.payment-events-value"),
        Some(&VersionRange::AtLeast(2))
    );
    assert_eq!(
        wanted.get("orders.order-events-value"),
        Some(&VersionRange::Latest)
    );
    let whole = wanted_subjects(&snapshot, None);
    assert!(whole.values().all(VersionRange::is_latest));
    assert!(whole.contains_key("inventory.stock-value"));
}

/// Compiles `text` alone: no resolver but protox's `google/protobuf` files.
fn compile_alone(text: &str) -> prost_reflect::FileDescriptor {
    use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
    struct Payload(String);
    impl FileResolver for Payload {
        fn open_file(&self, name: &str) -> Result<File, protox::Error> {
            if name == "payload.proto" {
                File::from_source(name, &self.0)
            } else {
                Err(protox::Error::file_not_found(name))
            }
        }
    }
    let mut resolver = ChainFileResolver::new();
    resolver.add(Payload(text.to_owned()));
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    if let Err(error) = compiler.open_file("payload.proto") {
        panic!("{error}\n{text}");
    }
    compiler
        .descriptor_pool()
        .get_file_by_name("payload.proto")
        .expect("compiled")
}

/// The registered schema, parsed with its references.
fn registered(schema: &ExportedSchema) -> ProtobufSchema {
    ProtobufSchema::parse(&schema.text, &protobuf_dependencies(schema)).expect("parses")
}

/// Whether a repeated field is packed on the wire. (prost-reflect's `is_packed` goes by
/// the syntax alone: an explicit `packed` option is not seen.)
fn packed(field: &prost_reflect::FieldDescriptor) -> bool {
    let packable = field.is_list()
        && !matches!(
            field.kind(),
            prost_reflect::Kind::String
                | prost_reflect::Kind::Bytes
                | prost_reflect::Kind::Message(_)
        );
    let proto3 = field.parent_file().syntax() == prost_reflect::Syntax::Proto3;
    let explicit = field
        .field_descriptor_proto()
        .options
        .as_ref()
        .and_then(|o| o.packed);
    packable && explicit.unwrap_or(proto3)
}

/// Fields keep names, numbers, JSON names, packing, presence, oneofs and types (by
/// shape: copied types may have a new full name) all the way down. A proto2
/// `required` field may become proto3 `optional` (explicit presence, as on the wire);
/// proto2 cannot say "no presence", so a proto3 copy in a proto2 file has it.
fn assert_same_wire(
    original: &prost_reflect::MessageDescriptor,
    shown: &prost_reflect::MessageDescriptor,
    seen: &mut BTreeSet<(String, String)>,
) {
    use prost_reflect::{Cardinality, Kind};
    if !seen.insert((original.full_name().into(), shown.full_name().into())) {
        return;
    }
    assert_eq!(original.name(), shown.name());
    let same_syntax = original.parent_file().syntax() == shown.parent_file().syntax();
    let describe = |m: &prost_reflect::MessageDescriptor| -> Vec<String> {
        m.fields()
            .map(|f| {
                let cardinality = match f.cardinality() {
                    Cardinality::Required => Cardinality::Optional,
                    other => other,
                };
                let kind = match f.kind() {
                    Kind::Message(m) => format!("message {}", m.name()),
                    Kind::Enum(e) => format!("enum {}", e.name()),
                    scalar => format!("{scalar:?}"),
                };
                let oneof = f
                    .containing_oneof()
                    .filter(|o| !o.is_synthetic())
                    .map(|o| o.name().to_owned());
                format!(
                    "{} {} {} {cardinality:?} {kind} map={} packed={} presence={} oneof={oneof:?}",
                    f.number(),
                    f.name(),
                    f.json_name(),
                    f.is_map(),
                    packed(&f),
                    f.supports_presence() || !same_syntax
                )
            })
            .collect()
    };
    assert_eq!(
        describe(original),
        describe(shown),
        "{}",
        original.full_name()
    );
    for field in original.fields() {
        let other = shown.get_field(field.number()).expect("same numbers");
        match (field.kind(), other.kind()) {
            (Kind::Message(a), Kind::Message(b)) => assert_same_wire(&a, &b, seen),
            (Kind::Enum(a), Kind::Enum(b)) => {
                let values = |e: &prost_reflect::EnumDescriptor| -> Vec<(String, i32)> {
                    e.values()
                        .map(|v| (v.name().to_owned(), v.number()))
                        .collect()
                };
                assert_eq!(values(&a), values(&b), "{}", a.full_name());
            }
            _ => {}
        }
    }
}

fn field_type(file: &prost_reflect::FileDescriptor, message: &str, field: &str) -> String {
    let message = file
        .parent_pool()
        .get_message_by_name(message)
        .expect(message);
    match message.get_field_by_name(field).expect(field).kind() {
        prost_reflect::Kind::Message(m) => m.full_name().to_owned(),
        prost_reflect::Kind::Enum(e) => e.full_name().to_owned(),
        scalar => format!("{scalar:?}"),
    }
}

#[test]
fn protobuf_imports_become_copies_in_a_self_contained_payload() {
    let order = order_proto();
    let text = protobuf_payload(&order);
    assert!(!text.contains("import \"shop/"), "{text}");
    assert!(
        text.contains("import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/wrappers.proto\";\n"),
        "{text}"
    );
    // Copies keep their name unless taken: the file's own Money, an enum value
    // UNKNOWN of Kind. Those go into a message named after their package.
    for line in [
        "// @RootNode\nmessage OrderPlaced {\n",
        "  ShopCommonV1.Money total = 2;\n",
        "  repeated ShopLegacy.Money legacy = 3;\n",
        "  map<string, ShopCommonV1.Money> by_item = 4;\n",
        "  Kind kind = 5;\n",
        "  google.protobuf.Timestamp at = 6;\n",
        "  ShopCommonV1.Money.Rounding rounding = 7;\n",
        "  Address ship_to = 8;\n",
        "  .shop.orders.v1.Money local = 9;\n",
        "  optional int32 priority = 10;\n",
        "// Copy of shop.common.v1.Address (shop/common/v1/address.proto).\nmessage Address {\n  string city = 1;\n}\n",
        "// Not a message of the schema: holds copies of types of package shop.common.v1.\nmessage ShopCommonV1 {\n  // Copy of shop.common.v1.Money (shop/common/v1/money.proto).\n  message Money {\n    int64 units = 1;\n    Currency currency = 2;\n    google.protobuf.StringValue note = 3;\n    Rounding rounding = 4;\n",
        "  enum Currency {\n    UNKNOWN = 0;\n",
        // proto2 in a proto3 file: packing and presence say what the wire does.
        "    // required (proto2)\n    optional int32 cents = 1;\n    repeated int32 history = 2 [packed = false];\n    // default (proto2): EUR\n    optional string currency = 3;\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    assert!(
        !text.contains("Unused"),
        "only what is used is copied:\n{text}"
    );

    // It compiles alone, and every field is as registered.
    let shown = compile_alone(&text);
    let original = registered(&order);
    let mut seen = BTreeSet::new();
    for message in original.file().messages() {
        let copy = shown
            .parent_pool()
            .get_message_by_name(message.full_name())
            .unwrap_or_else(|| panic!("{}", message.full_name()));
        assert_same_wire(&message, &copy, &mut seen);
    }
    let root = "shop.orders.v1.OrderPlaced";
    for (field, full_name) in [
        ("total", "shop.orders.v1.ShopCommonV1.Money"),
        ("legacy", "shop.orders.v1.ShopLegacy.Money"),
        ("rounding", "shop.orders.v1.ShopCommonV1.Money.Rounding"),
        ("ship_to", "shop.orders.v1.Address"),
        ("local", "shop.orders.v1.Money"),
        ("kind", "shop.orders.v1.Kind"),
        ("at", "google.protobuf.Timestamp"),
    ] {
        assert_eq!(field_type(&shown, root, field), full_name, "{field}");
    }
    assert_eq!(
        field_type(&shown, "shop.orders.v1.ShopCommonV1.Money", "currency"),
        "shop.orders.v1.ShopCommonV1.Currency"
    );
}

#[test]
fn confluent_options_become_comments() {
    let customer = proto("customers-value", 1, 40, CUSTOMER_PROTO, vec![]);
    let text = protobuf_payload(&customer);
    assert_eq!(
        text,
        "syntax = \"proto3\";\npackage shop.customers.v1;\n\noption java_package = \"com.shop.customers.v1\";\n\n\
         // A customer signed up.\nmessage CustomerRegistered {\n  string id = 1;\n  // Where we write\n  // tags: PII, GDPR\n  string email = 2;\n  // tags: PII\n  string name = 3;\n  repeated int64 scores = 4 [\n    packed = false,\n    deprecated = true\n  ];\n  Tier tier = 5;\n\n  enum Tier {\n    option allow_alias = true;\n    TIER_UNSPECIFIED = 0;\n    BASIC = 1;\n    STANDARD = 1;\n  }\n}\n"
    );
    let shown = compile_alone(&text);
    let original = registered(&customer);
    let message = original.file().messages().next().expect("a message");
    let copy = shown.messages().next().expect("a message");
    assert_same_wire(&message, &copy, &mut BTreeSet::new());
}

/// More shapes: each payload compiles alone, with the same fields.
#[test]
fn self_contained_payloads_compile_alone_with_the_same_fields() {
    let dep = |name: &str, text: &str| (name.to_owned(), text.to_owned());
    let cases: Vec<(&str, Vec<(String, String)>)> = vec![
        // proto2 file using a proto3 copy: repeated scalars say `packed`.
        (
            "syntax = \"proto2\";\npackage a;\n\nimport \"b.proto\";\n\nmessage A {\n  optional b.B b = 1;\n  repeated int32 n = 2;\n  extensions 100 to 200;\n}\nextend A {\n  optional b.B.Kind kind = 100;\n}\n",
            vec![dep(
                "b.proto",
                "syntax = \"proto3\";\npackage b;\n\nmessage B {\n  repeated int32 n = 1;\n  optional string s = 2;\n  Kind kind = 3;\n\n  enum Kind {\n    KIND_UNSPECIFIED = 0;\n  }\n}\n",
            )],
        ),
        // No package; a public import chain; a built-in file (Confluent's decimal)
        // and google/type; a service; a self-reference to the root.
        (
            "syntax = \"proto3\";\n\nimport \"c.proto\";\nimport \"confluent/type/decimal.proto\";\nimport \"google/type/money.proto\";\n\nmessage Root {\n  D d = 1;\n  confluent.type.Decimal price = 2;\n  google.type.Money money = 3;\n  repeated Root children = 4;\n  Other other = 5;\n}\nmessage Other {\n  Root root = 1;\n}\nservice S {\n  rpc Get (D) returns (Root);\n}\n",
            vec![
                dep(
                    "d.proto",
                    "syntax = \"proto3\";\n\nmessage D {\n  map<string, D> children = 1;\n}\n",
                ),
                dep(
                    "c.proto",
                    "syntax = \"proto3\";\n\nimport public \"d.proto\";\n",
                ),
            ],
        ),
    ];
    for (text, dependencies) in cases {
        let mut seen = BTreeSet::new();
        let mut references = Vec::new();
        for (i, (name, dep_text)) in dependencies.iter().enumerate() {
            let subject = format!("dep{i}");
            let schema = proto(&subject, 1, 50, dep_text, std::mem::take(&mut references));
            references = vec![(name.as_str(), schema)];
        }
        // A chain in the order given (each depends on the one before): enough here.
        let schema = proto("root", 1, 60, text, references);
        let registered = ProtobufSchema::parse(
            text,
            &dependencies
                .iter()
                .map(|(name, text)| Dependency {
                    name: name.clone(),
                    text: text.clone(),
                })
                .collect::<Vec<_>>(),
        )
        .expect("parses");
        let payload = protobuf_payload(&schema);
        assert!(!payload.contains("import \"c.proto\""), "{payload}");
        let syntax = text.lines().next().expect("a syntax line");
        assert!(payload.starts_with(syntax), "{payload}");
        // google/type files are not protox's: the registry's own resolver has them.
        let shown = ProtobufSchema::parse(&payload, &[])
            .unwrap_or_else(|e| panic!("{e}\n{payload}"))
            .file();
        for import in shown.dependencies() {
            assert!(parser_loads(import.name()), "{}\n{payload}", import.name());
        }
        for message in registered.file().messages() {
            let copy = shown
                .parent_pool()
                .get_message_by_name(message.full_name())
                .unwrap_or_else(|| panic!("{}\n{payload}", message.full_name()));
            assert_same_wire(&message, &copy, &mut seen);
        }
    }
}

#[test]
fn helpers() {
    assert_eq!(component_key(":.ctx:orders/value"), "_.ctx_orders_value");
    assert!(looks_like_uri("https://example.com/x"));
    assert!(!looks_like_uri("wiki/x"));
    assert!(looks_like_email("a@example.com"));
    assert!(!looks_like_email("a b@example"));
}

/// Writes the documents of the test landscape to `$HERALD_ASYNCAPI_OUT` (a directory),
/// for `tests/asyncapi/validate.mjs`; does nothing when it is unset.
#[test]
fn writes_documents_for_the_official_parser() {
    let Some(dir) = std::env::var_os("HERALD_ASYNCAPI_OUT") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("output directory");
    let snapshot = landscape();
    let schemas = schemas();
    let mut documents = vec![(
        "unit-catalog".to_owned(),
        document(&snapshot, None, &schemas),
    )];
    for application in snapshot.applications.values() {
        documents.push((
            format!("unit-app-{}", application.name),
            document(&snapshot, Some(application), &schemas),
        ));
    }
    let customer = proto("inventory.stock-value", 1, 40, CUSTOMER_PROTO, vec![]);
    for (stem, stock) in [
        ("unit-protobuf-imports", order_proto()),
        ("unit-protobuf-meta", customer),
    ] {
        let schemas = schemas_with_stock(stock);
        documents.push((stem.to_owned(), document(&snapshot, None, &schemas)));
    }
    for (stem, document) in documents {
        let json = serde_json::to_string_pretty(&document).expect("json");
        std::fs::write(dir.join(format!("{stem}.json")), json).expect("write");
        let yaml = serde_yaml_ng::to_string(&document).expect("yaml");
        std::fs::write(dir.join(format!("{stem}.yaml")), yaml).expect("write");
    }
}
