//! Schema text (as a JSON value) to the model, validating as Avro Java's `Schema.Parser`
//! does with name and default validation on.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::defaults;
use super::json::to_text;
use super::model::{Field, Name, NamedKind, NamedType, Order, Primitive, Props, Schema, TypeTable};
use crate::schema::SchemaError;

/// Deepest nesting of schema nodes accepted.
pub const MAX_DEPTH: usize = 256;

const SCHEMA_RESERVED: [&str; 10] = [
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];
const FIELD_RESERVED: [&str; 6] = ["default", "doc", "name", "order", "type", "aliases"];

fn err(message: impl Into<String>) -> SchemaError {
    SchemaError::new(message)
}

/// Parses schema text into JSON, accepting comments as Avro's Jackson setup does.
pub fn parse_json(text: &str) -> Result<Value, SchemaError> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(first) => {
            if text.contains("/*") || text.contains("//") {
                serde_json::from_str(&super::json::strip_comments(text))
                    .map_err(|_| err(first.to_string()))
            } else {
                Err(err(first.to_string()))
            }
        }
    }
}

/// Checks one simple name against `[A-Za-z_][A-Za-z0-9_]*`.
pub fn validate_name(name: &str) -> Result<(), SchemaError> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(err("Empty name"));
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err(err(format!("Illegal initial character: {name}")));
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(err(format!("Illegal character in: {name}")));
    }
    Ok(())
}

/// Java `new Name(name, space)` plus validation of every dotted part.
pub fn make_name(name: &str, space: Option<&str>) -> Result<Name, SchemaError> {
    let (simple, space) = match name.rfind('.') {
        Some(dot) => (&name[dot + 1..], Some(&name[..dot])),
        None => (name, space),
    };
    let space = space.filter(|s| !s.is_empty());
    validate_name(simple)?;
    if let Some(space) = space {
        for part in space.split('.') {
            validate_name(part)?;
        }
    }
    Ok(Name {
        name: simple.to_string(),
        space: space.map(str::to_string),
    })
}

pub struct Parser<'t> {
    pub table: &'t mut TypeTable,
    pub validate_defaults: bool,
    /// Types below this index come from dependencies: an identical definition of one of
    /// them (as in a canonical text that inlines a dependency's nested type) is accepted,
    /// as Avro 1.12 accepts an equal redefinition.
    pub frozen: usize,
}

fn text_of<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str)
}

fn props_of(object: &Map<String, Value>, reserved: &[&str]) -> Props {
    object
        .iter()
        .filter(|(key, _)| !reserved.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

fn parse_aliases(object: &Map<String, Value>) -> Result<Vec<String>, SchemaError> {
    let Some(node) = object.get("aliases") else {
        return Ok(Vec::new());
    };
    let Some(items) = node.as_array() else {
        return Err(err(format!(
            "aliases not an array: {}",
            to_text(&Value::Object(object.clone()))
        )));
    };
    let mut aliases: Vec<String> = Vec::new();
    for item in items {
        let Some(alias) = item.as_str() else {
            return Err(err(format!("alias not a string: {}", to_text(item))));
        };
        if !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_string());
        }
    }
    Ok(aliases)
}

