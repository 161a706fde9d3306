//! `/ui/domains` and `/ui/domains/{name}`: a domain's owner, its applications, topics and
//! events, and a map of how they connect.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::model::{Domain, EntityKind, EntityName};
use crate::catalog::snapshot::Snapshot;
use crate::portal::extract::{PortalPath, PortalQuery};
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::diagrams::{self, GraphView};
use super::filters::{Filters, ListParams};
use super::list::{List, domain_and_owner_options};
use super::view::{self, EntityLink, LifecycleBadge, SelectOption, TagLink};
use super::{entity_name, not_found, snapshot};

#[derive(Template)]
#[template(path = "catalog/domains.html")]
pub struct DomainsPage {
    chrome: Chrome,
    list: List<DomainRow>,
    owners: Vec<SelectOption>,
}

pub struct DomainRow {
    link: EntityLink,
    owner: Option<EntityLink>,
    applications: usize,
    topics: usize,
    events: usize,
    tags: Vec<TagLink>,
}

pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<DomainsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let snapshot = snapshot(&catalog).await?;
    let counts = snapshot.domain_member_counts();
    let (_, owners) = domain_and_owner_options(&snapshot, &filters);
    let list = List::build(
        filters,
        snapshot.domains.values(),
        |filters, d| {
            filters.matches_text(&[
                Some(d.name.as_str()),
                d.title.as_deref(),
                d.description.as_deref(),
            ]) && filters.matches_tags(&d.tags)
                && filters.matches_owner(d.owner.as_ref().map(EntityName::as_str))
        },
        |domain| {
            let members = counts.get(&domain.name).copied().unwrap_or_default();
            DomainRow {
                link: EntityLink::new(EntityKind::Domain, &domain.name, domain.title.as_deref()),
                owner: EntityLink::maybe(&snapshot, EntityKind::Team, domain.owner.as_ref()),
                applications: members.applications,
                topics: members.topics,
                events: members.events,
                tags: TagLink::for_kind(EntityKind::Domain, &domain.tags),
            }
        },
    );
    Ok(ok(DomainsPage {
        chrome: list.chrome(Section::Domains),
        list,
        owners,
    }))
}

#[derive(Template)]
#[template(path = "catalog/domain.html")]
pub struct DomainPage {
    chrome: Chrome,
    name: String,
    title: String,
    description: Option<String>,
    tags: Vec<TagLink>,
    owner: Option<EntityLink>,
    metadata: Vec<(String, String)>,
    updated: Option<String>,
    applications: Vec<Member>,
    topics: Vec<Member>,
    events: Vec<Member>,
    graph: GraphView,
    api_href: String,
}

/// An entity of the domain, with what distinguishes it in a list.
pub struct Member {
    pub link: EntityLink,
    pub lifecycle: Option<LifecycleBadge>,
    pub note: Option<String>,
}

pub async fn page(
    State(catalog): State<Arc<Catalog>>,
    PortalPath(name): PortalPath<String>,
) -> Result<Page<DomainPage>, PortalError> {
    let key = entity_name(EntityKind::Domain, &name)?;
    let snapshot = snapshot(&catalog).await?;
    let Some(domain) = snapshot.domains.get(&key) else {
        return Err(not_found(EntityKind::Domain, &name));
    };
    Ok(ok(DomainPage::new(&snapshot, domain)))
}

impl DomainPage {
    fn new(snapshot: &Snapshot, domain: &Domain) -> Self {
        let members = snapshot.members_of(&domain.name);
        let applications = members
            .applications
            .iter()
            .map(|a| Member {
                link: EntityLink::new(EntityKind::Application, &a.name, a.title.as_deref()),
                lifecycle: Some(LifecycleBadge::of(a.lifecycle)).filter(|l| l.notable),
                note: None,
            })
            .collect();
        let topics = members
            .topics
            .iter()
            .map(|t| Member {
                link: EntityLink::new(EntityKind::Topic, &t.name, t.title.as_deref()),
                lifecycle: None,
                note: None,
            })
            .collect();
        let events = members
            .events
            .iter()
            .map(|e| Member {
                link: EntityLink::new(EntityKind::Event, &e.name, e.title.as_deref()),
                lifecycle: Some(LifecycleBadge::of(e.lifecycle)).filter(|l| l.notable),
                note: Some(e.kind.as_str().to_owned()).filter(|k| k != "event"),
            })
            .collect();
        Self {
            chrome: Chrome::new(format!("Domain {}", domain.name), Section::Domains)
                .crumb("Domains", view::list_href(EntityKind::Domain))
                .here(domain.name.to_string()),
            name: domain.name.to_string(),
            title: domain
                .title
                .clone()
                .unwrap_or_else(|| domain.name.to_string()),
            description: view::description(domain.description.as_deref()),
            tags: TagLink::for_kind(EntityKind::Domain, &domain.tags),
            owner: EntityLink::maybe(snapshot, EntityKind::Team, domain.owner.as_ref()),
            metadata: view::metadata_rows(&domain.metadata),
            updated: snapshot
                .stamp(EntityKind::Domain, &domain.name)
                .map(|s| links::display_time(&s.updated_at)),
            applications,
            topics,
            events,
            graph: GraphView::of(
                &diagrams::domain_map(snapshot, &domain.name),
                Some(
                    "Applications and topics of other domains appear where they connect to this one."
                        .to_owned(),
                ),
            ),
            api_href: view::api_href(EntityKind::Domain, domain.name.as_str()),
        }
    }
}
