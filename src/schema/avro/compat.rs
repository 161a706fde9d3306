//! Avro reader/writer compatibility, as Avro Java's `SchemaCompatibility` decides it (which
//! Confluent uses unchanged): the same rules, the same locations (JSON-pointer-like paths
//! into the reader schema), all incompatibilities collected, and the same memoization —
//! a (reader, writer) pair already under comparison counts as compatible, and a pair
//! compared before yields its earlier result again.

use std::collections::{HashMap, HashSet};

use super::AvroSchema;
use super::model::{Field, NamedKind, NamedType, Primitive, Schema, TypeTable};
use super::parse::java_type_name;
use crate::schema::compat::Finding;
use crate::schema::pointer as json_pointer;

/// The six incompatibility kinds of Avro Java.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncompatibilityKind {
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
}

impl IncompatibilityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NameMismatch => "NAME_MISMATCH",
            Self::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            Self::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            Self::ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
            Self::TypeMismatch => "TYPE_MISMATCH",
            Self::MissingUnionBranch => "MISSING_UNION_BRANCH",
        }
    }
}

/// One incompatibility, as Avro Java reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    pub kind: IncompatibilityKind,
    /// Location in the reader schema, e.g. `/fields/1/type/symbols`.
    pub path: String,
    /// Avro's message (Confluent's `additionalInfo`), e.g. `[C, D]` or
    /// `reader type: INT not compatible with writer type: LONG`.
    pub detail: String,
}

impl Incompatibility {
    /// Confluent's description of the incompatibility. `reader` and `writer` name the two
    /// schemas for the reader: `"new"`/`"old"` when the new schema reads old data
    /// (BACKWARD), `"old"`/`"new"` in the FORWARD direction.
    pub fn description(&self, reader: &str, writer: &str) -> String {
        let path = &self.path;
        match self.kind {
            IncompatibilityKind::FixedSizeMismatch => format!(
                "The size of FIXED type field at path '{path}' in the {reader} schema does not match with the {writer} schema"
            ),
            IncompatibilityKind::TypeMismatch => format!(
                "The type (path '{path}') of a field in the {reader} schema does not match with the {writer} schema"
            ),
            IncompatibilityKind::NameMismatch => {
                format!("The name of the schema has changed (path '{path}')")
            }
            IncompatibilityKind::MissingEnumSymbols => format!(
                "The {reader} schema is missing enum symbols '{}' at path '{path}' in the {writer} schema",
                self.detail
            ),
            IncompatibilityKind::MissingUnionBranch => format!(
                "The {reader} schema is missing a type inside a union field at path '{path}' in the {writer} schema"
            ),
            IncompatibilityKind::ReaderFieldMissingDefaultValue => format!(
                "The field '{}' at path '{path}' in the {reader} schema has no default value and is missing in the {writer} schema",
                self.detail
            ),
        }
    }

    /// As a [`Finding`], described with the given names for the reader and writer schemas.
    pub fn to_finding(&self, reader: &str, writer: &str) -> Finding {
        Finding {
            kind: self.kind.as_str().to_string(),
            path: self.path.clone(),
            message: self.description(reader, writer),
        }
    }
}

/// Why a check could not complete (Avro Java throws; Confluent reports the exception).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError(pub String);

/// Whether data written with `writer` can be read with `reader`; empty when it can.
/// Messages call the reader the "new" schema and the writer the "old" one (the BACKWARD
/// reading); use [`check_labelled`] for the other direction.
pub fn check(reader: &AvroSchema, writer: &AvroSchema) -> Vec<Finding> {
    check_labelled(reader, writer, "new", "old")
}

