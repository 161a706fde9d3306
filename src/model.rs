//! Typed values of the registry domain, parsed once at the edge and shared by every layer,
//! and the stored values (schemas, versions, portal summaries) that storage hands up to the
//! registry, the catalog, the API and the portal. No SQL here: storage maps its rows to these.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A subject name, percent-decoded. Any string can be looked up; only
/// [`Subject::check_writable`] names may receive schemas.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject(String);

/// The longest subject name that may receive schemas, in characters. Kafka topic names
/// stop at 249, and the longest naming strategy appends a fully qualified record name;
/// past this a name is abuse, not a topic.
pub const MAX_SUBJECT_CHARS: usize = 1_000;

/// Scope names reserved by Confluent for the global config and mode rows.
pub const GLOBAL_SCOPE: &str = "__GLOBAL";
const EMPTY_SCOPE: &str = "__EMPTY";

impl Subject {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether schemas and settings may be written under this name (else 42208).
    /// Confluent refuses control characters and the reserved scope names; Herald also
    /// refuses names that would mislead or break what shows them: blank ones, `.` and `..`
    /// (path segments in every link to the subject), names over [`MAX_SUBJECT_CHARS`], and
    /// invisible or direction-changing characters, with which a look-alike name passes for
    /// a real one.
    pub fn is_writable(&self) -> bool {
        let name = self.0.as_str();
        !(name.trim().is_empty()
            || name == "."
            || name == ".."
            || name == GLOBAL_SCOPE
            || name == EMPTY_SCOPE
            || name.chars().count() > MAX_SUBJECT_CHARS
            || name
                .chars()
                .any(|c| c.is_control() || is_invisible_or_bidi(c)))
    }
}

/// Zero-width characters and bidirectional controls: they render as nothing (or reorder
/// what follows), so two names that look the same can differ.
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' // zero-width space, joiners, LRM/RLM
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}' // zero-width no-break space
            | '\u{00AD}' // soft hyphen
    )
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A version as given in a path: a number from 1 to 2^31-1, or the latest live one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionSpec {
    Latest,
    Number(i32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
)]
pub struct InvalidVersion(pub String);

impl VersionSpec {
    /// `latest` and `-1` mean the latest live version; anything else must be in range.
    pub fn parse(text: &str) -> Result<Self, InvalidVersion> {
        if text.eq_ignore_ascii_case("latest") || text == "-1" {
            return Ok(Self::Latest);
        }
        match text.parse::<i64>() {
            Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => Ok(Self::Number(
                i32::try_from(n).map_err(|_| InvalidVersion(text.into()))?,
            )),
            _ => Err(InvalidVersion(text.to_string())),
        }
    }

    /// The number Confluent prints in "Version <v> not found." (`-1` for latest).
    pub fn display_number(self) -> i32 {
        match self {
            Self::Latest => -1,
            Self::Number(n) => n,
        }
    }
}

/// The highest schema id and the highest version: Confluent's wire format carries a 4-byte
/// id and Java clients hold ids and versions in an `int`, so both live in 1..=2^31-1.
pub const MAX_SCHEMA_ID: i64 = i32::MAX as i64;
pub const MAX_VERSION: i32 = i32::MAX;

/// An id or version Herald can't use: given outside 1..=2^31-1, or none left to allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutOfRange {
    #[error("Schema id {0} is out of range: ids are between [1, 2^31-1]")]
    Id(i128),
    #[error(
        "The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1]"
    )]
    Version(i128),
    #[error("No schema id is left: ids are between [1, 2^31-1] and {MAX_SCHEMA_ID} is taken")]
    IdsExhausted,
    #[error(
        "No version is left in this subject: versions are between [1, 2^31-1] and {MAX_VERSION} is taken"
    )]
    VersionsExhausted,
}

/// An explicit schema id (any width, as it came), if it is in range.
pub fn schema_id_in_range(id: impl Into<i128>) -> Result<i64, OutOfRange> {
    let id = id.into();
    i64::try_from(id)
        .ok()
        .filter(|id| (1..=MAX_SCHEMA_ID).contains(id))
        .ok_or(OutOfRange::Id(id))
}

