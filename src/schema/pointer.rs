//! JSON Pointers (RFC 6901) and the URI fragments that carry them: escaping and
//! unescaping a reference token, joining a token onto a pointer, and percent-decoding a
//! fragment (`#/definitions/a%20b`). One implementation for every format and for the
//! AsyncAPI reader, so that all of them spell and read pointers the same way.

/// A reference token as a pointer spells it: `~` as `~0`, then `/` as `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A reference token as written in a pointer, read back: `~1` as `/`, then `~0` as `~`.
/// That order is RFC 6901's: `~01` is `~1`, not `/`.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `pointer` + `/token` (escaped): the pointer of a child (a key or an index).
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The `%XX` escapes of a URI fragment decoded. A `%` not followed by two hex digits
/// stays as written, and bytes that decode to no UTF-8 become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        // `from_str_radix` takes a leading `+` (`%+A` is byte 0x0A): the decoders this
        // replaced did too, and no pointer Herald writes has one.
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_escape_tilde_first_and_read_back() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(escape("~1"), "~01");
        assert_eq!(escape(""), "");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        // `~01` is an escaped `~` followed by `1`, never a `/`.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(unescape("~10"), "/0");
        // A lone or unknown escape is kept as written.
        assert_eq!(unescape("~"), "~");
        assert_eq!(unescape("~2"), "~2");
        for token in ["", "~", "/", "~0", "~1", "~01", "a/~b", "//~~"] {
            assert_eq!(unescape(&escape(token)), token, "{token:?}");
        }
    }

    #[test]
    fn children_join_escaped_tokens() {
        assert_eq!(child("/x", "a/b~c"), "/x/a~1b~0c");
        assert_eq!(child("", "channels"), "/channels");
        assert_eq!(child("/items", "2"), "/items/2");
        assert_eq!(child("/a", ""), "/a/");
    }

    #[test]
    fn fragments_are_percent_decoded() {
        assert_eq!(
            percent_decode("/components/messages/a%20b"),
            "/components/messages/a b"
        );
        assert_eq!(percent_decode("%7e%7E%2F"), "~~/");
        // Escaped UTF-8 (é) decodes across escapes.
        assert_eq!(percent_decode("/caf%C3%A9"), "/café");
        assert_eq!(percent_decode(""), "");
    }

    #[test]
    fn invalid_percent_escapes_stay_as_written() {
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%%41"), "%A");
        // A multi-byte character after `%` is no hex digit.
        assert_eq!(percent_decode("%é1"), "%é1");
        assert_eq!(percent_decode("%aé"), "%aé");
        // Bytes that are no UTF-8 become U+FFFD.
        assert_eq!(percent_decode("%FFx"), "\u{FFFD}x");
        assert_eq!(percent_decode("%C3"), "\u{FFFD}");
        // A leading `+` counts as a sign, as the replaced decoders read it.
        assert_eq!(percent_decode("%+A"), "\n");
        assert_eq!(percent_decode("%-A"), "%-A");
    }
}
