//! Confluent's Avro normalization (`AvroSchemaUtils.toNormalizedString`): the schema is
//! rewritten with full names, sorted custom properties (logical-type attributes first),
//! sorted aliases and defaults coerced to their type, then parsed again and printed as the
//! canonical text. This module builds the rewritten JSON; `mod.rs` re-parses it.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::defaults::to_object;
use super::model::{NamedKind, NamedType, Primitive, Props, Schema, TypeTable, java_string_cmp};

/// Which base type a logical type annotates.
enum Base {
    Primitive(Primitive),
    Fixed(u32),
}

fn int_prop(props: &Props, key: &str) -> Option<Option<i32>> {
    match props.iter().find(|(k, _)| k == key) {
        None => Some(None),
        Some((_, value)) => value.as_i64().and_then(|i| i32::try_from(i).ok()).map(Some),
    }
}

/// The attributes of a logical type Avro Java accepts (`LogicalTypes.fromSchemaIgnoreInvalid`),
/// in the order Confluent writes them; `None` when absent or invalid (then ignored).
fn logical_attributes(base: &Base, props: &Props) -> Option<Vec<(String, Value)>> {
    let name = props
        .iter()
        .find(|(k, _)| k == "logicalType")
        .and_then(|(_, v)| v.as_str())?;
    let mut out = vec![("logicalType".to_string(), Value::String(name.to_string()))];
    let valid = match (name, base) {
        ("decimal", Base::Primitive(Primitive::Bytes) | Base::Fixed(_)) => {
            let precision = int_prop(props, "precision")??;
            let scale = int_prop(props, "scale")?.unwrap_or(0);
            let fits = match base {
                Base::Fixed(size) => {
                    let bits = 8.0 * f64::from(*size) - 1.0;
                    let max = (2f64.powf(bits) - 1.0).log10().floor();
                    f64::from(precision) <= max
                }
                Base::Primitive(_) => true,
            };
            if precision <= 0 || scale < 0 || scale > precision || !fits {
                return None;
            }
            out.push(("precision".into(), Value::from(precision)));
            if scale != 0 {
                out.push(("scale".into(), Value::from(scale)));
            }
            true
        }
        ("big-decimal", Base::Primitive(Primitive::Bytes)) => true,
        ("uuid", Base::Primitive(Primitive::String)) => true,
        ("uuid", Base::Fixed(16)) => true,
        ("duration", Base::Fixed(12)) => true,
        ("date" | "time-millis", Base::Primitive(Primitive::Int)) => true,
        (
            "time-micros"
            | "timestamp-millis"
            | "timestamp-micros"
            | "timestamp-nanos"
            | "local-timestamp-millis"
            | "local-timestamp-micros"
            | "local-timestamp-nanos",
            Base::Primitive(Primitive::Long),
        ) => true,
        _ => false,
    };
    valid.then_some(out)
}

pub struct Normalizer<'a> {
    table: &'a TypeTable,
    env: HashSet<String>,
}

impl<'a> Normalizer<'a> {
    /// `env` holds the referenced schemas' full names, written as plain name strings.
    pub fn new(table: &'a TypeTable, env: impl IntoIterator<Item = String>) -> Self {
        Self {
            table,
            env: env.into_iter().collect(),
        }
    }

    /// Appends the props sorted by key (Java `TreeMap`), values with sorted keys; an
    /// existing key keeps its place and takes the new value, as when Jackson reads a
    /// duplicate key.
    fn simple_props(&self, object: &mut Map<String, Value>, props: &Props) {
        let mut sorted: Vec<&(String, Value)> = props.iter().collect();
        sorted.sort_by(|a, b| java_string_cmp(&a.0, &b.0));
        for (key, value) in sorted {
            let value = to_object(self.table, None, value).unwrap_or_else(|| value.clone());
            object.insert(key.clone(), value);
        }
    }

    fn sorted_strings(mut items: Vec<String>) -> Value {
        items.sort_by(|a, b| java_string_cmp(a, b));
        items.dedup();
        Value::Array(items.into_iter().map(Value::String).collect())
    }

    pub fn build(&mut self, schema: &Schema) -> Value {
        match schema {
            Schema::Union(branches) => {
                Value::Array(branches.iter().map(|b| self.build(b)).collect())
            }
            Schema::Array { items, props } => {
                let mut object = Map::new();
                object.insert("type".into(), Value::from("array"));
                object.insert("items".into(), self.build(items));
                self.simple_props(&mut object, props);
                Value::Object(object)
            }
            Schema::Map { values, props } => {
                let mut object = Map::new();
                object.insert("type".into(), Value::from("map"));
                object.insert("values".into(), self.build(values));
                self.simple_props(&mut object, props);
                Value::Object(object)
            }
            Schema::Primitive { kind, props } => {
                let logical = logical_attributes(&Base::Primitive(*kind), props);
                if logical.is_none() && props.is_empty() {
                    return Value::from(kind.name());
                }
                let mut object = Map::new();
                object.insert("type".into(), Value::from(kind.name()));
                for (key, value) in logical.unwrap_or_default() {
                    object.insert(key, value);
                }
                self.simple_props(&mut object, props);
                Value::Object(object)
            }
            Schema::Named(index) => {
                let table = self.table;
                match table.get(*index) {
                    Some(named) => self.named(named),
                    None => Value::Null,
                }
            }
        }
    }

    fn named(&mut self, named: &NamedType) -> Value {
        let full = named.name.full();
        if !self.env.insert(full.clone()) {
            return Value::String(full);
        }
        let mut object = Map::new();
        object.insert("name".into(), Value::String(full));
        object.insert("type".into(), Value::from(named.type_name()));
        match &named.kind {
            NamedKind::Enum { symbols, .. } => {
                object.insert(
                    "symbols".into(),
                    Value::Array(symbols.iter().cloned().map(Value::String).collect()),
                );
            }
            NamedKind::Fixed { size } => {
                object.insert("size".into(), Value::from(*size));
                for (key, value) in
                    logical_attributes(&Base::Fixed(*size), &named.props).unwrap_or_default()
                {
                    object.insert(key, value);
                }
            }
            NamedKind::Record { fields, .. } => {
                let mut out = Vec::with_capacity(fields.len());
                for field in fields {
                    let mut f = Map::new();
                    f.insert("name".into(), Value::String(field.name.clone()));
                    f.insert("type".into(), self.build(&field.schema));
                    f.insert("order".into(), Value::from(field.order.upper()));
                    if let Some(doc) = &field.doc {
                        f.insert("doc".into(), Value::String(doc.clone()));
                    }
                    if !field.aliases.is_empty() {
                        f.insert(
                            "aliases".into(),
                            Self::sorted_strings(field.aliases.clone()),
                        );
                    }
                    if let Some(default) = &field.default
                        && let Some(value) = to_object(self.table, Some(&field.schema), default)
                    {
                        f.insert("default".into(), value);
                    }
                    self.simple_props(&mut f, &field.props);
                    out.push(Value::Object(f));
                }
                object.insert("fields".into(), Value::Array(out));
            }
        }
        if let Some(doc) = named.doc.as_ref().filter(|d| !d.is_empty()) {
            object.insert("doc".into(), Value::String(doc.clone()));
        }
        if !named.aliases.is_empty() {
            object.insert("aliases".into(), Self::sorted_strings(named.java_aliases()));
        }
        if let NamedKind::Enum {
            default: Some(default),
            ..
        } = &named.kind
        {
            object.insert("default".into(), Value::String(default.clone()));
        }
        self.simple_props(&mut object, &named.props);
        Value::Object(object)
    }
}
