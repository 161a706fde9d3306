//! `/ui/audit`: the audit trail, newest first, filtered by a GET form (actor, subject,
//! action, time range) and paged with an "Older" link; and the rows a subject's History
//! section shows. The home page's recent changes use the same wording and links.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

use super::layout::{Chrome, Section};
use super::{Page, PortalError, PortalState, links, ok};
use crate::model::GLOBAL_SCOPE;
use crate::registry::audit::{AuditFilter, AuditPage, AuditParams, DEFAULT_LIMIT};
use crate::registry::{ACTION_DELETED_PERMANENTLY, AuditRecord};

/// How many characters of an entry's details the table shows.
const MAX_DETAILS: usize = 160;

/// The query string, every value as text (parsed by [`AuditFilter::parse`]).
#[derive(Debug, Default, Deserialize)]
pub struct AuditQueryParams {
    actor: Option<String>,
    subject: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
    limit: Option<String>,
}

impl AuditQueryParams {
    fn as_params(&self) -> AuditParams<'_> {
        AuditParams {
            actor: self.actor.as_deref(),
            subject: self.subject.as_deref(),
            action: self.action.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
            before: self.before.as_deref(),
            limit: self.limit.as_deref(),
        }
    }
}

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct AuditTrailPage {
    chrome: Chrome,
    /// The form's values, as the user wrote them.
    actor: String,
    subject: String,
    action: String,
    from: String,
    to: String,
    filtered: bool,
    /// Whether this is an older page (reached through "Older").
    older: bool,
    rows: Vec<AuditRow>,
    /// The next (older) page, filters kept.
    older_href: Option<String>,
    /// The first page with the same filters.
    newest_href: String,
    clear_href: String,
    /// Known actions and prefixes, offered by the action field.
    action_suggestions: &'static [&'static str],
}

/// One audit entry as a table row.
pub struct AuditRow {
    /// RFC 3339, for `<time datetime>`.
    pub at: String,
    pub at_display: String,
    pub actor: String,
    /// The action as a sentence ("Schema registered").
    pub action: String,
    /// The action as stored (`schema.registered`).
    pub action_code: String,
    pub target: String,
    pub target_href: Option<String>,
    /// Version and schema id links, when the entry names them.
    pub refs: Vec<(String, Option<String>)>,
    /// What else the entry records, as compact JSON; empty when nothing is left.
    pub details: String,
}

impl AuditRow {
    pub fn of(entry: &AuditRecord) -> Self {
        let (target, target_href) = target_link(entry);
        let version = entry.details["version"]
            .as_i64()
            .and_then(|v| i32::try_from(v).ok());
        let mut refs = Vec::new();
        let mut shown = Vec::new();
        if let Some(v) = version {
            refs.push((format!("v{v}"), Some(links::version(&entry.target, v))));
            shown.push("version");
        }
        if let Some(id) = entry.details["id"].as_i64() {
            refs.push((format!("id {id}"), Some(links::schema(id))));
            shown.push("id");
        }
        if let Some(versions) = entry.details["versions"].as_array() {
            let list: Vec<String> = versions.iter().map(|v| format!("v{v}")).collect();
            refs.push((list.join(", "), None));
            shown.push("versions");
        }
        Self {
            at: entry.at.clone(),
            at_display: links::display_time(&entry.at),
            actor: entry.actor.clone(),
            action: describe(&entry.action),
            action_code: entry.action.clone(),
            target,
            target_href,
            refs,
            details: rest_of(&entry.details, &shown),
        }
    }
}

/// The details the other columns did not show, as compact JSON cut to [`MAX_DETAILS`].
fn rest_of(details: &Value, shown: &[&str]) -> String {
    let rest = match details {
        Value::Object(map) => {
            let left: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(key, _)| !shown.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            if left.is_empty() {
                return String::new();
            }
            Value::Object(left)
        }
        Value::Null => return String::new(),
        other => other.clone(),
    };
    let text = rest.to_string();
    if text.chars().count() > MAX_DETAILS {
        let head: String = text.chars().take(MAX_DETAILS).collect();
        format!("{head}…")
    } else {
        text
    }
}

/// What an entry changed, as the page names it, and its page: the subject for registry
/// changes, the entity for catalog ones (`kind/name`), none for the global settings.
pub fn target_link(entry: &AuditRecord) -> (String, Option<String>) {
    if entry.target == GLOBAL_SCOPE {
        return ("global".to_string(), None);
    }
    let href = match entry.action.split('.').next() {
        Some("schema" | "versions" | "config" | "mode") => Some(links::subject(&entry.target)),
        Some("catalog") => entry
            .target
            .split_once('/')
            .and_then(|(kind, name)| links::catalog_entity(kind, name)),
        _ => None,
    };
    (entry.target.clone(), href)
}

