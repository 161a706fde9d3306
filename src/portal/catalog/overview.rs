//! `/ui/catalog`: the catalog at a glance (counts, deprecated events and their sunsets)
//! and its downloads. The glance is also a section the home page can include
//! ([`CatalogHome`], `templates/catalog/home_counts.html`).

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::calendar;
use crate::catalog::model::EntityKind;
use crate::catalog::snapshot::Snapshot;
use crate::catalog::tally::Deprecation;
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::snapshot;
use super::view::{self, EntityLink};

/// Most deprecated events the glance lists.
const MAX_SUNSETS: usize = 8;

/// A sunset this close (in days) or past is flagged.
const SOON_DAYS: i64 = 90;

/// The catalog at a glance: what `templates/catalog/home_counts.html` shows. A page
/// including that partial has a field `catalog_home` of this type.
pub struct CatalogHome {
    pub cards: Vec<CountCard>,
    pub sunsets: Vec<SunsetRow>,
    /// Deprecated events beyond those listed.
    pub more_deprecated: usize,
    /// The section's heading.
    pub heading: &'static str,
    /// A link to the catalog overview (None on the overview itself).
    pub overview_href: Option<String>,
    pub deprecated_href: String,
}

pub struct CountCard {
    pub label: &'static str,
    pub value: String,
    pub href: String,
    pub hint: String,
}

/// A deprecated event and when it goes away.
pub struct SunsetRow {
    pub event: EntityLink,
    pub sunset: Option<String>,
    /// "in 127 days", "today", "12 days ago", or "no date set".
    pub when: String,
    /// Past or within [`SOON_DAYS`].
    pub soon: bool,
    pub replacement: Option<EntityLink>,
}

/// The glance for the home page (the snapshot is in memory; no registry reads).
pub async fn home_section(catalog: &Catalog) -> Result<CatalogHome, PortalError> {
    Ok(CatalogHome::of(
        &*snapshot(catalog).await?,
        calendar::today(),
    ))
}

impl CatalogHome {
    /// The glance as of `today` (days since 1970-01-01).
    pub fn of(snapshot: &Snapshot, today: i64) -> Self {
        let card = |kind: EntityKind, label: &'static str, hint: String| CountCard {
            label,
            value: links::thousands(snapshot.count(kind) as i64),
            href: view::list_href(kind),
            hint,
        };
        let deprecated = snapshot.deprecations(today);
        let released_apps = snapshot.released_application_count();
        let cards = vec![
            card(EntityKind::Domain, "Domains", "bounded contexts".to_owned()),
            card(EntityKind::Team, "Teams", "who owns what".to_owned()),
            card(
                EntityKind::Application,
                "Applications",
                format!("{} released", links::thousands(released_apps as i64)),
            ),
            card(
                EntityKind::Topic,
                "Topics",
                format!(
                    "{} producer and consumer links",
                    links::thousands(snapshot.edges().count() as i64)
                ),
            ),
            card(
                EntityKind::Event,
                "Events",
                format!("{} deprecated", links::thousands(deprecated.len() as i64)),
            ),
        ];
        let mut sunsets: Vec<SunsetRow> = deprecated
            .iter()
            .map(|deprecation| SunsetRow::of(snapshot, deprecation))
            .collect();
        let more_deprecated = sunsets.len().saturating_sub(MAX_SUNSETS);
        sunsets.truncate(MAX_SUNSETS);
        Self {
            cards,
            sunsets,
            more_deprecated,
            heading: "Event catalog",
            overview_href: Some(view::overview_href()),
            deprecated_href: format!(
                "{}{}",
                view::list_href(EntityKind::Event),
                links::query(&[("lifecycle", "deprecated")])
            ),
        }
    }
}

impl SunsetRow {
    fn of(snapshot: &Snapshot, deprecation: &Deprecation<'_>) -> Self {
        let event = deprecation.event;
        let days = deprecation.days_left;
        Self {
            event: EntityLink::new(EntityKind::Event, &event.name, event.title.as_deref()),
            sunset: event.sunset.as_ref().map(|d| d.as_str().to_owned()),
            when: days.map_or_else(|| "no date set".to_owned(), describe_days),
            soon: days.is_some_and(|d| d <= SOON_DAYS),
            replacement: EntityLink::maybe(snapshot, EntityKind::Event, event.replaced_by.as_ref()),
        }
    }
}

fn describe_days(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        d if d > 0 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    }
}

#[derive(Template)]
#[template(path = "catalog/overview.html")]
pub struct OverviewPage {
    chrome: Chrome,
    catalog_home: CatalogHome,
    fields_href: String,
    pii_href: String,
}

pub async fn page(State(catalog): State<Arc<Catalog>>) -> Result<Page<OverviewPage>, PortalError> {
    Ok(ok(OverviewPage {
        chrome: Chrome::new("Event catalog", Section::None).here("Catalog"),
        catalog_home: CatalogHome {
            heading: "At a glance",
            overview_href: None,
            ..home_section(&catalog).await?
        },
        fields_href: format!("{}/catalog/fields", links::PREFIX),
        pii_href: view::fields_href("PII"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_as_words() {
        assert_eq!(describe_days(127), "in 127 days");
        assert_eq!(describe_days(1), "tomorrow");
        assert_eq!(describe_days(0), "today");
        assert_eq!(describe_days(-3), "3 days ago");
    }

    #[test]
    fn the_glance_counts_and_lists_sunsets_soonest_first() {
        use crate::catalog::model::Entity;
        use serde_json::json;
        let mut snapshot = crate::catalog::snapshot::tests::landscape();
        for document in [
            json!({"name": "Late", "lifecycle": "deprecated", "sunset": "2030-01-01"}),
            json!({"name": "Soon", "lifecycle": "deprecated", "sunset": "2026-12-01",
                   "replacedBy": "OrderPlaced"}),
            json!({"name": "Undated", "lifecycle": "deprecated"}),
        ] {
            snapshot.insert(Entity::from_json(EntityKind::Event, document).expect("valid"));
        }
        let today = calendar::days_from_date("2026-11-24").expect("date");
        let glance = CatalogHome::of(&snapshot, today);
        let labels: Vec<(&str, &str)> = glance
            .cards
            .iter()
            .map(|c| (c.label, c.value.as_str()))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("Domains", "1"),
                ("Teams", "1"),
                ("Applications", "2"),
                ("Topics", "1"),
                ("Events", "4"),
            ]
        );
        assert_eq!(glance.cards[4].hint, "3 deprecated");
        let names: Vec<&str> = glance
            .sunsets
            .iter()
            .map(|s| s.event.name.as_str())
            .collect();
        assert_eq!(names, vec!["Soon", "Late", "Undated"]);
        assert_eq!(glance.sunsets[0].when, "in 7 days");
        assert!(glance.sunsets[0].soon);
        assert!(!glance.sunsets[1].soon);
        assert_eq!(glance.sunsets[2].when, "no date set");
        assert_eq!(
            glance.sunsets[0]
                .replacement
                .as_ref()
                .map(|r| r.href.as_str()),
            Some("/ui/events/OrderPlaced")
        );
    }
}
