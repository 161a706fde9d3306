//! JSON Schema parsing (meta-schema check and compilation), canonical and normalized text,
//! instance validation.
//!
//! Input: `<schema> [NUL <instance> [NUL <dependency>]]`. The instance is validated when it
//! is JSON, as are a few fixed instances; the dependency is reachable as `dep.json`.
//! Invariant checked: the canonical text parses again and prints the same canonical text.
#![no_main]

mod common;

use herald::schema::json::JsonSchema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = common::split_parts(data, 3);
    let Some(main) = parts.first().copied().and_then(common::text) else {
        return;
    };
    let instance = parts
        .get(1)
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok());
    let dep = match parts.get(2) {
        None => None,
        Some(bytes) => match common::text(bytes) {
            Some(dep) => Some(dep),
            None => return,
        },
    };
    let deps = common::dependency("dep.json", dep);

    let Some(schema) = common::parsed("schema", JsonSchema::parse(main, &deps)) else {
        return;
    };
    let canonical = schema.canonical_text();
    let _ = schema.normalized_text();
    let _ = schema.title();
    if let Some(instance) = &instance {
        let _ = schema.validate(instance);
    }
    for instance in common::instances() {
        let _ = schema.validate(&instance);
    }

    let again = match JsonSchema::parse(&canonical, &deps) {
        Ok(again) => again,
        Err(e) => panic!(
            "canonical text does not parse again: {e}\ninput: {main:?}\ncanonical: {canonical}"
        ),
    };
    assert_eq!(
        again.canonical_text(),
        canonical,
        "canonical text is not stable\ninput: {main:?}"
    );
});
