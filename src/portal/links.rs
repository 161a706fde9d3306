//! Every portal URL is built here. Subject names may hold `/`, `:`, spaces or anything
//! else, so each goes into a path as one percent-encoded segment (axum decodes it again).

use std::fmt::Write;

use crate::schema::SchemaType;

/// The path prefix of every portal page.
pub const PREFIX: &str = "/ui";

/// Percent-encodes `text` as a single path segment: every byte but the RFC 3986 unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `?key=value&...` (application/x-www-form-urlencoded), pairs with empty values left out;
/// empty when nothing is left.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        serializer.append_pair(key, value);
        any = true;
    }
    if any {
        format!("?{}", serializer.finish())
    } else {
        String::new()
    }
}

pub fn home() -> String {
    format!("{PREFIX}/")
}

pub fn subjects() -> String {
    format!("{PREFIX}/subjects")
}

pub fn subject(subject: &str) -> String {
    format!("{PREFIX}/subjects/{}", segment(subject))
}

pub fn version(subject: &str, version: i32) -> String {
    format!("{PREFIX}/subjects/{}/versions/{version}", segment(subject))
}

pub fn download(subject: &str, version: i32) -> String {
    format!(
        "{PREFIX}/subjects/{}/versions/{version}/download",
        segment(subject)
    )
}

/// The diff page; absent versions take the page's defaults (previous -> latest).
pub fn diff(subject: &str, from: Option<i32>, to: Option<i32>) -> String {
    let from = from.map(|v| v.to_string()).unwrap_or_default();
    let to = to.map(|v| v.to_string()).unwrap_or_default();
    format!(
        "{PREFIX}/subjects/{}/diff{}",
        segment(subject),
        query(&[("from", &from), ("to", &to)])
    )
}

/// The audit trail with the given query parameters (empty values left out).
pub fn audit(pairs: &[(&str, &str)]) -> String {
    format!("{PREFIX}/audit{}", query(pairs))
}

pub fn schema(id: i64) -> String {
    format!("{PREFIX}/schemas/{id}")
}

/// The Confluent API answer for the same subject version (JSON).
pub fn api_version(subject: &str, version: i32) -> String {
    format!("/subjects/{}/versions/{version}", segment(subject))
}

/// The Confluent API answer for a schema id (JSON).
pub fn api_schema(id: i64) -> String {
    format!("/schemas/ids/{id}")
}

/// A catalog page (built by the event catalog) for an audit target `kind/name`.
pub fn catalog_entity(kind: &str, name: &str) -> Option<String> {
    let area = match kind {
        "application" => "applications",
        "event" => "events",
        "domain" => "domains",
        "team" => "teams",
        "topic" => "topics",
        _ => return None,
    };
    Some(format!("{PREFIX}/{area}/{}", segment(name)))
}

/// How a format is named on the pages, and its badge class.
pub fn format_label(schema_type: SchemaType) -> &'static str {
    match schema_type {
        SchemaType::Avro => "Avro",
        SchemaType::Protobuf => "Protobuf",
        SchemaType::Json => "JSON Schema",
    }
}

pub fn format_class(schema_type: SchemaType) -> &'static str {
    match schema_type {
        SchemaType::Avro => "fmt-avro",
        SchemaType::Protobuf => "fmt-protobuf",
        SchemaType::Json => "fmt-json",
    }
}

/// `2026-11-24T08:52:03.871Z` as `2026-11-24 08:52 UTC` (anything else unchanged).
pub fn display_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(minute)) if rfc3339.as_bytes().get(10) == Some(&b'T') => {
            format!("{day} {minute} UTC")
        }
        _ => rfc3339.to_string(),
    }
}

/// `12345` as `12,345`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_encode_everything_but_unreserved() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment("a/b:c d"), "a%2Fb%3Ac%20d");
        assert_eq!(segment("x?y#z%"), "x%3Fy%23z%25");
        assert_eq!(segment("café"), "caf%C3%A9");
    }

    #[test]
    fn queries_drop_empty_values() {
        assert_eq!(query(&[("a", ""), ("b", "")]), "");
        assert_eq!(query(&[("q", "a b&c"), ("x", "")]), "?q=a+b%26c");
        assert_eq!(diff("s/1", None, Some(3)), "/ui/subjects/s%2F1/diff?to=3");
    }

    #[test]
    fn times_and_numbers_read_well() {
        assert_eq!(
            display_time("2026-11-24T08:52:03.871Z"),
            "2026-11-24 08:52 UTC"
        );
        assert_eq!(display_time("yesterday"), "yesterday");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
