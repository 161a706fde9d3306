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
//!   ([`ProtobufSchema::self_contained_text`]): its own types, plus a copy of every message
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
//! `name` or key), edges from operations (3.x `send`/`receive`; 2.x see [`import`]), the
//! application from `info` unless the document lists `x-herald-applications`, and schema
//! versions from payloads (subject from `x-herald-subject`, else `<topic>-value` when the
//! message is the only one with a payload on its channel, else `<topic>-<event>`).
//! Cross-subject references are registered with the version numbers the document names,
//! so importing them into another registry needs those versions to exist there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::file::{
    CatalogFile, FileError, ReferenceEntry, SchemaEntry, SchemaVersionEntry, SourcedFile,
};
use super::model::{
    Application, Date, Domain, EdgeTarget, EntityKind, EntityName, Event, EventKind, Lifecycle,
    MAX_NAME_LEN, Metadata, Team, Topic, VersionRange, is_name_char, with_name_chars,
};
use super::snapshot::{EdgeRef, Role, Snapshot};
use super::{ApplyReport, Catalog, CatalogError};
use crate::registry::RegistryError;
use crate::schema::protobuf::ProtobufSchema;
use crate::schema::{Dependency, SchemaType};
use crate::storage::StoredSchema;

/// The AsyncAPI version exported.
pub const ASYNCAPI_VERSION: &str = "3.0.0";
/// `schemaFormat` of Avro payloads.
pub const AVRO_FORMAT: &str = "application/vnd.apache.avro+json;version=1.9.0";
/// `schemaFormat` of JSON Schema payloads.
pub const JSON_SCHEMA_FORMAT: &str = "application/schema+json;version=draft-07";
/// `schemaFormat` of Protobuf payloads (proto3; proto2 files say `version=2`).
pub const PROTOBUF_FORMAT: &str = "application/vnd.google.protobuf;version=3";
const PROTOBUF2_FORMAT: &str = "application/vnd.google.protobuf;version=2";
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";
/// How deep references of references are followed.
const MAX_REFERENCE_DEPTH: usize = 32;
/// How many `$ref`s in a row are followed before giving up (a loop).
const MAX_REF_CHAIN: usize = 32;

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
    /// document.
    pub async fn asyncapi(&self, application: Option<&EntityName>) -> Result<Value, CatalogError> {
        let snapshot = self.snapshot().await?;
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
            if let Some(schema) = self.exported_schema(&subject, range).await? {
                schemas.insert(subject, schema);
            }
        }
        Ok(document(&snapshot, application, &schemas))
    }

    /// Reads an AsyncAPI document ([`import`]) and applies it ([`Catalog::apply`]).
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
        let rows = self.registry.live_versions(subject).await?;
        let live: Vec<i32> = rows.iter().map(|r| r.version).collect();
        let Some(version) = range.select(&live).last().or(live.last()).copied() else {
            return Ok(None);
        };
        self.exported_version(subject, version, 0).await
    }

    async fn exported_version(
        &self,
        subject: &str,
        version: i32,
        depth: usize,
    ) -> Result<Option<ExportedSchema>, CatalogError> {
        let subject_name = crate::model::Subject::new(subject.to_owned());
        let spec = crate::model::VersionSpec::Number(version);
        let stored = match self.registry.version(&subject_name, spec, true).await {
            Ok(found) => found.schema,
            Err(RegistryError::SubjectNotFound(_) | RegistryError::VersionNotFound(_)) => {
                return Ok(None);
            }
            Err(other) => return Err(other.into()),
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

/// The subjects a document shows payloads of, each with the range of versions to pick
/// from (the latest of them is shown).
fn wanted_subjects(
    snapshot: &Snapshot,
    application: Option<&Application>,
) -> BTreeMap<String, VersionRange> {
    let scope = Scope::new(snapshot, application);
    let mut wanted: BTreeMap<String, VersionRange> = BTreeMap::new();
    for event in &scope.events {
        if let Some(subject) = snapshot.events.get(*event).and_then(|e| e.subject.clone()) {
            wanted.insert(subject, VersionRange::Latest);
        }
    }
    for topic in scope.topics.keys() {
        if let Some(subject) = scope.value_subject_message(topic) {
            wanted.insert(subject, VersionRange::Latest);
        }
    }
    if application.is_some() {
        for (subject, range) in wanted.iter_mut() {
            let mut ranges = scope
                .edges
                .iter()
                .filter(|edge| snapshot.edge_subjects(edge.target).contains(subject))
                .map(|edge| edge.target.versions);
            if let Some(first) = ranges.next()
                && ranges.all(|other| other == first)
            {
                *range = first;
            }
        }
    }
    wanted
}

/// What one document covers.
struct Scope<'a> {
    snapshot: &'a Snapshot,
    application: Option<&'a Application>,
    edges: Vec<EdgeRef<'a>>,
    /// Each topic shown, with the events listed on its channel.
    topics: BTreeMap<&'a EntityName, BTreeSet<&'a EntityName>>,
    /// Events without a topic that an edge names: each gets a channel of its own.
    unbound: BTreeSet<&'a EntityName>,
    /// Every event shown.
    events: BTreeSet<&'a EntityName>,
}

impl<'a> Scope<'a> {
    fn new(snapshot: &'a Snapshot, application: Option<&'a Application>) -> Self {
        let mut scope = Self {
            snapshot,
            application,
            edges: Vec::new(),
            topics: BTreeMap::new(),
            unbound: BTreeSet::new(),
            events: BTreeSet::new(),
        };
        match application {
            None => {
                scope.edges = snapshot.edges().collect();
                for topic in snapshot.topics.keys() {
                    scope.topics.insert(topic, BTreeSet::new());
                }
                for event in snapshot.events.values() {
                    scope.events.insert(&event.name);
                    if let Some(list) = event.topic.as_ref().and_then(|t| scope.topics.get_mut(t)) {
                        list.insert(&event.name);
                    }
                }
            }
            Some(application) => {
                scope.edges = snapshot
                    .edges()
                    .filter(|edge| edge.application.name == application.name)
                    .collect();
            }
        }
        let edges = scope.edges.clone();
        for edge in edges {
            let event = edge
                .target
                .event
                .as_ref()
                .and_then(|name| snapshot.events.get(name));
            let topic = snapshot
                .edge_topic(edge.target)
                .and_then(|name| snapshot.topics.get_key_value(name))
                .map(|(name, _)| name);
            match (topic, event) {
                (Some(topic), Some(event)) => {
                    scope.topics.entry(topic).or_default().insert(&event.name);
                    scope.events.insert(&event.name);
                }
                (Some(topic), None) => {
                    let on_topic = snapshot.events_on_topic(topic);
                    let listed = scope.topics.entry(topic).or_default();
                    for event in on_topic {
                        listed.insert(&event.name);
                        scope.events.insert(&event.name);
                    }
                }
                (None, Some(event)) => {
                    scope.unbound.insert(&event.name);
                    scope.events.insert(&event.name);
                }
                (None, None) => {}
            }
        }
        scope
    }

    /// The subject shown as the only message of a topic without events.
    fn value_subject_message(&self, topic: &EntityName) -> Option<String> {
        let listed = self.topics.get(topic)?;
        if !listed.is_empty() || !self.snapshot.events_on_topic(topic).is_empty() {
            return None;
        }
        self.snapshot.topics.get(topic)?.value_subject()
    }

    /// Domains and teams the document carries: all of them, or those what it shows names.
    fn domains_and_teams(&self) -> (Vec<&'a Domain>, Vec<&'a Team>) {
        let snapshot = self.snapshot;
        let Some(application) = self.application else {
            return (
                snapshot.domains.values().collect(),
                snapshot.teams.values().collect(),
            );
        };
        let mut domains: BTreeSet<&EntityName> = BTreeSet::new();
        let mut teams: BTreeSet<&EntityName> = BTreeSet::new();
        domains.extend(application.domain.as_ref());
        teams.extend(application.owner.as_ref());
        for topic in self.topics.keys().filter_map(|t| snapshot.topics.get(*t)) {
            domains.extend(topic.domain.as_ref());
            teams.extend(topic.owner.as_ref());
        }
        for event in self.events.iter().filter_map(|e| snapshot.events.get(*e)) {
            domains.extend(event.domain.as_ref());
            teams.extend(event.owner.as_ref());
        }
        let domains: Vec<&Domain> = domains
            .into_iter()
            .filter_map(|d| snapshot.domains.get(d))
            .collect();
        teams.extend(domains.iter().filter_map(|d| d.owner.as_ref()));
        let teams = teams
            .into_iter()
            .filter_map(|t| snapshot.teams.get(t))
            .collect();
        (domains, teams)
    }
}

/// The AsyncAPI 3.0.0 document of `snapshot` (or of what `application` produces and
/// consumes), with the payloads in `schemas` (by subject). Pure: [`Catalog::asyncapi`]
/// gathers the schemas.
pub fn document(
    snapshot: &Snapshot,
    application: Option<&Application>,
    schemas: &BTreeMap<String, ExportedSchema>,
) -> Value {
    let scope = Scope::new(snapshot, application);
    let mut out = Builder {
        schemas,
        components_schemas: Map::new(),
        placed: BTreeMap::new(),
        tags: BTreeSet::new(),
    };

    // Messages: events first (keys are event names), then subjects of eventless topics.
    let mut messages = Map::new();
    for event in scope.events.iter().filter_map(|e| snapshot.events.get(*e)) {
        let key = event.name.to_string();
        let message = out.event_message(event, &key);
        messages.insert(key, message);
    }
    let mut subject_messages: BTreeMap<&EntityName, String> = BTreeMap::new();
    for topic in scope.topics.keys() {
        if let Some(subject) = scope.value_subject_message(topic) {
            let key = unique_key(&messages, &component_key(&subject));
            let message = out.subject_message(&subject, &key);
            messages.insert(key.clone(), message);
            subject_messages.insert(topic, key);
        }
    }

    // Channels: topics, then one per unbound event an edge names.
    let mut channels = Map::new();
    let mut channel_messages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, listed) in &scope.topics {
        let Some(topic) = snapshot.topics.get(*name) else {
            continue;
        };
        let keys: Vec<String> = listed
            .iter()
            .map(ToString::to_string)
            .chain(subject_messages.get(name).cloned())
            .collect();
        let channel = out.topic_channel(topic, &keys);
        channel_messages.insert(topic.name.to_string(), keys);
        channels.insert(topic.name.to_string(), channel);
    }
    let mut unbound_channels: BTreeMap<&EntityName, String> = BTreeMap::new();
    for event in &scope.unbound {
        let key = unique_key(&channels, &format!("event.{event}"));
        let keys = vec![event.to_string()];
        let mut channel = Map::new();
        channel.insert("address".into(), Value::Null);
        channel.insert(
            "description".into(),
            format!("Event {event} has no topic; this channel stands for wherever it travels.")
                .into(),
        );
        channel.insert("messages".into(), message_refs(&keys));
        channel.insert("x-herald-unbound".into(), true.into());
        channel_messages.insert(key.clone(), keys);
        channels.insert(key.clone(), channel.into());
        unbound_channels.insert(event, key);
    }

    // Operations: one per edge.
    let mut operations = Map::new();
    for edge in &scope.edges {
        let target = edge.target;
        let channel = match snapshot.edge_topic(target) {
            Some(topic) if channels.contains_key(topic.as_str()) => topic.to_string(),
            _ => match target.event.as_ref().and_then(|e| unbound_channels.get(e)) {
                Some(key) => key.clone(),
                None => continue,
            },
        };
        let on_channel = channel_messages.get(&channel).cloned().unwrap_or_default();
        let listed: Vec<String> = match &target.event {
            Some(event) => on_channel
                .into_iter()
                .filter(|key| key == event.as_str())
                .collect(),
            None => on_channel,
        };
        let application = &edge.application.name;
        let role = edge.role.as_str();
        let id = match (&target.topic, &target.event) {
            (Some(topic), Some(event)) => format!("{application}.{role}.{topic}.{event}"),
            (Some(topic), None) => format!("{application}.{role}.{topic}"),
            (None, Some(event)) => format!("{application}.{role}.{event}"),
            (None, None) => format!("{application}.{role}"),
        };
        let id = unique_key(&operations, &id);
        let mut operation = Map::new();
        let action = match edge.role {
            Role::Produces => "send",
            Role::Consumes => "receive",
        };
        operation.insert("action".into(), action.into());
        operation.insert(
            "channel".into(),
            json!({ "$ref": format!("#/channels/{channel}") }),
        );
        let what = target
            .event
            .as_ref()
            .or(target.topic.as_ref())
            .map(ToString::to_string)
            .unwrap_or_default();
        operation.insert(
            "summary".into(),
            format!("{application} {role} {what}").into(),
        );
        if !listed.is_empty() {
            let refs: Vec<Value> = listed
                .iter()
                .map(|key| json!({ "$ref": format!("#/channels/{channel}/messages/{key}") }))
                .collect();
            operation.insert("messages".into(), refs.into());
        }
        operation.insert("x-herald-application".into(), application.as_str().into());
        operation.insert(
            "x-herald-versions".into(),
            target.versions.to_string().into(),
        );
        operation.insert("x-herald-edge".into(), to_json(target));
        operations.insert(id, operation.into());
    }

    let info = out.info(snapshot, &scope);
    let mut components = Map::new();
    if !messages.is_empty() {
        components.insert("messages".into(), messages.into());
    }
    if !out.components_schemas.is_empty() {
        components.insert(
            "schemas".into(),
            std::mem::take(&mut out.components_schemas).into(),
        );
    }
    if !out.tags.is_empty() {
        let mut tags = Map::new();
        for tag in &out.tags {
            let key = unique_key(&tags, &component_key(tag));
            tags.insert(key, json!({ "name": tag }));
        }
        components.insert("tags".into(), tags.into());
    }

    let mut root = Map::new();
    root.insert("asyncapi".into(), ASYNCAPI_VERSION.into());
    root.insert("info".into(), info);
    root.insert("channels".into(), channels.into());
    root.insert("operations".into(), operations.into());
    root.insert("components".into(), components.into());
    root.into()
}

/// Builds the parts of one document, collecting tags and referenced schemas on the way.
struct Builder<'s> {
    schemas: &'s BTreeMap<String, ExportedSchema>,
    /// `components.schemas`: versions referenced by payloads.
    components_schemas: Map<String, Value>,
    /// Where each referenced (subject, version) was placed.
    placed: BTreeMap<(String, i32), String>,
    tags: BTreeSet<String>,
}

