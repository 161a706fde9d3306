//! `/ui/applications` (filtered by text, tag, domain, owner and lifecycle) and
//! `/ui/applications/{name}`: what an application produces and consumes, its
//! neighbourhood graph and its AsyncAPI document.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::live::ResolvedSides;
use crate::catalog::model::{Application, EntityKind, EntityName};
use crate::catalog::snapshot::Snapshot;
use crate::portal::extract::{PortalPath, PortalQuery};
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::diagrams::{self, GraphView};
use super::filters::{Filters, ListParams};
use super::list::{List, domain_and_owner_options};
use super::resolve::EdgeRow;
use super::view::{self, Banner, EntityLink, LifecycleBadge, SelectOption, TagLink};
use super::{entity_name, failed, not_found, snapshot};

#[derive(Template)]
#[template(path = "catalog/applications.html")]
pub struct ApplicationsPage {
    chrome: Chrome,
    list: List<ApplicationRow>,
    domains: Vec<SelectOption>,
    owners: Vec<SelectOption>,
    lifecycles: Vec<SelectOption>,
}

pub struct ApplicationRow {
    link: EntityLink,
    lifecycle: LifecycleBadge,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    produces: usize,
    consumes: usize,
    tags: Vec<TagLink>,
}

pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<ApplicationsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let snapshot = snapshot(&catalog).await?;
    let (domains, owners) = domain_and_owner_options(&snapshot, &filters);
    let lifecycles = filters.lifecycle_options();
    let list = List::build(
        filters,
        snapshot.applications.values(),
        |filters, a| {
            filters.matches_text(&[
                Some(a.name.as_str()),
                a.title.as_deref(),
                a.description.as_deref(),
            ]) && filters.matches_tags(&a.tags)
                && filters.matches_domain(a.domain.as_ref().map(EntityName::as_str))
                && filters.matches_owner(a.owner.as_ref().map(EntityName::as_str))
                && filters.matches_lifecycle(a.lifecycle)
        },
        |app| ApplicationRow {
            link: EntityLink::new(EntityKind::Application, &app.name, app.title.as_deref()),
            lifecycle: LifecycleBadge::of(app.lifecycle),
            domain: EntityLink::maybe(&snapshot, EntityKind::Domain, app.domain.as_ref()),
            owner: EntityLink::maybe(&snapshot, EntityKind::Team, app.owner.as_ref()),
            produces: app.produces.len(),
            consumes: app.consumes.len(),
            tags: TagLink::for_kind(EntityKind::Application, &app.tags),
        },
    );
    Ok(ok(ApplicationsPage {
        chrome: list.chrome(Section::Applications),
        list,
        domains,
        owners,
        lifecycles,
    }))
}

#[derive(Template)]
#[template(path = "catalog/application.html")]
pub struct ApplicationPage {
    chrome: Chrome,
    name: String,
    title: String,
    lifecycle: LifecycleBadge,
    banner: Option<Banner>,
    description: Option<String>,
    tags: Vec<TagLink>,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    /// The repository as text, and as a link when its URL is a plain web address.
    repository: Option<(String, Option<String>)>,
    metadata: Vec<(String, String)>,
    updated: Option<String>,
    produces: Vec<EdgeRow>,
    consumes: Vec<EdgeRow>,
    graph: GraphView,
    asyncapi_yaml: String,
    asyncapi_json: String,
    api_href: String,
    /// Declared against observed readers of its subjects.
    observed: Vec<crate::portal::usage::ObservedPanel>,
}

pub async fn page(
    State(catalog): State<Arc<Catalog>>,
    axum::Extension(usage): axum::Extension<Arc<crate::usage::Usage>>,
    PortalPath(name): PortalPath<String>,
) -> Result<Page<ApplicationPage>, PortalError> {
    let key = entity_name(EntityKind::Application, &name)?;
    let snapshot = snapshot(&catalog).await?;
    let Some(app) = snapshot.applications.get(&key) else {
        return Err(not_found(EntityKind::Application, &name));
    };
    let sides = catalog
        .live_versions()
        .resolve_sides(&snapshot, snapshot.application_edges(&app.name))
        .await
        .map_err(failed)?;
    let mut page = ApplicationPage::new(&snapshot, app, &sides);
    page.observed = crate::portal::usage::application_panels(&usage, &app.name).await?;
    Ok(ok(page))
}

impl ApplicationPage {
    fn new(snapshot: &Snapshot, app: &Application, sides: &ResolvedSides<'_>) -> Self {
        let drawn = diagrams::application_neighbourhood(snapshot, app);
        let note = drawn.trimmed.then(|| {
            "The other applications on these topics are left out to keep the graph legible."
                .to_owned()
        });
        let api_href = view::api_href(EntityKind::Application, app.name.as_str());
        Self {
            observed: Vec::new(),
            chrome: Chrome::new(format!("Application {}", app.name), Section::Applications)
                .crumb("Applications", view::list_href(EntityKind::Application))
                .here(app.name.to_string()),
            name: app.name.to_string(),
            title: app.title.clone().unwrap_or_else(|| app.name.to_string()),
            lifecycle: LifecycleBadge::of(app.lifecycle),
            banner: Banner::of(app.lifecycle, None, None),
            description: view::description(app.description.as_deref()),
            tags: TagLink::for_kind(EntityKind::Application, &app.tags),
            domain: EntityLink::maybe(snapshot, EntityKind::Domain, app.domain.as_ref()),
            owner: EntityLink::maybe(snapshot, EntityKind::Team, app.owner.as_ref()),
            repository: app
                .repository
                .as_deref()
                .map(|r| (view::url_text(r), view::safe_url(Some(r)))),
            metadata: view::metadata_rows(&app.metadata),
            updated: snapshot
                .stamp(EntityKind::Application, &app.name)
                .map(|s| links::display_time(&s.updated_at)),
            produces: EdgeRow::all(snapshot, &sides.producers),
            consumes: EdgeRow::all(snapshot, &sides.consumers),
            graph: GraphView::of(&drawn.graph, note),
            asyncapi_yaml: format!("{api_href}/asyncapi?format=yaml"),
            asyncapi_json: format!("{api_href}/asyncapi?format=json"),
            api_href,
        }
    }
}
