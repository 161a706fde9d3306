use super::*;
use crate::schema::{Dependency, ParseOptions};

fn parse(text: &str) -> ProtobufSchema {
    match ProtobufSchema::parse(text, &[]) {
        Ok(schema) => schema,
        Err(e) => panic!("parse failed: {e}"),
    }
}

const MESSY: &str = r#"syntax   =  "proto3";
// a comment
package foo;
/* block
   comment */
message TestMessage {
    string test_string = 1;   // trailing
    .foo.TestMessage.Status test_int = 2;
    repeated int64 nums = 3 [packed = true];
    map<string, int32> m = 4;
    oneof choice { string a = 5; int32 b = 6; }
    message Status {
    string test_string = 1;
    }
    enum Kind { K0 = 0; K1 = 1; }
}
enum E { A = 0; }
"#;

// Written by hand from Confluent's printing rules: a blank line before each section,
// two-space indentation, messages before enums at each level.
const MESSY_CANONICAL: &str = r#"syntax = "proto3";
package foo;

message TestMessage {
  string test_string = 1;
  .foo.TestMessage.Status test_int = 2;
  repeated int64 nums = 3 [packed = true];
  map<string, int32> m = 4;

  oneof choice {
    string a = 5;
    int32 b = 6;
  }

  message Status {
    string test_string = 1;
  }
  enum Kind {
    K0 = 0;
    K1 = 1;
  }
}
enum E {
  A = 0;
}
"#;

#[test]
fn canonical_print_follows_confluent_layout() {
    assert_eq!(parse(MESSY).canonical_text(), MESSY_CANONICAL);
}

#[test]
fn canonical_print_is_whitespace_and_comment_invariant() {
    let compact = "syntax = \"proto3\"; package foo; message TestMessage { string test_string = 1; \
        .foo.TestMessage.Status test_int = 2; repeated int64 nums = 3 [packed=true]; \
        map<string,int32> m = 4; oneof choice { string a = 5; int32 b = 6; } \
        message Status { string test_string = 1; } enum Kind { K0 = 0; K1 = 1; } } enum E { A = 0; }";
    assert_eq!(parse(compact).canonical_text(), MESSY_CANONICAL);
}

#[test]
fn canonical_text_reparses_to_the_same_descriptor() {
    let first = parse(MESSY);
    let second = parse(&first.canonical_text());
    assert_eq!(second.canonical_text(), first.canonical_text());
    assert_eq!(second.serialized(), first.serialized());
}

#[test]
fn proto2_labels_options_and_reserved_print() {
    let text = "syntax = \"proto2\";\noption java_package = \"a.b\";\nmessage M {\n\
        reserved 8, 10 to 12;\n reserved \"old\";\n required string s = 1 [default = \"x\"];\n\
        optional int32 i = 2 [deprecated = true, json_name = \"eye\"];\n extensions 100 to max;\n}\n";
    let expected = "syntax = \"proto2\";\n\noption java_package = \"a.b\";\n\nmessage M {\n\
        \x20 reserved 8, 10 to 12;\n  reserved \"old\";\n\n  required string s = 1 [default = \"x\"];\n\
        \x20 optional int32 i = 2 [\n    deprecated = true,\n    json_name = \"eye\"\n  ];\n\n\
        \x20 extensions 100 to max;\n}\n";
    assert_eq!(parse(text).canonical_text(), expected);
}

#[test]
fn aggregate_options_print_as_confluent_maps() {
    let text = "syntax = \"proto3\";\nimport \"confluent/meta.proto\";\nmessage M {\n\
        option (confluent.message_meta).doc = \"message\";\n\
        string s = 1 [(confluent.field_meta) = { doc: \"d\" params: [{ key: \"k\", value: \"v\" }] }];\n}\n";
    let expected = "syntax = \"proto3\";\n\nimport \"confluent/meta.proto\";\n\nmessage M {\n\
        \x20 option (confluent.message_meta).doc = \"message\";\n\n\
        \x20 string s = 1 [(confluent.field_meta) = {\n    doc: \"d\",\n    params: [\n      {\n\
        \x20       key: \"k\",\n        value: \"v\"\n      }\n    ]\n  }];\n}\n";
    assert_eq!(parse(text).canonical_text(), expected);
}

