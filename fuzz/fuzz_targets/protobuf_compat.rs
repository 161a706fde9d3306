//! Protobuf compatibility (Confluent's `SchemaDiff` for Protobuf).
//!
//! Input: `<schema A> NUL <schema B>` (without a NUL, the two halves of the input). Both
//! are parsed; `diff` and `check` run both ways.
//! Invariant checked: a schema shows no difference from itself.
#![no_main]

mod common;

use herald::schema::protobuf::{ProtobufSchema, compat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = common::split_pair(data);
    let (Some(a), Some(b)) = (common::text(a), common::text(b)) else {
        return;
    };
    if common::known_bad_descriptor(a) || common::known_bad_descriptor(b) {
        return;
    }
    let a = common::parsed("first", ProtobufSchema::parse(a, &[]));
    let b = common::parsed("second", ProtobufSchema::parse(b, &[]));
    for schema in [&a, &b].into_iter().flatten() {
        let changes = compat::diff(schema, schema);
        assert!(
            changes.is_empty(),
            "schema differs from itself: {changes:?}\nschema:\n{}",
            schema.canonical_text()
        );
    }
    if let (Some(a), Some(b)) = (&a, &b) {
        let _ = compat::diff(a, b);
        let _ = compat::diff(b, a);
        let _ = compat::check(a, b);
        let _ = compat::check(b, a);
    }
});
