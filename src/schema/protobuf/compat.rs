//! Protobuf compatibility: Confluent's `SchemaDiff` (original = old, update = new).
//!
//! Fields are matched by tag, messages and enums by name, recursively into nested types
//! and into referenced (imported) messages. Changes come out in Confluent's order,
//! including the iteration order of Java's `HashSet` where Confluent uses one (simulated
//! by [`java_order`]), so the lists match Confluent's exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use prost_reflect::{Cardinality, EnumDescriptor, Kind, MessageDescriptor, Syntax};

use super::ProtobufSchema;
use crate::schema::compat::Finding;

/// One difference between two schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Confluent's `Difference.Type`, e.g. `FIELD_SCALAR_KIND_CHANGED`.
    pub kind: &'static str,
    /// Where: `#/Message/3`, `#/Message/oneofName/3`, `#/` for the file.
    pub path: String,
    /// Whether the change is backward compatible.
    pub compatible: bool,
}

const COMPATIBLE: &[&str] = &[
    "MESSAGE_ADDED",
    "MESSAGE_MOVED",
    "ENUM_ADDED",
    "ENUM_REMOVED",
    "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED",
    "ENUM_CONST_REMOVED",
    "FIELD_ADDED",
    "FIELD_REMOVED",
    "FIELD_NAME_CHANGED",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "ONEOF_ADDED",
    "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
];

/// Every difference from `original` to `update`, in Confluent's order.
pub fn diff(original: &ProtobufSchema, update: &ProtobufSchema) -> Vec<Change> {
    let mut ctx = Ctx {
        original_file: original.file().name().to_owned(),
        update_file: update.file().name().to_owned(),
        path: Vec::new(),
        changes: Vec::new(),
        in_progress: HashSet::new(),
    };
    let (o, u) = (original.file(), update.file());
    if o.package_name() != u.package_name() {
        ctx.add("PACKAGE_CHANGED");
    }
    compare_types(
        &mut ctx,
        o.messages().collect(),
        o.enums().collect(),
        u.messages().collect(),
        u.enums().collect(),
    );
    ctx.changes
}

/// Whether data written with `writer` can be read with `reader`: the incompatible changes
/// from `writer` (original) to `reader` (update), as findings.
pub fn check(reader: &ProtobufSchema, writer: &ProtobufSchema) -> Vec<Finding> {
    diff(writer, reader)
        .into_iter()
        .filter(|c| !c.compatible)
        .map(|c| Finding {
            kind: c.kind.to_owned(),
            message: format!("{}: {} at {}", c.kind, describe(c.kind), c.path),
            path: c.path,
        })
        .collect()
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "PACKAGE_CHANGED" => "the package changed",
        "MESSAGE_REMOVED" => "a message was removed",
        "FIELD_KIND_CHANGED" => "the field changed between scalar, message and map",
        "FIELD_SCALAR_KIND_CHANGED" => "the field's scalar type changed to an incompatible one",
        "FIELD_NAMED_TYPE_CHANGED" => "the field's message type changed incompatibly",
        "FIELD_NUMERIC_LABEL_CHANGED" => "the label of a numeric field changed",
        "REQUIRED_FIELD_ADDED" => "a required field was added",
        "REQUIRED_FIELD_REMOVED" => "a required field was removed",
        "ONEOF_FIELD_REMOVED" => "a field was removed from a oneof that still exists",
        "MULTIPLE_FIELDS_MOVED_TO_ONEOF" => "several existing fields were moved into one oneof",
        "FIELD_MOVED_TO_EXISTING_ONEOF" => {
            "an existing field was moved into a oneof with other existing fields"
        }
        _ => "an incompatible change",
    }
}

struct Ctx {
    original_file: String,
    update_file: String,
    path: Vec<String>,
    changes: Vec<Change>,
    /// Original messages being compared (Confluent's recursion guard).
    in_progress: HashSet<String>,
}

impl Ctx {
    fn add(&mut self, kind: &'static str) {
        self.changes.push(Change {
            kind,
            path: format!("#/{}", self.path.join("/")),
            compatible: COMPATIBLE.contains(&kind),
        });
    }

    fn add_at(&mut self, segments: &[&str], kind: &'static str) {
        let depth = self.path.len();
        self.path.extend(segments.iter().map(|s| (*s).to_owned()));
        self.add(kind);
        self.path.truncate(depth);
    }
}

