//! Schema identity against Confluent's golden MD5 data (`../shared/testdata`).

use herald::schema::identity::{IdentityInput, ReferenceKey, as_guid, identity_digest};

mod shared_testdata;

#[test]
fn identity_matches_confluent_golden_md5_data() {
    let Some(golden) = shared_testdata::load_json("confluent/core/schema-md5-golden-data.json")
    else {
        return;
    };
    let references: Vec<ReferenceKey<'_>> = golden["references"]
        .as_array()
        .expect("references array")
        .iter()
        .map(|r| ReferenceKey {
            name: r["name"].as_str().expect("name"),
            subject: r["subject"].as_str().expect("subject"),
            version: i32::try_from(r["version"].as_i64().expect("version")).expect("i32"),
        })
        .collect();
    let mut checked = 0;
    for (format, key) in [("avro", "AVRO"), ("protobuf", "PROTOBUF"), ("json", "JSON")] {
        let text = golden["schemas"][format].as_str().expect("schema text");
        let expected = golden["expectedHashes"][key].as_object().expect("hashes");
        for (bits, guid) in expected {
            let flag = |i: usize| bits.as_bytes()[i] == b'1';
            let input = IdentityInput {
                canonical_text: text,
                references: if flag(0) { &references } else { &[] },
                metadata: flag(1).then_some(&golden["metadata"]),
                rule_set: flag(2).then_some(&golden["rules"]),
            };
            assert_eq!(
                as_guid(&identity_digest(input)),
                guid.as_str().expect("guid"),
                "{key} {bits}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 24, "expected 24 golden hashes");
}
