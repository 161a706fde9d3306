//! JSON Schema compatibility (Confluent's `SchemaDiff`).
//!
//! Input: `<schema A> NUL <schema B>` (without a NUL, the two halves of the input). Both
//! are parsed; `check` runs both ways under the strict policy, `diff_with` under the
//! lenient one.
//! Invariant checked: a schema shows no difference from itself.
#![no_main]

mod common;

use herald::schema::json::{JsonSchema, compat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = common::split_pair(data);
    let (Some(a), Some(b)) = (common::text(a), common::text(b)) else {
        return;
    };
    let a = common::parsed("first", JsonSchema::parse(a, &[]));
    let b = common::parsed("second", JsonSchema::parse(b, &[]));
    for schema in [&a, &b].into_iter().flatten() {
        let changes = compat::diff(schema, schema);
        assert!(
            changes.is_empty(),
            "schema differs from itself: {changes:?}\nschema: {}",
            schema.canonical_text()
        );
    }
    if let (Some(a), Some(b)) = (&a, &b) {
        let _ = compat::check(a, b, compat::Policy::Strict);
        let _ = compat::check(b, a, compat::Policy::Strict);
        let _ = compat::diff_with(a, b, compat::Policy::Lenient);
    }
});
