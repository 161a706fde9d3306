//! A `.proto` text for readers that load almost no imports and need a single root
//! message (the official AsyncAPI protobuf schema parser): self-contained when the file
//! imports what the reader cannot load ([`ProtobufSchema::self_contained_text`]), the
//! first top-level message marked `// @RootNode` when there are several, and an empty
//! message closing a file that declares none. Plain text in, text out.

use super::ProtobufSchema;
use crate::schema::Dependency;

/// Whether the text is proto2: its `syntax` says so, or it has no `syntax` (nor
/// `edition`) statement at all.
pub fn is_proto2(text: &str) -> bool {
    let declared = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("syntax") || line.starts_with("edition"));
    match declared {
        Some(line) => line.starts_with("syntax") && line.contains("proto2"),
        // No syntax statement means proto2.
        None => true,
    }
}

/// `text` as a reader that loads only the imports `loadable` accepts takes it: when it
/// imports anything else and parses with `dependencies` (dependencies first), the
/// self-contained text; the root marked either way; and a file of enums only closed by
/// an empty message (the reader refuses a file without one).
pub fn single_root_text(
    text: &str,
    dependencies: &[Dependency],
    loadable: impl Fn(&str) -> bool + Copy,
) -> String {
    let flattened = if imports_beyond(text, loadable) || may_use_unimported(text, dependencies) {
        ProtobufSchema::parse(text, dependencies)
            .ok()
            .filter(|parsed| parsed.imports_beyond(loadable) || parsed.imports_amended())
            .map(|parsed| parsed.self_contained_text(loadable))
    } else {
        None
    };
    let text = match flattened {
        Some(text) => mark_root_message(&text, true).unwrap_or(text),
        None => mark_root_message(text, false).unwrap_or_else(|| text.to_owned()),
    };
    if text.lines().any(|line| line.starts_with("message ")) {
        return text;
    }
    // A file of enums only (a referenced version, say): the parser refuses a file without
    // a message, so one that says what it is closes the text.
    let mut name = String::from("HeraldNoMessage");
    while text.contains(&name) {
        name.push('_');
    }
    let separator = if text.ends_with('\n') { "\n" } else { "\n\n" };
    format!(
        "{text}{separator}// @RootNode\n// Not part of the schema: this file declares no message.\nmessage {name} {{}}\n"
    )
}

/// Whether the text could use a type it does not import (Confluent's leniency): of a
/// dependency, or of a built-in (all in the `google` and `confluent` packages). Only a
/// parse tells for sure; this cheap look spares the parse of most files.
fn may_use_unimported(text: &str, dependencies: &[Dependency]) -> bool {
    !dependencies.is_empty() || text.contains("google.") || text.contains("confluent.")
}

/// Whether an `import` line of the text names a file `loadable` refuses (a cheap look
/// at the text before parsing it).
fn imports_beyond(text: &str, loadable: impl Fn(&str) -> bool) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("import ")
            .map(|rest| {
                rest.trim_start_matches("public ")
                    .trim_start_matches("weak ")
            })
            .and_then(|rest| rest.trim().strip_prefix('"'))
            .and_then(|rest| rest.split('"').next())
            .is_some_and(|import| !loadable(import))
    })
}

