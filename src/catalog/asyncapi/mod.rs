//! AsyncAPI: the catalog as an AsyncAPI 3.0.0 document (the whole landscape, or what one
//! application produces and consumes), and AsyncAPI 2.x / 3.x documents read back as a
//! catalog file that [`Catalog::apply`] makes true.
//!
//! # Mapping
//!
//! | catalog | AsyncAPI 3.0 |
//! |---|---|
//! | topic | channel (key and `address` = topic name) |
//! | event | message in `components.messages` (key and `name` = event name), listed on its topic's channel |
//! | topic without events but with a value subject | a message named after that subject |
//! | edge | operation `<app>.<produces\|consumes>.<topic>[.<event>]`: `send` = produces, `receive` = consumes |
//! | schema version | the message `payload`, a Multi Format Schema Object |
//! | application (one-application export) | `info` (title, description, contact from the owner team, tags) |
//! | domains, teams (and applications in the whole-catalog export) | full documents in `info.x-herald-domains`, `x-herald-teams`, `x-herald-applications` |
//! | tags | `tags` of info, channels and messages; every tag also in `components.tags` |
//!
//! What AsyncAPI has no field for travels in `x-herald-*` extensions, so that an export
//! reads back as the same catalog: on operations `x-herald-application`,
//! `x-herald-versions` and `x-herald-edge` (the edge as written); on messages
//! `x-herald-event`, `x-herald-event-kind`, `x-herald-lifecycle`, `x-herald-sunset`,
//! `x-herald-replaced-by`, `x-herald-topic`, `x-herald-subject`, `x-herald-version`,
//! `x-herald-schema-id`, `x-herald-domain`, `x-herald-owner`, `x-herald-metadata`
//! (`deprecated: true` too when the event is deprecated or retired); on channels
//! `x-herald-domain`, `x-herald-owner`, `x-herald-subject-strategy`, `x-herald-key-subject`,
//! `x-herald-value-subject`, `x-herald-metadata`. An edge naming an event that has no topic
//! gets a channel of its own with `address: null` and `x-herald-unbound: true`.
//!
//! # Payloads
//!
//! A message uses the subject's latest live version; in a one-application export, the
//! version the application's edges select when they all give the same range (a pinned
//! version, say). Per format:
//!
//! - **AVRO**: `{"schemaFormat": "application/vnd.apache.avro+json;version=1.9.0",
//!   "schema": <Avro JSON>}` in the registry's `resolved` form: named types of referenced
//!   subjects are written out in place, so the payload stands alone.
//! - **JSON**: `{"schemaFormat": "application/schema+json;version=draft-07", "schema": ...}`.
//!   The AsyncAPI parser resolves every `$ref` of the document against the document itself
//!   (a JSON Schema's `$id` does not change that), so a schema's own refs (`#/definitions/X`)
//!   are rewritten to its place in the document and refs to referenced subjects to
//!   `#/components/schemas/<subject>.v<version>/schema`. Draft-04's boolean
//!   `exclusiveMinimum`/`exclusiveMaximum` become draft-07's numbers (the declared format).
//! - **PROTOBUF**: `{"schemaFormat": "application/vnd.google.protobuf;version=3" (or 2),
//!   "schema": "<.proto text>"}`. The official protobuf schema parser loads no imports but
//!   protobuf.js's bundled `google/protobuf/{any,duration,empty,field_mask,struct,timestamp,
//!   wrappers}.proto` and its `google/type/*` files (`parser_loads`). A file that imports
//!   anything else (another subject, `confluent/meta.proto`, `confluent/type/decimal.proto`,
//!   `google/protobuf/descriptor.proto`) is shown self-contained
//!   ([`ProtobufSchema::self_contained_text`](crate::schema::protobuf::ProtobufSchema::self_contained_text)): its own types, plus a copy of every message
//!   and enum it uses from those imports (transitively), in its own package. A copy keeps its
//!   name; when that name is taken (or an enum's value name, as enum values share their
//!   enum's scope) it goes inside a message named after its source package in CamelCase
//!   (`shop.common.v1.Money` -> `ShopCommonV1.Money`), which holds nothing but copies. Each
//!   copy says where it comes from (`// Copy of shop.common.v1.Money (<import path>).`).
//!   References are respelled to the copies (the shortest
//!   name both protoc and protobuf.js resolve to the same type); field names, numbers, labels
//!   and types stay exactly as registered: only full names of copied types change (a proto2
//!   copy in a proto3 file states its packing, and its `required` and defaults become
//!   comments). Copies rather than one message with everything nested: the main file's own
//!   types keep their full names and the text reads like the registered one, and the file
//!   compiles on its own with protoc. Options that are extensions
//!   (`[(confluent.field_meta).tags = "PII"]`) are dropped, with Confluent's `doc` and `tags`
//!   kept as `//` comments (`// tags: PII`, a field description for the parser), and so are
//!   custom option declarations. When the text has several top-level messages (a
//!   self-contained text: several messages at all), the first is marked `// @RootNode` (the
//!   parser needs one root; Confluent serialisers use the first message). A file without
//!   messages (enums only, as a referenced version may be) ends with an empty
//!   `message HeraldNoMessage {}` so that the parser takes it.
//!
//! Whenever the payload is not the registered text (resolved, rewritten, self-contained,
//! marked), the payload carries `x-herald-schema-text` (the registered text) and
//! `x-herald-references` (name, subject, version), and each referenced version is in
//! `components.schemas` (with `x-herald-subject`, `x-herald-version`, `x-herald-schema-id`),
//! so an import registers exactly what the registry holds.
//!
//! # Import
//!
//! AsyncAPI 2.0 to 2.6 and 3.0 to 3.1 are read (the differences between those minors do
//! not touch what is read here). Topics come from channels (3.x: `address`, else the channel
//! key; 2.x: the channel key), events from messages (their `x-herald-event`, `messageId`,
//! `name` or key), edges from operations (3.x `send`/`receive`; 2.x see [`import()`]), the
//! application from `info` unless the document lists `x-herald-applications`, and schema
//! versions from payloads (subject from `x-herald-subject`, else `<topic>-value` when the
//! message is the only one with a payload on its channel, else `<topic>-<event>`).
//! Cross-subject references are registered with the version numbers the document names,
//! so importing them into another registry needs those versions to exist there.
//!
//! # Files
//!
//! Here the use cases (gathering the schemas an export shows, applying an import);
//! `export/` builds a document from a snapshot ([`document`]), `import/` reads one back
//! ([`import()`]). Both are pure.
//! The format transforms they share with the registry live in `schema`
//! ([`crate::schema::json::embed`], [`crate::schema::protobuf::standalone`],
//! [`crate::schema::pointer`]).

