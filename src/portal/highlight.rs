//! Server-side syntax highlighting of schema text: a small tokenizer for JSON (Avro, JSON
//! Schema) and one for `.proto` text, rendered line by line as
//! `<span class="tok-...">` with every piece of text HTML-escaped here.

use std::fmt::{self, Write};

use serde_json::Value;

use crate::schema::SchemaType;

/// HTML that this module built and escaped itself, so templates may print it as is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlighted(String);

impl fmt::Display for Highlighted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Every constructor of `Highlighted` escapes the text it wraps.
impl askama::filters::HtmlSafe for Highlighted {}

/// Appends `text` to `out`, escaped for HTML text and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Plain,
    /// An object key (JSON) or a field / enum value name (proto).
    Key,
    Str,
    Num,
    /// `true`, `false`, `null`.
    Lit,
    Kw,
    /// A type name: Avro and JSON Schema primitive types, proto scalars.
    Type,
    /// The name a proto `message`, `enum`, `service`... declares.
    Name,
    Comment,
    Punct,
}

impl Tok {
    fn class(self) -> Option<&'static str> {
        Some(match self {
            Tok::Plain => return None,
            Tok::Key => "tok-key",
            Tok::Str => "tok-str",
            Tok::Num => "tok-num",
            Tok::Lit => "tok-lit",
            Tok::Kw => "tok-kw",
            Tok::Type => "tok-type",
            Tok::Name => "tok-name",
            Tok::Comment => "tok-com",
            Tok::Punct => "tok-punct",
        })
    }
}

/// The text as the pages show it: JSON pretty-printed (keys in their written order),
/// `.proto` text as stored.
pub fn display_text(schema_type: SchemaType, text: &str) -> String {
    match schema_type {
        SchemaType::Protobuf => text.to_string(),
        SchemaType::Avro | SchemaType::Json => match serde_json::from_str::<Value>(text) {
            Ok(value) => {
                let mut out = String::with_capacity(text.len() * 2);
                write_pretty(&value, 0, 0, &mut out);
                out.push('\n');
                out
            }
            Err(_) => text.to_string(),
        },
    }
}

/// Widest line [`write_pretty`] puts a small object or array on.
const LINE_WIDTH: usize = 80;

