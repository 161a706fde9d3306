//! The diagrams of the catalog pages, built from a snapshot (pure; drawn by
//! [`crate::portal::graph::render_svg`]). Data flows left to right: a producer's edge
//! points at its topic, a topic's edge points at its consumer.
//!
//! - a topic's flow: producers (layer 0) → the topic (1) → consumers (2);
//! - an application's neighbourhood: producers of what it reads (0) → topics it reads (1)
//!   → the application (2) → topics it writes (3) → their consumers (4); the outer two
//!   layers are left out when they would make the graph too big to draw;
//! - a domain map: writers (0) → topics (1) → readers (2), for the domain's applications
//!   and topics and whatever they are directly connected to.
//!
//! An application that both writes and reads the same topic appears on both sides, so
//! every edge points right. Node ids carry their column (`producer:`, `consumer:`...) for
//! that reason.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::model::{Application, EntityKind, EntityName, Topic};
use crate::catalog::snapshot::{EdgeRef, Role, Snapshot};
use crate::portal::graph::{Edge, EdgeKind, Graph, MAX_NODES, Node, NodeKind};

use super::view;

/// The applications on each side of a topic, each with the events its edges name (an
/// empty set: the whole topic).
struct Sides<'a> {
    producers: BTreeMap<&'a EntityName, BTreeSet<String>>,
    consumers: BTreeMap<&'a EntityName, BTreeSet<String>>,
}

fn sides<'a>(edges: &[EdgeRef<'a>]) -> Sides<'a> {
    let mut sides = Sides {
        producers: BTreeMap::new(),
        consumers: BTreeMap::new(),
    };
    for edge in edges {
        let side = match edge.role {
            Role::Produces => &mut sides.producers,
            Role::Consumes => &mut sides.consumers,
        };
        let events = side.entry(&edge.application.name).or_default();
        match &edge.target.event {
            Some(event) => {
                events.insert(event.to_string());
            }
            None => {
                events.insert(WHOLE_TOPIC.to_owned());
            }
        }
    }
    sides
}

/// How an edge naming no event is labelled.
const WHOLE_TOPIC: &str = "all events";

/// What an edge is labelled with: its one event, "all events" for the whole topic, or
/// "N events" (labels are drawn short; the tables below the graph list them all).
fn label(events: &BTreeSet<String>) -> Option<String> {
    match events.len() {
        0 => None,
        1 => events.iter().next().cloned(),
        n if events.contains(WHOLE_TOPIC) => Some(format!("all events (+{})", n - 1)),
        n => Some(format!("{n} events")),
    }
}

fn app_node(snapshot: &Snapshot, id: String, name: &EntityName, layer: usize) -> Node {
    linked(
        snapshot,
        Node::new(id, name.as_str(), NodeKind::Application),
        EntityKind::Application,
        name,
    )
    .in_layer(layer)
}

fn topic_node(snapshot: &Snapshot, id: String, name: &EntityName, layer: usize) -> Node {
    linked(
        snapshot,
        Node::new(id, name.as_str(), NodeKind::Topic),
        EntityKind::Topic,
        name,
    )
    .in_layer(layer)
}

/// The node linked to its page, when the reader may open it (the snapshot is what the
/// reader may read; a visible entity can still name a hidden one).
fn linked(snapshot: &Snapshot, node: Node, kind: EntityKind, name: &EntityName) -> Node {
    if snapshot.contains(kind, name) {
        node.with_href(view::href(kind, name.as_str()))
    } else {
        node
    }
}

/// `producer → topic`.
fn produces(producer: &str, topic: &str, label: Option<String>) -> Edge {
    labelled(Edge::produces(producer, topic), label)
}

/// `topic → consumer`.
fn consumes(topic: &str, consumer: &str, label: Option<String>) -> Edge {
    labelled(Edge::consumes(consumer, topic), label)
}

fn labelled(edge: Edge, label: Option<String>) -> Edge {
    match label {
        Some(label) => edge.with_label(label),
        None => edge,
    }
}

/// A reader the registry saw fetching a topic's schemas that the catalog does not declare:
/// an application (linked when the page's reader may see it) or a principal or address.
pub struct ObservedReader {
    pub label: String,
    pub application: Option<EntityName>,
}