/// [`check`] with explicit names for the reader and writer schemas in the messages.
pub fn check_labelled(
    reader: &AvroSchema,
    writer: &AvroSchema,
    reader_label: &str,
    writer_label: &str,
) -> Vec<Finding> {
    match incompatibilities(reader, writer) {
        Ok(found) => found
            .iter()
            .map(|i| i.to_finding(reader_label, writer_label))
            .collect(),
        Err(CheckError(message)) => vec![Finding {
            kind: "UNEXPECTED_ERROR".into(),
            path: "/".into(),
            message: format!("Unexpected exception during compatibility check: {message}"),
        }],
    }
}

/// The incompatibilities Avro Java reports for reading `writer` data with `reader`.
pub fn incompatibilities(
    reader: &AvroSchema,
    writer: &AvroSchema,
) -> Result<Vec<Incompatibility>, CheckError> {
    let mut checker = Checker {
        readers: &reader.table,
        writers: &writer.table,
        memo: HashMap::new(),
    };
    let result = checker.fresh(&reader.root, &writer.root)?;
    Ok(result.0)
}

/// A result: the incompatibilities found (compatible when empty).
#[derive(Debug, Clone, Default)]
struct Outcome(Vec<Incompatibility>);

impl Outcome {
    fn compatible(&self) -> bool {
        self.0.is_empty()
    }
}

enum Memo {
    InProgress,
    Done(Outcome),
}

/// A schema node resolved to what it is.
enum View<'a> {
    Primitive(Primitive),
    Array(&'a Schema),
    Map(&'a Schema),
    Union(&'a [Schema]),
    Named(&'a NamedType),
}

fn view<'a>(table: &'a TypeTable, schema: &'a Schema) -> Option<View<'a>> {
    Some(match schema {
        Schema::Primitive { kind, .. } => View::Primitive(*kind),
        Schema::Array { items, .. } => View::Array(items),
        Schema::Map { values, .. } => View::Map(values),
        Schema::Union(branches) => View::Union(branches),
        Schema::Named(index) => View::Named(table.get(*index)?),
    })
}

/// Identity of a node, as Java's identity hash of the `Schema` object: a named type is one
/// object wherever it is used; any other node is its own.
fn identity(table: &TypeTable, schema: &Schema) -> usize {
    match schema {
        Schema::Named(index) => table
            .get(*index)
            .map_or(0, |named| std::ptr::from_ref(named) as usize),
        other => std::ptr::from_ref(other) as usize,
    }
}

struct Checker<'a> {
    readers: &'a TypeTable,
    writers: &'a TypeTable,
    memo: HashMap<(usize, usize), Memo>,
}

fn pointer(location: &[String]) -> String {
    let mut out = String::from("/");
    for (i, token) in location.iter().skip(1).enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&json_pointer::escape(token));
    }
    out
}

impl<'a> Checker<'a> {
    /// Java's two-argument `getCompatibility`: a fresh location stack, shared memo.
    fn fresh(&mut self, reader: &'a Schema, writer: &'a Schema) -> Result<Outcome, CheckError> {
        let mut location = Vec::new();
        self.get(String::new(), reader, writer, &mut location)
    }

    fn get(
        &mut self,
        token: String,
        reader: &'a Schema,
        writer: &'a Schema,
        location: &mut Vec<String>,
    ) -> Result<Outcome, CheckError> {
        location.push(token);
        let key = (
            identity(self.readers, reader),
            identity(self.writers, writer),
        );
        let result = match self.memo.get(&key) {
            Some(Memo::InProgress) => Outcome::default(),
            Some(Memo::Done(outcome)) => outcome.clone(),
            None => {
                self.memo.insert(key, Memo::InProgress);
                let outcome = self.calculate(reader, writer, location);
                match outcome {
                    Ok(outcome) => {
                        self.memo.insert(key, Memo::Done(outcome.clone()));
                        outcome
                    }
                    Err(e) => {
                        location.pop();
                        return Err(e);
                    }
                }
            }
        };
        location.pop();
        Ok(result)
    }

    fn incompatible(
        kind: IncompatibilityKind,
        detail: String,
        location: &[String],
    ) -> Incompatibility {
        Incompatibility {
            kind,
            path: pointer(location),
            detail,
        }
    }

