//! The JSON objects of the Confluent API, and their conversion to and from domain values.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use axum::http::StatusCode;

use super::shapes;
use crate::api::error::ApiError;
use crate::model::{OutOfRange, Reference};
use crate::registry::{ReferenceRequest, SchemaRequest, SchemaVersion};
use crate::registry::{RegistryError, StoredSchema};
use crate::schema::SchemaType;

/// Body of register, lookup and compatibility requests. Unknown fields are ignored and
/// `null` counts as absent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaBody {
    pub schema: Option<String>,
    pub schema_type: Option<String>,
    pub references: Option<Vec<ReferenceBody>>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
    /// Read at any width, so an id or version too big for the registry's types is refused
    /// with its own message rather than as a wrong type.
    pub id: Option<i128>,
    pub version: Option<i128>,
}

#[derive(Debug, Deserialize)]
pub struct ReferenceBody {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

impl SchemaBody {
    /// Types the body; an unknown `schemaType` or a `metadata` of another shape is 42201,
    /// a `ruleSet` of another shape 42210 (both are stored and echoed to typed clients).
    pub fn into_request(self) -> Result<SchemaRequest, ApiError> {
        if let Some(metadata) = self.metadata.as_ref().filter(|m| !m.is_null()) {
            shapes::check_metadata(metadata)
                .map_err(|e| ApiError::invalid_schema(format!("Invalid metadata: {e}")))?;
        }
        if let Some(rule_set) = self.rule_set.as_ref().filter(|r| !r.is_null()) {
            shapes::check_rule_set(rule_set).map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    42210,
                    format!("Invalid ruleSet: {e}"),
                )
            })?;
        }
        let schema_type = match self.schema_type.as_deref() {
            None => SchemaType::Avro,
            Some(name) => SchemaType::parse(name)
                .ok_or_else(|| ApiError::invalid_schema(format!("Invalid schema type {name}")))?,
        };
        Ok(SchemaRequest {
            schema: self.schema,
            schema_type,
            references: self
                .references
                .unwrap_or_default()
                .into_iter()
                .map(|r| ReferenceRequest {
                    name: r.name,
                    subject: r.subject,
                    version: r.version,
                })
                .collect(),
            metadata: self.metadata,
            rule_set: self.rule_set,
            id: self.id.map(narrow_id).transpose()?,
            version: self.version.map(narrow_version).transpose()?,
        })
    }
}

/// The body's id as the registry holds it; whether it is in range is the registry's call.
fn narrow_id(id: i128) -> Result<i64, ApiError> {
    i64::try_from(id).map_err(|_| RegistryError::from(OutOfRange::Id(id)).into())
}

/// The body's version as the registry holds it; whether it is in range is the registry's call.
fn narrow_version(version: i128) -> Result<i32, ApiError> {
    i32::try_from(version).map_err(|_| RegistryError::from(OutOfRange::Version(version)).into())
}

/// A schema bound to a subject version (version GET, lookup, `/schemas` items, register).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaObject<'a> {
    pub subject: &'a str,
    pub version: i32,
    pub id: i64,
    #[serde(flatten)]
    pub content: SchemaContent<'a>,
}

impl<'a> SchemaObject<'a> {
    pub fn of(version: &'a SchemaVersion) -> Self {
        Self {
            subject: &version.subject,
            version: version.version,
            id: version.schema.id,
            content: SchemaContent::of(&version.schema),
        }
    }
}

/// The schema itself with its type, references, metadata and rules. AVRO is left out as
/// CP7 does (libserdes and Karapace-era tests expect that), and so are empty parts.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaContent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub references: &'a [Reference],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<&'a Value>,
    pub schema: &'a str,
}

impl<'a> SchemaContent<'a> {
    pub fn of(schema: &'a StoredSchema) -> Self {
        Self {
            schema_type: (schema.schema_type != SchemaType::Avro)
                .then_some(schema.schema_type.as_str()),
            references: &schema.references,
            metadata: schema.metadata.as_ref(),
            rule_set: schema.rule_set.as_ref(),
            schema: &schema.canonical_text,
        }
    }
}

/// `GET /schemas/ids/{id}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaString<'a> {
    #[serde(flatten)]
    pub content: SchemaContent<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct SubjectVersionBody<'a> {
    pub subject: &'a str,
    pub version: i32,
}

#[derive(Debug, Serialize)]
pub struct CompatibilityBody {
    pub is_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ModeBody {
    pub mode: Option<String>,
}
