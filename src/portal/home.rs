//! `/ui/`: counts, recent changes from the audit log, a search box.

use askama::Template;
use axum::extract::State;

use super::audit::describe;
use super::layout::{Chrome, Section};
use super::{Page, PortalError, PortalState, links, ok};
use crate::registry::AuditRecord;

/// How many audit entries the home page lists.
const RECENT: u32 = 15;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    chrome: Chrome,
    /// Registry counts now; the event catalog appends its own cards.
    cards: Vec<CountCard>,
    recent: Vec<RecentChange>,
    subjects_href: String,
    /// The audit trail, for readers who may open it.
    audit_href: Option<String>,
    catalog_home: super::catalog::CatalogHome,
}

pub struct CountCard {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
    pub hint: &'static str,
}

pub struct RecentChange {
    /// RFC 3339, for `<time datetime>`.
    pub at: String,
    pub at_display: String,
    pub action: String,
    /// A short note from the entry's details, e.g. `v3 · schema 12`.
    pub note: String,
    pub target: String,
    pub href: Option<String>,
    pub actor: String,
}

pub async fn page(State(state): State<PortalState>) -> Result<Page<HomePage>, PortalError> {
    let viewer = super::sight::viewer()?;
    let overview = state.registry.overview(RECENT).await?;
    let cards = match super::sight::readable_subjects(&state.registry, &viewer).await? {
        None => registry_cards(&overview.counts),
        // A reader of some subjects sees how many of them it may read, and no totals of
        // what it may not.
        Some(readable) => vec![subjects_card(readable.len() as i64)],
    };
    let recent = overview
        .recent
        .iter()
        .filter(|entry| super::sight::may_see_change(&viewer, entry))
        .map(recent_change)
        .collect();
    Ok(ok(HomePage {
        chrome: Chrome::new("Home", Section::Home),
        cards,
        recent,
        subjects_href: links::subjects(),
        audit_href: super::sight::audit_link(links::audit(&[])),
        catalog_home: super::catalog::home_section(&state.catalog).await?,
    }))
}

fn subjects_card(subjects: i64) -> CountCard {
    CountCard {
        label: "Subjects",
        value: links::thousands(subjects),
        href: Some(links::subjects()),
        hint: "with a live version",
    }
}

fn registry_cards(counts: &crate::model::RegistryCounts) -> Vec<CountCard> {
    vec![
        subjects_card(counts.subjects),
        CountCard {
            label: "Schemas",
            value: links::thousands(counts.schemas),
            href: None,
            hint: "distinct schema ids",
        },
        CountCard {
            label: "Versions",
            value: links::thousands(counts.versions),
            href: None,
            hint: "live subject versions",
        },
    ]
}

fn recent_change(entry: &AuditRecord) -> RecentChange {
    let details = &entry.details;
    let version = details["version"]
        .as_i64()
        .and_then(|v| i32::try_from(v).ok());
    let note = match (
        version,
        details["id"].as_i64(),
        details["versions"].as_array(),
    ) {
        (Some(v), Some(id), _) => format!("v{v} · schema {id}"),
        (_, _, Some(versions)) => {
            let list: Vec<String> = versions.iter().map(ToString::to_string).collect();
            format!("versions {}", list.join(", "))
        }
        _ => String::new(),
    };
    let (target, href) = match entry.action.split('.').next() {
        _ if entry.target == crate::model::GLOBAL_SCOPE => ("global".to_string(), None),
        Some("schema") => (
            entry.target.clone(),
            Some(version.map_or_else(
                || links::subject(&entry.target),
                |v| links::version(&entry.target, v),
            )),
        ),
        Some("versions" | "config" | "mode") => {
            (entry.target.clone(), Some(links::subject(&entry.target)))
        }
        Some("catalog") => {
            let href = entry
                .target
                .split_once('/')
                .and_then(|(kind, name)| links::catalog_entity(kind, name));
            (entry.target.clone(), href)
        }
        _ => (entry.target.clone(), None),
    };
    RecentChange {
        at: entry.at.clone(),
        at_display: links::display_time(&entry.at),
        action: describe(&entry.action),
        note,
        target,
        href,
        actor: entry.actor.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_link_to_their_version() {
        let entry = AuditRecord {
            seq: 1,
            at: "2026-01-02T03:04:05.000Z".into(),
            actor: "anonymous".into(),
            action: "schema.registered".into(),
            target: "a/b".into(),
            details: serde_json::json!({"id": 7, "version": 2}),
        };
        let change = recent_change(&entry);
        assert_eq!(
            change.href.as_deref(),
            Some("/ui/subjects/a%2Fb/versions/2")
        );
        assert_eq!(change.note, "v2 · schema 7");
        assert_eq!(change.at_display, "2026-01-02 03:04 UTC");
    }
}
