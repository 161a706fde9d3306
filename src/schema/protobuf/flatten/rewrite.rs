//! The edits a descriptor copied into the self-contained file goes through before it is
//! printed: known options, which compiled descriptors hold as fields, written back as
//! options; and a message from a file of the other syntax adapted so that its wire format
//! stays (see the module documentation of `flatten.rs`).

use std::collections::HashMap;

use prost_reflect::prost_types::field_descriptor_proto::{Label, Type};
use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, UninterpretedOption,
    uninterpreted_option::NamePart,
};

use super::join;

fn known_option(name: &str, value: impl ToString) -> UninterpretedOption {
    UninterpretedOption {
        name: vec![NamePart {
            name_part: name.to_owned(),
            is_extension: false,
        }],
        identifier_value: Some(value.to_string()),
        ..Default::default()
    }
}

/// Compiled descriptors hold known options as fields, which the printer does not print:
/// written back as (uninterpreted) options.
pub(super) fn restore_known_options(m: &mut DescriptorProto) {
    if let Some(o) = m.options.as_mut() {
        let mut add = Vec::new();
        if let Some(v) = o.message_set_wire_format {
            add.push(known_option("message_set_wire_format", v));
        }
        if let Some(v) = o.deprecated {
            add.push(known_option("deprecated", v));
        }
        o.uninterpreted_option.extend(add);
    }
    for f in m.field.iter_mut().chain(m.extension.iter_mut()) {
        restore_field_options(f);
    }
    for e in &mut m.enum_type {
        restore_enum_options(e);
    }
    for n in &mut m.nested_type {
        restore_known_options(n);
    }
}

pub(super) fn restore_field_options(f: &mut FieldDescriptorProto) {
    if let Some(o) = f.options.as_mut() {
        let mut add = Vec::new();
        if let Some(v) = o.packed {
            add.push(known_option("packed", v));
        }
        if let Some(v) = o.lazy {
            add.push(known_option("lazy", v));
        }
        if let Some(v) = o.deprecated {
            add.push(known_option("deprecated", v));
        }
        o.uninterpreted_option.extend(add);
    }
}

pub(super) fn restore_enum_options(e: &mut EnumDescriptorProto) {
    if let Some(o) = e.options.as_mut() {
        let mut add = Vec::new();
        if let Some(v) = o.allow_alias {
            add.push(known_option("allow_alias", v));
        }
        if let Some(v) = o.deprecated {
            add.push(known_option("deprecated", v));
        }
        o.uninterpreted_option.extend(add);
    }
    for v in &mut e.value {
        if let Some(o) = v.options.as_mut()
            && let Some(d) = o.deprecated
        {
            o.uninterpreted_option.push(known_option("deprecated", d));
        }
    }
}

/// A message copied from a proto2 file into a proto3 one (`to_proto3`) or back, written so
/// that its wire format stays: repeated scalars say whether they are packed (the defaults
/// differ), proto2 `optional` stays explicit presence; what proto3 cannot say (`required`,
/// defaults, extension ranges) goes into `notes`, or for extension ranges, away.
pub(super) fn adapt_message(
    m: &mut DescriptorProto,
    full: &str,
    to_proto3: bool,
    notes: &mut HashMap<(String, i32), Vec<String>>,
) {
    if m.options.as_ref().and_then(|o| o.map_entry) == Some(true) {
        return;
    }
    for f in &mut m.field {
        let packable = f.label() == Label::Repeated
            && !matches!(
                f.r#type(),
                Type::String | Type::Bytes | Type::Message | Type::Group
            );
        if packable && f.options.as_ref().and_then(|o| o.packed).is_none() {
            f.options.get_or_insert_with(Default::default).packed = Some(!to_proto3);
        }
        if !to_proto3 {
            continue;
        }
        let key = (full.to_owned(), f.number());
        if f.label() == Label::Required {
            f.label = Some(Label::Optional as i32);
            f.proto3_optional = Some(true);
            notes
                .entry(key.clone())
                .or_default()
                .push("required (proto2)".into());
        } else if f.label() == Label::Optional && f.oneof_index.is_none() {
            f.proto3_optional = Some(true);
        }
        if let Some(default) = f.default_value.take() {
            notes
                .entry(key)
                .or_default()
                .push(format!("default (proto2): {default}"));
        }
    }
    if to_proto3 {
        m.extension_range.clear();
        m.extension.clear();
    }
    for n in &mut m.nested_type {
        let nested = join(full, n.name());
        adapt_message(n, &nested, to_proto3, notes);
    }
}
