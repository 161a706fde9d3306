//! Options as Confluent prints them (`OptionElement`): the uninterpreted options of a
//! declaration, sorted when normalizing, with aggregate values re-printed from their text
//! form.

use prost_reflect::prost_types::UninterpretedOption;

use super::super::option_text::{Agg, parse_aggregate};
use super::{Printer, append_indented, escape};

/// One option as Confluent's `OptionElement` prints it.
pub(super) struct Opt {
    pub(super) name: String,
    pub(super) sort_key: String,
    pub(super) value: OptValue,
}

pub(super) enum OptValue {
    Raw(String),
    Str(String),
    Aggregate(Vec<(String, Agg)>),
}

pub(super) fn option_from(u: &UninterpretedOption) -> Opt {
    let name = u
        .name
        .iter()
        .map(|p| {
            if p.is_extension {
                format!("({})", p.name_part)
            } else {
                p.name_part.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".");
    let sort_key = u
        .name
        .first()
        .map(|p| p.name_part.clone())
        .unwrap_or_default();
    let value = if let Some(v) = &u.identifier_value {
        OptValue::Raw(v.clone())
    } else if let Some(v) = u.positive_int_value {
        OptValue::Raw(v.to_string())
    } else if let Some(v) = u.negative_int_value {
        OptValue::Raw(v.to_string())
    } else if let Some(v) = u.double_value {
        OptValue::Raw(format!("{v:?}"))
    } else if let Some(v) = &u.string_value {
        OptValue::Str(String::from_utf8_lossy(v).into_owned())
    } else if let Some(v) = &u.aggregate_value {
        OptValue::Aggregate(parse_aggregate(v))
    } else {
        OptValue::Raw(String::new())
    };
    Opt {
        name,
        sort_key,
        value,
    }
}

impl Printer<'_> {
    pub(super) fn sorted(&self, mut options: Vec<Opt>) -> Vec<Opt> {
        if self.normalize {
            options.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        }
        options
    }

    pub(super) fn file_options(&self) -> Vec<Opt> {
        let Some(o) = &self.file.options else {
            return Vec::new();
        };
        let mut out: Vec<Opt> = o.uninterpreted_option.iter().map(option_from).collect();
        if self.from_descriptor {
            let mut s = |name: &str, v: &Option<String>| {
                if let Some(v) = v {
                    out.push(Opt {
                        name: name.into(),
                        sort_key: name.into(),
                        value: OptValue::Str(v.clone()),
                    });
                }
            };
            s("java_package", &o.java_package);
            s("java_outer_classname", &o.java_outer_classname);
            s("go_package", &o.go_package);
            s("csharp_namespace", &o.csharp_namespace);
            s("objc_class_prefix", &o.objc_class_prefix);
            s("php_namespace", &o.php_namespace);
            s("ruby_package", &o.ruby_package);
            s("swift_prefix", &o.swift_prefix);
            if let Some(v) = o.java_multiple_files {
                out.push(Opt {
                    name: "java_multiple_files".into(),
                    sort_key: "java_multiple_files".into(),
                    value: OptValue::Raw(v.to_string()),
                });
            }
        }
        self.sorted(out)
    }

    pub(super) fn option_text(&self, o: &Opt) -> String {
        match &o.value {
            OptValue::Raw(v) => format!("{} = {v}", o.name),
            OptValue::Str(v) => format!("{} = \"{}\"", o.name, escape(v)),
            OptValue::Aggregate(entries) => {
                let mut sb = format!("{} = {{\n", o.name);
                self.agg_map(&mut sb, entries);
                sb.push('}');
                sb
            }
        }
    }

    pub(super) fn option_statement(&self, o: &Opt) -> String {
        format!("option {};\n", self.option_text(o))
    }

    pub(super) fn agg_map(&self, sb: &mut String, entries: &[(String, Agg)]) {
        let mut entries: Vec<&(String, Agg)> = entries.iter().collect();
        if self.normalize {
            entries.retain(|(_, v)| !matches!(v, Agg::List(l) if l.is_empty()));
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|a, b| a.0 == b.0);
        }
        let last = entries.len().saturating_sub(1);
        for (i, (k, v)) in entries.iter().enumerate() {
            let endl = if i != last { "," } else { "" };
            append_indented(sb, &format!("{k}: {}{endl}", self.agg_value(v)));
        }
    }

    pub(super) fn agg_value(&self, v: &Agg) -> String {
        match v {
            Agg::Str(s) => format!("\"{}\"", escape(s)),
            Agg::Prim(p) => p.clone(),
            Agg::Map(entries) => {
                let mut sb = String::from("{\n");
                self.agg_map(&mut sb, entries);
                sb.push('}');
                sb
            }
            Agg::List(items) => {
                if self.normalize && items.len() == 1 {
                    return self.agg_value(&items[0]);
                }
                let mut sb = String::from("[\n");
                let last = items.len().saturating_sub(1);
                for (i, item) in items.iter().enumerate() {
                    let endl = if i != last { "," } else { "" };
                    append_indented(&mut sb, &format!("{}{endl}", self.agg_value(item)));
                }
                sb.push(']');
                sb
            }
        }
    }

    pub(super) fn append_options(&self, sb: &mut String, options: &[Opt]) {
        if options.len() == 1 {
            sb.push('[');
            sb.push_str(&self.option_text(&options[0]));
            sb.push(']');
            return;
        }
        sb.push_str("[\n");
        for (i, o) in options.iter().enumerate() {
            let endl = if i + 1 < options.len() { "," } else { "" };
            append_indented(sb, &format!("{}{endl}", self.option_text(o)));
        }
        sb.push(']');
    }
}