// ---- Java HashMap/HashSet iteration order ---------------------------------------------

/// Java's `String.hashCode`.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// A simulation of `java.util.HashMap`'s key order (buckets by spread hash, insertion
/// order within a bucket, doubling when the size passes 3/4 of the capacity).
struct JavaHashKeys<K> {
    buckets: Vec<Vec<(K, i32)>>,
    len: usize,
}

impl<K: PartialEq + Clone> JavaHashKeys<K> {
    fn with_capacity(initial: usize) -> Self {
        let cap = initial.max(1).next_power_of_two();
        Self {
            buckets: vec![Vec::new(); cap],
            len: 0,
        }
    }

    fn index(hash: i32, cap: usize) -> usize {
        let h = hash as u32;
        ((h ^ (h >> 16)) as usize) & (cap - 1)
    }

    fn insert(&mut self, key: K, hash: i32) {
        let i = Self::index(hash, self.buckets.len());
        if self.buckets[i].iter().any(|(k, _)| *k == key) {
            return;
        }
        self.buckets[i].push((key, hash));
        self.len += 1;
        if self.len * 4 > self.buckets.len() * 3 {
            let cap = self.buckets.len() * 2;
            let mut next: Vec<Vec<(K, i32)>> = vec![Vec::new(); cap];
            for (k, h) in self.buckets.drain(..).flatten() {
                next[Self::index(h, cap)].push((k, h));
            }
            self.buckets = next;
        }
    }

    fn keys(&self) -> Vec<(K, i32)> {
        self.buckets.iter().flatten().cloned().collect()
    }
}

/// The iteration order of `new HashSet<>(originalMap.keySet())` followed by
/// `addAll(updateMap.keySet())`, both maps filled in declaration order.
fn java_order<K: PartialEq + Clone>(original: &[(K, i32)], update: &[(K, i32)]) -> Vec<K> {
    let map_keys = |items: &[(K, i32)]| {
        let mut map = JavaHashKeys::with_capacity(16);
        for (k, h) in items {
            map.insert(k.clone(), *h);
        }
        map.keys()
    };
    let first = map_keys(original);
    let capacity = ((first.len() as f32 / 0.75) as usize + 1).max(16);
    let mut set = JavaHashKeys::with_capacity(capacity);
    for (k, h) in first.into_iter().chain(map_keys(update)) {
        set.insert(k, h);
    }
    set.keys().into_iter().map(|(k, _)| k).collect()
}

// ---- types ------------------------------------------------------------------------------

fn compare_types(
    ctx: &mut Ctx,
    original_messages: Vec<MessageDescriptor>,
    original_enums: Vec<EnumDescriptor>,
    update_messages: Vec<MessageDescriptor>,
    update_enums: Vec<EnumDescriptor>,
) {
    let index = |list: Vec<MessageDescriptor>| -> Vec<(String, MessageDescriptor)> {
        list.into_iter()
            .filter(|m| !m.is_map_entry())
            .map(|m| (m.name().to_owned(), m))
            .collect()
    };
    let (om, um) = (index(original_messages), index(update_messages));
    let hashed = |list: &[(String, MessageDescriptor)]| -> Vec<(String, i32)> {
        list.iter()
            .map(|(n, _)| (n.clone(), java_string_hash(n)))
            .collect()
    };
    for name in java_order(&hashed(&om), &hashed(&um)) {
        ctx.path.push(name.clone());
        let o = om.iter().position(|(n, _)| *n == name);
        let u = um.iter().position(|(n, _)| *n == name);
        match (o, u) {
            (Some(_), None) => ctx.add("MESSAGE_REMOVED"),
            (None, Some(_)) => ctx.add("MESSAGE_ADDED"),
            (Some(oi), Some(ui)) => {
                compare_message(ctx, &om[oi].1, &um[ui].1);
                if oi != ui {
                    ctx.add("MESSAGE_MOVED");
                }
            }
            (None, None) => {}
        }
        ctx.path.pop();
    }

    let hashed_enums = |list: &[EnumDescriptor]| -> Vec<(String, i32)> {
        list.iter()
            .map(|e| (e.name().to_owned(), java_string_hash(e.name())))
            .collect()
    };
    for name in java_order(&hashed_enums(&original_enums), &hashed_enums(&update_enums)) {
        ctx.path.push(name.clone());
        let o = original_enums.iter().find(|e| e.name() == name);
        let u = update_enums.iter().find(|e| e.name() == name);
        match (o, u) {
            (Some(_), None) => ctx.add("ENUM_REMOVED"),
            (None, Some(_)) => ctx.add("ENUM_ADDED"),
            (Some(o), Some(u)) => compare_enum(ctx, o, u),
            (None, None) => {}
        }
        ctx.path.pop();
    }
}

