//! Import: AsyncAPI 2.x and 3.x documents from elsewhere, and documents refused with
//! where and what.

use serde_json::{Value, json};

use super::super::fixtures::name;
use super::{import, slug};
use crate::catalog::CatalogError;
use crate::catalog::file::FileError;
use crate::catalog::model::{EdgeTarget, EntityName, Lifecycle, VersionRange};

fn v26() -> Value {
    json!({
        "asyncapi": "2.6.0",
        "info": {"title": "User Service", "version": "1.0.0", "description": "Users."},
        "channels": {
            "user.signedup": {
                "description": "New users.",
                "subscribe": {"message": {"$ref": "#/components/messages/UserSignedUp"}}
            },
            "user.commands": {
                "publish": {"message": {"oneOf": [
                    {"messageId": "DeleteUser", "payload": {"type": "object"}},
                    {"name": "Rename User", "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                     "payload": {"type": "record", "name": "Rename", "fields": []}}
                ]}}
            }
        },
        "components": {"messages": {
            "UserSignedUp": {"name": "UserSignedUp", "title": "User signed up",
                             "payload": {"$ref": "#/components/schemas/User"}},
            "Unused": {"summary": "Not on any channel."}
        }, "schemas": {
            "User": {"type": "object", "properties": {
                "id": {"type": "string"}, "address": {"$ref": "#/components/schemas/Address"}}},
            "Address": {"type": "object", "properties": {"city": {"type": "string"}}}
        }}
    })
}

#[test]
fn asyncapi_2_subscribe_is_what_the_application_sends() {
    let imported = import(&v26(), "users.yaml").expect("imports");
    assert_eq!(imported.asyncapi, "2.6.0");
    let file = imported.file;
    assert_eq!(file.applications.len(), 1);
    let app = &file.applications[0];
    assert_eq!(app.name, name("user-service"));
    assert_eq!(app.title.as_deref(), Some("User Service"));
    assert_eq!(
        app.produces,
        vec![EdgeTarget {
            topic: Some(name("user.signedup")),
            event: Some(name("UserSignedUp")),
            versions: VersionRange::Latest
        }]
    );
    // Both messages of the channel: the whole topic.
    assert_eq!(
        app.consumes,
        vec![EdgeTarget {
            topic: Some(name("user.commands")),
            event: None,
            versions: VersionRange::Latest
        }]
    );
    let events: Vec<(&str, Option<&str>, Option<&str>)> = file
        .events
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.topic.as_ref().map(EntityName::as_str),
                e.subject.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (
                "UserSignedUp",
                Some("user.signedup"),
                Some("user.signedup-value")
            ),
            (
                "DeleteUser",
                Some("user.commands"),
                Some("user.commands-DeleteUser")
            ),
            (
                "Rename-User",
                Some("user.commands"),
                Some("user.commands-Rename-User")
            ),
            ("Unused", None, None),
        ]
    );
    assert_eq!(
        file.events[3].description.as_deref(),
        Some("Not on any channel.")
    );
    let types: Vec<(&str, Option<&str>)> = file
        .schemas
        .iter()
        .map(|s| (s.subject.as_str(), s.schema_type.as_deref()))
        .collect();
    assert_eq!(
        types,
        vec![
            ("user.signedup-value", Some("JSON")),
            ("user.commands-DeleteUser", Some("JSON")),
            ("user.commands-Rename-User", Some("AVRO")),
        ]
    );
    // The payload was a $ref with a $ref inside: it now stands alone.
    let user: Value =
        serde_json::from_str(file.schemas[0].versions[0].schema.as_deref().expect("text"))
            .expect("json");
    assert_eq!(
        user["properties"]["address"]["$ref"],
        "#/definitions/Address"
    );
    assert_eq!(
        user["definitions"]["Address"]["properties"]["city"]["type"],
        "string"
    );
}

fn error_of(document: &Value) -> String {
    match import(document, "doc.yaml") {
        Ok(_) => panic!("expected an error for {document}"),
        Err(CatalogError::File(FileError::Syntax {
            source_name,
            message,
            ..
        })) => {
            assert_eq!(source_name, "doc.yaml");
            message
        }
        Err(other) => panic!("expected a syntax error, got {other:?}"),
    }
}

fn v3(channels: Value, operations: Value) -> Value {
    json!({"asyncapi": "3.0.0", "info": {"title": "App", "version": "1"},
           "channels": channels, "operations": operations,
           "components": {"messages": {"M": {"payload": {"type": "string"}}}}})
}