#[test]
fn normalization_sorts_and_qualifies() {
    let a = "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\n\
        import \"google/type/date.proto\";\nmessage M {\n  int32 b = 2;\n  Inner a = 1;\n\
        map<string, Inner> m = 3;\n  message Inner { google.type.Date d = 1; }\n  google.protobuf.Timestamp t = 4;\n}\n";
    let b = "syntax = \"proto3\";\npackage p;\nimport \"google/type/date.proto\";\n\
        import \"google/protobuf/timestamp.proto\";\nmessage M {\n  .p.M.Inner a = 1;\n  int32 b = 2;\n\
        google.protobuf.Timestamp t = 4;\n  map<string, .p.M.Inner> m = 3;\n  message Inner { .google.type.Date d = 1; }\n}\n";
    let (a, b) = (parse(a), parse(b));
    assert_ne!(a.canonical_text(), b.canonical_text());
    assert_eq!(a.normalized_text(), b.normalized_text());
    let expected = "syntax = \"proto3\";\npackage p;\n\nimport \"google/protobuf/timestamp.proto\";\n\
        import \"google/type/date.proto\";\n\nmessage M {\n  .p.M.Inner a = 1;\n  int32 b = 2;\n\
        \x20 map<string, .p.M.Inner> m = 3;\n  .google.protobuf.Timestamp t = 4;\n\n  message Inner {\n\
        \x20   .google.type.Date d = 1;\n  }\n}\n";
    assert_eq!(a.normalized_text(), expected);
}

