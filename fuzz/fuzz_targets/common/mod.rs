//! Helpers shared by the fuzz targets (each target includes this with `mod common;`).
#![allow(dead_code)]

use herald::schema::Dependency;

/// Splits a two-schema input: at the first NUL byte if there is one (the seeds use that
/// form, so the fuzzer keeps both halves meaningful), otherwise at the midpoint.
pub fn split_pair(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => data.split_at(data.len() / 2),
    }
}

/// Splits at every NUL byte, at most `n` parts (the last part keeps any further NULs).
pub fn split_parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |&b| b == 0).collect()
}

/// The input as UTF-8 text; the parsers take `&str`, so other inputs are skipped.
pub fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// One dependency with the given reference name, or none.
pub fn dependency(name: &str, text: Option<&str>) -> Vec<Dependency> {
    text.map(|text| {
        vec![Dependency {
            name: name.to_owned(),
            text: text.to_owned(),
        }]
    })
    .unwrap_or_default()
}

/// Small JSON instances to validate against any schema.
pub fn instances() -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1.5),
        json!(""),
        json!("x"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"a": 1, "b": "x", "c": [true], "d": {"e": null}}),
    ]
}

/// `<main>` or `<dependency> NUL <main>`, both UTF-8; `None` for anything else.
pub fn dependency_and_main(data: &[u8]) -> Option<(Option<&str>, &str)> {
    match split_parts(data, 2).as_slice() {
        [main] => Some((None, text(main)?)),
        [dep, main] => Some((Some(text(dep)?), text(main)?)),
        _ => None,
    }
}

/// `HERALD_FUZZ_VERBOSE=1` prints why inputs were refused (to check seeds; slow).
pub fn verbose() -> bool {
    static VERBOSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *VERBOSE.get_or_init(|| std::env::var_os("HERALD_FUZZ_VERBOSE").is_some())
}

/// The parse result, printing the error when verbose.
pub fn parsed<T, E: std::fmt::Display>(what: &str, result: Result<T, E>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            if verbose() {
                eprintln!("{what}: refused: {e}");
            }
            None
        }
    }
}

/// Known findings, skipped so the Protobuf targets can look for others (see README and
/// `artifacts-found/protobuf_parse/`), both on base64 of a `FileDescriptorProto`:
/// - a `syntax` other than "proto2"/"proto3" panics inside prost-reflect;
/// - a package or type/field name that is not an identifier is accepted, and the canonical
///   text printed from it is not valid `.proto`.
/// `HERALD_FUZZ_ALL=1` fuzzes these inputs too.
pub fn known_bad_descriptor(text: &str) -> bool {
    use base64::Engine as _;
    use prost::Message as _;
    static ALL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ALL.get_or_init(|| std::env::var_os("HERALD_FUZZ_ALL").is_some()) {
        return false;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) else {
        return false;
    };
    let Ok(fd) = prost_types::FileDescriptorProto::decode(bytes.as_slice()) else {
        return false;
    };
    !matches!(fd.syntax.as_deref(), None | Some("proto2") | Some("proto3"))
        || fd
            .package
            .as_deref()
            .is_some_and(|p| !p.split('.').all(identifier))
        || fd.message_type.iter().any(bad_message)
        || fd.enum_type.iter().any(bad_enum)
        || fd.extension.iter().any(|f| !identifier(f.name()))
        || fd
            .service
            .iter()
            .any(|s| !identifier(s.name()) || s.method.iter().any(|m| !identifier(m.name())))
}

fn identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn bad_enum(e: &prost_types::EnumDescriptorProto) -> bool {
    !identifier(e.name()) || e.value.iter().any(|v| !identifier(v.name()))
}

fn bad_message(m: &prost_types::DescriptorProto) -> bool {
    !identifier(m.name())
        || m.field
            .iter()
            .chain(&m.extension)
            .any(|f| !identifier(f.name()))
        || m.oneof_decl.iter().any(|o| !identifier(o.name()))
        || m.nested_type.iter().any(bad_message)
        || m.enum_type.iter().any(bad_enum)
}
