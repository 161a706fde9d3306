//! The shapes Confluent's typed clients (Java, Go) read back: `metadata`, `ruleSet` and
//! config bodies are stored and echoed as sent, so anything that isn't their shape is
//! refused here, at the edge, before it can be stored and break a client that reads it.

use serde_json::{Map, Value};

use crate::schema::validation::json_kind;

/// Rule kinds and modes as Confluent's `Rule` class spells them.
const RULE_KINDS: [&str; 2] = ["TRANSFORM", "CONDITION"];
const RULE_MODES: [&str; 6] = [
    "UPGRADE",
    "DOWNGRADE",
    "UPDOWN",
    "WRITE",
    "READ",
    "WRITEREAD",
];
/// The modes a migration rule may have (it runs between versions, not on write or read).
const MIGRATION_MODES: [&str; 3] = ["UPGRADE", "DOWNGRADE", "UPDOWN"];
const RULE_LISTS: [&str; 3] = ["migrationRules", "domainRules", "encodingRules"];

/// The config keys Confluent defines (the level under either name).
const CONFIG_KEYS: [&str; 12] = [
    "compatibility",
    "compatibilityLevel",
    "normalize",
    "validateFields",
    "validateRules",
    "alias",
    "compatibilityGroup",
    "compatibilityPolicy",
    "defaultMetadata",
    "overrideMetadata",
    "defaultRuleSet",
    "overrideRuleSet",
];
const COMPATIBILITY_POLICIES: [&str; 3] = ["STRICT", "LENIENT", "LOGICAL"];

/// `{"tags": {path: [tag]}, "properties": {key: value}, "sensitive": [name]}`, each part
/// optional.
pub fn check_metadata(metadata: &Value) -> Result<(), String> {
    let object = object_of(metadata, "metadata")?;
    for (key, value) in object {
        match key.as_str() {
            "tags" => {
                for (path, tags) in object_of(value, "metadata.tags")? {
                    strings(tags, &format!("metadata.tags.{path}"))?;
                }
            }
            "properties" => {
                for (name, value) in object_of(value, "metadata.properties")? {
                    if !value.is_string() {
                        return Err(format!("metadata.properties.{name} must be a string"));
                    }
                }
            }
            "sensitive" => strings(value, "metadata.sensitive")?,
            other => return Err(format!("metadata has no field {other:?}")),
        }
    }
    Ok(())
}

/// `{"migrationRules": [rule], "domainRules": [rule], "encodingRules": [rule],
/// "enableAt"?}`; each rule named once, with a type, a known kind and mode, and migration
/// rules in a migration mode.
pub fn check_rule_set(rule_set: &Value) -> Result<(), String> {
    let object = object_of(rule_set, "ruleSet")?;
    let mut names = std::collections::HashSet::new();
    for (key, value) in object {
        match key.as_str() {
            list if RULE_LISTS.contains(&list) => {
                let Value::Array(rules) = value else {
                    return Err(format!("ruleSet.{list} must be a list of rules"));
                };
                for (index, rule) in rules.iter().enumerate() {
                    let name = check_rule(rule, &format!("ruleSet.{list}[{index}]"))?;
                    if list == "migrationRules" {
                        let mode = rule
                            .get("mode")
                            .and_then(Value::as_str)
                            .unwrap_or("UPGRADE");
                        if !MIGRATION_MODES.contains(&mode) {
                            return Err(format!(
                                "rule {name:?}: a migration rule's mode must be UPGRADE, DOWNGRADE or UPDOWN, not {mode}"
                            ));
                        }
                    }
                    if !names.insert(name.to_owned()) {
                        return Err(format!("rule {name:?} is defined twice"));
                    }
                }
            }
            "enableAt" if value.is_number() || value.is_string() => {}
            "enableAt" => return Err("ruleSet.enableAt must be a number or a string".into()),
            other => return Err(format!("ruleSet has no field {other:?}")),
        }
    }
    Ok(())
}

/// One rule's fields; its name.
fn check_rule<'a>(rule: &'a Value, at: &str) -> Result<&'a str, String> {
    let object = object_of(rule, at)?;
    let name = match object.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.as_str(),
        _ => return Err(format!("{at} needs a name")),
    };
    let at = format!("rule {name:?}");
    for (key, value) in object {
        let fits = match key.as_str() {
            "name" => true,
            "doc" | "type" | "expr" | "onSuccess" | "onFailure" => value.is_string(),
            "kind" => value.as_str().is_some_and(|k| RULE_KINDS.contains(&k)),
            "mode" => value.as_str().is_some_and(|m| RULE_MODES.contains(&m)),
            "tags" => strings(value, "").is_ok(),
            "params" => value
                .as_object()
                .is_some_and(|params| params.values().all(Value::is_string)),
            "disabled" => value.is_boolean(),
            other => return Err(format!("{at} has no field {other:?}")),
        };
        if !fits && !value.is_null() {
            return Err(format!("{at}: {key} has the wrong shape ({value})"));
        }
    }
    match object.get("type") {
        Some(Value::String(kind)) if !kind.trim().is_empty() => Ok(name),
        _ => Err(format!("{at} needs a type")),
    }
}

