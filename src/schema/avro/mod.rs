//! Avro: parsing and validation, canonical and normalized text, compatibility.
//!
//! Public surface (callers in `schema/mod.rs` and `schema/compat.rs`):
//! - `AvroSchema::parse(text, dependencies) -> Result<AvroSchema, SchemaError>`
//! - `AvroSchema::canonical_text()`, `AvroSchema::normalized_text()`
//! - `compat::check(reader, writer) -> Vec<Finding>`
//!
//! The parser follows Avro Java's `Schema.Parser` (names, namespaces, defaults validated);
//! the canonical text is Java's `Schema.toString()` as Confluent prints it (referenced
//! types by name); normalization is Confluent's `AvroSchema.normalize()`; compatibility is
//! Avro Java's `SchemaCompatibility`.

mod canonical;
pub mod compat;
mod decode;
mod defaults;
pub(crate) mod fields;
mod json;
pub(crate) mod model;
mod normalize;
mod parse;
mod validate;

use std::sync::Arc;

use serde_json::Value;

use super::{Dependency, SchemaError};
use model::{NamedKind, Schema, TypeTable};
use parse::{Parser, parse_json};

#[derive(Debug, Clone)]
pub struct AvroSchema {
    /// The schema itself.
    root: Schema,
    /// Named types of the dependencies, then of this schema.
    table: Arc<TypeTable>,
    /// Named types of the dependencies only (the starting point to parse again).
    dependency_table: Arc<TypeTable>,
    /// Full names of the dependencies' top-level types: printed by name only.
    dependency_names: Arc<Vec<String>>,
}

fn parse_with(
    table: &mut TypeTable,
    value: &Value,
    validate_defaults: bool,
) -> Result<Schema, SchemaError> {
    let frozen = table.types.len();
    Parser {
        table,
        validate_defaults,
        frozen,
    }
    .parse(value, None, 0)
}

impl AvroSchema {
    /// Parses and validates `text`. `dependencies` are the referenced schemas' texts,
    /// dependencies first; their named types can be used by full name.
    pub fn parse(text: &str, dependencies: &[Dependency]) -> Result<Self, SchemaError> {
        let mut table = TypeTable::default();
        let mut dependency_names = Vec::with_capacity(dependencies.len());
        for dependency in dependencies {
            let value = parse_json(&dependency.text).map_err(|e| {
                SchemaError::new(format!("Invalid reference {}: {e}", dependency.name))
            })?;
            let root = parse_with(&mut table, &value, false).map_err(|e| {
                SchemaError::new(format!("Invalid reference {}: {e}", dependency.name))
            })?;
            if let Schema::Named(index) = root
                && let Some(named) = table.get(index)
            {
                dependency_names.push(named.name.full());
            }
        }
        let dependency_table = table.clone();
        let value = parse_json(text)?;
        let root = parse_with(&mut table, &value, true)?;
        Ok(Self {
            root,
            table: Arc::new(table),
            dependency_table: Arc::new(dependency_table),
            dependency_names: Arc::new(dependency_names),
        })
    }

    /// Java `Schema.toString()` with the referenced schemas' types written by name.
    pub fn canonical_text(&self) -> String {
        canonical::Printer::new(&self.table, self.dependency_names.iter().cloned())
            .print(&self.root)
    }

    /// The canonical text with every referenced type written out in place (Confluent's
    /// `format=resolved`): a self-contained schema for tools that do not follow references.
    pub fn resolved_text(&self) -> String {
        canonical::Printer::new(&self.table, std::iter::empty()).print(&self.root)
    }

    /// The canonical text of Confluent's normalized form.
    pub fn normalized_text(&self) -> String {
        let normalized =
            normalize::Normalizer::new(&self.table, self.dependency_names.iter().cloned())
                .build(&self.root);
        let mut table = (*self.dependency_table).clone();
        match parse_with(&mut table, &normalized, false) {
            Ok(root) => {
                canonical::Printer::new(&table, self.dependency_names.iter().cloned()).print(&root)
            }
            // Cannot happen for a schema that parsed; keep the canonical text if it does.
            Err(_) => self.canonical_text(),
        }
    }

    /// The full name of the top-level type when it is a record, enum or fixed (what
    /// Confluent's RecordNameStrategy uses for records).
    pub fn name(&self) -> Option<String> {
        match &self.root {
            Schema::Named(index) => self.table.get(*index).map(|t| t.name.full()),
            _ => None,
        }
    }

    /// Full names of the named types this schema defines (not those of its
    /// dependencies), in definition order.
    pub fn defined_type_names(&self) -> Vec<String> {
        self.table
            .types
            .iter()
            .skip(self.dependency_table.types.len())
            .map(|t| t.name.full())
            .collect()
    }

    /// The parsed top-level schema node (for read-only walks such as
    /// [`crate::schema::fields`]).
    pub(crate) fn root(&self) -> &Schema {
        &self.root
    }

    /// The named types of the dependencies, then of this schema.
    pub(crate) fn type_table(&self) -> &TypeTable {
        &self.table
    }

    /// Whether the top-level type is a record.
    pub fn is_record(&self) -> bool {
        matches!(&self.root, Schema::Named(index)
            if matches!(self.table.get(*index).map(|t| &t.kind), Some(NamedKind::Record { .. })))
    }
}

#[cfg(test)]
mod tests;
