//! JSON Schema: parsing and validation, canonical and normalized text, compatibility.
//!
//! Public surface (callers in `schema/mod.rs` and `schema/compat.rs`):
//! - `JsonSchema::parse(text, dependencies) -> Result<JsonSchema, SchemaError>`
//! - `JsonSchema::canonical_text()`, `JsonSchema::normalized_text()`, `JsonSchema::title()`
//! - `JsonSchema::validate(instance) -> Vec<ValidationError>` (every error)
//! - `compat::diff`, `compat::check` (Confluent's `SchemaDiff`)
//!
//! The draft comes from `$schema` (draft 7 when absent, as Confluent). The schema is checked
//! against its meta-schema and compiled by the `jsonschema` crate; `$ref`s to other
//! documents resolve only from the given dependencies, never from the network.

mod change_kinds;
pub mod compat;
pub mod embed;
pub(crate) mod fields;
mod javaorder;
mod matching;
mod model;
mod text;

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::{Dependency, SchemaError};

/// The JSON Schema drafts Confluent accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draft {
    Draft4,
    Draft6,
    Draft7,
    Draft201909,
    Draft202012,
}

impl Draft {
    /// The draft a `$schema` URI names; `None` for an unknown URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        let trimmed = uri.trim_end_matches('#');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))?;
        match rest {
            "json-schema.org/draft-04/schema" => Some(Self::Draft4),
            "json-schema.org/draft-06/schema" => Some(Self::Draft6),
            "json-schema.org/draft-07/schema" => Some(Self::Draft7),
            "json-schema.org/draft/2019-09/schema" => Some(Self::Draft201909),
            "json-schema.org/draft/2020-12/schema" => Some(Self::Draft202012),
            _ => None,
        }
    }

    /// The draft of a schema document: from its `$schema`, draft 7 by default.
    pub fn of(value: &Value) -> Self {
        value
            .get("$schema")
            .and_then(Value::as_str)
            .and_then(Self::from_uri)
            .unwrap_or(Self::Draft7)
    }

    fn has_unevaluated(self) -> bool {
        matches!(self, Self::Draft201909 | Self::Draft202012)
    }

    fn to_crate(self) -> jsonschema::Draft {
        match self {
            Self::Draft4 => jsonschema::Draft::Draft4,
            Self::Draft6 => jsonschema::Draft::Draft6,
            Self::Draft7 => jsonschema::Draft::Draft7,
            Self::Draft201909 => jsonschema::Draft::Draft201909,
            Self::Draft202012 => jsonschema::Draft::Draft202012,
        }
    }
}

pub use crate::schema::validation::ValidationError;

/// A parsed, validated and compiled JSON Schema.
#[derive(Clone)]
pub struct JsonSchema {
    value: Arc<Value>,
    draft: Draft,
    dependencies: Arc<Vec<(String, Value)>>,
    validator: Arc<jsonschema::Validator>,
}

impl fmt::Debug for JsonSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonSchema")
            .field("draft", &self.draft)
            .field("schema", &self.canonical_text())
            .field(
                "dependencies",
                &self.dependencies.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Base URI given to schemas without an absolute `$id`, so relative references have
/// something to resolve against. Nothing is ever fetched from it.
const BASE_URI: &str = "https://herald.invalid/schemas/";

/// Resolves remote references from the dependencies only.
struct DependencyRetriever {
    dependencies: Arc<Vec<(String, Value)>>,
}

impl DependencyRetriever {
    fn find(&self, uri: &str) -> Option<&Value> {
        let uri = uri.split('#').next().unwrap_or(uri);
        let relative = uri.strip_prefix(BASE_URI);
        self.dependencies.iter().find_map(|(name, value)| {
            let name_trimmed = name.split('#').next().unwrap_or(name);
            let id = value
                .get("$id")
                .or_else(|| value.get("id"))
                .and_then(Value::as_str)
                .map(|id| id.trim_end_matches('#'));
            let hit = name_trimmed == uri
                || relative == Some(name_trimmed)
                || id == Some(uri)
                || (!name_trimmed.is_empty() && uri.ends_with(&format!("/{name_trimmed}")));
            hit.then_some(value)
        })
    }
}

impl jsonschema::Retrieve for DependencyRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        match self.find(text) {
            Some(value) => Ok(value.clone()),
            None => Err(
                format!("Unresolved reference {text}: not among the schema's references").into(),
            ),
        }
    }
}

