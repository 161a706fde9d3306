//! `/ui/events` (filtered by text, lifecycle, kind, tag, domain and owner) and
//! `/ui/events/{name}`: an event with its lifecycle banner, the field tree of its latest
//! schema, and who produces and consumes it.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::live::ResolvedSides;
use crate::catalog::model::{EntityKind, EntityName, Event};
use crate::catalog::snapshot::Snapshot;
use crate::portal::extract::{PortalPath, PortalQuery};
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};
use crate::schema::fields::FieldInfo;

use super::filters::{Filters, ListParams, capitalized};
use super::list::{List, domain_and_owner_options};
use super::resolve::EdgeRow;
use super::view::{self, Banner, EntityLink, LifecycleBadge, SelectOption, TagLink};
use super::{entity_name, failed, not_found, snapshot};

/// Most field rows one page lists.
const MAX_FIELD_ROWS: usize = 2_000;

#[derive(Template)]
#[template(path = "catalog/events.html")]
pub struct EventsPage {
    chrome: Chrome,
    list: List<EventRow>,
    domains: Vec<SelectOption>,
    owners: Vec<SelectOption>,
    lifecycles: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
}

pub struct EventRow {
    link: EntityLink,
    kind: &'static str,
    lifecycle: LifecycleBadge,
    sunset: Option<String>,
    topic: Option<EntityLink>,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    tags: Vec<TagLink>,
}

impl EventRow {
    fn of(snapshot: &Snapshot, event: &Event) -> Self {
        Self {
            link: EntityLink::new(EntityKind::Event, &event.name, event.title.as_deref()),
            kind: event.kind.as_str(),
            lifecycle: LifecycleBadge::of(event.lifecycle),
            sunset: event.sunset.as_ref().map(|d| d.as_str().to_owned()),
            topic: EntityLink::maybe(snapshot, EntityKind::Topic, event.topic.as_ref()),
            domain: EntityLink::maybe(snapshot, EntityKind::Domain, event.domain.as_ref()),
            owner: EntityLink::maybe(snapshot, EntityKind::Team, event.owner.as_ref()),
            tags: TagLink::for_kind(EntityKind::Event, &event.tags),
        }
    }
}

pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<EventsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let snapshot = snapshot(&catalog).await?;
    let (domains, owners) = domain_and_owner_options(&snapshot, &filters);
    let lifecycles = filters.lifecycle_options();
    let kinds = filters.kind_options();
    let list = List::build(
        filters,
        snapshot.events.values(),
        |filters, e| {
            filters.matches_text(&[
                Some(e.name.as_str()),
                e.title.as_deref(),
                e.description.as_deref(),
                e.subject.as_deref(),
            ]) && filters.matches_tags(&e.tags)
                && filters.matches_domain(e.domain.as_ref().map(EntityName::as_str))
                && filters.matches_owner(e.owner.as_ref().map(EntityName::as_str))
                && filters.matches_lifecycle(e.lifecycle)
                && filters.matches_kind(e.kind)
        },
        |event| EventRow::of(&snapshot, event),
    );
    Ok(ok(EventsPage {
        chrome: list.chrome(Section::Events),
        list,
        domains,
        owners,
        lifecycles,
        kinds,
    }))
}

#[derive(Template)]
#[template(path = "catalog/event.html")]
pub struct EventPage {
    chrome: Chrome,
    name: String,
    title: String,
    kind: String,
    lifecycle: LifecycleBadge,
    banner: Option<Banner>,
    description: Option<String>,
    tags: Vec<TagLink>,
    topic: Option<EntityLink>,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    sunset: Option<String>,
    replaced_by: Option<EntityLink>,
    /// Events that name this one as their replacement.
    replaces: Vec<EntityLink>,
    metadata: Vec<(String, String)>,
    updated: Option<String>,
    schema: SchemaView,
    producers: Vec<EdgeRow>,
    consumers: Vec<EdgeRow>,
    api_href: String,
    /// Declared against observed readers of its subjects.
    observed: Vec<crate::portal::usage::ObservedPanel>,
}

/// The event's subject and the fields of its latest live version.
pub struct SchemaView {
    /// The subject name and its page.
    pub subject: Option<(String, String)>,
    /// The latest live version and its page; None when not registered.
    pub latest: Option<(i32, String)>,
    pub fields: Vec<FieldRow>,
    pub fields_hidden: usize,
}

pub struct FieldRow {
    pub name: String,
    pub path: String,
    /// `d0`..`d8`: indentation by depth.
    pub depth_class: String,
    pub type_name: String,
    pub doc: Option<String>,
    pub required: bool,
    pub tags: Vec<TagLink>,
}