    fn type_mismatch(&self, reader: &Schema, writer: &Schema, location: &[String]) -> Outcome {
        Outcome(vec![Self::incompatible(
            IncompatibilityKind::TypeMismatch,
            format!(
                "reader type: {} not compatible with writer type: {}",
                java_type_name(self.readers, reader),
                java_type_name(self.writers, writer)
            ),
            location,
        )])
    }

    fn calculate(
        &mut self,
        reader: &'a Schema,
        writer: &'a Schema,
        location: &mut Vec<String>,
    ) -> Result<Outcome, CheckError> {
        let (Some(r), Some(w)) = (view(self.readers, reader), view(self.writers, writer)) else {
            return Err(CheckError("unresolved named type".into()));
        };
        let mut result = Outcome::default();
        match (r, w) {
            (View::Primitive(rk), View::Primitive(wk)) if rk == wk => {}
            (View::Array(ri), View::Array(wi)) => {
                result = self.get("items".into(), ri, wi, location)?;
            }
            (View::Map(rv), View::Map(wv)) => {
                result = self.get("values".into(), rv, wv, location)?;
            }
            (View::Union(_), View::Union(writer_branches)) => {
                for (i, branch) in writer_branches.iter().enumerate() {
                    location.push(i.to_string());
                    let outcome = self.fresh(reader, branch)?;
                    if !outcome.compatible() {
                        result.0.push(Self::incompatible(
                            IncompatibilityKind::MissingUnionBranch,
                            format!(
                                "reader union lacking writer type: {}",
                                java_type_name(self.writers, branch)
                            ),
                            location,
                        ));
                    }
                    location.pop();
                }
            }
            (_, View::Union(writer_branches)) => {
                for (i, branch) in writer_branches.iter().enumerate() {
                    let outcome = self.get(i.to_string(), reader, branch, location)?;
                    result.0.extend(outcome.0);
                }
            }
            (View::Named(rn), View::Named(wn)) if same_kind(rn, wn) => {
                result.0.extend(check_names(rn, wn, location));
                match (&rn.kind, &wn.kind) {
                    (NamedKind::Fixed { size: rs }, NamedKind::Fixed { size: ws }) if rs != ws => {
                        location.push("size".into());
                        result.0.push(Self::incompatible(
                            IncompatibilityKind::FixedSizeMismatch,
                            format!("expected: {ws}, found: {rs}"),
                            location,
                        ));
                        location.pop();
                    }
                    (
                        NamedKind::Enum {
                            symbols: rs,
                            default: rd,
                        },
                        NamedKind::Enum { symbols: ws, .. },
                    ) => {
                        let reader_symbols: HashSet<&String> = rs.iter().collect();
                        let mut missing: Vec<&String> =
                            ws.iter().filter(|s| !reader_symbols.contains(s)).collect();
                        missing.sort();
                        missing.dedup();
                        let reader_default = rd.as_ref().is_some_and(|d| rs.contains(d));
                        if !missing.is_empty() && !reader_default {
                            location.push("symbols".into());
                            let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                            result.0.push(Self::incompatible(
                                IncompatibilityKind::MissingEnumSymbols,
                                format!("[{}]", list.join(", ")),
                                location,
                            ));
                            location.pop();
                        }
                    }
                    (
                        NamedKind::Record { fields: rf, .. },
                        NamedKind::Record { fields: wf, .. },
                    ) => {
                        let fields = self.record_fields(rf, wf, writer, location)?;
                        result.0.extend(fields.0);
                    }
                    _ => {}
                }
            }
            (View::Union(reader_branches), _) => {
                let mut found = false;
                for branch in reader_branches {
                    if self.fresh(branch, writer)?.compatible() {
                        found = true;
                        break;
                    }
                }
                if !found {
                    result.0.push(Self::incompatible(
                        IncompatibilityKind::MissingUnionBranch,
                        format!(
                            "reader union lacking writer type: {}",
                            java_type_name(self.writers, writer)
                        ),
                        location,
                    ));
                }
            }
            (View::Primitive(rk), View::Primitive(wk)) => {
                use Primitive::{Bytes, Double, Float, Int, Long, String};
                let promotable = matches!(
                    (rk, wk),
                    (Long, Int)
                        | (Float, Int | Long)
                        | (Double, Int | Long | Float)
                        | (Bytes, String)
                        | (String, Bytes)
                );
                if !promotable {
                    result = self.type_mismatch(reader, writer, location);
                }
            }
            _ => {
                result = self.type_mismatch(reader, writer, location);
            }
        }
        Ok(result)
    }

