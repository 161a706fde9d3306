//! The fields of a parsed schema, as a flat list in tree order: what the portal shows as a
//! field tree and what the catalog indexes field-level tags from.
//!
//! This file holds the field record, the limits and the dispatch over formats; the walks
//! themselves are per format (`avro/fields.rs`, `json/fields.rs`, `protobuf/fields.rs`),
//! all with the same shape: the fields of the root record (Avro), object (JSON Schema) or
//! first message (Protobuf) at depth 0, then, right after each field, the fields of the
//! record/object/message it holds (directly, through a nullable union, or as the element
//! of an array or map) one level deeper. Paths are dotted field names; array and map
//! elements add no segment (`lines.sku`).
//!
//! Field tags are read where Confluent carries them inside the schema:
//! - Avro: the field properties `confluent:tags` and `tags` (arrays of strings);
//! - JSON Schema: the keywords `confluent:tags` and `tags` on the property's subschema (and
//!   on the schema a `$ref` there points at);
//! - Protobuf: the field option `(confluent.field_meta).tags` (`confluent/meta.proto`).
//!
//! Schemas can be hostile: a named type already being expanded on the current path is
//! listed but not expanded again, fields deeper than [`MAX_DEPTH`] levels are left out,
//! the list stops at [`MAX_FIELDS`] entries, and every walk has a bounded work budget.

use serde_json::Value;

use super::ParsedSchema;

pub use super::protobuf::fields::protobuf_message_fields;

/// Most fields listed for one schema.
pub const MAX_FIELDS: usize = 10_000;

/// Levels of nesting listed: fields have a depth of `0..MAX_DEPTH`.
pub const MAX_DEPTH: usize = 32;

/// Steps of work one walk may take (type descriptions, subschemas visited...), so that a
/// schema built to be expensive (a huge union expanded thousands of times) stays cheap.
const WORK_BUDGET: usize = 1_000_000;

/// Deepest nesting a type description spells out before writing `…`.
pub(super) const DESCRIBE_DEPTH: usize = 8;

/// One field of a schema.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldInfo {
    /// Dotted path from the root record/message/object, e.g. "customer.address.street".
    /// Array/map element fields continue with the field name (e.g. "lines.sku" for an
    /// array of records in `lines`).
    pub path: String,
    /// The field's own name (last path segment).
    pub name: String,
    /// Nesting depth: 0 for top-level fields.
    pub depth: usize,
    /// A short human type, e.g. "string", "long (timestamp-millis)", "array<OrderLine>",
    /// "map<string>", "null | string", "enum Status", "Money" (named record),
    /// "repeated string", "int32", "object", "string (email)".
    pub type_name: String,
    pub doc: Option<String>,
    /// The default as JSON text (Avro `default`, JSON Schema `default`, Protobuf proto2
    /// `default`), None if absent.
    pub default: Option<String>,
    /// Whether the field must be present (Avro: no default and not a nullable union; JSON:
    /// listed in `required`; Protobuf: proto2 `required`, otherwise false).
    pub required: bool,
    /// Field-level tags carried inside the schema, in source order, deduplicated.
    pub tags: Vec<String>,
}

impl ParsedSchema {
    /// The fields of the schema in tree order (see [`crate::schema::fields`]). For
    /// Protobuf, the fields of the first message of the file (Confluent's default message).
    pub fn fields(&self) -> Vec<FieldInfo> {
        match self {
            Self::Avro(schema) => super::avro::fields::list(schema),
            Self::Protobuf(schema) => super::protobuf::fields::list(schema),
            Self::Json(schema) => super::json::fields::list(schema),
        }
    }
}

// The pieces every format's walk shares.

/// The list being built, with the limits every walk obeys.
pub(super) struct Out {
    pub(super) fields: Vec<FieldInfo>,
    budget: usize,
}

impl Out {
    pub(super) fn new() -> Self {
        Self {
            fields: Vec::new(),
            budget: WORK_BUDGET,
        }
    }

    /// Whether the walk must stop: the list is full or the work budget is spent.
    pub(super) fn done(&self) -> bool {
        self.fields.len() >= MAX_FIELDS || self.budget == 0
    }

    /// Spends one step of work; false when none is left.
    pub(super) fn step(&mut self) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        true
    }

    pub(super) fn push(&mut self, field: FieldInfo) {
        if self.fields.len() < MAX_FIELDS {
            self.fields.push(field);
        }
    }
}

pub(super) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Adds the strings of a tag list (an array of strings, or one string) not seen yet.
pub(super) fn add_tags(tags: &mut Vec<String>, value: &Value) {
    let mut add = |tag: &str| {
        if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    };
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_str).for_each(add),
        Value::String(tag) => add(tag),
        _ => {}
    }
}

/// The two spellings of a tag list in Avro field properties and JSON Schema keywords.
pub(super) const TAG_KEYS: [&str; 2] = ["confluent:tags", "tags"];

/// Helpers the per-format field tests share.
#[cfg(test)]
pub(super) mod testing {
    use super::FieldInfo;
    use crate::schema::{Dependency, ParsedSchema, SchemaType};

    pub(crate) fn parse(
        schema_type: SchemaType,
        text: &str,
        dependencies: &[Dependency],
    ) -> ParsedSchema {
        match ParsedSchema::parse(schema_type, text, dependencies) {
            Ok(schema) => schema,
            Err(e) => panic!("{schema_type} schema did not parse: {e}\n{text}"),
        }
    }

    pub(crate) fn paths(fields: &[FieldInfo]) -> Vec<&str> {
        fields.iter().map(|f| f.path.as_str()).collect()
    }

    pub(crate) fn field<'f>(fields: &'f [FieldInfo], path: &str) -> &'f FieldInfo {
        match fields.iter().find(|f| f.path == path) {
            Some(field) => field,
            None => panic!("no field {path} in {:?}", paths(fields)),
        }
    }

    pub(crate) fn tagged<'f>(fields: &'f [FieldInfo], tag: &str) -> Vec<&'f str> {
        fields
            .iter()
            .filter(|f| f.tags.iter().any(|t| t == tag))
            .map(|f| f.path.as_str())
            .collect()
    }
}
