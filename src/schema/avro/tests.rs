//! Unit tests for the Avro module. Expected texts are written by hand from Avro Java's
//! printing rules, not produced by this implementation.

use super::AvroSchema;
use super::compat::{IncompatibilityKind, check, check_labelled, incompatibilities};
use crate::schema::Dependency;

fn parse(text: &str) -> AvroSchema {
    match AvroSchema::parse(text, &[]) {
        Ok(schema) => schema,
        Err(e) => panic!("{text} should parse: {e}"),
    }
}

fn parse_err(text: &str) -> String {
    match AvroSchema::parse(text, &[]) {
        Ok(schema) => panic!("{text} should not parse, got {}", schema.canonical_text()),
        Err(e) => e.0,
    }
}

fn canonical(text: &str) -> String {
    parse(text).canonical_text()
}

fn normalized(text: &str) -> String {
    parse(text).normalized_text()
}

fn dep(name: &str, text: &str) -> Dependency {
    Dependency {
        name: name.into(),
        text: text.into(),
    }
}

// ---------------------------------------------------------------- names and namespaces

#[test]
fn invalid_names_are_rejected() {
    let record = |name: &str| format!(r#"{{"type":"record","name":"{name}","fields":[]}}"#);
    assert_eq!(
        parse_err(&record("1abc")),
        "Illegal initial character: 1abc"
    );
    assert_eq!(parse_err(&record("a-b")), "Illegal character in: a-b");
    assert_eq!(parse_err(&record("")), "Empty name");
    assert_eq!(
        parse_err(&record("a.1b.C")),
        "Illegal initial character: 1b"
    );
    assert_eq!(parse_err(&record("né")), "Illegal character in: né");
    assert_eq!(
        parse_err(&record("int")),
        "Schemas may not be named after primitives: int"
    );
    assert!(
        parse_err(r#"{"type":"record","name":"R","namespace":"a..b","fields":[]}"#)
            .contains("Empty name")
    );
    // Field names and enum symbols too.
    assert_eq!(
        parse_err(r#"{"type":"record","name":"R","fields":[{"name":"9f","type":"int"}]}"#),
        "Illegal initial character: 9f"
    );
    assert_eq!(
        parse_err(r#"{"type":"enum","name":"E","symbols":["A","B-"]}"#),
        "Illegal character in: B-"
    );
    // Valid: underscores, digits after the first character, dotted namespaces.
    parse(r#"{"type":"record","name":"_a1","namespace":"x_.y9","fields":[]}"#);
}

#[test]
fn namespaces_are_inherited_and_overridden() {
    let schema = parse(
        r#"{"type":"record","name":"Outer","namespace":"a.b","fields":[
            {"name":"f1","type":{"type":"record","name":"Inner","fields":[]}},
            {"name":"f2","type":{"type":"enum","name":"E","namespace":"x","symbols":["A"]}},
            {"name":"f3","type":{"type":"fixed","name":"c.d.F","namespace":"ignored","size":2}},
            {"name":"f4","type":{"type":"record","name":"G","namespace":"x","fields":[
                {"name":"g","type":{"type":"record","name":"H","fields":[]}}]}},
            {"name":"f5","type":"Inner"},
            {"name":"f6","type":"x.E"},
            {"name":"f7","type":{"type":"record","name":"N","namespace":"","fields":[
                {"name":"n","type":{"type":"record","name":"M","fields":[]}}]}}
        ]}"#,
    );
    assert_eq!(
        schema.defined_type_names(),
        [
            "a.b.Outer",
            "a.b.Inner",
            "x.E",
            "c.d.F",
            "x.G",
            "x.H",
            "N",
            "M"
        ]
    );
    assert_eq!(schema.name().as_deref(), Some("a.b.Outer"));
    assert!(schema.is_record());
}

#[test]
fn structural_errors() {
    assert_eq!(
        parse_err(r#"{"type":"record","name":"R","fields":[{"name":"f","type":"Nope"}]}"#),
        r#""Nope" is not a defined name. The type of the "f" field must be a defined name or a {"type": ...} expression."#
    );
    assert_eq!(parse_err(r#""foo""#), r#"Undefined name: "foo""#);
    assert_eq!(parse_err(r#"["int","foo"]"#), r#"Undefined name: "foo""#);
    assert_eq!(parse_err(r#"{"type":"foo"}"#), r#"Undefined name: "foo""#);
    assert_eq!(
        parse_err(r#"{"type":"record","name":"R"}"#),
        r#"Record has no fields: {"type":"record","name":"R"}"#
    );
    assert!(parse_err(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}"#)
        .starts_with("Duplicate field a in record R"));
    assert_eq!(
        parse_err(r#"{"type":"enum","name":"E","symbols":["A","A"]}"#),
        "Duplicate enum symbol: A"
    );
    assert_eq!(
        parse_err(r#"{"type":"enum","name":"E","symbols":["A","B"],"default":"C"}"#),
        "The Enum Default: C is not in the enum symbol set: [A, B]"
    );
    assert_eq!(
        parse_err(r#"{"type":"fixed","name":"F","size":"3"}"#),
        r#"Invalid or no size: {"type":"fixed","name":"F","size":"3"}"#
    );
    assert!(parse_err(r#"{"type":"fixed","name":"F","size":-1}"#).contains("negative"));
    assert_eq!(
        parse_err(r#"["int",["null"]]"#),
        r#"Nested union: ["int",["null"]]"#
    );
    assert_eq!(parse_err(r#"["int","int"]"#), "Duplicate in union:int");
    assert_eq!(
        parse_err(r#"[{"type":"array","items":"int"},{"type":"array","items":"long"}]"#),
        "Duplicate in union:array"
    );
    assert_eq!(
        parse_err(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"R","size":1}}]}"#
        ),
        "Can't redefine: R"
    );
    assert_eq!(
        parse_err(r#"{"type":"array"}"#),
        r#"Array has no items type: {"type":"array"}"#
    );
    assert_eq!(parse_err("3"), "Schema not yet supported: 3");
    assert!(!parse_err("{").is_empty());
    assert!(!parse_err(r#""int" x"#).is_empty());
    // Unions of distinct named types and the empty union are fine.
    parse("[]");
    parse(r#"["null",{"type":"enum","name":"A","symbols":["X"]},{"type":"enum","name":"B","symbols":["X"]}]"#)
        .canonical_text();
}

#[test]
fn recursive_types_parse_and_print() {
    assert_eq!(
        canonical(
            r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}"#
        ),
        r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}"#
    );
}

#[test]
fn comments_are_accepted() {
    assert_eq!(canonical("/* c */ {\"type\": \"int\" // x\n}"), "\"int\"");
}

// ---------------------------------------------------------------- canonical text

#[test]
fn primitives_print_as_java_does() {
    assert_eq!(canonical(r#"{ "type" : "int" }"#), r#""int""#);
    assert_eq!(canonical(r#""string""#), r#""string""#);
    assert_eq!(
        canonical(r#"{"logicalType":"date","type":"int"}"#),
        r#"{"type":"int","logicalType":"date"}"#
    );
    // An invalid logical type is kept as an attribute.
    assert_eq!(
        canonical(r#"{"type":"string","logicalType":"date"}"#),
        r#"{"type":"string","logicalType":"date"}"#
    );
    assert_eq!(
        canonical(r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#),
        r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#
    );
    // Reserved attributes on primitives are dropped.
    assert_eq!(
        canonical(r#"{"type":"long","name":"x","doc":"d"}"#),
        r#""long""#
    );
}

#[test]
fn complex_record_prints_in_java_attribute_order() {
    let text = r#"{
      "fields": [
        {"x-note": "k", "aliases": ["uid"], "doc": "the id", "order": "descending", "type": "long", "name": "id"},
        {"name": "tags", "type": {"items": "string", "type": "array"}, "default": []},
        {"name": "status", "type": {"default": "A", "symbols": ["A", "B"], "doc": "s", "name": "Status", "type": "enum"}},
        {"name": "other", "type": {"type": "record", "name": "Other", "namespace": "org.x",
            "fields": [{"name": "s", "type": "com.acme.Status"}]}},
        {"name": "again", "type": "Status"},
        {"name": "hash", "type": {"size": 16, "type": "fixed", "name": "Hash", "aliases": ["H"]}},
        {"name": "m", "type": {"type": "map", "values": ["null", "Hash"], "p": true}},
        {"name": "score", "type": "double", "default": 1},
        {"name": "ratio", "type": "double", "default": 1.0},
        {"name": "big", "type": "float", "default": 1e3},
        {"name": "ign", "type": "int", "order": "IGNORE"},
        {"name": "asc", "type": "int", "order": "ascending"}
      ],
      "custom": {"b": 1, "a": [1, 2.5]},
      "aliases": ["Person", "old.Person"],
      "doc": "A user / \"quoted\"",
      "name": "User",
      "type": "record",
      "namespace": "com.acme"
    }"#;
    let expected = concat!(
        r#"{"type":"record","name":"User","namespace":"com.acme","doc":"A user / \"quoted\"","fields":["#,
        r#"{"name":"id","type":"long","doc":"the id","order":"descending","aliases":["uid"],"x-note":"k"},"#,
        r#"{"name":"tags","type":{"type":"array","items":"string"},"default":[]},"#,
        r#"{"name":"status","type":{"type":"enum","name":"Status","doc":"s","symbols":["A","B"],"default":"A"}},"#,
        r#"{"name":"other","type":{"type":"record","name":"Other","namespace":"org.x","fields":[{"name":"s","type":"com.acme.Status"}]}},"#,
        r#"{"name":"again","type":"Status"},"#,
        r#"{"name":"hash","type":{"type":"fixed","name":"Hash","size":16,"aliases":["H"]}},"#,
        r#"{"name":"m","type":{"type":"map","values":["null","Hash"],"p":true}},"#,
        r#"{"name":"score","type":"double","default":1},"#,
        r#"{"name":"ratio","type":"double","default":1.0},"#,
        r#"{"name":"big","type":"float","default":1000.0},"#,
        r#"{"name":"ign","type":"int","order":"ignore"},"#,
        r#"{"name":"asc","type":"int"}],"#,
        r#""custom":{"b":1,"a":[1,2.5]},"aliases":["Person","old.Person"]}"#
    );
    assert_eq!(canonical(text), expected);
    // Whitespace and key order do not matter.
    let compact: serde_json::Value = serde_json::from_str(text).expect("json");
    assert_eq!(canonical(&compact.to_string()), expected);
}

#[test]
fn namespace_rules_when_printing() {
    // The null namespace inside a namespace is written as "".
    assert_eq!(
        canonical(
            r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"g","type":"S"}]}"#
        ),
        r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"g","type":"S"}]}"#
    );
    // A dotted name becomes name + namespace.
    assert_eq!(
        canonical(r#"{"type":"record","name":"a.b.R","fields":[]}"#),
        r#"{"type":"record","name":"R","namespace":"a.b","fields":[]}"#
    );
    // Same namespace as the enclosing type: not repeated; a reference named like a type is
    // written in full.
    assert_eq!(
        canonical(
            r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"fixed","name":"map","namespace":"n","size":1}},{"name":"b","type":"map"}]}"#
        ),
        r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"fixed","name":"map","size":1}},{"name":"b","type":"n.map"}]}"#
    );
    // Aliases are written relative to the type's namespace.
    assert_eq!(
        canonical(
            r#"{"type":"enum","name":"n.E","aliases":["n.Old","m.Other","Short"],"symbols":["A"]}"#
        ),
        r#"{"type":"enum","name":"E","namespace":"n","symbols":["A"],"aliases":["Old","m.Other","Short"]}"#
    );
    // "error" records keep their type.
    assert_eq!(
        canonical(r#"{"type":"error","name":"Oops","fields":[]}"#),
        r#"{"type":"error","name":"Oops","fields":[]}"#
    );
}

#[test]
fn strings_are_escaped_like_jackson() {
    assert_eq!(
        canonical("{\"type\":\"string\",\"p\":\"a/b\\u0001\\t\u{e9}\"}"),
        "{\"type\":\"string\",\"p\":\"a/b\\u0001\\t\u{e9}\"}"
    );
}

// ---------------------------------------------------------------- references

const DEP_A: &str =
    r#"{"type":"record","name":"A","namespace":"com.dep","fields":[{"name":"x","type":"int"}]}"#;
const DEP_A_LONG: &str =
    r#"{"type":"record","name":"A","namespace":"com.dep","fields":[{"name":"x","type":"long"}]}"#;
const DEP_B: &str =
    r#"{"type":"record","name":"B","namespace":"com.dep","fields":[{"name":"a","type":"A"}]}"#;

#[test]
fn references_resolve_across_dependencies() {
    let main = r#"{"type":"record","name":"Main","namespace":"com.app","fields":[{"name":"a","type":"com.dep.A"},{"name":"b","type":["null","com.dep.B"],"default":null}]}"#;
    let deps = [dep("com.dep.A", DEP_A), dep("com.dep.B", DEP_B)];
    let schema = AvroSchema::parse(main, &deps).expect("parses with references");
    assert_eq!(
        schema.canonical_text(),
        r#"{"type":"record","name":"Main","namespace":"com.app","fields":[{"name":"a","type":"com.dep.A"},{"name":"b","type":["null","com.dep.B"],"default":null}]}"#
    );
    assert_eq!(schema.normalized_text(), schema.canonical_text());
    assert_eq!(schema.defined_type_names(), ["com.app.Main"]);
    // A short name resolves within the dependency's namespace.
    let short =
        r#"{"type":"record","name":"M","namespace":"com.dep","fields":[{"name":"a","type":"A"}]}"#;
    assert_eq!(
        AvroSchema::parse(short, &deps[..1])
            .expect("parses")
            .canonical_text(),
        r#"{"type":"record","name":"M","namespace":"com.dep","fields":[{"name":"a","type":"A"}]}"#
    );
    // Without the dependency the name is undefined; a dependency's type cannot be redefined
    // differently.
    assert!(AvroSchema::parse(main, &[]).is_err());
    assert!(AvroSchema::parse(DEP_A_LONG, &deps[..1]).is_err());
    // An identical definition is accepted (Avro 1.12) and prints by name.
    assert_eq!(
        AvroSchema::parse(DEP_A, &deps[..1])
            .expect("identical redefinition")
            .canonical_text(),
        r#""com.dep.A""#
    );
}

#[test]
fn nested_dependency_types_are_inlined_and_parse_again() {
    let dep_text = r#"{"type":"record","name":"A","namespace":"com.dep","fields":[{"name":"i","type":{"type":"enum","name":"Inner","symbols":["X"]}}]}"#;
    let deps = [dep("com.dep.A", dep_text)];
    let main = r#"{"type":"record","name":"M","fields":[{"name":"a","type":"com.dep.A"},{"name":"i","type":"com.dep.Inner"}]}"#;
    let schema = AvroSchema::parse(main, &deps).expect("parses");
    // As Java prints it: only the dependency's top-level name is known.
    let expected = r#"{"type":"record","name":"M","fields":[{"name":"a","type":"com.dep.A"},{"name":"i","type":{"type":"enum","name":"Inner","namespace":"com.dep","symbols":["X"]}}]}"#;
    assert_eq!(schema.canonical_text(), expected);
    let again = AvroSchema::parse(expected, &deps).expect("the canonical text parses again");
    assert_eq!(again.canonical_text(), expected);
    assert_eq!(schema.normalized_text(), expected);
    // A different definition under a dependency's name is refused.
    let clash = r#"{"type":"record","name":"M","fields":[{"name":"i","type":{"type":"enum","name":"com.dep.Inner","symbols":["Y"]}}]}"#;
    assert_eq!(
        AvroSchema::parse(clash, &deps)
            .err()
            .map(|e| e.0)
            .as_deref(),
        Some("Can't redefine: com.dep.Inner")
    );
}

#[test]
fn compatibility_follows_references() {
    let main = r#"{"type":"record","name":"Main","fields":[{"name":"a","type":"com.dep.A"}]}"#;
    let new = AvroSchema::parse(main, &[dep("A", DEP_A)]).expect("parses");
    let old = AvroSchema::parse(main, &[dep("A", DEP_A_LONG)]).expect("parses");
    let found = incompatibilities(&new, &old).expect("completes");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, IncompatibilityKind::TypeMismatch);
    assert_eq!(found[0].path, "/fields/0/type/fields/0/type");
    assert_eq!(
        found[0].detail,
        "reader type: INT not compatible with writer type: LONG"
    );
    assert!(check(&old, &new).is_empty());
}

#[test]
fn wide_records_are_compared_in_linear_time() {
    // 100,000 fields: matching reader fields to writer fields by search took 24 s in a
    // release build (issue 16); by name it takes milliseconds. The bound only catches a
    // return of the quadratic walk, far above any machine's linear time.
    let fields: Vec<String> = (0..100_000)
        .map(|i| format!(r#"{{"name":"f{i}","type":"int"}}"#))
        .collect();
    let old = format!(
        r#"{{"type":"record","name":"Wide","fields":[{}]}}"#,
        fields.join(",")
    );
    let new = format!(
        r#"{{"type":"record","name":"Wide","fields":[{},{{"name":"extra","type":"int","default":0}}]}}"#,
        fields.join(",")
    );
    let (old, new) = (parse(&old), parse(&new));
    let started = std::time::Instant::now();
    assert!(
        check(&new, &old).is_empty(),
        "a field with a default is backward compatible"
    );
    assert!(
        check(&old, &new).is_empty(),
        "a dropped field is forward compatible"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "took {elapsed:?}"
    );
}

// ---------------------------------------------------------------- normalization

#[test]
fn normalization_sorts_properties_and_aliases() {
    let a = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"string","b":1,"a":2}}],"z":1,"y":{"d":1,"c":2},"aliases":["Z","A"]}"#;
    let b = r#"{"namespace":"n","aliases":["A","Z"],"y":{"c":2,"d":1},"z":1,"name":"R","type":"record","fields":[{"type":{"a":2,"type":"string","b":1},"name":"a"}]}"#;
    let expected = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"string","a":2,"b":1}}],"y":{"c":2,"d":1},"z":1,"aliases":["A","Z"]}"#;
    assert_eq!(normalized(a), expected);
    assert_eq!(normalized(b), expected);
    assert_ne!(canonical(a), canonical(b));
    // Normalizing is idempotent.
    assert_eq!(normalized(expected), expected);
}

#[test]
fn normalization_ignores_namespace_shortening() {
    let short = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":"E"}]}"#;
    let full = r#"{"type":"record","name":"n.R","fields":[{"name":"e","type":{"type":"enum","name":"n.E","symbols":["A"]}},{"name":"f","type":"n.E"}]}"#;
    assert_eq!(normalized(short), normalized(full));
    assert_eq!(canonical(short), canonical(full));
    assert_eq!(
        normalized(short),
        r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":"E"}]}"#
    );
}

#[test]
fn normalization_puts_logical_type_attributes_first() {
    assert_eq!(
        normalized(r#"{"type":"bytes","scale":2,"a":1,"precision":4,"logicalType":"decimal"}"#),
        r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2,"a":1}"#
    );
    assert_eq!(
        normalized(
            r#"{"type":"fixed","name":"D","size":8,"z":0,"logicalType":"decimal","precision":10}"#
        ),
        r#"{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10,"z":0}"#
    );
    // Invalid logical types are ordinary properties.
    assert_eq!(
        normalized(r#"{"type":"string","z":1,"logicalType":"date"}"#),
        r#"{"type":"string","logicalType":"date","z":1}"#
    );
}

#[test]
fn normalization_coerces_defaults_to_their_type() {
    assert_eq!(
        normalized(
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":"float","default":1.1},{"name":"l","type":"long","default":5},{"name":"m","type":{"type":"map","values":"int"},"default":{"b":1,"a":2}},{"name":"d","type":"double","default":"2.5"}]}"#
        ),
        r#"{"type":"record","name":"R","fields":[{"name":"f","type":"float","default":1.1},{"name":"l","type":"long","default":5},{"name":"m","type":{"type":"map","values":"int"},"default":{"a":2,"b":1}},{"name":"d","type":"double","default":2.5}]}"#
    );
}

// ---------------------------------------------------------------- defaults

fn field_with(type_json: &str, default_json: &str) -> String {
    format!(
        r#"{{"type":"record","name":"R","fields":[{{"name":"f","type":{type_json},"default":{default_json}}}]}}"#
    )
}

#[test]
fn defaults_are_validated_against_their_type() {
    let ok = [
        (r#""null""#, "null"),
        (r#""boolean""#, "true"),
        (r#""int""#, "2147483647"),
        (r#""long""#, "9223372036854775807"),
        (r#""float""#, "1"),
        (r#""double""#, "1.5"),
        (r#""double""#, r#""NaN""#),
        (r#""bytes""#, r#""\u00ff""#),
        (r#""string""#, r#""s""#),
        (r#"{"type":"enum","name":"E","symbols":["A"]}"#, r#""A""#),
        (r#"{"type":"fixed","name":"F","size":2}"#, r#""ab""#),
        (r#"{"type":"array","items":"int"}"#, "[1,2]"),
        (r#"{"type":"map","values":"string"}"#, r#"{"a":"b"}"#),
        (r#"["null","string"]"#, "null"),
        (r#"["string","null"]"#, r#""x""#),
        (
            r#"{"type":"record","name":"S","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#,
            r#"{"a":1}"#,
        ),
    ];
    for (type_json, default_json) in ok {
        parse(&field_with(type_json, default_json));
    }
    let bad = [
        (r#""int""#, r#""x""#),
        (r#""int""#, "2147483648"),
        (r#""int""#, "1.0"),
        (r#""long""#, "9223372036854775808"),
        (r#""boolean""#, "0"),
        (r#""null""#, "0"),
        (r#""string""#, "1"),
        (r#""bytes""#, "[]"),
        (r#""double""#, r#""abc""#),
        (r#"{"type":"array","items":"int"}"#, r#"[1,"a"]"#),
        (r#"{"type":"map","values":"int"}"#, r#"{"a":"b"}"#),
        (r#"["null","string"]"#, r#""x""#),
        (r#"[]"#, "null"),
        (
            r#"{"type":"record","name":"S","fields":[{"name":"a","type":"int"}]}"#,
            "{}",
        ),
    ];
    for (type_json, default_json) in bad {
        let message = parse_err(&field_with(type_json, default_json));
        assert!(
            message.starts_with("Invalid default for field f: "),
            "{type_json} / {default_json}: {message}"
        );
    }
    assert_eq!(
        parse_err(&field_with(r#""int""#, r#""x""#)),
        r#"Invalid default for field f: "x" not a "int""#
    );
    // A record cannot be its own field's default before it is complete.
    assert!(
        AvroSchema::parse(
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":["R","null"],"default":{}}]}"#,
            &[]
        )
        .is_err()
    );
}

// ---------------------------------------------------------------- depth

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 10_000;
    let arrays = format!(
        "{}\"int\"{}",
        r#"{"type":"array","items":"#.repeat(depth),
        "}".repeat(depth)
    );
    assert!(AvroSchema::parse(&arrays, &[]).is_err());
    let unions = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(AvroSchema::parse(&unions, &[]).is_err());
    let records = format!(
        "{}\"int\"{}",
        r#"{"type":"record","name":"R","fields":[{"name":"f","type":"#.repeat(depth),
        "}]}".repeat(depth)
    );
    assert!(AvroSchema::parse(&records, &[]).is_err());
}

#[test]
fn parser_depth_limit_applies_to_values_deeper_than_serde_allows() {
    use super::model::TypeTable;
    use super::parse::{MAX_DEPTH, Parser};
    let mut value = serde_json::json!("int");
    for _ in 0..(MAX_DEPTH + 10) {
        value = serde_json::json!({"type": "array", "items": value});
    }
    let mut table = TypeTable::default();
    let result = Parser {
        table: &mut table,
        validate_defaults: true,
        frozen: 0,
    }
    .parse(&value, None, 0);
    assert!(result.is_err());
}

// ---------------------------------------------------------------- compatibility details

#[test]
fn compat_reports_paths_and_confluent_messages() {
    let old = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C","D"]}},{"name":"u","type":["null","string","int"]}]}"#,
    );
    let new = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"u","type":["null","string"]},{"name":"added","type":"int"}]}"#,
    );
    let found = check(&new, &old);
    let summary: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.kind.as_str(), f.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("MISSING_ENUM_SYMBOLS", "/fields/0/type/symbols"),
            ("MISSING_UNION_BRANCH", "/fields/1/type/2"),
            ("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/2"),
        ]
    );
    assert_eq!(
        found[0].message,
        "The new schema is missing enum symbols '[C, D]' at path '/fields/0/type/symbols' in the old schema"
    );
    assert_eq!(
        found[2].message,
        "The field 'added' at path '/fields/2' in the new schema has no default value and is missing in the old schema"
    );
    // Nothing the old schema reads is missing from the new one.
    assert!(check(&old, &new).is_empty());
    let old_int = parse(r#"{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}"#);
    let new_long = parse(r#"{"type":"record","name":"R","fields":[{"name":"x","type":"long"}]}"#);
    let forward = check_labelled(&old_int, &new_long, "old", "new");
    assert_eq!(forward.len(), 1);
    assert_eq!(
        forward[0].message,
        "The type (path '/fields/0/type') of a field in the old schema does not match with the new schema"
    );
}

#[test]
fn compat_name_size_and_alias_rules() {
    let fixed = |name: &str, size: u32| {
        parse(&format!(
            r#"{{"type":"fixed","name":"{name}","size":{size}}}"#
        ))
    };
    let found = incompatibilities(&fixed("a.F", 4), &fixed("G", 8)).expect("completes");
    assert_eq!(found.len(), 2);
    assert_eq!(
        (found[0].kind, found[0].path.as_str()),
        (IncompatibilityKind::NameMismatch, "/name")
    );
    assert_eq!(found[0].detail, "expected: G");
    assert_eq!(
        (found[1].kind, found[1].path.as_str()),
        (IncompatibilityKind::FixedSizeMismatch, "/size")
    );
    assert_eq!(found[1].detail, "expected: 8, found: 4");
    // Namespaces are ignored for the name comparison.
    assert!(check(&fixed("a.F", 4), &fixed("b.F", 4)).is_empty());
    // A reader alias must equal the writer's full name.
    let reader =
        parse(r#"{"type":"record","name":"New","namespace":"n","aliases":["n.Old"],"fields":[]}"#);
    assert!(
        check(
            &reader,
            &parse(r#"{"type":"record","name":"n.Old","fields":[]}"#)
        )
        .is_empty()
    );
    assert!(
        !check(
            &reader,
            &parse(r#"{"type":"record","name":"x.Old","fields":[]}"#)
        )
        .is_empty()
    );
    // A field matched directly and through an alias is an error, as in Avro Java.
    let ambiguous = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#,
    );
    let writer = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
    );
    assert!(incompatibilities(&ambiguous, &writer).is_err());
    assert_eq!(check(&ambiguous, &writer).len(), 1);
}

#[test]
fn compat_terminates_on_mutually_recursive_types() {
    let text = r#"{"type":"record","name":"A","fields":[{"name":"b","type":{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]},{"name":"self","type":["null","B"]}]}}]}"#;
    let a = parse(text);
    let b = parse(text);
    assert!(check(&a, &b).is_empty());
    assert!(check(&a, &a).is_empty());
}

#[test]
fn compat_enum_field_with_default_missing_in_writer() {
    // Avro Java compares the reader's enum with the writer record: a type mismatch.
    let reader = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"],"default":"A"}}]}"#,
    );
    let writer = parse(r#"{"type":"record","name":"R","fields":[]}"#);
    let found = incompatibilities(&reader, &writer).expect("completes");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, IncompatibilityKind::TypeMismatch);
    assert_eq!(found[0].path, "/fields/0/type");
}
