//! View values shared by the catalog pages: links to entities, tag and lifecycle badges,
//! metadata rows, list filters. Everything here is plain text for askama to escape.

use serde_json::Value;

use crate::catalog::model::{EntityKind, EntityName, Lifecycle, Metadata};
use crate::catalog::snapshot::Snapshot;
use crate::portal::links;

use super::markdown;

/// The page of an entity: `/ui/{kind plural}/{name}`.
pub fn href(kind: EntityKind, name: &str) -> String {
    format!(
        "{}/{}/{}",
        links::PREFIX,
        kind.plural(),
        links::segment(name)
    )
}

/// The list of a kind: `/ui/{kind plural}`.
pub fn list_href(kind: EntityKind) -> String {
    format!("{}/{}", links::PREFIX, kind.plural())
}

/// The JSON document of an entity in the catalog API.
pub fn api_href(kind: EntityKind, name: &str) -> String {
    format!("/catalog/{}/{}", kind.plural(), links::segment(name))
}

/// "Which fields carry this tag, and who reads them".
pub fn fields_href(tag: &str) -> String {
    format!(
        "{}/catalog/fields{}",
        links::PREFIX,
        links::query(&[("tag", tag)])
    )
}

/// The catalog overview (counts, deprecations, downloads).
pub fn overview_href() -> String {
    format!("{}/catalog", links::PREFIX)
}

/// A link to one entity, shown by its name with its title as a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityLink {
    pub name: String,
    pub title: Option<String>,
    pub href: String,
}

impl EntityLink {
    pub fn new(kind: EntityKind, name: &EntityName, title: Option<&str>) -> Self {
        Self {
            name: name.to_string(),
            title: title.map(str::to_owned),
            href: href(kind, name.as_str()),
        }
    }

    /// A link to `name` of `kind`, with the title the snapshot knows for it. An entity the
    /// snapshot lacks is one the reader may not open: its name shows, with no link (an
    /// empty `href`).
    pub fn of(snapshot: &Snapshot, kind: EntityKind, name: &EntityName) -> Self {
        if !snapshot.contains(kind, name) {
            return Self {
                name: name.to_string(),
                title: None,
                href: String::new(),
            };
        }
        let title = match kind {
            EntityKind::Domain => snapshot.domains.get(name).and_then(|e| e.title.as_deref()),
            EntityKind::Team => snapshot.teams.get(name).and_then(|e| e.title.as_deref()),
            EntityKind::Application => snapshot
                .applications
                .get(name)
                .and_then(|e| e.title.as_deref()),
            EntityKind::Topic => snapshot.topics.get(name).and_then(|e| e.title.as_deref()),
            EntityKind::Event => snapshot.events.get(name).and_then(|e| e.title.as_deref()),
        };
        Self::new(kind, name, title)
    }

    pub fn maybe(snapshot: &Snapshot, kind: EntityKind, name: Option<&EntityName>) -> Option<Self> {
        name.map(|name| Self::of(snapshot, kind, name))
    }
}

/// A tag badge linking to the list of that kind filtered by the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagLink {
    pub label: String,
    pub href: String,
}

impl TagLink {
    pub fn for_kind(kind: EntityKind, tags: &[String]) -> Vec<Self> {
        tags.iter()
            .map(|tag| Self {
                label: tag.clone(),
                href: format!("{}{}", list_href(kind), links::query(&[("tag", tag)])),
            })
            .collect()
    }

    /// Field tags: each links to the fields carrying it.
    pub fn for_fields(tags: &[String]) -> Vec<Self> {
        tags.iter()
            .map(|tag| Self {
                label: tag.clone(),
                href: fields_href(tag),
            })
            .collect()
    }
}

/// A lifecycle as a badge: its label and a CSS class from a fixed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleBadge {
    pub label: &'static str,
    pub class: &'static str,
    /// Released needs no badge in lists.
    pub notable: bool,
}

impl LifecycleBadge {
    pub fn of(lifecycle: Lifecycle) -> Self {
        let class = match lifecycle {
            Lifecycle::Draft => "badge-info",
            Lifecycle::Released => "badge-ok",
            Lifecycle::Deprecated => "badge-warning",
            Lifecycle::Retired => "badge-danger",
        };
        Self {
            label: lifecycle.as_str(),
            class,
            notable: lifecycle != Lifecycle::Released,
        }
    }
}

/// The banner above an entity that is not simply released: "Deprecated — sunset on
/// DATE, use REPLACEMENT." and a sentence on what that means.
pub struct Banner {
    /// A CSS modifier from a fixed set: `info`, `warning`, `danger`.
    pub tone: &'static str,
    pub title: &'static str,
    /// `YYYY-MM-DD`.
    pub sunset: Option<String>,
    /// How the replacement is introduced ("use", "replaced by").
    pub verb: &'static str,
    pub replacement: Option<EntityLink>,
    pub text: &'static str,
}

