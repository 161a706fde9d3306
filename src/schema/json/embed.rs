//! A JSON Schema placed inside another JSON document (an AsyncAPI message payload, say):
//! its `$ref`s rewritten so they resolve from where it is put, and draft-04's boolean
//! `exclusiveMinimum`/`exclusiveMaximum` in the draft-07 form such documents declare.
//! Transforms of `serde_json` values, nothing more: the schema is not compiled.

use serde_json::{Map, Value};

/// The `$schema` of draft-07.
pub const DRAFT_07_META_SCHEMA: &str = "http://json-schema.org/draft-07/schema#";

/// Rewrites the `$ref`s of a JSON Schema placed at `location` (a JSON pointer) so they
/// resolve in the document: `#...` to `#<location>...`, a reference's name (or a path
/// ending in it) to the pointer in `targets`. Whether anything changed.
pub fn relocate_refs(value: &mut Value, location: &str, targets: &[(String, String)]) -> bool {
    let mut changed = false;
    for_each_ref(value, &mut |reference| {
        let (base, fragment) = match reference.split_once('#') {
            Some((base, fragment)) => (base, Some(fragment)),
            None => (reference.as_str(), None),
        };
        let fragment_path = fragment.unwrap_or("");
        let rewritten = if base.is_empty() {
            // Only JSON-pointer fragments can move; `#anchor` stays.
            (fragment_path.is_empty() || fragment_path.starts_with('/'))
                .then(|| format!("#{location}{fragment_path}"))
        } else {
            targets
                .iter()
                .find(|(name, _)| {
                    name == base
                        || base.ends_with(&format!("/{name}"))
                        || name.ends_with(&format!("/{base}"))
                })
                .map(|(_, pointer)| format!("#{pointer}{fragment_path}"))
        };
        if let Some(rewritten) = rewritten {
            *reference = rewritten;
            changed = true;
        }
    });
    changed
}

/// Calls `f` on every `"$ref": "<string>"` (the AsyncAPI parser resolves them all, not only
/// those in schema positions).
pub fn for_each_ref(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(reference) if key == "$ref" => f(reference),
                    other => for_each_ref(other, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| for_each_ref(item, f)),
        _ => {}
    }
}

/// Draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` as draft-07 numbers (the
/// payload is declared draft-07, and the AsyncAPI parser checks it as such); `$schema`
/// then says draft-07. Whether anything changed.
pub fn convert_to_draft_07(schema: &mut Value) -> bool {
    let mut changed = false;
    for_each_subschema(schema, &mut |object| {
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            let Some(Value::Bool(on)) = object.get(exclusive).cloned() else {
                continue;
            };
            object.remove(exclusive);
            if on && let Some(limit) = object.remove(bound) {
                object.insert(exclusive.into(), limit);
            }
            changed = true;
        }
    });
    if changed
        && let Some(Value::String(meta)) = schema.get_mut("$schema")
        && meta.contains("draft-04")
    {
        *meta = DRAFT_07_META_SCHEMA.into();
    }
    changed
}

/// Calls `f` on every schema object of a JSON Schema (not on `enum`, `const`, `default` or
/// `examples` data).
fn for_each_subschema(schema: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(object) = schema else {
        return;
    };
    f(object);
    for (key, child) in object.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas" => {
                if let Value::Object(map) = child {
                    map.values_mut().for_each(|s| for_each_subschema(s, f));
                }
            }
            "dependencies" => {
                if let Value::Object(map) = child {
                    map.values_mut().for_each(|s| for_each_subschema(s, f));
                }
            }
            "items" | "allOf" | "anyOf" | "oneOf" | "prefixItems" => match child {
                Value::Array(list) => list.iter_mut().for_each(|s| for_each_subschema(s, f)),
                other => for_each_subschema(other, f),
            },
            "additionalItems"
            | "additionalProperties"
            | "contains"
            | "not"
            | "if"
            | "then"
            | "else"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties" => for_each_subschema(child, f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn targets() -> Vec<(String, String)> {
        vec![(
            "address.json".to_owned(),
            "/components/schemas/address.v1/schema".to_owned(),
        )]
    }

    #[test]
    fn refs_follow_the_schema_to_its_place() {
        let mut schema = json!({
            "properties": {
                "card": {"$ref": "#/definitions/Card"},
                "self": {"$ref": "#"},
                "anchored": {"$ref": "#card"},
                "billing": {"$ref": "address.json"},
                "street": {"$ref": "https://example.com/schemas/address.json#/properties/street"},
                "elsewhere": {"$ref": "other.json"}
            },
            // Every `$ref` string is rewritten, not only those in schema positions.
            "examples": [{"$ref": "#/definitions/Card"}],
            "definitions": {"Card": {"type": "object"}}
        });
        assert!(relocate_refs(&mut schema, "/at", &targets()));
        let refs = &schema["properties"];
        assert_eq!(refs["card"]["$ref"], "#/at/definitions/Card");
        assert_eq!(refs["self"]["$ref"], "#/at");
        assert_eq!(refs["anchored"]["$ref"], "#card");
        assert_eq!(
            refs["billing"]["$ref"],
            "#/components/schemas/address.v1/schema"
        );
        assert_eq!(
            refs["street"]["$ref"],
            "#/components/schemas/address.v1/schema/properties/street"
        );
        assert_eq!(refs["elsewhere"]["$ref"], "other.json");
        assert_eq!(schema["examples"][0]["$ref"], "#/at/definitions/Card");

        let mut plain = json!({"type": "string", "$ref": 3});
        assert!(!relocate_refs(&mut plain, "/at", &targets()));
        assert_eq!(plain, json!({"type": "string", "$ref": 3}));
    }

    #[test]
    fn every_ref_string_is_visited() {
        let mut value = json!([{"$ref": "a"}, {"x": {"$ref": "b"}, "$ref": {"$ref": "c"}}]);
        let mut seen = Vec::new();
        for_each_ref(&mut value, &mut |reference| seen.push(reference.clone()));
        assert_eq!(seen, vec!["a", "b", "c"]);
    }

    #[test]
    fn draft_04_bounds_become_draft_07_numbers() {
        let mut schema = json!({
            "$schema": "http://json-schema.org/draft-04/schema#",
            "properties": {
                "amount": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
                "ratio": {"maximum": 1, "exclusiveMaximum": false},
                "status": {"enum": [{"exclusiveMinimum": true}]},
                "list": {"items": [{"exclusiveMaximum": true, "maximum": 9}]}
            }
        });
        assert!(convert_to_draft_07(&mut schema));
        assert_eq!(schema["$schema"], DRAFT_07_META_SCHEMA);
        let properties = &schema["properties"];
        assert_eq!(
            properties["amount"],
            json!({"type": "number", "exclusiveMinimum": 0})
        );
        assert_eq!(properties["ratio"], json!({"maximum": 1}));
        // Data in `enum` is not a schema.
        assert_eq!(
            properties["status"]["enum"][0],
            json!({"exclusiveMinimum": true})
        );
        assert_eq!(
            properties["list"]["items"][0],
            json!({"exclusiveMaximum": 9})
        );

        let draft_07 = json!({"$schema": "http://json-schema.org/draft-04/schema#",
                              "exclusiveMinimum": 3});
        let mut unchanged = draft_07.clone();
        assert!(!convert_to_draft_07(&mut unchanged));
        assert_eq!(unchanged, draft_07);
    }
}
