//! The fields of a parsed schema, as a flat list in tree order: what the portal shows as a
//! field tree and what the catalog indexes field-level tags from.
//!
//! One walk per format, all with the same shape: the fields of the root record (Avro),
//! object (JSON Schema) or first message (Protobuf) at depth 0, then, right after each
//! field, the fields of the record/object/message it holds (directly, through a nullable
//! union, or as the element of an array or map) one level deeper. Paths are dotted field
//! names; array and map elements add no segment (`lines.sku`).
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

use std::collections::HashSet;

use prost_reflect::{Cardinality, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value};

use super::ParsedSchema;
use super::avro::AvroSchema;
use super::avro::model::{NamedKind, Schema as AvroNode, TypeTable};
use super::json::JsonSchema;
use super::protobuf::ProtobufSchema;

/// Most fields listed for one schema.
pub const MAX_FIELDS: usize = 10_000;

/// Levels of nesting listed: fields have a depth of `0..MAX_DEPTH`.
pub const MAX_DEPTH: usize = 32;

/// Steps of work one walk may take (type descriptions, subschemas visited...), so that a
/// schema built to be expensive (a huge union expanded thousands of times) stays cheap.
const WORK_BUDGET: usize = 1_000_000;

/// Deepest array/map nesting searched for records inside one Avro field type (the parser
/// accepts 256 levels).
const AVRO_NESTING: usize = 300;

/// Deepest nesting a type description spells out before writing `…`.
const DESCRIBE_DEPTH: usize = 8;

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
            Self::Avro(schema) => avro_fields(schema),
            Self::Protobuf(schema) => protobuf_fields(schema),
            Self::Json(schema) => json_fields(schema),
        }
    }
}

/// The fields of the Protobuf message `full_name` (any message of the schema's file or of
/// its imports); `None` when there is no such message.
pub fn protobuf_message_fields(schema: &ProtobufSchema, full_name: &str) -> Option<Vec<FieldInfo>> {
    let message = schema.pool().get_message_by_name(full_name)?;
    let mut walker = ProtoWalker {
        out: Out::new(),
        stack: Vec::new(),
    };
    walker.message(&message, "", 0);
    Some(walker.out.fields)
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// The list being built, with the limits every walk obeys.
struct Out {
    fields: Vec<FieldInfo>,
    budget: usize,
}

impl Out {
    fn new() -> Self {
        Self {
            fields: Vec::new(),
            budget: WORK_BUDGET,
        }
    }

    /// Whether the walk must stop: the list is full or the work budget is spent.
    fn done(&self) -> bool {
        self.fields.len() >= MAX_FIELDS || self.budget == 0
    }

    /// Spends one step of work; false when none is left.
    fn step(&mut self) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        true
    }

    fn push(&mut self, field: FieldInfo) {
        if self.fields.len() < MAX_FIELDS {
            self.fields.push(field);
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Adds the strings of a tag list (an array of strings, or one string) not seen yet.
fn add_tags(tags: &mut Vec<String>, value: &Value) {
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
const TAG_KEYS: [&str; 2] = ["confluent:tags", "tags"];

// ---------------------------------------------------------------------------------------
// Avro

fn avro_fields(schema: &AvroSchema) -> Vec<FieldInfo> {
    let mut walker = AvroWalker {
        table: schema.type_table(),
        out: Out::new(),
        stack: Vec::new(),
    };
    for record in walker.records_within(schema.root()) {
        walker.record(record, "", 0);
    }
    walker.out.fields
}

struct AvroWalker<'a> {
    table: &'a TypeTable,
    out: Out,
    /// Records being expanded on the current path (indexes into the table).
    stack: Vec<usize>,
}

impl AvroWalker<'_> {
    /// Lists the fields of record `index` at `depth`, each followed by its own fields.
    fn record(&mut self, index: usize, prefix: &str, depth: usize) {
        if depth >= MAX_DEPTH || self.out.done() {
            return;
        }
        let Some(NamedKind::Record { fields, .. }) = self.table.get(index).map(|t| &t.kind) else {
            return;
        };
        self.stack.push(index);
        for field in fields {
            if self.out.done() {
                break;
            }
            let path = join(prefix, &field.name);
            let mut tags = Vec::new();
            for key in TAG_KEYS {
                for (_, value) in field.props.iter().filter(|(k, _)| k == key) {
                    add_tags(&mut tags, value);
                }
            }
            let type_name = self.describe(&field.schema, 0);
            self.out.push(FieldInfo {
                path: path.clone(),
                name: field.name.clone(),
                depth,
                type_name,
                doc: field.doc.clone(),
                default: field.default.as_ref().map(Value::to_string),
                required: field.default.is_none() && !avro_nullable(&field.schema),
                tags,
            });
            for inner in self.records_within(&field.schema) {
                // A record already being expanded is listed, not expanded again.
                if !self.stack.contains(&inner) {
                    self.record(inner, &path, depth + 1);
                }
            }
        }
        self.stack.pop();
    }

    /// The records a value of `schema` holds: itself, union branches, array items and
    /// map values (each once, in order).
    fn records_within(&mut self, schema: &AvroNode) -> Vec<usize> {
        let mut found = Vec::new();
        self.collect_records(schema, &mut found, 0);
        found
    }

    fn collect_records(&mut self, schema: &AvroNode, found: &mut Vec<usize>, depth: usize) {
        if depth > AVRO_NESTING || !self.out.step() {
            return;
        }
        match schema {
            AvroNode::Primitive { .. } => {}
            AvroNode::Array { items: inner, .. } | AvroNode::Map { values: inner, .. } => {
                self.collect_records(inner, found, depth + 1);
            }
            AvroNode::Union(branches) => {
                for branch in branches {
                    self.collect_records(branch, found, depth + 1);
                }
            }
            AvroNode::Named(index) => {
                let is_record = matches!(
                    self.table.get(*index).map(|t| &t.kind),
                    Some(NamedKind::Record { .. })
                );
                if is_record && !found.contains(index) {
                    found.push(*index);
                }
            }
        }
    }

    /// A short human type: `long (timestamp-millis)`, `array<OrderLine>`, `null | string`,
    /// `enum Status`, `Money`.
    fn describe(&mut self, schema: &AvroNode, depth: usize) -> String {
        if depth > DESCRIBE_DEPTH || !self.out.step() {
            return "…".to_owned();
        }
        match schema {
            AvroNode::Primitive { kind, props } => with_logical(kind.name(), props),
            AvroNode::Array { items, .. } => format!("array<{}>", self.describe(items, depth + 1)),
            AvroNode::Map { values, .. } => format!("map<{}>", self.describe(values, depth + 1)),
            AvroNode::Union(branches) => branches
                .iter()
                .map(|branch| self.describe(branch, depth + 1))
                .collect::<Vec<_>>()
                .join(" | "),
            AvroNode::Named(index) => match self.table.get(*index) {
                Some(named) => match &named.kind {
                    NamedKind::Record { .. } => named.name.name.clone(),
                    NamedKind::Enum { .. } => format!("enum {}", named.name.name),
                    NamedKind::Fixed { size } => {
                        with_logical(&format!("fixed {}[{size}]", named.name.name), &named.props)
                    }
                },
                None => "unknown".to_owned(),
            },
        }
    }
}

/// `base`, followed by the `logicalType` property in parentheses when there is one.
fn with_logical(base: &str, props: &[(String, Value)]) -> String {
    match props
        .iter()
        .find(|(key, _)| key == "logicalType")
        .and_then(|(_, value)| value.as_str())
    {
        Some(logical) => format!("{base} ({logical})"),
        None => base.to_owned(),
    }
}

/// `null`, or a union with a `null` branch.
fn avro_nullable(schema: &AvroNode) -> bool {
    let is_null = |node: &AvroNode| {
        matches!(
            node,
            AvroNode::Primitive {
                kind: super::avro::model::Primitive::Null,
                ..
            }
        )
    };
    match schema {
        AvroNode::Union(branches) => branches.iter().any(is_null),
        other => is_null(other),
    }
}

// ---------------------------------------------------------------------------------------
// JSON Schema

fn json_fields(schema: &JsonSchema) -> Vec<FieldInfo> {
    let mut documents: Vec<(&str, &Value)> = vec![("", schema.value())];
    documents.extend(
        schema
            .dependency_documents()
            .iter()
            .map(|(name, value)| (name.as_str(), value)),
    );
    let mut walker = JsonWalker {
        documents,
        out: Out::new(),
        // The root document itself is being expanded (`"$ref": "#"` recurses).
        stack: vec![(0, String::new())],
    };
    walker.expand(schema.value(), 0, "", 0);
    walker.out.fields
}

/// A subschema location: document index and JSON pointer.
type Location = (usize, String);

struct JsonWalker<'a> {
    /// The root schema, then the dependencies by reference name.
    documents: Vec<(&'a str, &'a Value)>,
    out: Out,
    /// `$ref` targets being expanded on the current path.
    stack: Vec<Location>,
}

/// A property found while gathering the fields of an object schema.
struct Property<'a> {
    name: &'a str,
    schema: &'a Value,
    /// The document the property's subschema is in (for its `$ref`s).
    document: usize,
    /// Listed in the `required` of the object declaring it.
    required: bool,
}

