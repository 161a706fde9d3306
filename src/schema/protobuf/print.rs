//! Confluent's `.proto` printing (`ProtobufSchemaUtils.toString`): the canonical text, and
//! with `normalize` the normalized text (sorted imports/options/fields, qualified names).
//!
//! It prints the *source-level* descriptor (type names as written, options uninterpreted),
//! so whitespace and comments never matter; in normalized mode, type names are resolved
//! through the compiled pool.

use std::collections::HashMap;

use prost_reflect::DescriptorPool;
use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    ServiceDescriptorProto, field_descriptor_proto::Label, field_descriptor_proto::Type,
};

mod options;

use options::{Opt, OptValue, option_from};

/// The largest field number; a range ending above it prints as `max`.
const MAX_TAG: i32 = 536_870_911;

pub(super) struct Printer<'a> {
    pub normalize: bool,
    pub pool: &'a DescriptorPool,
    pub file: &'a FileDescriptorProto,
    /// The source was a binary descriptor (json names always set, options interpreted).
    pub from_descriptor: bool,
    /// Comments to print before declarations (none in Confluent's prints).
    pub comments: Option<&'a Comments>,
}

/// Comments printed as `//` lines before messages and fields, keyed by the message's full
/// name as printed (package and enclosing messages) and, for a field, its number.
#[derive(Debug, Default)]
pub(super) struct Comments {
    pub messages: HashMap<String, String>,
    pub fields: HashMap<(String, i32), String>,
}

/// `text` as `//` comment lines.
fn comment_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("//\n");
        } else {
            out.push_str("// ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn append_indented(sb: &mut String, value: &str) {
    let mut lines: Vec<&str> = value.split('\n').collect();
    // Java's String.split drops trailing empty strings.
    while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    for line in lines {
        sb.push_str("  ");
        sb.push_str(line);
        sb.push('\n');
    }
}

/// Confluent's `escapeChars`.
pub(super) fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

fn scalar_name(t: Type) -> &'static str {
    match t {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Group => "group",
        Type::Message => "message",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Enum => "enum",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
    }
}