/// Producers → topic → consumers, and (dotted) the readers seen but not declared.
pub fn topic_flow(snapshot: &Snapshot, topic: &Topic, observed: &[ObservedReader]) -> Graph {
    let edges = snapshot.topic_edges(&topic.name);
    let sides = sides(&edges);
    let topic_id = format!("topic:{}", topic.name);
    let mut graph = Graph::new(format!("Flow of {}", topic.name));
    let center = topic_node(snapshot, topic_id.clone(), &topic.name, 1).focused();
    for (app, events) in &sides.producers {
        let id = format!("producer:{app}");
        graph.nodes.push(app_node(snapshot, id.clone(), app, 0));
        graph.edges.push(produces(&id, &topic_id, label(events)));
    }
    graph.nodes.push(center);
    for (app, events) in &sides.consumers {
        let id = format!("consumer:{app}");
        graph.nodes.push(app_node(snapshot, id.clone(), app, 2));
        graph.edges.push(consumes(&topic_id, &id, label(events)));
    }
    for reader in observed {
        let id = format!("observed:{}", reader.label);
        if graph.nodes.iter().any(|n| n.id == id) {
            continue;
        }
        let node = match &reader.application {
            Some(app) => app_node(snapshot, id.clone(), app, 2),
            None => Node::new(id.clone(), reader.label.clone(), NodeKind::Application).in_layer(2),
        };
        graph.nodes.push(node);
        graph
            .edges
            .push(Edge::new(topic_id.clone(), id, EdgeKind::Observed));
    }
    graph
}

/// What [`application_neighbourhood`] drew.
pub struct Neighbourhood {
    pub graph: Graph,
    /// Whether the applications on the far side of the topics were left out for size.
    pub trimmed: bool,
}

/// Upstream producers → topics read → the application → topics written → consumers.
pub fn application_neighbourhood(snapshot: &Snapshot, application: &Application) -> Neighbourhood {
    let name = &application.name;
    let app_id = format!("app:{name}");
    // Topics by role, each with the events this application's edges name.
    let mut read: BTreeMap<&EntityName, BTreeSet<String>> = BTreeMap::new();
    let mut written: BTreeMap<&EntityName, BTreeSet<String>> = BTreeMap::new();
    for edge in snapshot.edges().filter(|e| e.application.name == *name) {
        let Some(topic) = snapshot.edge_topic(edge.target) else {
            continue;
        };
        let events = match edge.role {
            Role::Produces => written.entry(topic).or_default(),
            Role::Consumes => read.entry(topic).or_default(),
        };
        events.insert(
            edge.target
                .event
                .as_ref()
                .map_or_else(|| WHOLE_TOPIC.to_owned(), ToString::to_string),
        );
    }

    let mut core = Graph::new(format!("Neighbourhood of {name}"));
    for (topic, events) in &read {
        let id = format!("in:{topic}");
        core.nodes.push(topic_node(snapshot, id.clone(), topic, 1));
        core.edges.push(consumes(&id, &app_id, label(events)));
    }
    let center = app_node(snapshot, app_id.clone(), name, 2).focused();
    core.nodes.push(center);
    for (topic, events) in &written {
        let id = format!("out:{topic}");
        core.nodes.push(topic_node(snapshot, id.clone(), topic, 3));
        core.edges.push(produces(&app_id, &id, label(events)));
    }

    // The other applications on those topics.
    let mut upstream: BTreeMap<&EntityName, Vec<&EntityName>> = BTreeMap::new();
    for topic in read.keys() {
        for edge in snapshot.topic_edges(topic) {
            if edge.role == Role::Produces && edge.application.name != *name {
                let topics = upstream.entry(&edge.application.name).or_default();
                if !topics.contains(topic) {
                    topics.push(topic);
                }
            }
        }
    }
    let mut downstream: BTreeMap<&EntityName, Vec<&EntityName>> = BTreeMap::new();
    for topic in written.keys() {
        for edge in snapshot.topic_edges(topic) {
            if edge.role == Role::Consumes && edge.application.name != *name {
                let topics = downstream.entry(&edge.application.name).or_default();
                if !topics.contains(topic) {
                    topics.push(topic);
                }
            }
        }
    }
    let outer = upstream.len() + downstream.len();
    if outer == 0 || core.nodes.len() + outer > MAX_NODES {
        return Neighbourhood {
            graph: core,
            trimmed: outer > 0,
        };
    }
    let mut graph = core;
    let mut nodes = Vec::with_capacity(graph.nodes.len() + outer);
    for (app, topics) in &upstream {
        let id = format!("upstream:{app}");
        nodes.push(app_node(snapshot, id.clone(), app, 0));
        for topic in topics {
            graph
                .edges
                .push(produces(&id, &format!("in:{topic}"), None));
        }
    }
    nodes.append(&mut graph.nodes);
    for (app, topics) in &downstream {
        let id = format!("downstream:{app}");
        nodes.push(app_node(snapshot, id.clone(), app, 4));
        for topic in topics {
            graph
                .edges
                .push(consumes(&format!("out:{topic}"), &id, None));
        }
    }
    graph.nodes = nodes;
    Neighbourhood {
        graph,
        trimmed: false,
    }
}

