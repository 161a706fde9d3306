//! The event-landscape model: typed values parsed once at the edge (names, lifecycles,
//! version ranges) and the five entity kinds. The same types are the REST bodies, the
//! catalog file's entries and the stored documents.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use utoipa::ToSchema;

/// Longest entity name (Kafka's topic name limit).
pub const MAX_NAME_LEN: usize = 249;

/// An entity name: 1 to 249 characters of `A-Z a-z 0-9 . _ -`, the Kafka topic alphabet,
/// so that every name is also a clean permalink segment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, pattern = "^[A-Za-z0-9._-]{1,249}$")]
pub struct EntityName(String);

impl EntityName {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() || text.len() > MAX_NAME_LEN {
            return Err(format!(
                "name {text:?} must have 1 to {MAX_NAME_LEN} characters"
            ));
        }
        if let Some(bad) = text.chars().find(|c| !is_name_char(*c)) {
            return Err(format!(
                "name {text:?} may only use letters, digits, '.', '_' and '-' (found {bad:?})"
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for EntityName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EntityName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Whether `c` may appear in an entity name (the Kafka topic alphabet).
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// `text` with every character outside the name alphabet replaced by `_`: safe in file
/// names, headers and document keys.
pub fn with_name_chars(text: &str) -> String {
    text.chars()
        .map(|c| if is_name_char(c) { c } else { '_' })
        .collect()
}

/// The five kinds of catalog entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Domain,
    Team,
    Application,
    Topic,
    Event,
}

impl EntityKind {
    pub const ALL: [Self; 5] = [
        Self::Domain,
        Self::Team,
        Self::Application,
        Self::Topic,
        Self::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Team => "team",
            Self::Application => "application",
            Self::Topic => "topic",
            Self::Event => "event",
        }
    }

    /// The plural used in URLs and in the catalog file (`/catalog/topics`, `topics:`).
    pub fn plural(self) -> &'static str {
        match self {
            Self::Domain => "domains",
            Self::Team => "teams",
            Self::Application => "applications",
            Self::Topic => "topics",
            Self::Event => "events",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text || kind.plural() == text)
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an application or event stands in its life.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    Draft,
    #[default]
    Released,
    Deprecated,
    Retired,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Released => "released",
            Self::Deprecated => "deprecated",
            Self::Retired => "retired",
        }
    }

    pub fn is_default(&self) -> bool {
        *self == Self::Released
    }
}

/// What a message asks of its readers.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Something happened.
    #[default]
    Event,
    /// Something should happen.
    Command,
    /// A question expecting an answer.
    Query,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Command => "command",
            Self::Query => "query",
        }
    }

    pub fn is_default(&self) -> bool {
        *self == Self::Event
    }
}

/// Confluent's subject name strategies: how a topic's schemas are named.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectStrategy {
    /// `<topic>-key` and `<topic>-value`.
    #[default]
    Topic,
    /// The record's full name (one subject per event type on the topic).
    Record,
    /// `<topic>-<record full name>`.
    TopicRecord,
}

impl SubjectStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Topic => "topic",
            Self::Record => "record",
            Self::TopicRecord => "topic-record",
        }
    }

    pub fn is_default(&self) -> bool {
        *self == Self::Topic
    }
}

/// Which versions of a subject an application writes or reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VersionRange {
    /// Whatever is newest.
    #[default]
    Latest,
    /// Exactly one version.
    Pinned(i32),
    /// `from` to `to`, both included.
    Between(i32, i32),
    /// This version and every later one.
    AtLeast(i32),
}

impl VersionRange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let version = |t: &str| -> Result<i32, String> {
            t.trim()
                .parse::<i32>()
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| {
                    format!(
                        "version range {text:?}: expected latest, N, N-M or >=N with versions from 1"
                    )
                })
        };
        if text.eq_ignore_ascii_case("latest") {
            Ok(Self::Latest)
        } else if let Some(from) = text.strip_prefix(">=") {
            Ok(Self::AtLeast(version(from)?))
        } else if let Some((from, to)) = text.split_once('-') {
            let (from, to) = (version(from)?, version(to)?);
            if from > to {
                return Err(format!("version range {text:?} runs backwards"));
            }
            Ok(Self::Between(from, to))
        } else {
            Ok(Self::Pinned(version(text)?))
        }
    }

    pub fn is_latest(&self) -> bool {
        *self == Self::Latest
    }

    /// The versions of `live` (ascending live versions of the subject) this range uses.
    pub fn select(&self, live: &[i32]) -> Vec<i32> {
        match *self {
            Self::Latest => live.last().copied().into_iter().collect(),
            Self::Pinned(v) => live.iter().copied().filter(|x| *x == v).collect(),
            Self::Between(from, to) => live
                .iter()
                .copied()
                .filter(|x| (from..=to).contains(x))
                .collect(),
            Self::AtLeast(from) => live.iter().copied().filter(|x| *x >= from).collect(),
        }
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Latest => f.write_str("latest"),
            Self::Pinned(v) => write!(f, "{v}"),
            Self::Between(from, to) => write!(f, "{from}-{to}"),
            Self::AtLeast(from) => write!(f, ">={from}"),
        }
    }
}