impl Builder<'_> {
    fn info(&mut self, snapshot: &Snapshot, scope: &Scope<'_>) -> Value {
        let mut info = Map::new();
        let (domains, teams) = scope.domains_and_teams();
        match scope.application {
            None => {
                info.insert("title".into(), "Event catalog".into());
                info.insert("version".into(), snapshot.revision.to_string().into());
                info.insert(
                    "description".into(),
                    "Every topic, event and application of the Herald event catalog.".into(),
                );
                info.insert("x-herald-export".into(), "catalog".into());
            }
            Some(application) => {
                let title = application
                    .title
                    .clone()
                    .unwrap_or_else(|| application.name.to_string());
                info.insert("title".into(), title.into());
                info.insert("version".into(), snapshot.revision.to_string().into());
                if let Some(description) = &application.description {
                    info.insert("description".into(), description.as_str().into());
                }
                if let Some(contact) = application
                    .owner
                    .as_ref()
                    .and_then(|owner| snapshot.teams.get(owner))
                    .and_then(contact)
                {
                    info.insert("contact".into(), contact);
                }
                if let Some(tags) = self.tag_list(&application.tags) {
                    info.insert("tags".into(), tags);
                }
                info.insert("x-herald-export".into(), "application".into());
                info.insert(
                    "x-herald-application".into(),
                    application.name.as_str().into(),
                );
                optional(&mut info, "x-herald-domain", application.domain.as_ref());
                optional(&mut info, "x-herald-owner", application.owner.as_ref());
                optional(
                    &mut info,
                    "x-herald-repository",
                    application.repository.as_ref(),
                );
                if !application.lifecycle.is_default() {
                    info.insert(
                        "x-herald-lifecycle".into(),
                        application.lifecycle.as_str().into(),
                    );
                }
                metadata(&mut info, &application.metadata);
            }
        }
        // Tags of what only travels in extensions are tags of the document too.
        let extension_tags = domains
            .iter()
            .flat_map(|d| &d.tags)
            .chain(teams.iter().flat_map(|t| &t.tags));
        self.tags.extend(extension_tags.cloned());
        if scope.application.is_none() {
            let application_tags = snapshot.applications.values().flat_map(|a| &a.tags);
            self.tags.extend(application_tags.cloned());
        }
        if !domains.is_empty() {
            info.insert(
                "x-herald-domains".into(),
                domains.into_iter().map(to_json).collect(),
            );
        }
        if !teams.is_empty() {
            info.insert(
                "x-herald-teams".into(),
                teams.into_iter().map(to_json).collect(),
            );
        }
        if scope.application.is_none() {
            let applications: Vec<Value> = snapshot
                .applications
                .values()
                .map(|application| {
                    to_json(&Application {
                        produces: Vec::new(),
                        consumes: Vec::new(),
                        ..application.clone()
                    })
                })
                .collect();
            info.insert("x-herald-applications".into(), applications.into());
        }
        info.into()
    }

    fn topic_channel(&mut self, topic: &Topic, message_keys: &[String]) -> Value {
        let mut channel = Map::new();
        channel.insert("address".into(), topic.name.as_str().into());
        optional(&mut channel, "title", topic.title.as_ref());
        optional(&mut channel, "description", topic.description.as_ref());
        if !message_keys.is_empty() {
            channel.insert("messages".into(), message_refs(message_keys));
        }
        if let Some(tags) = self.tag_list(&topic.tags) {
            channel.insert("tags".into(), tags);
        }
        optional(&mut channel, "x-herald-domain", topic.domain.as_ref());
        optional(&mut channel, "x-herald-owner", topic.owner.as_ref());
        if !topic.subject_strategy.is_default() {
            channel.insert(
                "x-herald-subject-strategy".into(),
                topic.subject_strategy.as_str().into(),
            );
        }
        optional(
            &mut channel,
            "x-herald-key-subject",
            topic.key_subject.as_ref(),
        );
        optional(
            &mut channel,
            "x-herald-value-subject",
            topic.value_subject.as_ref(),
        );
        metadata(&mut channel, &topic.metadata);
        channel.into()
    }

    fn event_message(&mut self, event: &Event, key: &str) -> Value {
        let mut message = Map::new();
        message.insert("name".into(), event.name.as_str().into());
        optional(&mut message, "title", event.title.as_ref());
        optional(&mut message, "description", event.description.as_ref());
        if let Some(tags) = self.tag_list(&event.tags) {
            message.insert("tags".into(), tags);
        }
        if matches!(event.lifecycle, Lifecycle::Deprecated | Lifecycle::Retired) {
            message.insert("deprecated".into(), true.into());
        }
        let schema = event.subject.as_ref().and_then(|s| self.schemas.get(s));
        if let Some(schema) = schema {
            let payload = self.payload(schema, &format!("/components/messages/{key}/payload"));
            message.insert("payload".into(), payload);
        }
        message.insert("x-herald-event".into(), event.name.as_str().into());
        message.insert("x-herald-event-kind".into(), event.kind.as_str().into());
        message.insert("x-herald-lifecycle".into(), event.lifecycle.as_str().into());
        optional(
            &mut message,
            "x-herald-sunset",
            event.sunset.as_ref().map(Date::as_str),
        );
        optional(
            &mut message,
            "x-herald-replaced-by",
            event.replaced_by.as_ref(),
        );
        optional(&mut message, "x-herald-topic", event.topic.as_ref());
        optional(&mut message, "x-herald-domain", event.domain.as_ref());
        optional(&mut message, "x-herald-owner", event.owner.as_ref());
        metadata(&mut message, &event.metadata);
        optional(&mut message, "x-herald-subject", event.subject.as_ref());
        if let Some(schema) = schema {
            message.insert("x-herald-version".into(), schema.version.into());
            message.insert("x-herald-schema-id".into(), schema.id.into());
        }
        message.into()
    }

    fn subject_message(&mut self, subject: &str, key: &str) -> Value {
        let mut message = Map::new();
        message.insert("name".into(), subject.into());
        message.insert(
            "description".into(),
            format!("The value schema of the topic (subject {subject}).").into(),
        );
        let schema = self.schemas.get(subject);
        if let Some(schema) = schema {
            let payload = self.payload(schema, &format!("/components/messages/{key}/payload"));
            message.insert("payload".into(), payload);
        }
        message.insert("x-herald-subject".into(), subject.into());
        if let Some(schema) = schema {
            message.insert("x-herald-version".into(), schema.version.into());
            message.insert("x-herald-schema-id".into(), schema.id.into());
        }
        message.into()
    }

    /// A Multi Format Schema Object placed at `location` (a JSON pointer).
    fn payload(&mut self, schema: &ExportedSchema, location: &str) -> Value {
        let targets: Vec<(String, String)> = schema
            .references
            .iter()
            .map(|reference| {
                let key = self.place(&reference.schema);
                (
                    reference.name.clone(),
                    format!("/components/schemas/{key}/schema"),
                )
            })
            .collect();
        let (format, body, rewritten) = match schema.schema_type {
            SchemaType::Avro => {
                let text = schema.resolved.as_deref().unwrap_or(&schema.text);
                let body = serde_json::from_str(text).unwrap_or_else(|_| text.into());
                (AVRO_FORMAT, body, text != schema.text)
            }
            SchemaType::Json => {
                let mut body: Value = serde_json::from_str(&schema.text)
                    .unwrap_or_else(|_| schema.text.clone().into());
                let relocated = relocate_refs(&mut body, &format!("{location}/schema"), &targets);
                let converted = draft_07(&mut body);
                (JSON_SCHEMA_FORMAT, body, relocated || converted)
            }
            SchemaType::Protobuf => {
                let format = if is_proto2(&schema.text) {
                    PROTOBUF2_FORMAT
                } else {
                    PROTOBUF_FORMAT
                };
                let body = protobuf_payload(schema);
                let rewritten = body != schema.text;
                (format, body.into(), rewritten)
            }
        };
        let mut payload = Map::new();
        payload.insert("schemaFormat".into(), format.into());
        payload.insert("schema".into(), body);
        if rewritten || !schema.references.is_empty() {
            payload.insert("x-herald-schema-text".into(), schema.text.as_str().into());
        }
        if !schema.references.is_empty() {
            let references: Vec<Value> = schema
                .references
                .iter()
                .map(|r| {
                    json!({"name": r.name, "subject": r.schema.subject, "version": r.schema.version})
                })
                .collect();
            payload.insert("x-herald-references".into(), references.into());
        }
        payload.into()
    }

    /// Puts a referenced version in `components.schemas` (once); its key.
    fn place(&mut self, schema: &ExportedSchema) -> String {
        let id = (schema.subject.clone(), schema.version);
        if let Some(key) = self.placed.get(&id) {
            return key.clone();
        }
        let key = unique_key(
            &self.components_schemas,
            &component_key(&format!("{}.v{}", schema.subject, schema.version)),
        );
        self.placed.insert(id, key.clone());
        // Reserve the key before placing what this one references (cycles end here).
        self.components_schemas.insert(key.clone(), Value::Null);
        let payload = self.payload(schema, &format!("/components/schemas/{key}"));
        let mut entry = match payload {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        entry.insert("x-herald-subject".into(), schema.subject.as_str().into());
        entry.insert("x-herald-version".into(), schema.version.into());
        entry.insert("x-herald-schema-id".into(), schema.id.into());
        self.components_schemas.insert(key.clone(), entry.into());
        key
    }

    /// Tag objects (each tag once), remembered for `components.tags`.
    fn tag_list(&mut self, tags: &[String]) -> Option<Value> {
        let mut seen = BTreeSet::new();
        let list: Vec<Value> = tags
            .iter()
            .filter(|tag| seen.insert(tag.as_str()))
            .map(|tag| {
                self.tags.insert(tag.clone());
                json!({ "name": tag })
            })
            .collect();
        (!list.is_empty()).then(|| list.into())
    }
}

/// `info.contact` from a team, when it has an email or a URL AsyncAPI accepts.
fn contact(team: &Team) -> Option<Value> {
    let email = team.email.as_ref().filter(|e| looks_like_email(e));
    let url = team.url.as_ref().filter(|u| looks_like_uri(u));
    if email.is_none() && url.is_none() {
        return None;
    }
    let mut contact = Map::new();
    let name = team.title.clone().unwrap_or_else(|| team.name.to_string());
    contact.insert("name".into(), name.into());
    optional(&mut contact, "email", email);
    optional(&mut contact, "url", url);
    Some(contact.into())
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

/// An absolute URI (`scheme:rest`), as the `uri` format wants.
fn looks_like_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn message_refs(keys: &[String]) -> Value {
    let mut refs = Map::new();
    for key in keys {
        refs.insert(
            key.clone(),
            json!({ "$ref": format!("#/components/messages/{key}") }),
        );
    }
    refs.into()
}

fn optional(map: &mut Map<String, Value>, key: &str, value: Option<impl ToString>) {
    if let Some(value) = value {
        map.insert(key.into(), value.to_string().into());
    }
}

fn metadata(map: &mut Map<String, Value>, metadata: &Metadata) {
    if !metadata.is_empty() {
        map.insert("x-herald-metadata".into(), to_json(metadata));
    }
}

fn to_json(value: impl serde::Serialize) -> Value {
    // Plain structs of strings, lists and maps always serialise.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A components key (`[A-Za-z0-9._-]+`) for any text.
fn component_key(text: &str) -> String {
    let key = with_name_chars(text);
    if key.is_empty() { "_".into() } else { key }
}

/// `base`, or `base-2`, `base-3`... whichever `map` does not hold yet.
fn unique_key(map: &Map<String, Value>, base: &str) -> String {
    if !map.contains_key(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|key| !map.contains_key(key))
        .unwrap_or_else(|| base.to_owned())
}

/// Rewrites the `$ref`s of a JSON Schema placed at `location` (a JSON pointer) so they
/// resolve in the document: `#...` to `#<location>...`, a reference's name (or a path
/// ending in it) to the pointer in `targets`. Whether anything changed.
fn relocate_refs(value: &mut Value, location: &str, targets: &[(String, String)]) -> bool {
    let mut changed = false;
    visit_refs(value, &mut |reference| {
        let (base, fragment) = match reference.split_once('#') {
            Some((base, fragment)) => (base, Some(fragment)),
            None => (reference.as_str(), None),
        };
        let fragment_path = fragment.unwrap_or("");
        let rewritten = if base.is_empty() {
            // Only JSON-pointer fragments can move; `#anchor` stays.
            (fragment_path.is_empty() || fragment_path.starts_with('/'))
                .then(|| format!("#{location}{fragment_path}"))
        } else {
            targets
                .iter()
                .find(|(name, _)| {
                    name == base
                        || base.ends_with(&format!("/{name}"))
                        || name.ends_with(&format!("/{base}"))
                })
                .map(|(_, pointer)| format!("#{pointer}{fragment_path}"))
        };
        if let Some(rewritten) = rewritten {
            *reference = rewritten;
            changed = true;
        }
    });
    changed
}

/// Calls `f` on every `"$ref": "<string>"` (the AsyncAPI parser resolves them all, not only
/// those in schema positions).
fn visit_refs(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(reference) if key == "$ref" => f(reference),
                    other => visit_refs(other, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| visit_refs(item, f)),
        _ => {}
    }
}

/// Draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` as draft-07 numbers (the
/// payload is declared draft-07, and the AsyncAPI parser checks it as such); `$schema`
/// then says draft-07. Whether anything changed.
fn draft_07(schema: &mut Value) -> bool {
    let mut changed = false;
    visit_schemas(schema, &mut |object| {
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            let Some(Value::Bool(on)) = object.get(exclusive).cloned() else {
                continue;
            };
            object.remove(exclusive);
            if on && let Some(limit) = object.remove(bound) {
                object.insert(exclusive.into(), limit);
            }
            changed = true;
        }
    });
    if changed
        && let Some(Value::String(meta)) = schema.get_mut("$schema")
        && meta.contains("draft-04")
    {
        *meta = DRAFT_07.into();
    }
    changed
}

/// Calls `f` on every schema object of a JSON Schema (not on `enum`, `const`, `default` or
/// `examples` data).
fn visit_schemas(schema: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(object) = schema else {
        return;
    };
    f(object);
    for (key, child) in object.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas" => {
                if let Value::Object(map) = child {
                    map.values_mut().for_each(|s| visit_schemas(s, f));
                }
            }
            "dependencies" => {
                if let Value::Object(map) = child {
                    map.values_mut().for_each(|s| visit_schemas(s, f));
                }
            }
            "items" | "allOf" | "anyOf" | "oneOf" | "prefixItems" => match child {
                Value::Array(list) => list.iter_mut().for_each(|s| visit_schemas(s, f)),
                other => visit_schemas(other, f),
            },
            "additionalItems"
            | "additionalProperties"
            | "contains"
            | "not"
            | "if"
            | "then"
            | "else"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties" => visit_schemas(child, f),
            _ => {}
        }
    }
}

fn is_proto2(text: &str) -> bool {
    let declared = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("syntax") || line.starts_with("edition"));
    match declared {
        Some(line) => line.starts_with("syntax") && line.contains("proto2"),
        // No syntax statement means proto2.
        None => true,
    }
}

/// Whether the official protobuf schema parser loads `import` itself: protobuf.js bundles
/// these `google/protobuf` files (not `descriptor.proto`, `api.proto`, `type.proto` or
/// `source_context.proto`), and the parser these `google/type` files.
fn parser_loads(import: &str) -> bool {
    const GOOGLE_PROTOBUF: [&str; 7] = [
        "any",
        "duration",
        "empty",
        "field_mask",
        "struct",
        "timestamp",
        "wrappers",
    ];
    const GOOGLE_TYPE: [&str; 17] = [
        "calendar_period",
        "color",
        "date",
        "datetime",
        "dayofweek",
        "decimal",
        "expr",
        "fraction",
        "interval",
        "latlng",
        "localized_text",
        "money",
        "month",
        "phone_number",
        "postal_address",
        "quaternion",
        "timeofday",
    ];
    let Some(stem) = import.strip_suffix(".proto") else {
        return false;
    };
    if let Some(name) = stem.strip_prefix("google/protobuf/") {
        GOOGLE_PROTOBUF.contains(&name)
    } else if let Some(name) = stem.strip_prefix("google/type/") {
        GOOGLE_TYPE.contains(&name)
    } else {
        false
    }
}