fn parse_document(text: &str) -> Result<Value, SchemaError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SchemaError::new(format!("Invalid JSON: {e}")))?;
    match value {
        Value::Object(_) | Value::Bool(_) => Ok(value),
        _ => Err(SchemaError::new(
            "Invalid JSON Schema: the schema must be an object or a boolean",
        )),
    }
}

/// Compiles `value` with meta-schema validation and the dependency-only retriever.
fn compile(
    value: &Value,
    draft: Draft,
    dependencies: &Arc<Vec<(String, Value)>>,
) -> Result<jsonschema::Validator, SchemaError> {
    let known_schema = value
        .get("$schema")
        .and_then(Value::as_str)
        .is_none_or(|uri| Draft::from_uri(uri).is_some());
    // An unknown `$schema` would send the compiler looking for that meta-schema: compile
    // a copy without it, under the default draft.
    let stripped;
    let value = if known_schema {
        value
    } else {
        let mut copy = value.clone();
        if let Value::Object(object) = &mut copy {
            object.shift_remove("$schema");
        }
        stripped = copy;
        &stripped
    };
    let has_absolute_id = value
        .get("$id")
        .or_else(|| value.get("id"))
        .and_then(Value::as_str)
        .is_some_and(|id| id.contains("://") || id.starts_with("urn:"));
    let mut options = jsonschema::options()
        .with_draft(draft.to_crate())
        .with_retriever(DependencyRetriever {
            dependencies: Arc::clone(dependencies),
        });
    if !has_absolute_id {
        options = options.with_base_uri(format!("{BASE_URI}root.json"));
    }
    options
        .build(value)
        .map_err(|e| SchemaError::new(format!("Invalid JSON Schema: {e}")))
}

impl JsonSchema {
    /// Parses, validates against its meta-schema and compiles `text`. `dependencies` are
    /// the referenced schemas (name = the `$ref` used to reach them), dependencies first.
    pub fn parse(text: &str, dependencies: &[Dependency]) -> Result<Self, SchemaError> {
        let mut documents = Vec::with_capacity(dependencies.len());
        for dependency in dependencies {
            let value = parse_document(&dependency.text).map_err(|e| {
                SchemaError::new(format!("Invalid reference {}: {e}", dependency.name))
            })?;
            documents.push((dependency.name.clone(), value));
        }
        let dependencies = Arc::new(documents);
        let value = parse_document(text)?;
        let draft = Draft::of(&value);
        let validator = compile(&value, draft, &dependencies)?;
        Ok(Self {
            value: Arc::new(value),
            draft,
            dependencies,
            validator: Arc::new(validator),
        })
    }

    /// The draft the schema is written in.
    pub fn draft(&self) -> Draft {
        self.draft
    }

    /// The schema as parsed.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The referenced schemas as parsed: `(reference name, document)`, dependencies first.
    pub(crate) fn dependency_documents(&self) -> &[(String, Value)] {
        &self.dependencies
    }

    /// Compact JSON with the key order kept (Confluent's canonical form).
    pub fn canonical_text(&self) -> String {
        self.value.to_string()
    }

    /// Compact JSON with object keys sorted recursively (Confluent's normalized form).
    pub fn normalized_text(&self) -> String {
        text::sorted(&self.value).to_string()
    }

    /// The top-level `title` (used by RecordNameStrategy).
    pub fn title(&self) -> Option<String> {
        self.value
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Every reason `instance` does not match, with the instance location of each.
    pub fn validate(&self, instance: &Value) -> Vec<ValidationError> {
        self.validator
            .iter_errors(instance)
            .map(|error| ValidationError {
                path: error.instance_path().as_str().to_owned(),
                message: error.to_string(),
            })
            .collect()
    }

    /// The model the compatibility walk compares.
    fn graph(&self) -> model::Graph {
        let mut documents = vec![model::Document {
            name: "",
            value: &self.value,
            draft: self.draft,
        }];
        for (name, value) in self.dependencies.iter() {
            documents.push(model::Document {
                name,
                value,
                draft: Draft::of(value),
            });
        }
        model::build(&documents)
    }
}

#[cfg(test)]
mod tests;
