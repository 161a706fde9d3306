//! `/ui/topics` (filtered by text, tag, domain and owner) and `/ui/topics/{name}`: a
//! topic with its subjects, events, producers, consumers and flow graph.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::live::{LiveSubject, ResolvedSides};
use crate::catalog::model::{EntityKind, EntityName, SubjectStrategy, Topic};
use crate::catalog::snapshot::Snapshot;
use crate::portal::extract::{PortalPath, PortalQuery};
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::diagrams::{self, GraphView};
use super::filters::{Filters, ListParams};
use super::list::{List, domain_and_owner_options};
use super::resolve::EdgeRow;
use super::view::{self, EntityLink, LifecycleBadge, SelectOption, TagLink};
use super::{entity_name, failed, not_found, snapshot};

#[derive(Template)]
#[template(path = "catalog/topics.html")]
pub struct TopicsPage {
    chrome: Chrome,
    list: List<TopicRow>,
    domains: Vec<SelectOption>,
    owners: Vec<SelectOption>,
}

pub struct TopicRow {
    link: EntityLink,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    producers: usize,
    consumers: usize,
    tags: Vec<TagLink>,
}

pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<TopicsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let snapshot = snapshot(&catalog).await?;
    let counts = snapshot.topic_usage_counts();
    let (domains, owners) = domain_and_owner_options(&snapshot, &filters);
    let list = List::build(
        filters,
        snapshot.topics.values(),
        |filters, t| {
            filters.matches_text(&[
                Some(t.name.as_str()),
                t.title.as_deref(),
                t.description.as_deref(),
            ]) && filters.matches_tags(&t.tags)
                && filters.matches_domain(t.domain.as_ref().map(EntityName::as_str))
                && filters.matches_owner(t.owner.as_ref().map(EntityName::as_str))
        },
        |topic| {
            let (producers, consumers) = counts.get(&topic.name).copied().unwrap_or((0, 0));
            TopicRow {
                link: EntityLink::new(EntityKind::Topic, &topic.name, topic.title.as_deref()),
                domain: EntityLink::maybe(&snapshot, EntityKind::Domain, topic.domain.as_ref()),
                owner: EntityLink::maybe(&snapshot, EntityKind::Team, topic.owner.as_ref()),
                producers,
                consumers,
                tags: TagLink::for_kind(EntityKind::Topic, &topic.tags),
            }
        },
    );
    Ok(ok(TopicsPage {
        chrome: list.chrome(Section::Topics),
        list,
        domains,
        owners,
    }))
}

#[derive(Template)]
#[template(path = "catalog/topic.html")]
pub struct TopicPage {
    chrome: Chrome,
    name: String,
    title: String,
    description: Option<String>,
    tags: Vec<TagLink>,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    strategy: &'static str,
    strategy_note: &'static str,
    metadata: Vec<(String, String)>,
    updated: Option<String>,
    subjects: Vec<SubjectRow>,
    events: Vec<EventRow>,
    producers: Vec<EdgeRow>,
    consumers: Vec<EdgeRow>,
    graph: GraphView,
    api: Vec<(String, String)>,
    api_href: String,
    /// Declared against observed readers of its subjects.
    observed: Vec<crate::portal::usage::ObservedPanel>,
}

pub struct SubjectRow {
    subject: String,
    href: String,
    part: &'static str,
    event: Option<EntityLink>,
    /// The newest live version, if registered.
    latest: Option<(i32, String)>,
    live_versions: usize,
}

pub struct EventRow {
    link: EntityLink,
    kind: &'static str,
    lifecycle: LifecycleBadge,
    subject: Option<(String, String)>,
}

