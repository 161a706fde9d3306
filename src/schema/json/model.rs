//! The schema graph the compatibility walk runs over.
//!
//! Confluent compares JSON Schemas through the object model of the Everit validator, not
//! through the raw JSON. This module builds an equivalent model: every schema location
//! becomes one [`Node`] of a kind (string, number, object, array, enum, combined...), a
//! schema mixing several kinds becomes a synthetic `allOf`, and `$ref` points at the node
//! of its target. Nodes are memoized by location, so a reference reaches the *same* node
//! each time — which is what lets the walk detect cycles.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::Draft;
use crate::schema::pointer as json_pointer;

pub(crate) type NodeId = usize;

/// The node every unresolvable reference points at: an unconstrained schema.
pub(crate) const UNRESOLVED: NodeId = 0;

/// Upper bound on nodes per graph; documents are bounded by the parser's nesting limit,
/// but type arrays can multiply nodes.
const MAX_NODES: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Criterion {
    All,
    Any,
    One,
}

impl Criterion {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Self::All => "allOf",
            Self::Any => "anyOf",
            Self::One => "oneOf",
        }
    }
}

#[derive(Debug, Default, Clone)]
pub(crate) struct StringNode {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct NumberNode {
    pub integer: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<serde_json::Number>,
}

/// Where the "other properties" schema of an object came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ExtraSource {
    #[default]
    Additional,
    Unevaluated,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct ObjectNode {
    pub properties: Vec<(String, NodeId)>,
    pub required: Vec<String>,
    /// `false` only when additional (or unevaluated) properties are forbidden.
    pub permits_additional: bool,
    /// The schema of additional properties, when one is given.
    pub additional: Option<NodeId>,
    pub additional_source: ExtraSource,
    pub pattern_properties: Vec<(String, NodeId)>,
    pub property_dependencies: Vec<(String, Vec<String>)>,
    pub schema_dependencies: Vec<(String, NodeId)>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct ArrayNode {
    /// `items` as a single schema.
    pub all_items: Option<NodeId>,
    /// Tuple items (`items` array, or `prefixItems` in 2020-12).
    pub item_schemas: Vec<NodeId>,
    pub permits_additional: bool,
    pub additional: Option<NodeId>,
    pub additional_source: ExtraSource,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_contains: Option<u64>,
    pub max_contains: Option<u64>,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// `{}` (or a schema with annotations only).
    Empty,
    /// `true`: accepts everything, like `{}` (Everit's `TrueSchema` is an `EmptySchema`).
    True,
    False,
    Null,
    Boolean,
    String(StringNode),
    Number(NumberNode),
    Object(Box<ObjectNode>),
    Array(Box<ArrayNode>),
    Enum(Vec<Value>),
    Const(Value),
    Combined(Criterion, Vec<NodeId>),
    Not(NodeId),
    Ref(NodeId),
}

impl Kind {
    /// Everit's schema class: two nodes of different classes are different types.
    pub(crate) fn class(&self) -> u8 {
        match self {
            Self::Empty => 0,
            Self::True => 1,
            Self::False => 2,
            Self::Null => 3,
            Self::Boolean => 4,
            Self::String(_) => 5,
            Self::Number(_) => 6,
            Self::Object(_) => 7,
            Self::Array(_) => 8,
            Self::Enum(_) => 9,
            Self::Const(_) => 10,
            Self::Combined(..) => 11,
            Self::Not(_) => 12,
            Self::Ref(_) => 13,
        }
    }

    /// `EmptySchema` or its subclass `TrueSchema`.
    pub(crate) fn is_empty_like(&self) -> bool {
        matches!(self, Self::Empty | Self::True)
    }
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Annotations {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub annotations: Annotations,
}

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    /// The draft of the root document.
    pub draft: Draft,
}

impl Graph {
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        self.nodes.get(id).unwrap_or(&EMPTY_NODE)
    }

    /// Follows references to the schema they name (bounded, for chains of references).
    pub(crate) fn deref(&self, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.node(id).kind {
                Kind::Ref(target) => id = target,
                _ => return id,
            }
        }
        UNRESOLVED
    }
}

