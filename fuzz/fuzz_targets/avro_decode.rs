//! Avro binary decoding against a fixed set of schemas.
//!
//! Input: first byte picks the schema (modulo the set's size), the rest is the binary
//! payload. Decoding must return Ok or Err, never panic, hang or allocate without bound.
//! A decoded value is also run through the JSON-encoding validator (not asserted: the
//! validator is exercised on realistic values).
#![no_main]

mod common;

use std::sync::OnceLock;

use herald::schema::avro::AvroSchema;
use libfuzzer_sys::fuzz_target;

const SCHEMAS: &[&str] = &[
    r#""null""#,
    r#""boolean""#,
    r#""int""#,
    r#""long""#,
    r#""float""#,
    r#""double""#,
    r#""bytes""#,
    r#""string""#,
    r#"{"type":"array","items":"long"}"#,
    r#"{"type":"map","values":"string"}"#,
    r#"["null","string","long",{"type":"array","items":"int"}]"#,
    r#"{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}"#,
    r#"{"type":"fixed","name":"Md5","size":16}"#,
    r#"{"type":"record","name":"All","namespace":"fuzz","fields":[
        {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},
        {"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},
        {"name":"by","type":"bytes"},{"name":"s","type":"string"},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
        {"name":"fx","type":{"type":"fixed","name":"F","size":4}},
        {"name":"a","type":{"type":"array","items":"E"}},
        {"name":"m","type":{"type":"map","values":["null","F"]}},
        {"name":"u","type":["null","string","fuzz.All"],"default":null}]}"#,
    r#"{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},
        {"name":"next","type":["null","Node"],"default":null}]}"#,
    r#"{"type":"record","name":"Tree","fields":[{"name":"children","type":{"type":"array","items":"Tree"}}]}"#,
    r#"{"type":"array","items":{"type":"array","items":{"type":"array","items":"null"}}}"#,
    r#"{"type":"map","values":{"type":"map","values":"null"}}"#,
    r#"{"type":"array","items":{"type":"record","name":"Empty","fields":[]}}"#,
    r#"{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}"#,
    r#"{"type":"fixed","name":"Dec","size":8,"logicalType":"decimal","precision":18,"scale":4}"#,
    r#"{"type":"string","logicalType":"uuid"}"#,
    r#"{"type":"int","logicalType":"date"}"#,
    r#"{"type":"long","logicalType":"timestamp-micros"}"#,
    r#"{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}"#,
    r#"{"type":"record","name":"Wrap","fields":[{"name":"x","type":{"type":"record","name":"Inner","fields":[{"name":"y","type":["null","Inner"]}]}},{"name":"z","type":"Inner"}]}"#,
    r#"{"type":"fixed","name":"Zero","size":0}"#,
    r#"{"type":"array","items":{"type":"fixed","name":"Z","size":0}}"#,
];

/// Schemas whose array items take no bytes (null, an empty record, a zero-size fixed):
/// a few payload bytes make millions of values, a known decoder issue (see README,
/// `artifacts-found/avro_decode/`). Skipped while that stands so the other schemas get
/// fuzzed; set `HERALD_FUZZ_ALL=1` to fuzz them too.
const ZERO_SIZE_ITEMS: &[usize] = &[16, 18, 27];

fn fuzz_all() -> bool {
    static ALL: OnceLock<bool> = OnceLock::new();
    *ALL.get_or_init(|| std::env::var_os("HERALD_FUZZ_ALL").is_some())
}

fn schemas() -> &'static [AvroSchema] {
    static PARSED: OnceLock<Vec<AvroSchema>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|text| match AvroSchema::parse(text, &[]) {
                Ok(schema) => schema,
                Err(e) => panic!("fixed schema does not parse: {e}: {text}"),
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    let schemas = schemas();
    let index = usize::from(selector) % schemas.len();
    if ZERO_SIZE_ITEMS.contains(&index) && !fuzz_all() {
        return;
    }
    let schema = &schemas[index];
    if let Some(value) = common::parsed(
        "payload",
        schema.decode_binary(payload).map_err(|e| e.message),
    ) {
        let _ = schema.validate_json(&value);
    }
});