/// A config PUT body: an object of Confluent's config keys, each of its type. `null`
/// values clear a field and pass.
pub fn check_config(body: &Value) -> Result<&Map<String, Value>, String> {
    let object = object_of(body, "a config")?;
    for (key, value) in object {
        if value.is_null() {
            continue;
        }
        let fits = match key.as_str() {
            // The level's value is checked by the level parser (42203).
            "compatibility" | "compatibilityLevel" => true,
            "normalize" | "validateFields" | "validateRules" => value.is_boolean(),
            "alias" | "compatibilityGroup" => value.is_string(),
            "compatibilityPolicy" => value.as_str().is_some_and(|p| {
                COMPATIBILITY_POLICIES
                    .iter()
                    .any(|known| p.eq_ignore_ascii_case(known))
            }),
            "defaultMetadata" | "overrideMetadata" => {
                check_metadata(value).map_err(|e| format!("{key}: {e}"))?;
                true
            }
            "defaultRuleSet" | "overrideRuleSet" => {
                check_rule_set(value).map_err(|e| format!("{key}: {e}"))?;
                true
            }
            other => {
                return Err(format!(
                    "unknown config field {other:?}; the fields are {}",
                    CONFIG_KEYS.join(", ")
                ));
            }
        };
        if !fits {
            return Err(format!("config field {key} has the wrong shape ({value})"));
        }
    }
    Ok(object)
}

fn object_of<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} must be a JSON object, not {}", json_kind(value)))
}

fn strings(value: &Value, what: &str) -> Result<(), String> {
    match value {
        Value::Array(items) if items.iter().all(Value::is_string) => Ok(()),
        _ => Err(format!("{what} must be a list of strings")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn metadata_of_confluents_shape_passes() {
        let metadata = json!({
            "tags": {"Order.email": ["PII"]},
            "properties": {"owner": "orders-team"},
            "sensitive": ["secret"]
        });
        assert_eq!(check_metadata(&metadata), Ok(()));
        assert_eq!(check_metadata(&json!({})), Ok(()));
    }

    #[test]
    fn metadata_of_another_shape_is_refused() {
        for bad in [
            json!("garbage"),
            json!(5),
            json!([]),
            json!({"properties": {"n": 1}}),
            json!({"tags": {"a": "PII"}}),
            json!({"sensitive": "x"}),
            json!({"owner": "x"}),
        ] {
            assert!(check_metadata(&bad).is_err(), "{bad}");
        }
    }

    fn rule(name: &str, mode: &str) -> Value {
        json!({"name": name, "kind": "CONDITION", "mode": mode, "type": "CEL",
               "expr": "message.amount > 0", "params": {"a": "b"}, "tags": ["PII"],
               "onFailure": "ERROR", "disabled": false})
    }

    #[test]
    fn rule_sets_of_confluents_shape_pass() {
        let rule_set = json!({
            "domainRules": [rule("positive", "WRITE")],
            "migrationRules": [rule("upgrade", "UPGRADE")],
            "encodingRules": []
        });
        assert_eq!(check_rule_set(&rule_set), Ok(()));
    }

    #[test]
    fn broken_rule_sets_name_what_is_wrong() {
        let cases = [
            (json!(5), "ruleSet must be a JSON object"),
            (json!({"domainRules": {}}), "must be a list"),
            (json!({"domainRules": [{"type": "CEL"}]}), "needs a name"),
            (json!({"domainRules": [{"name": "r"}]}), "needs a type"),
            (
                json!({"domainRules": [rule("r", "WRITE"), rule("r", "READ")]}),
                "defined twice",
            ),
            (
                json!({"migrationRules": [rule("m", "WRITE")]}),
                "migration rule's mode",
            ),
            (
                json!({"domainRules": [rule("r", "SIDEWAYS")]}),
                "wrong shape",
            ),
            (json!({"rules": []}), "no field"),
        ];
        for (rule_set, expected) in cases {
            let error = check_rule_set(&rule_set).expect_err("refused");
            assert!(error.contains(expected), "{rule_set}: {error}");
        }
    }

    #[test]
    fn config_bodies_must_be_config_objects() {
        assert!(check_config(&json!({"compatibility": "FULL", "normalize": true})).is_ok());
        assert!(check_config(&json!({"compatibilityLevel": null})).is_ok());
        for bad in [
            json!([]),
            json!(null),
            json!("x"),
            json!({"compatibility": "FULL", "surprise": 1}),
            json!({"normalize": "yes"}),
            json!({"compatibilityPolicy": "SOMETIMES"}),
            json!({"defaultMetadata": "garbage"}),
            json!({"overrideRuleSet": {"domainRules": [{"name": "r"}]}}),
        ] {
            assert!(check_config(&bad).is_err(), "{bad}");
        }
    }
}