static EMPTY_NODE: Node = Node {
    kind: Kind::Empty,
    annotations: Annotations {
        id: None,
        title: None,
        description: None,
        default: None,
    },
};

/// One JSON document the graph is built from: the schema itself or a dependency.
pub(crate) struct Document<'a> {
    /// The reference name (empty for the root schema).
    pub name: &'a str,
    pub value: &'a Value,
    pub draft: Draft,
}

pub(crate) fn build(documents: &[Document<'_>]) -> Graph {
    let mut builder = Builder {
        documents,
        memo: HashMap::new(),
        nodes: vec![Node {
            kind: Kind::Empty,
            annotations: Annotations::default(),
        }],
    };
    let root = builder.at(0, String::new());
    Graph {
        nodes: builder.nodes,
        root,
        draft: documents.first().map_or(Draft::Draft7, |d| d.draft),
    }
}

struct Builder<'a, 'd> {
    /// The root schema first, then its dependencies.
    documents: &'a [Document<'d>],
    memo: HashMap<(usize, String), NodeId>,
    nodes: Vec<Node>,
}

fn annotations(object: &Map<String, Value>, draft: Draft) -> Annotations {
    let id_key = if draft == Draft::Draft4 { "id" } else { "$id" };
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    Annotations {
        id: text(id_key),
        title: text("title"),
        description: text("description"),
        default: object.get("default").cloned(),
    }
}

fn unsigned(object: &Map<String, Value>, key: &str) -> Option<u64> {
    object.get(key).and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
    })
}

fn float(object: &Map<String, Value>, key: &str) -> Option<f64> {
    object.get(key).and_then(Value::as_f64)
}

const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "dependencies",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "prefixItems",
    "unevaluatedItems",
    "minContains",
    "maxContains",
];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];

impl Builder<'_, '_> {
    fn push(&mut self, kind: Kind, annotations: Annotations) -> NodeId {
        if self.nodes.len() >= MAX_NODES {
            return UNRESOLVED;
        }
        self.nodes.push(Node { kind, annotations });
        self.nodes.len() - 1
    }