/// Pretty JSON that keeps small things on one line: an object or array holding only
/// scalars (or arrays of scalars) stays inline when its line fits in [`LINE_WIDTH`], so
/// `"type": ["null", "string"]` and `{"name": "id", "type": "string"}` read as written.
/// `prefix` is how much of the line is already taken after the indentation.
fn write_pretty(value: &Value, indent: usize, prefix: usize, out: &mut String) {
    if let Some(inline) = inline_json(value)
        && (indent * 2 + prefix + inline.len() <= LINE_WIDTH || !is_container(value))
    {
        out.push_str(&inline);
        return;
    }
    let pad = "  ".repeat(indent + 1);
    match value {
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_pretty(item, indent + 1, 0, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                let key = Value::String(key.clone()).to_string();
                out.push_str(&pad);
                out.push_str(&key);
                out.push_str(": ");
                write_pretty(item, indent + 1, key.len() + 2, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}

/// The one-line form of a scalar, or of a container of scalars (and arrays of scalars).
fn inline_json(value: &Value) -> Option<String> {
    let flat = |v: &Value| match v {
        Value::Array(items) => items.iter().all(|i| !is_container(i)),
        Value::Object(map) => map.is_empty(),
        _ => true,
    };
    match value {
        Value::Array(items) if items.iter().all(flat) => {
            let parts: Option<Vec<String>> = items.iter().map(inline_json).collect();
            Some(format!("[{}]", parts?.join(", ")))
        }
        Value::Object(map) if map.values().all(flat) => {
            if map.is_empty() {
                return Some("{}".into());
            }
            let parts: Option<Vec<String>> = map
                .iter()
                .map(|(k, v)| Some(format!("{}: {}", Value::String(k.clone()), inline_json(v)?)))
                .collect();
            Some(format!("{{{}}}", parts?.join(", ")))
        }
        Value::Array(_) | Value::Object(_) => None,
        scalar => Some(scalar.to_string()),
    }
}

/// The lines of `text` (as [`display_text`] made it), the same split [`highlight_lines`]
/// uses.
pub fn raw_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// Each line of `text` as highlighted HTML.
pub fn highlight_lines(schema_type: SchemaType, text: &str) -> Vec<Highlighted> {
    let tokens = match schema_type {
        SchemaType::Protobuf => proto_tokens(text),
        SchemaType::Avro | SchemaType::Json => json_tokens(text),
    };
    let mut lines = vec![String::new()];
    for (tok, piece) in tokens {
        for (n, part) in piece.split('\n').enumerate() {
            if n > 0 {
                lines.push(String::new());
            }
            let part = part.strip_suffix('\r').unwrap_or(part);
            if part.is_empty() {
                continue;
            }
            let Some(line) = lines.last_mut() else {
                continue;
            };
            match tok.class() {
                Some(class) => {
                    let _ = write!(line, "<span class=\"{class}\">");
                    escape_into(line, part);
                    line.push_str("</span>");
                }
                None => escape_into(line, part),
            }
        }
    }
    if lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.into_iter().map(Highlighted).collect()
}

/// A whole code block: one `<span class="line">` per line (CSS numbers them). The line
/// break sits inside the span, so copied text keeps its lines and blocks add no blank ones.
pub fn code_block(lines: &[Highlighted]) -> Highlighted {
    let mut out = String::new();
    for line in lines {
        out.push_str("<span class=\"line\">");
        out.push_str(&line.0);
        out.push_str("\n</span>");
    }
    Highlighted(out)
}

/// Highlights a whole schema for display.
pub fn schema_block(schema_type: SchemaType, text: &str) -> (Highlighted, usize) {
    let shown = display_text(schema_type, text);
    let lines = highlight_lines(schema_type, &shown);
    (code_block(&lines), lines.len())
}

/// Keys whose string values name types.
const TYPE_KEYS: [&str; 4] = ["type", "items", "values", "valueType"];

/// Avro and JSON Schema type names.
const TYPE_WORDS: [&str; 18] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string", "record", "enum",
    "array", "map", "fixed", "object", "integer", "number", "error", "union",
];

fn char_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(1, char::len_utf8)
}

fn json_tokens(text: &str) -> Vec<(Tok, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut last_key = "";
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let tok = match bytes[i] {
            b'"' => {
                i = string_end(bytes, i);
                let inner = text.get(start + 1..i.saturating_sub(1)).unwrap_or("");
                let after = text.get(i..).unwrap_or("");
                if after.trim_start().starts_with(':') {
                    last_key = inner;
                    Tok::Key
                } else if TYPE_KEYS.contains(&last_key) && TYPE_WORDS.contains(&inner) {
                    Tok::Type
                } else {
                    Tok::Str
                }
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                Tok::Num
            }
            b if b.is_ascii_alphabetic() => {
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                match &text[start..i] {
                    "true" | "false" | "null" => Tok::Lit,
                    _ => Tok::Plain,
                }
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                i += 1;
                Tok::Punct
            }
            _ => {
                i += char_len(text, i);
                Tok::Plain
            }
        };
        out.push((tok, text.get(start..i).unwrap_or("")));
    }
    out
}

/// The index just past the string that opens at `start` (a quote), escapes honoured; the
/// end of the text if it never closes.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            b'\n' if quote == b'\'' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

const PROTO_KEYWORDS: [&str; 24] = [
    "syntax",
    "edition",
    "package",
    "import",
    "option",
    "message",
    "enum",
    "service",
    "rpc",
    "returns",
    "stream",
    "repeated",
    "optional",
    "required",
    "oneof",
    "map",
    "reserved",
    "extend",
    "extensions",
    "to",
    "max",
    "public",
    "weak",
    "group",
];

const PROTO_SCALARS: [&str; 15] = [
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
];

/// Keywords after which the next identifier is a declared name.
const DECLARING: [&str; 5] = ["message", "enum", "service", "rpc", "oneof"];

