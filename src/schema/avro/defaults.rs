//! Field default values: validation against the field's type (Java `Schema.isValidDefault`
//! with a union default matching its first branch, as in Avro 1.11) and the conversion
//! Confluent's normalization applies (`JacksonUtils.toObject`).

use serde_json::{Map, Number, Value};

use super::json::java_float;
use super::model::{NamedKind, Primitive, Schema, TypeTable, java_string_cmp};
use super::parse::MAX_DEPTH;
use crate::schema::SchemaError;

/// Java `Double.parseDouble` for a float/double default written as a string. Non-finite
/// values stay strings, which is also how Jackson prints them.
pub fn parse_java_double(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    match trimmed {
        "NaN" | "+NaN" | "-NaN" => return Some(Value::String("NaN".into())),
        "Infinity" | "+Infinity" => return Some(Value::String("Infinity".into())),
        "-Infinity" => return Some(Value::String("-Infinity".into())),
        _ => {}
    }
    let body = trimmed
        .strip_suffix(['d', 'D', 'f', 'F'])
        .unwrap_or(trimmed);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    let parsed: f64 = body.parse().ok()?;
    if parsed.is_finite() {
        Number::from_f64(parsed).map(Value::Number)
    } else {
        Some(Value::String(
            if parsed > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            }
            .into(),
        ))
    }
}

fn is_non_finite_text(value: &Value) -> bool {
    matches!(value, Value::String(s) if s == "NaN" || s == "Infinity" || s == "-Infinity")
}

