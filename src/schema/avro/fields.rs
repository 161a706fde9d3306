//! The fields of an Avro schema (see [`crate::schema::fields`]): the root record's fields,
//! each followed by those of the records it holds (directly, through a union, or as array
//! items or map values). Tags are the field properties `confluent:tags` and `tags`.

use serde_json::Value;

use super::AvroSchema;
use super::model::{NamedKind, Primitive, Schema as AvroNode, TypeTable};
use crate::schema::fields::{DESCRIBE_DEPTH, FieldInfo, MAX_DEPTH, Out, TAG_KEYS, add_tags, join};

/// Deepest array/map nesting searched for records inside one Avro field type (the parser
/// accepts 256 levels).
const AVRO_NESTING: usize = 300;

pub(crate) fn list(schema: &AvroSchema) -> Vec<FieldInfo> {
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
                kind: Primitive::Null,
                ..
            }
        )
    };
    match schema {
        AvroNode::Union(branches) => branches.iter().any(is_null),
        other => is_null(other),
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::fields::testing::{field, parse, paths, tagged};
    use crate::schema::fields::{FieldInfo, MAX_DEPTH, MAX_FIELDS};
    use crate::schema::{Dependency, SchemaType};

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
