//! Payload validation against registered schemas: for CI pipelines and producers that want
//! to check data before it ships.

use serde::Serialize;
use serde_json::Value;

use super::{Registry, RegistryError};
use crate::model::{Subject, VersionSpec};
use crate::schema::SchemaType;
use crate::schema::validation::ValidationError;
use crate::schema::wire;

/// Which registered schema a payload is checked against.
#[derive(Debug, Clone)]
pub enum SchemaTarget {
    Version(Subject, VersionSpec),
    Id(i64),
}

/// The verdict on one payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub valid: bool,
    pub errors: Vec<ValidationError>,
    /// The schema the payload was checked against.
    pub schema_id: i64,
    /// For binary payloads: the decoded value in JSON (absent when decoding failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Value>,
}

impl Verdict {
    fn of(schema_id: i64, errors: Vec<ValidationError>, decoded: Option<Value>) -> Self {
        Self {
            valid: errors.is_empty(),
            errors,
            schema_id,
            decoded,
        }
    }
}

impl Registry {
    /// Checks a JSON payload against a subject version or a schema id (for Protobuf,
    /// against `message`, else the first message).
    pub async fn validate_json(
        &self,
        target: &SchemaTarget,
        payload: &Value,
        message: Option<&str>,
    ) -> Result<Verdict, RegistryError> {
        let stored = match target {
            SchemaTarget::Version(subject, spec) => {
                self.version(subject, *spec, false).await?.schema
            }
            SchemaTarget::Id(id) => self.schema_by_id(*id).await?,
        };
        let parsed = self.parsed(&stored).await?;
        Ok(Verdict::of(
            stored.id,
            parsed.validate_json(payload, message),
            None,
        ))
    }

    /// Decodes Confluent wire-format bytes against the schema whose id they carry.
    pub async fn validate_wire(&self, data: &[u8]) -> Result<Verdict, RegistryError> {
        let (header, rest) = match wire::split_header(data) {
            Ok(split) => split,
            Err(error) => return Ok(Verdict::of(0, vec![error], None)),
        };
        let stored = self.schema_by_id(header.schema_id).await?;
        let (indexes, payload) = if stored.schema_type == SchemaType::Protobuf {
            match wire::split_message_indexes(rest) {
                Ok(split) => split,
                Err(error) => return Ok(Verdict::of(stored.id, vec![error], None)),
            }
        } else {
            (Vec::new(), rest)
        };
        let parsed = self.parsed(&stored).await?;
        let check = parsed.check_payload(payload, &indexes);
        Ok(Verdict::of(stored.id, check.errors, check.decoded))
    }
}
