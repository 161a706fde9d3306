//! Avro compatibility (Avro Java's `SchemaCompatibility`).
//!
//! Input: `<schema A> NUL <schema B>` (without a NUL, the two halves of the input). Both
//! are parsed; the check runs both ways.
//! Invariant checked: every schema is compatible with itself.
#![no_main]

mod common;

use herald::schema::avro::{AvroSchema, compat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = common::split_pair(data);
    let (Some(a), Some(b)) = (common::text(a), common::text(b)) else {
        return;
    };
    let a = common::parsed("first", AvroSchema::parse(a, &[]));
    let b = common::parsed("second", AvroSchema::parse(b, &[]));
    for schema in [&a, &b].into_iter().flatten() {
        let findings = compat::check(schema, schema);
        assert!(
            findings.is_empty(),
            "schema not compatible with itself: {findings:?}\nschema: {}",
            schema.canonical_text()
        );
    }
    if let (Some(a), Some(b)) = (&a, &b) {
        let _ = compat::check(a, b);
        let _ = compat::check(b, a);
    }
});