/// Whether `value` is a valid default for `schema`. Errs only when a record's fields are
/// not known yet (a record used as a default inside its own definition), as Java does.
pub fn is_valid_default(
    table: &TypeTable,
    schema: &Schema,
    value: &Value,
    depth: usize,
) -> Result<bool, SchemaError> {
    if depth > MAX_DEPTH {
        return Err(SchemaError::new("Default value is nested too deeply"));
    }
    Ok(match schema {
        Schema::Primitive { kind, .. } => match kind {
            Primitive::Null => value.is_null(),
            Primitive::Boolean => value.is_boolean(),
            Primitive::Int => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            Primitive::Long => value.is_i64(),
            Primitive::Float | Primitive::Double => value.is_number() || is_non_finite_text(value),
            Primitive::Bytes | Primitive::String => value.is_string(),
        },
        Schema::Array { items, .. } => match value {
            Value::Array(elements) => {
                for element in elements {
                    if !is_valid_default(table, items, element, depth + 1)? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        },
        Schema::Map { values, .. } => match value {
            Value::Object(entries) => {
                for entry in entries.values() {
                    if !is_valid_default(table, values, entry, depth + 1)? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        },
        Schema::Union(branches) => match branches.first() {
            Some(first) => is_valid_default(table, first, value, depth + 1)?,
            None => false,
        },
        Schema::Named(index) => {
            let Some(named) = table.get(*index) else {
                return Ok(false);
            };
            match &named.kind {
                NamedKind::Enum { .. } | NamedKind::Fixed { .. } => value.is_string(),
                NamedKind::Record {
                    fields, complete, ..
                } => {
                    if !complete {
                        return Err(SchemaError::new(format!(
                            "Invalid default: record {} is used in a default value before its fields are defined",
                            named.name.full()
                        )));
                    }
                    let Value::Object(object) = value else {
                        return Ok(false);
                    };
                    for field in fields {
                        let field_value = object.get(&field.name).or(field.default.as_ref());
                        match field_value {
                            Some(v) => {
                                if !is_valid_default(table, &field.schema, v, depth + 1)? {
                                    return Ok(false);
                                }
                            }
                            None => return Ok(false),
                        }
                    }
                    true
                }
            }
        }
    })
}

/// What a schema node means for `toObject`.
enum Target<'a> {
    Untyped,
    Int,
    Long,
    Float,
    Double,
    Text,
    Binary,
    Other,
    Array(&'a Schema),
    Map(&'a Schema),
    Record(&'a [super::model::Field]),
}

fn target<'a>(table: &'a TypeTable, schema: Option<&'a Schema>) -> Target<'a> {
    let Some(schema) = schema else {
        return Target::Untyped;
    };
    match schema {
        Schema::Union(branches) => match branches.first() {
            Some(first) => target(table, Some(first)),
            None => Target::Other,
        },
        Schema::Primitive { kind, .. } => match kind {
            Primitive::Int => Target::Int,
            Primitive::Long => Target::Long,
            Primitive::Float => Target::Float,
            Primitive::Double => Target::Double,
            Primitive::String => Target::Text,
            Primitive::Bytes => Target::Binary,
            Primitive::Null | Primitive::Boolean => Target::Other,
        },
        Schema::Array { items, .. } => Target::Array(items),
        Schema::Map { values, .. } => Target::Map(values),
        Schema::Named(index) => match table.get(*index).map(|t| &t.kind) {
            Some(NamedKind::Enum { .. }) => Target::Text,
            Some(NamedKind::Fixed { .. }) => Target::Binary,
            Some(NamedKind::Record { fields, .. }) => Target::Record(fields),
            None => Target::Other,
        },
    }
}

/// Confluent normalization's view of a default or property value: Avro's
/// `JacksonUtils.toObject` (numbers coerced to the schema's type, bytes through
/// ISO-8859-1, `None` where Java yields `null`) then a Jackson tree with sorted keys.
pub fn to_object(table: &TypeTable, schema: Option<&Schema>, value: &Value) -> Option<Value> {
    let target = target(table, schema);
    match value {
        Value::Null => Some(Value::Null),
        Value::Bool(b) => Some(Value::Bool(*b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if i32::try_from(i).is_ok() {
                    match target {
                        Target::Untyped | Target::Int | Target::Long => Some(value.clone()),
                        _ => None,
                    }
                } else {
                    Some(value.clone())
                }
            } else if n.is_u64() {
                None
            } else {
                let f = n.as_f64()?;
                match target {
                    Target::Untyped | Target::Double => Some(value.clone()),
                    #[allow(clippy::cast_possible_truncation)]
                    Target::Float => java_float(f as f32)
                        .parse::<f64>()
                        .ok()
                        .and_then(Number::from_f64)
                        .map(Value::Number),
                    _ => None,
                }
            }
        }
        Value::String(s) => match target {
            Target::Untyped | Target::Text => Some(value.clone()),
            Target::Binary => Some(Value::String(latin1_round_trip(s))),
            Target::Float | Target::Double if is_non_finite_text(value) => Some(value.clone()),
            _ => None,
        },
        Value::Array(elements) => {
            let items = match target {
                Target::Array(items) => Some(items),
                _ => None,
            };
            Some(Value::Array(
                elements
                    .iter()
                    .map(|e| to_object(table, items, e).unwrap_or(Value::Null))
                    .collect(),
            ))
        }
        Value::Object(entries) => {
            let mut keys: Vec<&String> = entries.keys().collect();
            keys.sort_by(|a, b| java_string_cmp(a, b));
            let mut out = Map::new();
            for key in keys {
                let child_schema = match &target {
                    Target::Map(values) => Some(*values),
                    Target::Record(fields) => {
                        fields.iter().find(|f| &f.name == key).map(|f| &f.schema)
                    }
                    _ => None,
                };
                let child = entries
                    .get(key)
                    .and_then(|v| to_object(table, child_schema, v))
                    .unwrap_or(Value::Null);
                out.insert(key.clone(), child);
            }
            Some(Value::Object(out))
        }
    }
}

/// `new String(s.getBytes(ISO_8859_1), ISO_8859_1)`: characters above U+00FF become `?`
/// (one per UTF-16 unit).
fn latin1_round_trip(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (c as u32) <= 0xFF {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf16()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_double_parsing() {
        assert_eq!(parse_java_double("1.5"), Some(serde_json::json!(1.5)));
        assert_eq!(parse_java_double(" 2 "), Some(serde_json::json!(2.0)));
        assert_eq!(parse_java_double("NaN"), Some(serde_json::json!("NaN")));
        assert_eq!(parse_java_double("abc"), None);
        assert_eq!(parse_java_double("inf"), None);
    }

    #[test]
    fn latin1() {
        assert_eq!(latin1_round_trip("aé€😀"), "aé???");
    }
}
