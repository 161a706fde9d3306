//! Decoding Avro binary data (the payload after Confluent's 5-byte header) against a
//! schema, into the JSON encoding. Binary data has no resynchronisation point, so the
//! first problem ends decoding; it is reported with the path where it happened.

use serde_json::{Map, Value};

use super::AvroSchema;
use super::model::{NamedKind, Primitive, Schema, TypeTable};
use crate::schema::validation::{ValidationError, child_path};

/// How many array items and map entries one payload may hold in all. Items of zero-byte
/// types (null, empty records) cost no input, so without a bound a few bytes could ask
/// for billions of values.
const MAX_ITEMS: u64 = 1_000_000;
const MAX_DEPTH: usize = 256;

impl AvroSchema {
    /// Decodes `data` completely; trailing bytes are an error.
    pub fn decode_binary(&self, data: &[u8]) -> Result<Value, ValidationError> {
        let mut decoder = Decoder {
            table: &self.table,
            data,
            position: 0,
            items_left: MAX_ITEMS,
        };
        let value = decoder.value(&self.root, "", 0)?;
        if decoder.position != data.len() {
            return Err(ValidationError::new(
                "",
                format!(
                    "{} bytes left over after the value ended at byte {}",
                    data.len() - decoder.position,
                    decoder.position
                ),
            ));
        }
        Ok(value)
    }
}

struct Decoder<'a> {
    table: &'a TypeTable,
    data: &'a [u8],
    position: usize,
    /// Array items and map entries still allowed (see [`MAX_ITEMS`]).
    items_left: u64,
}

impl Decoder<'_> {
    fn error(&self, path: &str, message: impl Into<String>) -> ValidationError {
        ValidationError::new(
            path,
            format!("{} (at byte {})", message.into(), self.position),
        )
    }

    fn take(&mut self, count: usize, path: &str) -> Result<&[u8], ValidationError> {
        let end = self
            .position
            .checked_add(count)
            .filter(|end| *end <= self.data.len())
            .ok_or_else(|| {
                self.error(
                    path,
                    format!("unexpected end of data (needed {count} more bytes)"),
                )
            })?;
        let bytes = &self.data[self.position..end];
        self.position = end;
        Ok(bytes)
    }

    /// A zig-zag encoded variable-length long.
    fn long(&mut self, path: &str) -> Result<i64, ValidationError> {
        let mut raw: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1, path)?[0];
            raw |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                let magnitude = i64::try_from(raw >> 1).unwrap_or(i64::MAX);
                return Ok(if raw & 1 == 0 {
                    magnitude
                } else {
                    -magnitude - 1
                });
            }
        }
        Err(self.error(path, "variable-length integer is longer than 10 bytes"))
    }

    fn length(&mut self, path: &str) -> Result<usize, ValidationError> {
        let length = self.long(path)?;
        usize::try_from(length).map_err(|_| self.error(path, format!("negative length {length}")))
    }

    fn value(
        &mut self,
        schema: &Schema,
        path: &str,
        depth: usize,
    ) -> Result<Value, ValidationError> {
        if depth > MAX_DEPTH {
            return Err(self.error(path, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        match schema {
            Schema::Primitive { kind, .. } => self.primitive(*kind, path),
            Schema::Array { items, .. } => {
                let mut elements = Vec::new();
                self.blocks(path, |decoder, _| {
                    let element_path = child_path(path, &elements.len().to_string());
                    elements.push(decoder.value(items, &element_path, depth + 1)?);
                    Ok(())
                })?;
                Ok(Value::Array(elements))
            }
            Schema::Map { values, .. } => {
                let mut entries = Map::new();
                self.blocks(path, |decoder, _| {
                    let key = decoder.string(path)?;
                    let entry_path = child_path(path, &key);
                    let value = decoder.value(values, &entry_path, depth + 1)?;
                    entries.insert(key, value);
                    Ok(())
                })?;
                Ok(Value::Object(entries))
            }
            Schema::Union(branches) => {
                let index = self.long(path)?;
                let branch = usize::try_from(index)
                    .ok()
                    .and_then(|i| branches.get(i))
                    .ok_or_else(|| {
                        self.error(path, format!("union branch {index} does not exist"))
                    })?;
                let inner = self.value(branch, path, depth + 1)?;
                if inner.is_null() {
                    return Ok(Value::Null);
                }
                let mut wrapped = Map::new();
                wrapped.insert(self.table.branch_name(branch), inner);
                Ok(Value::Object(wrapped))
            }
            Schema::Named(index) => self.named(*index, path, depth),
        }
    }

    /// Arrays and maps come in blocks: a count (negative: followed by a byte size), the
    /// items, and a zero count at the end.
    fn blocks(
        &mut self,
        path: &str,
        mut item: impl FnMut(&mut Self, usize) -> Result<(), ValidationError>,
    ) -> Result<(), ValidationError> {
        loop {
            let mut count = self.long(path)?;
            if count == 0 {
                return Ok(());
            }
            if count < 0 {
                count = count
                    .checked_neg()
                    .ok_or_else(|| self.error(path, "invalid block count"))?;
                self.long(path)?;
            }
            let wanted = u64::try_from(count).unwrap_or(u64::MAX);
            if wanted > self.items_left {
                return Err(self.error(path, format!("more than {MAX_ITEMS} items in one payload")));
            }
            self.items_left -= wanted;
            for i in 0..count {
                item(self, usize::try_from(i).unwrap_or(usize::MAX))?;
            }
        }
    }

    fn primitive(&mut self, kind: Primitive, path: &str) -> Result<Value, ValidationError> {
        Ok(match kind {
            Primitive::Null => Value::Null,
            Primitive::Boolean => match self.take(1, path)?[0] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                other => return Err(self.error(path, format!("invalid boolean byte {other}"))),
            },
            Primitive::Int => {
                let n = self.long(path)?;
                if i32::try_from(n).is_err() {
                    return Err(self.error(path, format!("{n} is out of range for int")));
                }
                Value::from(n)
            }
            Primitive::Long => Value::from(self.long(path)?),
            Primitive::Float => {
                let bytes = self.take(4, path)?;
                let float = f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                number(f64::from(float))
            }
            Primitive::Double => {
                let bytes = self.take(8, path)?;
                let mut array = [0u8; 8];
                array.copy_from_slice(bytes);
                number(f64::from_le_bytes(array))
            }
            Primitive::Bytes => {
                let length = self.length(path)?;
                Value::String(latin1(self.take(length, path)?))
            }
            Primitive::String => Value::String(self.string(path)?),
        })
    }

    fn string(&mut self, path: &str) -> Result<String, ValidationError> {
        let length = self.length(path)?;
        let bytes = self.take(length, path)?.to_vec();
        String::from_utf8(bytes).map_err(|_| self.error(path, "string is not valid UTF-8"))
    }

    fn named(&mut self, index: usize, path: &str, depth: usize) -> Result<Value, ValidationError> {
        let table = self.table;
        let named = table
            .get(index)
            .ok_or_else(|| self.error(path, "schema refers to an unknown type"))?;
        match &named.kind {
            NamedKind::Record { fields, .. } => {
                let mut object = Map::new();
                for field in fields {
                    let field_path = child_path(path, &field.name);
                    let value = self.value(&field.schema, &field_path, depth + 1)?;
                    object.insert(field.name.clone(), value);
                }
                Ok(Value::Object(object))
            }
            NamedKind::Enum { symbols, .. } => {
                let index = self.long(path)?;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| symbols.get(i))
                    .map(|s| Value::String(s.clone()))
                    .ok_or_else(|| self.error(path, format!("enum index {index} does not exist")))
            }
            NamedKind::Fixed { size } => {
                let size = usize::try_from(*size).unwrap_or(usize::MAX);
                Ok(Value::String(latin1(self.take(size, path)?)))
            }
        }
    }
}