/// Writers → topics → readers around one domain: its applications and topics, with the
/// topics its applications use and the applications that use its topics. No node is the
/// focus (the renderer marks the focus as the current page, and the domain is no node).
pub fn domain_map(snapshot: &Snapshot, domain: &EntityName) -> Graph {
    let in_domain_app = |app: &Application| app.domain.as_ref() == Some(domain);
    let in_domain_topic = |topic: &EntityName| {
        snapshot
            .topics
            .get(topic)
            .is_some_and(|t| t.domain.as_ref() == Some(domain))
    };
    // (application, topic) -> events, per role; only edges with a member at one end.
    let mut writes: BTreeMap<(&EntityName, &EntityName), BTreeSet<String>> = BTreeMap::new();
    let mut reads: BTreeMap<(&EntityName, &EntityName), BTreeSet<String>> = BTreeMap::new();
    for edge in snapshot.edges() {
        let Some(topic) = snapshot.edge_topic(edge.target) else {
            continue;
        };
        if !in_domain_app(edge.application) && !in_domain_topic(topic) {
            continue;
        }
        let map = match edge.role {
            Role::Produces => &mut writes,
            Role::Consumes => &mut reads,
        };
        map.entry((&edge.application.name, topic))
            .or_default()
            .insert(
                edge.target
                    .event
                    .as_ref()
                    .map_or_else(|| WHOLE_TOPIC.to_owned(), ToString::to_string),
            );
    }
    let writers: BTreeSet<&EntityName> = writes.keys().map(|(app, _)| *app).collect();
    let readers: BTreeSet<&EntityName> = reads.keys().map(|(app, _)| *app).collect();
    let mut topics: BTreeSet<&EntityName> = writes
        .keys()
        .chain(reads.keys())
        .map(|(_, topic)| *topic)
        .collect();
    // Topics of the domain nobody uses still belong on its map.
    topics.extend(
        snapshot
            .topics
            .values()
            .filter(|t| t.domain.as_ref() == Some(domain))
            .map(|t| &t.name),
    );
    let mut graph = Graph::new(format!("Map of the {domain} domain"));
    for app in &writers {
        graph
            .nodes
            .push(app_node(snapshot, format!("writer:{app}"), app, 0));
    }
    for topic in &topics {
        graph
            .nodes
            .push(topic_node(snapshot, format!("topic:{topic}"), topic, 1));
    }
    for app in &readers {
        graph
            .nodes
            .push(app_node(snapshot, format!("reader:{app}"), app, 2));
    }
    // Applications of the domain that touch no topic still appear, unconnected.
    for app in snapshot.applications.values().filter(|a| in_domain_app(a)) {
        if !writers.contains(&app.name) && !readers.contains(&app.name) {
            graph.nodes.push(app_node(
                snapshot,
                format!("writer:{}", app.name),
                &app.name,
                0,
            ));
        }
    }
    for ((app, topic), events) in &writes {
        graph.edges.push(produces(
            &format!("writer:{app}"),
            &format!("topic:{topic}"),
            label(events),
        ));
    }
    for ((app, topic), events) in &reads {
        graph.edges.push(consumes(
            &format!("topic:{topic}"),
            &format!("reader:{app}"),
            label(events),
        ));
    }
    graph
}

