//! `/ui/search?q=`: subjects whose name contains the text. The event catalog adds its own
//! hits (topics, applications, events...) to [`SearchPage::catalog`].

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use super::extract::PortalQuery;
use super::layout::{Chrome, Section};
use super::subjects::{PAGE_SIZE, SubjectRow};
use super::{Page, PortalError, PortalState, links, ok};
use crate::registry::browse::SubjectQuery;

/// Longest query accepted.
const MAX_QUERY: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    chrome: Chrome,
    query: String,
    subjects: Vec<SubjectRow>,
    subject_total: i64,
    /// The full, paged subject list filtered the same way, when there are more hits.
    more_href: Option<String>,
    /// Catalog hits, filled by the event catalog.
    catalog: Vec<SearchHit>,
}

pub struct SearchHit {
    /// What kind of entity: "Topic", "Application", "Event"...
    pub kind: String,
    pub name: String,
    pub href: String,
    pub summary: String,
}

pub async fn page(
    State(state): State<PortalState>,
    PortalQuery(params): PortalQuery<SearchParams>,
) -> Result<Page<SearchPage>, PortalError> {
    let query = params.q.trim().to_string();
    if query.chars().count() > MAX_QUERY {
        return Err(PortalError::BadRequest(format!(
            "The search text is longer than {MAX_QUERY} characters."
        )));
    }
    let mut chrome = Chrome::new("Search", Section::Search)
        .crumb("Home", links::home())
        .here("Search");
    chrome.search = query.clone();
    let (subjects, subject_total) = if query.is_empty() {
        (Vec::new(), 0)
    } else {
        let listing = state
            .registry
            .browse_subjects(&SubjectQuery {
                name: query.clone(),
                schema_type: None,
                compatibility: None,
                page: 1,
                page_size: PAGE_SIZE,
            })
            .await?;
        (
            listing.rows.iter().map(SubjectRow::of).collect(),
            listing.total,
        )
    };
    Ok(ok(SearchPage {
        chrome,
        more_href: (subject_total > i64::from(PAGE_SIZE))
            .then(|| format!("{}{}", links::subjects(), links::query(&[("name", &query)]))),
        query,
        subjects,
        subject_total,
        catalog: Vec::new(),
    }))
}
