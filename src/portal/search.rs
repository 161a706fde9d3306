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
    /// Catalog hits: domains, teams, applications, topics, events.
    catalog: Vec<SearchHit>,
    /// Schema fields (of each subject's latest version) whose path, doc or tags match.
    fields: Vec<FieldHit>,
    /// Field hits in all, before the cut.
    field_total: usize,
}

pub struct SearchHit {
    /// What kind of entity: "topic", "application", "event"...
    pub kind: String,
    pub name: String,
    pub href: String,
    pub summary: String,
}

pub struct FieldHit {
    pub path: String,
    pub type_name: String,
    pub subject: String,
    pub version_href: String,
    pub version: i32,
    pub tags: Vec<String>,
    /// Applications reading the subject, with their pages.
    pub readers: Vec<(String, String)>,
}

/// Most catalog and field hits shown.
const MAX_HITS: usize = 100;

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
    let viewer = super::sight::viewer()?;
    let (subjects, subject_total) = if query.is_empty() {
        (Vec::new(), 0)
    } else {
        let listing = state
            .registry
            .browse_subjects(&SubjectQuery {
                name: query.clone(),
                schema_type: None,
                compatibility: None,
                only: super::sight::readable_subjects(&state.registry, &viewer).await?,
                page: 1,
                page_size: PAGE_SIZE,
            })
            .await?;
        (
            listing.rows.iter().map(SubjectRow::of).collect(),
            listing.total,
        )
    };
    let (catalog, fields, field_total) = catalog_hits(&state, &viewer, &query).await?;
    Ok(ok(SearchPage {
        chrome,
        more_href: (subject_total > i64::from(PAGE_SIZE))
            .then(|| format!("{}{}", links::subjects(), links::query(&[("name", &query)]))),
        query,
        subjects,
        subject_total,
        catalog,
        fields,
        field_total,
    }))
}

/// Entity and field hits of the catalog's search (subjects are listed from the registry).
async fn catalog_hits(
    state: &PortalState,
    viewer: &crate::access::Viewer,
    query: &str,
) -> Result<(Vec<SearchHit>, Vec<FieldHit>, usize), PortalError> {
    if query.is_empty() {
        return Ok((Vec::new(), Vec::new(), 0));
    }
    let results = state
        .catalog
        .search(query, crate::catalog::search::MAX_HITS, viewer)
        .await
        .map_err(super::catalog::failed)?;
    let mut entities = Vec::new();
    let mut fields = Vec::new();
    for hit in results.hits {
        match hit.kind.as_str() {
            "subject" => {}
            "field" => {
                let (Some(subject), Some(version)) = (hit.subject.clone(), hit.version) else {
                    continue;
                };
                fields.push(FieldHit {
                    version_href: links::version(&subject, version),
                    path: hit.name,
                    type_name: hit.title.unwrap_or_default(),
                    subject,
                    version,
                    tags: hit.tags,
                    readers: hit
                        .readers
                        .into_iter()
                        .map(|app| (format!("/ui/applications/{app}"), app))
                        .collect(),
                });
            }
            kind => entities.push(SearchHit {
                href: format!("/ui/{kind}s/{}", hit.name),
                kind: kind.to_owned(),
                summary: hit.title.or(hit.snippet).unwrap_or_default(),
                name: hit.name,
            }),
        }
    }
    let field_total = fields.len();
    entities.truncate(MAX_HITS);
    fields.truncate(MAX_HITS);
    Ok((entities, fields, field_total))
}
