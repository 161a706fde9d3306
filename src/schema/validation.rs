//! Payload validation results, shared by all formats.

use serde::Serialize;

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
