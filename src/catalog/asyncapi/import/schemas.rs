//! Payloads as schema versions: each message's payload (a 3.x Multi Format Schema Object
//! or a 2.x message), its subject (named or derived), the text to register (Herald's
//! note of the registered text, else the payload made to stand alone) and the versions it
//! references, grouped by subject with dependencies first.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::super::{MAX_REFERENCE_DEPTH, component_key};
use super::{Collected, FoundMessage, HintedVersions, Payload, Reader};
use crate::catalog::CatalogError;
use crate::catalog::file::{ReferenceEntry, SchemaEntry, SchemaVersionEntry};
use crate::schema::SchemaType;
use crate::schema::json::embed::for_each_ref;
use crate::schema::pointer::{child, percent_decode};

impl<'a> Reader<'a> {
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
    pub(super) fn message_subjects(&self) -> Result<Vec<Option<String>>, CatalogError> {
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

    pub(super) fn schemas(
        &self,
        subjects: &[Option<String>],
    ) -> Result<Vec<SchemaEntry>, CatalogError> {
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
            for_each_ref(value, &mut |reference| {
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
