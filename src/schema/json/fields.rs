//! The fields of a JSON Schema (see [`crate::schema::fields`]): the properties of the root
//! object, gathered through `$ref`, `allOf`, `anyOf`, `oneOf`, array `items` and map
//! `additionalProperties`, each followed by its own fields. Tags are the keywords
//! `confluent:tags` and `tags` on the property's subschema and on what its `$ref` names.

use crate::schema::pointer;
use std::collections::HashSet;

use serde_json::{Map, Value};

use super::JsonSchema;
use crate::schema::fields::{
    DESCRIBE_DEPTH, FieldInfo, MAX_DEPTH, MAX_FIELDS, Out, TAG_KEYS, add_tags, join,
};

pub(crate) fn list(schema: &JsonSchema) -> Vec<FieldInfo> {
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
        let fragment = pointer::percent_decode(fragment);
        if let Some(segment) = fragment.rsplit('/').next().filter(|s| !s.is_empty()) {
            return pointer::unescape(segment);
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
        let pointer = pointer::percent_decode(fragment);
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

#[cfg(test)]
mod tests {
    use crate::schema::fields::testing::{field, parse, paths, tagged};
    use crate::schema::fields::{FieldInfo, MAX_DEPTH, MAX_FIELDS};
    use crate::schema::{Dependency, SchemaType};

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
}