/// Most subschemas one gathering follows through `$ref`, `allOf`, `anyOf`, `oneOf`,
/// `items` and `additionalProperties` before giving up.
const GATHER_DEPTH: usize = 64;

impl<'a> JsonWalker<'a> {
    /// Lists the properties of the object(s) `schema` describes at `depth`, each followed by
    /// its own fields.
    fn expand(&mut self, schema: &'a Value, document: usize, prefix: &str, depth: usize) {
        if depth >= MAX_DEPTH || self.out.done() {
            return;
        }
        let base = self.stack.len();
        let mut properties = Vec::new();
        let mut required = HashSet::new();
        self.gather(schema, document, true, &mut properties, &mut required, 0);
        for property in properties {
            if self.out.done() {
                break;
            }
            let path = join(prefix, property.name);
            let field = FieldInfo {
                path: path.clone(),
                name: property.name.to_owned(),
                depth,
                type_name: self.describe(property.schema, property.document, 0),
                doc: property
                    .schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                default: property.schema.get("default").map(Value::to_string),
                required: property.required || required.contains(property.name),
                tags: self.tags(property.schema, property.document),
            };
            self.out.push(field);
            self.expand(property.schema, property.document, &path, depth + 1);
        }
        // The `$ref` targets entered while gathering stay on the stack while their
        // properties are expanded, and only then.
        self.stack.truncate(base);
    }