/// Non-finite floats have no JSON number; they are written as Avro's JSON strings.
fn number(value: f64) -> Value {
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(value.to_string()))
}

/// Bytes in the JSON encoding: one code point per byte.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema(value: Value) -> AvroSchema {
        AvroSchema::parse(&value.to_string(), &[]).expect("valid schema")
    }

    #[test]
    fn decodes_a_record_by_hand_encoding() {
        let s = schema(json!({"type": "record", "name": "R", "fields": [
            {"name": "id", "type": "long"},
            {"name": "name", "type": ["null", "string"]},
            {"name": "tags", "type": {"type": "array", "items": "int"}}
        ]}));
        // id = -2 (zigzag 3), name = branch 1 + "ab", tags = one block of 2: [1, -1], end.
        let data = [0x03, 0x02, 0x04, b'a', b'b', 0x04, 0x02, 0x01, 0x00];
        assert_eq!(
            s.decode_binary(&data).expect("decodes"),
            json!({"id": -2, "name": {"string": "ab"}, "tags": [1, -1]})
        );
    }

    #[test]
    fn truncated_and_trailing_data_are_errors_with_paths() {
        let s = schema(json!({"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int"}, {"name": "b", "type": "string"}
        ]}));
        let truncated = s.decode_binary(&[0x02, 0x08, b'x']).expect_err("truncated");
        assert_eq!(truncated.path, "/b");
        let trailing = s.decode_binary(&[0x02, 0x00, 0xff]).expect_err("trailing");
        assert!(trailing.message.contains("left over"), "{trailing:?}");
    }

    #[test]
    fn nested_zero_byte_items_are_bounded_in_total() {
        // Found by fuzzing: array<array<array<null>>> with blocks of millions of nulls
        // costs a few bytes of input per block.
        let s = schema(
            json!({"type": "array", "items": {"type": "array", "items": {"type": "array", "items": "null"}}}),
        );
        let data = [0x80, 0xff, 0xff, 0x06, 0x01, 0x40, 0x80, 0x40, 0x80];
        let started = std::time::Instant::now();
        assert!(s.decode_binary(&data).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn hostile_lengths_do_not_allocate() {
        let s = schema(json!({"type": "array", "items": "null"}));
        // A block count of about 2^62 items of null (zero bytes each).
        let data = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert!(s.decode_binary(&data).is_err());
    }
}