fn proto_tokens(text: &str) -> Vec<(Tok, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut previous_word = "";
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let tok = match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                Tok::Comment
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text
                    .get(i + 2..)
                    .and_then(|rest| rest.find("*/"))
                    .map_or(bytes.len(), |end| i + 2 + end + 2);
                Tok::Comment
            }
            b'"' | b'\'' => {
                i = string_end(bytes, i);
                Tok::Str
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                Tok::Num
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.'))
                {
                    i += 1;
                }
                let word = &text[start..i];
                let after = text.get(i..).unwrap_or("").trim_start();
                let tok = if DECLARING.contains(&previous_word) {
                    Tok::Name
                } else if PROTO_KEYWORDS.contains(&word) {
                    Tok::Kw
                } else if PROTO_SCALARS.contains(&word) {
                    Tok::Type
                } else if word == "true" || word == "false" {
                    Tok::Lit
                } else if after.starts_with('=') {
                    Tok::Key
                } else {
                    Tok::Plain
                };
                previous_word = word;
                tok
            }
            b if b.is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                Tok::Plain
            }
            _ => {
                i += char_len(text, i);
                previous_word = "";
                Tok::Punct
            }
        };
        out.push((tok, text.get(start..i).unwrap_or("")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(schema_type: SchemaType, text: &str) -> String {
        highlight_lines(schema_type, text)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn json_keys_strings_numbers_and_literals() {
        let out = html(
            SchemaType::Avro,
            r#"{"type": "record", "doc": "a <b>", "n": -1.5e3, "x": null}"#,
        );
        assert!(out.contains(r#"<span class="tok-key">&quot;type&quot;</span>"#));
        assert!(out.contains(r#"<span class="tok-type">&quot;record&quot;</span>"#));
        assert!(out.contains(r#"<span class="tok-str">&quot;a &lt;b&gt;&quot;</span>"#));
        assert!(out.contains(r#"<span class="tok-num">-1.5e3</span>"#));
        assert!(out.contains(r#"<span class="tok-lit">null</span>"#));
        assert!(!out.contains("<b>"));
    }

    #[test]
    fn proto_comments_keywords_names_and_scalars() {
        let text = "syntax = \"proto3\";\n/* a\n<b> */\nmessage Order {\n  // id <x>\n  string id = 1;\n}\n";
        let lines = highlight_lines(SchemaType::Protobuf, text);
        assert_eq!(lines.len(), 7);
        let out = html(SchemaType::Protobuf, text);
        assert!(out.contains(r#"<span class="tok-kw">syntax</span>"#));
        assert!(out.contains(r#"<span class="tok-str">&quot;proto3&quot;</span>"#));
        // A block comment spanning lines is closed and reopened on each.
        assert!(out.contains(
            "<span class=\"tok-com\">/* a</span>\n<span class=\"tok-com\">&lt;b&gt; */</span>"
        ));
        assert!(out.contains(r#"<span class="tok-name">Order</span>"#));
        assert!(out.contains(r#"<span class="tok-com">// id &lt;x&gt;</span>"#));
        assert!(
            out.contains(r#"<span class="tok-type">string</span> <span class="tok-key">id</span>"#)
        );
        assert!(out.contains(r#"<span class="tok-num">1</span>"#));
    }

    #[test]
    fn broken_text_never_panics_and_stays_escaped() {
        for text in [
            "\"unterminated é",
            "{\"k\\",
            "'x",
            "/* open",
            "é\"<",
            "\"\\é\"",
        ] {
            for schema_type in [SchemaType::Avro, SchemaType::Protobuf] {
                let out = html(schema_type, text);
                assert!(!out.contains('<') || out.contains("<span"), "{out}");
                assert!(!out.contains("\"<"), "{out}");
            }
        }
    }

    #[test]
    fn json_is_pretty_printed_in_written_order_small_things_inline() {
        let shown = display_text(
            SchemaType::Json,
            r#"{"z":1,"a":{"b":[1,2]},"c":{"d":{"e":1}}}"#,
        );
        assert_eq!(
            shown,
            "{\n  \"z\": 1,\n  \"a\": {\"b\": [1, 2]},\n  \"c\": {\n    \"d\": {\"e\": 1}\n  }\n}\n"
        );
        let long = format!(r#"{{"doc":"{}","type":["null","string"]}}"#, "x".repeat(90));
        let shown = display_text(SchemaType::Avro, &long);
        assert_eq!(raw_lines(&shown).len(), 4, "{shown}");
        assert!(shown.contains(r#""type": ["null", "string"]"#));
        assert_eq!(display_text(SchemaType::Avro, "not json"), "not json");
        assert_eq!(
            display_text(SchemaType::Avro, r#""string""#),
            "\"string\"\n"
        );
    }
}