pub async fn page(
    State(catalog): State<Arc<Catalog>>,
    axum::Extension(usage): axum::Extension<Arc<crate::usage::Usage>>,
    PortalPath(name): PortalPath<String>,
) -> Result<Page<TopicPage>, PortalError> {
    let key = entity_name(EntityKind::Topic, &name)?;
    let snapshot = snapshot(&catalog).await?;
    let Some(topic) = snapshot.topics.get(&key) else {
        return Err(not_found(EntityKind::Topic, &name));
    };
    let mut live = catalog.live_versions();
    let subjects = live
        .topic_subjects(&snapshot, topic)
        .await
        .map_err(failed)?;
    let sides = live
        .resolve_sides(&snapshot, snapshot.topic_edges(&topic.name))
        .await
        .map_err(failed)?;
    // The subjects the registry holds: a key subject the strategy names but nobody
    // registered has no page to link.
    let names: Vec<String> = subjects
        .iter()
        .filter(|s| !s.live.is_empty())
        .map(|s| s.subject.subject.clone())
        .collect();
    let observed = crate::portal::usage::panels(&usage, &names).await?;
    // The graph draws the readers seen but not declared, dotted.
    let seen: Vec<diagrams::ObservedReader> = observed
        .iter()
        .flat_map(|panel| &panel.undeclared)
        .map(|row| diagrams::ObservedReader {
            label: row.reader.clone(),
            application: row
                .application
                .as_deref()
                .and_then(|app| EntityName::parse(app).ok()),
        })
        .collect();
    let mut page = TopicPage::new(&snapshot, topic, subjects, &sides, &seen);
    page.observed = observed;
    Ok(ok(page))
}

impl TopicPage {
    fn new(
        snapshot: &Snapshot,
        topic: &Topic,
        subjects: Vec<LiveSubject>,
        sides: &ResolvedSides<'_>,
        seen: &[diagrams::ObservedReader],
    ) -> Self {
        let subjects = subjects
            .into_iter()
            .filter(|s| crate::portal::sight::may_read_subject(&s.subject.subject))
            .map(|s| SubjectRow::of(snapshot, s))
            .collect();
        let events = snapshot
            .events_on_topic(&topic.name)
            .into_iter()
            .map(|event| EventRow {
                link: EntityLink::new(EntityKind::Event, &event.name, event.title.as_deref()),
                kind: event.kind.as_str(),
                lifecycle: LifecycleBadge::of(event.lifecycle),
                subject: event
                    .subject
                    .as_ref()
                    .map(|s| (s.clone(), links::subject(s))),
            })
            .collect();
        let (strategy, strategy_note) = match topic.subject_strategy {
            SubjectStrategy::Topic => (
                "topic",
                "One key and one value subject named after the topic.",
            ),
            SubjectStrategy::Record => (
                "record",
                "One subject per record type, named by the record's full name.",
            ),
            SubjectStrategy::TopicRecord => (
                "topic-record",
                "One subject per record type, named <topic>-<record full name>.",
            ),
        };
        let api_href = view::api_href(EntityKind::Topic, topic.name.as_str());
        let api = ["producers", "consumers", "events", "subjects"]
            .iter()
            .map(|relation| (format!("{api_href}/{relation}"), (*relation).to_owned()))
            .collect();
        let title = topic
            .title
            .clone()
            .unwrap_or_else(|| topic.name.to_string());
        Self {
            observed: Vec::new(),
            chrome: Chrome::new(format!("Topic {}", topic.name), Section::Topics)
                .crumb("Topics", view::list_href(EntityKind::Topic))
                .here(topic.name.to_string()),
            name: topic.name.to_string(),
            description: view::description(topic.description.as_deref()),
            tags: TagLink::for_kind(EntityKind::Topic, &topic.tags),
            domain: EntityLink::maybe(snapshot, EntityKind::Domain, topic.domain.as_ref()),
            owner: EntityLink::maybe(snapshot, EntityKind::Team, topic.owner.as_ref()),
            strategy,
            strategy_note,
            metadata: view::metadata_rows(&topic.metadata),
            updated: snapshot
                .stamp(EntityKind::Topic, &topic.name)
                .map(|s| links::display_time(&s.updated_at)),
            subjects,
            events,
            producers: EdgeRow::all(snapshot, &sides.producers),
            consumers: EdgeRow::all(snapshot, &sides.consumers),
            graph: GraphView::of(&diagrams::topic_flow(snapshot, topic, seen), None),
            api,
            api_href,
            title,
        }
    }
}

impl SubjectRow {
    fn of(snapshot: &Snapshot, live: LiveSubject) -> Self {
        let s = live.subject;
        let versions = live.live;
        let event = s
            .event
            .as_deref()
            .and_then(|e| EntityName::parse(e).ok())
            .map(|e| EntityLink::of(snapshot, EntityKind::Event, &e));
        Self {
            href: links::subject(&s.subject),
            latest: versions
                .last()
                .map(|v| (*v, links::version(&s.subject, *v))),
            live_versions: versions.len(),
            part: s.part,
            event,
            subject: s.subject,
        }
    }
}
