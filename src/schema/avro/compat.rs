//! Avro reader/writer compatibility. STUB — being written.

use super::AvroSchema;
use crate::schema::compat::Finding;

pub fn check(_reader: &AvroSchema, _writer: &AvroSchema) -> Vec<Finding> {
    Vec::new()
}