/// The `.proto` text of a Protobuf payload: the registered text, or when it imports what
/// the official parser cannot load, the self-contained text; the root marked either way.
fn protobuf_payload(schema: &ExportedSchema) -> String {
    let imports_beyond = schema.text.lines().any(|line| {
        line.strip_prefix("import ")
            .map(|rest| {
                rest.trim_start_matches("public ")
                    .trim_start_matches("weak ")
            })
            .and_then(|rest| rest.trim().strip_prefix('"'))
            .and_then(|rest| rest.split('"').next())
            .is_some_and(|import| !parser_loads(import))
    });
    let flattened = if imports_beyond {
        ProtobufSchema::parse(&schema.text, &protobuf_dependencies(schema))
            .ok()
            .filter(|parsed| parsed.imports_beyond(parser_loads))
            .map(|parsed| parsed.self_contained_text(parser_loads))
    } else {
        None
    };
    let text = match flattened {
        Some(text) => mark_root_message(&text, true).unwrap_or(text),
        None => mark_root_message(&schema.text, false).unwrap_or_else(|| schema.text.clone()),
    };
    if text.lines().any(|line| line.starts_with("message ")) {
        return text;
    }
    // A file of enums only (a referenced version, say): the parser refuses a file without
    // a message, so one that says what it is closes the text.
    let mut name = String::from("HeraldNoMessage");
    while text.contains(&name) {
        name.push('_');
    }
    let separator = if text.ends_with('\n') { "\n" } else { "\n\n" };
    format!(
        "{text}{separator}// @RootNode\n// Not part of the schema: this file declares no message.\nmessage {name} {{}}\n"
    )
}

/// What a Protobuf schema imports, dependencies first (each import path once).
fn protobuf_dependencies(schema: &ExportedSchema) -> Vec<Dependency> {
    fn walk(schema: &ExportedSchema, seen: &mut BTreeSet<String>, out: &mut Vec<Dependency>) {
        for reference in &schema.references {
            if seen.insert(reference.name.clone()) {
                walk(&reference.schema, seen, out);
                out.push(Dependency {
                    name: reference.name.clone(),
                    text: reference.schema.text.clone(),
                });
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, &mut BTreeSet::new(), &mut out);
    out
}

/// With several top-level messages (with `nested`, several messages at any depth) and no
/// `@RootNode` mark, the text with the first top-level message marked (the official
/// protobuf schema parser needs a single root).
fn mark_root_message(text: &str, nested: bool) -> Option<String> {
    let declares = |line: &str| line.starts_with("message ");
    let top_level: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| declares(line))
        .map(|(index, _)| index)
        .collect();
    let several = if nested {
        text.lines()
            .filter(|line| declares(line.trim_start()))
            .count()
            > 1
    } else {
        top_level.len() > 1
    };
    if !several || text.contains("@RootNode") {
        return None;
    }
    let first = top_level.first().copied()?;
    let mut marked = String::with_capacity(text.len() + 16);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index == first {
            marked.push_str("// @RootNode\n");
        }
        marked.push_str(line);
    }
    Some(marked)
}

// ------------------------------------------------------------------------------- import

/// Reads an AsyncAPI 2.0-2.6 or 3.0-3.1 document as a catalog file (pure). Errors name
/// `source_name`, the JSON pointer and the entity.
///
/// In 2.x, a channel's operations speak for the *other* side: `subscribe` describes the
/// messages clients can subscribe to, i.e. what the application sends (it produces), and
/// `publish` the messages clients publish to it, i.e. what it receives (it consumes).
/// 3.x speaks for the application: `send` produces, `receive` consumes.
pub fn import(document: &Value, source_name: &str) -> Result<ImportedCatalog, CatalogError> {
    Reader::new(document, source_name)?.read()
}

/// A message found in the document.
struct FoundMessage<'a> {
    /// Where it is (after `$ref`s).
    pointer: String,
    value: &'a Map<String, Value>,
    /// Its key in `components.messages` or a channel's `messages`.
    key: Option<String>,
    /// The event it is (not every message of a Herald document is one).
    event: Option<EntityName>,
    /// Topics of the channels listing it, in document order.
    topics: Vec<EntityName>,
}

/// A channel found in the document.
struct FoundChannel {
    /// `/channels/<key>`: what operations `$ref`.
    pointer: String,
    topic: Option<EntityName>,
    /// Indexes of its messages.
    messages: Vec<usize>,
}

/// An operation, read once channels and messages are known.
struct FoundOperation<'a> {
    pointer: String,
    value: &'a Map<String, Value>,
    role: Role,
    channel: usize,
    /// The messages it names (`None`: all of the channel's).
    listed: Option<Vec<usize>>,
}

/// A message payload: the schema, its format and where Herald's notes about it are.
struct Payload<'a> {
    /// The Multi Format Schema Object (3.x) or the message (2.x).
    holder: &'a Map<String, Value>,
    format: Option<String>,
    schema: &'a Value,
    /// Where the schema is.
    pointer: String,
}

/// Versions of one subject, with the version numbers they had where they came from.
type HintedVersions = Vec<(Option<i64>, SchemaVersionEntry)>;

/// One schema version to register.
struct Collected {
    subject: String,
    schema_type: SchemaType,
    /// The version it had where it came from (orders versions of one subject).
    version_hint: Option<i64>,
    entry: SchemaVersionEntry,
}

struct Reader<'a> {
    doc: &'a Value,
    source: &'a str,
    asyncapi: String,
    major: u64,
    /// Written by Herald: only messages with `x-herald-event` are events.
    herald: bool,
    /// The application `info` describes (not in whole-catalog exports).
    info_application: Option<EntityName>,
    messages: Vec<FoundMessage<'a>>,
    channels: Vec<FoundChannel>,
}

impl<'a> Reader<'a> {
    fn new(doc: &'a Value, source: &'a str) -> Result<Self, CatalogError> {
        let fail = |message: String| syntax(source, "/asyncapi", &message);
        let Value::Object(root) = doc else {
            return Err(syntax(source, "", "an AsyncAPI document is an object"));
        };
        let asyncapi = match root.get("asyncapi") {
            Some(Value::String(version)) => version.clone(),
            Some(other) => return Err(fail(format!("expected a version string, found {other}"))),
            None => return Err(fail("missing: not an AsyncAPI document".into())),
        };
        let mut parts = asyncapi.split(['.', '-', '+']).map(str::parse::<u64>);
        let (major, minor) = match (parts.next(), parts.next()) {
            (Some(Ok(major)), Some(Ok(minor))) => (major, minor),
            _ => return Err(fail(format!("{asyncapi:?} is not a version"))),
        };
        if !matches!((major, minor), (2, 0..=6) | (3, 0..=1)) {
            return Err(fail(format!(
                "AsyncAPI {asyncapi} is not supported (2.0 to 2.6, 3.0 and 3.1 are)"
            )));
        }
        Ok(Self {
            doc,
            source,
            asyncapi,
            major,
            herald: doc.pointer("/info/x-herald-export").is_some(),
            info_application: None,
            messages: Vec::new(),
            channels: Vec::new(),
        })
    }

    fn error(&self, pointer: &str, message: impl Display) -> CatalogError {
        syntax(self.source, pointer, &message.to_string())
    }

    fn read(mut self) -> Result<ImportedCatalog, CatalogError> {
        let info = self.object_at("/info")?;
        let domains: Vec<Domain> = self.list_of(info, "/info", "x-herald-domains")?;
        let teams: Vec<Team> = self.list_of(info, "/info", "x-herald-teams")?;
        // A whole-catalog export lists its applications; otherwise `info` is one.
        let catalog_scope = info.contains_key("x-herald-applications");
        let mut applications: Vec<Application> =
            self.list_of(info, "/info", "x-herald-applications")?;
        if !catalog_scope {
            let application = self.info_application(info)?;
            self.info_application = Some(application.name.clone());
            applications.push(application);
        }

        let mut topics = Vec::new();
        let mut operations = if self.major == 2 {
            self.read_channels_v2(&mut topics)?
        } else {
            self.read_channels_v3(&mut topics)?;
            Vec::new()
        };
        self.read_component_messages()?;
        self.name_events()?;
        if self.major >= 3 {
            operations = self.read_operations_v3()?;
        }

        // Edges go to their applications, in document order.
        for operation in &operations {
            let name = self.operation_application(operation)?;
            let targets = self.edge_targets(operation)?;
            let index = match applications.iter().position(|a| a.name == name) {
                Some(index) => index,
                None => {
                    applications.push(bare_application(name));
                    applications.len() - 1
                }
            };
            if let Some(application) = applications.get_mut(index) {
                let edges = match operation.role {
                    Role::Produces => &mut application.produces,
                    Role::Consumes => &mut application.consumes,
                };
                edges.extend(targets);
            }
        }

        let subjects = self.message_subjects()?;
        let events = self.events(&subjects)?;
        let schemas = self.schemas(&subjects)?;
        Ok(ImportedCatalog {
            asyncapi: self.asyncapi.clone(),
            file: CatalogFile {
                prune: false,
                domains,
                teams,
                applications,
                topics,
                events,
                schemas,
            },
        })
    }

    // ---- values

