//! Merging metadata and rule sets: config defaults, then the request's (or the previous
//! version's) value, then config overrides.

use serde_json::Value;

/// `default` < `value` < `overrides`, merged deeply. `None` when all three are absent.
pub fn layered(
    default: Option<&Value>,
    value: Option<&Value>,
    overrides: Option<&Value>,
) -> Option<Value> {
    let mut merged: Option<Value> = None;
    for layer in [default, value, overrides].into_iter().flatten() {
        merged = Some(match merged {
            None => layer.clone(),
            Some(base) => merge(base, layer),
        });
    }
    merged
}

/// Objects merge key by key; lists of rules merge by rule name (later wins); other lists
/// are united keeping order; any other value is replaced.
fn merge(base: Value, layer: &Value) -> Value {
    match (base, layer) {
        (Value::Object(mut base), Value::Object(layer)) => {
            for (key, value) in layer {
                let merged = match base.remove(key) {
                    Some(existing) => merge(existing, value),
                    None => value.clone(),
                };
                base.insert(key.clone(), merged);
            }
            Value::Object(base)
        }
        (Value::Array(mut base), Value::Array(layer)) => {
            for item in layer {
                let same_rule = |existing: &Value| {
                    item.get("name").is_some() && existing.get("name") == item.get("name")
                };
                if let Some(slot) = base.iter_mut().find(|e| same_rule(e)) {
                    *slot = item.clone();
                } else if !base.contains(item) {
                    base.push(item.clone());
                }
            }
            Value::Array(base)
        }
        (_, layer) => layer.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn overrides_win_and_defaults_fill_gaps() {
        let default = json!({"properties": {"owner": "platform", "tier": "2"}});
        let given = json!({"properties": {"owner": "orders"}});
        let overrides = json!({"properties": {"tier": "1"}});
        let merged = layered(Some(&default), Some(&given), Some(&overrides));
        assert_eq!(
            merged,
            Some(json!({"properties": {"owner": "orders", "tier": "1"}}))
        );
    }

    #[test]
    fn rules_merge_by_name() {
        let base = json!({"domainRules": [{"name": "a", "expr": "1"}, {"name": "b"}]});
        let layer = json!({"domainRules": [{"name": "a", "expr": "2"}]});
        let merged = layered(Some(&base), Some(&layer), None);
        assert_eq!(
            merged,
            Some(json!({"domainRules": [{"name": "a", "expr": "2"}, {"name": "b"}]}))
        );
    }

    #[test]
    fn nothing_given_means_nothing_stored() {
        assert_eq!(layered(None, None, None), None);
    }
}