impl Serialize for VersionRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Pinned(v) => serializer.serialize_i32(*v),
            other => serializer.collect_str(other),
        }
    }
}

impl<'de> Deserialize<'de> for VersionRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // YAML and JSON writers both say `versions: 3` as often as `versions: "3"`.
        match Value::deserialize(deserializer)? {
            Value::String(text) => Self::parse(&text).map_err(serde::de::Error::custom),
            Value::Number(n) => n
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .map(|v| Self::parse(&v.to_string()))
                .unwrap_or_else(|| Err(format!("version {n} is out of range")))
                .map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(format!(
                "versions: expected latest, N, N-M or >=N, found {other}"
            ))),
        }
    }
}

/// `latest`, `N`, `N-M` or `>=N`; a plain number may be written unquoted.
fn version_range_schema() -> utoipa::openapi::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
    let one_of = OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(
            "^(latest|[1-9][0-9]*|[1-9][0-9]*-[1-9][0-9]*|>=[1-9][0-9]*)$",
        )))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1)),
        )
        .description(Some(
            "The schema versions written or read: latest (default), N, N-M or >=N",
        ))
        .build();
    Schema::OneOf(one_of)
}

/// A calendar date `YYYY-MM-DD` (a sunset).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, format = Date, example = "2027-06-30")]
pub struct Date(String);

