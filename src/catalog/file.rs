//! The catalog file (catalog as code, `docs/catalog-format.md`): its YAML shape, reading
//! it with errors that name the file, line and entity, and writing it back.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Application, Domain, EntityKind, Event, Team, Topic};
use super::rules::Problem;

/// A whole catalog file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogFile {
    /// Delete catalog entities the file does not name (schemas are never pruned).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prune: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<Application>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<SchemaEntry>,
}

/// A subject and the versions it should have, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchemaEntry {
    pub subject: String,
    /// AVRO (default), PROTOBUF or JSON.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// Sets the subject's compatibility level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<String>,
    pub versions: Vec<SchemaVersionEntry>,
}

/// One version: a file (relative to the catalog file; CLI only) or inline text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchemaVersionEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ReferenceEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReferenceEntry {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// A catalog file that could not be read, or whose entities break the rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    /// YAML syntax or shape.
    #[error("{source_name}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        source_name: String,
        line: Option<usize>,
        message: String,
    },
    /// Entities that break the rules (duplicates, dangling references...).
    #[error("{source_name}: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Problems {
        source_name: String,
        problems: Vec<Problem>,
    },
}

impl FileError {
    /// A YAML (or JSON) document that does not read, with the line where it broke.
    pub fn yaml(source_name: &str, error: &serde_yaml_ng::Error) -> Self {
        Self::Syntax {
            source_name: source_name.to_owned(),
            line: error.location().map(|l| l.line()),
            message: error.to_string(),
        }
    }
}

/// The deepest `[`/`{` nesting a catalog file or AsyncAPI document may have. Real ones
/// stay under ten levels (schemas travel as text); the YAML parser spends seconds on a
/// body of nothing but brackets, so those are refused before it runs.
pub const MAX_FLOW_NESTING: usize = 64;

/// Reads YAML (or JSON, which is YAML) as `T`, refusing flow nesting deeper than
/// [`MAX_FLOW_NESTING`] before the parser sees the text.
pub fn read_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    source_name: &str,
) -> Result<T, FileError> {
    if let Some(line) = line_past_flow_nesting(text, MAX_FLOW_NESTING) {
        return Err(FileError::Syntax {
            source_name: source_name.to_owned(),
            line: Some(line),
            message: format!(
                "brackets nested deeper than {MAX_FLOW_NESTING} levels; a catalog never needs that many"
            ),
        });
    }
    serde_yaml_ng::from_str(text).map_err(|error| FileError::yaml(source_name, &error))
}

/// The line (1-based) where `[`/`{` nesting outside quotes and comments first passes
/// `limit`, if it does. A linear scan: it must cost less than the parse it protects.
fn line_past_flow_nesting(text: &str, limit: usize) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                // A YAML double-quoted scalar may span lines; single-line comments end here.
                if quote == Some('#') {
                    quote = None;
                }
            }
            (Some('#'), _) => {}
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some('"'), '"') => quote = None,
            (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            (Some('\''), '\'') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if previous.is_whitespace() => quote = Some('#'),
            (None, '[' | '{') => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
        previous = c;
    }
    None
}

/// A file as read, with what is needed to point back into it.
#[derive(Debug, Clone)]
pub struct SourcedFile {
    pub file: CatalogFile,
    /// What errors call the file (its path, or `request body`).
    pub source_name: String,
    text: String,
}

impl SourcedFile {
    /// Reads YAML (or JSON, which is YAML) text. Duplicate names within a kind are refused
    /// here, since a later entry would silently win.
    pub fn parse(text: &str, source_name: &str) -> Result<Self, FileError> {
        let file: CatalogFile = read_yaml(text, source_name)?;
        let sourced = Self {
            file,
            source_name: source_name.to_owned(),
            text: text.to_owned(),
        };
        let duplicates = sourced.duplicates();
        if !duplicates.is_empty() {
            return Err(FileError::Problems {
                source_name: source_name.to_owned(),
                problems: duplicates,
            });
        }
        Ok(sourced)
    }

