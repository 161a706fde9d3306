//! Confluent's wire format: a magic byte 0, the schema id as 4 big-endian bytes, then
//! (Protobuf only) the message indexes, then the encoded payload.

use super::validation::ValidationError;

/// The framing before the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub schema_id: i64,
}

/// Splits the 5-byte header from the rest.
pub fn split_header(data: &[u8]) -> Result<(Header, &[u8]), ValidationError> {
    match data {
        [0, a, b, c, d, rest @ ..] => Ok((
            Header {
                schema_id: i64::from(u32::from_be_bytes([*a, *b, *c, *d])),
            },
            rest,
        )),
        [magic, ..] if *magic != 0 => Err(ValidationError::new(
            "",
            format!("unknown magic byte {magic}: Confluent framing starts with 0"),
        )),
        _ => Err(ValidationError::new(
            "",
            format!(
                "{} bytes is too short for the 5-byte Confluent header",
                data.len()
            ),
        )),
    }
}

/// Protobuf message indexes: a zig-zag varint count, then that many zig-zag varint
/// indexes; a count of 0 means `[0]` (the first message).
pub fn split_message_indexes(data: &[u8]) -> Result<(Vec<i32>, &[u8]), ValidationError> {
    let (count, mut rest) = zigzag_varint(data)?;
    if count == 0 {
        return Ok((vec![0], rest));
    }
    if !(1..=100).contains(&count) {
        return Err(ValidationError::new(
            "",
            format!("implausible message index count {count}"),
        ));
    }
    let mut indexes = Vec::new();
    for _ in 0..count {
        let (index, remaining) = zigzag_varint(rest)?;
        indexes.push(index);
        rest = remaining;
    }
    Ok((indexes, rest))
}

fn zigzag_varint(data: &[u8]) -> Result<(i32, &[u8]), ValidationError> {
    let mut raw: u64 = 0;
    for (i, byte) in data.iter().enumerate().take(5) {
        raw |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let magnitude = i64::try_from(raw >> 1).unwrap_or(i64::MAX);
            let value = if raw & 1 == 0 {
                magnitude
            } else {
                -magnitude - 1
            };
            let value = i32::try_from(value)
                .map_err(|_| ValidationError::new("", "message index out of range"))?;
            return Ok((value, &data[i + 1..]));
        }
    }
    Err(ValidationError::new(
        "",
        "truncated or overlong message index varint",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_carries_the_id() {
        let (header, rest) = split_header(&[0, 0, 0, 1, 2, 9, 9]).expect("header");
        assert_eq!(header.schema_id, 258);
        assert_eq!(rest, &[9, 9]);
        assert!(split_header(&[1, 0, 0, 0, 1]).is_err());
        assert!(split_header(&[0, 0, 1]).is_err());
    }

    #[test]
    fn message_indexes_follow_confluent() {
        assert_eq!(
            split_message_indexes(&[0, 7]).expect("first"),
            (vec![0], &[7u8][..])
        );
        // count 2 (zigzag 4), indexes 1 (2) and 3 (6).
        assert_eq!(
            split_message_indexes(&[4, 2, 6, 7]).expect("nested"),
            (vec![1, 3], &[7u8][..])
        );
        assert!(split_message_indexes(&[0x80]).is_err());
    }
}