impl Parser<'_> {
    /// Resolves a type name as Java's `Names.get` does: primitives, then the name in the
    /// current namespace, then the name as written.
    pub fn lookup(&self, name: &str, space: Option<&str>) -> Option<Schema> {
        if let Some(kind) = Primitive::from_name(name) {
            return Some(Schema::Primitive {
                kind,
                props: Vec::new(),
            });
        }
        if !name.contains('.')
            && let Some(space) = space.filter(|s| !s.is_empty())
            && let Some(index) = self.table.lookup(&format!("{space}.{name}"))
        {
            return Some(Schema::Named(index));
        }
        let full = name.strip_prefix('.').unwrap_or(name);
        self.table.lookup(full).map(Schema::Named)
    }

    pub fn parse(
        &mut self,
        value: &Value,
        space: Option<&str>,
        depth: usize,
    ) -> Result<Schema, SchemaError> {
        if depth > MAX_DEPTH {
            return Err(err(format!(
                "Schema is nested too deeply (more than {MAX_DEPTH} levels)"
            )));
        }
        match value {
            Value::String(name) => self
                .lookup(name, space)
                .ok_or_else(|| err(format!("Undefined name: {}", to_text(value)))),
            Value::Object(object) => {
                let Some(type_name) = text_of(object, "type") else {
                    return Err(err(format!("No type: {}", to_text(value))));
                };
                if let Some(kind) = Primitive::from_name(type_name) {
                    return Ok(Schema::Primitive {
                        kind,
                        props: props_of(object, &SCHEMA_RESERVED),
                    });
                }
                if matches!(type_name, "record" | "error" | "enum" | "fixed") {
                    let name = self.parse_name(object, space)?;
                    if let Some(existing) = self.table.lookup(&name.full())
                        && existing < self.frozen
                    {
                        return self.redefine(value, existing, &name, space, depth);
                    }
                }
                match type_name {
                    "record" | "error" => self.parse_record(object, space, depth, type_name),
                    "enum" => self.parse_enum(object, space),
                    "fixed" => self.parse_fixed(object, space),
                    "array" => {
                        let Some(items) = object.get("items") else {
                            return Err(err(format!(
                                "Array has no items type: {}",
                                to_text(value)
                            )));
                        };
                        Ok(Schema::Array {
                            items: Box::new(self.parse(items, space, depth + 1)?),
                            props: props_of(object, &SCHEMA_RESERVED),
                        })
                    }
                    "map" => {
                        let Some(values) = object.get("values") else {
                            return Err(err(format!("Map has no values type: {}", to_text(value))));
                        };
                        Ok(Schema::Map {
                            values: Box::new(self.parse(values, space, depth + 1)?),
                            props: props_of(object, &SCHEMA_RESERVED),
                        })
                    }
                    other => self.lookup(other, space).ok_or_else(|| {
                        err(format!(
                            "Undefined name: {}",
                            to_text(&Value::String(other.to_string()))
                        ))
                    }),
                }
            }
            Value::Array(branches) => {
                let mut types = Vec::with_capacity(branches.len());
                let mut seen: Vec<String> = Vec::new();
                for branch in branches {
                    let schema = self.parse(branch, space, depth + 1)?;
                    let key = match &schema {
                        Schema::Union(_) => {
                            return Err(err(format!("Nested union: {}", to_text(value))));
                        }
                        Schema::Primitive { kind, .. } => kind.name().to_string(),
                        Schema::Array { .. } => "array".to_string(),
                        Schema::Map { .. } => "map".to_string(),
                        Schema::Named(index) => self
                            .table
                            .get(*index)
                            .map(|t| t.name.full())
                            .unwrap_or_default(),
                    };
                    if seen.contains(&key) {
                        return Err(err(format!("Duplicate in union:{key}")));
                    }
                    seen.push(key);
                    types.push(schema);
                }
                Ok(Schema::Union(types))
            }
            other => Err(err(format!("Schema not yet supported: {}", to_text(other)))),
        }
    }

    fn parse_name(
        &self,
        object: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<Name, SchemaError> {
        let space = text_of(object, "namespace").or(space);
        let Some(name) = text_of(object, "name") else {
            return Err(err(format!(
                "No name in schema: {}",
                to_text(&Value::Object(object.clone()))
            )));
        };
        let name = make_name(name, space)?;
        if name.space.is_none() && Primitive::from_name(&name.name).is_some() {
            return Err(err(format!(
                "Schemas may not be named after primitives: {}",
                name.name
            )));
        }
        Ok(name)
    }

    /// A definition of a dependency's type: accepted when it prints exactly as the
    /// existing one, then the existing type is used.
    fn redefine(
        &mut self,
        value: &Value,
        existing: usize,
        name: &Name,
        space: Option<&str>,
        depth: usize,
    ) -> Result<Schema, SchemaError> {
        let full = name.full();
        let mut scratch = self.table.clone();
        scratch.by_name.remove(&full);
        let schema = Parser {
            table: &mut scratch,
            validate_defaults: false,
            frozen: self.frozen,
        }
        .parse(value, space, depth)?;
        let new_text = super::canonical::standalone_text(&scratch, &schema);
        let old_text = super::canonical::standalone_text(self.table, &Schema::Named(existing));
        if new_text == old_text {
            Ok(Schema::Named(existing))
        } else {
            Err(err(format!("Can't redefine: {full}")))
        }
    }

    fn register(&mut self, named: NamedType) -> Result<usize, SchemaError> {
        let full = named.name.full();
        if self.table.by_name.contains_key(&full) {
            return Err(err(format!("Can't redefine: {full}")));
        }
        let index = self.table.types.len();
        self.table.types.push(named);
        self.table.by_name.insert(full, index);
        Ok(index)
    }

    fn named_aliases(object: &Map<String, Value>, name: &Name) -> Result<Vec<Name>, SchemaError> {
        let mut aliases: Vec<Name> = Vec::new();
        for alias in parse_aliases(object)? {
            let alias = make_name(&alias, name.space.as_deref())?;
            if !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
        Ok(aliases)
    }

    fn parse_record(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
        depth: usize,
        type_name: &str,
    ) -> Result<Schema, SchemaError> {
        let name = self.parse_name(object, space)?;
        let doc = text_of(object, "doc").map(str::to_string);
        let index = self.register(NamedType {
            name: name.clone(),
            doc,
            aliases: Vec::new(),
            props: Vec::new(),
            kind: NamedKind::Record {
                is_error: type_name == "error",
                fields: Vec::new(),
                complete: false,
            },
        })?;
        let Some(field_nodes) = object.get("fields").and_then(Value::as_array) else {
            return Err(err(format!(
                "Record has no fields: {}",
                to_text(&Value::Object(object.clone()))
            )));
        };
        let mut fields: Vec<Field> = Vec::with_capacity(field_nodes.len());
        let mut positions: HashMap<String, usize> = HashMap::with_capacity(field_nodes.len());
        for node in field_nodes {
            let field = self.parse_field(node, name.space.as_deref(), depth)?;
            if let Some(&pos) = positions.get(&field.name) {
                return Err(err(format!(
                    "Duplicate field {} in record {}: {} type:{} pos:{} and {} type:{} pos:{}.",
                    field.name,
                    name.full(),
                    field.name,
                    self.java_type(&field.schema),
                    fields.len(),
                    field.name,
                    self.java_type(&fields[pos].schema),
                    pos
                )));
            }
            positions.insert(field.name.clone(), fields.len());
            fields.push(field);
        }
        let props = props_of(object, &SCHEMA_RESERVED);
        let aliases = Self::named_aliases(object, &name)?;
        if let Some(named) = self.table.types.get_mut(index) {
            named.props = props;
            named.aliases = aliases;
            named.kind = NamedKind::Record {
                is_error: type_name == "error",
                fields,
                complete: true,
            };
        }
        Ok(Schema::Named(index))
    }

    /// The upper-case Java type name of a node (`INT`, `RECORD`, `UNION`...).
    pub fn java_type(&self, schema: &Schema) -> String {
        java_type_name(self.table, schema)
    }

    fn parse_field(
        &mut self,
        node: &Value,
        space: Option<&str>,
        depth: usize,
    ) -> Result<Field, SchemaError> {
        let object = match node {
            Value::Object(object) => object,
            other => return Err(err(format!("No field name: {}", to_text(other)))),
        };
        let Some(name) = text_of(object, "name") else {
            return Err(err(format!("No field name: {}", to_text(node))));
        };
        validate_name(name)?;
        let doc = text_of(object, "doc").map(str::to_string);
        let Some(type_node) = object.get("type") else {
            return Err(err(format!("No field type: {}", to_text(node))));
        };
        if let Value::String(type_name) = type_node
            && self.lookup(type_name, space).is_none()
        {
            return Err(err(format!(
                "{} is not a defined name. The type of the \"{name}\" field must be a defined name or a {{\"type\": ...}} expression.",
                to_text(type_node)
            )));
        }
        let schema = self.parse(type_node, space, depth + 1)?;
        let order = match object.get("order") {
            None => Order::Ascending,
            Some(Value::String(order)) => match order.to_ascii_lowercase().as_str() {
                "ascending" => Order::Ascending,
                "descending" => Order::Descending,
                "ignore" => Order::Ignore,
                _ => {
                    return Err(err(format!(
                        "Invalid order for field {name}: {} (expected ascending, descending or ignore)",
                        to_text(&Value::String(order.clone()))
                    )));
                }
            },
            Some(other) => {
                return Err(err(format!(
                    "Invalid order for field {name}: {}",
                    to_text(other)
                )));
            }
        };
        let mut default = object.get("default").cloned();
        if let (
            Some(Value::String(text)),
            Schema::Primitive {
                kind: Primitive::Float | Primitive::Double,
                ..
            },
        ) = (&default, &schema)
        {
            default = Some(defaults::parse_java_double(text).ok_or_else(|| {
                err(format!(
                    "Invalid default for field {name}: {} not a {}",
                    to_text(&Value::String(text.clone())),
                    super::canonical::standalone_text(self.table, &schema)
                ))
            })?);
        }
        if self.validate_defaults
            && let Some(value) = &default
            && !defaults::is_valid_default(self.table, &schema, value, 0)?
        {
            return Err(err(format!(
                "Invalid default for field {name}: {} not a {}",
                to_text(value),
                super::canonical::standalone_text(self.table, &schema)
            )));
        }
        Ok(Field {
            name: name.to_string(),
            schema,
            doc,
            default,
            order,
            aliases: parse_aliases(object)?,
            props: props_of(object, &FIELD_RESERVED),
        })
    }

    fn parse_enum(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<Schema, SchemaError> {
        let name = self.parse_name(object, space)?;
        let doc = text_of(object, "doc").map(str::to_string);
        let Some(symbol_nodes) = object.get("symbols").and_then(Value::as_array) else {
            return Err(err(format!(
                "Enum has no symbols: {}",
                to_text(&Value::Object(object.clone()))
            )));
        };
        let mut symbols: Vec<String> = Vec::with_capacity(symbol_nodes.len());
        let mut seen: HashSet<&str> = HashSet::with_capacity(symbol_nodes.len());
        for node in symbol_nodes {
            let Some(symbol) = node.as_str() else {
                return Err(err(format!("Invalid enum symbol: {}", to_text(node))));
            };
            validate_name(symbol)?;
            if !seen.insert(symbol) {
                return Err(err(format!("Duplicate enum symbol: {symbol}")));
            }
            symbols.push(symbol.to_string());
        }
        let default = text_of(object, "default").map(str::to_string);
        if let Some(default) = &default
            && !symbols.contains(default)
        {
            return Err(err(format!(
                "The Enum Default: {default} is not in the enum symbol set: [{}]",
                symbols.join(", ")
            )));
        }
        let mut reserved = SCHEMA_RESERVED.to_vec();
        reserved.push("default");
        let props = props_of(object, &reserved);
        let aliases = Self::named_aliases(object, &name)?;
        let index = self.register(NamedType {
            name,
            doc,
            aliases,
            props,
            kind: NamedKind::Enum { symbols, default },
        })?;
        Ok(Schema::Named(index))
    }

    fn parse_fixed(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<Schema, SchemaError> {
        let name = self.parse_name(object, space)?;
        let doc = text_of(object, "doc").map(str::to_string);
        let size = object
            .get("size")
            .and_then(Value::as_i64)
            .and_then(|s| i32::try_from(s).ok());
        let Some(size) = size else {
            return Err(err(format!(
                "Invalid or no size: {}",
                to_text(&Value::Object(object.clone()))
            )));
        };
        let Ok(size) = u32::try_from(size) else {
            return Err(err(format!(
                "Invalid fixed size {size} for {}: must not be negative",
                name.full()
            )));
        };
        let props = props_of(object, &SCHEMA_RESERVED);
        let aliases = Self::named_aliases(object, &name)?;
        let index = self.register(NamedType {
            name,
            doc,
            aliases,
            props,
            kind: NamedKind::Fixed { size },
        })?;
        Ok(Schema::Named(index))
    }
}

/// The upper-case Java `Schema.Type` name of a node.
pub fn java_type_name(table: &TypeTable, schema: &Schema) -> String {
    match schema {
        Schema::Primitive { kind, .. } => kind.name().to_ascii_uppercase(),
        Schema::Array { .. } => "ARRAY".into(),
        Schema::Map { .. } => "MAP".into(),
        Schema::Union(_) => "UNION".into(),
        Schema::Named(index) => table
            .get(*index)
            .map(|t| t.type_name().to_ascii_uppercase())
            .unwrap_or_default(),
    }
}