fn compare_enum(ctx: &mut Ctx, original: &EnumDescriptor, update: &EnumDescriptor) {
    // Later constants with the same number replace earlier ones (Java map puts).
    let by_tag = |e: &EnumDescriptor| -> Vec<(i32, String)> {
        let mut out: Vec<(i32, String)> = Vec::new();
        for v in e.values() {
            match out.iter_mut().find(|(n, _)| *n == v.number()) {
                Some(slot) => slot.1 = v.name().to_owned(),
                None => out.push((v.number(), v.name().to_owned())),
            }
        }
        out
    };
    let (o, u) = (by_tag(original), by_tag(update));
    let hashed = |list: &[(i32, String)]| -> Vec<(i32, i32)> {
        list.iter().map(|(n, _)| (*n, *n)).collect()
    };
    for tag in java_order(&hashed(&o), &hashed(&u)) {
        let ov = o.iter().find(|(n, _)| *n == tag);
        let uv = u.iter().find(|(n, _)| *n == tag);
        let kind = match (ov, uv) {
            (Some(_), None) => "ENUM_CONST_REMOVED",
            (None, Some(_)) => "ENUM_CONST_ADDED",
            (Some(a), Some(b)) if a.1 != b.1 => "ENUM_CONST_CHANGED",
            _ => continue,
        };
        ctx.add_at(&[&tag.to_string()], kind);
    }
}

// ---- messages ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Optional,
    Repeated,
    Required,
}

#[derive(Clone)]
enum FieldType {
    Scalar(Kind),
    Enum,
    Message(MessageDescriptor),
    Map(Box<FieldType>, Box<FieldType>),
}

fn field_type(kind: Kind) -> FieldType {
    match kind {
        Kind::Message(m) if m.is_map_entry() => FieldType::Map(
            Box::new(field_type(m.map_entry_key_field().kind())),
            Box::new(field_type(m.map_entry_value_field().kind())),
        ),
        Kind::Message(m) => FieldType::Message(m),
        Kind::Enum(_) => FieldType::Enum,
        other => FieldType::Scalar(other),
    }
}

struct Field {
    name: String,
    label: Option<Label>,
    ty: FieldType,
}

#[derive(Default)]
struct Fields {
    by_tag: BTreeMap<u32, Field>,
    oneof_of: HashMap<u32, String>,
    /// Real oneofs in declaration order, with their members' tags.
    oneofs: Vec<(String, Vec<u32>)>,
}

fn collect(message: &MessageDescriptor) -> Fields {
    let proto3 = message.parent_file().syntax() == Syntax::Proto3;
    let mut out = Fields::default();
    for field in message.fields() {
        let oneof = field.containing_oneof().filter(|o| !o.is_synthetic());
        let label = if field.is_map() || oneof.is_some() {
            None
        } else {
            match field.cardinality() {
                Cardinality::Repeated => Some(Label::Repeated),
                Cardinality::Required => Some(Label::Required),
                Cardinality::Optional => {
                    if !proto3 || field.field_descriptor_proto().proto3_optional() {
                        Some(Label::Optional)
                    } else {
                        None
                    }
                }
            }
        };
        if let Some(oneof) = &oneof {
            out.oneof_of.insert(field.number(), oneof.name().to_owned());
        }
        out.by_tag.insert(
            field.number(),
            Field {
                name: field.name().to_owned(),
                label,
                ty: field_type(field.kind()),
            },
        );
    }
    for oneof in message.oneofs().filter(|o| !o.is_synthetic()) {
        out.oneofs.push((
            oneof.name().to_owned(),
            oneof.fields().map(|f| f.number()).collect(),
        ));
    }
    out
}