    fn record_fields(
        &mut self,
        reader_fields: &'a [Field],
        writer_fields: &'a [Field],
        writer: &'a Schema,
        location: &mut Vec<String>,
    ) -> Result<Outcome, CheckError> {
        let mut result = Outcome::default();
        location.push("fields".into());
        // By name, first declaration first (as a search would find it): a record of n
        // fields is matched in O(n), not O(n²).
        let mut writer_by_name: HashMap<&str, &'a Field> =
            HashMap::with_capacity(writer_fields.len());
        for field in writer_fields {
            writer_by_name.entry(field.name.as_str()).or_insert(field);
        }
        for (pos, reader_field) in reader_fields.iter().enumerate() {
            location.push(pos.to_string());
            let mut matches: Vec<&'a Field> = Vec::new();
            if let Some(direct) = writer_by_name.get(reader_field.name.as_str()) {
                matches.push(direct);
            }
            for alias in &reader_field.aliases {
                if let Some(by_alias) = writer_by_name.get(alias.as_str()) {
                    matches.push(by_alias);
                }
            }
            if matches.len() > 1 {
                return Err(CheckError(format!(
                    "Reader record field {} matches multiple fields in writer record schema",
                    reader_field.name
                )));
            }
            match matches.first() {
                Some(writer_field) => {
                    let outcome = self.get(
                        "type".into(),
                        &reader_field.schema,
                        &writer_field.schema,
                        location,
                    )?;
                    result.0.extend(outcome.0);
                }
                None if reader_field.default.is_some() => {}
                None => {
                    let enum_with_default = matches!(
                        view(self.readers, &reader_field.schema),
                        Some(View::Named(NamedType {
                            kind: NamedKind::Enum {
                                default: Some(_),
                                ..
                            },
                            ..
                        }))
                    );
                    if enum_with_default {
                        // Avro Java then compares the enum with the writer record itself.
                        let outcome =
                            self.get("type".into(), &reader_field.schema, writer, location)?;
                        result.0.extend(outcome.0);
                    } else {
                        result.0.push(Self::incompatible(
                            IncompatibilityKind::ReaderFieldMissingDefaultValue,
                            reader_field.name.clone(),
                            location,
                        ));
                    }
                }
            }
            location.pop();
        }
        location.pop();
        Ok(result)
    }
}

fn same_kind(a: &NamedType, b: &NamedType) -> bool {
    matches!(
        (&a.kind, &b.kind),
        (NamedKind::Record { .. }, NamedKind::Record { .. })
            | (NamedKind::Enum { .. }, NamedKind::Enum { .. })
            | (NamedKind::Fixed { .. }, NamedKind::Fixed { .. })
    )
}

/// Names match when the unqualified names are equal or a reader alias is the writer's
/// full name.
fn check_names(
    reader: &NamedType,
    writer: &NamedType,
    location: &mut Vec<String>,
) -> Option<Incompatibility> {
    let writer_full = writer.name.full();
    if reader.name.name == writer.name.name || reader.java_aliases().contains(&writer_full) {
        return None;
    }
    location.push("name".into());
    let found = Checker::incompatible(
        IncompatibilityKind::NameMismatch,
        format!("expected: {writer_full}"),
        location,
    );
    location.pop();
    Some(found)
}