    /// The node of the schema at `pointer` in document `doc` (memoized).
    fn at(&mut self, doc: usize, pointer: String) -> NodeId {
        if let Some(&id) = self.memo.get(&(doc, pointer.clone())) {
            return id;
        }
        let Some(document) = self.documents.get(doc) else {
            return UNRESOLVED;
        };
        let Some(value) = document.value.pointer(&pointer) else {
            return UNRESOLVED;
        };
        if self.nodes.len() >= MAX_NODES {
            return UNRESOLVED;
        }
        // Reserve the slot first so that cycles through `$ref` find it.
        let id = self.push(Kind::Empty, Annotations::default());
        self.memo.insert((doc, pointer.clone()), id);
        let draft = document.draft;
        let node = match value {
            Value::Bool(true) => Node {
                kind: Kind::True,
                annotations: Annotations::default(),
            },
            Value::Bool(false) => Node {
                kind: Kind::False,
                annotations: Annotations::default(),
            },
            Value::Object(object) => Node {
                kind: self.object_kind(doc, &pointer, object, draft),
                annotations: annotations(object, draft),
            },
            _ => Node {
                kind: Kind::Empty,
                annotations: Annotations::default(),
            },
        };
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = node;
        }
        id
    }

    fn child(&mut self, doc: usize, pointer: &str, segments: &[&str]) -> NodeId {
        let path = segments.iter().fold(pointer.to_owned(), |path, segment| {
            json_pointer::child(&path, segment)
        });
        self.at(doc, path)
    }

    fn object_kind(
        &mut self,
        doc: usize,
        pointer: &str,
        object: &Map<String, Value>,
        draft: Draft,
    ) -> Kind {
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return Kind::Ref(self.resolve(doc, reference));
        }
        let mut extracted: Vec<NodeId> = Vec::new();
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            // Distinct values, found through their text so huge enums stay linear.
            let mut seen = std::collections::HashSet::new();
            let distinct: Vec<Value> = values
                .iter()
                .filter(|value| seen.insert(value.to_string()))
                .cloned()
                .collect();
            extracted.push(self.push(Kind::Enum(distinct), Annotations::default()));
        }
        let mut combined = Vec::new();
        for (keyword, criterion) in [
            ("allOf", Criterion::All),
            ("anyOf", Criterion::Any),
            ("oneOf", Criterion::One),
        ] {
            if let Some(members) = object.get(keyword).and_then(Value::as_array) {
                let mut seen = std::collections::HashSet::new();
                let mut ids = Vec::new();
                for (index, member) in members.iter().enumerate() {
                    // Confluent collapses identical subschemas.
                    if !seen.insert(member.to_string()) {
                        continue;
                    }
                    ids.push(self.child(doc, pointer, &[keyword, &index.to_string()]));
                }
                combined.push(self.push(Kind::Combined(criterion, ids), Annotations::default()));
            }
        }
        match combined.len() {
            0 => {}
            1 => extracted.extend(combined),
            _ => extracted.push(self.push(
                Kind::Combined(Criterion::All, combined),
                Annotations::default(),
            )),
        }
        if object.contains_key("not") {
            let inner = self.child(doc, pointer, &["not"]);
            extracted.push(self.push(Kind::Not(inner), Annotations::default()));
        }
        if let Some(value) = object.get("const") {
            extracted.push(self.push(Kind::Const(value.clone()), Annotations::default()));
        }
        match object.get("type") {
            Some(Value::String(name)) => {
                if let Some(kind) = self.typed(doc, pointer, object, draft, name) {
                    extracted.push(self.push(kind, Annotations::default()));
                }
            }
            Some(Value::Array(names)) => {
                let mut members = Vec::new();
                for name in names.iter().filter_map(Value::as_str) {
                    if let Some(kind) = self.typed(doc, pointer, object, draft, name) {
                        members.push(self.push(kind, Annotations::default()));
                    }
                }
                extracted.push(self.push(
                    Kind::Combined(Criterion::Any, members),
                    Annotations::default(),
                ));
            }
            _ => {
                let has = |keywords: &[&str]| keywords.iter().any(|k| object.contains_key(*k));
                for (keywords, name) in [
                    (OBJECT_KEYWORDS, "object"),
                    (ARRAY_KEYWORDS, "array"),
                    (NUMBER_KEYWORDS, "number"),
                    (STRING_KEYWORDS, "string"),
                ] {
                    if has(keywords)
                        && let Some(kind) = self.typed(doc, pointer, object, draft, name)
                    {
                        extracted.push(self.push(kind, Annotations::default()));
                    }
                }
            }
        }
        match extracted.len() {
            0 => Kind::Empty,
            1 => self
                .nodes
                .get(extracted[0])
                .map_or(Kind::Empty, |node| node.kind.clone()),
            _ => Kind::Combined(Criterion::All, extracted),
        }
    }

    fn typed(
        &mut self,
        doc: usize,
        pointer: &str,
        object: &Map<String, Value>,
        draft: Draft,
        name: &str,
    ) -> Option<Kind> {
        Some(match name {
            "null" => Kind::Null,
            "boolean" => Kind::Boolean,
            "string" => Kind::String(StringNode {
                min_length: unsigned(object, "minLength"),
                max_length: unsigned(object, "maxLength"),
                pattern: object
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
            "integer" | "number" => Kind::Number(NumberNode {
                integer: name == "integer",
                minimum: float(object, "minimum"),
                maximum: float(object, "maximum"),
                exclusive_minimum: float(object, "exclusiveMinimum"),
                exclusive_maximum: float(object, "exclusiveMaximum"),
                multiple_of: match object.get("multipleOf") {
                    Some(Value::Number(n)) => Some(n.clone()),
                    _ => None,
                },
            }),
            "object" => Kind::Object(Box::new(self.object(doc, pointer, object, draft))),
            "array" => Kind::Array(Box::new(self.array(doc, pointer, object, draft))),
            _ => return None,
        })
    }

    fn object(
        &mut self,
        doc: usize,
        pointer: &str,
        object: &Map<String, Value>,
        draft: Draft,
    ) -> ObjectNode {
        let mut node = ObjectNode {
            permits_additional: true,
            min_properties: unsigned(object, "minProperties"),
            max_properties: unsigned(object, "maxProperties"),
            ..ObjectNode::default()
        };
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for key in properties.keys() {
                let id = self.child(doc, pointer, &["properties", key]);
                node.properties.push((key.clone(), id));
            }
        }
        if let Some(required) = object.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !node.required.iter().any(|r| r == name) {
                    node.required.push(name.to_owned());
                }
            }
        }
        if let Some(patterns) = object.get("patternProperties").and_then(Value::as_object) {
            for key in patterns.keys() {
                let id = self.child(doc, pointer, &["patternProperties", key]);
                node.pattern_properties.push((key.clone(), id));
            }
        }
        let mut extra =
            |builder: &mut Self, keyword: &str, source: ExtraSource| match object.get(keyword) {
                Some(Value::Bool(permits)) => {
                    node.permits_additional = *permits;
                    node.additional_source = source;
                    true
                }
                Some(Value::Object(_)) => {
                    node.additional = Some(builder.child(doc, pointer, &[keyword]));
                    node.additional_source = source;
                    true
                }
                _ => false,
            };
        if !extra(self, "additionalProperties", ExtraSource::Additional) && draft.has_unevaluated()
        {
            extra(self, "unevaluatedProperties", ExtraSource::Unevaluated);
        }
        let mut dependency_keywords = vec!["dependencies"];
        if draft.has_unevaluated() {
            dependency_keywords.extend(["dependentRequired", "dependentSchemas"]);
        }
        for keyword in dependency_keywords {
            let Some(dependencies) = object.get(keyword).and_then(Value::as_object) else {
                continue;
            };
            for (key, value) in dependencies {
                match value {
                    Value::Array(names) => {
                        let names = names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect();
                        node.property_dependencies.push((key.clone(), names));
                    }
                    Value::Object(_) | Value::Bool(_) => {
                        let id = self.child(doc, pointer, &[keyword, key]);
                        node.schema_dependencies.push((key.clone(), id));
                    }
                    _ => {}
                }
            }
        }
        node
    }

    fn array(
        &mut self,
        doc: usize,
        pointer: &str,
        object: &Map<String, Value>,
        draft: Draft,
    ) -> ArrayNode {
        let mut node = ArrayNode {
            permits_additional: true,
            min_items: unsigned(object, "minItems"),
            max_items: unsigned(object, "maxItems"),
            unique_items: object.get("uniqueItems") == Some(&Value::Bool(true)),
            // minContains defaults to 1.
            min_contains: unsigned(object, "minContains").or(Some(1)),
            max_contains: unsigned(object, "maxContains"),
            ..ArrayNode::default()
        };
        let (tuple_keyword, rest_keyword) = if draft == Draft::Draft202012 {
            ("prefixItems", "items")
        } else {
            ("items", "additionalItems")
        };
        let mut tuple = false;
        if let Some(items) = object.get(tuple_keyword).and_then(Value::as_array) {
            tuple = true;
            for index in 0..items.len() {
                let id = self.child(doc, pointer, &[tuple_keyword, &index.to_string()]);
                node.item_schemas.push(id);
            }
        }
        if draft == Draft::Draft202012 && !tuple {
            // As Confluent reads 2020-12: a boolean `items` opens or closes the array, a
            // schema applies to every item.
            match object.get("items") {
                Some(Value::Bool(permits)) => node.permits_additional = *permits,
                Some(_) => node.all_items = Some(self.child(doc, pointer, &["items"])),
                None => {}
            }
        } else if draft != Draft::Draft202012
            && !tuple
            && let Some(items) = object.get("items")
            && (items.is_object() || items.is_boolean())
        {
            node.all_items = Some(self.child(doc, pointer, &["items"]));
        }
        let rest_applies = draft != Draft::Draft202012 || tuple;
        let mut extra =
            |builder: &mut Self, keyword: &str, source: ExtraSource| match object.get(keyword) {
                Some(Value::Bool(permits)) => {
                    node.permits_additional = *permits;
                    node.additional_source = source;
                    true
                }
                Some(Value::Object(_)) => {
                    node.additional = Some(builder.child(doc, pointer, &[keyword]));
                    node.additional_source = source;
                    true
                }
                _ => false,
            };
        let found = rest_applies && extra(self, rest_keyword, ExtraSource::Additional);
        if !found && draft.has_unevaluated() {
            extra(self, "unevaluatedItems", ExtraSource::Unevaluated);
        }
        node
    }

    /// The node a `$ref` found in document `doc` names; [`UNRESOLVED`] when unknown.
    fn resolve(&mut self, doc: usize, reference: &str) -> NodeId {
        let (location, fragment) = match reference.split_once('#') {
            Some((location, fragment)) => (location, fragment),
            None => (reference, ""),
        };
        let target_doc = if location.is_empty() {
            Some(doc)
        } else {
            self.find_document(location)
        };
        let Some(target_doc) = target_doc else {
            return UNRESOLVED;
        };
        let fragment = json_pointer::percent_decode(fragment);
        if fragment.is_empty() || fragment.starts_with('/') {
            return self.at(target_doc, fragment);
        }
        // A plain-name fragment: `$anchor` or a draft-4/7 `$id`/`id` of the form `#name`.
        match self
            .documents
            .get(target_doc)
            .and_then(|d| find_anchor(d.value, &fragment, String::new(), 0))
        {
            Some(pointer) => self.at(target_doc, pointer),
            None => UNRESOLVED,
        }
    }

    fn find_document(&self, location: &str) -> Option<usize> {
        let id_of = |value: &Value| {
            value
                .get("$id")
                .or_else(|| value.get("id"))
                .and_then(Value::as_str)
                .map(|id| id.trim_end_matches('#').to_owned())
        };
        let position = |predicate: &dyn Fn(&Document<'_>) -> bool| {
            self.documents
                .iter()
                .skip(1)
                .position(predicate)
                .map(|p| p + 1)
        };
        position(&|d| d.name == location)
            .or_else(|| position(&|d| id_of(d.value).as_deref() == Some(location)))
            .or_else(|| {
                position(&|d| {
                    !d.name.is_empty()
                        && (location.ends_with(&format!("/{}", d.name))
                            || d.name.ends_with(&format!("/{location}")))
                })
            })
            .or_else(|| {
                // The root schema's own `$id`.
                self.documents
                    .first()
                    .and_then(|d| id_of(d.value))
                    .filter(|id| id == location || id.ends_with(&format!("/{location}")))
                    .map(|_| 0)
            })
    }
}

fn find_anchor(value: &Value, name: &str, pointer: String, depth: usize) -> Option<String> {
    if depth > 256 {
        return None;
    }
    match value {
        Value::Object(object) => {
            let hash = format!("#{name}");
            if object.get("$anchor").and_then(Value::as_str) == Some(name)
                || object.get("$id").and_then(Value::as_str) == Some(hash.as_str())
                || object.get("id").and_then(Value::as_str) == Some(hash.as_str())
            {
                return Some(pointer);
            }
            object.iter().find_map(|(key, child)| {
                find_anchor(child, name, json_pointer::child(&pointer, key), depth + 1)
            })
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(index, child)| {
            find_anchor(child, name, format!("{pointer}/{index}"), depth + 1)
        }),
        _ => None,
    }
}
