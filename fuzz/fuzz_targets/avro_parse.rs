//! Avro parsing, canonical and normalized printing.
//!
//! Input: the schema text, or `<dependency text> NUL <schema text>` (the dependency's named
//! types are then usable by full name).
//! Invariants checked:
//! - the canonical text parses again and prints the same canonical text;
//! - the normalized text parses again and normalizes to itself (normalization is idempotent).
#![no_main]

mod common;

use herald::schema::avro::AvroSchema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((dep, main)) = common::dependency_and_main(data) else {
        return;
    };
    let deps = common::dependency("dep", dep);

    let Some(schema) = common::parsed("schema", AvroSchema::parse(main, &deps)) else {
        return;
    };
    let canonical = schema.canonical_text();
    let normalized = schema.normalized_text();
    let _ = schema.resolved_text();
    let _ = schema.name();
    let _ = schema.defined_type_names();
    for instance in common::instances() {
        let _ = schema.validate_json(&instance);
    }

    let again = match AvroSchema::parse(&canonical, &deps) {
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

    let renormalized = match AvroSchema::parse(&normalized, &deps) {
        Ok(n) => n.normalized_text(),
        Err(e) => {
            panic!("normalized text does not parse: {e}\ninput: {main:?}\nnormalized: {normalized}")
        }
    };
    assert_eq!(
        renormalized, normalized,
        "normalization is not idempotent\ninput: {main:?}"
    );
});