impl Banner {
    /// The banner of an event or application lifecycle; None when released.
    pub fn of(
        lifecycle: Lifecycle,
        sunset: Option<String>,
        replacement: Option<EntityLink>,
    ) -> Option<Self> {
        let (tone, title, verb, text) = match lifecycle {
            Lifecycle::Released => return None,
            Lifecycle::Draft => (
                "info",
                "Draft",
                "see also",
                "Still being designed: it may change without notice.",
            ),
            Lifecycle::Deprecated => (
                "warning",
                "Deprecated",
                "use",
                "It still works, but nothing new should start depending on it.",
            ),
            Lifecycle::Retired => (
                "danger",
                "Retired",
                "replaced by",
                "It is no longer in use; what is listed here is kept for the record.",
            ),
        };
        Some(Self {
            tone,
            title,
            sunset,
            verb,
            replacement,
            text,
        })
    }
}

/// A description rendered from Markdown (sanitised by [`markdown::render`]).
pub fn description(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(markdown::render)
}

/// Free metadata as key/value text rows, in key order.
pub fn metadata_rows(metadata: &Metadata) -> Vec<(String, String)> {
    metadata
        .iter()
        .map(|(key, value)| (key.clone(), value_text(value)))
        .collect()
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A URL from the catalog that may become an `href` (http, https, mailto or relative);
/// anything else is shown as text only.
pub fn safe_url(url: Option<&str>) -> Option<String> {
    url.map(str::trim)
        .filter(|u| !u.is_empty() && markdown::is_safe_url(u))
        .map(str::to_owned)
}

/// A web address as shown: without its `https://` or `http://`.
pub fn url_text(url: &str) -> String {
    let url = url.trim();
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
        .trim_end_matches('/')
        .to_owned()
}

/// A `mailto:` link for something that looks like one e-mail address.
pub fn mailto(email: &str) -> Option<String> {
    let email = email.trim();
    let plausible = email.contains('@')
        && !email.starts_with('@')
        && !email.ends_with('@')
        && email.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '<' | '>' | '"' | '?' | '&' | ':' | '/')
        });
    plausible.then(|| format!("mailto:{email}"))
}

/// One option of a `<select>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options with an "any" entry first; `current` is selected.
pub fn options(
    any: &str,
    values: impl IntoIterator<Item = (String, String)>,
    current: &str,
) -> Vec<SelectOption> {
    let mut out = vec![SelectOption {
        value: String::new(),
        label: any.to_owned(),
        selected: current.is_empty(),
    }];
    out.extend(values.into_iter().map(|(value, label)| SelectOption {
        selected: value == current,
        value,
        label,
    }));
    out
}

/// "1 topic", "3 topics".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        links::thousands(n as i64),
        if n == 1 { one } else { many }
    )
}

/// Whether `text` contains `needle` (already lowercase), ignoring case.
pub fn contains_ci(text: &str, needle: &str) -> bool {
    needle.is_empty() || text.to_lowercase().contains(needle)
}

/// Whether any of `tags` is `tag`, ignoring case (an empty `tag` matches all).
pub fn has_tag(tags: &[String], tag: &str) -> bool {
    tag.is_empty() || tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

/// Every tag used by the given tag lists, sorted case-insensitively, deduplicated.
pub fn all_tags<'a>(lists: impl Iterator<Item = &'a Vec<String>>) -> Vec<String> {
    let mut tags: Vec<String> = lists.flatten().cloned().collect();
    tags.sort_by_key(|t| t.to_lowercase());
    tags.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_urls() {
        let name = EntityName::parse("orders.order-events").expect("name");
        assert_eq!(
            href(EntityKind::Topic, name.as_str()),
            "/ui/topics/orders.order-events"
        );
        assert_eq!(
            api_href(EntityKind::Event, "OrderPlaced"),
            "/catalog/events/OrderPlaced"
        );
        assert_eq!(fields_href("PII"), "/ui/catalog/fields?tag=PII");
        assert_eq!(fields_href("a b"), "/ui/catalog/fields?tag=a+b");
    }

    #[test]
    fn only_plain_urls_become_links() {
        assert_eq!(
            safe_url(Some("https://git.example.com/x")).as_deref(),
            Some("https://git.example.com/x")
        );
        assert_eq!(safe_url(Some("javascript:alert(1)")), None);
        assert_eq!(url_text("https://git.example.com/x/"), "git.example.com/x");
        assert_eq!(url_text("ssh://git@host/x"), "ssh://git@host/x");
        assert_eq!(safe_url(Some("  ")), None);
        assert_eq!(mailto("a@b.example").as_deref(), Some("mailto:a@b.example"));
        assert_eq!(mailto("not an email"), None);
        assert_eq!(mailto("a@b?subject=x"), None);
    }

    #[test]
    fn metadata_reads_as_text() {
        let mut metadata = Metadata::new();
        metadata.insert("partitions".into(), Value::from(12));
        metadata.insert("retention".into(), Value::from("7d"));
        metadata.insert("pci".into(), Value::from(true));
        assert_eq!(
            metadata_rows(&metadata),
            vec![
                ("partitions".to_string(), "12".to_string()),
                ("pci".to_string(), "true".to_string()),
                ("retention".to_string(), "7d".to_string()),
            ]
        );
    }

    #[test]
    fn tags_dedupe_ignoring_case() {
        let lists = [vec!["pii".to_string(), "Core".into()], vec!["PII".into()]];
        assert_eq!(all_tags(lists.iter()), vec!["Core", "pii"]);
        assert!(has_tag(&lists[0], "PII"));
        assert!(has_tag(&lists[0], ""));
        assert!(!has_tag(&lists[1], "core"));
    }
}