    /// Collects the properties of `schema`: its own, those of its `allOf`, `anyOf` and
    /// `oneOf` members, of the schema its `$ref` names (unless that one is already being
    /// expanded), and of its array items or map values. `required` gathers the names the
    /// object must have (from the conjunctive part: the schema, `allOf`, `$ref`).
    fn gather(
        &mut self,
        schema: &'a Value,
        document: usize,
        conjunctive: bool,
        properties: &mut Vec<Property<'a>>,
        required: &mut HashSet<&'a str>,
        depth: usize,
    ) {
        if depth > GATHER_DEPTH || !self.out.step() {
            return;
        }
        let Value::Object(object) = schema else {
            return;
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str)
            && let Some((location, target)) = self.resolve(document, reference)
            && !self.stack.contains(&location)
        {
            let target_document = location.0;
            self.stack.push(location);
            self.gather(
                target,
                target_document,
                conjunctive,
                properties,
                required,
                depth + 1,
            );
        }
        let own_required = required_names(object);
        if conjunctive {
            required.extend(own_required.iter().copied());
        }
        if let Some(own) = object.get("properties").and_then(Value::as_object) {
            for (name, subschema) in own {
                if properties.len() + self.out.fields.len() >= MAX_FIELDS || !self.out.step() {
                    break;
                }
                if properties.iter().any(|p| p.name == name) {
                    continue;
                }
                properties.push(Property {
                    name,
                    schema: subschema,
                    document,
                    required: own_required.contains(name.as_str()),
                });
            }
        }
        for (keyword, keeps_conjunction) in [("allOf", true), ("anyOf", false), ("oneOf", false)] {
            for member in object
                .get(keyword)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.gather(
                    member,
                    document,
                    conjunctive && keeps_conjunction,
                    properties,
                    required,
                    depth + 1,
                );
            }
        }
        // Array items and map values: their fields continue under this one's name.
        // (`items` as an array is a tuple: positions, not fields.)
        if let Some(items) = object.get("items").filter(|items| items.is_object()) {
            self.gather(items, document, true, properties, required, depth + 1);
        }
        if !object.contains_key("properties")
            && let Some(values) = object
                .get("additionalProperties")
                .filter(|values| values.is_object())
        {
            self.gather(values, document, true, properties, required, depth + 1);
        }
    }

    /// The tags on a property's subschema, then on the schemas its `$ref`s lead to.
    fn tags(&mut self, schema: &'a Value, document: usize) -> Vec<String> {
        let mut tags = Vec::new();
        let (mut schema, mut document) = (schema, document);
        for _ in 0..GATHER_DEPTH {
            for key in TAG_KEYS {
                if let Some(value) = schema.get(key) {
                    add_tags(&mut tags, value);
                }
            }
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(((target_document, _), target)) = self.resolve(document, reference) else {
                break;
            };
            (schema, document) = (target, target_document);
        }
        tags
    }

    /// A short human type: `string (email)`, `null | string`, `array<Address>`, `object`,
    /// `map<integer>`, `enum`, or the name a `$ref` points at.
    fn describe(&mut self, schema: &'a Value, document: usize, depth: usize) -> String {
        if depth > DESCRIBE_DEPTH || !self.out.step() {
            return "…".to_owned();
        }
        let object = match schema {
            Value::Bool(true) => return "any".to_owned(),
            Value::Bool(false) => return "never".to_owned(),
            Value::Object(object) => object,
            _ => return "any".to_owned(),
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return self.reference_name(document, reference);
        }
        let title = object.get("title").and_then(Value::as_str);
        if object.contains_key("enum") {
            return match title {
                Some(title) => format!("enum {title}"),
                None => "enum".to_owned(),
            };
        }
        if let Some(value) = object.get("const") {
            return format!("const {value}");
        }
        match object.get("type") {
            Some(Value::String(name)) => self.describe_type(name, object, document, depth),
            Some(Value::Array(names)) => names
                .iter()
                .filter_map(Value::as_str)
                .map(|name| self.describe_type(name, object, document, depth))
                .collect::<Vec<_>>()
                .join(" | "),
            _ => {
                for (keyword, separator) in [("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")] {
                    if let Some(members) = object.get(keyword).and_then(Value::as_array)
                        && !members.is_empty()
                    {
                        return members
                            .iter()
                            .map(|member| self.describe(member, document, depth + 1))
                            .collect::<Vec<_>>()
                            .join(separator);
                    }
                }
                if object.contains_key("properties") {
                    self.describe_type("object", object, document, depth)
                } else if object.contains_key("items") {
                    self.describe_type("array", object, document, depth)
                } else {
                    "any".to_owned()
                }
            }
        }
    }

    fn describe_type(
        &mut self,
        name: &str,
        object: &'a Map<String, Value>,
        document: usize,
        depth: usize,
    ) -> String {
        let format = object.get("format").and_then(Value::as_str);
        let title = object.get("title").and_then(Value::as_str);
        let base = match name {
            "array" => match object.get("items").filter(|items| items.is_object()) {
                Some(items) => format!("array<{}>", self.describe(items, document, depth + 1)),
                None => "array".to_owned(),
            },
            "object" => match (title, object.get("additionalProperties")) {
                (Some(title), _) => title.to_owned(),
                (None, Some(values @ Value::Object(_))) if !object.contains_key("properties") => {
                    format!("map<{}>", self.describe(values, document, depth + 1))
                }
                _ => "object".to_owned(),
            },
            other => other.to_owned(),
        };
        match format {
            Some(format) => format!("{base} ({format})"),
            None => base,
        }
    }

    /// The name a `$ref` is shown by: the last segment of its JSON pointer
    /// (`#/definitions/Address` -> `Address`), else the referenced document's `title`,
    /// else the last segment of its location.
    fn reference_name(&self, document: usize, reference: &str) -> String {
        let (location, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = percent_decode(fragment);
        if let Some(segment) = fragment.rsplit('/').next().filter(|s| !s.is_empty()) {
            return segment.replace("~1", "/").replace("~0", "~");
        }
        if let Some(title) = self
            .resolve(document, reference)
            .and_then(|(_, target)| target.get("title"))
            .and_then(Value::as_str)
        {
            return title.to_owned();
        }
        location
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(reference)
            .to_owned()
    }

    /// The subschema a `$ref` in `document` names: a JSON pointer into the same document
    /// or into a referenced one (found by reference name or `$id`). Anchors are not
    /// followed.
    fn resolve(&self, document: usize, reference: &str) -> Option<(Location, &'a Value)> {
        let (location, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if location.is_empty() {
            document
        } else {
            self.find_document(location)?
        };
        let pointer = percent_decode(fragment);
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return None;
        }
        let (_, value) = self.documents.get(target)?;
        let found = value.pointer(&pointer)?;
        Some(((target, pointer), found))
    }

    fn find_document(&self, location: &str) -> Option<usize> {
        let id_of = |value: &Value| {
            value
                .get("$id")
                .or_else(|| value.get("id"))
                .and_then(Value::as_str)
                .map(|id| id.trim_end_matches('#').to_owned())
        };
        let dependencies = || self.documents.iter().enumerate().skip(1);
        dependencies()
            .find(|(_, (name, _))| *name == location)
            .or_else(|| {
                dependencies().find(|(_, (_, value))| id_of(value).as_deref() == Some(location))
            })
            .or_else(|| {
                dependencies().find(|(_, (name, _))| {
                    !name.is_empty()
                        && (location.ends_with(&format!("/{name}"))
                            || name.ends_with(&format!("/{location}")))
                })
            })
            .map(|(index, _)| index)
            .or_else(|| {
                // The root schema's own `$id`.
                self.documents
                    .first()
                    .and_then(|(_, value)| id_of(value))
                    .filter(|id| id == location || id.ends_with(&format!("/{location}")))
                    .map(|_| 0)
            })
    }
}