    /// A file built in memory (an AsyncAPI import): errors can name entities, not lines.
    pub fn from_file(file: CatalogFile, source_name: &str) -> Result<Self, FileError> {
        let sourced = Self {
            file,
            source_name: source_name.to_owned(),
            text: String::new(),
        };
        let duplicates = sourced.duplicates();
        if !duplicates.is_empty() {
            return Err(FileError::Problems {
                source_name: source_name.to_owned(),
                problems: duplicates,
            });
        }
        Ok(sourced)
    }

    /// Reads a file from disk and inlines the schema files it names (relative to it).
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let source_name = path.display().to_string();
        let syntax = |line: Option<usize>, message: String| FileError::Syntax {
            source_name: source_name.clone(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| syntax(None, e.to_string()))?;
        let mut sourced = Self::parse(&text, &source_name)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for entry in &mut sourced.file.schemas {
            for version in &mut entry.versions {
                let Some(file) = version.file.take() else {
                    continue;
                };
                let line = line_of_value(&text, &file);
                if version.schema.is_some() {
                    return Err(syntax(
                        line,
                        format!(
                            "schema {}: give `file` or `schema`, not both",
                            entry.subject
                        ),
                    ));
                }
                let schema = std::fs::read_to_string(base.join(&file))
                    .map_err(|e| syntax(line, format!("schema {}: {file}: {e}", entry.subject)))?;
                version.schema = Some(schema);
            }
        }
        Ok(sourced)
    }

    /// The line declaring entity `name` of `kind`, if it can be found.
    pub fn line_of(&self, kind: EntityKind, name: &str) -> Option<usize> {
        entity_line(&self.text, kind.plural(), name)
    }

    /// Attaches file lines to problems.
    pub fn locate(&self, problems: Vec<Problem>) -> FileError {
        let problems = problems
            .into_iter()
            .map(|problem| Problem {
                line: self.line_of(problem.kind, &problem.name),
                ..problem
            })
            .collect();
        FileError::Problems {
            source_name: self.source_name.clone(),
            problems,
        }
    }

    fn duplicates(&self) -> Vec<Problem> {
        let file = &self.file;
        let names: [(EntityKind, Vec<&str>); 5] = [
            (
                EntityKind::Domain,
                file.domains.iter().map(|e| e.name.as_str()).collect(),
            ),
            (
                EntityKind::Team,
                file.teams.iter().map(|e| e.name.as_str()).collect(),
            ),
            (
                EntityKind::Application,
                file.applications.iter().map(|e| e.name.as_str()).collect(),
            ),
            (
                EntityKind::Topic,
                file.topics.iter().map(|e| e.name.as_str()).collect(),
            ),
            (
                EntityKind::Event,
                file.events.iter().map(|e| e.name.as_str()).collect(),
            ),
        ];
        let mut problems = Vec::new();
        for (kind, names) in names {
            let mut seen = BTreeSet::new();
            for name in names {
                if !seen.insert(name) {
                    problems.push(Problem {
                        kind,
                        name: name.to_owned(),
                        message: format!("is declared twice in {}", kind.plural()),
                        line: nth_entity_line(&self.text, kind.plural(), name, 2),
                    });
                }
            }
        }
        problems
    }
}

impl CatalogFile {
    /// The file as YAML.
    pub fn to_yaml(&self) -> String {
        // Plain structs of strings, lists and maps always serialise.
        serde_yaml_ng::to_string(self).unwrap_or_default()
    }
}

/// The line (1-based) of the first `name: <name>` entry under the top-level `section:`.
fn entity_line(text: &str, section: &str, name: &str) -> Option<usize> {
    nth_entity_line(text, section, name, 1)
}

fn nth_entity_line(text: &str, section: &str, name: &str, nth: usize) -> Option<usize> {
    let mut in_section = false;
    let mut seen = 0;
    for (index, line) in text.lines().enumerate() {
        let top_level = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
        if top_level {
            in_section = line.trim_end().strip_suffix(':') == Some(section)
                || line.starts_with(&format!("{section}:"));
        } else if in_section && declares_name(line, name) {
            seen += 1;
            if seen == nth {
                return Some(index + 1);
            }
        }
    }
    None
}