fn guard_key(message: &MessageDescriptor) -> String {
    format!("{}#{}", message.parent_file().name(), message.full_name())
}

fn compare_message(ctx: &mut Ctx, original: &MessageDescriptor, update: &MessageDescriptor) {
    let key = guard_key(original);
    let entered = ctx.in_progress.insert(key.clone());
    if entered {
        compare_fields(ctx, original, update);
    }
    compare_types(
        ctx,
        original.child_messages().collect(),
        original.child_enums().collect(),
        update.child_messages().collect(),
        update.child_enums().collect(),
    );
    if entered {
        ctx.in_progress.remove(&key);
    }
}

fn compare_fields(ctx: &mut Ctx, original: &MessageDescriptor, update: &MessageDescriptor) {
    let o = collect(original);
    let u = collect(update);
    let update_oneof_names: HashSet<&str> = u.oneofs.iter().map(|(n, _)| n.as_str()).collect();
    let original_oneof_names: HashSet<&str> = o.oneofs.iter().map(|(n, _)| n.as_str()).collect();

    // Oneofs removed by name none of whose members survive anywhere: a complete deletion.
    let completely_deleted: HashSet<&str> = o
        .oneofs
        .iter()
        .filter(|(name, tags)| {
            !update_oneof_names.contains(name.as_str())
                && !tags.iter().any(|t| u.by_tag.contains_key(t))
        })
        .map(|(name, _)| name.as_str())
        .collect();

    // New mutual exclusivity among fields that existed before.
    for (name, tags) in &u.oneofs {
        let mut groups: HashSet<String> = HashSet::new();
        let mut top_level_moved_in = 0;
        for tag in tags {
            if let Some(oneof) = o.oneof_of.get(tag) {
                groups.insert(format!("oneof:{oneof}"));
            } else if o.by_tag.contains_key(tag) {
                groups.insert(format!("field:{tag}"));
                top_level_moved_in += 1;
            }
        }
        if groups.len() > 1 {
            let kind = if top_level_moved_in > 1 {
                "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
            } else {
                "FIELD_MOVED_TO_EXISTING_ONEOF"
            };
            ctx.add_at(&[name], kind);
        }
    }

    let all_oneofs: BTreeSet<&str> = original_oneof_names
        .iter()
        .chain(update_oneof_names.iter())
        .copied()
        .collect();
    for name in all_oneofs {
        if !update_oneof_names.contains(name) {
            ctx.add_at(&[name], "ONEOF_REMOVED");
        } else if !original_oneof_names.contains(name) {
            ctx.add_at(&[name], "ONEOF_ADDED");
        }
    }

    let all_tags: BTreeSet<u32> = o.by_tag.keys().chain(u.by_tag.keys()).copied().collect();
    for tag in all_tags {
        let tag_text = tag.to_string();
        let original_oneof = o.oneof_of.get(&tag);
        let update_oneof = u.oneof_of.get(&tag);
        match (o.by_tag.get(&tag), u.by_tag.get(&tag)) {
            (Some(of), None) => match original_oneof {
                Some(oneof) => {
                    if !completely_deleted.contains(oneof.as_str()) {
                        ctx.add_at(&[oneof, &tag_text], "ONEOF_FIELD_REMOVED");
                    }
                }
                None => ctx.add_at(
                    &[&tag_text],
                    if of.label == Some(Label::Required) {
                        "REQUIRED_FIELD_REMOVED"
                    } else {
                        "FIELD_REMOVED"
                    },
                ),
            },
            (None, Some(uf)) => match update_oneof {
                Some(oneof) => ctx.add_at(&[oneof, &tag_text], "ONEOF_FIELD_ADDED"),
                None => ctx.add_at(
                    &[&tag_text],
                    if uf.label == Some(Label::Required) {
                        "REQUIRED_FIELD_ADDED"
                    } else {
                        "FIELD_ADDED"
                    },
                ),
            },
            (Some(of), Some(uf)) => {
                if original_oneof.is_some() && update_oneof.is_none() {
                    ctx.add_at(&[&tag_text], "ONEOF_FIELD_MOVED_TO_TOP_LEVEL");
                }
                let depth = ctx.path.len();
                if let Some(oneof) = update_oneof {
                    ctx.path.push(oneof.clone());
                }
                ctx.path.push(tag_text);
                compare_field(ctx, of, uf);
                ctx.path.truncate(depth);
            }
            (None, None) => {}
        }
    }
}