impl Date {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("date {text:?} is not a calendar date YYYY-MM-DD");
        let parts: Vec<&str> = text.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let number = |t: &str| t.parse::<u32>().map_err(|_| bad());
        let (year, month, day) = (number(y)?, number(m)?, number(d)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if day == 0 || day > days {
            return Err(bad());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Free key-value pairs (strings, numbers, booleans).
pub type Metadata = BTreeMap<String, Value>;

/// A bounded context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Domain {
    pub name: EntityName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owning team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub metadata: Metadata,
}

/// People who own applications, topics and events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Team {
    pub name: EntityName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A chat channel, e.g. `#checkout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub metadata: Metadata,
}

/// An application produces or consumes a topic, an event, or an event on a topic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EdgeTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EntityName>,
    /// The schema versions written or read: `latest`, `N`, `N-M` or `>=N`.
    #[serde(default, skip_serializing_if = "VersionRange::is_latest")]
    #[schema(schema_with = version_range_schema)]
    pub versions: VersionRange,
}

/// A service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Application {
    pub name: EntityName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Lifecycle::is_default")]
    pub lifecycle: Lifecycle,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub produces: Vec<EdgeTarget>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumes: Vec<EdgeTarget>,
    /// Who it runs as: principal names (as the access file or the identity provider names
    /// them), or client addresses for clients that do not authenticate. Observed usage
    /// by these becomes this application's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub principals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub metadata: Metadata,
}

/// A channel (Kafka topic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Topic {
    pub name: EntityName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<EntityName>,
    #[serde(default, skip_serializing_if = "SubjectStrategy::is_default")]
    pub subject_strategy: SubjectStrategy,
    /// Defaults to `<topic>-key` under the topic strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_subject: Option<String>,
    /// Defaults to `<topic>-value` under the topic strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_subject: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Partitions, retention, protocol...
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub metadata: Metadata,
}

impl Topic {
    /// The key subject under the topic strategy (given or derived).
    pub fn key_subject(&self) -> Option<String> {
        match (&self.key_subject, self.subject_strategy) {
            (Some(subject), _) => Some(subject.clone()),
            (None, SubjectStrategy::Topic) => Some(format!("{}-key", self.name)),
            (None, _) => None,
        }
    }

    /// The value subject under the topic strategy (given or derived); under the record
    /// strategies each event on the topic brings its own.
    pub fn value_subject(&self) -> Option<String> {
        match (&self.value_subject, self.subject_strategy) {
            (Some(subject), _) => Some(subject.clone()),
            (None, SubjectStrategy::Topic) => Some(format!("{}-value", self.name)),
            (None, _) => None,
        }
    }
}

/// A message type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    pub name: EntityName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "EventKind::is_default")]
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<EntityName>,
    /// The topic it travels on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<EntityName>,
    /// The registry subject holding its schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Lifecycle::is_default")]
    pub lifecycle: Lifecycle,
    /// When it was deprecated (the `Deprecation` header's date; without it, the day its
    /// catalog entry last changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_on: Option<Date>,
    /// When it goes away (deprecated events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunset: Option<Date>,
    /// The event to move to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<EntityName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub metadata: Metadata,
}

/// Any catalog entity.
#[derive(Debug, Clone, PartialEq)]
pub enum Entity {
    Domain(Domain),
    Team(Team),
    Application(Application),
    Topic(Topic),
    Event(Event),
}

/// Runs `$body` with `$e` bound to the entity inside any variant: the five kinds share
/// their common fields by name, not by a trait, so the model stays plain serde structs.
macro_rules! on_any {
    ($entity:expr, $e:ident => $body:expr) => {
        match $entity {
            Entity::Domain($e) => $body,
            Entity::Team($e) => $body,
            Entity::Application($e) => $body,
            Entity::Topic($e) => $body,
            Entity::Event($e) => $body,
        }
    };
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Self::Domain(_) => EntityKind::Domain,
            Self::Team(_) => EntityKind::Team,
            Self::Application(_) => EntityKind::Application,
            Self::Topic(_) => EntityKind::Topic,
            Self::Event(_) => EntityKind::Event,
        }
    }

    pub fn name(&self) -> &EntityName {
        on_any!(self, e => &e.name)
    }

    /// The document as stored and as the REST API shows it.
    pub fn to_json(&self) -> Value {
        // Plain structs of strings, maps and numbers always serialise.
        on_any!(self, e => serde_json::to_value(e)).unwrap_or(Value::Null)
    }

    /// Reads a document of `kind` (from a request body or the database).
    pub fn from_json(kind: EntityKind, document: Value) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            EntityKind::Domain => Self::Domain(serde_json::from_value(document)?),
            EntityKind::Team => Self::Team(serde_json::from_value(document)?),
            EntityKind::Application => Self::Application(serde_json::from_value(document)?),
            EntityKind::Topic => Self::Topic(serde_json::from_value(document)?),
            EntityKind::Event => Self::Event(serde_json::from_value(document)?),
        })
    }

    pub fn tags(&self) -> &[String] {
        on_any!(self, e => &e.tags)
    }

    pub fn title(&self) -> Option<&str> {
        on_any!(self, e => e.title.as_deref())
    }

    pub fn description(&self) -> Option<&str> {
        on_any!(self, e => e.description.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_use_the_kafka_alphabet() {
        assert!(EntityName::parse("orders.order-events_v2").is_ok());
        assert!(EntityName::parse("").is_err());
        assert!(EntityName::parse("has space").is_err());
        assert!(EntityName::parse("slash/no").is_err());
        assert!(EntityName::parse(&"a".repeat(249)).is_ok());
        assert!(EntityName::parse(&"a".repeat(250)).is_err());
    }

    #[test]
    fn version_ranges_round_trip_and_select() {
        for text in ["latest", "3", "2-4", ">=2"] {
            let range = VersionRange::parse(text).expect(text);
            assert_eq!(range.to_string(), text);
        }
        assert!(VersionRange::parse("4-2").is_err());
        assert!(VersionRange::parse("0").is_err());
        assert!(VersionRange::parse("v2").is_err());
        let live = [1, 2, 3, 5];
        assert_eq!(VersionRange::Latest.select(&live), vec![5]);
        assert_eq!(VersionRange::Pinned(4).select(&live), Vec::<i32>::new());
        assert_eq!(VersionRange::Between(2, 4).select(&live), vec![2, 3]);
        assert_eq!(VersionRange::AtLeast(3).select(&live), vec![3, 5]);
    }

    #[test]
    fn numbers_are_accepted_as_versions() {
        let edge: EdgeTarget = serde_json::from_str(r#"{"topic":"t","versions":3}"#).expect("edge");
        assert_eq!(edge.versions, VersionRange::Pinned(3));
        assert_eq!(serde_json::to_value(&edge).expect("json")["versions"], 3);
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(Date::parse("2027-06-30").is_ok());
        assert!(Date::parse("2028-02-29").is_ok());
        assert!(Date::parse("2027-02-29").is_err());
        assert!(Date::parse("2027-13-01").is_err());
        assert!(Date::parse("27-06-30").is_err());
        assert!(Date::parse("next year").is_err());
    }

    #[test]
    fn topic_strategy_derives_subjects() {
        let mut topic: Topic = serde_json::from_str(r#"{"name":"orders"}"#).expect("topic");
        assert_eq!(topic.value_subject().as_deref(), Some("orders-value"));
        assert_eq!(topic.key_subject().as_deref(), Some("orders-key"));
        topic.subject_strategy = SubjectStrategy::Record;
        assert_eq!(topic.value_subject(), None);
        topic.value_subject = Some("x".into());
        assert_eq!(topic.value_subject().as_deref(), Some("x"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Team>(r#"{"name":"t","emial":"x"}"#).expect_err("typo");
        assert!(err.to_string().contains("emial"), "{err}");
    }
}