fn is_named(field: &FieldDescriptorProto) -> bool {
    field.type_name.as_deref().is_some_and(|n| !n.is_empty())
        || matches!(field.r#type(), Type::Message | Type::Enum | Type::Group)
}

fn is_map_entry(message: &DescriptorProto) -> bool {
    message
        .options
        .as_ref()
        .and_then(|o| o.map_entry)
        .unwrap_or(false)
}

/// The last component of a (possibly qualified) type name.
fn simple_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

impl Printer<'_> {
    pub fn print(&self) -> String {
        let file = self.file;
        let mut sb = String::new();
        if let Some(syntax) = file.syntax.as_deref().filter(|s| !s.is_empty())
            && (!self.normalize || syntax == "proto3")
        {
            sb.push_str(&format!("syntax = \"{syntax}\";\n"));
        }
        let package = file.package.clone().unwrap_or_default();
        if !package.is_empty() {
            sb.push_str(&format!("package {package};\n"));
        }
        let mut imports = Vec::new();
        let mut public = Vec::new();
        for (i, dep) in file.dependency.iter().enumerate() {
            if file.public_dependency.iter().any(|&p| p as usize == i) {
                public.push(dep.clone());
            } else {
                imports.push(dep.clone());
            }
        }
        if !imports.is_empty() || !public.is_empty() {
            sb.push('\n');
            if self.normalize {
                imports.sort();
                imports.dedup();
                public.sort();
                public.dedup();
            }
            for i in &imports {
                sb.push_str(&format!("import \"{i}\";\n"));
            }
            for i in &public {
                sb.push_str(&format!("import public \"{i}\";\n"));
            }
        }
        let options = self.file_options();
        if !options.is_empty() {
            sb.push('\n');
            for o in &options {
                sb.push_str(&self.option_statement(o));
            }
        }
        let messages: Vec<&DescriptorProto> = file
            .message_type
            .iter()
            .filter(|m| !is_map_entry(m))
            .collect();
        if !messages.is_empty() || !file.enum_type.is_empty() {
            sb.push('\n');
            for m in messages {
                sb.push_str(&self.message(&package, m));
            }
            for e in &file.enum_type {
                sb.push_str(&self.enumeration(e));
            }
        }
        if !file.extension.is_empty() {
            sb.push('\n');
            for block in self.extend_blocks(&package, &file.extension) {
                sb.push_str(&block);
            }
        }
        if !file.service.is_empty() {
            sb.push('\n');
            for s in &file.service {
                sb.push_str(&self.service(&package, s));
            }
        }
        sb
    }

    /// The `reserved` statements of a message or an enum (`ranges` inclusive), after a
    /// blank line; whether there were any. Normalized: one statement per range or name,
    /// numbers in order, then names. Otherwise one statement for the numbers and one for
    /// the names, as declared.
    fn reserved(
        &self,
        sb: &mut String,
        ranges: impl Iterator<Item = (i32, i32)>,
        names: &[String],
    ) -> bool {
        let mut reserved: Vec<(i64, String)> = ranges
            .map(|(start, end)| (i64::from(start), range_text(start, end, self.normalize)))
            .collect();
        let names: Vec<(i64, String)> = names
            .iter()
            .map(|n| (i64::from(i32::MAX), format!("\"{n}\"")))
            .collect();
        if reserved.is_empty() && names.is_empty() {
            return false;
        }
        sb.push('\n');
        if self.normalize {
            reserved.extend(names);
            reserved.sort();
            for (_, r) in reserved {
                append_indented(sb, &format!("reserved {r};\n"));
            }
        } else {
            if !reserved.is_empty() {
                let list: Vec<String> = reserved.into_iter().map(|(_, r)| r).collect();
                append_indented(sb, &format!("reserved {};\n", list.join(", ")));
            }
            if !names.is_empty() {
                let list: Vec<String> = names.into_iter().map(|(_, r)| r).collect();
                append_indented(sb, &format!("reserved {};\n", list.join(", ")));
            }
        }
        true
    }

    fn message(&self, scope: &str, m: &DescriptorProto) -> String {
        let name = m.name.clone().unwrap_or_default();
        let full = join(scope, &name);
        let mut sb = self.comment(self.comments.and_then(|c| c.messages.get(&full)));
        sb.push_str(&format!("message {name} {{"));

        // Message reserved ranges end exclusive.
        let ranges = m.reserved_range.iter().map(|r| {
            let start = r.start.unwrap_or(0);
            (start, r.end.unwrap_or(start + 1) - 1)
        });
        self.reserved(&mut sb, ranges, &m.reserved_name);

        let options = self.sorted(
            m.options
                .iter()
                .flat_map(|o| o.uninterpreted_option.iter().map(option_from))
                .collect(),
        );
        if !options.is_empty() {
            sb.push('\n');
            for o in &options {
                append_indented(&mut sb, &self.option_statement(o));
            }
        }

        let real_oneof = |f: &FieldDescriptorProto| -> Option<usize> {
            let index = usize::try_from(f.oneof_index?).ok()?;
            if f.proto3_optional == Some(true) {
                None
            } else {
                Some(index)
            }
        };
        let mut fields: Vec<&FieldDescriptorProto> =
            m.field.iter().filter(|f| real_oneof(f).is_none()).collect();
        if !fields.is_empty() {
            sb.push('\n');
            if self.normalize {
                fields.sort_by_key(|f| f.number.unwrap_or(0));
            }
            for f in fields {
                append_indented(&mut sb, &self.field(&full, m, f, false));
            }
        }

        let mut oneofs: Vec<(String, Vec<&FieldDescriptorProto>)> = m
            .oneof_decl
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let members: Vec<&FieldDescriptorProto> = m
                    .field
                    .iter()
                    .filter(|f| real_oneof(f) == Some(i))
                    .collect();
                let synthetic = !members.is_empty()
                    && m.field
                        .iter()
                        .filter(|f| f.oneof_index == Some(i as i32))
                        .all(|f| f.proto3_optional == Some(true));
                let all_synthetic =
                    members.is_empty() && m.field.iter().any(|f| f.oneof_index == Some(i as i32));
                (!synthetic && !all_synthetic)
                    .then(|| (o.name.clone().unwrap_or_default(), members))
            })
            .collect();
        if !oneofs.is_empty() {
            sb.push('\n');
            if self.normalize {
                oneofs.retain(|(_, f)| !f.is_empty());
                for (_, f) in oneofs.iter_mut() {
                    f.sort_by_key(|f| f.number.unwrap_or(0));
                }
                oneofs.sort_by_key(|(_, f)| f.first().and_then(|f| f.number).unwrap_or(0));
            }
            for (name, members) in oneofs {
                let mut o = format!("oneof {name} {{");
                if !members.is_empty() {
                    o.push('\n');
                    for f in members {
                        append_indented(&mut o, &self.field(&full, m, f, true));
                    }
                }
                o.push_str("}\n");
                append_indented(&mut sb, &o);
            }
        }

        if !m.extension_range.is_empty() {
            sb.push('\n');
            let mut ranges: Vec<(i32, String)> = m
                .extension_range
                .iter()
                .map(|r| {
                    let start = r.start.unwrap_or(0);
                    let end = r.end.unwrap_or(start + 1) - 1;
                    (start, range_text(start, end, true))
                })
                .collect();
            if self.normalize {
                ranges.sort();
                for (_, r) in ranges {
                    append_indented(&mut sb, &format!("extensions {r};\n"));
                }
            } else {
                let list: Vec<String> = ranges.into_iter().map(|(_, r)| r).collect();
                append_indented(&mut sb, &format!("extensions {};\n", list.join(", ")));
            }
        }

        if !m.extension.is_empty() {
            sb.push('\n');
            for block in self.extend_blocks(&full, &m.extension) {
                append_indented(&mut sb, &block);
            }
        }

        let nested: Vec<&DescriptorProto> =
            m.nested_type.iter().filter(|n| !is_map_entry(n)).collect();
        if !nested.is_empty() || !m.enum_type.is_empty() {
            sb.push('\n');
            for n in nested {
                append_indented(&mut sb, &self.message(&full, n));
            }
            for e in &m.enum_type {
                append_indented(&mut sb, &self.enumeration(e));
            }
        }
        sb.push_str("}\n");
        sb
    }

    fn enumeration(&self, e: &EnumDescriptorProto) -> String {
        let name = e.name.clone().unwrap_or_default();
        let mut sb = format!("enum {name} {{");
        // Enum reserved ranges are inclusive.
        let ranges = e.reserved_range.iter().map(|r| {
            let start = r.start.unwrap_or(0);
            (start, r.end.unwrap_or(start))
        });
        let has_reserved = self.reserved(&mut sb, ranges, &e.reserved_name);
        let options = self.sorted(
            e.options
                .iter()
                .flat_map(|o| o.uninterpreted_option.iter().map(option_from))
                .collect(),
        );
        if !has_reserved && (!options.is_empty() || !e.value.is_empty()) {
            sb.push('\n');
        }
        for o in &options {
            append_indented(&mut sb, &self.option_statement(o));
        }
        let mut values: Vec<_> = e.value.iter().collect();
        if self.normalize {
            values.sort_by(|a, b| {
                (a.number.unwrap_or(0), a.name()).cmp(&(b.number.unwrap_or(0), b.name()))
            });
        }
        for v in values {
            let mut line = format!("{} = {}", v.name(), v.number.unwrap_or(0));
            let options = self.sorted(
                v.options
                    .iter()
                    .flat_map(|o| o.uninterpreted_option.iter().map(option_from))
                    .collect(),
            );
            if !options.is_empty() {
                line.push(' ');
                self.append_options(&mut line, &options);
            }
            line.push_str(";\n");
            append_indented(&mut sb, &line);
        }
        sb.push_str("}\n");
        sb
    }

    /// The type of a field as printed: as written, or resolved when normalizing.
    fn field_type(
        &self,
        scope_message: &str,
        owner: Option<&DescriptorProto>,
        f: &FieldDescriptorProto,
        resolved: Option<prost_reflect::Kind>,
    ) -> (String, bool) {
        // Map fields: the entry is a nested map_entry message of the owner.
        if f.label() == Label::Repeated
            && let Some(owner) = owner
            && let Some(type_name) = f.type_name.as_deref()
            && let Some(entry) = owner
                .nested_type
                .iter()
                .find(|n| is_map_entry(n) && n.name() == simple_name(type_name))
        {
            let key = entry.field.iter().find(|k| k.number == Some(1));
            let value = entry.field.iter().find(|k| k.number == Some(2));
            if let (Some(key), Some(value)) = (key, value) {
                let key_text = self.written_type(key);
                let value_text = if self.normalize && is_named(value) {
                    match self
                        .pool
                        .get_message_by_name(scope_message)
                        .and_then(|m| m.get_field(f.number() as u32))
                        .map(|mf| mf.kind())
                    {
                        Some(prost_reflect::Kind::Message(m)) if m.is_map_entry() => {
                            match m.map_entry_value_field().kind() {
                                prost_reflect::Kind::Message(v) => format!(".{}", v.full_name()),
                                prost_reflect::Kind::Enum(v) => format!(".{}", v.full_name()),
                                _ => self.written_type(value),
                            }
                        }
                        _ => self.written_type(value),
                    }
                } else {
                    self.written_type(value)
                };
                return (format!("map<{key_text}, {value_text}>"), true);
            }
        }
        if self.normalize && is_named(f) {
            match resolved {
                Some(prost_reflect::Kind::Message(m)) => {
                    return (format!(".{}", m.full_name()), false);
                }
                Some(prost_reflect::Kind::Enum(e)) => {
                    return (format!(".{}", e.full_name()), false);
                }
                _ => {}
            }
        }
        (self.written_type(f), false)
    }

    fn written_type(&self, f: &FieldDescriptorProto) -> String {
        match f.type_name.as_deref() {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => scalar_name(f.r#type()).to_owned(),
        }
    }

    fn field(
        &self,
        scope_message: &str,
        owner: &DescriptorProto,
        f: &FieldDescriptorProto,
        in_oneof: bool,
    ) -> String {
        let resolved = self
            .pool
            .get_message_by_name(scope_message)
            .and_then(|m| m.get_field(f.number() as u32))
            .map(|mf| mf.kind());
        let comment = self.comment(self.comments.and_then(|c| {
            c.fields
                .get(&(scope_message.to_owned(), f.number.unwrap_or(0)))
        }));
        comment + &self.field_line(scope_message, Some(owner), f, in_oneof, resolved)
    }

    fn comment(&self, text: Option<&String>) -> String {
        text.map(|t| comment_lines(t)).unwrap_or_default()
    }

    fn field_line(
        &self,
        scope_message: &str,
        owner: Option<&DescriptorProto>,
        f: &FieldDescriptorProto,
        in_oneof: bool,
        resolved: Option<prost_reflect::Kind>,
    ) -> String {
        let (type_text, is_map) = self.field_type(scope_message, owner, f, resolved);
        let proto3 = self.file.syntax.as_deref() == Some("proto3");
        let label = if is_map || in_oneof {
            None
        } else {
            match f.label() {
                Label::Repeated => Some("repeated"),
                Label::Required => Some("required"),
                Label::Optional => {
                    if !proto3 || f.proto3_optional == Some(true) {
                        Some("optional")
                    } else {
                        None
                    }
                }
            }
        };
        let mut sb = String::new();
        if let Some(label) = label {
            sb.push_str(label);
            sb.push(' ');
        }
        sb.push_str(&format!(
            "{type_text} {} = {}",
            f.name(),
            f.number.unwrap_or(0)
        ));
        let mut options: Vec<Opt> = f
            .options
            .iter()
            .flat_map(|o| o.uninterpreted_option.iter().map(option_from))
            .collect();
        if let Some(default) = &f.default_value {
            let value = match f.r#type() {
                Type::String => OptValue::Str(default.clone()),
                _ => OptValue::Raw(default.clone()),
            };
            options.push(Opt {
                name: "default".into(),
                sort_key: "default".into(),
                value,
            });
        }
        if let Some(json) = &f.json_name
            && (!self.from_descriptor || *json != default_json_name(f.name()))
        {
            options.push(Opt {
                name: "json_name".into(),
                sort_key: "json_name".into(),
                value: OptValue::Str(json.clone()),
            });
        }
        let options = self.sorted(options);
        if !options.is_empty() {
            sb.push(' ');
            self.append_options(&mut sb, &options);
        }
        sb.push_str(";\n");
        sb
    }

    /// `extend` blocks: consecutive fields with the same extendee form one block (in
    /// normalized mode, all fields of one resolved extendee, in order of appearance).
    fn extend_blocks(&self, scope: &str, fields: &[FieldDescriptorProto]) -> Vec<String> {
        let mut groups: Vec<(String, Vec<&FieldDescriptorProto>)> = Vec::new();
        for f in fields {
            let extendee = if self.normalize {
                let full = join(scope, f.name());
                self.pool
                    .get_extension_by_name(&full)
                    .map(|e| format!(".{}", e.containing_message().full_name()))
                    .unwrap_or_else(|| f.extendee().to_owned())
            } else {
                f.extendee().to_owned()
            };
            let same = if self.normalize {
                groups.iter_mut().find(|(e, _)| *e == extendee)
            } else {
                groups.last_mut().filter(|(e, _)| *e == extendee)
            };
            match same {
                Some((_, list)) => list.push(f),
                None => groups.push((extendee, vec![f])),
            }
        }
        groups
            .into_iter()
            .map(|(extendee, mut list)| {
                if self.normalize {
                    list.sort_by_key(|f| f.number.unwrap_or(0));
                }
                let mut sb = format!("extend {extendee} {{");
                if !list.is_empty() {
                    sb.push('\n');
                    for f in list {
                        let full = join(scope, f.name());
                        let resolved = self.pool.get_extension_by_name(&full).map(|e| e.kind());
                        append_indented(&mut sb, &self.field_line(scope, None, f, false, resolved));
                    }
                }
                sb.push_str("}\n");
                sb
            })
            .collect()
    }

    fn service(&self, package: &str, s: &ServiceDescriptorProto) -> String {
        let name = s.name();
        let resolved = self.pool.get_service_by_name(&join(package, name));
        let mut sb = format!("service {name} {{");
        let options = self.sorted(
            s.options
                .iter()
                .flat_map(|o| o.uninterpreted_option.iter().map(option_from))
                .collect(),
        );
        if !options.is_empty() {
            sb.push('\n');
            for o in &options {
                append_indented(&mut sb, &self.option_statement(o));
            }
        }
        if !s.method.is_empty() {
            sb.push('\n');
            for (i, m) in s.method.iter().enumerate() {
                let method = resolved.as_ref().and_then(|r| r.methods().nth(i));
                let (mut input, mut output) =
                    (m.input_type().to_owned(), m.output_type().to_owned());
                if self.normalize
                    && let Some(method) = &method
                {
                    input = format!(".{}", method.input().full_name());
                    output = format!(".{}", method.output().full_name());
                }
                let mut line = format!("rpc {} (", m.name());
                if m.client_streaming() {
                    line.push_str("stream ");
                }
                line.push_str(&input);
                line.push_str(") returns (");
                if m.server_streaming() {
                    line.push_str("stream ");
                }
                line.push_str(&output);
                line.push(')');
                let options = self.sorted(
                    m.options
                        .iter()
                        .flat_map(|o| o.uninterpreted_option.iter().map(option_from))
                        .collect(),
                );
                if !options.is_empty() {
                    line.push_str(" {\n");
                    for o in &options {
                        append_indented(&mut line, &self.option_statement(o));
                    }
                    line.push('}');
                }
                line.push_str(";\n");
                append_indented(&mut sb, &line);
            }
        }
        sb.push_str("}\n");
        sb
    }
}

/// A reserved/extension range; a single number prints alone (the descriptor cannot tell
/// `5` from `5 to 5`).
fn range_text(start: i32, end: i32, _normalize: bool) -> String {
    if start == end {
        start.to_string()
    } else if end >= MAX_TAG {
        format!("{start} to max")
    } else {
        format!("{start} to {end}")
    }
}

/// protoc's default JSON name: lowerCamelCase of the field name.
fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