#[test]
fn imports_resolve_through_dependencies_nested() {
    let b = Dependency {
        name: "dir/b.proto".into(),
        text: "syntax = \"proto3\"; package b; message B { string x = 1; }".into(),
    };
    let a = Dependency {
        name: "a.proto".into(),
        text:
            "syntax = \"proto3\"; package a; import \"dir/b.proto\"; message A { b.B inner = 1; }"
                .into(),
    };
    let main = "syntax = \"proto3\"; import \"a.proto\"; message Main { a.A a = 1; }";
    let schema = ProtobufSchema::parse(main, &[b.clone(), a.clone()]);
    let schema = match schema {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(schema.message_names(), vec!["Main".to_owned()]);
    // Missing the nested dependency: by default (lenient imports) the type it should
    // have defined resolves nowhere; with exact imports the import itself is the error.
    let err = ProtobufSchema::parse(main, std::slice::from_ref(&a))
        .err()
        .map(|e| e.0);
    assert_eq!(
        err.as_deref(),
        Some("a.proto: Could not resolve type 'b.B'")
    );
    let strict = ParseOptions {
        validate_fields: true,
    };
    let err = ProtobufSchema::parse_with(main, &[a], strict)
        .err()
        .map(|e| e.0);
    assert!(err.is_some_and(|e| e.contains("dir/b.proto")));
}

#[test]
fn well_known_and_builtin_imports() {
    let text = "syntax = \"proto3\";\nimport \"google/protobuf/any.proto\";\n\
        import \"confluent/type/decimal.proto\";\nimport \"google/type/money.proto\";\n\
        import \"google/type/latlng.proto\";\nimport \"google/type/timeofday.proto\";\n\
        import \"google/type/color.proto\";\n\
        message M { google.protobuf.Any any = 1; confluent.type.Decimal d = 2; google.type.Money m = 3;\
        google.type.LatLng l = 4; google.type.TimeOfDay t = 5; google.type.Color c = 6; }";
    assert_eq!(parse(text).message_names(), vec!["M".to_owned()]);
}

#[test]
fn base64_descriptor_input_is_accepted() {
    let schema = parse(MESSY);
    let from_descriptor = parse(&schema.serialized());
    assert_eq!(from_descriptor.message_names(), schema.message_names());
    assert_eq!(from_descriptor.serialized(), schema.serialized());
    // Fully-qualified names, same structure: the canonical print re-parses.
    let again = parse(&from_descriptor.canonical_text());
    assert_eq!(again.message_names(), schema.message_names());
}

#[test]
fn message_indexes_follow_confluent() {
    let schema = parse(
        "syntax = \"proto3\"; message A { map<string, string> m = 1; message B {} message C { message D {} } }\
         message E {}",
    );
    let name = |i: &[i32]| {
        schema
            .message_by_indexes(i)
            .map(|m| m.full_name().to_owned())
    };
    assert_eq!(name(&[0]).as_deref(), Some("A"));
    assert_eq!(name(&[1]).as_deref(), Some("E"));
    assert_eq!(name(&[0, 0]).as_deref(), Some("A.B"));
    assert_eq!(name(&[0, 1, 0]).as_deref(), Some("A.C.D"));
    assert_eq!(name(&[0, 2]), None);
    assert_eq!(name(&[-1]), None);
    assert_eq!(schema.indexes_of("A.C.D"), Some(vec![0, 1, 0]));
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let text = format!(
        "syntax = \"proto3\";{}{}",
        "message A {".repeat(10_000),
        "}".repeat(10_000)
    );
    let start = std::time::Instant::now();
    assert!(ProtobufSchema::parse(&text, &[]).is_err());
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn huge_enum_parses() {
    let values: String = (0..20_000).map(|i| format!("V{i} = {i};")).collect();
    let text = format!("syntax = \"proto3\"; enum E {{ {values} }} message M {{ E e = 1; }}");
    assert!(ProtobufSchema::parse(&text, &[]).is_ok());
}

#[test]
fn garbage_is_an_error_with_a_reason() {
    for text in [
        "",
        "{{{",
        "message {",
        "not a proto at all",
        "syntax = \"proto3\"; message M { int32 x = ; }",
    ] {
        let result = ProtobufSchema::parse(text, &[]);
        if text.is_empty() {
            // An empty file is a valid (empty) proto file.
            continue;
        }
        let err = result.err().map(|e| e.0).unwrap_or_default();
        assert!(!err.is_empty(), "{text:?} should fail");
    }
    let err = ProtobufSchema::parse("syntax = \"proto3\"; message M { Missing m = 1; }", &[])
        .err()
        .map(|e| e.0)
        .unwrap_or_default();
    assert!(err.contains("Missing"), "{err}");
}

#[test]
fn check_reports_incompatible_changes_only() {
    let old = parse("syntax = \"proto3\"; message M { int32 a = 1; string b = 2; }");
    let new = parse("syntax = \"proto3\"; message M { string a = 1; string c = 3; }");
    let findings = compat::check(&new, &old);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].kind, "FIELD_SCALAR_KIND_CHANGED");
    assert_eq!(findings[0].path, "#/M/1");
    assert!(compat::check(&old, &old).is_empty());
}

/// Inputs found by fuzzing (fuzz/artifacts-found/protobuf_parse): base64 descriptors with
/// an unknown syntax (prost-reflect panicked) or invalid names (canonical text that no
/// longer parsed). All must be refused cleanly.
#[test]
fn fuzzed_descriptors_are_refused() {
    for input in ["YgF4", "EgEt", "IgMKAS0="] {
        assert!(ProtobufSchema::parse(input, &[]).is_err(), "{input}");
    }
}

/// Confluent's default (`validateFields` off) and the strict reading.
mod import_leniency {
    use super::*;

    const STRICT: ParseOptions = ParseOptions {
        validate_fields: true,
    };

    fn outer() -> Dependency {
        Dependency {
            name: "outer.proto".into(),
            text: "syntax = \"proto3\";\npackage shop.common;\n\nmessage Outer {\n  \
                   Inner inner = 1;\n\n  message Inner {\n    string code = 1;\n  }\n}\n"
                .into(),
        }
    }

    /// Parses leniently, insists on success, and checks the text is kept as written
    /// while the strict reading refuses it.
    fn lenient_only(text: &str, dependencies: &[Dependency]) -> ProtobufSchema {
        let schema = match ProtobufSchema::parse(text, dependencies) {
            Ok(schema) => schema,
            Err(e) => panic!("lenient parse failed: {e}\n{text}"),
        };
        assert_eq!(schema.canonical_text(), text);
        assert!(
            ProtobufSchema::parse_with(text, dependencies, STRICT).is_err(),
            "strict parse accepted\n{text}"
        );
        schema
    }

