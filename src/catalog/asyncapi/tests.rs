//! Round trips: documents the exporter writes read back as the catalog and the schema
//! versions they were made from.

use serde_json::{Value, json};

use super::fixtures::{
    ADDRESS, ADDRESS_PROTO, CURRENCY_PROTO, LEGACY_PROTO, MONEY, MONEY_PROTO, ORDER, ORDER_PROTO,
    PAYMENT, STOCK, assert_refs_resolve, landscape, name, order_proto, schemas, schemas_with_stock,
    sorted,
};
use super::{document, import};
use crate::catalog::file::{ReferenceEntry, SourcedFile};
use crate::catalog::model::{Application, Domain, Event, Team, Topic};

#[test]
fn the_whole_catalog_reads_back_as_the_same_model() {
    let snapshot = landscape();
    let document = document(&snapshot, None, &schemas());
    assert_refs_resolve(&document);
    // Through YAML, as an import of a YAML body reads it.
    let yaml = serde_yaml_ng::to_string(&document).expect("yaml");
    let document: Value = serde_yaml_ng::from_str(&yaml).expect("reads back");
    let imported = import(&document, "catalog.json").expect("imports");
    assert_eq!(imported.asyncapi, "3.0.0");
    let file = imported.file;
    let by_name = |e: &Domain| e.name.clone();
    assert_eq!(
        sorted(&file.domains, by_name),
        snapshot.domains.values().cloned().collect::<Vec<_>>()
    );
    assert_eq!(
        sorted(&file.teams, |e: &Team| e.name.clone()),
        snapshot.teams.values().cloned().collect::<Vec<_>>()
    );
    assert_eq!(
        sorted(&file.applications, |e: &Application| e.name.clone()),
        snapshot.applications.values().cloned().collect::<Vec<_>>()
    );
    assert_eq!(
        sorted(&file.topics, |e: &Topic| e.name.clone()),
        snapshot.topics.values().cloned().collect::<Vec<_>>()
    );
    assert_eq!(
        sorted(&file.events, |e: &Event| e.name.clone()),
        snapshot.events.values().cloned().collect::<Vec<_>>()
    );
    // And the file it makes is one `apply` takes.
    SourcedFile::from_file(file, "catalog.json").expect("no duplicates");
}

#[test]
fn schemas_read_back_as_registered_dependencies_first() {
    let document = document(&landscape(), None, &schemas());
    let file = import(&document, "catalog.json").expect("imports").file;
    let subjects: Vec<(&str, Option<&str>)> = file
        .schemas
        .iter()
        .map(|s| (s.subject.as_str(), s.schema_type.as_deref()))
        .collect();
    assert_eq!(
        subjects,
        vec![
            ("inventory.stock-value", Some("PROTOBUF")),
            ("common.money-value", Some("AVRO")),
            ("orders.order-events-value", Some("AVRO")),
            ("common.address-value", Some("JSON")),
            ("payments.payment-events-value", Some("JSON")),
        ]
    );
    let text_of = |subject: &str| {
        let entry = file
            .schemas
            .iter()
            .find(|s| s.subject == subject)
            .expect(subject);
        assert_eq!(entry.versions.len(), 1, "{subject}");
        entry.versions[0].clone()
    };
    let order = text_of("orders.order-events-value");
    assert_eq!(order.schema.as_deref(), Some(ORDER));
    assert_eq!(
        order.references,
        vec![ReferenceEntry {
            name: "shop.Money".into(),
            subject: "common.money-value".into(),
            version: 1
        }]
    );
    assert_eq!(text_of("common.money-value").schema.as_deref(), Some(MONEY));
    assert_eq!(
        text_of("payments.payment-events-value").schema.as_deref(),
        Some(PAYMENT)
    );
    assert_eq!(
        text_of("common.address-value").schema.as_deref(),
        Some(ADDRESS)
    );
    assert_eq!(
        text_of("inventory.stock-value").schema.as_deref(),
        Some(STOCK)
    );
}

