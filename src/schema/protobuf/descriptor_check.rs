//! Checks on a `FileDescriptorProto` received as base64, before it is compiled. `.proto`
//! text is checked by the parser; a descriptor is only bytes, so names and the syntax must
//! be checked here — an invalid name would otherwise be printed into canonical text that no
//! longer parses, and prost-reflect panics on an unknown syntax.

use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use crate::schema::SchemaError;

pub fn check(file: &FileDescriptorProto) -> Result<(), SchemaError> {
    match file.syntax.as_deref() {
        None | Some("" | "proto2" | "proto3") => {}
        Some(other) => {
            return Err(SchemaError::new(format!(
                "unsupported syntax \"{other}\" (expected proto2 or proto3)"
            )));
        }
    }
    if let Some(package) = file.package.as_deref().filter(|p| !p.is_empty()) {
        for part in package.split('.') {
            identifier(part, "package")?;
        }
    }
    for message in &file.message_type {
        check_message(message, 0)?;
    }
    for enumeration in &file.enum_type {
        check_enum(enumeration)?;
    }
    for field in &file.extension {
        check_field(field)?;
    }
    for service in &file.service {
        identifier(service.name(), "service")?;
        for method in &service.method {
            identifier(method.name(), "method")?;
        }
    }
    Ok(())
}

/// Nesting is bounded for text by the scanner; descriptors get the same bound here.
const MAX_NESTING: usize = 200;

fn check_message(message: &DescriptorProto, depth: usize) -> Result<(), SchemaError> {
    if depth > MAX_NESTING {
        return Err(SchemaError::new(format!(
            "messages nested deeper than {MAX_NESTING} levels"
        )));
    }
    identifier(message.name(), "message")?;
    for field in message.field.iter().chain(&message.extension) {
        check_field(field)?;
    }
    for oneof in &message.oneof_decl {
        identifier(oneof.name(), "oneof")?;
    }
    for nested in &message.nested_type {
        check_message(nested, depth + 1)?;
    }
    for enumeration in &message.enum_type {
        check_enum(enumeration)?;
    }
    Ok(())
}

fn check_field(field: &FieldDescriptorProto) -> Result<(), SchemaError> {
    identifier(field.name(), "field")
}

fn check_enum(enumeration: &EnumDescriptorProto) -> Result<(), SchemaError> {
    identifier(enumeration.name(), "enum")?;
    for value in &enumeration.value {
        identifier(value.name(), "enum value")?;
    }
    Ok(())
}

/// `[A-Za-z_][A-Za-z0-9_]*`, as the .proto grammar requires.
fn identifier(name: &str, what: &str) -> Result<(), SchemaError> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(SchemaError::new(format!("invalid {what} name {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(package: &str, message: &str, syntax: Option<&str>) -> FileDescriptorProto {
        FileDescriptorProto {
            package: Some(package.into()),
            syntax: syntax.map(str::to_owned),
            message_type: vec![DescriptorProto {
                name: Some(message.into()),
                ..DescriptorProto::default()
            }],
            ..FileDescriptorProto::default()
        }
    }

    #[test]
    fn names_and_syntax_are_checked() {
        assert!(check(&file("shop.orders", "Order", Some("proto3"))).is_ok());
        assert!(check(&file("-", "Order", None)).is_err());
        assert!(check(&file("shop", "-", None)).is_err());
        assert!(check(&file("shop..x", "Order", None)).is_err());
        assert!(check(&file("shop", "Order", Some("x"))).is_err());
    }
}
