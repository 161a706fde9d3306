//! The fields of a Protobuf schema (see [`crate::schema::fields`]): the fields of the
//! file's first message (or of any message by name), each followed by those of the message
//! it holds (directly, repeated, or as map values). Tags and docs are the field option
//! `(confluent.field_meta)` (`confluent/meta.proto`).

use prost_reflect::{Cardinality, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::Value;

use super::ProtobufSchema;
use crate::schema::fields::{FieldInfo, MAX_DEPTH, Out, join};

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

pub(crate) fn list(schema: &ProtobufSchema) -> Vec<FieldInfo> {
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
    use crate::schema::ParsedSchema;
    use crate::schema::SchemaType;
    use crate::schema::fields::testing::{field, parse, paths, tagged};
    use crate::schema::fields::{FieldInfo, MAX_DEPTH, MAX_FIELDS};

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
}
