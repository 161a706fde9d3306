//! `/ui/teams` and `/ui/teams/{name}`: how to reach a team, who is in it and everything
//! it owns.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::model::{EntityKind, Team};
use crate::catalog::snapshot::Snapshot;
use crate::portal::extract::{PortalPath, PortalQuery};
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::filters::{Filters, ListParams};
use super::list::List;
use super::view::{self, EntityLink, TagLink};
use super::{entity_name, not_found, snapshot};

#[derive(Template)]
#[template(path = "catalog/teams.html")]
pub struct TeamsPage {
    chrome: Chrome,
    list: List<TeamRow>,
}

pub struct TeamRow {
    link: EntityLink,
    email: Option<(String, Option<String>)>,
    chat: Option<String>,
    members: usize,
    owns: usize,
    tags: Vec<TagLink>,
}

fn email(text: Option<&str>) -> Option<(String, Option<String>)> {
    text.map(|e| (e.to_owned(), view::mailto(e)))
}

pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<TeamsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let snapshot = snapshot(&catalog).await?;
    let counts = snapshot.owned_counts();
    let list = List::build(
        filters,
        snapshot.teams.values(),
        |filters, t| {
            let members = t.members.join(" ");
            filters.matches_text(&[
                Some(t.name.as_str()),
                t.title.as_deref(),
                t.description.as_deref(),
                t.email.as_deref(),
                Some(members.as_str()),
            ]) && filters.matches_tags(&t.tags)
        },
        |team| TeamRow {
            link: EntityLink::new(EntityKind::Team, &team.name, team.title.as_deref()),
            email: email(team.email.as_deref()),
            chat: team.chat.clone(),
            members: team.members.len(),
            owns: counts.get(&team.name).copied().unwrap_or(0),
            tags: TagLink::for_kind(EntityKind::Team, &team.tags),
        },
    );
    Ok(ok(TeamsPage {
        chrome: list.chrome(Section::Teams),
        list,
    }))
}

#[derive(Template)]
#[template(path = "catalog/team.html")]
pub struct TeamPage {
    chrome: Chrome,
    name: String,
    title: String,
    description: Option<String>,
    tags: Vec<TagLink>,
    email: Option<(String, Option<String>)>,
    chat: Option<String>,
    /// The team's page elsewhere, and whether it may be a link.
    url: Option<(String, Option<String>)>,
    members: Vec<String>,
    metadata: Vec<(String, String)>,
    updated: Option<String>,
    /// What the team owns, kind by kind: (heading, id, links).
    owned: Vec<OwnedGroup>,
    owned_total: usize,
    api_href: String,
}

pub struct OwnedGroup {
    pub heading: &'static str,
    pub id: &'static str,
    pub links: Vec<EntityLink>,
}

pub async fn page(
    State(catalog): State<Arc<Catalog>>,
    PortalPath(name): PortalPath<String>,
) -> Result<Page<TeamPage>, PortalError> {
    let key = entity_name(EntityKind::Team, &name)?;
    let snapshot = snapshot(&catalog).await?;
    let Some(team) = snapshot.teams.get(&key) else {
        return Err(not_found(EntityKind::Team, &name));
    };
    Ok(ok(TeamPage::new(&snapshot, team)))
}

impl TeamPage {
    fn new(snapshot: &Snapshot, team: &Team) -> Self {
        let owned = snapshot.owned_by(&team.name);
        let group = |kind: EntityKind, heading: &'static str, id: &'static str| OwnedGroup {
            heading,
            id,
            links: owned
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(k, name)| EntityLink::of(snapshot, *k, name))
                .collect(),
        };
        let owned_groups = vec![
            group(EntityKind::Domain, "Domains", "owns-domains"),
            group(EntityKind::Application, "Applications", "owns-applications"),
            group(EntityKind::Topic, "Topics", "owns-topics"),
            group(EntityKind::Event, "Events", "owns-events"),
        ];
        Self {
            chrome: Chrome::new(format!("Team {}", team.name), Section::Teams)
                .crumb("Teams", view::list_href(EntityKind::Team))
                .here(team.name.to_string()),
            name: team.name.to_string(),
            title: team.title.clone().unwrap_or_else(|| team.name.to_string()),
            description: view::description(team.description.as_deref()),
            tags: TagLink::for_kind(EntityKind::Team, &team.tags),
            email: email(team.email.as_deref()),
            chat: team.chat.clone(),
            url: team
                .url
                .as_deref()
                .map(|u| (view::url_text(u), view::safe_url(Some(u)))),
            members: team.members.clone(),
            metadata: view::metadata_rows(&team.metadata),
            updated: snapshot
                .stamp(EntityKind::Team, &team.name)
                .map(|s| links::display_time(&s.updated_at)),
            owned_total: owned.len(),
            owned: owned_groups,
            api_href: view::api_href(EntityKind::Team, team.name.as_str()),
        }
    }
}
