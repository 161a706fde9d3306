//! Java `Schema.toString()` output, which Confluent uses as the canonical text: compact
//! JSON, each named type written in full once (at its first occurrence) and by name after,
//! types of referenced schemas by name only.

use std::collections::HashSet;

use super::json::{write_str, write_value};
use super::model::{Field, Name, NamedKind, NamedType, Order, Props, Schema, TypeTable};

pub struct Printer<'a> {
    table: &'a TypeTable,
    known: HashSet<String>,
    out: String,
}

impl<'a> Printer<'a> {
    /// `known` holds the full names printed by name only (the referenced schemas' names).
    pub fn new(table: &'a TypeTable, known: impl IntoIterator<Item = String>) -> Self {
        Self {
            table,
            known: known.into_iter().collect(),
            out: String::new(),
        }
    }

    pub fn print(mut self, schema: &Schema) -> String {
        self.schema(schema, None);
        self.out
    }

    fn props(&mut self, props: &Props) {
        for (key, value) in props {
            self.out.push(',');
            write_str(&mut self.out, key);
            self.out.push(':');
            write_value(&mut self.out, value);
        }
    }

    fn key(&mut self, key: &str) {
        self.out.push(',');
        write_str(&mut self.out, key);
        self.out.push(':');
    }

    fn schema(&mut self, schema: &Schema, space: Option<&str>) {
        match schema {
            Schema::Primitive { kind, props } => {
                if props.is_empty() {
                    write_str(&mut self.out, kind.name());
                } else {
                    self.out.push_str("{\"type\":");
                    write_str(&mut self.out, kind.name());
                    self.props(props);
                    self.out.push('}');
                }
            }
            Schema::Array { items, props } => {
                self.out.push_str("{\"type\":\"array\",\"items\":");
                self.schema(items, space);
                self.props(props);
                self.out.push('}');
            }
            Schema::Map { values, props } => {
                self.out.push_str("{\"type\":\"map\",\"values\":");
                self.schema(values, space);
                self.props(props);
                self.out.push('}');
            }
            Schema::Union(branches) => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.schema(branch, space);
                }
                self.out.push(']');
            }
            Schema::Named(index) => {
                let table = self.table;
                if let Some(named) = table.get(*index) {
                    self.named(named, space);
                }
            }
        }
    }

    fn write_name(&mut self, name: &Name, space: Option<&str>) {
        self.key("name");
        write_str(&mut self.out, &name.name);
        match (&name.space, space) {
            (Some(own), current) if Some(own.as_str()) != current => {
                self.key("namespace");
                write_str(&mut self.out, own);
            }
            (None, Some(_)) => {
                self.key("namespace");
                self.out.push_str("\"\"");
            }
            _ => {}
        }
    }

    fn aliases(&mut self, named: &NamedType) {
        if named.aliases.is_empty() {
            return;
        }
        self.key("aliases");
        self.out.push('[');
        for (i, alias) in named.aliases.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(&mut self.out, &alias.qualified(named.name.space.as_deref()));
        }
        self.out.push(']');
    }

    fn named(&mut self, named: &NamedType, space: Option<&str>) {
        let full = named.name.full();
        if !self.known.insert(full) {
            write_str(&mut self.out, &named.name.qualified(space));
            return;
        }
        self.out.push_str("{\"type\":");
        match &named.kind {
            NamedKind::Record { is_error, .. } => {
                write_str(&mut self.out, if *is_error { "error" } else { "record" });
            }
            NamedKind::Enum { .. } => write_str(&mut self.out, "enum"),
            NamedKind::Fixed { .. } => write_str(&mut self.out, "fixed"),
        }
        self.write_name(&named.name, space);
        if let Some(doc) = &named.doc {
            self.key("doc");
            write_str(&mut self.out, doc);
        }
        match &named.kind {
            NamedKind::Record { fields, .. } => {
                self.key("fields");
                self.out.push('[');
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.field(field, named.name.space.as_deref());
                }
                self.out.push(']');
            }
            NamedKind::Enum { symbols, default } => {
                self.key("symbols");
                self.out.push('[');
                for (i, symbol) in symbols.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_str(&mut self.out, symbol);
                }
                self.out.push(']');
                if let Some(default) = default {
                    self.key("default");
                    write_str(&mut self.out, default);
                }
            }
            NamedKind::Fixed { size } => {
                self.key("size");
                self.out.push_str(&size.to_string());
            }
        }
        self.props(&named.props);
        self.aliases(named);
        self.out.push('}');
    }

    fn field(&mut self, field: &Field, space: Option<&str>) {
        self.out.push_str("{\"name\":");
        write_str(&mut self.out, &field.name);
        self.key("type");
        self.schema(&field.schema, space);
        if let Some(doc) = &field.doc {
            self.key("doc");
            write_str(&mut self.out, doc);
        }
        if let Some(default) = &field.default {
            self.key("default");
            write_value(&mut self.out, default);
        }
        if field.order != Order::Ascending {
            self.key("order");
            write_str(&mut self.out, field.order.lower());
        }
        if !field.aliases.is_empty() {
            self.key("aliases");
            self.out.push('[');
            for (i, alias) in field.aliases.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                write_str(&mut self.out, alias);
            }
            self.out.push(']');
        }
        self.props(&field.props);
        self.out.push('}');
    }
}

/// A node printed on its own with every named type in full (for error messages).
pub fn standalone_text(table: &TypeTable, schema: &Schema) -> String {
    Printer::new(table, std::iter::empty()).print(schema)
}
