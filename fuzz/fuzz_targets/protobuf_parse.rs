//! Protobuf parsing (`.proto` text or base64 descriptor), canonical and normalized printing.
//!
//! Input: the schema text, or `<dependency text> NUL <schema text>`; the dependency is
//! importable as `dep.proto`.
//! Invariants checked:
//! - the canonical text parses again and prints the same canonical text;
//! - the normalized text parses again and normalizes to itself;
//! - message indexes round-trip: `message_by_indexes(indexes_of(name))` is that message.
#![no_main]

mod common;

use herald::schema::protobuf::ProtobufSchema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((dep, main)) = common::dependency_and_main(data) else {
        return;
    };
    if common::known_bad_descriptor(main) || dep.is_some_and(common::known_bad_descriptor) {
        return;
    }
    let deps = common::dependency("dep.proto", dep);

    let Some(schema) = common::parsed("schema", ProtobufSchema::parse(main, &deps)) else {
        return;
    };
    let canonical = schema.canonical_text();
    let normalized = schema.normalized_text();
    let serialized = schema.serialized();
    // The serialized descriptor is accepted as a schema too; exercised, not asserted.
    let _ = ProtobufSchema::parse(&serialized, &deps).map(|s| s.canonical_text());

    for name in schema.message_names() {
        let indexes = schema.indexes_of(&name);
        let found = indexes
            .as_deref()
            .and_then(|i| schema.message_by_indexes(i))
            .map(|m| m.full_name().to_owned());
        assert_eq!(
            found.as_deref(),
            Some(name.as_str()),
            "message indexes do not round-trip ({indexes:?})\ninput: {main:?}"
        );
    }

    let again = match ProtobufSchema::parse(&canonical, &deps) {
        Ok(again) => again,
        Err(e) => panic!(
            "canonical text does not parse again: {e}\ninput: {main:?}\ncanonical:\n{canonical}"
        ),
    };
    assert_eq!(
        again.canonical_text(),
        canonical,
        "canonical text is not stable\ninput: {main:?}"
    );

    let renormalized = match ProtobufSchema::parse(&normalized, &deps) {
        Ok(n) => n.normalized_text(),
        Err(e) => panic!(
            "normalized text does not parse: {e}\ninput: {main:?}\nnormalized:\n{normalized}"
        ),
    };
    assert_eq!(
        renormalized, normalized,
        "normalization is not idempotent\ninput: {main:?}"
    );
});
