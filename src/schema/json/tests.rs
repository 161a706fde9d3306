use serde_json::json;

use super::compat::{Policy, check, diff, is_compatible_change};
use super::*;

fn parse(text: &str) -> JsonSchema {
    JsonSchema::parse(text, &[]).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn dep(name: &str, text: &str) -> Dependency {
    Dependency {
        name: name.to_owned(),
        text: text.to_owned(),
    }
}

fn changes(original: &str, update: &str) -> Vec<String> {
    diff(&parse(original), &parse(update))
        .into_iter()
        .map(|c| format!("{} {}", c.kind, c.path))
        .collect()
}

#[test]
fn canonical_text_is_compact_and_keeps_key_order() {
    let schema = parse(
        "{ \"type\" : \"object\",\n \"properties\": {\"b\": {\"type\": \"string\"}, \"a\": {}}, \"$schema\": \"http://json-schema.org/draft-07/schema#\" }",
    );
    assert_eq!(
        schema.canonical_text(),
        r#"{"type":"object","properties":{"b":{"type":"string"},"a":{}},"$schema":"http://json-schema.org/draft-07/schema#"}"#
    );
}

#[test]
fn normalized_text_sorts_keys_recursively_but_not_arrays() {
    let schema = parse(
        r#"{"type":"object","required":["b","a"],"properties":{"b":{"type":"string","maxLength":3},"a":{}}}"#,
    );
    assert_eq!(
        schema.normalized_text(),
        r#"{"properties":{"a":{},"b":{"maxLength":3,"type":"string"}},"required":["b","a"],"type":"object"}"#
    );
}

#[test]
fn whitespace_variants_share_canonical_text() {
    let a = parse(r#"{"type":"string"}"#);
    let b = parse("{\n  \"type\": \"string\"\n}");
    assert_eq!(a.canonical_text(), b.canonical_text());
}

#[test]
fn boolean_roots_are_schemas_and_other_roots_are_refused() {
    assert_eq!(parse("true").canonical_text(), "true");
    for text in ["1", "\"string\"", "[]", "null", "{", ""] {
        assert!(JsonSchema::parse(text, &[]).is_err(), "{text}");
    }
}

#[test]
fn drafts_are_detected_from_dollar_schema() {
    let cases = [
        ("http://json-schema.org/draft-04/schema#", Draft::Draft4),
        ("http://json-schema.org/draft-06/schema#", Draft::Draft6),
        ("http://json-schema.org/draft-07/schema#", Draft::Draft7),
        (
            "https://json-schema.org/draft/2019-09/schema",
            Draft::Draft201909,
        ),
        (
            "https://json-schema.org/draft/2020-12/schema",
            Draft::Draft202012,
        ),
    ];
    for (uri, draft) in cases {
        let schema = parse(&json!({"$schema": uri, "type": "string"}).to_string());
        assert_eq!(schema.draft(), draft, "{uri}");
    }
    assert_eq!(parse(r#"{"type":"string"}"#).draft(), Draft::Draft7);
}

#[test]
fn draft_specific_meta_validation() {
    // Draft 4 wants a boolean `exclusiveMinimum`, draft 6+ a number.
    let draft4 = r#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":1,"exclusiveMinimum":3}"#;
    assert!(JsonSchema::parse(draft4, &[]).is_err());
    let draft7 = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"number","exclusiveMinimum":3}"#;
    assert!(JsonSchema::parse(draft7, &[]).is_ok());
}

#[test]
fn schemas_invalid_against_the_metaschema_are_refused() {
    for text in [
        r#"{"type":"strnig"}"#,
        r#"{"type":"string","minLength":-1}"#,
        r#"{"properties":[]}"#,
        r#"{"required":"a"}"#,
    ] {
        assert!(JsonSchema::parse(text, &[]).is_err(), "{text}");
    }
}

#[test]
fn invalid_regex_patterns_are_refused() {
    assert!(JsonSchema::parse(r#"{"type":"string","pattern":"(unclosed"}"#, &[]).is_err());
    assert!(JsonSchema::parse(r#"{"patternProperties":{"[a-":{}}}"#, &[]).is_err());
    assert!(JsonSchema::parse(r#"{"type":"string","pattern":"^[a-z]+$"}"#, &[]).is_ok());
}

#[test]
fn references_resolve_through_dependencies_only() {
    let address =
        r#"{"type":"object","properties":{"street":{"type":"string"}},"required":["street"]}"#;
    let root = r#"{"type":"object","properties":{"home":{"$ref":"address.json"}}}"#;
    let schema = JsonSchema::parse(root, &[dep("address.json", address)]).expect("parses");
    assert!(
        schema
            .validate(&json!({"home": {"street": "Main"}}))
            .is_empty()
    );
    let errors = schema.validate(&json!({"home": {}}));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "/home");

    // Without the dependency the reference is unknown, and nothing is fetched.
    let error = JsonSchema::parse(root, &[]).expect_err("unresolved");
    assert!(error.0.contains("address.json"), "{error}");
    let remote = r#"{"$ref":"https://example.com/schemas/never-fetched.json"}"#;
    assert!(JsonSchema::parse(remote, &[]).is_err());
}

#[test]
fn absolute_reference_names_and_fragments_resolve() {
    let defs = r#"{"$id":"https://example.com/defs.json","definitions":{"id":{"type":"integer"}}}"#;
    let root = r#"{"properties":{"id":{"$ref":"https://example.com/defs.json#/definitions/id"}}}"#;
    let schema =
        JsonSchema::parse(root, &[dep("https://example.com/defs.json", defs)]).expect("parses");
    assert!(schema.validate(&json!({"id": 3})).is_empty());
    assert_eq!(schema.validate(&json!({"id": "x"})).len(), 1);
}

#[test]
fn validation_returns_every_error_with_its_path() {
    let schema = parse(
        r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"array","items":{"type":"integer"}}},"required":["c"]}"#,
    );
    let mut paths: Vec<String> = schema
        .validate(&json!({"a": 1, "b": [1, "x", "y"]}))
        .into_iter()
        .map(|e| e.path)
        .collect();
    paths.sort();
    assert_eq!(paths, vec!["", "/a", "/b/1", "/b/2"]);
    assert!(
        schema
            .validate(&json!({"a": "s", "b": [], "c": 0}))
            .is_empty()
    );
}

#[test]
fn title_is_the_top_level_title() {
    assert_eq!(
        parse(r#"{"title":"Order","type":"object"}"#).title(),
        Some("Order".into())
    );
    assert_eq!(parse(r#"{"type":"object"}"#).title(), None);
}

#[test]
fn hostile_input_errors_or_finishes() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(JsonSchema::parse(&deep, &[]).is_err());
    let deep_object = format!("{}{}", r#"{"not":"#.repeat(10_000), "}".repeat(10_000));
    assert!(JsonSchema::parse(&deep_object, &[]).is_err());
    let values: Vec<u32> = (0..50_000).collect();
    let big = json!({"enum": values}).to_string();
    let a = parse(&big);
    let b = parse(&big);
    assert!(diff(&a, &b).is_empty());
    // A wide union against a wide union: bounded work, and never silently compatible.
    let members: Vec<serde_json::Value> = (0..2_000)
        .map(|i| json!({"type": "string", "maxLength": i}))
        .collect();
    let wide = parse(&json!({"anyOf": members}).to_string());
    let found = diff(&wide, &wide);
    assert!(found.iter().any(|c| c.kind == compat::TOO_COMPLEX) || found.is_empty());
}

#[test]
fn recursive_schemas_terminate() {
    let recursive = r##"{"definitions":{"node":{"type":"object","properties":{"next":{"$ref":"#/definitions/node"},"value":{"type":"integer"}}}},"$ref":"#/definitions/node"}"##;
    assert!(changes(recursive, recursive).is_empty());
    let widened = recursive.replace("integer", "number");
    assert_eq!(
        changes(recursive, &widened),
        vec!["TYPE_EXTENDED #/properties/value"]
    );
    // Mutual recursion through two definitions.
    let mutual = r##"{"definitions":{"a":{"type":"object","properties":{"b":{"$ref":"#/definitions/b"}}},"b":{"type":"object","properties":{"a":{"$ref":"#/definitions/a"}}}},"$ref":"#/definitions/a"}"##;
    assert!(changes(mutual, mutual).is_empty());
}

#[test]
fn references_into_dependencies_are_compared_by_target() {
    let root = r#"{"type":"object","properties":{"x":{"$ref":"t.json"}}}"#;
    let old = JsonSchema::parse(root, &[dep("t.json", r#"{"type":"integer"}"#)]).expect("old");
    let new = JsonSchema::parse(root, &[dep("t.json", r#"{"type":"string"}"#)]).expect("new");
    let found = check(&new, &old, Policy::Strict);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, "TYPE_CHANGED");
    assert_eq!(found[0].path, "#/properties/x");
}

#[test]
fn check_reports_only_incompatible_changes_under_the_policy() {
    let old = parse(r#"{"type":"object","properties":{"a":{"type":"string"}}}"#);
    let new =
        parse(r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}"#);
    let strict = check(&new, &old, Policy::Strict);
    assert_eq!(strict.len(), 1);
    assert_eq!(
        strict[0].kind,
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    );
    assert!(strict[0].message.contains("#/properties/b"));
    assert!(check(&new, &old, Policy::Lenient).is_empty());
    // Removing the property again is compatible under both.
    assert!(check(&old, &new, Policy::Strict).is_empty());
}

#[test]
fn compatible_change_table() {
    assert!(is_compatible_change("TYPE_EXTENDED", Policy::Strict));
    assert!(!is_compatible_change("TYPE_NARROWED", Policy::Lenient));
    assert!(!is_compatible_change(
        "ADDITIONAL_PROPERTIES_REMOVED",
        Policy::Strict
    ));
    assert!(is_compatible_change(
        "ADDITIONAL_PROPERTIES_REMOVED",
        Policy::Lenient
    ));
    assert!(!is_compatible_change(
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
        Policy::Lenient
    ));
}

#[test]
fn property_changes_follow_java_hash_order() {
    assert_eq!(
        changes(
            r#"{"properties":{"foo":{"type":"string"}}}"#,
            r#"{"properties":{"bar":{"type":"string"}}}"#
        ),
        vec![
            "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar",
            "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo",
        ]
    );
}