/// A graph as a page shows it: the SVG, or, when it is too big to draw, a table of its
/// edges (always built; the template shows it in place of the picture).
pub struct GraphView {
    /// Names the picture (its heading and the SVG's accessible name).
    pub title: String,
    /// Trusted markup from the escaping renderer; None when too big to draw.
    pub svg: Option<String>,
    pub rows: Vec<GraphRow>,
    pub nodes: usize,
    /// Shown under the picture, e.g. what was left out.
    pub note: Option<String>,
}

/// One edge, as a row of the fallback table.
pub struct GraphRow {
    pub from: String,
    pub from_href: Option<String>,
    pub relation: &'static str,
    pub to: String,
    pub to_href: Option<String>,
    pub label: Option<String>,
}

impl GraphView {
    pub fn of(graph: &Graph, note: Option<String>) -> Self {
        let find = |id: &str| graph.nodes.iter().find(|n| n.id == id);
        let rows = graph
            .edges
            .iter()
            .map(|edge| {
                let from = find(&edge.from);
                let to = find(&edge.to);
                GraphRow {
                    from: from.map_or_else(|| edge.from.clone(), |n| n.label.clone()),
                    from_href: from.and_then(|n| n.href.clone()),
                    relation: match edge.kind {
                        EdgeKind::Produces => "writes to",
                        EdgeKind::Consumes => "is read by",
                        EdgeKind::Contains => "contains",
                        EdgeKind::Owns => "owns",
                        EdgeKind::Observed => "was seen read (undeclared) by",
                    },
                    to: to.map_or_else(|| edge.to.clone(), |n| n.label.clone()),
                    to_href: to.and_then(|n| n.href.clone()),
                    label: edge.label.clone(),
                }
            })
            .collect();
        Self {
            title: graph.title.clone(),
            svg: crate::portal::graph::render_svg(graph),
            rows,
            nodes: graph.nodes.len(),
            note,
        }
    }

    /// Whether the graph has edges at all (a lone node is not worth a picture).
    pub fn has_edges(&self) -> bool {
        !self.rows.is_empty()
    }

    pub fn max_nodes(&self) -> usize {
        MAX_NODES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::Entity;
    use serde_json::json;

    fn name(text: &str) -> EntityName {
        EntityName::parse(text).expect("valid name")
    }

    /// shop writes orders; billing reads orders (all of it) and writes invoices; audit
    /// reads invoices; shop also reads its own orders topic back.
    fn landscape() -> Snapshot {
        let mut snapshot = Snapshot::default();
        let entities = [
            (EntityKind::Domain, json!({"name": "sales"})),
            (EntityKind::Domain, json!({"name": "finance"})),
            (
                EntityKind::Topic,
                json!({"name": "orders", "domain": "sales"}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "invoices", "domain": "finance"}),
            ),
            (
                EntityKind::Topic,
                json!({"name": "unused", "domain": "sales"}),
            ),
            (
                EntityKind::Event,
                json!({"name": "OrderPlaced", "topic": "orders"}),
            ),
            (
                EntityKind::Event,
                json!({"name": "OrderPaid", "topic": "orders"}),
            ),
            (
                EntityKind::Application,
                json!({"name": "shop", "title": "Shop", "domain": "sales",
                       "produces": [{"topic": "orders", "event": "OrderPlaced"},
                                    {"topic": "orders", "event": "OrderPaid"}],
                       "consumes": [{"topic": "orders", "event": "OrderPaid"}]}),
            ),
            (
                EntityKind::Application,
                json!({"name": "billing", "domain": "finance",
                       "consumes": [{"topic": "orders"}],
                       "produces": [{"topic": "invoices"}]}),
            ),
            (
                EntityKind::Application,
                json!({"name": "audit", "consumes": [{"topic": "invoices"}]}),
            ),
            (
                EntityKind::Application,
                json!({"name": "idle", "domain": "sales"}),
            ),
        ];
        for (kind, document) in entities {
            snapshot.insert(Entity::from_json(kind, document).expect("valid entity"));
        }
        snapshot
    }

    fn layers(graph: &Graph) -> Vec<(String, Option<usize>, bool)> {
        graph
            .nodes
            .iter()
            .map(|n| (n.id.clone(), n.layer, n.focus))
            .collect()
    }

