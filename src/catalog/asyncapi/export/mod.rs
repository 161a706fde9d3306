//! The AsyncAPI 3.0.0 document of a snapshot (or of one application): channels from
//! topics, messages from events and value subjects, operations from edges, payloads from
//! the schemas the use case gathered (see the mapping in [`super`]). Pure.

mod scope;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{
    ASYNCAPI_VERSION, AVRO_FORMAT, ExportedSchema, JSON_SCHEMA_FORMAT, PROTOBUF_FORMAT,
    component_key,
};
use crate::catalog::model::{
    Application, Date, EntityName, Event, Lifecycle, Metadata, Team, Topic,
};
use crate::catalog::snapshot::{Role, Snapshot};
use crate::schema::json::embed::{convert_to_draft_07, relocate_refs};
use crate::schema::protobuf::standalone::{is_proto2, single_root_text};
use crate::schema::{Dependency, SchemaType};

use scope::Scope;
pub(super) use scope::wanted_subjects;

const PROTOBUF2_FORMAT: &str = "application/vnd.google.protobuf;version=2";

/// The AsyncAPI 3.0.0 document of `snapshot` (or of what `application` produces and
/// consumes), with the payloads in `schemas` (by subject). Pure:
/// [`Catalog::asyncapi`](crate::catalog::Catalog::asyncapi) gathers the schemas.
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
                        principals: Vec::new(),
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
            "x-herald-deprecated-on",
            event.deprecated_on.as_ref().map(Date::as_str),
        );
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
                let converted = convert_to_draft_07(&mut body);
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
fn protobuf_payload(schema: &ExportedSchema) -> String {
    single_root_text(&schema.text, &protobuf_dependencies(schema), parser_loads)
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