#[test]
fn an_application_document_is_what_it_produces_and_consumes() {
    let snapshot = landscape();
    let shop = snapshot.applications.get(&name("shop")).expect("shop");
    let document = document(&snapshot, Some(shop), &schemas());
    assert_refs_resolve(&document);
    let info = &document["info"];
    assert_eq!(info["title"], "Shop");
    assert_eq!(info["description"], "The web shop.");
    assert_eq!(
        info["contact"],
        json!({"name": "Checkout", "email": "checkout@example.com",
               "url": "https://wiki.example.com/checkout"})
    );
    assert_eq!(info["tags"], json!([{"name": "web"}]));
    let operations: Vec<&String> = document["operations"]
        .as_object()
        .expect("ops")
        .keys()
        .collect();
    assert!(
        operations.iter().all(|id| id.starts_with("shop.")),
        "{operations:?}"
    );
    let channels: Vec<&String> = document["channels"]
        .as_object()
        .expect("channels")
        .keys()
        .collect();
    assert_eq!(
        channels,
        vec![
            "orders.order-events",
            "payments.payment-events",
            "event.AuditTrail"
        ]
    );
    let teams: Vec<&Value> = info["x-herald-teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| &t["name"])
        .collect();
    assert_eq!(teams, vec!["checkout", "payments"]);

    let file = import(&document, "shop.json").expect("imports").file;
    assert_eq!(file.applications, vec![shop.clone()]);
    let topics: Vec<&str> = file.topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        topics,
        vec!["orders.order-events", "payments.payment-events"]
    );
    for event in &file.events {
        assert_eq!(
            Some(event),
            snapshot.events.get(&event.name),
            "{}",
            event.name
        );
    }

    // An owner without usable contact details gives no contact.
    let billing = snapshot
        .applications
        .get(&name("billing"))
        .expect("billing");
    let document = self::document(&snapshot, Some(billing), &schemas());
    assert!(document["info"].get("contact").is_none());
    assert_eq!(document["info"]["title"], "billing");
    let file = import(&document, "billing.json").expect("imports").file;
    assert_eq!(file.applications, vec![billing.clone()]);
}

#[test]
fn self_contained_payloads_read_back_as_registered() {
    let document = document(&landscape(), None, &schemas_with_stock(order_proto()));
    assert_refs_resolve(&document);
    let payload = &document["components"]["messages"]["inventory.stock-value"]["payload"];
    assert!(
        payload["schema"]
            .as_str()
            .expect("text")
            .contains("message ShopCommonV1 {")
    );
    assert_eq!(payload["x-herald-schema-text"], ORDER_PROTO);
    assert_eq!(
        payload["x-herald-references"],
        json!([
            {"name": "shop/common/v1/money.proto", "subject": "shop.common.v1.Money", "version": 2},
            {"name": "shop/common/v1/address.proto", "subject": "shop.common.v1.Address", "version": 1},
            {"name": "shop/legacy/money.proto", "subject": "shop.legacy.Money", "version": 1}
        ])
    );
    // A referenced file of enums only gets a message the parser can take as its root.
    let currency = &document["components"]["schemas"]["shop.common.v1.Currency.v1"];
    assert_eq!(
        currency["schema"],
        format!(
            "{CURRENCY_PROTO}\n// @RootNode\n// Not part of the schema: this file declares no message.\nmessage HeraldNoMessage {{}}\n"
        )
    );
    assert_eq!(currency["x-herald-schema-text"], CURRENCY_PROTO);
    // A referenced version that imports is shown self-contained as well.
    let money = &document["components"]["schemas"]["shop.common.v1.Money.v2"];
    assert_eq!(money["x-herald-schema-text"], MONEY_PROTO);
    assert!(
        !money["schema"]
            .as_str()
            .expect("text")
            .contains("import \"shop/")
    );

    let file = import(&document, "catalog.json").expect("imports").file;
    type Reference = (String, String, i32);
    let protobuf: Vec<(&str, Option<&str>, Vec<Reference>)> = file
        .schemas
        .iter()
        .filter(|s| s.schema_type.as_deref() == Some("PROTOBUF"))
        .map(|s| {
            assert_eq!(s.versions.len(), 1, "{}", s.subject);
            let version = &s.versions[0];
            let references = version
                .references
                .iter()
                .map(|r| (r.name.clone(), r.subject.clone(), r.version))
                .collect();
            (s.subject.as_str(), version.schema.as_deref(), references)
        })
        .collect();
    let reference =
        |name: &str, subject: &str, version: i32| (name.to_owned(), subject.to_owned(), version);
    assert_eq!(
        protobuf,
        vec![
            ("shop.common.v1.Currency", Some(CURRENCY_PROTO), vec![]),
            (
                "shop.common.v1.Money",
                Some(MONEY_PROTO),
                vec![reference(
                    "shop/common/v1/currency.proto",
                    "shop.common.v1.Currency",
                    1
                )]
            ),
            ("shop.common.v1.Address", Some(ADDRESS_PROTO), vec![]),
            ("shop.legacy.Money", Some(LEGACY_PROTO), vec![]),
            (
                "inventory.stock-value",
                Some(ORDER_PROTO),
                vec![
                    reference("shop/common/v1/money.proto", "shop.common.v1.Money", 2),
                    reference("shop/common/v1/address.proto", "shop.common.v1.Address", 1),
                    reference("shop/legacy/money.proto", "shop.legacy.Money", 1),
                ]
            ),
        ]
    );
}