    fn edges(graph: &Graph) -> Vec<(String, String, Option<String>)> {
        graph
            .edges
            .iter()
            .map(|e| (e.from.clone(), e.to.clone(), e.label.clone()))
            .collect()
    }

    #[test]
    fn topic_flow_runs_from_producers_to_consumers() {
        let snapshot = landscape();
        let topic = snapshot.topics.get(&name("orders")).expect("topic");
        let graph = topic_flow(&snapshot, topic, &[]);
        assert_eq!(
            layers(&graph),
            vec![
                ("producer:shop".into(), Some(0), false),
                ("topic:orders".into(), Some(1), true),
                ("consumer:billing".into(), Some(2), false),
                ("consumer:shop".into(), Some(2), false),
            ]
        );
        assert_eq!(
            edges(&graph),
            vec![
                (
                    "producer:shop".into(),
                    "topic:orders".into(),
                    Some("2 events".into())
                ),
                (
                    "topic:orders".into(),
                    "consumer:billing".into(),
                    Some("all events".into())
                ),
                (
                    "topic:orders".into(),
                    "consumer:shop".into(),
                    Some("OrderPaid".into())
                ),
            ]
        );
        let shop = &graph.nodes[0];
        assert_eq!(shop.label, "shop");
        assert_eq!(shop.href.as_deref(), Some("/ui/applications/shop"));
        assert!(matches!(shop.kind, NodeKind::Application));
        assert!(matches!(graph.nodes[1].kind, NodeKind::Topic));
        assert!(matches!(graph.edges[0].kind, EdgeKind::Produces));
        assert!(matches!(graph.edges[1].kind, EdgeKind::Consumes));
    }

    #[test]
    fn too_big_graphs_become_tables() {
        let mut graph = Graph::new("Big");
        graph
            .nodes
            .push(Node::new("topic:t", "t", NodeKind::Topic).with_href("/ui/topics/t"));
        for i in 0..MAX_NODES {
            let id = format!("consumer:a{i}");
            graph.nodes.push(Node::new(
                id.clone(),
                format!("a{i}"),
                NodeKind::Application,
            ));
            graph.edges.push(consumes("topic:t", &id, None));
        }
        let view = GraphView::of(&graph, None);
        assert!(view.svg.is_none());
        assert_eq!(view.nodes, MAX_NODES + 1);
        assert_eq!(view.rows.len(), MAX_NODES);
        assert_eq!(view.rows[0].from, "t");
        assert_eq!(view.rows[0].from_href.as_deref(), Some("/ui/topics/t"));
        assert_eq!(view.rows[0].relation, "is read by");
        assert_eq!(view.rows[0].to, "a0");

        graph.nodes.truncate(3);
        graph.edges.truncate(2);
        let small = GraphView::of(&graph, None);
        assert!(small.svg.as_deref().is_some_and(|s| s.starts_with("<svg")));
    }

    #[test]
    fn edge_labels_stay_short() {
        let set = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
        assert_eq!(label(&set(&[])), None);
        assert_eq!(
            label(&set(&["OrderPlaced"])).as_deref(),
            Some("OrderPlaced")
        );
        assert_eq!(label(&set(&["A", "B", "C"])).as_deref(), Some("3 events"));
        assert_eq!(
            label(&set(&[WHOLE_TOPIC, "A"])).as_deref(),
            Some("all events (+1)")
        );
    }

    #[test]
    fn a_topic_nobody_uses_is_a_lone_node() {
        let snapshot = landscape();
        let topic = snapshot.topics.get(&name("unused")).expect("topic");
        let graph = topic_flow(&snapshot, topic, &[]);
        assert_eq!(graph.nodes.len(), 1);
        assert!(graph.edges.is_empty());
    }

    #[test]
    fn neighbourhood_reaches_one_application_beyond_each_topic() {
        let snapshot = landscape();
        let billing = snapshot.applications.get(&name("billing")).expect("app");
        let drawn = application_neighbourhood(&snapshot, billing);
        assert!(!drawn.trimmed);
        assert_eq!(
            layers(&drawn.graph),
            vec![
                ("upstream:shop".into(), Some(0), false),
                ("in:orders".into(), Some(1), false),
                ("app:billing".into(), Some(2), true),
                ("out:invoices".into(), Some(3), false),
                ("downstream:audit".into(), Some(4), false),
            ]
        );
        assert_eq!(
            edges(&drawn.graph),
            vec![
                (
                    "in:orders".into(),
                    "app:billing".into(),
                    Some("all events".into())
                ),
                (
                    "app:billing".into(),
                    "out:invoices".into(),
                    Some("all events".into())
                ),
                ("upstream:shop".into(), "in:orders".into(), None),
                ("out:invoices".into(), "downstream:audit".into(), None),
            ]
        );
    }