fn required_names(object: &Map<String, Value>) -> HashSet<&str> {
    object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `%xx` escapes of a URI fragment decoded (invalid escapes kept as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%'
            && let Some(decoded) = bytes
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(decoded);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------
// Protobuf

fn protobuf_fields(schema: &ProtobufSchema) -> Vec<FieldInfo> {
    let mut walker = ProtoWalker {
        out: Out::new(),
        stack: Vec::new(),
    };
    if let Some(message) = schema.file().messages().next() {
        walker.message(&message, "", 0);
    }
    walker.out.fields
}

struct ProtoWalker {
    out: Out,
    /// Full names of the messages being expanded on the current path.
    stack: Vec<String>,
}

impl ProtoWalker {
    fn message(&mut self, message: &MessageDescriptor, prefix: &str, depth: usize) {
        if depth >= MAX_DEPTH || self.out.done() {
            return;
        }
        self.stack.push(message.full_name().to_owned());
        for field in message.fields() {
            if self.out.done() || !self.out.step() {
                break;
            }
            let path = join(prefix, field.name());
            let (doc, tags) = field_meta(&field);
            self.out.push(FieldInfo {
                path: path.clone(),
                name: field.name().to_owned(),
                depth,
                type_name: proto_type(&field),
                doc,
                default: proto_default(&field),
                required: field.cardinality() == Cardinality::Required,
                tags,
            });
            if let Some(inner) = expandable(&field)
                && !self.stack.iter().any(|name| name == inner.full_name())
            {
                self.message(&inner, &path, depth + 1);
            }
        }
        self.stack.pop();
    }
}

/// The message a field's values hold (the value type for a map), unless it is a
/// `google.protobuf` well-known type (shown by name, not expanded).
fn expandable(field: &FieldDescriptor) -> Option<MessageDescriptor> {
    let Kind::Message(message) = field.kind() else {
        return None;
    };
    let message = if field.is_map() {
        match message.map_entry_value_field().kind() {
            Kind::Message(value) => value,
            _ => return None,
        }
    } else {
        message
    };
    (message.package_name() != "google.protobuf").then_some(message)
}

/// A short human type: `int32`, `repeated string`, `map<string, Money>`, `enum Status`,
/// `optional string`, `string (oneof payment)`.
fn proto_type(field: &FieldDescriptor) -> String {
    if field.is_map()
        && let Kind::Message(entry) = field.kind()
    {
        return format!(
            "map<{}, {}>",
            kind_name(&entry.map_entry_key_field().kind()),
            kind_name(&entry.map_entry_value_field().kind())
        );
    }
    let base = kind_name(&field.kind());
    if field.is_list() {
        return format!("repeated {base}");
    }
    match field.containing_oneof() {
        Some(oneof) if oneof.is_synthetic() => format!("optional {base}"),
        Some(oneof) => format!("{base} (oneof {})", oneof.name()),
        None => base,
    }
}

fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Double => "double".into(),
        Kind::Float => "float".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        Kind::Uint32 => "uint32".into(),
        Kind::Uint64 => "uint64".into(),
        Kind::Sint32 => "sint32".into(),
        Kind::Sint64 => "sint64".into(),
        Kind::Fixed32 => "fixed32".into(),
        Kind::Fixed64 => "fixed64".into(),
        Kind::Sfixed32 => "sfixed32".into(),
        Kind::Sfixed64 => "sfixed64".into(),
        Kind::Bool => "bool".into(),
        Kind::String => "string".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Message(message) if message.package_name() == "google.protobuf" => {
            message.full_name().to_owned()
        }
        Kind::Message(message) => message.name().to_owned(),
        Kind::Enum(enumeration) => format!("enum {}", enumeration.name()),
    }
}

/// A proto2 `[default = ...]` as JSON text: numbers and booleans as such, anything else
/// (strings, bytes, enum values, `inf`, `nan`) as a JSON string.
fn proto_default(field: &FieldDescriptor) -> Option<String> {
    let text = field.field_descriptor_proto().default_value.as_deref()?;
    let value = match field.kind() {
        Kind::String | Kind::Bytes | Kind::Enum(_) | Kind::Message(_) => {
            Value::String(text.to_owned())
        }
        _ => serde_json::from_str::<Value>(text)
            .ok()
            .filter(|v| v.is_number() || v.is_boolean())
            .unwrap_or_else(|| Value::String(text.to_owned())),
    };
    Some(value.to_string())
}

