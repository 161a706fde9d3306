//! Protobuf payloads: the canonical JSON mapping checked field by field (so every problem
//! is reported, not only the first), and binary messages decoded into that JSON.

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor};
use serde_json::Value;

use super::protobuf::ProtobufSchema;
use super::validation::{ValidationError, child_path};

const MAX_DEPTH: usize = 100;

/// Validates `instance` against the named message (full name), or the schema's first
/// message when none is named.
pub fn validate_json(
    schema: &ProtobufSchema,
    instance: &Value,
    message_name: Option<&str>,
) -> Vec<ValidationError> {
    let message = match message_name {
        Some(name) => schema
            .pool()
            .get_message_by_name(name.trim_start_matches('.')),
        None => schema.message_by_indexes(&[0]),
    };
    let Some(message) = message else {
        let problem = match message_name {
            Some(name) => format!("the schema has no message named {name}"),
            None => "the schema defines no message".to_string(),
        };
        return vec![ValidationError::new("", problem)];
    };
    let mut errors = Vec::new();
    check_message(&message, instance, "", 0, &mut errors);
    errors
}

fn check_message(
    message: &MessageDescriptor,
    value: &Value,
    path: &str,
    depth: usize,
    errors: &mut Vec<ValidationError>,
) {
    if depth > MAX_DEPTH {
        errors.push(ValidationError::new(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
        return;
    }
    // Well-known types (Timestamp, Duration, wrappers, Struct...) have special JSON forms:
    // let the library judge them whole.
    let Some(object) = value.as_object().filter(|_| !is_well_known(message)) else {
        if let Err(e) = deserialize(message, value) {
            errors.push(ValidationError::new(path, e));
        }
        return;
    };
    for (key, field_value) in object {
        let field_path = child_path(path, key);
        let Some(field) = message
            .get_field_by_json_name(key)
            .or_else(|| message.get_field_by_name(key))
        else {
            errors.push(ValidationError::new(
                &field_path,
                format!("message {} has no field '{key}'", message.full_name()),
            ));
            continue;
        };
        match (field.kind(), field.is_list(), field.is_map()) {
            (Kind::Message(inner), false, false) if !field_value.is_null() => {
                check_message(&inner, field_value, &field_path, depth + 1, errors);
            }
            (Kind::Message(inner), true, false) if field_value.is_array() => {
                for (i, element) in field_value.as_array().into_iter().flatten().enumerate() {
                    check_message(
                        &inner,
                        element,
                        &child_path(&field_path, &i.to_string()),
                        depth + 1,
                        errors,
                    );
                }
            }
            _ => {
                let single =
                    Value::Object([(key.clone(), field_value.clone())].into_iter().collect());
                if let Err(e) = deserialize(message, &single) {
                    errors.push(ValidationError::new(&field_path, e));
                }
            }
        }
    }
}

fn is_well_known(message: &MessageDescriptor) -> bool {
    message.package_name() == "google.protobuf"
}

fn deserialize(message: &MessageDescriptor, value: &Value) -> Result<DynamicMessage, String> {
    DynamicMessage::deserialize(message.clone(), value).map_err(|e| e.to_string())
}

/// Decodes a binary message (the one the message indexes name) into its JSON mapping.
pub fn decode(
    schema: &ProtobufSchema,
    indexes: &[i32],
    payload: &[u8],
) -> Result<Value, ValidationError> {
    let message = schema.message_by_indexes(indexes).ok_or_else(|| {
        ValidationError::new(
            "",
            format!("message indexes {indexes:?} name no message of the schema"),
        )
    })?;
    let decoded = DynamicMessage::decode(message.clone(), payload).map_err(|e| {
        ValidationError::new(
            "",
            format!("not a valid {} message: {e}", message.full_name()),
        )
    })?;
    serde_json::to_value(&decoded)
        .map_err(|e| ValidationError::new("", format!("decoded message has no JSON form: {e}")))
}

#[cfg(test)]
mod tests {
    use prost_reflect::prost::Message;
    use serde_json::json;

    use super::*;

    fn schema() -> ProtobufSchema {
        ProtobufSchema::parse(
            "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n  Line line = 3;\n  repeated Line lines = 4;\n}\nmessage Line {\n  string sku = 1;\n  int64 units = 2;\n}\n",
            &[],
        )
        .expect("valid proto")
    }

    #[test]
    fn every_json_problem_is_reported_with_its_path() {
        let errors = validate_json(
            &schema(),
            &json!({"id": 5, "quantity": 2, "line": {"sku": "a", "nope": 1}, "lines": [{"units": "x"}], "extra": true}),
            None,
        );
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/id", "/line/nope", "/lines/0/units", "/extra"],
            "{errors:#?}"
        );
        assert_eq!(
            validate_json(&schema(), &json!({"id": "o-1", "line": {"sku": "a"}}), None),
            vec![]
        );
    }

    #[test]
    fn another_message_can_be_named() {
        let line = json!({"sku": "a", "units": "3"});
        assert_eq!(validate_json(&schema(), &line, Some("shop.Line")), vec![]);
        assert_eq!(
            validate_json(&schema(), &line, None).len(),
            2,
            "as an Order it has two unknown fields"
        );
        assert_eq!(validate_json(&schema(), &line, Some("shop.Nope")).len(), 1);
    }

    #[test]
    fn binary_messages_decode_to_json() {
        let order = schema().message_by_indexes(&[0]).expect("Order");
        let message = DynamicMessage::deserialize(order, &json!({"id": "o-1", "quantity": 3}))
            .expect("message");
        let bytes = message.encode_to_vec();
        assert_eq!(
            decode(&schema(), &[0], &bytes).expect("decodes"),
            json!({"id": "o-1", "quantity": 3})
        );
        assert!(decode(&schema(), &[0], &[0xff, 0xff]).is_err());
        assert!(decode(&schema(), &[7], &bytes).is_err());
    }
}
