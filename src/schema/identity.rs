//! Schema identity: the MD5 key that decides whether two registrations are "the same
//! schema" (and so share an id), exactly as Confluent computes it. Rendered as a UUID it
//! is Confluent's `guid`.

use md5::{Digest, Md5};
use serde_json::Value;

/// A reference as it takes part in identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceKey<'a> {
    pub name: &'a str,
    pub subject: &'a str,
    pub version: i32,
}

/// What identity is computed over. `metadata` and `rule_set` are the JSON objects of the
/// Confluent API (absent = `None`).
#[derive(Debug, Clone, Copy)]
pub struct IdentityInput<'a> {
    pub canonical_text: &'a str,
    pub references: &'a [ReferenceKey<'a>],
    pub metadata: Option<&'a Value>,
    pub rule_set: Option<&'a Value>,
}

/// The 16-byte identity digest.
pub fn identity_digest(input: IdentityInput<'_>) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(input.canonical_text.as_bytes());
    for reference in input.references {
        md5.update(reference.name.as_bytes());
        md5.update(reference.subject.as_bytes());
        md5.update(reference.version.to_be_bytes());
    }
    if let Some(metadata) = input.metadata {
        md5.update([1u8]);
        hash_metadata(&mut md5, metadata);
    }
    if let Some(rule_set) = input.rule_set {
        md5.update([1u8]);
        hash_rule_set(&mut md5, rule_set);
    }
    md5.finalize().into()
}

/// The digest in UUID text form (`8-4-4-4-12` lower-case hex), as Confluent's `guid`.
pub fn as_guid(digest: &[u8; 16]) -> String {
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Reads a guid back into its digest; `None` unless it is 32 hex digits (dashes allowed).
pub fn parse_guid(guid: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = guid.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut digest = [0u8; 16];
    for (slot, pair) in digest.iter_mut().zip(hex.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *slot = u8::from_str_radix(text, 16).ok()?;
    }
    Some(digest)
}

fn hash_metadata(md5: &mut Md5, metadata: &Value) {
    if let Some(tags) = metadata.get("tags").and_then(Value::as_object) {
        let mut keys: Vec<&String> = tags.keys().collect();
        keys.sort();
        for key in keys {
            md5.update(key.as_bytes());
            for value in sorted_strings(tags.get(key)) {
                md5.update(value.as_bytes());
            }
        }
    }
    if let Some(properties) = metadata.get("properties").and_then(Value::as_object) {
        hash_sorted_pairs(md5, properties);
    }
    for value in sorted_strings(metadata.get("sensitive")) {
        md5.update(value.as_bytes());
    }
}

fn hash_rule_set(md5: &mut Md5, rule_set: &Value) {
    for list in ["migrationRules", "domainRules", "encodingRules"] {
        let rules = rule_set.get(list).and_then(Value::as_array);
        for rule in rules.into_iter().flatten() {
            hash_rule(md5, rule);
        }
    }
    if let Some(enable_at) = rule_set.get("enableAt").and_then(Value::as_str) {
        md5.update(enable_at.as_bytes());
    }
}

fn hash_rule(md5: &mut Md5, rule: &Value) {
    let text = |field: &str| rule.get(field).and_then(Value::as_str);
    for field in ["name", "doc", "kind", "mode", "type"] {
        if let Some(value) = text(field) {
            md5.update(value.as_bytes());
        }
    }
    for tag in sorted_strings(rule.get("tags")) {
        md5.update(tag.as_bytes());
    }
    if let Some(params) = rule.get("params").and_then(Value::as_object) {
        hash_sorted_pairs(md5, params);
    }
    for field in ["expr", "onSuccess", "onFailure"] {
        if let Some(value) = text(field) {
            md5.update(value.as_bytes());
        }
    }
    if rule.get("disabled").and_then(Value::as_bool) == Some(true) {
        md5.update([1u8]);
    }
}

fn hash_sorted_pairs(md5: &mut Md5, map: &serde_json::Map<String, Value>) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        md5.update(key.as_bytes());
        if let Some(value) = map.get(key).and_then(Value::as_str) {
            md5.update(value.as_bytes());
        }
    }
}

fn sorted_strings(value: Option<&Value>) -> Vec<&str> {
    let mut strings: Vec<&str> = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    strings.sort_unstable();
    strings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_is_formatted_as_a_uuid() {
        let digest = [
            0xd6, 0x29, 0xbb, 0x05, 0xad, 0x85, 0x3d, 0x20, 0xfb, 0xcb, 0x89, 0x5d, 0xe3, 0xc4,
            0x59, 0xf7,
        ];
        assert_eq!(as_guid(&digest), "d629bb05-ad85-3d20-fbcb-895de3c459f7");
    }

    #[test]
    fn guids_parse_back_to_digests() {
        let digest = identity_digest(IdentityInput {
            canonical_text: "\"int\"",
            references: &[],
            metadata: None,
            rule_set: None,
        });
        assert_eq!(parse_guid(&as_guid(&digest)), Some(digest));
        assert_eq!(parse_guid("not-a-guid"), None);
        assert_eq!(parse_guid("zz29bb05-ad85-3d20-fbcb-895de3c459f7"), None);
    }

    #[test]
    fn metadata_changes_identity() {
        let plain = IdentityInput {
            canonical_text: "\"string\"",
            references: &[],
            metadata: None,
            rule_set: None,
        };
        let tagged_metadata = serde_json::json!({"properties": {"owner": "a"}});
        let tagged = IdentityInput {
            metadata: Some(&tagged_metadata),
            ..plain
        };
        assert_ne!(identity_digest(plain), identity_digest(tagged));
    }
}
