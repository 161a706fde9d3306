//! The text-format values of aggregate options (`option (x) = { a: 1 b: [2, 3] }`), as
//! protox leaves them uninterpreted in the source-level descriptor: tokenized and parsed
//! into [`Agg`] trees for the printer. Lenient by design: anything unexpected is skipped
//! rather than reported, so printing never fails.

/// A parsed text-format value of an aggregate option.
#[derive(Debug, Clone)]
pub(super) enum Agg {
    Str(String),
    Prim(String),
    Map(Vec<(String, Agg)>),
    List(Vec<Agg>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Punct(char),
    Str(String),
    Word(String),
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let quote = c;
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != quote {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                    s.push(match chars[i] {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'a' => '\u{7}',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'v' => '\u{b}',
                        other => other,
                    });
                } else {
                    s.push(chars[i]);
                }
                i += 1;
            }
            i += 1;
            // Adjacent string literals concatenate.
            if let Some(Tok::Str(prev)) = out.last_mut() {
                prev.push_str(&s);
            } else {
                out.push(Tok::Str(s));
            }
        } else if "{}[]:,;<>".contains(c) {
            out.push(Tok::Punct(c));
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !"{}[]:,;<>\"'".contains(chars[i])
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if let Some(Tok::Word(prev)) = out.last_mut()
                && prev == "-"
            {
                prev.push_str(&word);
            } else {
                out.push(Tok::Word(word));
            }
        }
    }
    out
}

/// The entries of an aggregate option, from its value text.
pub(super) fn parse_aggregate(text: &str) -> Vec<(String, Agg)> {
    let tokens = tokenize(text);
    let mut pos = 0;
    parse_agg_map(&tokens, &mut pos, 0)
}

fn parse_agg_map(tokens: &[Tok], pos: &mut usize, depth: usize) -> Vec<(String, Agg)> {
    let mut entries: Vec<(String, Agg)> = Vec::new();
    while *pos < tokens.len() {
        let key = match &tokens[*pos] {
            Tok::Punct('}') | Tok::Punct('>') => {
                *pos += 1;
                break;
            }
            Tok::Punct(',') | Tok::Punct(';') => {
                *pos += 1;
                continue;
            }
            Tok::Punct('[') => {
                let mut key = String::from("[");
                *pos += 1;
                while *pos < tokens.len() && tokens[*pos] != Tok::Punct(']') {
                    if let Tok::Word(w) = &tokens[*pos] {
                        key.push_str(w);
                    }
                    *pos += 1;
                }
                *pos += 1;
                key.push(']');
                key
            }
            Tok::Word(w) => {
                *pos += 1;
                w.clone()
            }
            _ => {
                *pos += 1;
                continue;
            }
        };
        if tokens.get(*pos) == Some(&Tok::Punct(':')) {
            *pos += 1;
        }
        let value = parse_agg_value(tokens, pos, depth + 1);
        if let Some((_, existing)) = entries.iter_mut().find(|(k, _)| *k == key) {
            match existing {
                Agg::List(items) => items.push(value),
                other => *other = Agg::List(vec![other.clone(), value]),
            }
        } else {
            entries.push((key, value));
        }
    }
    entries
}

fn parse_agg_value(tokens: &[Tok], pos: &mut usize, depth: usize) -> Agg {
    if depth > 64 {
        *pos = tokens.len();
        return Agg::Prim(String::new());
    }
    match tokens.get(*pos) {
        Some(Tok::Punct('{')) | Some(Tok::Punct('<')) => {
            *pos += 1;
            Agg::Map(parse_agg_map(tokens, pos, depth))
        }
        Some(Tok::Punct('[')) => {
            *pos += 1;
            let mut items = Vec::new();
            while *pos < tokens.len() {
                match &tokens[*pos] {
                    Tok::Punct(']') => {
                        *pos += 1;
                        break;
                    }
                    Tok::Punct(',') => *pos += 1,
                    _ => items.push(parse_agg_value(tokens, pos, depth + 1)),
                }
            }
            Agg::List(items)
        }
        Some(Tok::Str(s)) => {
            *pos += 1;
            Agg::Str(s.clone())
        }
        Some(Tok::Word(w)) => {
            *pos += 1;
            Agg::Prim(w.clone())
        }
        Some(Tok::Punct(_)) => {
            *pos += 1;
            Agg::Prim(String::new())
        }
        None => Agg::Prim(String::new()),
    }
}