/// Whether a YAML line is `name: X` (possibly as a list item, possibly quoted).
fn declares_name(line: &str, name: &str) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").unwrap_or(line).trim_start();
    let line = line.strip_prefix("{").unwrap_or(line).trim_start();
    let Some(value) = line.strip_prefix("name:") else {
        return false;
    };
    let value = value
        .split([',', '}', '#'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(['"', '\'']);
    value == name
}

/// The line of the first occurrence of a scalar value (for `file:` entries).
fn line_of_value(text: &str, value: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.contains(value))
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing_with_its_line() {
        let deep = format!("teams:\n  - {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let error = SourcedFile::parse(&deep, "deep.yaml").expect_err("refused");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(
            error
                .to_string()
                .starts_with("deep.yaml:2: brackets nested deeper"),
            "{error}"
        );
        // Brackets inside quotes and comments are text, not nesting.
        let quoted = format!(
            "teams:\n  - name: t\n    description: \"{}\" # {}\n    title: '{}'\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert!(SourcedFile::parse(&quoted, "quoted.yaml").is_ok());
        let nested_ok = format!(
            "teams: {}{}",
            "[".repeat(MAX_FLOW_NESTING),
            "]".repeat(MAX_FLOW_NESTING)
        );
        assert!(line_past_flow_nesting(&nested_ok, MAX_FLOW_NESTING).is_none());
    }

    const SAMPLE: &str = "\
domains:
  - name: orders
teams:
  - name: checkout
    email: c@example.com
topics:
  - name: orders.events
    metadata: { partitions: 6 }
  - { name: payments.events }
applications:
  - name: shop
    produces:
      - topic: orders.events
        versions: 2
";

    #[test]
    fn reads_the_documented_shape() {
        let sourced = SourcedFile::parse(SAMPLE, "sample.yaml").expect("valid file");
        assert_eq!(sourced.file.topics.len(), 2);
        assert_eq!(sourced.file.topics[0].metadata["partitions"], 6);
        assert_eq!(
            sourced.file.applications[0].produces[0].versions,
            crate::catalog::model::VersionRange::Pinned(2)
        );
    }

    #[test]
    fn finds_the_line_of_each_entity() {
        let sourced = SourcedFile::parse(SAMPLE, "sample.yaml").expect("valid file");
        assert_eq!(sourced.line_of(EntityKind::Domain, "orders"), Some(2));
        assert_eq!(sourced.line_of(EntityKind::Topic, "orders.events"), Some(7));
        assert_eq!(
            sourced.line_of(EntityKind::Topic, "payments.events"),
            Some(9)
        );
        assert_eq!(sourced.line_of(EntityKind::Application, "shop"), Some(11));
        assert_eq!(sourced.line_of(EntityKind::Event, "shop"), None);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let broken = "topics:\n  - name: a\n    metadata: [unclosed\n";
        let error = SourcedFile::parse(broken, "broken.yaml").expect_err("broken");
        let FileError::Syntax { line, .. } = &error else {
            panic!("expected a syntax error, got {error:?}");
        };
        assert!(line.is_some(), "{error}");
        assert!(error.to_string().starts_with("broken.yaml:"), "{error}");
    }

    #[test]
    fn unknown_keys_and_bad_names_are_refused() {
        let typo = "topics:\n  - name: a\n    partitions: 3\n";
        let error = SourcedFile::parse(typo, "typo.yaml")
            .expect_err("typo")
            .to_string();
        assert!(error.contains("partitions"), "{error}");
        let bad = "teams:\n  - name: has space\n";
        let error = SourcedFile::parse(bad, "bad.yaml")
            .expect_err("bad name")
            .to_string();
        assert!(error.contains("has space"), "{error}");
        assert!(error.contains("bad.yaml:2"), "{error}");
    }

    #[test]
    fn duplicates_point_at_the_second_declaration() {
        let twice = "teams:\n  - name: a\n  - name: b\n  - name: a\n";
        let error = SourcedFile::parse(twice, "twice.yaml").expect_err("twice");
        let FileError::Problems { problems, .. } = error else {
            panic!("expected problems");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(4));
        assert_eq!(problems[0].kind, EntityKind::Team);
    }

    #[test]
    fn export_reads_back_to_the_same_file() {
        let sourced = SourcedFile::parse(SAMPLE, "sample.yaml").expect("valid file");
        let again = SourcedFile::parse(&sourced.file.to_yaml(), "export").expect("re-reads");
        assert_eq!(again.file, sourced.file);
    }
}
