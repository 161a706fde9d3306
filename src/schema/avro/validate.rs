//! Does a JSON document match an Avro schema under Avro's JSON encoding? Every mismatch
//! is reported with its path, not only the first.
//!
//! The JSON encoding (Avro specification, "JSON Encoding"): records are objects, enums
//! strings, bytes and fixed are strings of code points 0-255, and a non-null union value
//! is wrapped in an object whose single key names the branch (`{"string": "a"}`).

use serde_json::Value;

use super::AvroSchema;
use super::model::{NamedKind, Primitive, Schema, TypeTable};
use crate::schema::validation::{ValidationError, child_path, json_kind};

/// Stops runaway recursion on hostile documents; deeper than this is an error.
const MAX_DEPTH: usize = 256;

impl AvroSchema {
    /// Validates `instance` (Avro JSON encoding) against this schema.
    pub fn validate_json(&self, instance: &Value) -> Vec<ValidationError> {
        let mut walker = Walker {
            table: &self.table,
            errors: Vec::new(),
        };
        walker.check(&self.root, instance, "", 0);
        walker.errors
    }
}

struct Walker<'a> {
    table: &'a TypeTable,
    errors: Vec<ValidationError>,
}

impl Walker<'_> {
    fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ValidationError::new(path, message));
    }

    fn check(&mut self, schema: &Schema, value: &Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.fail(path, format!("nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        match schema {
            Schema::Primitive { kind, .. } => self.check_primitive(*kind, value, path),
            Schema::Array { items, .. } => match value.as_array() {
                Some(elements) => {
                    for (i, element) in elements.iter().enumerate() {
                        self.check(items, element, &child_path(path, &i.to_string()), depth + 1);
                    }
                }
                None => self.fail(
                    path,
                    format!("expected an array, found {}", json_kind(value)),
                ),
            },
            Schema::Map { values, .. } => match value.as_object() {
                Some(entries) => {
                    for (key, entry) in entries {
                        self.check(values, entry, &child_path(path, key), depth + 1);
                    }
                }
                None => self.fail(
                    path,
                    format!("expected an object (map), found {}", json_kind(value)),
                ),
            },
            Schema::Union(branches) => self.check_union(branches, value, path, depth),
            Schema::Named(index) => self.check_named(*index, value, path, depth),
        }
    }

    fn check_primitive(&mut self, kind: Primitive, value: &Value, path: &str) {
        let problem = match kind {
            Primitive::Null => (!value.is_null()).then(|| "expected null".to_string()),
            Primitive::Boolean => (!value.is_boolean()).then(|| "expected a boolean".to_string()),
            Primitive::Int => match value.as_i64() {
                Some(n) if i32::try_from(n).is_ok() => None,
                Some(n) => Some(format!("{n} is out of range for int")),
                None => Some("expected an int".to_string()),
            },
            Primitive::Long => value
                .as_i64()
                .is_none()
                .then(|| "expected a long".to_string()),
            Primitive::Float | Primitive::Double => {
                (!value.is_number()).then(|| format!("expected a {}", kind.name()))
            }
            Primitive::String => (!value.is_string()).then(|| "expected a string".to_string()),
            Primitive::Bytes => bytes_problem(value, None),
        };
        if let Some(problem) = problem {
            self.fail(path, format!("{problem}, found {}", json_kind(value)));
        }
    }

    fn check_named(&mut self, index: usize, value: &Value, path: &str, depth: usize) {
        let Some(named) = self.table.get(index) else {
            self.fail(path, "schema refers to an unknown type");
            return;
        };
        let full_name = named.name.full();
        match &named.kind {
            NamedKind::Record { fields, .. } => {
                let Some(object) = value.as_object() else {
                    self.fail(
                        path,
                        format!(
                            "expected a {full_name} record (object), found {}",
                            json_kind(value)
                        ),
                    );
                    return;
                };
                for field in fields {
                    match object.get(&field.name) {
                        Some(field_value) => self.check(
                            &field.schema,
                            field_value,
                            &child_path(path, &field.name),
                            depth + 1,
                        ),
                        None if field.default.is_some() => {}
                        None => self.fail(
                            &child_path(path, &field.name),
                            format!(
                                "missing field '{}' of {full_name} (it has no default)",
                                field.name
                            ),
                        ),
                    }
                }
            }
            NamedKind::Enum { symbols, .. } => match value.as_str() {
                Some(symbol) if symbols.iter().any(|s| s == symbol) => {}
                Some(symbol) => self.fail(
                    path,
                    format!(
                        "'{symbol}' is not a symbol of enum {full_name} ({})",
                        symbols.join(", ")
                    ),
                ),
                None => self.fail(
                    path,
                    format!(
                        "expected a symbol of enum {full_name}, found {}",
                        json_kind(value)
                    ),
                ),
            },
            NamedKind::Fixed { size } => {
                if let Some(problem) = bytes_problem(value, Some(*size)) {
                    self.fail(
                        path,
                        format!(
                            "{problem} for fixed {full_name}, found {}",
                            json_kind(value)
                        ),
                    );
                }
            }
        }
    }

    /// `null` selects the null branch; anything else must be `{"<branch>": value}`.
    fn check_union(&mut self, branches: &[Schema], value: &Value, path: &str, depth: usize) {
        if value.is_null() {
            let has_null = branches.iter().any(|b| {
                matches!(
                    b,
                    Schema::Primitive {
                        kind: Primitive::Null,
                        ..
                    }
                )
            });
            if !has_null {
                self.fail(path, "null is not allowed: the union has no null branch");
            }
            return;
        }
        let names: Vec<String> = branches.iter().map(|b| self.table.branch_name(b)).collect();
        let wrapped = value.as_object().filter(|o| o.len() == 1);
        let Some((branch_name, inner)) = wrapped.and_then(|o| o.iter().next()) else {
            self.fail(
                path,
                format!(
                    "a union value must be null or an object with one key naming the branch ({})",
                    names.join(", ")
                ),
            );
            return;
        };
        match names.iter().position(|n| n == branch_name) {
            Some(i) => {
                if let Some(branch) = branches.get(i) {
                    self.check(branch, inner, &child_path(path, branch_name), depth + 1);
                }
            }
            None => self.fail(
                path,
                format!(
                    "'{branch_name}' is not a branch of the union ({})",
                    names.join(", ")
                ),
            ),
        }
    }
}

