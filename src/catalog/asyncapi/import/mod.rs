//! An AsyncAPI 2.0-2.6 or 3.0-3.1 document read as a catalog file (pure): the reader,
//! its view of the document, and the value helpers every part uses. The parts read
//! channels and messages ([`channels`]), operations ([`operations`]) and payloads
//! ([`schemas`]).

mod channels;
mod operations;
mod schemas;
#[cfg(test)]
mod tests;

use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::ImportedCatalog;
use crate::catalog::CatalogError;
use crate::catalog::file::{CatalogFile, FileError, SchemaVersionEntry};
use crate::catalog::model::{
    Application, Domain, EntityName, Lifecycle, MAX_NAME_LEN, Metadata, Team, is_name_char,
};
use crate::catalog::snapshot::Role;
use crate::schema::SchemaType;
use crate::schema::pointer::{child, percent_decode};

/// How many `$ref`s in a row are followed before giving up (a loop).
const MAX_REF_CHAIN: usize = 32;

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
        principals: Vec::new(),
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