mod export;
#[cfg(test)]
mod fixtures;
mod import;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::Value;

use super::file::{CatalogFile, FileError, SourcedFile};
use super::model::{EntityKind, EntityName, VersionRange, with_name_chars};
use super::{ApplyReport, Catalog, CatalogError};
use crate::model::{Subject, VersionSpec};
use crate::registry::{DeletedFilter, RegistryError, SchemaVersion};
use crate::schema::SchemaType;
use crate::storage::StoredSchema;

pub use export::document;
use export::wanted_subjects;
pub use import::import;

/// The AsyncAPI version exported.
pub const ASYNCAPI_VERSION: &str = "3.0.0";
/// `schemaFormat` of Avro payloads.
pub const AVRO_FORMAT: &str = "application/vnd.apache.avro+json;version=1.9.0";
/// `schemaFormat` of JSON Schema payloads.
pub const JSON_SCHEMA_FORMAT: &str = "application/schema+json;version=draft-07";
/// `schemaFormat` of Protobuf payloads (proto3; proto2 files say `version=2`).
pub const PROTOBUF_FORMAT: &str = "application/vnd.google.protobuf;version=3";
/// How deep references of references are followed.
const MAX_REFERENCE_DEPTH: usize = 32;

/// One registered schema version, as an export shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedSchema {
    pub subject: String,
    pub version: i32,
    pub id: i64,
    pub schema_type: SchemaType,
    /// The registered (canonical) text.
    pub text: String,
    /// Avro: the text with every referenced named type written out in place (the
    /// registry's `format=resolved`).
    pub resolved: Option<String>,
    pub references: Vec<ExportedReference>,
}

/// A schema a schema references, with the name it is referenced by.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedReference {
    pub name: String,
    pub schema: ExportedSchema,
}

/// An AsyncAPI document read as a catalog file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCatalog {
    /// The `asyncapi` version the document declared.
    pub asyncapi: String,
    pub file: CatalogFile,
}

impl ImportedCatalog {
    /// The file, ready for [`Catalog::apply`].
    pub fn into_sourced(self, source_name: &str) -> Result<SourcedFile, FileError> {
        SourcedFile::from_file(self.file, source_name)
    }
}

