//! What the five catalog lists share: the entities passing the filters as rows (at most
//! [`MAX_ROWS`]), how many matched, the tag choices, and the filter form's choices of domain
//! and owner. `templates/catalog/list.html` draws it.

use crate::catalog::model::{Application, Domain, EntityKind, Event, Team, Topic};
use crate::catalog::snapshot::Snapshot;
use crate::portal::layout::{Chrome, Section};

use super::filters::{Filters, MAX_ROWS, Tally, capitalized};
use super::view::{self, SelectOption};

/// An entity a catalog list shows.
pub trait Listed {
    const KIND: EntityKind;
    fn tags(&self) -> &Vec<String>;
}

impl Listed for Domain {
    const KIND: EntityKind = EntityKind::Domain;
    fn tags(&self) -> &Vec<String> {
        &self.tags
    }
}

impl Listed for Team {
    const KIND: EntityKind = EntityKind::Team;
    fn tags(&self) -> &Vec<String> {
        &self.tags
    }
}

impl Listed for Application {
    const KIND: EntityKind = EntityKind::Application;
    fn tags(&self) -> &Vec<String> {
        &self.tags
    }
}

impl Listed for Topic {
    const KIND: EntityKind = EntityKind::Topic;
    fn tags(&self) -> &Vec<String> {
        &self.tags
    }
}

impl Listed for Event {
    const KIND: EntityKind = EntityKind::Event;
    fn tags(&self) -> &Vec<String> {
        &self.tags
    }
}

/// One list page's filters and rows.
pub struct List<R> {
    pub kind: EntityKind,
    pub filters: Filters,
    /// Every tag the listed kind uses, for the filter form.
    pub tags: Vec<SelectOption>,
    pub rows: Vec<R>,
    pub tally: Tally,
    /// The unfiltered list: the form's action and its "Clear" link.
    pub clear_href: String,
}

impl<R> List<R> {
    /// The `entities` that `keep` lets through, each made a row by `row`.
    pub fn build<'a, T: Listed + 'a>(
        filters: Filters,
        entities: impl Iterator<Item = &'a T> + Clone,
        keep: impl Fn(&Filters, &T) -> bool,
        row: impl FnMut(&T) -> R,
    ) -> Self {
        let matching: Vec<&T> = entities.clone().filter(|e| keep(&filters, e)).collect();
        let rows: Vec<R> = matching.iter().copied().take(MAX_ROWS).map(row).collect();
        let kind = T::KIND;
        Self {
            kind,
            tags: tag_options(entities.map(T::tags), &filters),
            tally: Tally::new(
                matching.len(),
                rows.len(),
                kind.as_str(),
                kind.plural(),
                filters.any(),
            ),
            rows,
            clear_href: view::list_href(kind),
            filters,
        }
    }

    /// "Topics": the page's title and heading.
    pub fn heading(&self) -> String {
        capitalized(self.kind.plural())
    }

    /// The page chrome, titled and crumbed by the heading.
    pub fn chrome(&self, section: Section) -> Chrome {
        Chrome::new(self.heading(), section).here(self.heading())
    }
}

/// Domain and team choices for a list's filter form.
pub fn domain_and_owner_options(
    snapshot: &Snapshot,
    filters: &Filters,
) -> (Vec<SelectOption>, Vec<SelectOption>) {
    let domains = view::options(
        "Any domain",
        snapshot.domains.values().map(|d| {
            (
                d.name.to_string(),
                d.title.clone().unwrap_or_else(|| d.name.to_string()),
            )
        }),
        &filters.domain,
    );
    let owners = view::options(
        "Any owner",
        snapshot.teams.values().map(|t| {
            (
                t.name.to_string(),
                t.title.clone().unwrap_or_else(|| t.name.to_string()),
            )
        }),
        &filters.owner,
    );
    (domains, owners)
}

/// Tag choices: every tag the listed entities use.
pub fn tag_options<'a>(
    lists: impl Iterator<Item = &'a Vec<String>>,
    filters: &Filters,
) -> Vec<SelectOption> {
    let mut tags = view::all_tags(lists);
    if !filters.tag.is_empty() && !tags.iter().any(|t| t.eq_ignore_ascii_case(&filters.tag)) {
        tags.push(filters.tag.clone());
    }
    let current = tags
        .iter()
        .find(|t| t.eq_ignore_ascii_case(&filters.tag))
        .cloned()
        .unwrap_or_default();
    view::options(
        "Any tag",
        tags.into_iter().map(|t| (t.clone(), t)),
        &current,
    )
}