/// `(confluent.field_meta).doc` and `.tags` of a field, when its file can see
/// `confluent/meta.proto`.
fn field_meta(field: &FieldDescriptor) -> (Option<String>, Vec<String>) {
    use prost_reflect::Value as Proto;
    let none = (None, Vec::new());
    let Some(extension) = field
        .parent_pool()
        .get_extension_by_name("confluent.field_meta")
    else {
        return none;
    };
    if extension.containing_message().full_name() != "google.protobuf.FieldOptions" {
        return none;
    }
    // The option bytes were produced by the pool's own build (protox interprets options
    // against the pool, and descriptors received as bytes lose unknown option fields when
    // decoded with prost-types), so decoding them again with the same pool succeeds.
    let options = field.options();
    if !options.has_extension(&extension) {
        return none;
    }
    let Proto::Message(meta) = options.get_extension(&extension).into_owned() else {
        return none;
    };
    let doc = match meta.get_field_by_name("doc").as_deref() {
        Some(Proto::String(doc)) if !doc.is_empty() => Some(doc.clone()),
        _ => None,
    };
    let mut tags: Vec<String> = Vec::new();
    if let Some(Proto::List(items)) = meta.get_field_by_name("tags").as_deref() {
        for item in items {
            if let Proto::String(tag) = item
                && !tag.is_empty()
                && !tags.contains(tag)
            {
                tags.push(tag.clone());
            }
        }
    }
    (doc, tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Dependency, SchemaType};

    fn parse(schema_type: SchemaType, text: &str, dependencies: &[Dependency]) -> ParsedSchema {
        match ParsedSchema::parse(schema_type, text, dependencies) {
            Ok(schema) => schema,
            Err(e) => panic!("{schema_type} schema did not parse: {e}\n{text}"),
        }
    }

    fn paths(fields: &[FieldInfo]) -> Vec<&str> {
        fields.iter().map(|f| f.path.as_str()).collect()
    }

    fn field<'f>(fields: &'f [FieldInfo], path: &str) -> &'f FieldInfo {
        match fields.iter().find(|f| f.path == path) {
            Some(field) => field,
            None => panic!("no field {path} in {:?}", paths(fields)),
        }
    }

    fn tagged<'f>(fields: &'f [FieldInfo], tag: &str) -> Vec<&'f str> {
        fields
            .iter()
            .filter(|f| f.tags.iter().any(|t| t == tag))
            .map(|f| f.path.as_str())
            .collect()
    }

    // --- Avro -------------------------------------------------------------------------

    const AVRO_ORDER: &str = r#"{
      "type": "record", "name": "Order", "namespace": "com.acme", "doc": "An order",
      "fields": [
        {"name": "id", "type": "string", "doc": "Order id", "confluent:tags": ["KEY"]},
        {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]},
         "default": "NEW"},
        {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
          {"name": "email", "type": "string", "confluent:tags": ["PII", "CONTACT"], "tags": ["PII", "GDPR"]},
          {"name": "address", "default": null, "type": ["null", {"type": "record", "name": "Address", "fields": [
            {"name": "street", "type": "string", "tags": ["PII"]},
            {"name": "zip", "type": ["null", "string"], "default": null}
          ]}]}
        ]}},
        {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "OrderLine", "fields": [
          {"name": "sku", "type": "string"},
          {"name": "price", "type": {"type": "record", "name": "Money", "fields": [
            {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
            {"name": "currency", "type": "string", "default": "EUR"}
          ]}}
        ]}}},
        {"name": "attributes", "type": {"type": "map", "values": "string"}, "default": {}},
        {"name": "shipping", "type": ["null", "Address"], "default": null, "doc": "Where to ship"},
        {"name": "total", "type": "Money"}
      ]
    }"#;

    #[test]
    fn avro_lists_nested_fields_with_types_tags_and_requiredness() {
        let fields = parse(SchemaType::Avro, AVRO_ORDER, &[]).fields();
        assert_eq!(
            paths(&fields),
            [
                "id",
                "placed_at",
                "status",
                "customer",
                "customer.email",
                "customer.address",
                "customer.address.street",
                "customer.address.zip",
                "lines",
                "lines.sku",
                "lines.price",
                "lines.price.amount",
                "lines.price.currency",
                "attributes",
                "shipping",
                "shipping.street",
                "shipping.zip",
                "total",
                "total.amount",
                "total.currency",
            ]
        );
        let id = field(&fields, "id");
        assert_eq!(
            id,
            &FieldInfo {
                path: "id".into(),
                name: "id".into(),
                depth: 0,
                type_name: "string".into(),
                doc: Some("Order id".into()),
                default: None,
                required: true,
                tags: vec!["KEY".into()],
            }
        );
        assert_eq!(
            field(&fields, "placed_at").type_name,
            "long (timestamp-millis)"
        );
        let status = field(&fields, "status");
        assert_eq!(status.type_name, "enum Status");
        assert_eq!(status.default.as_deref(), Some("\"NEW\""));
        assert!(!status.required, "a field with a default is optional");
        assert_eq!(field(&fields, "customer").type_name, "Customer");
        let email = field(&fields, "customer.email");
        assert_eq!(email.tags, ["PII", "CONTACT", "GDPR"]);
        assert_eq!(email.depth, 1);
        assert_eq!(email.name, "email");
        let address = field(&fields, "customer.address");
        assert_eq!(address.type_name, "null | Address");
        assert_eq!(address.default.as_deref(), Some("null"));
        assert!(!address.required);
        let street = field(&fields, "customer.address.street");
        assert_eq!((street.depth, street.required), (2, true));
        assert_eq!(
            field(&fields, "customer.address.zip").type_name,
            "null | string"
        );
        assert_eq!(field(&fields, "lines").type_name, "array<OrderLine>");
        assert_eq!(field(&fields, "lines.price").type_name, "Money");
        assert_eq!(
            field(&fields, "lines.price.amount").type_name,
            "bytes (decimal)"
        );
        assert_eq!(
            field(&fields, "lines.price.currency").default.as_deref(),
            Some("\"EUR\"")
        );
        let attributes = field(&fields, "attributes");
        assert_eq!(attributes.type_name, "map<string>");
        assert_eq!(attributes.default.as_deref(), Some("{}"));
        let shipping = field(&fields, "shipping");
        assert_eq!(shipping.doc.as_deref(), Some("Where to ship"));
        assert!(!shipping.required);
        assert!(field(&fields, "total").required);
        assert_eq!(
            tagged(&fields, "PII"),
            [
                "customer.email",
                "customer.address.street",
                "shipping.street"
            ]
        );
    }

    #[test]
    fn avro_tags_keep_the_canonical_text() {
        // Field properties (tags among them) are kept by the parser and printed as Java
        // prints them; listing fields does not change the schema.
        let text = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string","confluent:tags":["PII"]}]}"#;
        let schema = parse(SchemaType::Avro, text, &[]);
        assert_eq!(schema.canonical_text(), text);
        assert_eq!(schema.fields()[0].tags, ["PII"]);
    }

    #[test]
    fn avro_referenced_types_are_expanded() {
        let money = Dependency {
            name: "com.acme.Money".into(),
            text: r#"{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long","confluent:tags":["FIN"]}]}"#.into(),
        };
        let schema = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"Payment","namespace":"com.acme","fields":[{"name":"amount","type":"Money"}]}"#,
            &[money],
        );
        let fields = schema.fields();
        assert_eq!(paths(&fields), ["amount", "amount.units"]);
        assert_eq!(field(&fields, "amount.units").tags, ["FIN"]);
    }

    #[test]
    fn avro_recursive_records_are_listed_not_expanded() {
        let fields = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"Node","fields":[
                {"name":"value","type":"int"},
                {"name":"next","type":["null","Node"],"default":null},
                {"name":"children","type":{"type":"array","items":"Node"}},
                {"name":"meta","type":{"type":"record","name":"Meta","fields":[
                    {"name":"owner","type":["null","Node"],"default":null}]}}
            ]}"#,
            &[],
        )
        .fields();
        assert_eq!(
            paths(&fields),
            ["value", "next", "children", "meta", "meta.owner"]
        );
        assert_eq!(field(&fields, "next").type_name, "null | Node");
        assert_eq!(field(&fields, "children").type_name, "array<Node>");
    }

    #[test]
    fn avro_hostile_depth_and_breadth_are_capped() {
        // 40 records nested in each other, each a reference of the one above (inline
        // nesting this deep would pass JSON's own nesting limit).
        let mut dependencies = vec![Dependency {
            name: "R40".into(),
            text: r#"{"type":"record","name":"R40","fields":[{"name":"leaf","type":"int"}]}"#
                .into(),
        }];
        for level in (1..40).rev() {
            dependencies.push(Dependency {
                name: format!("R{level}"),
                text: format!(
                    r#"{{"type":"record","name":"R{level}","fields":[{{"name":"f{level}","type":"R{}"}}]}}"#,
                    level + 1
                ),
            });
        }
        let text = r#"{"type":"record","name":"R0","fields":[{"name":"f0","type":"R1"}]}"#;
        let fields = parse(SchemaType::Avro, text, &dependencies).fields();
        assert_eq!(fields.len(), MAX_DEPTH);
        assert_eq!(fields.iter().map(|f| f.depth).max(), Some(MAX_DEPTH - 1));
        assert_eq!(fields[0].path, "f0");
        assert_eq!(fields[2].path, "f0.f1.f2");

        // Each type used ten times by the one above: 10^6 paths, no recursion.
        let mut text =
            r#"{"type":"record","name":"T6","fields":[{"name":"x","type":"int"}]}"#.to_owned();
        for level in (0..6).rev() {
            let inner = level + 1;
            let mut fields = vec![format!(r#"{{"name":"a","type":{text}}}"#)];
            for i in 1..10 {
                fields.push(format!(r#"{{"name":"a{i}","type":"T{inner}"}}"#));
            }
            text = format!(
                r#"{{"type":"record","name":"T{level}","fields":[{}]}}"#,
                fields.join(",")
            );
        }
        let fields = parse(SchemaType::Avro, &text, &[]).fields();
        assert_eq!(fields.len(), MAX_FIELDS);
    }

    // --- JSON Schema ------------------------------------------------------------------

    const JSON_ORDER: &str = r##"{
      "$schema": "http://json-schema.org/draft-07/schema#",
      "title": "Order", "type": "object",
      "required": ["id", "customer", "lines"],
      "properties": {
        "id": {"type": "string", "description": "Order id", "confluent:tags": ["KEY"]},
        "email": {"type": "string", "format": "email", "tags": ["PII"]},
        "status": {"type": "string", "enum": ["NEW", "PAID"], "default": "NEW"},
        "note": {"type": ["null", "string"], "default": null},
        "customer": {"$ref": "#/definitions/Customer", "confluent:tags": ["PERSON"]},
        "lines": {"type": "array", "items": {"$ref": "#/definitions/OrderLine"}},
        "attributes": {"type": "object", "additionalProperties": {"type": "integer"}},
        "billing": {"oneOf": [{"type": "null"}, {"$ref": "#/definitions/Address"}]}
      },
      "definitions": {
        "Customer": {
          "type": "object", "required": ["name"], "confluent:tags": ["CUSTOMER", "PERSON"],
          "properties": {
            "name": {"type": "string", "confluent:tags": ["PII"]},
            "address": {"$ref": "#/definitions/Address"}
          }
        },
        "Address": {
          "type": "object",
          "properties": {
            "street": {"type": "string", "confluent:tags": ["PII"]},
            "city": {"type": "string"}
          }
        },
        "OrderLine": {
          "type": "object", "required": ["sku"],
          "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}}
        }
      }
    }"##;

    #[test]
    fn json_lists_nested_fields_through_refs_arrays_and_unions() {
        let fields = parse(SchemaType::Json, JSON_ORDER, &[]).fields();
        assert_eq!(
            paths(&fields),
            [
                "id",
                "email",
                "status",
                "note",
                "customer",
                "customer.name",
                "customer.address",
                "customer.address.street",
                "customer.address.city",
                "lines",
                "lines.sku",
                "lines.quantity",
                "attributes",
                "billing",
                "billing.street",
                "billing.city",
            ]
        );
        assert_eq!(
            field(&fields, "id"),
            &FieldInfo {
                path: "id".into(),
                name: "id".into(),
                depth: 0,
                type_name: "string".into(),
                doc: Some("Order id".into()),
                default: None,
                required: true,
                tags: vec!["KEY".into()],
            }
        );
        let email = field(&fields, "email");
        assert_eq!(email.type_name, "string (email)");
        assert_eq!(email.tags, ["PII"]);
        assert!(!email.required);
        let status = field(&fields, "status");
        assert_eq!(status.type_name, "enum");
        assert_eq!(status.default.as_deref(), Some("\"NEW\""));
        let note = field(&fields, "note");
        assert_eq!(note.type_name, "null | string");
        assert_eq!(note.default.as_deref(), Some("null"));
        let customer = field(&fields, "customer");
        assert_eq!(customer.type_name, "Customer");
        assert!(customer.required);
        // The property's own tags first, then those of the definition it points at.
        assert_eq!(customer.tags, ["PERSON", "CUSTOMER"]);
        let name = field(&fields, "customer.name");
        assert_eq!((name.depth, name.required), (1, true));
        assert!(!field(&fields, "customer.address").required);
        assert_eq!(field(&fields, "customer.address.street").depth, 2);
        assert_eq!(field(&fields, "lines").type_name, "array<OrderLine>");
        assert!(field(&fields, "lines.sku").required);
        assert!(!field(&fields, "lines.quantity").required);
        assert_eq!(field(&fields, "lines.quantity").type_name, "integer");
        assert_eq!(field(&fields, "attributes").type_name, "map<integer>");
        assert_eq!(field(&fields, "billing").type_name, "null | Address");
        assert_eq!(
            tagged(&fields, "PII"),
            [
                "email",
                "customer.name",
                "customer.address.street",
                "billing.street"
            ]
        );
    }

    #[test]
    fn json_follows_refs_into_referenced_schemas_and_all_of() {
        let address = Dependency {
            name: "address.json".into(),
            text: r#"{"title":"Address","type":"object","required":["street"],"properties":{"street":{"type":"string","tags":["PII"]}}}"#.into(),
        };
        let fields = parse(
            SchemaType::Json,
            r#"{"type":"object","properties":{
                "home":{"$ref":"address.json"},
                "audited":{"allOf":[
                    {"type":"object","properties":{"by":{"type":"string"}},"required":["by"]},
                    {"properties":{"at":{"type":"string","format":"date-time"}}}
                ]}
            }}"#,
            &[address],
        )
        .fields();
        assert_eq!(
            paths(&fields),
            ["home", "home.street", "audited", "audited.by", "audited.at"]
        );
        assert_eq!(field(&fields, "home").type_name, "Address");
        let street = field(&fields, "home.street");
        assert_eq!(street.tags, ["PII"]);
        assert!(street.required);
        assert!(field(&fields, "audited.by").required);
        assert_eq!(field(&fields, "audited.at").type_name, "string (date-time)");
    }

    #[test]
    fn json_recursive_refs_are_listed_not_expanded() {
        let fields = parse(
            SchemaType::Json,
            r##"{"$ref":"#/definitions/Node","definitions":{"Node":{"type":"object","properties":{
                "value":{"type":"integer"},
                "children":{"type":"array","items":{"$ref":"#/definitions/Node"}},
                "root":{"$ref":"#"},
                "meta":{"type":"object","properties":{"owner":{"$ref":"#/definitions/Node"}}}
            }}}}"##,
            &[],
        )
        .fields();
        assert_eq!(
            paths(&fields),
            ["value", "children", "root", "meta", "meta.owner"]
        );
        assert_eq!(field(&fields, "children").type_name, "array<Node>");
        assert_eq!(field(&fields, "meta.owner").type_name, "Node");
    }

    #[test]
    fn json_hostile_depth_and_breadth_are_capped() {
        let mut text = r#"{"type":"string"}"#.to_owned();
        for level in (0..40).rev() {
            text = format!(r#"{{"type":"object","properties":{{"p{level}":{text}}}}}"#);
        }
        let fields = parse(SchemaType::Json, &text, &[]).fields();
        assert_eq!(fields.len(), MAX_DEPTH);
        assert_eq!(fields.iter().map(|f| f.depth).max(), Some(MAX_DEPTH - 1));
        assert_eq!(fields[1].path, "p0.p1");

        // Each definition used ten times by the one above: 10^6 paths, no recursion.
        let mut definitions = vec![r#""D6":{"type":"integer"}"#.to_owned()];
        for level in 0..6 {
            let properties: Vec<String> = (0..10)
                .map(|i| format!(r##""p{i}":{{"$ref":"#/definitions/D{}"}}"##, level + 1))
                .collect();
            definitions.push(format!(
                r#""D{level}":{{"type":"object","properties":{{{}}}}}"#,
                properties.join(",")
            ));
        }
        let text = format!(
            r##"{{"$ref":"#/definitions/D0","definitions":{{{}}}}}"##,
            definitions.join(",")
        );
        let fields = parse(SchemaType::Json, &text, &[]).fields();
        assert_eq!(fields.len(), MAX_FIELDS);
    }

    // --- Protobuf ---------------------------------------------------------------------

    const PROTO_ORDER: &str = r#"syntax = "proto3";
package acme.orders;

import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";

message Order {
  string id = 1 [(confluent.field_meta).tags = "KEY", (confluent.field_meta).doc = "Order id"];
  google.protobuf.Timestamp placed_at = 2;
  Status status = 3;
  Customer customer = 4;
  repeated OrderLine lines = 5;
  map<string, string> attributes = 6;
  oneof payment {
    string card_token = 7 [(confluent.field_meta) = { tags: ["PII", "PCI"] }];
    string iban = 8 [(confluent.field_meta).tags = "PII"];
  }
  optional string note = 9;
  map<string, Money> totals = 10;
}
message Customer {
  string email = 1 [(confluent.field_meta) = { tags: ["PII", "PII", "CONTACT"] }];
  Address address = 2;
}
message Address {
  string street = 1 [(confluent.field_meta).tags = "PII"];
  string city = 2;
}
message OrderLine {
  string sku = 1;
  int32 quantity = 2;
  Money price = 3;
}
message Money {
  string currency_code = 1;
  int64 units = 2;
}
enum Status {
  NEW = 0;
  PAID = 1;
}
"#;

    #[test]
    fn protobuf_lists_nested_fields_with_field_meta_tags() {
        let schema = parse(SchemaType::Protobuf, PROTO_ORDER, &[]);
        let fields = schema.fields();
        assert_eq!(
            paths(&fields),
            [
                "id",
                "placed_at",
                "status",
                "customer",
                "customer.email",
                "customer.address",
                "customer.address.street",
                "customer.address.city",
                "lines",
                "lines.sku",
                "lines.quantity",
                "lines.price",
                "lines.price.currency_code",
                "lines.price.units",
                "attributes",
                "card_token",
                "iban",
                "note",
                "totals",
                "totals.currency_code",
                "totals.units",
            ]
        );
        assert_eq!(
            field(&fields, "id"),
            &FieldInfo {
                path: "id".into(),
                name: "id".into(),
                depth: 0,
                type_name: "string".into(),
                doc: Some("Order id".into()),
                default: None,
                required: false,
                tags: vec!["KEY".into()],
            }
        );
        assert_eq!(
            field(&fields, "placed_at").type_name,
            "google.protobuf.Timestamp"
        );
        assert_eq!(field(&fields, "status").type_name, "enum Status");
        assert_eq!(field(&fields, "customer").type_name, "Customer");
        let email = field(&fields, "customer.email");
        assert_eq!(email.tags, ["PII", "CONTACT"]);
        assert_eq!(email.depth, 1);
        assert_eq!(field(&fields, "customer.address.street").depth, 2);
        assert_eq!(field(&fields, "lines").type_name, "repeated OrderLine");
        assert_eq!(field(&fields, "lines.quantity").type_name, "int32");
        assert_eq!(
            field(&fields, "attributes").type_name,
            "map<string, string>"
        );
        let card = field(&fields, "card_token");
        assert_eq!(card.type_name, "string (oneof payment)");
        assert_eq!(card.tags, ["PII", "PCI"]);
        assert_eq!(field(&fields, "note").type_name, "optional string");
        assert_eq!(field(&fields, "totals").type_name, "map<string, Money>");
        assert_eq!(field(&fields, "totals.units").type_name, "int64");
        assert!(fields.iter().all(|f| !f.required));
        assert_eq!(
            tagged(&fields, "PII"),
            [
                "customer.email",
                "customer.address.street",
                "card_token",
                "iban"
            ]
        );

        // Another message of the file, by full name.
        let ParsedSchema::Protobuf(proto) = &schema else {
            panic!("not protobuf");
        };
        let customer = protobuf_message_fields(proto, "acme.orders.Customer");
        assert_eq!(
            customer.as_deref().map(paths),
            Some(vec!["email", "address", "address.street", "address.city"])
        );
        assert_eq!(protobuf_message_fields(proto, "acme.orders.Nope"), None);
    }

    #[test]
    fn protobuf_proto2_required_defaults_and_recursion() {
        let fields = parse(
            SchemaType::Protobuf,
            r#"syntax = "proto2";
message Tree {
  required string name = 1;
  optional int32 weight = 2 [default = 5];
  optional string label = 3 [default = "none"];
  repeated Tree children = 4;
  optional Branch branch = 5;
}
message Branch {
  optional Tree owner = 1;
  optional Branch next = 2;
  optional double ratio = 3 [default = inf];
}
"#,
            &[],
        )
        .fields();
        assert_eq!(
            paths(&fields),
            [
                "name",
                "weight",
                "label",
                "children",
                "branch",
                "branch.owner",
                "branch.next",
                "branch.ratio"
            ]
        );
        assert!(field(&fields, "name").required);
        assert!(!field(&fields, "weight").required);
        assert_eq!(field(&fields, "weight").default.as_deref(), Some("5"));
        assert_eq!(field(&fields, "label").default.as_deref(), Some("\"none\""));
        assert_eq!(
            field(&fields, "branch.ratio").default.as_deref(),
            Some("\"inf\"")
        );
        assert_eq!(field(&fields, "children").type_name, "repeated Tree");
        assert_eq!(field(&fields, "branch.owner").type_name, "Tree");
    }

    #[test]
    fn protobuf_hostile_depth_and_breadth_are_capped() {
        let mut text = String::from("syntax = \"proto3\";\n");
        for level in 0..40 {
            text.push_str(&format!(
                "message M{level} {{ M{} f{level} = 1; }}\n",
                level + 1
            ));
        }
        text.push_str("message M40 { int32 leaf = 1; }\n");
        let fields = parse(SchemaType::Protobuf, &text, &[]).fields();
        assert_eq!(fields.len(), MAX_DEPTH);
        assert_eq!(fields.iter().map(|f| f.depth).max(), Some(MAX_DEPTH - 1));
        assert_eq!(fields[1].path, "f0.f1");

        let mut text = String::from("syntax = \"proto3\";\n");
        for level in 0..6 {
            let members: Vec<String> = (0..10)
                .map(|i| format!("T{} p{i} = {};", level + 1, i + 1))
                .collect();
            text.push_str(&format!("message T{level} {{ {} }}\n", members.join(" ")));
        }
        text.push_str("message T6 { int32 x = 1; }\n");
        let fields = parse(SchemaType::Protobuf, &text, &[]).fields();
        assert_eq!(fields.len(), MAX_FIELDS);
    }

    #[test]
    fn field_info_serializes_with_its_field_names() {
        let fields = parse(SchemaType::Avro, AVRO_ORDER, &[]).fields();
        let value = serde_json::to_value(field(&fields, "customer.email"));
        assert_eq!(
            value.ok(),
            Some(serde_json::json!({
                "path": "customer.email", "name": "email", "depth": 1, "type_name": "string",
                "doc": null, "default": null, "required": true, "tags": ["PII", "CONTACT", "GDPR"]
            }))
        );
    }
}
