//! `/ui/topics` (filtered by text, tag, domain and owner) and `/ui/topics/{name}`: a
//! topic with its subjects, events, producers, consumers and flow graph.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use crate::catalog::Catalog;
use crate::catalog::model::{EntityKind, EntityName, SubjectStrategy};
use crate::catalog::snapshot::{Role, Snapshot};
use crate::portal::extract::{PortalPath, PortalQuery};
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::filters::{Filters, ListParams, MAX_ROWS, Tally};
use super::graphs::{self, GraphView};
use super::resolve::{EdgeRow, LiveVersions};
use super::view::{self, EntityLink, LifecycleBadge, SelectOption, TagLink};
use super::{entity_name, not_found, snapshot};

#[derive(Template)]
#[template(path = "catalog/topics.html")]
pub struct TopicsPage {
    chrome: Chrome,
    filters: Filters,
    tags: Vec<SelectOption>,
    domains: Vec<SelectOption>,
    owners: Vec<SelectOption>,
    rows: Vec<TopicRow>,
    tally: Tally,
    clear_href: String,
}

pub struct TopicRow {
    link: EntityLink,
    domain: Option<EntityLink>,
    owner: Option<EntityLink>,
    producers: usize,
    consumers: usize,
    tags: Vec<TagLink>,
}

/// How many distinct applications produce and consume each topic, in one pass.
pub fn usage_counts(snapshot: &Snapshot) -> HashMap<&EntityName, (usize, usize)> {
    let mut apps: HashMap<&EntityName, (BTreeSet<&EntityName>, BTreeSet<&EntityName>)> =
        HashMap::new();
    for edge in snapshot.edges() {
        if let Some(topic) = snapshot.edge_topic(edge.target) {
            let (producers, consumers) = apps.entry(topic).or_default();
            match edge.role {
                Role::Produces => producers.insert(&edge.application.name),
                Role::Consumes => consumers.insert(&edge.application.name),
            };
        }
    }
    apps.into_iter()
        .map(|(topic, (p, c))| (topic, (p.len(), c.len())))
        .collect()
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

pub async fn list(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<TopicsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let snapshot = snapshot(&catalog).await?;
    let counts = usage_counts(&snapshot);
    let matching: Vec<_> = snapshot
        .topics
        .values()
        .filter(|t| {
            filters.matches_text(&[
                Some(t.name.as_str()),
                t.title.as_deref(),
                t.description.as_deref(),
            ]) && filters.matches_tags(&t.tags)
                && filters.matches_domain(t.domain.as_ref().map(EntityName::as_str))
                && filters.matches_owner(t.owner.as_ref().map(EntityName::as_str))
        })
        .collect();
    let rows: Vec<TopicRow> = matching
        .iter()
        .take(MAX_ROWS)
        .map(|topic| {
            let (producers, consumers) = counts.get(&topic.name).copied().unwrap_or((0, 0));
            TopicRow {
                link: EntityLink::new(EntityKind::Topic, &topic.name, topic.title.as_deref()),
                domain: EntityLink::maybe(&snapshot, EntityKind::Domain, topic.domain.as_ref()),
                owner: EntityLink::maybe(&snapshot, EntityKind::Team, topic.owner.as_ref()),
                producers,
                consumers,
                tags: TagLink::for_kind(EntityKind::Topic, &topic.tags),
            }
        })
        .collect();
    let tally = Tally::new(matching.len(), rows.len(), "topic", "topics", filters.any());
    let (domains, owners) = domain_and_owner_options(&snapshot, &filters);
    Ok(ok(TopicsPage {
        chrome: Chrome::new("Topics", Section::Topics).here("Topics"),
        tags: tag_options(snapshot.topics.values().map(|t| &t.tags), &filters),
        domains,
        owners,
        rows,
        tally,
        clear_href: view::list_href(EntityKind::Topic),
        filters,
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
    PortalPath(name): PortalPath<String>,
) -> Result<Page<TopicPage>, PortalError> {
    let key = entity_name(EntityKind::Topic, &name)?;
    let snapshot = snapshot(&catalog).await?;
    let Some(topic) = snapshot.topics.get(&key) else {
        return Err(not_found(EntityKind::Topic, &name));
    };
    let mut live = LiveVersions::new(catalog.registry().store());

    let mut subjects = Vec::new();
    for s in snapshot.topic_subjects(topic) {
        let versions = live.of(&s.subject).await?;
        let event = s
            .event
            .as_deref()
            .and_then(|e| EntityName::parse(e).ok())
            .map(|e| EntityLink::of(&snapshot, EntityKind::Event, &e));
        subjects.push(SubjectRow {
            href: links::subject(&s.subject),
            latest: versions
                .last()
                .map(|v| (*v, links::version(&s.subject, *v))),
            live_versions: versions.len(),
            part: s.part,
            event,
            subject: s.subject,
        });
    }

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

    let edges = snapshot.topic_edges(&topic.name);
    let (produced, consumed): (Vec<_>, Vec<_>) =
        edges.into_iter().partition(|e| e.role == Role::Produces);
    let producers = EdgeRow::all(&snapshot, &produced, &mut live).await?;
    let consumers = EdgeRow::all(&snapshot, &consumed, &mut live).await?;

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
    Ok(ok(TopicPage {
        chrome: Chrome::new(format!("Topic {}", topic.name), Section::Topics)
            .crumb("Topics", view::list_href(EntityKind::Topic))
            .here(topic.name.to_string()),
        name: topic.name.to_string(),
        description: view::description(topic.description.as_deref()),
        tags: TagLink::for_kind(EntityKind::Topic, &topic.tags),
        domain: EntityLink::maybe(&snapshot, EntityKind::Domain, topic.domain.as_ref()),
        owner: EntityLink::maybe(&snapshot, EntityKind::Team, topic.owner.as_ref()),
        strategy,
        strategy_note,
        metadata: view::metadata_rows(&topic.metadata),
        updated: snapshot
            .stamp(EntityKind::Topic, &topic.name)
            .map(|s| links::display_time(&s.updated_at)),
        subjects,
        events,
        producers,
        consumers,
        graph: GraphView::of(&graphs::topic_flow(&snapshot, topic), None),
        api,
        api_href,
        title,
    }))
}