#[test]
fn bad_documents_are_refused_with_where_and_what() {
    let message = error_of(&json!({"openapi": "3.0.0"}));
    assert!(
        message.contains("/asyncapi") && message.contains("not an AsyncAPI"),
        "{message}"
    );
    let message = error_of(&json!({"asyncapi": "1.2.0", "info": {}}));
    assert!(message.contains("1.2.0 is not supported"), "{message}");
    let message = error_of(&json!({"asyncapi": "3.2.0", "info": {}}));
    assert!(message.contains("not supported"), "{message}");

    let message = error_of(&v3(json!({"c": {"address": null}}), json!({})));
    assert!(
        message.contains("/channels/c/address") && message.contains("channel c"),
        "{message}"
    );
    let message = error_of(&v3(json!({"c": {"address": "has space"}}), json!({})));
    assert!(
        message.contains("/channels/c/address") && message.contains("has space"),
        "{message}"
    );

    let message = error_of(&v3(
        json!({"c": {"address": "c"}}),
        json!({"op": {"action": "send", "channel": {"$ref": "#/channels/nope"}}}),
    ));
    assert!(
        message.contains("/operations/op/channel")
            && message.contains("operation op")
            && message.contains("#/channels/nope"),
        "{message}"
    );
    let message = error_of(&v3(
        json!({"c": {"address": "c", "messages": {"M": {"$ref": "#/components/messages/M"}}}}),
        json!({"op": {"action": "receive", "channel": {"$ref": "#/channels/c"},
                      "messages": [{"$ref": "#/channels/c/messages/Gone"}]}}),
    ));
    assert!(
        message.contains("/operations/op/messages/0") && message.contains("Gone"),
        "{message}"
    );
    let message = error_of(&v3(
        json!({"c": {"address": "c"}}),
        json!({"op": {"action": "publish", "channel": {"$ref": "#/channels/c"}}}),
    ));
    assert!(message.contains("send or receive"), "{message}");
    let mut remote = v3(json!({}), json!({}));
    remote["components"]["messages"]["M"]["payload"] =
        json!({"$ref": "https://example.com/s.json"});
    let message = error_of(&remote);
    assert!(
        message.contains("/components/messages/M/payload"),
        "{message}"
    );

    let error = import(
        &json!({"asyncapi": "2.0.0", "info": {"title": "Old", "version": "1"}}),
        "x",
    )
    .expect("2.0 is read");
    assert_eq!(error.file.applications[0].name, name("old"));
}

#[test]
fn a_3_0_document_from_elsewhere_reads_as_an_application() {
    let document = json!({
        "asyncapi": "3.0.0",
        "info": {"title": "Ledger", "version": "2", "tags": [{"name": "finance"}]},
        "channels": {
            "entries": {"address": "ledger.entries", "messages": {
                "Entry": {"$ref": "#/components/messages/Entry"},
                "Reversal": {"$ref": "#/components/messages/Reversal"}}},
            "alerts": {"messages": {"Alert": {"name": "Alert", "deprecated": true,
                                              "payload": {"schemaFormat": "application/vnd.google.protobuf;version=3",
                                                          "schema": "syntax = \"proto3\";\nmessage Alert {}\n"}}}}
        },
        "operations": {
            "writeEntries": {"action": "send", "channel": {"$ref": "#/channels/entries"},
                             "messages": [{"$ref": "#/channels/entries/messages/Entry"}],
                             "x-herald-versions": ">=3"},
            "readAll": {"action": "receive", "channel": {"$ref": "#/channels/entries"}},
            "alert": {"action": "receive", "channel": {"$ref": "#/channels/alerts"},
                      "messages": [{"$ref": "#/channels/alerts/messages/Alert"}]}
        },
        "components": {"messages": {
            "Entry": {"payload": {"schemaFormat": "application/schema+json;version=draft-07",
                                  "schema": {"type": "object"}}},
            "Reversal": {"name": "Reversal"}
        }}
    });
    let file = import(&document, "ledger.yaml").expect("imports").file;
    let app = &file.applications[0];
    assert_eq!(app.name, name("ledger"));
    assert_eq!(app.tags, vec!["finance"]);
    assert_eq!(app.produces[0].event, Some(name("Entry")));
    assert_eq!(app.produces[0].versions, VersionRange::AtLeast(3));
    assert_eq!(
        app.consumes[0],
        EdgeTarget {
            topic: Some(name("ledger.entries")),
            ..EdgeTarget::default()
        }
    );
    assert_eq!(app.consumes[1].topic, Some(name("alerts")));
    assert_eq!(app.consumes[1].event, Some(name("Alert")));
    let alert = file
        .events
        .iter()
        .find(|e| e.name == name("Alert"))
        .expect("alert");
    assert_eq!(alert.lifecycle, Lifecycle::Deprecated);
    assert_eq!(alert.subject.as_deref(), Some("alerts-value"));
    let entry = file
        .events
        .iter()
        .find(|e| e.name == name("Entry"))
        .expect("entry");
    assert_eq!(entry.subject.as_deref(), Some("ledger.entries-value"));
    assert_eq!(entry.topic, Some(name("ledger.entries")));
    let types: Vec<Option<&str>> = file
        .schemas
        .iter()
        .map(|s| s.schema_type.as_deref())
        .collect();
    assert_eq!(types, vec![Some("JSON"), Some("PROTOBUF")]);
}

#[test]
fn helpers() {
    assert_eq!(
        slug("Order Service (v2)", true),
        Some(name("order-service-v2"))
    );
    assert_eq!(slug("  ", true), None);
    assert_eq!(slug("user signed up", false), Some(name("user-signed-up")));
}