    fn object_at(&self, pointer: &str) -> Result<&'a Map<String, Value>, CatalogError> {
        match self.doc.pointer(pointer) {
            Some(Value::Object(map)) => Ok(map),
            Some(_) => Err(self.error(pointer, "expected an object")),
            None => Err(self.error(pointer, "missing")),
        }
    }

    /// Follows `$ref`s from `value` (at `pointer`): what they lead to, and where it is.
    fn deref(&self, value: &'a Value, pointer: &str) -> Result<(&'a Value, String), CatalogError> {
        let mut current = value;
        let mut at = pointer.to_owned();
        for _ in 0..MAX_REF_CHAIN {
            let Some(reference) = current.get("$ref") else {
                return Ok((current, at));
            };
            let Some(reference) = reference.as_str() else {
                return Err(self.error(&at, "$ref must be a string"));
            };
            let target = self.ref_pointer(reference, &at)?;
            current = self
                .doc
                .pointer(&target)
                .ok_or_else(|| self.error(&at, format!("$ref {reference:?} points at nothing")))?;
            at = target;
        }
        Err(self.error(pointer, "$ref chain too long (a loop?)"))
    }

    /// The JSON pointer of a `$ref` within the document (`#/...`).
    fn ref_pointer(&self, reference: &str, at: &str) -> Result<String, CatalogError> {
        match reference.strip_prefix('#') {
            Some(fragment) if fragment.is_empty() || fragment.starts_with('/') => {
                Ok(percent_decode(fragment))
            }
            _ => Err(self.error(
                at,
                format!("$ref {reference:?}: only references within the document are read"),
            )),
        }
    }

    fn object(
        &self,
        value: &'a Value,
        pointer: &str,
    ) -> Result<(&'a Map<String, Value>, String), CatalogError> {
        let (value, at) = self.deref(value, pointer)?;
        match value {
            Value::Object(map) => Ok((map, at)),
            _ => Err(self.error(&at, "expected an object")),
        }
    }

    fn field<T: DeserializeOwned>(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Result<Option<T>, CatalogError> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| self.error(&child(pointer, key), e)),
        }
    }

    fn list_of<T: DeserializeOwned>(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Result<Vec<T>, CatalogError> {
        let at = child(pointer, key);
        match map.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    serde_json::from_value(item.clone())
                        .map_err(|e| self.error(&child(&at, &index.to_string()), e))
                })
                .collect(),
            Some(_) => Err(self.error(&at, "expected a list")),
        }
    }

    fn text(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Result<Option<String>, CatalogError> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.error(&child(pointer, key), "expected a string")),
        }
    }

    fn name(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Result<Option<EntityName>, CatalogError> {
        self.text(map, pointer, key)?
            .map(|text| EntityName::parse(&text).map_err(|e| self.error(&child(pointer, key), e)))
            .transpose()
    }

    /// Tag names (`tags: [{name}]`; tags may be `$ref`s).
    fn tags(
        &self,
        map: &'a Map<String, Value>,
        pointer: &str,
    ) -> Result<Vec<String>, CatalogError> {
        let at = child(pointer, "tags");
        let items = match map.get("tags") {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(self.error(&at, "expected a list")),
        };
        let mut tags = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let (tag, tag_at) = self.object(item, &child(&at, &index.to_string()))?;
            match self.text(tag, &tag_at, "name")? {
                Some(name) => tags.push(name),
                None => return Err(self.error(&tag_at, "a tag needs a name")),
            }
        }
        Ok(tags)
    }

    // ---- info

    fn info_application(&self, info: &'a Map<String, Value>) -> Result<Application, CatalogError> {
        let title = self.text(info, "/info", "title")?;
        let name = match self.name(info, "/info", "x-herald-application")? {
            Some(name) => name,
            None => title
                .as_deref()
                .and_then(|t| slug(t, true))
                .ok_or_else(|| {
                    self.error(
                        "/info/title",
                        "gives no application name; set info.x-herald-application",
                    )
                })?,
        };
        Ok(Application {
            title: title.filter(|t| t != name.as_str()),
            description: self.text(info, "/info", "description")?,
            domain: self.name(info, "/info", "x-herald-domain")?,
            owner: self.name(info, "/info", "x-herald-owner")?,
            repository: self.text(info, "/info", "x-herald-repository")?,
            lifecycle: self
                .field(info, "/info", "x-herald-lifecycle")?
                .unwrap_or_default(),
            tags: self.tags(info, "/info")?,
            metadata: self
                .field(info, "/info", "x-herald-metadata")?
                .unwrap_or_default(),
            ..bare_application(name)
        })
    }

    // ---- channels and messages

    /// The index of the message `value` (at `pointer`, after `$ref`s), added when new.
    fn message(
        &mut self,
        value: &'a Value,
        pointer: &str,
        key: Option<&str>,
    ) -> Result<usize, CatalogError> {
        let (map, at) = self.object(value, pointer)?;
        if let Some(index) = self.messages.iter().position(|m| m.pointer == at) {
            return Ok(index);
        }
        // A message in components.messages is known by its key there.
        let key = at
            .strip_prefix("/components/messages/")
            .filter(|k| !k.contains('/'))
            .map(unescape)
            .or_else(|| key.map(str::to_owned));
        self.messages.push(FoundMessage {
            pointer: at,
            value: map,
            key,
            event: None,
            topics: Vec::new(),
        });
        Ok(self.messages.len() - 1)
    }

    fn list_on_channel(&mut self, message: usize, channel: usize) {
        let Some(found) = self.channels.get_mut(channel) else {
            return;
        };
        if found.messages.contains(&message) {
            return;
        }
        found.messages.push(message);
        let topic = found.topic.clone();
        if let (Some(topic), Some(message)) = (topic, self.messages.get_mut(message))
            && !message.topics.contains(&topic)
        {
            message.topics.push(topic);
        }
    }

    fn topic(
        &self,
        channel: &'a Map<String, Value>,
        pointer: &str,
        name: EntityName,
    ) -> Result<Topic, CatalogError> {
        Ok(Topic {
            name,
            title: self.text(channel, pointer, "title")?,
            description: self.text(channel, pointer, "description")?,
            domain: self.name(channel, pointer, "x-herald-domain")?,
            owner: self.name(channel, pointer, "x-herald-owner")?,
            subject_strategy: self
                .field(channel, pointer, "x-herald-subject-strategy")?
                .unwrap_or_default(),
            key_subject: self.text(channel, pointer, "x-herald-key-subject")?,
            value_subject: self.text(channel, pointer, "x-herald-value-subject")?,
            tags: self.tags(channel, pointer)?,
            metadata: self
                .field(channel, pointer, "x-herald-metadata")?
                .unwrap_or_default(),
        })
    }

    fn add_topic(
        &self,
        topics: &mut Vec<Topic>,
        channel: &'a Map<String, Value>,
        at: &str,
        name: EntityName,
    ) -> Result<(), CatalogError> {
        if topics.iter().any(|t| t.name == name) {
            return Err(self.error(
                at,
                format!("topic {name}: a second channel has its address"),
            ));
        }
        topics.push(self.topic(channel, at, name)?);
        Ok(())
    }

    fn channels_map(&self) -> Result<Option<&'a Map<String, Value>>, CatalogError> {
        match self.doc.get("channels") {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(self.error("/channels", "expected an object")),
        }
    }

    fn read_channels_v3(&mut self, topics: &mut Vec<Topic>) -> Result<(), CatalogError> {
        let Some(channels) = self.channels_map()? else {
            return Ok(());
        };
        for (key, value) in channels {
            let pointer = child("/channels", key);
            let (channel, at) = self.object(value, &pointer)?;
            let unbound = channel.get("x-herald-unbound") == Some(&Value::Bool(true));
            let topic = if unbound {
                None
            } else {
                let address_at = child(&at, "address");
                let address = match channel.get("address") {
                    Some(Value::String(address)) => address.clone(),
                    None => key.clone(),
                    Some(Value::Null) => {
                        return Err(self.error(
                            &address_at,
                            format!("channel {key}: an unknown (null) address names no topic"),
                        ));
                    }
                    Some(_) => return Err(self.error(&address_at, "expected a string")),
                };
                let name = EntityName::parse(&address)
                    .map_err(|e| self.error(&address_at, format!("channel {key}: topic {e}")))?;
                self.add_topic(topics, channel, &at, name.clone())?;
                Some(name)
            };
            self.channels.push(FoundChannel {
                pointer,
                topic,
                messages: Vec::new(),
            });
            let channel_index = self.channels.len() - 1;
            let messages_at = child(&at, "messages");
            match channel.get("messages") {
                None => {}
                Some(Value::Object(messages)) => {
                    for (message_key, message) in messages {
                        let message_at = child(&messages_at, message_key);
                        let index = self.message(message, &message_at, Some(message_key))?;
                        self.list_on_channel(index, channel_index);
                    }
                }
                Some(_) => return Err(self.error(&messages_at, "expected an object")),
            }
        }
        Ok(())
    }

    fn read_channels_v2(
        &mut self,
        topics: &mut Vec<Topic>,
    ) -> Result<Vec<FoundOperation<'a>>, CatalogError> {
        let mut operations = Vec::new();
        let Some(channels) = self.channels_map()? else {
            return Ok(operations);
        };
        for (key, value) in channels {
            let pointer = child("/channels", key);
            let (channel, at) = self.object(value, &pointer)?;
            let name = EntityName::parse(key)
                .map_err(|e| self.error(&pointer, format!("channel {key}: topic {e}")))?;
            self.add_topic(topics, channel, &at, name.clone())?;
            self.channels.push(FoundChannel {
                pointer,
                topic: Some(name),
                messages: Vec::new(),
            });
            let channel_index = self.channels.len() - 1;
            // 2.x speaks for the clients: `subscribe` is what the application sends,
            // `publish` what it receives.
            for (verb, role) in [("subscribe", Role::Produces), ("publish", Role::Consumes)] {
                let Some(operation) = channel.get(verb) else {
                    continue;
                };
                let (operation, op_at) = self.object(operation, &child(&at, verb))?;
                let mut listed = Vec::new();
                if let Some(message) = operation.get("message") {
                    let message_at = child(&op_at, "message");
                    let (resolved, resolved_at) = self.deref(message, &message_at)?;
                    match resolved.get("oneOf") {
                        Some(Value::Array(options)) => {
                            let options_at = child(&resolved_at, "oneOf");
                            for (index, option) in options.iter().enumerate() {
                                let option_at = child(&options_at, &index.to_string());
                                listed.push(self.message(option, &option_at, None)?);
                            }
                        }
                        Some(_) => return Err(self.error(&resolved_at, "oneOf must be a list")),
                        None => listed.push(self.message(message, &message_at, None)?),
                    }
                }
                for index in &listed {
                    self.list_on_channel(*index, channel_index);
                }
                operations.push(FoundOperation {
                    pointer: op_at,
                    value: operation,
                    role,
                    channel: channel_index,
                    listed: (!listed.is_empty()).then_some(listed),
                });
            }
        }
        Ok(operations)
    }

    /// Messages of `components.messages` no channel lists are events too.
    fn read_component_messages(&mut self) -> Result<(), CatalogError> {
        let Some(messages) = self.doc.pointer("/components/messages") else {
            return Ok(());
        };
        let Value::Object(messages) = messages else {
            return Err(self.error("/components/messages", "expected an object"));
        };
        for (key, message) in messages {
            self.message(message, &child("/components/messages", key), Some(key))?;
        }
        Ok(())
    }

    /// Gives each message that is an event its (unique) event name.
    fn name_events(&mut self) -> Result<(), CatalogError> {
        let mut taken: BTreeSet<EntityName> = BTreeSet::new();
        for index in 0..self.messages.len() {
            let Some(message) = self.messages.get(index) else {
                continue;
            };
            let (value, pointer) = (message.value, message.pointer.clone());
            let name = match self.name(value, &pointer, "x-herald-event")? {
                Some(name) => name,
                None if self.herald => continue,
                None => {
                    let given = [
                        (self.major == 2).then(|| value.get("messageId")).flatten(),
                        value.get("name"),
                    ]
                    .into_iter()
                    .flatten()
                    .find_map(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| message.key.clone())
                    .unwrap_or_else(|| format!("message-{}", index + 1));
                    slug(&given, false).ok_or_else(|| {
                        self.error(&pointer, format!("message {given:?} gives no event name"))
                    })?
                }
            };
            let mut unique = name.clone();
            let mut n = 2;
            while taken.contains(&unique) {
                unique = EntityName::parse(&format!("{name}-{n}"))
                    .map_err(|e| self.error(&pointer, e))?;
                n += 1;
            }
            taken.insert(unique.clone());
            if let Some(message) = self.messages.get_mut(index) {
                message.event = Some(unique);
            }
        }
        Ok(())
    }

    fn read_operations_v3(&self) -> Result<Vec<FoundOperation<'a>>, CatalogError> {
        let mut found = Vec::new();
        let operations = match self.doc.get("operations") {
            None => return Ok(found),
            Some(Value::Object(map)) => map,
            Some(_) => return Err(self.error("/operations", "expected an object")),
        };
        for (key, value) in operations {
            let (operation, at) = self.object(value, &child("/operations", key))?;
            let role = match self.text(operation, &at, "action")?.as_deref() {
                Some("send") => Role::Produces,
                Some("receive") => Role::Consumes,
                other => {
                    return Err(self.error(
                        &child(&at, "action"),
                        format!("operation {key}: action must be send or receive, not {other:?}"),
                    ));
                }
            };
            let channel_at = child(&at, "channel");
            let reference = operation
                .get("channel")
                .and_then(|c| c.get("$ref"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    self.error(
                        &channel_at,
                        format!("operation {key}: channel must be a $ref"),
                    )
                })?;
            let target = self.ref_pointer(reference, &channel_at)?;
            let channel = self
                .channels
                .iter()
                .position(|c| c.pointer == target)
                .ok_or_else(|| {
                    self.error(
                        &channel_at,
                        format!("operation {key}: channel {reference:?} does not exist"),
                    )
                })?;
            let listed = match operation.get("messages") {
                None => None,
                Some(Value::Array(items)) => {
                    let messages_at = child(&at, "messages");
                    let mut listed = Vec::new();
                    for (index, item) in items.iter().enumerate() {
                        let item_at = child(&messages_at, &index.to_string());
                        let unknown = |reference: &str| {
                            self.error(
                                &item_at,
                                format!("operation {key}: message {reference:?} does not exist"),
                            )
                        };
                        let reference = item.get("$ref").and_then(Value::as_str).unwrap_or("");
                        let (_, message_at) =
                            self.deref(item, &item_at).map_err(|_| unknown(reference))?;
                        let message = self
                            .messages
                            .iter()
                            .position(|m| m.pointer == message_at)
                            .ok_or_else(|| unknown(reference))?;
                        listed.push(message);
                    }
                    Some(listed)
                }
                Some(_) => return Err(self.error(&child(&at, "messages"), "expected a list")),
            };
            found.push(FoundOperation {
                pointer: at,
                value: operation,
                role,
                channel,
                listed,
            });
        }
        Ok(found)
    }

    fn operation_application(
        &self,
        operation: &FoundOperation<'_>,
    ) -> Result<EntityName, CatalogError> {
        match self.name(operation.value, &operation.pointer, "x-herald-application")? {
            Some(name) => Ok(name),
            None => self.info_application.clone().ok_or_else(|| {
                self.error(
                    &operation.pointer,
                    "names no application (x-herald-application) and info describes none",
                )
            }),
        }
    }

    /// The edges an operation stands for: the one it carries (`x-herald-edge`), else its
    /// channel's topic with the events it lists (all of them: the topic alone).
    fn edge_targets(
        &self,
        operation: &FoundOperation<'_>,
    ) -> Result<Vec<EdgeTarget>, CatalogError> {
        let (value, at) = (operation.value, operation.pointer.as_str());
        if let Some(edge) = self.field::<EdgeTarget>(value, at, "x-herald-edge")? {
            return Ok(vec![edge]);
        }
        let versions: VersionRange = self
            .field(value, at, "x-herald-versions")?
            .unwrap_or_default();
        let Some(channel) = self.channels.get(operation.channel) else {
            return Ok(Vec::new());
        };
        let topic = channel.topic.clone();
        let everything = match &operation.listed {
            None => true,
            Some(listed) => {
                channel.messages.len() > 1 && channel.messages.iter().all(|m| listed.contains(m))
            }
        };
        let events: Vec<EntityName> = operation
            .listed
            .iter()
            .flatten()
            .filter_map(|m| self.messages.get(*m).and_then(|m| m.event.clone()))
            .collect();
        if everything || events.is_empty() {
            return Ok(topic
                .map(|topic| EdgeTarget {
                    topic: Some(topic),
                    event: None,
                    versions,
                })
                .into_iter()
                .collect());
        }
        Ok(events
            .into_iter()
            .map(|event| EdgeTarget {
                topic: topic.clone(),
                event: Some(event),
                versions,
            })
            .collect())
    }

    // ---- events and schemas

    fn events(&self, subjects: &[Option<String>]) -> Result<Vec<Event>, CatalogError> {
        let mut events = Vec::new();
        for (index, message) in self.messages.iter().enumerate() {
            let Some(name) = message.event.clone() else {
                continue;
            };
            let (value, at) = (message.value, message.pointer.as_str());
            let topic = if self.herald {
                self.name(value, at, "x-herald-topic")?
            } else {
                message.topics.first().cloned()
            };
            let deprecated = value.get("deprecated") == Some(&Value::Bool(true));
            let lifecycle = match self.field::<Lifecycle>(value, at, "x-herald-lifecycle")? {
                Some(lifecycle) => lifecycle,
                None if deprecated => Lifecycle::Deprecated,
                None => Lifecycle::default(),
            };
            let description = match self.text(value, at, "description")? {
                Some(description) => Some(description),
                None => self.text(value, at, "summary")?,
            };
            events.push(Event {
                name,
                title: self.text(value, at, "title")?,
                description,
                kind: self
                    .field::<EventKind>(value, at, "x-herald-event-kind")?
                    .unwrap_or_default(),
                domain: self.name(value, at, "x-herald-domain")?,
                owner: self.name(value, at, "x-herald-owner")?,
                topic,
                subject: subjects.get(index).cloned().flatten(),
                lifecycle,
                sunset: self.field(value, at, "x-herald-sunset")?,
                replaced_by: self.name(value, at, "x-herald-replaced-by")?,
                tags: self.tags(value, at)?,
                metadata: self
                    .field(value, at, "x-herald-metadata")?
                    .unwrap_or_default(),
            });
        }
        Ok(events)
    }

    fn payload(&self, message: &FoundMessage<'a>) -> Result<Option<Payload<'a>>, CatalogError> {
        let Some(payload) = message.value.get("payload") else {
            return Ok(None);
        };
        let payload_at = child(&message.pointer, "payload");
        if self.major == 2 {
            let (schema, pointer) = self.deref(payload, &payload_at)?;
            return Ok(Some(Payload {
                holder: message.value,
                format: self.text(message.value, &message.pointer, "schemaFormat")?,
                schema,
                pointer,
            }));
        }
        let (resolved, at) = self.deref(payload, &payload_at)?;
        self.multi_format(resolved, &at).map(Some)
    }

    /// A 3.x Multi Format Schema Object (or a plain AsyncAPI schema).
    fn multi_format(&self, value: &'a Value, at: &str) -> Result<Payload<'a>, CatalogError> {
        match value {
            Value::Object(holder) if holder.contains_key("schemaFormat") => {
                let format = self.text(holder, at, "schemaFormat")?;
                let schema_at = child(at, "schema");
                let schema = holder
                    .get("schema")
                    .ok_or_else(|| self.error(&schema_at, "a schemaFormat without a schema"))?;
                let (schema, pointer) = self.deref(schema, &schema_at)?;
                Ok(Payload {
                    holder,
                    format,
                    schema,
                    pointer,
                })
            }
            Value::Object(holder) => Ok(Payload {
                holder,
                format: None,
                schema: value,
                pointer: at.to_owned(),
            }),
            _ => Err(self.error(at, "a payload is a schema object")),
        }
    }

    /// The subject of each message's payload (or the one it names).
    fn message_subjects(&self) -> Result<Vec<Option<String>>, CatalogError> {
        let mut subjects = Vec::new();
        for message in &self.messages {
            let payload = self.payload(message)?;
            let named = match self.text(message.value, &message.pointer, "x-herald-subject")? {
                Some(subject) => Some(subject),
                None => match &payload {
                    Some(payload) => {
                        self.text(payload.holder, &payload.pointer, "x-herald-subject")?
                    }
                    None => None,
                },
            };
            let subject = match (named, &payload) {
                (Some(subject), _) => Some(subject),
                (None, None) => None,
                (None, Some(_)) => Some(self.derived_subject(message)?),
            };
            subjects.push(subject);
        }
        Ok(subjects)
    }

    /// `<topic>-value` for the only message with a payload on its channel, else
    /// `<topic>-<event>` (`<event>-value` off any channel).
    fn derived_subject(&self, message: &FoundMessage<'a>) -> Result<String, CatalogError> {
        let label = message
            .event
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| message.key.clone())
            .unwrap_or_else(|| "message".into());
        let Some(topic) = message.topics.first() else {
            return Ok(format!("{label}-value"));
        };
        let mut with_payload = 0;
        for channel in self
            .channels
            .iter()
            .filter(|c| c.topic.as_ref() == Some(topic))
        {
            for index in &channel.messages {
                if let Some(other) = self.messages.get(*index)
                    && self.payload(other)?.is_some()
                {
                    with_payload += 1;
                }
            }
        }
        Ok(if with_payload > 1 {
            format!("{topic}-{label}")
        } else {
            format!("{topic}-value")
        })
    }

    fn schemas(&self, subjects: &[Option<String>]) -> Result<Vec<SchemaEntry>, CatalogError> {
        let mut collected = Vec::new();
        for (index, message) in self.messages.iter().enumerate() {
            let (Some(payload), Some(Some(subject))) =
                (self.payload(message)?, subjects.get(index))
            else {
                continue;
            };
            let hint = message
                .value
                .get("x-herald-version")
                .and_then(Value::as_i64);
            self.collect(&payload, subject, hint, &mut collected, 0)?;
        }
        self.group(collected)
    }

    /// Adds the version a payload stands for, after the versions it references.
    fn collect(
        &self,
        payload: &Payload<'a>,
        subject: &str,
        version_hint: Option<i64>,
        collected: &mut Vec<Collected>,
        depth: usize,
    ) -> Result<(), CatalogError> {
        let holder_at = payload
            .pointer
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent);
        let schema_type = schema_type_of(payload.format.as_deref()).ok_or_else(|| {
            self.error(
                &child(holder_at, "schemaFormat"),
                format!(
                    "subject {subject}: schemaFormat {:?} is not Avro, Protobuf or JSON Schema",
                    payload.format.as_deref().unwrap_or_default()
                ),
            )
        })?;
        let references: Vec<ReferenceEntry> =
            self.list_of(payload.holder, holder_at, "x-herald-references")?;
        let text = match self.text(payload.holder, holder_at, "x-herald-schema-text")? {
            Some(text) => text,
            None => match schema_type {
                SchemaType::Protobuf => match payload.schema {
                    Value::String(text) => text.clone(),
                    _ => {
                        return Err(self.error(
                            &payload.pointer,
                            format!("subject {subject}: a Protobuf schema is .proto text"),
                        ));
                    }
                },
                SchemaType::Avro => payload.schema.to_string(),
                SchemaType::Json => self.localize(payload.schema, &payload.pointer).to_string(),
            },
        };
        if depth < MAX_REFERENCE_DEPTH {
            for reference in &references {
                if let Some((component, at)) =
                    self.component_schema(&reference.subject, reference.version)
                {
                    let referenced = self.multi_format(component, &at)?;
                    self.collect(
                        &referenced,
                        &reference.subject,
                        Some(i64::from(reference.version)),
                        collected,
                        depth + 1,
                    )?;
                }
            }
        }
        let entry = SchemaVersionEntry {
            file: None,
            schema: Some(text),
            references,
        };
        let duplicate = collected
            .iter()
            .any(|c| c.subject == subject && c.entry == entry);
        if !duplicate {
            collected.push(Collected {
                subject: subject.to_owned(),
                schema_type,
                version_hint,
                entry,
            });
        }
        Ok(())
    }

    /// The `components.schemas` entry Herald placed for a referenced version.
    fn component_schema(&self, subject: &str, version: i32) -> Option<(&'a Value, String)> {
        let Some(Value::Object(schemas)) = self.doc.pointer("/components/schemas") else {
            return None;
        };
        schemas.iter().find_map(|(key, value)| {
            let matches = value.get("x-herald-subject").and_then(Value::as_str) == Some(subject)
                && value.get("x-herald-version").and_then(Value::as_i64)
                    == Some(i64::from(version));
            matches.then(|| (value, child("/components/schemas", key)))
        })
    }

    /// Versions grouped by subject, every subject after those it references.
    fn group(&self, collected: Vec<Collected>) -> Result<Vec<SchemaEntry>, CatalogError> {
        let mut order: Vec<String> = Vec::new();
        let mut by_subject: BTreeMap<String, (SchemaType, HintedVersions)> = BTreeMap::new();
        for item in collected {
            match by_subject.get_mut(&item.subject) {
                Some((schema_type, versions)) => {
                    if *schema_type != item.schema_type {
                        return Err(self.error(
                            "/components",
                            format!(
                                "subject {}: payloads of types {} and {}",
                                item.subject, schema_type, item.schema_type
                            ),
                        ));
                    }
                    versions.push((item.version_hint, item.entry));
                }
                None => {
                    order.push(item.subject.clone());
                    by_subject.insert(
                        item.subject,
                        (item.schema_type, vec![(item.version_hint, item.entry)]),
                    );
                }
            }
        }
        // Dependencies first (references inside the document only; a loop keeps file order).
        let mut sorted: Vec<String> = Vec::new();
        while sorted.len() < order.len() {
            let next = order
                .iter()
                .filter(|s| !sorted.contains(s))
                .find(|subject| {
                    by_subject.get(*subject).is_some_and(|(_, versions)| {
                        versions.iter().flat_map(|(_, v)| &v.references).all(|r| {
                            r.subject == **subject
                                || !order.contains(&r.subject)
                                || sorted.contains(&r.subject)
                        })
                    })
                })
                .or_else(|| order.iter().find(|s| !sorted.contains(s)))
                .cloned();
            match next {
                Some(subject) => sorted.push(subject),
                None => break,
            }
        }
        Ok(sorted
            .into_iter()
            .filter_map(|subject| {
                let (schema_type, mut versions) = by_subject.remove(&subject)?;
                versions.sort_by_key(|(hint, _)| hint.unwrap_or(i64::MAX));
                Some(SchemaEntry {
                    subject,
                    schema_type: Some(schema_type.as_str().to_owned()),
                    compatibility: None,
                    versions: versions.into_iter().map(|(_, v)| v).collect(),
                })
            })
            .collect())
    }

    /// A JSON Schema from the document made to stand alone: its `$ref`s into itself become
    /// `#...`, other `$ref`s into the document are copied into its definitions.
    fn localize(&self, schema: &Value, at: &str) -> Value {
        let mut out = schema.clone();
        let container = if out.get("$defs").is_some() {
            "$defs"
        } else {
            "definitions"
        };
        let mut copied: Vec<(String, String, Value)> = Vec::new();
        let mut taken: BTreeSet<String> = out
            .get(container)
            .and_then(Value::as_object)
            .map(|defs| defs.keys().cloned().collect())
            .unwrap_or_default();
        let mut rewrite = |value: &mut Value,
                           own_at: &str,
                           own_name: &str,
                           copied: &mut Vec<(String, String, Value)>| {
            visit_refs(value, &mut |reference| {
                let Some(pointer) = reference.strip_prefix('#').map(percent_decode) else {
                    return;
                };
                if !(pointer.is_empty() || pointer.starts_with('/')) {
                    return;
                }
                if let Some(rest) = pointer.strip_prefix(own_at)
                    && (rest.is_empty() || rest.starts_with('/'))
                {
                    *reference = format!("{own_name}{rest}");
                    return;
                }
                let known = copied
                    .iter()
                    .find(|(p, _, _)| *p == pointer)
                    .map(|(_, k, _)| k.clone());
                let key = match known {
                    Some(key) => key,
                    None => {
                        let Some(target) = self.doc.pointer(&pointer) else {
                            return;
                        };
                        let base = component_key(pointer.rsplit('/').next().unwrap_or("schema"));
                        let mut key = base.clone();
                        let mut n = 2;
                        while taken.contains(&key) {
                            key = format!("{base}-{n}");
                            n += 1;
                        }
                        taken.insert(key.clone());
                        copied.push((pointer.clone(), key.clone(), target.clone()));
                        key
                    }
                };
                *reference = format!("#/{container}/{key}");
            });
        };
        rewrite(&mut out, at, "#", &mut copied);
        let mut done = 0;
        while done < copied.len() {
            let Some((pointer, key, mut value)) = copied.get(done).cloned() else {
                break;
            };
            rewrite(
                &mut value,
                &pointer,
                &format!("#/{container}/{key}"),
                &mut copied,
            );
            if let Some(slot) = copied.get_mut(done) {
                slot.2 = value;
            }
            done += 1;
        }
        if !copied.is_empty()
            && let Value::Object(root) = &mut out
        {
            let defs = root
                .entry(container)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(defs) = defs {
                for (_, key, value) in copied {
                    defs.insert(key, value);
                }
            }
        }
        out
    }
}

