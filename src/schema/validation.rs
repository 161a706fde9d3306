//! Payload validation results, shared by all formats.

use serde::Serialize;
use serde_json::Value;

/// One reason a payload does not match its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// JSON pointer into the payload (`/items/2/price`); empty for the whole payload.
    pub path: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// Appends a JSON-pointer segment, escaping `~` and `/` (the error paths are pointers).
pub use super::pointer::child as child_path;

/// What kind of JSON value this is, as an error message says it ("found a string").
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
