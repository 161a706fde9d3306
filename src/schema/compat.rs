//! The compatibility engine: levels, directions and the walk over earlier versions.
//!
//! Per-format checkers answer one question — can a reader schema decode data written with a
//! writer schema? — as a list of [`Finding`]s. This module turns a level (BACKWARD, FULL,
//! transitive forms...) into the right set of those questions. The result is structure;
//! the Confluent `messages` strings are one rendering of it.

use serde::Serialize;

use super::ParsedSchema;
// The levels and policies are domain values (configs carry them); the engine interprets them.
pub use crate::model::{CompatibilityLevel, InvalidLevel, Policy};

/// One reason two schemas are incompatible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable machine-readable kind, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE`.
    pub kind: String,
    /// Where in the schema, JSON-pointer-like (`/fields/1/type`).
    pub path: String,
    /// A sentence for humans.
    pub message: String,
}

/// An earlier live version the candidate is compared with.
#[derive(Debug, Clone, Copy)]
pub struct PreviousVersion<'a> {
    pub version: i32,
    pub schema: &'a ParsedSchema,
}

/// The outcome of checking a candidate against a subject's history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompatReport {
    /// Empty when compatible.
    pub findings: Vec<Finding>,
    /// The version the first failure was found against.
    pub failed_version: Option<i32>,
}

impl CompatReport {
    pub fn is_compatible(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks `candidate` against `previous` (newest first) under `level`, with the default
/// (STRICT) JSON Schema policy.
pub fn check(
    level: CompatibilityLevel,
    candidate: &ParsedSchema,
    previous_newest_first: &[PreviousVersion<'_>],
) -> CompatReport {
    check_with(level, Policy::Strict, candidate, previous_newest_first)
}

/// Checks `candidate` against `previous` (newest first) under `level`. Non-transitive
/// levels look at the newest version only; transitive ones walk all of them and stop at
/// the first version that fails, as Confluent does. `policy` is Confluent's
/// `compatibilityPolicy` (it matters for JSON Schema only).
pub fn check_with(
    level: CompatibilityLevel,
    policy: Policy,
    candidate: &ParsedSchema,
    previous_newest_first: &[PreviousVersion<'_>],
) -> CompatReport {
    if level == CompatibilityLevel::None {
        return CompatReport::default();
    }
    let in_scope = if level.is_transitive() {
        previous_newest_first
    } else {
        &previous_newest_first[..previous_newest_first.len().min(1)]
    };
    for previous in in_scope {
        let findings = check_pair(level, policy, candidate, previous.schema);
        if !findings.is_empty() {
            return CompatReport {
                findings,
                failed_version: Some(previous.version),
            };
        }
    }
    CompatReport::default()
}

/// The findings for one (candidate, previous) pair under the level's direction(s).
pub fn check_pair(
    level: CompatibilityLevel,
    policy: Policy,
    candidate: &ParsedSchema,
    previous: &ParsedSchema,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if level.new_reads_old() {
        findings.extend(labelled(candidate, previous, "new", "old", policy));
    }
    if level.old_reads_new() {
        findings.extend(labelled(previous, candidate, "old", "new", policy));
    }
    findings
}

/// Whether data written with `writer` can be read with `reader`, naming each side in
/// messages as given ("new"/"old").
fn labelled(
    reader: &ParsedSchema,
    writer: &ParsedSchema,
    reader_label: &str,
    writer_label: &str,
    policy: Policy,
) -> Vec<Finding> {
    match (reader, writer) {
        (ParsedSchema::Avro(r), ParsedSchema::Avro(w)) => {
            super::avro::compat::check_labelled(r, w, reader_label, writer_label)
        }
        (ParsedSchema::Protobuf(r), ParsedSchema::Protobuf(w)) => {
            super::protobuf::compat::check(r, w)
        }
        (ParsedSchema::Json(r), ParsedSchema::Json(w)) => super::json::compat::check(r, w, policy),
        (r, w) => vec![Finding {
            kind: "SCHEMA_TYPE_MISMATCH".into(),
            path: "#/".into(),
            message: format!(
                "Incompatible because of different schema type: {} and {}",
                w.schema_type(),
                r.schema_type()
            ),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_case_insensitively() {
        assert_eq!(
            "backward_transitive".parse(),
            Ok(CompatibilityLevel::BackwardTransitive)
        );
        assert_eq!("FULL".parse(), Ok(CompatibilityLevel::Full));
        assert_eq!("sideways".parse::<CompatibilityLevel>(), Err(InvalidLevel));
    }

    #[test]
    fn every_level_round_trips_through_its_name() {
        for level in CompatibilityLevel::ALL {
            assert_eq!(level.as_str().parse(), Ok(level));
        }
    }
}
