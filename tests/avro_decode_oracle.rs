//! Our Avro binary decoder against the reference Rust implementation: data encoded by
//! apache-avro must decode, with our decoder, to the same values.

use apache_avro::types::Value as AvroValue;
use herald::schema::avro::AvroSchema;
use serde_json::{Value, json};

fn encode(schema_json: &Value, value: AvroValue) -> Vec<u8> {
    let schema = apache_avro::Schema::parse(schema_json).expect("apache-avro parses");
    apache_avro::writer::datum::GenericDatumWriter::builder(&schema)
        .build()
        .expect("writer")
        .write_value_to_vec(value)
        .expect("apache-avro encodes")
}

fn decode(schema_json: &Value, data: &[u8]) -> Value {
    let ours = AvroSchema::parse(&schema_json.to_string(), &[]).expect("we parse");
    ours.decode_binary(data).expect("we decode")
}

#[test]
fn records_with_every_type_round_trip() {
    let schema = json!({
        "type": "record", "name": "Everything", "namespace": "test",
        "fields": [
            {"name": "b", "type": "boolean"},
            {"name": "i", "type": "int"},
            {"name": "l", "type": "long"},
            {"name": "f", "type": "float"},
            {"name": "d", "type": "double"},
            {"name": "s", "type": "string"},
            {"name": "by", "type": "bytes"},
            {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
            {"name": "fx", "type": {"type": "fixed", "name": "Two", "size": 2}},
            {"name": "a", "type": {"type": "array", "items": "long"}},
            {"name": "m", "type": {"type": "map", "values": "string"}},
            {"name": "u", "type": ["null", "string", "int"]},
            {"name": "n", "type": ["null", "string"]}
        ]
    });
    let value = AvroValue::Record(vec![
        ("b".into(), AvroValue::Boolean(true)),
        ("i".into(), AvroValue::Int(-123_456)),
        ("l".into(), AvroValue::Long(9_007_199_254_740_993)),
        ("f".into(), AvroValue::Float(1.5)),
        ("d".into(), AvroValue::Double(-0.25)),
        ("s".into(), AvroValue::String("héllo".into())),
        ("by".into(), AvroValue::Bytes(vec![0, 255, 7])),
        ("e".into(), AvroValue::Enum(1, "GREEN".into())),
        ("fx".into(), AvroValue::Fixed(2, vec![1, 2])),
        (
            "a".into(),
            AvroValue::Array((0..300).map(AvroValue::Long).collect()),
        ),
        (
            "m".into(),
            AvroValue::Map(
                [("k".to_string(), AvroValue::String("v".into()))]
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "u".into(),
            AvroValue::Union(2, Box::new(AvroValue::Int(42))),
        ),
        ("n".into(), AvroValue::Union(0, Box::new(AvroValue::Null))),
    ]);
    let data = encode(&schema, value);
    let expected_array: Vec<i64> = (0..300).collect();
    assert_eq!(
        decode(&schema, &data),
        json!({
            "b": true, "i": -123_456, "l": 9_007_199_254_740_993_i64, "f": 1.5, "d": -0.25,
            "s": "héllo", "by": "\u{0}\u{ff}\u{7}", "e": "GREEN", "fx": "\u{1}\u{2}",
            "a": expected_array, "m": {"k": "v"}, "u": {"int": 42}, "n": null
        })
    );
}

#[test]
fn recursive_types_round_trip() {
    let schema = json!({
        "type": "record", "name": "Node",
        "fields": [
            {"name": "value", "type": "int"},
            {"name": "next", "type": ["null", "Node"]}
        ]
    });
    let leaf = AvroValue::Record(vec![
        ("value".into(), AvroValue::Int(2)),
        (
            "next".into(),
            AvroValue::Union(0, Box::new(AvroValue::Null)),
        ),
    ]);
    let head = AvroValue::Record(vec![
        ("value".into(), AvroValue::Int(1)),
        ("next".into(), AvroValue::Union(1, Box::new(leaf))),
    ]);
    let data = encode(&schema, head);
    assert_eq!(
        decode(&schema, &data),
        json!({"value": 1, "next": {"Node": {"value": 2, "next": null}}})
    );
}