fn compare_field(ctx: &mut Ctx, original: &Field, update: &Field) {
    if original.name != update.name {
        ctx.add("FIELD_NAME_CHANGED");
    }
    compare_labels_and_types(ctx, original.label, update.label, &original.ty, &update.ty);
}

#[derive(PartialEq, Eq)]
enum KindClass {
    Scalar,
    Map,
    Message,
}

fn class(ty: &FieldType) -> KindClass {
    match ty {
        FieldType::Scalar(_) | FieldType::Enum => KindClass::Scalar,
        FieldType::Map(..) => KindClass::Map,
        FieldType::Message(_) => KindClass::Message,
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum ScalarGroup {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
    Other,
}

fn scalar_group(ty: &FieldType) -> ScalarGroup {
    match ty {
        FieldType::Enum => ScalarGroup::GeneralNumber,
        FieldType::Scalar(kind) => match kind {
            Kind::Int32 | Kind::Int64 | Kind::Uint32 | Kind::Uint64 | Kind::Bool => {
                ScalarGroup::GeneralNumber
            }
            Kind::Sint32 | Kind::Sint64 => ScalarGroup::SignedNumber,
            Kind::String | Kind::Bytes => ScalarGroup::StringOrBytes,
            Kind::Fixed32 | Kind::Sfixed32 => ScalarGroup::Fixed32,
            Kind::Fixed64 | Kind::Sfixed64 => ScalarGroup::Fixed64,
            Kind::Float => ScalarGroup::Float,
            Kind::Double => ScalarGroup::Double,
            Kind::Message(_) | Kind::Enum(_) => ScalarGroup::Other,
        },
        _ => ScalarGroup::Other,
    }
}

fn compare_labels_and_types(
    ctx: &mut Ctx,
    original_label: Option<Label>,
    update_label: Option<Label>,
    original: &FieldType,
    update: &FieldType,
) {
    if class(original) != class(update) {
        ctx.add("FIELD_KIND_CHANGED");
        return;
    }
    match (original, update) {
        (FieldType::Message(o), FieldType::Message(u)) => compare_message_types(ctx, o, u),
        (FieldType::Map(ok, ov), FieldType::Map(uk, uv)) => {
            compare_labels_and_types(ctx, None, None, ok, uk);
            compare_labels_and_types(ctx, None, None, ov, uv);
        }
        _ => {
            let group = scalar_group(original);
            if group != scalar_group(update) {
                ctx.add("FIELD_SCALAR_KIND_CHANGED");
            } else if let (Some(a), Some(b)) = (original_label, update_label)
                && a != b
            {
                match group {
                    ScalarGroup::StringOrBytes => ctx.add("FIELD_STRING_OR_BYTES_LABEL_CHANGED"),
                    ScalarGroup::Other => {}
                    _ => ctx.add("FIELD_NUMERIC_LABEL_CHANGED"),
                }
            }
        }
    }
}

fn local_name(message: &MessageDescriptor) -> String {
    let package = message.package_name();
    let full = message.full_name();
    if package.is_empty() {
        full.to_owned()
    } else {
        full.strip_prefix(package)
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(full)
            .to_owned()
    }
}

fn compare_message_types(ctx: &mut Ctx, original: &MessageDescriptor, update: &MessageDescriptor) {
    let (ol, ul) = (local_name(original), local_name(update));
    if ol != ul {
        ctx.add("FIELD_NAMED_TYPE_CHANGED");
        return;
    }
    // Both defined in the compared files themselves: compared by name at their own place.
    if original.parent_file().name() == ctx.original_file
        && update.parent_file().name() == ctx.update_file
    {
        return;
    }
    let mut sub = Ctx {
        original_file: ctx.original_file.clone(),
        update_file: ctx.update_file.clone(),
        path: ol.split('.').map(str::to_owned).collect(),
        changes: Vec::new(),
        in_progress: ctx.in_progress.clone(),
    };
    compare_message(&mut sub, original, update);
    let incompatible = sub.changes.iter().any(|c| !c.compatible);
    ctx.changes.append(&mut sub.changes);
    if incompatible {
        ctx.add("FIELD_NAMED_TYPE_CHANGED");
    }
}