impl FieldRow {
    fn of(field: &FieldInfo) -> Self {
        Self {
            name: field.name.clone(),
            path: field.path.clone(),
            depth_class: format!("d{}", field.depth.min(8)),
            type_name: field.type_name.clone(),
            doc: field.doc.clone(),
            required: field.required,
            tags: TagLink::for_fields(&field.tags),
        }
    }
}

pub async fn page(
    State(catalog): State<Arc<Catalog>>,
    axum::Extension(usage): axum::Extension<Arc<crate::usage::Usage>>,
    PortalPath(name): PortalPath<String>,
) -> Result<Page<EventPage>, PortalError> {
    let key = entity_name(EntityKind::Event, &name)?;
    let snapshot = snapshot(&catalog).await?;
    let Some(event) = snapshot.events.get(&key) else {
        return Err(not_found(EntityKind::Event, &name));
    };
    let schema = schema_view(&catalog, event).await?;
    let mut sides = catalog
        .live_versions()
        .resolve_sides(&snapshot, snapshot.event_edges(event))
        .await
        .map_err(failed)?;
    if let Some(subject) = &event.subject {
        sides.narrow_to(subject);
    }
    let names: Vec<String> = event.subject.iter().cloned().collect();
    let mut page = EventPage::new(&snapshot, event, schema, &sides);
    page.observed = crate::portal::usage::panels(&usage, &names).await?;
    Ok(ok(page))
}

impl EventPage {
    fn new(snapshot: &Snapshot, event: &Event, schema: SchemaView, sides: &ResolvedSides) -> Self {
        let replaced_by =
            EntityLink::maybe(snapshot, EntityKind::Event, event.replaced_by.as_ref());
        let sunset = event.sunset.as_ref().map(|d| d.as_str().to_owned());
        let replaces = snapshot
            .events_replaced_by(&event.name)
            .into_iter()
            .map(|e| EntityLink::new(EntityKind::Event, &e.name, e.title.as_deref()))
            .collect();
        Self {
            observed: Vec::new(),
            chrome: Chrome::new(format!("Event {}", event.name), Section::Events)
                .crumb("Events", view::list_href(EntityKind::Event))
                .here(event.name.to_string()),
            name: event.name.to_string(),
            title: event
                .title
                .clone()
                .unwrap_or_else(|| event.name.to_string()),
            kind: capitalized(event.kind.as_str()),
            lifecycle: LifecycleBadge::of(event.lifecycle),
            banner: Banner::of(event.lifecycle, sunset.clone(), replaced_by.clone()),
            description: view::description(event.description.as_deref()),
            tags: TagLink::for_kind(EntityKind::Event, &event.tags),
            topic: EntityLink::maybe(snapshot, EntityKind::Topic, event.topic.as_ref()),
            domain: EntityLink::maybe(snapshot, EntityKind::Domain, event.domain.as_ref()),
            owner: EntityLink::maybe(snapshot, EntityKind::Team, event.owner.as_ref()),
            sunset,
            replaced_by,
            replaces,
            metadata: view::metadata_rows(&event.metadata),
            updated: snapshot
                .stamp(EntityKind::Event, &event.name)
                .map(|s| links::display_time(&s.updated_at)),
            schema,
            producers: EdgeRow::all(snapshot, &sides.producers),
            consumers: EdgeRow::all(snapshot, &sides.consumers),
            api_href: view::api_href(EntityKind::Event, event.name.as_str()),
        }
    }
}

/// The subject's latest live version and its fields (memoised per schema id).
async fn schema_view(catalog: &Catalog, event: &Event) -> Result<SchemaView, PortalError> {
    let Some(subject) = &event.subject else {
        return Ok(SchemaView {
            subject: None,
            latest: None,
            fields: Vec::new(),
            fields_hidden: 0,
        });
    };
    let latest = catalog.latest_fields(subject).await.map_err(failed)?;
    let fields = latest
        .as_ref()
        .map(|l| l.fields.clone())
        .unwrap_or_default();
    Ok(SchemaView {
        subject: Some((subject.clone(), links::subject(subject))),
        latest: latest.map(|l| (l.version, links::version(subject, l.version))),
        fields: fields
            .iter()
            .take(MAX_FIELD_ROWS)
            .map(FieldRow::of)
            .collect(),
        fields_hidden: fields.len().saturating_sub(MAX_FIELD_ROWS),
    })
}