/// With several top-level messages (with `nested`, several messages at any depth) and no
/// `@RootNode` mark, the text with the first top-level message marked (the official
/// protobuf schema parser needs a single root).
fn mark_root_message(text: &str, nested: bool) -> Option<String> {
    let declares = |line: &str| line.starts_with("message ");
    let top_level: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| declares(line))
        .map(|(index, _)| index)
        .collect();
    let several = if nested {
        text.lines()
            .filter(|line| declares(line.trim_start()))
            .count()
            > 1
    } else {
        top_level.len() > 1
    };
    if !several || text.contains("@RootNode") {
        return None;
    }
    let first = top_level.first().copied()?;
    let mut marked = String::with_capacity(text.len() + 16);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index == first {
            marked.push_str("// @RootNode\n");
        }
        marked.push_str(line);
    }
    Some(marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto2_is_what_the_syntax_says_or_no_syntax() {
        assert!(is_proto2("message A {}"));
        assert!(!is_proto2("syntax = \"proto3\";\nmessage A {}"));
        assert!(is_proto2("syntax = \"proto2\";\nmessage A {}"));
        assert!(!is_proto2("edition = \"2023\";\nmessage A {}"));
    }

    #[test]
    fn the_first_of_several_top_level_messages_is_the_root() {
        assert_eq!(
            mark_root_message("syntax = \"proto3\";\nmessage A {\n}\n", false),
            None
        );
        assert_eq!(
            mark_root_message("message A {\n}\nmessage B {\n}\n", false).as_deref(),
            Some("// @RootNode\nmessage A {\n}\nmessage B {\n}\n")
        );
        // Nested messages count only for self-contained texts.
        let nested = "message A {\n  message B {\n  }\n}\n";
        assert_eq!(mark_root_message(nested, false), None);
        assert_eq!(
            mark_root_message(nested, true).as_deref(),
            Some("// @RootNode\nmessage A {\n  message B {\n  }\n}\n")
        );
        // A text that names its root keeps it.
        assert_eq!(
            mark_root_message("message A {}\n// @RootNode\nmessage B {}\n", false),
            None
        );
    }

    #[test]
    fn a_file_without_messages_gets_an_empty_one() {
        let enums = "syntax = \"proto3\";\n\nenum E {\n  E_UNSPECIFIED = 0;\n}\n";
        assert_eq!(
            single_root_text(enums, &[], |_| true),
            format!(
                "{enums}\n// @RootNode\n// Not part of the schema: this file declares no message.\nmessage HeraldNoMessage {{}}\n"
            )
        );
        let one = "syntax = \"proto3\";\n\nmessage A {\n}\n";
        assert_eq!(single_root_text(one, &[], |_| true), one);
    }

    #[test]
    fn imports_the_reader_cannot_load_are_copied_in() {
        let text = "syntax = \"proto3\";\npackage a;\n\nimport \"b.proto\";\n\nmessage A {\n  b.B b = 1;\n}\n";
        let dependencies = [Dependency {
            name: "b.proto".into(),
            text: "syntax = \"proto3\";\npackage b;\n\nmessage B {\n  string s = 1;\n}\n".into(),
        }];
        let shown = single_root_text(text, &dependencies, |_| false);
        assert!(!shown.contains("import \"b.proto\""), "{shown}");
        assert!(shown.contains("// @RootNode\nmessage A {"), "{shown}");
        assert!(shown.contains("message B {"), "{shown}");
        // What the reader loads stays imported; what does not parse is shown as written.
        assert_eq!(single_root_text(text, &dependencies, |_| true), text);
        assert_eq!(single_root_text(text, &[], |_| false), text);
        assert!(imports_beyond("import public \"b.proto\";", |_| false));
        assert!(!imports_beyond("// import \"b.proto\";", |_| false));
    }

    #[test]
    fn types_used_without_an_import_are_imported_or_copied_in() {
        let text = "syntax = \"proto3\";\npackage a;\n\nmessage A {\n  b.B b = 1;\n  google.type.Date d = 2;\n}\n";
        let dependencies = [Dependency {
            name: "b.proto".into(),
            text: "syntax = \"proto3\";\npackage b;\n\nmessage B {\n  string s = 1;\n}\n".into(),
        }];
        let shown = single_root_text(text, &dependencies, |name| name.starts_with("google/"));
        assert!(
            shown.contains("import \"google/type/date.proto\";"),
            "{shown}"
        );
        assert!(!shown.contains("import \"b.proto\""), "{shown}");
        assert!(shown.contains("message B {"), "{shown}");
        // Loadable as well, the dependency is imported rather than copied.
        let shown = single_root_text(text, &dependencies, |_| true);
        assert!(shown.contains("import \"b.proto\";"), "{shown}");
    }
}