impl Catalog {
    /// The catalog (or what `application` produces and consumes) as an AsyncAPI 3.0.0
    /// document, as far as `sight` may read it.
    pub async fn asyncapi(
        &self,
        application: Option<&EntityName>,
        sight: &dyn crate::catalog::Sight,
    ) -> Result<Value, CatalogError> {
        let snapshot = self.snapshot_for(sight).await?;
        let application = match application {
            None => None,
            Some(name) => {
                Some(
                    snapshot
                        .applications
                        .get(name)
                        .ok_or_else(|| CatalogError::NotFound {
                            kind: EntityKind::Application,
                            name: name.to_string(),
                        })?,
                )
            }
        };
        let mut schemas = BTreeMap::new();
        for (subject, range) in wanted_subjects(&snapshot, application) {
            if !sight.sees_subject(&subject) {
                continue;
            }
            if let Some(schema) = self.exported_schema(&subject, range).await? {
                schemas.insert(subject, schema);
            }
        }
        Ok(document(&snapshot, application, &schemas))
    }

    /// Reads an AsyncAPI document ([`import()`]) and applies it ([`Catalog::apply`]).
    pub async fn import_asyncapi(
        &self,
        document: &Value,
        source_name: &str,
        dry_run: bool,
        actor: &str,
    ) -> Result<ApplyReport, CatalogError> {
        let sourced = import(document, source_name)?.into_sourced(source_name)?;
        self.apply(&sourced, dry_run, actor).await
    }

    /// The version of `subject` that `range` selects among its live versions (the latest
    /// when it selects none), with what it references.
    async fn exported_schema(
        &self,
        subject: &str,
        range: VersionRange,
    ) -> Result<Option<ExportedSchema>, CatalogError> {
        let live = self
            .registry
            .versions(&Subject::new(subject), DeletedFilter::including(false))
            .await;
        let Some(live) = found(live)? else {
            return Ok(None);
        };
        let live: Vec<i32> = live.iter().map(|r| r.version).collect();
        let Some(version) = range.select(&live).last().or(live.last()).copied() else {
            return Ok(None);
        };
        self.exported_version(subject, version, 0).await
    }

    /// `version` of `subject` (even soft-deleted: a reference may name one), with what it
    /// references, `depth` references deep.
    async fn exported_version(
        &self,
        subject: &str,
        version: i32,
        depth: usize,
    ) -> Result<Option<ExportedSchema>, CatalogError> {
        let read = self
            .registry
            .version(&Subject::new(subject), VersionSpec::Number(version), true)
            .await;
        let Some(SchemaVersion { schema: stored, .. }) = found(read)? else {
            return Ok(None);
        };
        let resolved = self.resolved_text(&stored).await?;
        let mut references = Vec::new();
        if depth < MAX_REFERENCE_DEPTH {
            for reference in &stored.references {
                let referenced = Box::pin(self.exported_version(
                    &reference.subject,
                    reference.version,
                    depth + 1,
                ))
                .await?;
                if let Some(schema) = referenced {
                    references.push(ExportedReference {
                        name: reference.name.clone(),
                        schema,
                    });
                }
            }
        }
        Ok(Some(ExportedSchema {
            subject: subject.to_owned(),
            version,
            id: stored.id,
            schema_type: stored.schema_type,
            text: stored.canonical_text,
            resolved,
            references,
        }))
    }

    /// Avro's resolved text; `None` for other formats (or a schema that no longer parses,
    /// which then shows its registered text).
    async fn resolved_text(&self, stored: &StoredSchema) -> Result<Option<String>, CatalogError> {
        if stored.schema_type != SchemaType::Avro || stored.references.is_empty() {
            return Ok(None);
        }
        match self.registry.formatted_text(stored, "resolved").await {
            Ok(text) => Ok(text),
            Err(RegistryError::Store(error)) => Err(error.into()),
            Err(_) => Ok(None),
        }
    }
}

/// A registry read that may find nothing: no such subject or version is `None`; a store
/// failure stays one.
fn found<T>(read: Result<T, RegistryError>) -> Result<Option<T>, CatalogError> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(RegistryError::SubjectNotFound(_) | RegistryError::VersionNotFound(_)) => Ok(None),
        Err(RegistryError::Store(error)) => Err(error.into()),
        Err(other) => Err(other.into()),
    }
}

/// A components key (`[A-Za-z0-9._-]+`) for any text.
fn component_key(text: &str) -> String {
    let key = with_name_chars(text);
    if key.is_empty() { "_".into() } else { key }
}
