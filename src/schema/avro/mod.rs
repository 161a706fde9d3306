//! Avro: parsing and validation, canonical and normalized text, compatibility.
//!
//! STUB — being written. Public surface (do not change without updating callers):
//! - `AvroSchema::parse(text, dependencies) -> Result<AvroSchema, SchemaError>`
//! - `AvroSchema::canonical_text()`, `AvroSchema::normalized_text()`
//! - `compat::check(reader, writer) -> Vec<Finding>`

pub mod compat;

use super::{Dependency, SchemaError};

#[derive(Debug, Clone)]
pub struct AvroSchema {
    canonical: String,
}

impl AvroSchema {
    pub fn parse(text: &str, _dependencies: &[Dependency]) -> Result<Self, SchemaError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SchemaError::new(e.to_string()))?;
        Ok(Self {
            canonical: value.to_string(),
        })
    }

    pub fn canonical_text(&self) -> String {
        self.canonical.clone()
    }

    pub fn normalized_text(&self) -> String {
        self.canonical.clone()
    }
}
