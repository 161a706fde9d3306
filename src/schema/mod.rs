//! Schema formats and compatibility: pure functions over plain values, no IO.
//!
//! Everything the registry knows about a schema's *content* lives here: parsing and
//! validation, the canonical text used for identity, normalization, the identity hash and
//! the compatibility engine. Callers hand in text and already-resolved references; nothing
//! here touches storage, the network or the clock.

pub mod avro;
pub mod compat;
pub mod fields;
pub mod identity;
pub mod json;
pub mod pointer;
pub mod protobuf;
mod protobuf_payload;
pub mod validation;
pub mod wire;

/// Defined with the other shared domain values, so storage can name it without depending
/// on this module; every `crate::schema::SchemaType` path keeps working.
pub use crate::model::SchemaType;

/// A schema another schema depends on, already fetched from the registry. The registry
/// resolves references recursively and hands them over dependencies-first, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The reference name: an Avro full type name, a Protobuf import path or a JSON
    /// Schema `$ref` URL.
    pub name: String,
    /// The dependency's canonical schema text.
    pub text: String,
}

/// Why a schema text was refused. The message is the parser's reason, shown to the user
/// after `Invalid schema of type <T>, details: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SchemaError(pub String);

impl SchemaError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// How strictly a schema text is read (from the subject's or global config).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Confluent's `validateFields`. Off (Confluent's default), a Protobuf file may use
    /// types of any referenced file or built-in without importing them and may import a
    /// file no reference names; on, imports must be exact. Stored schemas are always read
    /// with it off, since they were accepted once. Avro and JSON Schema ignore it so far.
    pub validate_fields: bool,
}

/// A schema that parsed and validated, in any format.
#[derive(Debug, Clone)]
pub enum ParsedSchema {
    Avro(avro::AvroSchema),
    Protobuf(protobuf::ProtobufSchema),
    Json(json::JsonSchema),
}

impl ParsedSchema {
    /// Parses `text` of the given type with its dependencies, with the default options.
    pub fn parse(
        schema_type: SchemaType,
        text: &str,
        dependencies: &[Dependency],
    ) -> Result<Self, SchemaError> {
        Self::parse_with(schema_type, text, dependencies, ParseOptions::default())
    }

    /// Parses `text` of the given type with its dependencies.
    pub fn parse_with(
        schema_type: SchemaType,
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        match schema_type {
            SchemaType::Avro => avro::AvroSchema::parse(text, dependencies).map(Self::Avro),
            SchemaType::Protobuf => {
                protobuf::ProtobufSchema::parse_with(text, dependencies, options)
                    .map(Self::Protobuf)
            }
            SchemaType::Json => json::JsonSchema::parse(text, dependencies).map(Self::Json),
        }
    }

    pub fn schema_type(&self) -> SchemaType {
        match self {
            Self::Avro(_) => SchemaType::Avro,
            Self::Protobuf(_) => SchemaType::Protobuf,
            Self::Json(_) => SchemaType::Json,
        }
    }

    /// The text stored, returned and hashed for identity.
    pub fn canonical_text(&self) -> String {
        match self {
            Self::Avro(s) => s.canonical_text(),
            Self::Protobuf(s) => s.canonical_text(),
            Self::Json(s) => s.canonical_text(),
        }
    }

    /// The text under `normalize=true`.
    pub fn normalized_text(&self) -> String {
        match self {
            Self::Avro(s) => s.normalized_text(),
            Self::Protobuf(s) => s.normalized_text(),
            Self::Json(s) => s.normalized_text(),
        }
    }

    /// The text in a Confluent `format`: Avro `resolved` (references written out in
    /// place), Protobuf `serialized` (base64 `FileDescriptorProto`). `None` for any other
    /// format, which Confluent answers with the default text.
    pub fn formatted_text(&self, format: &str) -> Option<String> {
        match (self, format) {
            (Self::Avro(s), "resolved") => Some(s.resolved_text()),
            (Self::Protobuf(s), "serialized") => Some(s.serialized()),
            _ => None,
        }
    }

    /// Checks a JSON payload: Avro's JSON encoding, Protobuf's canonical JSON mapping (of
    /// `message`, a full message name, or else the first message) or a JSON Schema
    /// instance. Every problem is reported. `message` matters for Protobuf only.
    pub fn validate_json(
        &self,
        instance: &serde_json::Value,
        message: Option<&str>,
    ) -> Vec<validation::ValidationError> {
        match self {
            Self::Avro(s) => s.validate_json(instance),
            Self::Protobuf(s) => protobuf_payload::validate_json(s, instance, message),
            Self::Json(s) => s.validate(instance),
        }
    }

    /// Decodes a binary payload (after the wire header and, for Protobuf, the message
    /// indexes) into JSON and lists what is wrong with it. Avro and Protobuf data either
    /// decode or stop at the first problem; JSON Schema payloads are JSON text, checked
    /// against the schema with every error reported.
    pub fn check_payload(&self, payload: &[u8], message_indexes: &[i32]) -> PayloadCheck {
        let decoded = match self {
            Self::Avro(s) => s.decode_binary(payload),
            Self::Protobuf(s) => protobuf_payload::decode(s, message_indexes, payload),
            Self::Json(_) => serde_json::from_slice(payload).map_err(|e| {
                validation::ValidationError::new("", format!("payload is not JSON: {e}"))
            }),
        };
        match decoded {
            Ok(value) => PayloadCheck {
                errors: match self {
                    Self::Json(s) => s.validate(&value),
                    _ => Vec::new(),
                },
                decoded: Some(value),
            },
            Err(error) => PayloadCheck {
                decoded: None,
                errors: vec![error],
            },
        }
    }
}

/// What a binary payload decoded to, and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadCheck {
    pub decoded: Option<serde_json::Value>,
    pub errors: Vec<validation::ValidationError>,
}