/// `schema.registered` as "Schema registered".
pub fn describe(action: &str) -> String {
    let known = match action {
        "schema.registered" => "Schema registered",
        "versions.deleted" => "Versions soft-deleted",
        ACTION_DELETED_PERMANENTLY => "Versions deleted permanently",
        "config.set" => "Compatibility config set",
        "config.deleted" => "Compatibility config removed",
        "mode.set" => "Mode set",
        "mode.deleted" => "Mode removed",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let words = action.replace(['.', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The actions Herald records, and the prefixes that group them (a value ending in `.`).
const ACTION_SUGGESTIONS: &[&str] = &[
    "schema.registered",
    "versions.",
    "versions.deleted",
    ACTION_DELETED_PERMANENTLY,
    "config.",
    "mode.",
    "catalog.",
];

/// Needs the admin role.
pub async fn page(
    State(state): State<PortalState>,
    super::extract::PortalQuery(params): super::extract::PortalQuery<AuditQueryParams>,
) -> Result<Page<AuditTrailPage>, PortalError> {
    let filter = AuditFilter::parse(&params.as_params())
        .map_err(|invalid| PortalError::BadRequest(invalid.to_string()))?;
    let found = state.registry.audit_trail(&filter).await?;
    Ok(ok(AuditTrailPage::of(&filter, &found)))
}

impl AuditTrailPage {
    fn of(filter: &AuditFilter, found: &AuditPage) -> Self {
        let [actor, subject, action, from, to] = filter.filter_params().map(|(_, value)| value);
        Self {
            chrome: Chrome::new("Audit trail", Section::Audit)
                .crumb("Home", links::home())
                .here("Audit trail"),
            filtered: filter.narrows(),
            older: filter.before.is_some(),
            rows: found.entries.iter().map(AuditRow::of).collect(),
            older_href: found
                .next_before
                .map(|before| page_href(filter, Some(before))),
            newest_href: page_href(filter, None),
            clear_href: links::audit(&[]),
            action_suggestions: ACTION_SUGGESTIONS,
            actor,
            subject,
            action,
            from,
            to,
        }
    }
}

/// The trail with `filter`'s filters (and limit, when not the default) from `before` on.
fn page_href(filter: &AuditFilter, before: Option<i64>) -> String {
    let mut pairs: Vec<(&str, String)> = filter.filter_params().into_iter().collect();
    if filter.limit != DEFAULT_LIMIT {
        pairs.push(("limit", filter.limit.to_string()));
    }
    pairs.push(("before", before.map(|b| b.to_string()).unwrap_or_default()));
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    links::audit(&borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, target: &str, details: Value) -> AuditRecord {
        AuditRecord {
            seq: 9,
            at: "2026-01-02T03:04:05.000Z".into(),
            actor: "ann".into(),
            action: action.into(),
            target: target.into(),
            details,
        }
    }

    #[test]
    fn actions_read_as_sentences() {
        assert_eq!(describe("schema.registered"), "Schema registered");
        assert_eq!(describe("catalog.topic.created"), "Catalog topic created");
        assert_eq!(describe(""), "");
    }

    #[test]
    fn registrations_link_their_subject_version_and_schema() {
        let row = AuditRow::of(&entry(
            "schema.registered",
            "a/b",
            serde_json::json!({"id": 7, "version": 2}),
        ));
        assert_eq!(row.target_href.as_deref(), Some("/ui/subjects/a%2Fb"));
        assert_eq!(
            row.refs,
            [
                (
                    "v2".to_owned(),
                    Some("/ui/subjects/a%2Fb/versions/2".to_owned())
                ),
                ("id 7".to_owned(), Some("/ui/schemas/7".to_owned())),
            ]
        );
        assert_eq!(row.details, "", "nothing left to show");
    }

    #[test]
    fn catalog_entries_link_the_entity_and_show_their_document() {
        let row = AuditRow::of(&entry(
            "catalog.topic.created",
            "topic/orders",
            serde_json::json!({"name": "orders", "partitions": 3}),
        ));
        assert_eq!(row.target_href.as_deref(), Some("/ui/topics/orders"));
        assert!(row.refs.is_empty());
        assert_eq!(row.details, r#"{"name":"orders","partitions":3}"#);
        let global = AuditRow::of(&entry("config.set", GLOBAL_SCOPE, Value::Null));
        assert_eq!(
            (global.target.as_str(), global.target_href),
            ("global", None)
        );
    }

    #[test]
    fn long_details_are_cut() {
        let long = "x".repeat(2 * MAX_DETAILS);
        let row = AuditRow::of(&entry(
            "mode.set",
            "s",
            serde_json::json!({ "value": long }),
        ));
        assert_eq!(row.details.chars().count(), MAX_DETAILS + 1);
        assert!(row.details.ends_with('…'));
    }

    #[test]
    fn older_links_keep_the_filters() {
        let filter = AuditFilter::parse(&AuditParams {
            actor: Some("ann lee"),
            action: Some("catalog."),
            limit: Some("10"),
            ..AuditParams::default()
        })
        .expect("valid");
        assert_eq!(
            page_href(&filter, Some(41)),
            "/ui/audit?actor=ann+lee&action=catalog.&limit=10&before=41"
        );
        assert_eq!(
            page_href(&AuditFilter::default(), None),
            "/ui/audit",
            "no filters, no query"
        );
    }
}