    #[test]
    fn a_nested_message_of_a_reference_needs_no_import() {
        let qualified = "syntax = \"proto3\";\npackage shop.orders;\n\nmessage Order {\n  \
                         shop.common.Outer.Inner code = 1;\n}\n";
        let schema = lenient_only(qualified, &[outer()]);
        let order = schema.pool().get_message_by_name("shop.orders.Order");
        let field = order.and_then(|m| m.get_field_by_name("code"));
        let kind = field.map(|f| f.kind());
        assert!(
            matches!(&kind, Some(prost_reflect::Kind::Message(m)) if m.full_name() == "shop.common.Outer.Inner"),
            "{kind:?}"
        );
        let relative = "syntax = \"proto3\";\npackage shop.common;\n\nmessage Line {\n  \
                        Outer.Inner code = 1;\n  repeated Outer outers = 2;\n}\n";
        lenient_only(relative, &[outer()]);
    }

    #[test]
    fn an_import_no_reference_names_is_dropped_but_kept_in_the_text() {
        let text = "syntax = \"proto3\";\npackage shop.orders;\n\nimport \"shop/common/outer.proto\";\n\n\
                    message Order {\n  shop.common.Outer.Inner code = 1;\n}\n";
        let schema = lenient_only(text, &[outer()]);
        let imports: Vec<String> = schema
            .file()
            .dependencies()
            .map(|f| f.name().to_owned())
            .collect();
        assert_eq!(imports, ["outer.proto"]);
        // An unused stray import alone is tolerated too.
        let unused = "syntax = \"proto3\";\n\nimport \"nowhere.proto\";\n\nmessage M {\n  string s = 1;\n}\n";
        lenient_only(unused, &[]);
    }

    #[test]
    fn built_ins_need_no_import() {
        let text = "syntax = \"proto3\";\npackage shop.crm;\n\nmessage Customer {\n  \
                    google.type.PostalAddress address = 1;\n  google.protobuf.Timestamp since = 2;\n  \
                    confluent.type.Decimal balance = 3;\n}\n";
        lenient_only(text, &[]);
        let meta = "syntax = \"proto3\";\n\nmessage M {\n  string s = 1 [(confluent.field_meta).doc = \"d\"];\n}\n";
        lenient_only(meta, &[]);
    }

    #[test]
    fn a_referenced_file_may_itself_lack_imports() {
        let customer = Dependency {
            name: "customer.proto".into(),
            text: "syntax = \"proto3\";\npackage crm;\n\nmessage Customer {\n  \
                   google.type.PostalAddress address = 1;\n}\n"
                .into(),
        };
        let text = "syntax = \"proto3\";\n\nimport \"customer.proto\";\n\nmessage Invoice {\n  \
                    crm.Customer customer = 1;\n}\n";
        lenient_only(text, &[customer]);
    }

    #[test]
    fn a_name_defined_nowhere_is_refused_in_confluents_words() {
        let text =
            "syntax = \"proto3\";\npackage shop;\n\nmessage M {\n  nowhere.Thing t = 1;\n}\n";
        let err = ProtobufSchema::parse(text, &[outer()]).err().map(|e| e.0);
        assert_eq!(
            err.as_deref(),
            Some("Could not resolve type 'nowhere.Thing'")
        );
    }

    #[test]
    fn files_that_compile_as_written_are_unchanged() {
        let text = "syntax = \"proto3\";\npackage shop.orders;\n\nimport \"outer.proto\";\n\n\
                    message Order {\n  shop.common.Outer.Inner code = 1;\n}\n";
        let lenient = ProtobufSchema::parse(text, &[outer()]).expect("parses");
        let strict = ProtobufSchema::parse_with(text, &[outer()], STRICT).expect("parses");
        assert_eq!(lenient.serialized(), strict.serialized());
        assert_eq!(lenient.canonical_text(), strict.canonical_text());
    }
}