fn schema_type_of(format: Option<&str>) -> Option<SchemaType> {
    let Some(format) = format else {
        return Some(SchemaType::Json);
    };
    let media = format
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "application/vnd.apache.avro"
        | "application/vnd.apache.avro+json"
        | "application/vnd.apache.avro+yaml" => Some(SchemaType::Avro),
        "application/vnd.google.protobuf" | "application/x-protobuf" | "application/protobuf" => {
            Some(SchemaType::Protobuf)
        }
        "application/schema"
        | "application/schema+json"
        | "application/schema+yaml"
        | "application/vnd.aai.asyncapi"
        | "application/vnd.aai.asyncapi+json"
        | "application/vnd.aai.asyncapi+yaml"
        | "application/vnd.oai.openapi"
        | "application/vnd.oai.openapi+json"
        | "application/vnd.oai.openapi+yaml" => Some(SchemaType::Json),
        _ => None,
    }
}

fn bare_application(name: EntityName) -> Application {
    Application {
        name,
        title: None,
        description: None,
        domain: None,
        owner: None,
        repository: None,
        lifecycle: Lifecycle::default(),
        produces: Vec::new(),
        consumes: Vec::new(),
        tags: Vec::new(),
        metadata: Metadata::new(),
    }
}

fn syntax(source: &str, pointer: &str, message: &str) -> CatalogError {
    let at = if pointer.is_empty() { "/" } else { pointer };
    CatalogError::File(FileError::Syntax {
        source_name: source.to_owned(),
        line: None,
        message: format!("at {at}: {message}"),
    })
}