/// An explicit version (any width, as it came), if it is in range.
pub fn version_in_range(version: impl Into<i128>) -> Result<i32, OutOfRange> {
    let version = version.into();
    i32::try_from(version)
        .ok()
        .filter(|v| *v >= 1)
        .ok_or(OutOfRange::Version(version))
}

/// The id after the highest one allocated in range (`None`: none yet).
pub fn next_schema_id(highest: Option<i64>) -> Result<i64, OutOfRange> {
    match highest {
        None => Ok(1),
        Some(id) => id
            .checked_add(1)
            .filter(|next| *next <= MAX_SCHEMA_ID)
            .ok_or(OutOfRange::IdsExhausted),
    }
}

/// The version after a subject's highest one (`None`: the subject has none).
pub fn next_version(highest: Option<i32>) -> Result<i32, OutOfRange> {
    match highest {
        None => Ok(1),
        Some(version) => version.checked_add(1).ok_or(OutOfRange::VersionsExhausted),
    }
}

/// Registry modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    ReadWrite,
    ReadOnly,
    ReadOnlyOverride,
    Import,
    Forward,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.")]
pub struct InvalidMode;

impl Mode {
    pub fn parse(text: &str) -> Result<Self, InvalidMode> {
        match text.to_ascii_uppercase().as_str() {
            "READWRITE" => Ok(Self::ReadWrite),
            "READONLY" => Ok(Self::ReadOnly),
            "READONLY_OVERRIDE" => Ok(Self::ReadOnlyOverride),
            "IMPORT" => Ok(Self::Import),
            "FORWARD" => Ok(Self::Forward),
            _ => Err(InvalidMode),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadWrite => "READWRITE",
            Self::ReadOnly => "READONLY",
            Self::ReadOnlyOverride => "READONLY_OVERRIDE",
            Self::Import => "IMPORT",
            Self::Forward => "FORWARD",
        }
    }

    pub fn is_read_only(self) -> bool {
        matches!(self, Self::ReadOnly | Self::ReadOnlyOverride)
    }
}

/// The three schema formats of the Confluent API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaType {
    Avro,
    Protobuf,
    Json,
}

impl SchemaType {
    /// Parses the wire name. Confluent accepts only the upper-case spelling.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "AVRO" => Some(Self::Avro),
            "PROTOBUF" => Some(Self::Protobuf),
            "JSON" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avro => "AVRO",
            Self::Protobuf => "PROTOBUF",
            Self::Json => "JSON",
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A schema reference as stored: the version is always concrete.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// One distinct schema, as stored under its global id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchema {
    pub id: i64,
    pub schema_type: SchemaType,
    pub canonical_text: String,
    pub references: Vec<Reference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
}

/// One version of one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRow {
    pub version: i32,
    pub schema_id: i64,
    pub deleted: bool,
}

/// A version with its subject, as listed by `/schemas` and `/schemas/ids/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i32,
    pub schema_id: i64,
    pub deleted: bool,
}

/// What a registration was given: the schema's global id and its version in the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub id: i64,
    pub version: i32,
}

/// A subject as the portal lists it: its latest live version and what it takes to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectSummary {
    pub subject: String,
    pub schema_type: SchemaType,
    pub latest_version: i32,
    pub latest_schema_id: i64,
    pub live_versions: i64,
    /// The subject's own stored `compatibilityLevel`, if any.
    pub own_compatibility: Option<String>,
    /// RFC 3339 UTC time of the last change to any of its versions.
    pub updated_at: String,
}

/// An audit log entry, as the portal's recent changes show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    /// RFC 3339 UTC time.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: Value,
}

/// How much the registry holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    /// Subjects with a live version.
    pub subjects: i64,
    /// Distinct schema ids bound to some version (live or soft-deleted).
    pub schemas: i64,
    /// Live subject versions.
    pub versions: i64,
}

/// Subject-level or global configuration. Fields are optional because a subject config
/// overrides the global one field by field. `extra` keeps Confluent's other settings as
/// sent and echoes them (validateFields, alias, defaultMetadata, ...); the registry reads
/// the ones it acts on (validateFields, the metadata and rule-set defaults and overrides,
/// compatibilityPolicy) from here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub compatibility: Option<CompatibilityLevel>,
    pub normalize: Option<bool>,
    pub extra: serde_json::Map<String, Value>,
}