    #[test]
    fn neighbourhood_of_a_self_reader_has_the_topic_on_both_sides() {
        let snapshot = landscape();
        let shop = snapshot.applications.get(&name("shop")).expect("app");
        let drawn = application_neighbourhood(&snapshot, shop);
        let ids: Vec<String> = drawn.graph.nodes.iter().map(|n| n.id.clone()).collect();
        assert_eq!(
            ids,
            vec!["in:orders", "app:shop", "out:orders", "downstream:billing"]
        );
    }

    #[test]
    fn neighbourhood_drops_the_outer_ring_when_too_big() {
        let mut snapshot = landscape();
        for i in 0..MAX_NODES {
            snapshot.insert(
                Entity::from_json(
                    EntityKind::Application,
                    json!({"name": format!("reader-{i}"), "consumes": [{"topic": "invoices"}]}),
                )
                .expect("valid"),
            );
        }
        let billing = snapshot.applications.get(&name("billing")).expect("app");
        let drawn = application_neighbourhood(&snapshot, billing);
        assert!(drawn.trimmed);
        assert_eq!(drawn.graph.nodes.len(), 3);
        assert_eq!(drawn.graph.edges.len(), 2);
    }

    #[test]
    fn domain_map_shows_members_and_their_direct_neighbours() {
        let snapshot = landscape();
        let graph = domain_map(&snapshot, &name("sales"));
        assert_eq!(
            layers(&graph),
            vec![
                ("writer:shop".into(), Some(0), false),
                ("topic:orders".into(), Some(1), false),
                ("topic:unused".into(), Some(1), false),
                ("reader:billing".into(), Some(2), false),
                ("reader:shop".into(), Some(2), false),
                ("writer:idle".into(), Some(0), false),
            ]
        );
        assert_eq!(
            edges(&graph),
            vec![
                (
                    "writer:shop".into(),
                    "topic:orders".into(),
                    Some("2 events".into())
                ),
                (
                    "topic:orders".into(),
                    "reader:billing".into(),
                    Some("all events".into())
                ),
                (
                    "topic:orders".into(),
                    "reader:shop".into(),
                    Some("OrderPaid".into())
                ),
            ]
        );
        // finance: billing writes invoices (member topic), audit reads it, billing reads
        // sales' orders topic.
        let finance = domain_map(&snapshot, &name("finance"));
        let ids: Vec<String> = finance.nodes.iter().map(|n| n.id.clone()).collect();
        assert_eq!(
            ids,
            vec![
                "writer:billing",
                "topic:invoices",
                "topic:orders",
                "reader:audit",
                "reader:billing"
            ]
        );
        assert!(finance.nodes.iter().all(|n| !n.focus));
    }

    #[test]
    fn readers_seen_but_not_declared_are_dotted_edges_the_description_names() {
        let snapshot = landscape();
        let topic = snapshot.topics.values().next().expect("a topic");
        let observed = [
            ObservedReader {
                label: "svc-data-science".to_owned(),
                application: None,
            },
            ObservedReader {
                label: "svc-data-science".to_owned(),
                application: None,
            },
        ];
        let graph = topic_flow(&snapshot, topic, &observed);
        let dotted: Vec<&Edge> = graph
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Observed)
            .collect();
        assert_eq!(dotted.len(), 1, "one edge per reader");
        assert_eq!(dotted[0].to, "observed:svc-data-science");
        let text = crate::portal::graph::describe(&graph);
        assert!(
            text.contains("svc-data-science was seen reading, undeclared,"),
            "{text}"
        );
        let svg = crate::portal::graph::render_svg(&graph).unwrap_or_default();
        assert!(svg.contains("edge-observed"), "drawn in its own style");
        assert!(
            svg.contains("read by (seen, not declared)"),
            "and in the legend"
        );
    }
}