/// `pointer` + `/key` (escaped).
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `%XX` sequences of a URI fragment decoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An entity name from free text: runs of other characters become `-` (and, with
/// `lowercase`, letters lower-case: `Order Service` is `order-service`).
fn slug(text: &str, lowercase: bool) -> Option<EntityName> {
    let mut out = String::new();
    for c in text.chars() {
        if is_name_char(c) {
            out.push(if lowercase { c.to_ascii_lowercase() } else { c });
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(MAX_NAME_LEN).collect();
    EntityName::parse(&trimmed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::Entity;

    fn name(text: &str) -> EntityName {
        EntityName::parse(text).expect("valid name")
    }

    /// Orders, payments, stock and audit: every kind of edge, lifecycle and topic shape.
    fn landscape() -> Snapshot {
        let mut snapshot = Snapshot {
            revision: 42,
            ..Snapshot::default()
        };
        let entities = [
            (
                EntityKind::Team,
                json!({"name": "checkout", "title": "Checkout", "email": "checkout@example.com",
                       "url": "https://wiki.example.com/checkout", "chat": "#checkout",
                       "members": ["alice", "bob"], "tags": ["core"]}),
            ),
            (
                EntityKind::Team,
                json!({"name": "payments", "email": "not an address", "url": "wiki/payments"}),
            ),
            (EntityKind::Team, json!({"name": "platform"})),
            (
                EntityKind::Domain,
                json!({"name": "orders", "title": "Orders", "description": "Taking orders.",
                       "owner": "checkout", "tags": ["core"], "metadata": {"tier": 1}}),
            ),
            (
                EntityKind::Domain,
                json!({"name": "payments", "owner": "payments"}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "orders.order-events", "title": "Order events",
                       "description": "Everything that happens to an order.",
                       "domain": "orders", "owner": "checkout", "tags": ["core", "kafka"],
                       "metadata": {"partitions": 12, "retention": "7d", "compacted": false}}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "payments.payment-events", "domain": "payments",
                       "valueSubject": "payments.payment-events-value",
                       "keySubject": "payments.payment-key"}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "inventory.stock", "owner": "platform"}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "audit.records", "subjectStrategy": "record"}),
            ),
            (
                EntityKind::Event,
                json!({"name": "OrderPlaced", "title": "Order placed",
                       "description": "A customer **placed** an order.", "domain": "orders",
                       "owner": "checkout", "topic": "orders.order-events",
                       "subject": "orders.order-events-value", "tags": ["pii", "core"],
                       "metadata": {"since": "2024"}}),
            ),
            (
                EntityKind::Event,
                json!({"name": "OrderCancelled", "kind": "command", "topic": "orders.order-events",
                       "lifecycle": "deprecated", "sunset": "2027-06-30",
                       "replacedBy": "OrderPlaced"}),
            ),
            (
                EntityKind::Event,
                json!({"name": "PaymentCaptured", "topic": "payments.payment-events",
                       "subject": "payments.payment-events-value", "lifecycle": "draft"}),
            ),
            (
                EntityKind::Event,
                json!({"name": "AuditTrail", "kind": "query", "lifecycle": "retired"}),
            ),
            (
                EntityKind::Application,
                json!({"name": "shop", "title": "Shop", "description": "The web shop.",
                "domain": "orders", "owner": "checkout",
                "repository": "https://git.example.com/shop", "tags": ["web"],
                "metadata": {"language": "rust"},
                "produces": [
                    {"topic": "orders.order-events", "event": "OrderPlaced"},
                    {"topic": "orders.order-events", "event": "OrderCancelled", "versions": 2}
                ],
                "consumes": [
                    {"topic": "payments.payment-events", "versions": ">=2"},
                    {"event": "AuditTrail"}
                ]}),
            ),
            (
                EntityKind::Application,
                json!({"name": "billing", "owner": "payments", "lifecycle": "deprecated",
                       "produces": [{"topic": "payments.payment-events",
                                     "event": "PaymentCaptured", "versions": "1-3"}],
                       "consumes": [{"topic": "orders.order-events"}]}),
            ),
            (
                EntityKind::Application,
                json!({"name": "warehouse", "domain": "orders",
                       "consumes": [{"topic": "inventory.stock"}],
                       "produces": [{"topic": "audit.records"}]}),
            ),
            (EntityKind::Application, json!({"name": "idle"})),
        ];
        for (kind, document) in entities {
            snapshot.insert(Entity::from_json(kind, document).expect("valid test entity"));
        }
        assert_eq!(
            crate::catalog::rules::check(&snapshot, &|_| true),
            Vec::new(),
            "the test landscape keeps the rules"
        );
        snapshot
    }

    const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}"#;
    const ORDER: &str = r#"{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"},{"name":"shipping","type":["null","Money"],"default":null}]}"#;
    const ORDER_RESOLVED: &str = r#"{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":{"type":"record","name":"Money","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}},{"name":"shipping","type":["null","Money"],"default":null}]}"#;
    const ADDRESS: &str = r##"{"type":"object","properties":{"street":{"type":"string"},"country":{"$ref":"#/definitions/Country"}},"definitions":{"Country":{"type":"string","minLength":2,"maxLength":2}}}"##;
    const PAYMENT: &str = r##"{"$schema":"http://json-schema.org/draft-04/schema#","title":"PaymentCaptured","type":"object","properties":{"amount":{"type":"number","minimum":0,"exclusiveMinimum":true},"card":{"$ref":"#/definitions/Card"},"billing":{"$ref":"address.json"},"status":{"enum":[{"exclusiveMinimum":true},"ok"]}},"required":["amount"],"definitions":{"Card":{"type":"object","properties":{"last4":{"type":"string","pattern":"^[0-9]{4}$"}}}}}"##;
    const STOCK: &str = "syntax = \"proto3\";\npackage inventory;\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage StockChanged {\n  string sku = 1;\n  int32 delta = 2;\n  .google.protobuf.Timestamp at = 3;\n  Location location = 4;\n}\nmessage Location {\n  string warehouse = 1;\n}\nmessage Unrelated {\n  bool flag = 1;\n}\n";

    fn schema(
        subject: &str,
        version: i32,
        id: i64,
        schema_type: SchemaType,
        text: &str,
    ) -> ExportedSchema {
        ExportedSchema {
            subject: subject.into(),
            version,
            id,
            schema_type,
            text: text.into(),
            resolved: None,
            references: Vec::new(),
        }
    }

    fn schemas() -> BTreeMap<String, ExportedSchema> {
        let money = schema("common.money-value", 1, 5, SchemaType::Avro, MONEY);
        let address = schema("common.address-value", 1, 6, SchemaType::Json, ADDRESS);
        let order = ExportedSchema {
            resolved: Some(ORDER_RESOLVED.into()),
            references: vec![ExportedReference {
                name: "shop.Money".into(),
                schema: money,
            }],
            ..schema("orders.order-events-value", 3, 11, SchemaType::Avro, ORDER)
        };
        let payment = ExportedSchema {
            references: vec![ExportedReference {
                name: "address.json".into(),
                schema: address,
            }],
            ..schema(
                "payments.payment-events-value",
                2,
                12,
                SchemaType::Json,
                PAYMENT,
            )
        };
        let stock = schema("inventory.stock-value", 1, 13, SchemaType::Protobuf, STOCK);
        [order, payment, stock]
            .into_iter()
            .map(|s| (s.subject.clone(), s))
            .collect()
    }

    fn sorted<T: Clone, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
        let mut items = items.to_vec();
        items.sort_by_key(|item| key(item));
        items
    }

    /// Every `$ref` of the document points at something in it (what the AsyncAPI parser
    /// checks first).
    fn assert_refs_resolve(document: &Value) {
        let mut copy = document.clone();
        let mut broken = Vec::new();
        visit_refs(&mut copy, &mut |reference| {
            let ok = reference
                .strip_prefix('#')
                .is_some_and(|p| document.pointer(&percent_decode(p)).is_some());
            if !ok {
                broken.push(reference.clone());
            }
        });
        assert_eq!(broken, Vec::<String>::new(), "unresolved $refs");
    }

    #[test]
    fn the_whole_catalog_reads_back_as_the_same_model() {
        let snapshot = landscape();
        let document = document(&snapshot, None, &schemas());
        assert_refs_resolve(&document);
        // Through YAML, as an import of a YAML body reads it.
        let yaml = serde_yaml_ng::to_string(&document).expect("yaml");
        let document: Value = serde_yaml_ng::from_str(&yaml).expect("reads back");
        let imported = import(&document, "catalog.json").expect("imports");
        assert_eq!(imported.asyncapi, "3.0.0");
        let file = imported.file;
        let by_name = |e: &Domain| e.name.clone();
        assert_eq!(
            sorted(&file.domains, by_name),
            snapshot.domains.values().cloned().collect::<Vec<_>>()
        );
        assert_eq!(
            sorted(&file.teams, |e: &Team| e.name.clone()),
            snapshot.teams.values().cloned().collect::<Vec<_>>()
        );
        assert_eq!(
            sorted(&file.applications, |e: &Application| e.name.clone()),
            snapshot.applications.values().cloned().collect::<Vec<_>>()
        );
        assert_eq!(
            sorted(&file.topics, |e: &Topic| e.name.clone()),
            snapshot.topics.values().cloned().collect::<Vec<_>>()
        );
        assert_eq!(
            sorted(&file.events, |e: &Event| e.name.clone()),
            snapshot.events.values().cloned().collect::<Vec<_>>()
        );
        // And the file it makes is one `apply` takes.
        SourcedFile::from_file(file, "catalog.json").expect("no duplicates");
    }

    #[test]
    fn schemas_read_back_as_registered_dependencies_first() {
        let document = document(&landscape(), None, &schemas());
        let file = import(&document, "catalog.json").expect("imports").file;
        let subjects: Vec<(&str, Option<&str>)> = file
            .schemas
            .iter()
            .map(|s| (s.subject.as_str(), s.schema_type.as_deref()))
            .collect();
        assert_eq!(
            subjects,
            vec![
                ("inventory.stock-value", Some("PROTOBUF")),
                ("common.money-value", Some("AVRO")),
                ("orders.order-events-value", Some("AVRO")),
                ("common.address-value", Some("JSON")),
                ("payments.payment-events-value", Some("JSON")),
            ]
        );
        let text_of = |subject: &str| {
            let entry = file
                .schemas
                .iter()
                .find(|s| s.subject == subject)
                .expect(subject);
            assert_eq!(entry.versions.len(), 1, "{subject}");
            entry.versions[0].clone()
        };
        let order = text_of("orders.order-events-value");
        assert_eq!(order.schema.as_deref(), Some(ORDER));
        assert_eq!(
            order.references,
            vec![ReferenceEntry {
                name: "shop.Money".into(),
                subject: "common.money-value".into(),
                version: 1
            }]
        );
        assert_eq!(text_of("common.money-value").schema.as_deref(), Some(MONEY));
        assert_eq!(
            text_of("payments.payment-events-value").schema.as_deref(),
            Some(PAYMENT)
        );
        assert_eq!(
            text_of("common.address-value").schema.as_deref(),
            Some(ADDRESS)
        );
        assert_eq!(
            text_of("inventory.stock-value").schema.as_deref(),
            Some(STOCK)
        );
    }

    #[test]
    fn payloads_are_multi_format_schemas_that_stand_in_the_document() {
        let document = document(&landscape(), None, &schemas());
        let payload = |event: &str| document["components"]["messages"][event]["payload"].clone();

        let order = payload("OrderPlaced");
        assert_eq!(order["schemaFormat"], AVRO_FORMAT);
        // Resolved: Money is written out in place.
        assert_eq!(order["schema"]["fields"][1]["type"]["name"], "Money");
        assert_eq!(order["x-herald-schema-text"], ORDER);

        let payment = payload("PaymentCaptured");
        assert_eq!(payment["schemaFormat"], JSON_SCHEMA_FORMAT);
        let schema = &payment["schema"];
        assert_eq!(
            schema["properties"]["card"]["$ref"],
            "#/components/messages/PaymentCaptured/payload/schema/definitions/Card"
        );
        assert_eq!(
            schema["properties"]["billing"]["$ref"],
            "#/components/schemas/common.address-value.v1/schema"
        );
        // Draft-04's boolean bound became a draft-07 number; data in `enum` stayed.
        assert_eq!(
            schema["properties"]["amount"],
            json!({"type": "number", "exclusiveMinimum": 0})
        );
        assert_eq!(
            schema["properties"]["status"]["enum"][0],
            json!({"exclusiveMinimum": true})
        );
        assert_eq!(schema["$schema"], DRAFT_07);
        let address = &document["components"]["schemas"]["common.address-value.v1"];
        assert_eq!(
            address["schema"]["properties"]["country"]["$ref"],
            "#/components/schemas/common.address-value.v1/schema/definitions/Country"
        );
        assert_eq!(address["x-herald-subject"], "common.address-value");

        // The topic without events shows its value subject; Protobuf gets a root mark.
        let stock = &document["components"]["messages"]["inventory.stock-value"];
        assert_eq!(stock["payload"]["schemaFormat"], PROTOBUF_FORMAT);
        let text = stock["payload"]["schema"].as_str().expect("proto text");
        assert!(
            text.contains("// @RootNode\nmessage StockChanged {"),
            "{text}"
        );
        assert_eq!(stock["payload"]["x-herald-schema-text"], STOCK);
        assert_eq!(
            document["channels"]["inventory.stock"]["messages"]["inventory.stock-value"]["$ref"],
            "#/components/messages/inventory.stock-value"
        );
        // No payload without a schema; deprecation is visible to AsyncAPI tools.
        let cancelled = &document["components"]["messages"]["OrderCancelled"];
        assert!(cancelled.get("payload").is_none());
        assert_eq!(cancelled["deprecated"], true);
        assert_eq!(cancelled["x-herald-sunset"], "2027-06-30");
    }

    #[test]
    fn operations_are_the_edges() {
        let document = document(&landscape(), None, &schemas());
        let operations = document["operations"].as_object().expect("operations");
        let ids: Vec<&str> = operations.keys().map(String::as_str).collect();
        assert_eq!(
            ids,
            vec![
                "billing.produces.payments.payment-events.PaymentCaptured",
                "billing.consumes.orders.order-events",
                "shop.produces.orders.order-events.OrderPlaced",
                "shop.produces.orders.order-events.OrderCancelled",
                "shop.consumes.payments.payment-events",
                "shop.consumes.AuditTrail",
                "warehouse.produces.audit.records",
                "warehouse.consumes.inventory.stock",
            ]
        );
        let whole_topic = &operations["billing.consumes.orders.order-events"];
        assert_eq!(whole_topic["action"], "receive");
        assert_eq!(
            whole_topic["channel"]["$ref"],
            "#/channels/orders.order-events"
        );
        assert_eq!(whole_topic["messages"].as_array().map(Vec::len), Some(2));
        let pinned = &operations["shop.produces.orders.order-events.OrderCancelled"];
        assert_eq!(pinned["action"], "send");
        assert_eq!(pinned["x-herald-versions"], "2");
        assert_eq!(
            pinned["messages"],
            json!([{"$ref": "#/channels/orders.order-events/messages/OrderCancelled"}])
        );
        // An event without a topic gets a channel of its own.
        let unbound = &operations["shop.consumes.AuditTrail"];
        assert_eq!(unbound["channel"]["$ref"], "#/channels/event.AuditTrail");
        assert_eq!(
            document["channels"]["event.AuditTrail"]["address"],
            Value::Null
        );
        // A topic with neither events nor a value subject has no messages.
        assert!(
            document["channels"]["audit.records"]
                .get("messages")
                .is_none()
        );
        assert!(
            operations["warehouse.produces.audit.records"]
                .get("messages")
                .is_none()
        );
    }

    #[test]
    fn an_application_document_is_what_it_produces_and_consumes() {
        let snapshot = landscape();
        let shop = snapshot.applications.get(&name("shop")).expect("shop");
        let document = document(&snapshot, Some(shop), &schemas());
        assert_refs_resolve(&document);
        let info = &document["info"];
        assert_eq!(info["title"], "Shop");
        assert_eq!(info["description"], "The web shop.");
        assert_eq!(
            info["contact"],
            json!({"name": "Checkout", "email": "checkout@example.com",
                   "url": "https://wiki.example.com/checkout"})
        );
        assert_eq!(info["tags"], json!([{"name": "web"}]));
        let operations: Vec<&String> = document["operations"]
            .as_object()
            .expect("ops")
            .keys()
            .collect();
        assert!(
            operations.iter().all(|id| id.starts_with("shop.")),
            "{operations:?}"
        );
        let channels: Vec<&String> = document["channels"]
            .as_object()
            .expect("channels")
            .keys()
            .collect();
        assert_eq!(
            channels,
            vec![
                "orders.order-events",
                "payments.payment-events",
                "event.AuditTrail"
            ]
        );
        let teams: Vec<&Value> = info["x-herald-teams"]
            .as_array()
            .expect("teams")
            .iter()
            .map(|t| &t["name"])
            .collect();
        assert_eq!(teams, vec!["checkout", "payments"]);

        let file = import(&document, "shop.json").expect("imports").file;
        assert_eq!(file.applications, vec![shop.clone()]);
        let topics: Vec<&str> = file.topics.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            topics,
            vec!["orders.order-events", "payments.payment-events"]
        );
        for event in &file.events {
            assert_eq!(
                Some(event),
                snapshot.events.get(&event.name),
                "{}",
                event.name
            );
        }

        // An owner without usable contact details gives no contact.
        let billing = snapshot
            .applications
            .get(&name("billing"))
            .expect("billing");
        let document = self::document(&snapshot, Some(billing), &schemas());
        assert!(document["info"].get("contact").is_none());
        assert_eq!(document["info"]["title"], "billing");
        let file = import(&document, "billing.json").expect("imports").file;
        assert_eq!(file.applications, vec![billing.clone()]);
    }

    #[test]
    fn the_version_an_application_uses_is_the_one_shown() {
        let snapshot = landscape();
        let shop = snapshot.applications.get(&name("shop")).expect("shop");
        let wanted = wanted_subjects(&snapshot, Some(shop));
        assert_eq!(
            wanted.get("payments.payment-events-value"),
            Some(&VersionRange::AtLeast(2))
        );
        assert_eq!(
            wanted.get("orders.order-events-value"),
            Some(&VersionRange::Latest)
        );
        let whole = wanted_subjects(&snapshot, None);
        assert!(whole.values().all(VersionRange::is_latest));
        assert!(whole.contains_key("inventory.stock-value"));
    }

    fn v26() -> Value {
        json!({
            "asyncapi": "2.6.0",
            "info": {"title": "User Service", "version": "1.0.0", "description": "Users."},
            "channels": {
                "user.signedup": {
                    "description": "New users.",
                    "subscribe": {"message": {"$ref": "#/components/messages/UserSignedUp"}}
                },
                "user.commands": {
                    "publish": {"message": {"oneOf": [
                        {"messageId": "DeleteUser", "payload": {"type": "object"}},
                        {"name": "Rename User", "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                         "payload": {"type": "record", "name": "Rename", "fields": []}}
                    ]}}
                }
            },
            "components": {"messages": {
                "UserSignedUp": {"name": "UserSignedUp", "title": "User signed up",
                                 "payload": {"$ref": "#/components/schemas/User"}},
                "Unused": {"summary": "Not on any channel."}
            }, "schemas": {
                "User": {"type": "object", "properties": {
                    "id": {"type": "string"}, "address": {"$ref": "#/components/schemas/Address"}}},
                "Address": {"type": "object", "properties": {"city": {"type": "string"}}}
            }}
        })
    }

    #[test]
    fn asyncapi_2_subscribe_is_what_the_application_sends() {
        let imported = import(&v26(), "users.yaml").expect("imports");
        assert_eq!(imported.asyncapi, "2.6.0");
        let file = imported.file;
        assert_eq!(file.applications.len(), 1);
        let app = &file.applications[0];
        assert_eq!(app.name, name("user-service"));
        assert_eq!(app.title.as_deref(), Some("User Service"));
        assert_eq!(
            app.produces,
            vec![EdgeTarget {
                topic: Some(name("user.signedup")),
                event: Some(name("UserSignedUp")),
                versions: VersionRange::Latest
            }]
        );
        // Both messages of the channel: the whole topic.
        assert_eq!(
            app.consumes,
            vec![EdgeTarget {
                topic: Some(name("user.commands")),
                event: None,
                versions: VersionRange::Latest
            }]
        );
        let events: Vec<(&str, Option<&str>, Option<&str>)> = file
            .events
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.topic.as_ref().map(EntityName::as_str),
                    e.subject.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            events,
            vec![
                (
                    "UserSignedUp",
                    Some("user.signedup"),
                    Some("user.signedup-value")
                ),
                (
                    "DeleteUser",
                    Some("user.commands"),
                    Some("user.commands-DeleteUser")
                ),
                (
                    "Rename-User",
                    Some("user.commands"),
                    Some("user.commands-Rename-User")
                ),
                ("Unused", None, None),
            ]
        );
        assert_eq!(
            file.events[3].description.as_deref(),
            Some("Not on any channel.")
        );
        let types: Vec<(&str, Option<&str>)> = file
            .schemas
            .iter()
            .map(|s| (s.subject.as_str(), s.schema_type.as_deref()))
            .collect();
        assert_eq!(
            types,
            vec![
                ("user.signedup-value", Some("JSON")),
                ("user.commands-DeleteUser", Some("JSON")),
                ("user.commands-Rename-User", Some("AVRO")),
            ]
        );
        // The payload was a $ref with a $ref inside: it now stands alone.
        let user: Value =
            serde_json::from_str(file.schemas[0].versions[0].schema.as_deref().expect("text"))
                .expect("json");
        assert_eq!(
            user["properties"]["address"]["$ref"],
            "#/definitions/Address"
        );
        assert_eq!(
            user["definitions"]["Address"]["properties"]["city"]["type"],
            "string"
        );
    }

    fn error_of(document: &Value) -> String {
        match import(document, "doc.yaml") {
            Ok(_) => panic!("expected an error for {document}"),
            Err(CatalogError::File(FileError::Syntax {
                source_name,
                message,
                ..
            })) => {
                assert_eq!(source_name, "doc.yaml");
                message
            }
            Err(other) => panic!("expected a syntax error, got {other:?}"),
        }
    }

    fn v3(channels: Value, operations: Value) -> Value {
        json!({"asyncapi": "3.0.0", "info": {"title": "App", "version": "1"},
               "channels": channels, "operations": operations,
               "components": {"messages": {"M": {"payload": {"type": "string"}}}}})
    }

    #[test]
    fn bad_documents_are_refused_with_where_and_what() {
        let message = error_of(&json!({"openapi": "3.0.0"}));
        assert!(
            message.contains("/asyncapi") && message.contains("not an AsyncAPI"),
            "{message}"
        );
        let message = error_of(&json!({"asyncapi": "1.2.0", "info": {}}));
        assert!(message.contains("1.2.0 is not supported"), "{message}");
        let message = error_of(&json!({"asyncapi": "3.2.0", "info": {}}));
        assert!(message.contains("not supported"), "{message}");

        let message = error_of(&v3(json!({"c": {"address": null}}), json!({})));
        assert!(
            message.contains("/channels/c/address") && message.contains("channel c"),
            "{message}"
        );
        let message = error_of(&v3(json!({"c": {"address": "has space"}}), json!({})));
        assert!(
            message.contains("/channels/c/address") && message.contains("has space"),
            "{message}"
        );

        let message = error_of(&v3(
            json!({"c": {"address": "c"}}),
            json!({"op": {"action": "send", "channel": {"$ref": "#/channels/nope"}}}),
        ));
        assert!(
            message.contains("/operations/op/channel")
                && message.contains("operation op")
                && message.contains("#/channels/nope"),
            "{message}"
        );
        let message = error_of(&v3(
            json!({"c": {"address": "c", "messages": {"M": {"$ref": "#/components/messages/M"}}}}),
            json!({"op": {"action": "receive", "channel": {"$ref": "#/channels/c"},
                          "messages": [{"$ref": "#/channels/c/messages/Gone"}]}}),
        ));
        assert!(
            message.contains("/operations/op/messages/0") && message.contains("Gone"),
            "{message}"
        );
        let message = error_of(&v3(
            json!({"c": {"address": "c"}}),
            json!({"op": {"action": "publish", "channel": {"$ref": "#/channels/c"}}}),
        ));
        assert!(message.contains("send or receive"), "{message}");
        let mut remote = v3(json!({}), json!({}));
        remote["components"]["messages"]["M"]["payload"] =
            json!({"$ref": "https://example.com/s.json"});
        let message = error_of(&remote);
        assert!(
            message.contains("/components/messages/M/payload"),
            "{message}"
        );

        let error = import(
            &json!({"asyncapi": "2.0.0", "info": {"title": "Old", "version": "1"}}),
            "x",
        )
        .expect("2.0 is read");
        assert_eq!(error.file.applications[0].name, name("old"));
    }

    #[test]
    fn a_3_0_document_from_elsewhere_reads_as_an_application() {
        let document = json!({
            "asyncapi": "3.0.0",
            "info": {"title": "Ledger", "version": "2", "tags": [{"name": "finance"}]},
            "channels": {
                "entries": {"address": "ledger.entries", "messages": {
                    "Entry": {"$ref": "#/components/messages/Entry"},
                    "Reversal": {"$ref": "#/components/messages/Reversal"}}},
                "alerts": {"messages": {"Alert": {"name": "Alert", "deprecated": true,
                                                  "payload": {"schemaFormat": "application/vnd.google.protobuf;version=3",
                                                              "schema": "syntax = \"proto3\";\nmessage Alert {}\n"}}}}
            },
            "operations": {
                "writeEntries": {"action": "send", "channel": {"$ref": "#/channels/entries"},
                                 "messages": [{"$ref": "#/channels/entries/messages/Entry"}],
                                 "x-herald-versions": ">=3"},
                "readAll": {"action": "receive", "channel": {"$ref": "#/channels/entries"}},
                "alert": {"action": "receive", "channel": {"$ref": "#/channels/alerts"},
                          "messages": [{"$ref": "#/channels/alerts/messages/Alert"}]}
            },
            "components": {"messages": {
                "Entry": {"payload": {"schemaFormat": "application/schema+json;version=draft-07",
                                      "schema": {"type": "object"}}},
                "Reversal": {"name": "Reversal"}
            }}
        });
        let file = import(&document, "ledger.yaml").expect("imports").file;
        let app = &file.applications[0];
        assert_eq!(app.name, name("ledger"));
        assert_eq!(app.tags, vec!["finance"]);
        assert_eq!(app.produces[0].event, Some(name("Entry")));
        assert_eq!(app.produces[0].versions, VersionRange::AtLeast(3));
        assert_eq!(
            app.consumes[0],
            EdgeTarget {
                topic: Some(name("ledger.entries")),
                ..EdgeTarget::default()
            }
        );
        assert_eq!(app.consumes[1].topic, Some(name("alerts")));
        assert_eq!(app.consumes[1].event, Some(name("Alert")));
        let alert = file
            .events
            .iter()
            .find(|e| e.name == name("Alert"))
            .expect("alert");
        assert_eq!(alert.lifecycle, Lifecycle::Deprecated);
        assert_eq!(alert.subject.as_deref(), Some("alerts-value"));
        let entry = file
            .events
            .iter()
            .find(|e| e.name == name("Entry"))
            .expect("entry");
        assert_eq!(entry.subject.as_deref(), Some("ledger.entries-value"));
        assert_eq!(entry.topic, Some(name("ledger.entries")));
        let types: Vec<Option<&str>> = file
            .schemas
            .iter()
            .map(|s| s.schema_type.as_deref())
            .collect();
        assert_eq!(types, vec![Some("JSON"), Some("PROTOBUF")]);
    }

    // ---- Protobuf payloads that import what the official parser cannot load

    const CURRENCY_PROTO: &str = "syntax = \"proto3\";\npackage shop.common.v1;\n\nenum Currency {\n  UNKNOWN = 0;\n  EUR = 1;\n  USD = 2;\n}\n";
    const MONEY_PROTO: &str = "syntax = \"proto3\";\npackage shop.common.v1;\n\nimport \"shop/common/v1/currency.proto\";\nimport \"google/protobuf/wrappers.proto\";\n\nmessage Money {\n  int64 units = 1;\n  Currency currency = 2;\n  .google.protobuf.StringValue note = 3;\n  Rounding rounding = 4;\n\n  message Rounding {\n    int32 digits = 1;\n  }\n}\n";
    const ADDRESS_PROTO: &str = "syntax = \"proto3\";\npackage shop.common.v1;\n\nmessage Address {\n  string city = 1;\n}\nmessage Unused {\n  bool flag = 1;\n}\n";
    const LEGACY_PROTO: &str = "syntax = \"proto2\";\npackage shop.legacy;\n\nmessage Money {\n  required int32 cents = 1;\n  repeated int32 history = 2;\n  optional string currency = 3 [default = \"EUR\"];\n}\n";
    /// Imports a chain (Money imports Currency), clashes (its own `Money`, a proto2
    /// `Money` and an enum value `UNKNOWN` both files declare) and a well-known type.
    const ORDER_PROTO: &str = "syntax = \"proto3\";\npackage shop.orders.v1;\n\nimport \"google/protobuf/timestamp.proto\";\nimport \"shop/common/v1/money.proto\";\nimport \"shop/common/v1/address.proto\";\nimport \"shop/legacy/money.proto\";\n\nmessage OrderPlaced {\n  string id = 1;\n  shop.common.v1.Money total = 2;\n  repeated shop.legacy.Money legacy = 3;\n  map<string, shop.common.v1.Money> by_item = 4;\n  Kind kind = 5;\n  google.protobuf.Timestamp at = 6;\n  shop.common.v1.Money.Rounding rounding = 7;\n  shop.common.v1.Address ship_to = 8;\n  Money local = 9;\n  optional int32 priority = 10;\n\n  oneof payment {\n    string card = 11;\n    string voucher = 12;\n  }\n}\nmessage Money {\n  string amount = 1;\n}\nenum Kind {\n  UNKNOWN = 0;\n  RETAIL = 1;\n}\n";
    /// Field-level tags and docs from `confluent/meta.proto`, and a custom option.
    const CUSTOMER_PROTO: &str = "syntax = \"proto3\";\npackage shop.customers.v1;\n\nimport \"confluent/meta.proto\";\nimport \"google/protobuf/descriptor.proto\";\n\noption (confluent.file_meta).doc = \"Customers\";\noption java_package = \"com.shop.customers.v1\";\n\nmessage CustomerRegistered {\n  option (confluent.message_meta).doc = \"A customer signed up.\";\n\n  string id = 1;\n  string email = 2 [(confluent.field_meta) = { doc: \"Where we write\", tags: [\"PII\", \"GDPR\"] }];\n  string name = 3 [(confluent.field_meta).tags = \"PII\", (sensitivity) = \"high\"];\n  repeated int64 scores = 4 [packed = false, deprecated = true];\n  Tier tier = 5;\n\n  enum Tier {\n    option allow_alias = true;\n    TIER_UNSPECIFIED = 0;\n    BASIC = 1;\n    STANDARD = 1;\n  }\n}\n\nextend google.protobuf.FieldOptions {\n  string sensitivity = 50001;\n}\n";

    fn proto(
        subject: &str,
        version: i32,
        id: i64,
        text: &str,
        references: Vec<(&str, ExportedSchema)>,
    ) -> ExportedSchema {
        ExportedSchema {
            references: references
                .into_iter()
                .map(|(name, schema)| ExportedReference {
                    name: name.into(),
                    schema,
                })
                .collect(),
            ..schema(subject, version, id, SchemaType::Protobuf, text)
        }
    }

    fn order_proto() -> ExportedSchema {
        let currency = proto("shop.common.v1.Currency", 1, 30, CURRENCY_PROTO, vec![]);
        let money = proto(
            "shop.common.v1.Money",
            2,
            31,
            MONEY_PROTO,
            vec![("shop/common/v1/currency.proto", currency)],
        );
        let address = proto("shop.common.v1.Address", 1, 32, ADDRESS_PROTO, vec![]);
        let legacy = proto("shop.legacy.Money", 1, 33, LEGACY_PROTO, vec![]);
        proto(
            "inventory.stock-value",
            4,
            34,
            ORDER_PROTO,
            vec![
                ("shop/common/v1/money.proto", money),
                ("shop/common/v1/address.proto", address),
                ("shop/legacy/money.proto", legacy),
            ],
        )
    }

    /// The schemas of the test landscape with `stock` as the Protobuf value of
    /// `inventory.stock`.
    fn schemas_with_stock(stock: ExportedSchema) -> BTreeMap<String, ExportedSchema> {
        let mut schemas = schemas();
        schemas.insert(stock.subject.clone(), stock);
        schemas
    }

    /// Compiles `text` alone: no resolver but protox's `google/protobuf` files.
    fn compile_alone(text: &str) -> prost_reflect::FileDescriptor {
        use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
        struct Payload(String);
        impl FileResolver for Payload {
            fn open_file(&self, name: &str) -> Result<File, protox::Error> {
                if name == "payload.proto" {
                    File::from_source(name, &self.0)
                } else {
                    Err(protox::Error::file_not_found(name))
                }
            }
        }
        let mut resolver = ChainFileResolver::new();
        resolver.add(Payload(text.to_owned()));
        resolver.add(GoogleFileResolver::new());
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        if let Err(error) = compiler.open_file("payload.proto") {
            panic!("{error}\n{text}");
        }
        compiler
            .descriptor_pool()
            .get_file_by_name("payload.proto")
            .expect("compiled")
    }

    /// The registered schema, parsed with its references.
    fn registered(schema: &ExportedSchema) -> ProtobufSchema {
        ProtobufSchema::parse(&schema.text, &protobuf_dependencies(schema)).expect("parses")
    }

    /// Whether a repeated field is packed on the wire. (prost-reflect's `is_packed` goes by
    /// the syntax alone: an explicit `packed` option is not seen.)
    fn packed(field: &prost_reflect::FieldDescriptor) -> bool {
        let packable = field.is_list()
            && !matches!(
                field.kind(),
                prost_reflect::Kind::String
                    | prost_reflect::Kind::Bytes
                    | prost_reflect::Kind::Message(_)
            );
        let proto3 = field.parent_file().syntax() == prost_reflect::Syntax::Proto3;
        let explicit = field
            .field_descriptor_proto()
            .options
            .as_ref()
            .and_then(|o| o.packed);
        packable && explicit.unwrap_or(proto3)
    }

    /// Fields keep names, numbers, JSON names, packing, presence, oneofs and types (by
    /// shape: copied types may have a new full name) all the way down. A proto2
    /// `required` field may become proto3 `optional` (explicit presence, as on the wire);
    /// proto2 cannot say "no presence", so a proto3 copy in a proto2 file has it.
    fn assert_same_wire(
        original: &prost_reflect::MessageDescriptor,
        shown: &prost_reflect::MessageDescriptor,
        seen: &mut BTreeSet<(String, String)>,
    ) {
        use prost_reflect::{Cardinality, Kind};
        if !seen.insert((original.full_name().into(), shown.full_name().into())) {
            return;
        }
        assert_eq!(original.name(), shown.name());
        let same_syntax = original.parent_file().syntax() == shown.parent_file().syntax();
        let describe = |m: &prost_reflect::MessageDescriptor| -> Vec<String> {
            m.fields()
                .map(|f| {
                    let cardinality = match f.cardinality() {
                        Cardinality::Required => Cardinality::Optional,
                        other => other,
                    };
                    let kind = match f.kind() {
                        Kind::Message(m) => format!("message {}", m.name()),
                        Kind::Enum(e) => format!("enum {}", e.name()),
                        scalar => format!("{scalar:?}"),
                    };
                    let oneof = f
                        .containing_oneof()
                        .filter(|o| !o.is_synthetic())
                        .map(|o| o.name().to_owned());
                    format!(
                        "{} {} {} {cardinality:?} {kind} map={} packed={} presence={} oneof={oneof:?}",
                        f.number(),
                        f.name(),
                        f.json_name(),
                        f.is_map(),
                        packed(&f),
                        f.supports_presence() || !same_syntax
                    )
                })
                .collect()
        };
        assert_eq!(
            describe(original),
            describe(shown),
            "{}",
            original.full_name()
        );
        for field in original.fields() {
            let other = shown.get_field(field.number()).expect("same numbers");
            match (field.kind(), other.kind()) {
                (Kind::Message(a), Kind::Message(b)) => assert_same_wire(&a, &b, seen),
                (Kind::Enum(a), Kind::Enum(b)) => {
                    let values = |e: &prost_reflect::EnumDescriptor| -> Vec<(String, i32)> {
                        e.values()
                            .map(|v| (v.name().to_owned(), v.number()))
                            .collect()
                    };
                    assert_eq!(values(&a), values(&b), "{}", a.full_name());
                }
                _ => {}
            }
        }
    }

    fn field_type(file: &prost_reflect::FileDescriptor, message: &str, field: &str) -> String {
        let message = file
            .parent_pool()
            .get_message_by_name(message)
            .expect(message);
        match message.get_field_by_name(field).expect(field).kind() {
            prost_reflect::Kind::Message(m) => m.full_name().to_owned(),
            prost_reflect::Kind::Enum(e) => e.full_name().to_owned(),
            scalar => format!("{scalar:?}"),
        }
    }

    #[test]
    fn protobuf_imports_become_copies_in_a_self_contained_payload() {
        let order = order_proto();
        let text = protobuf_payload(&order);
        assert!(!text.contains("import \"shop/"), "{text}");
        assert!(
            text.contains("import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/wrappers.proto\";\n"),
            "{text}"
        );
        // Copies keep their name unless taken: the file's own Money, an enum value
        // UNKNOWN of Kind. Those go into a message named after their package.
        for line in [
            "// @RootNode\nmessage OrderPlaced {\n",
            "  ShopCommonV1.Money total = 2;\n",
            "  repeated ShopLegacy.Money legacy = 3;\n",
            "  map<string, ShopCommonV1.Money> by_item = 4;\n",
            "  Kind kind = 5;\n",
            "  google.protobuf.Timestamp at = 6;\n",
            "  ShopCommonV1.Money.Rounding rounding = 7;\n",
            "  Address ship_to = 8;\n",
            "  .shop.orders.v1.Money local = 9;\n",
            "  optional int32 priority = 10;\n",
            "// Copy of shop.common.v1.Address (shop/common/v1/address.proto).\nmessage Address {\n  string city = 1;\n}\n",
            "// Not a message of the schema: holds copies of types of package shop.common.v1.\nmessage ShopCommonV1 {\n  // Copy of shop.common.v1.Money (shop/common/v1/money.proto).\n  message Money {\n    int64 units = 1;\n    Currency currency = 2;\n    google.protobuf.StringValue note = 3;\n    Rounding rounding = 4;\n",
            "  enum Currency {\n    UNKNOWN = 0;\n",
            // proto2 in a proto3 file: packing and presence say what the wire does.
            "    // required (proto2)\n    optional int32 cents = 1;\n    repeated int32 history = 2 [packed = false];\n    // default (proto2): EUR\n    optional string currency = 3;\n",
        ] {
            assert!(text.contains(line), "{line:?} not in\n{text}");
        }
        assert!(
            !text.contains("Unused"),
            "only what is used is copied:\n{text}"
        );

        // It compiles alone, and every field is as registered.
        let shown = compile_alone(&text);
        let original = registered(&order);
        let mut seen = BTreeSet::new();
        for message in original.file().messages() {
            let copy = shown
                .parent_pool()
                .get_message_by_name(message.full_name())
                .unwrap_or_else(|| panic!("{}", message.full_name()));
            assert_same_wire(&message, &copy, &mut seen);
        }
        let root = "shop.orders.v1.OrderPlaced";
        for (field, full_name) in [
            ("total", "shop.orders.v1.ShopCommonV1.Money"),
            ("legacy", "shop.orders.v1.ShopLegacy.Money"),
            ("rounding", "shop.orders.v1.ShopCommonV1.Money.Rounding"),
            ("ship_to", "shop.orders.v1.Address"),
            ("local", "shop.orders.v1.Money"),
            ("kind", "shop.orders.v1.Kind"),
            ("at", "google.protobuf.Timestamp"),
        ] {
            assert_eq!(field_type(&shown, root, field), full_name, "{field}");
        }
        assert_eq!(
            field_type(&shown, "shop.orders.v1.ShopCommonV1.Money", "currency"),
            "shop.orders.v1.ShopCommonV1.Currency"
        );
    }

    #[test]
    fn confluent_options_become_comments() {
        let customer = proto("customers-value", 1, 40, CUSTOMER_PROTO, vec![]);
        let text = protobuf_payload(&customer);
        assert_eq!(
            text,
            "syntax = \"proto3\";\npackage shop.customers.v1;\n\noption java_package = \"com.shop.customers.v1\";\n\n\
             // A customer signed up.\nmessage CustomerRegistered {\n  string id = 1;\n  // Where we write\n  // tags: PII, GDPR\n  string email = 2;\n  // tags: PII\n  string name = 3;\n  repeated int64 scores = 4 [\n    packed = false,\n    deprecated = true\n  ];\n  Tier tier = 5;\n\n  enum Tier {\n    option allow_alias = true;\n    TIER_UNSPECIFIED = 0;\n    BASIC = 1;\n    STANDARD = 1;\n  }\n}\n"
        );
        let shown = compile_alone(&text);
        let original = registered(&customer);
        let message = original.file().messages().next().expect("a message");
        let copy = shown.messages().next().expect("a message");
        assert_same_wire(&message, &copy, &mut BTreeSet::new());
    }

    /// More shapes: each payload compiles alone, with the same fields.
    #[test]
    fn self_contained_payloads_compile_alone_with_the_same_fields() {
        let dep = |name: &str, text: &str| (name.to_owned(), text.to_owned());
        let cases: Vec<(&str, Vec<(String, String)>)> = vec![
            // proto2 file using a proto3 copy: repeated scalars say `packed`.
            (
                "syntax = \"proto2\";\npackage a;\n\nimport \"b.proto\";\n\nmessage A {\n  optional b.B b = 1;\n  repeated int32 n = 2;\n  extensions 100 to 200;\n}\nextend A {\n  optional b.B.Kind kind = 100;\n}\n",
                vec![dep(
                    "b.proto",
                    "syntax = \"proto3\";\npackage b;\n\nmessage B {\n  repeated int32 n = 1;\n  optional string s = 2;\n  Kind kind = 3;\n\n  enum Kind {\n    KIND_UNSPECIFIED = 0;\n  }\n}\n",
                )],
            ),
            // No package; a public import chain; a built-in file (Confluent's decimal)
            // and google/type; a service; a self-reference to the root.
            (
                "syntax = \"proto3\";\n\nimport \"c.proto\";\nimport \"confluent/type/decimal.proto\";\nimport \"google/type/money.proto\";\n\nmessage Root {\n  D d = 1;\n  confluent.type.Decimal price = 2;\n  google.type.Money money = 3;\n  repeated Root children = 4;\n  Other other = 5;\n}\nmessage Other {\n  Root root = 1;\n}\nservice S {\n  rpc Get (D) returns (Root);\n}\n",
                vec![
                    dep(
                        "d.proto",
                        "syntax = \"proto3\";\n\nmessage D {\n  map<string, D> children = 1;\n}\n",
                    ),
                    dep(
                        "c.proto",
                        "syntax = \"proto3\";\n\nimport public \"d.proto\";\n",
                    ),
                ],
            ),
        ];
        for (text, dependencies) in cases {
            let mut seen = BTreeSet::new();
            let mut references = Vec::new();
            for (i, (name, dep_text)) in dependencies.iter().enumerate() {
                let subject = format!("dep{i}");
                let schema = proto(&subject, 1, 50, dep_text, std::mem::take(&mut references));
                references = vec![(name.as_str(), schema)];
            }
            // A chain in the order given (each depends on the one before): enough here.
            let schema = proto("root", 1, 60, text, references);
            let registered = ProtobufSchema::parse(
                text,
                &dependencies
                    .iter()
                    .map(|(name, text)| Dependency {
                        name: name.clone(),
                        text: text.clone(),
                    })
                    .collect::<Vec<_>>(),
            )
            .expect("parses");
            let payload = protobuf_payload(&schema);
            assert!(!payload.contains("import \"c.proto\""), "{payload}");
            let syntax = text.lines().next().expect("a syntax line");
            assert!(payload.starts_with(syntax), "{payload}");
            // google/type files are not protox's: the registry's own resolver has them.
            let shown = ProtobufSchema::parse(&payload, &[])
                .unwrap_or_else(|e| panic!("{e}\n{payload}"))
                .file();
            for import in shown.dependencies() {
                assert!(parser_loads(import.name()), "{}\n{payload}", import.name());
            }
            for message in registered.file().messages() {
                let copy = shown
                    .parent_pool()
                    .get_message_by_name(message.full_name())
                    .unwrap_or_else(|| panic!("{}\n{payload}", message.full_name()));
                assert_same_wire(&message, &copy, &mut seen);
            }
        }
    }

    #[test]
    fn self_contained_payloads_read_back_as_registered() {
        let document = document(&landscape(), None, &schemas_with_stock(order_proto()));
        assert_refs_resolve(&document);
        let payload = &document["components"]["messages"]["inventory.stock-value"]["payload"];
        assert!(
            payload["schema"]
                .as_str()
                .expect("text")
                .contains("message ShopCommonV1 {")
        );
        assert_eq!(payload["x-herald-schema-text"], ORDER_PROTO);
        assert_eq!(
            payload["x-herald-references"],
            json!([
                {"name": "shop/common/v1/money.proto", "subject": "shop.common.v1.Money", "version": 2},
                {"name": "shop/common/v1/address.proto", "subject": "shop.common.v1.Address", "version": 1},
                {"name": "shop/legacy/money.proto", "subject": "shop.legacy.Money", "version": 1}
            ])
        );
        // A referenced file of enums only gets a message the parser can take as its root.
        let currency = &document["components"]["schemas"]["shop.common.v1.Currency.v1"];
        assert_eq!(
            currency["schema"],
            format!(
                "{CURRENCY_PROTO}\n// @RootNode\n// Not part of the schema: this file declares no message.\nmessage HeraldNoMessage {{}}\n"
            )
        );
        assert_eq!(currency["x-herald-schema-text"], CURRENCY_PROTO);
        // A referenced version that imports is shown self-contained as well.
        let money = &document["components"]["schemas"]["shop.common.v1.Money.v2"];
        assert_eq!(money["x-herald-schema-text"], MONEY_PROTO);
        assert!(
            !money["schema"]
                .as_str()
                .expect("text")
                .contains("import \"shop/")
        );

        let file = import(&document, "catalog.json").expect("imports").file;
        type Reference = (String, String, i32);
        let protobuf: Vec<(&str, Option<&str>, Vec<Reference>)> = file
            .schemas
            .iter()
            .filter(|s| s.schema_type.as_deref() == Some("PROTOBUF"))
            .map(|s| {
                assert_eq!(s.versions.len(), 1, "{}", s.subject);
                let version = &s.versions[0];
                let references = version
                    .references
                    .iter()
                    .map(|r| (r.name.clone(), r.subject.clone(), r.version))
                    .collect();
                (s.subject.as_str(), version.schema.as_deref(), references)
            })
            .collect();
        let reference = |name: &str, subject: &str, version: i32| {
            (name.to_owned(), subject.to_owned(), version)
        };
        assert_eq!(
            protobuf,
            vec![
                ("shop.common.v1.Currency", Some(CURRENCY_PROTO), vec![]),
                (
                    "shop.common.v1.Money",
                    Some(MONEY_PROTO),
                    vec![reference(
                        "shop/common/v1/currency.proto",
                        "shop.common.v1.Currency",
                        1
                    )]
                ),
                ("shop.common.v1.Address", Some(ADDRESS_PROTO), vec![]),
                ("shop.legacy.Money", Some(LEGACY_PROTO), vec![]),
                (
                    "inventory.stock-value",
                    Some(ORDER_PROTO),
                    vec![
                        reference("shop/common/v1/money.proto", "shop.common.v1.Money", 2),
                        reference("shop/common/v1/address.proto", "shop.common.v1.Address", 1),
                        reference("shop/legacy/money.proto", "shop.legacy.Money", 1),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(
            slug("Order Service (v2)", true),
            Some(name("order-service-v2"))
        );
        assert_eq!(slug("  ", true), None);
        assert_eq!(slug("user signed up", false), Some(name("user-signed-up")));
        assert_eq!(component_key(":.ctx:orders/value"), "_.ctx_orders_value");
        assert_eq!(
            percent_decode("/components/messages/a%20b"),
            "/components/messages/a b"
        );
        assert_eq!(child("/x", "a/b~c"), "/x/a~1b~0c");
        assert!(looks_like_uri("https://example.com/x"));
        assert!(!looks_like_uri("wiki/x"));
        assert!(looks_like_email("a@example.com"));
        assert!(!looks_like_email("a b@example"));
        assert!(is_proto2("message A {}"));
        assert!(!is_proto2("syntax = \"proto3\";\nmessage A {}"));
        assert_eq!(
            mark_root_message("syntax = \"proto3\";\nmessage A {\n}\n", false),
            None
        );
    }

    /// Writes the documents of the test landscape to `$HERALD_ASYNCAPI_OUT` (a directory),
    /// for `tests/asyncapi/validate.mjs`; does nothing when it is unset.
    #[test]
    fn writes_documents_for_the_official_parser() {
        let Some(dir) = std::env::var_os("HERALD_ASYNCAPI_OUT") else {
            return;
        };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("output directory");
        let snapshot = landscape();
        let schemas = schemas();
        let mut documents = vec![(
            "unit-catalog".to_owned(),
            document(&snapshot, None, &schemas),
        )];
        for application in snapshot.applications.values() {
            documents.push((
                format!("unit-app-{}", application.name),
                document(&snapshot, Some(application), &schemas),
            ));
        }
        let customer = proto("inventory.stock-value", 1, 40, CUSTOMER_PROTO, vec![]);
        for (stem, stock) in [
            ("unit-protobuf-imports", order_proto()),
            ("unit-protobuf-meta", customer),
        ] {
            let schemas = schemas_with_stock(stock);
            documents.push((stem.to_owned(), document(&snapshot, None, &schemas)));
        }
        for (stem, document) in documents {
            let json = serde_json::to_string_pretty(&document).expect("json");
            std::fs::write(dir.join(format!("{stem}.json")), json).expect("write");
            let yaml = serde_yaml_ng::to_string(&document).expect("yaml");
            std::fs::write(dir.join(format!("{stem}.yaml")), yaml).expect("write");
        }
    }
}