impl Config {
    /// The effective config: this one's fields, else `fallback`'s.
    pub fn or(&self, fallback: &Config) -> Config {
        let mut extra = fallback.extra.clone();
        extra.extend(self.extra.clone());
        Config {
            compatibility: self.compatibility.or(fallback.compatibility),
            normalize: self.normalize.or(fallback.normalize),
            extra,
        }
    }

    /// Reads a config object. `level_key` is `compatibilityLevel` (GET shape, storage) or
    /// `compatibility` (PUT shape). `null` counts as absent.
    pub fn from_json(
        object: &serde_json::Map<String, Value>,
        level_key: &str,
    ) -> Result<Self, InvalidLevel> {
        let mut config = Config::default();
        for (key, value) in object {
            match (key.as_str(), value) {
                (_, Value::Null) => {}
                (k, Value::String(level)) if k == level_key => {
                    config.compatibility = Some(level.parse()?);
                }
                (k, _) if k == level_key => return Err(InvalidLevel),
                ("normalize", Value::Bool(b)) => config.normalize = Some(*b),
                ("compatibility" | "compatibilityLevel", _) => {}
                _ => {
                    config.extra.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(config)
    }

    /// Writes a config object with the level under `level_key`; absent fields are omitted.
    pub fn to_json(&self, level_key: &str) -> serde_json::Map<String, Value> {
        let mut object = serde_json::Map::new();
        if let Some(level) = self.compatibility {
            object.insert(level_key.into(), Value::String(level.as_str().into()));
        }
        if let Some(normalize) = self.normalize {
            object.insert("normalize".into(), Value::Bool(normalize));
        }
        for (key, value) in &self.extra {
            object.insert(key.clone(), value.clone());
        }
        object
    }

    pub fn level(&self) -> CompatibilityLevel {
        self.compatibility.unwrap_or(CompatibilityLevel::Backward)
    }

    /// Confluent's `compatibilityPolicy` (JSON Schema): LENIENT, else STRICT.
    pub fn policy(&self) -> Policy {
        match self
            .extra
            .get("compatibilityPolicy")
            .and_then(Value::as_str)
        {
            Some(policy) if policy.eq_ignore_ascii_case("LENIENT") => Policy::Lenient,
            _ => Policy::Strict,
        }
    }

    pub fn metadata_defaults(&self) -> Option<&Value> {
        self.extra.get("defaultMetadata")
    }

    pub fn metadata_overrides(&self) -> Option<&Value> {
        self.extra.get("overrideMetadata")
    }

    pub fn rule_set_defaults(&self) -> Option<&Value> {
        self.extra.get("defaultRuleSet")
    }

    pub fn rule_set_overrides(&self) -> Option<&Value> {
        self.extra.get("overrideRuleSet")
    }
}

/// The seven Confluent compatibility levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompatibilityLevel {
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

impl CompatibilityLevel {
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Backward,
        Self::BackwardTransitive,
        Self::Forward,
        Self::ForwardTransitive,
        Self::Full,
        Self::FullTransitive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Backward => "BACKWARD",
            Self::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Self::Forward => "FORWARD",
            Self::ForwardTransitive => "FORWARD_TRANSITIVE",
            Self::Full => "FULL",
            Self::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }

    /// Whether the new schema must read data written with the old one.
    pub fn new_reads_old(self) -> bool {
        matches!(
            self,
            Self::Backward | Self::BackwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether the old schema must read data written with the new one.
    pub fn old_reads_new(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardTransitive | Self::Full | Self::FullTransitive
        )
    }
}

impl fmt::Display for CompatibilityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid compatibility level")]
pub struct InvalidLevel;

impl FromStr for CompatibilityLevel {
    type Err = InvalidLevel;

    /// Case-insensitive, as Confluent accepts `backward` as well as `BACKWARD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(s))
            .ok_or(InvalidLevel)
    }
}

/// Which changes count as compatible (Confluent's `compatibilityPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    #[default]
    Strict,
    Lenient,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_latest_and_range() {
        assert_eq!(VersionSpec::parse("latest"), Ok(VersionSpec::Latest));
        assert_eq!(VersionSpec::parse("-1"), Ok(VersionSpec::Latest));
        assert_eq!(VersionSpec::parse("7"), Ok(VersionSpec::Number(7)));
        assert_eq!(
            VersionSpec::parse("2147483647"),
            Ok(VersionSpec::Number(i32::MAX))
        );
        for bad in ["0", "-2", "abc", "2147483648", ""] {
            assert!(VersionSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_and_versions_stay_in_one_to_two_to_the_31_minus_one() {
        assert_eq!(schema_id_in_range(1), Ok(1));
        assert_eq!(schema_id_in_range(MAX_SCHEMA_ID), Ok(MAX_SCHEMA_ID));
        for bad in [
            0,
            -5,
            i128::from(MAX_SCHEMA_ID) + 1,
            i128::from(i64::MAX) + 1,
        ] {
            assert_eq!(schema_id_in_range(bad), Err(OutOfRange::Id(bad)));
        }
        assert_eq!(version_in_range(MAX_VERSION), Ok(MAX_VERSION));
        for bad in [0, -1, i128::from(MAX_VERSION) + 1] {
            assert_eq!(version_in_range(bad), Err(OutOfRange::Version(bad)));
        }
        assert_eq!(next_schema_id(None), Ok(1));
        assert_eq!(next_schema_id(Some(41)), Ok(42));
        assert_eq!(
            next_schema_id(Some(MAX_SCHEMA_ID)),
            Err(OutOfRange::IdsExhausted)
        );
        assert_eq!(
            next_schema_id(Some(i64::MAX)),
            Err(OutOfRange::IdsExhausted)
        );
        assert_eq!(next_version(None), Ok(1));
        assert_eq!(next_version(Some(MAX_VERSION - 1)), Ok(MAX_VERSION));
        assert_eq!(
            next_version(Some(MAX_VERSION)),
            Err(OutOfRange::VersionsExhausted)
        );
    }

    #[test]
    fn reserved_and_control_subjects_are_not_writable() {
        assert!(Subject::new("orders-value").is_writable());
        assert!(Subject::new("a/b:{c}").is_writable());
        assert!(!Subject::new("__GLOBAL").is_writable());
        assert!(!Subject::new("__EMPTY").is_writable());
        assert!(!Subject::new("bad\u{7}name").is_writable());
        for misleading in [
            "",
            "   ",
            ".",
            "..",
            "orders\u{202E}eulav-",
            "orders\u{200B}-value",
            "\u{FEFF}orders-value",
            "orders\u{2066}-value",
        ] {
            assert!(!Subject::new(misleading).is_writable(), "{misleading:?}");
        }
        assert!(Subject::new("a".repeat(MAX_SUBJECT_CHARS)).is_writable());
        assert!(!Subject::new("a".repeat(MAX_SUBJECT_CHARS + 1)).is_writable());
        // Non-Latin names are names, not tricks.
        assert!(Subject::new("заказы-value").is_writable());
        assert!(Subject::new("..hidden-ish").is_writable());
    }

    #[test]
    fn modes_parse_case_insensitively() {
        assert_eq!(Mode::parse("import"), Ok(Mode::Import));
        assert_eq!(Mode::parse("READONLY"), Ok(Mode::ReadOnly));
        assert_eq!(Mode::parse("WRITEONLY"), Err(InvalidMode));
    }

    #[test]
    fn config_json_round_trips_in_both_shapes() {
        let body = serde_json::json!({"compatibility": "full", "normalize": true, "alias": "x"});
        let object = body.as_object().expect("object");
        let config = Config::from_json(object, "compatibility").expect("valid");
        assert_eq!(config.compatibility, Some(CompatibilityLevel::Full));
        let stored = config.to_json("compatibilityLevel");
        assert_eq!(
            Value::Object(stored),
            serde_json::json!({"compatibilityLevel": "FULL", "normalize": true, "alias": "x"})
        );
        let bad = serde_json::json!({"compatibility": "SIDEWAYS"});
        assert!(Config::from_json(bad.as_object().expect("object"), "compatibility").is_err());
    }

    #[test]
    fn subject_config_overrides_global_field_by_field() {
        let global = Config {
            compatibility: Some(CompatibilityLevel::Full),
            normalize: Some(true),
            ..Config::default()
        };
        let subject = Config {
            compatibility: Some(CompatibilityLevel::None),
            ..Config::default()
        };
        let effective = subject.or(&global);
        assert_eq!(effective.compatibility, Some(CompatibilityLevel::None));
        assert_eq!(effective.normalize, Some(true));
    }
}