/// Bytes and fixed are strings whose code points are all below 256.
fn bytes_problem(value: &Value, size: Option<u32>) -> Option<String> {
    let Some(text) = value.as_str() else {
        return Some("expected a string of bytes".into());
    };
    if text.chars().any(|c| u32::from(c) > 255) {
        return Some("bytes must be written as code points 0-255".into());
    }
    let length = text.chars().count();
    match size {
        Some(size) if usize::try_from(size).ok() != Some(length) => {
            Some(format!("expected exactly {size} bytes, got {length}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema(value: Value) -> AvroSchema {
        AvroSchema::parse(&value.to_string(), &[]).expect("valid schema")
    }

    fn order() -> AvroSchema {
        schema(json!({
            "type": "record", "name": "Order", "namespace": "shop",
            "fields": [
                {"name": "id", "type": "string"},
                {"name": "quantity", "type": "int"},
                {"name": "note", "type": ["null", "string"], "default": null},
                {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
                {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
                {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 2}}
            ]
        }))
    }

    #[test]
    fn a_valid_document_has_no_errors() {
        let errors = order().validate_json(&json!({
            "id": "o-1", "quantity": 2, "note": {"string": "fast"},
            "status": "PAID", "tags": ["a"], "hash": "\u{00ff}\u{0001}"
        }));
        assert_eq!(errors, vec![]);
    }

    #[test]
    fn every_error_is_reported_with_its_path() {
        let errors = order().validate_json(&json!({
            "quantity": 3_000_000_000_i64, "note": "bare", "status": "LOST",
            "tags": ["a", 5], "hash": "abc"
        }));
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/id", "/quantity", "/note", "/status", "/tags/1", "/hash"],
            "{errors:#?}"
        );
        assert!(errors[0].message.contains("missing field 'id'"));
        assert!(errors[2].message.contains("one key naming the branch"));
    }

    #[test]
    fn union_null_needs_a_null_branch() {
        let union = schema(json!(["string", "int"]));
        assert_eq!(union.validate_json(&json!({"int": 4})), vec![]);
        assert_eq!(union.validate_json(&Value::Null).len(), 1);
        assert_eq!(union.validate_json(&json!({"long": 4})).len(), 1);
    }
}
