//! Static, accessible SVG drawings of small directed graphs, laid out in layers from left to
//! right: an application's neighbourhood, a topic's flow (producers → topic → consumers), a
//! domain map.
//!
//! [`render_svg`] returns one inline `<svg>` element to embed in a server-rendered HTML page. It
//! needs no JavaScript: colours come from CSS classes (`node node-topic`, `edge edge-produces`,
//! …) with defaults in a `<style>` element inside the SVG, for light and dark colour schemes
//! (`prefers-color-scheme`) and for forced colours. All its selectors are scoped to
//! `.herald-graph`, the class of the `<svg>`, so they never touch the host page.
//!
//! # Edge direction
//! An [`Edge`] points the way data (or ownership) flows, and its arrow is drawn from `from` to
//! `to`:
//! - [`EdgeKind::Produces`]: producing application → topic (see [`Edge::produces`]);
//! - [`EdgeKind::Consumes`]: topic → consuming application (see [`Edge::consumes`], which takes
//!   the consumer first and stores it as `to`);
//! - [`EdgeKind::Contains`]: domain → what it contains;
//! - [`EdgeKind::Owns`]: team → what it owns;
//! - [`EdgeKind::Observed`]: topic → a reader seen fetching its schemas that the catalog does
//!   not declare (dotted: what the registry saw, not what the catalog says).
//!
//! # Layout
//! Sugiyama-style. Columns come from the nodes' `layer` hints or else from the longest path over
//! the edges (cycles are broken by turning round the few edges that point backwards in a greedy
//! Eades–Lin–Smyth order; nodes then move between their neighbours to shorten edges, so sources
//! sit next to their successors). Edges spanning several columns get invisible waypoints so they
//! pass between boxes, not through them. Nodes are ordered within a column by alternating
//! barycenter sweeps plus adjacent swaps, keeping the order with fewest crossings, and placed
//! vertically by isotonic regression towards their neighbours' mean height, which keeps boxes
//! apart by construction. Everything is deterministic: the same graph gives the same bytes.
//!
//! Self-loops are not drawn (they are mentioned in the `<desc>` summary). Edges naming unknown
//! node ids are skipped; of nodes sharing an id, the first is kept; repeated edges (same ends
//! and kind) are drawn once, their labels joined.
//!
//! # Accessibility
//! The `<svg>` is named by a `<title>` (the graph's title) and described by a `<desc>` that
//! spells every edge out ("order-service produces orders; payment-service consumes orders").
//! Its role is `img` when nothing in it is a link; when some node has an `href` it is `group`
//! instead, because `img` would hide the links from assistive technology while they still take
//! keyboard focus. Links carry an `aria-label` (kind and full name), `aria-current="page"` on
//! the focus node, and a visible focus style; they come in reading order (column by column, top
//! to bottom), which is also the Tab order. Node kinds differ by a text badge and corner shape as
//! well as colour; text meets 4.5:1 contrast in both colour schemes (a unit test checks it).
//! Ids are prefixed with a hash of the title and content, so several graphs can share a page.
//!
//! ```text
//! let mut g = Graph::new("Flow of orders");
//! g.nodes.push(Node::new("order-service", "order-service", NodeKind::Application));
//! g.nodes.push(Node::new("orders", "orders", NodeKind::Topic).focused());
//! g.nodes.push(Node::new("payments", "payment-service", NodeKind::Application)
//!     .with_href("/applications/payment-service"));
//! g.edges.push(Edge::produces("order-service", "orders").with_label("v3"));
//! g.edges.push(Edge::consumes("payments", "orders"));
//! let html = render_svg(&g).unwrap_or_else(|| table_instead(&g));
//! ```

mod layers;
mod model;
mod order;
mod prepare;
mod route;
mod svg;
#[cfg(test)]
mod tests;
mod theme;

use layers::assign_layers;
use model::{Chain, Layered};
use prepare::{PEdge, Prepared, display_label, full_label, node_width, prepare};
use svg::write_svg;

pub use theme::stylesheet;

/// Largest graph drawn as SVG; above it, callers show a table instead.
pub const MAX_NODES: usize = 60;

/// Labels longer than this many characters are cut, with an ellipsis; the full text stays in the
/// node's `<title>` (hover) and in its link's `aria-label`.
pub const MAX_LABEL_CHARS: usize = 40;
/// Edge labels longer than this many characters are cut, with an ellipsis.
pub const MAX_EDGE_LABEL_CHARS: usize = 24;

// Drawing dimensions shared by several steps; the others live beside their only user.
const NODE_H: f64 = 44.0;
const NODE_PAD_X: f64 = 14.0;
const MARGIN: f64 = 16.0;
const ARROW_GAP: f64 = 2.0;
const LEGEND_H: f64 = 20.0;

/// What a node stands for. Drawn with its own colours, corner radius and a small text badge
/// ("app", "topic", …), so kinds differ by more than colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Application,
    Topic,
    Event,
    Domain,
    Team,
    Subject,
}

impl NodeKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::Application,
        Self::Topic,
        Self::Event,
        Self::Domain,
        Self::Team,
        Self::Subject,
    ];

    /// Lower-case name; also the CSS class suffix (`node-application`, `node-topic`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Topic => "topic",
            Self::Event => "event",
            Self::Domain => "domain",
            Self::Team => "team",
            Self::Subject => "subject",
        }
    }

    /// The small text drawn above the node's name.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Application => "app",
            other => other.name(),
        }
    }

    fn corner_radius(self) -> f64 {
        match self {
            Self::Application => 4.0,
            Self::Topic => NODE_H / 2.0,
            Self::Event => 12.0,
            Self::Domain => 0.0,
            Self::Team => 9.0,
            Self::Subject => 2.0,
        }
    }

    fn padding(self) -> f64 {
        match self {
            Self::Topic => NODE_PAD_X + 8.0,
            _ => NODE_PAD_X,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Application => 0,
            Self::Topic => 1,
            Self::Event => 2,
            Self::Domain => 3,
            Self::Team => 4,
            Self::Subject => 5,
        }
    }
}

/// A box in the drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Key that edges refer to. Of nodes sharing an id, the first is kept.
    pub id: String,
    /// Shown text (cut at [`MAX_LABEL_CHARS`]); the id is shown when it is empty.
    pub label: String,
    pub kind: NodeKind,
    /// Makes the node a keyboard-focusable link. `javascript:`, `vbscript:` and `data:` URLs are
    /// ignored.
    pub href: Option<String>,
    /// the page's own entity, drawn emphasised
    pub focus: bool,
    /// column hint: Some(0) = leftmost. None = computed from edges (longest path layering).
    pub layer: Option<usize>,
}

impl Node {
    /// A node with no link, no focus and no layer hint.
    pub fn new(id: impl Into<String>, label: impl Into<String>, kind: NodeKind) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            kind,
            href: None,
            focus: false,
            layer: None,
        }
    }

    /// Sets `href`.
    pub fn with_href(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    /// Sets `focus`.
    pub fn focused(mut self) -> Self {
        self.focus = true;
        self
    }

    /// Sets the `layer` hint.
    pub fn in_layer(mut self, layer: usize) -> Self {
        self.layer = Some(layer);
        self
    }
}

/// What an edge means. Produces and Consumes are solid lines of different colours; Contains and
/// Owns are dashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// producer → topic
    Produces,
    /// topic → consumer (the arrow follows the data)
    Consumes,
    /// container (e.g. domain) → contained
    Contains,
    /// owner (e.g. team) → owned
    Owns,
    /// topic → a reader seen (observed usage) but not declared
    Observed,
}

impl EdgeKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Produces,
        Self::Consumes,
        Self::Contains,
        Self::Owns,
        Self::Observed,
    ];

    /// Lower-case name; also the CSS class suffix (`edge-produces`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Produces => "produces",
            Self::Consumes => "consumes",
            Self::Contains => "contains",
            Self::Owns => "owns",
            Self::Observed => "observed",
        }
    }

    /// How the legend reads an arrow `from → to`.
    fn legend(self) -> &'static str {
        match self {
            Self::Consumes => "consumed by",
            Self::Observed => "read by (seen, not declared)",
            other => other.name(),
        }
    }

    /// How the text description reads it, subject first (the reader, for the edges that
    /// point at one).
    fn verb(self) -> &'static str {
        match self {
            Self::Observed => "was seen reading, undeclared,",
            other => other.name(),
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Produces => 0,
            Self::Consumes => 1,
            Self::Contains => 2,
            Self::Owns => 3,
            Self::Observed => 4,
        }
    }
}

/// An arrow from `from` to `to` (node ids), in the direction data or ownership flows: see the
/// module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// Short text drawn mid-edge, e.g. a schema version ("v3", ">=2").
    pub label: Option<String>,
}

impl Edge {
    /// An unlabelled edge `from → to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: EdgeKind) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            kind,
            label: None,
        }
    }

    /// `producer → topic`, kind Produces.
    pub fn produces(producer: impl Into<String>, topic: impl Into<String>) -> Self {
        Self::new(producer, topic, EdgeKind::Produces)
    }

    /// `topic → consumer`, kind Consumes. Note the argument order: consumer first, as in
    /// "consumer consumes topic"; the arrow points at the consumer.
    pub fn consumes(consumer: impl Into<String>, topic: impl Into<String>) -> Self {
        Self::new(topic, consumer, EdgeKind::Consumes)
    }

    /// `container → item`, kind Contains.
    pub fn contains(container: impl Into<String>, item: impl Into<String>) -> Self {
        Self::new(container, item, EdgeKind::Contains)
    }

    /// `owner → item`, kind Owns.
    pub fn owns(owner: impl Into<String>, item: impl Into<String>) -> Self {
        Self::new(owner, item, EdgeKind::Owns)
    }

    /// Sets `label`.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// What [`render_svg`] draws.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Graph {
    /// The SVG's accessible name (its `<title>`); not drawn.
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    /// An empty graph.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }
}

/// An axis-aligned rectangle, in SVG user units (px at natural size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// True when the two rectangles share interior area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// Where one node is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    /// Index into `Graph::nodes`.
    pub index: usize,
    /// Column, 0 = leftmost (empty columns are dropped).
    pub layer: usize,
    pub rect: Rect,
    /// The text drawn (cut at [`MAX_LABEL_CHARS`]).
    pub label: String,
}

/// How one edge is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRoute {
    /// Index into `Graph::edges` (the first of repeated edges).
    pub index: usize,
    /// Index into `Graph::nodes` of the source.
    pub from: usize,
    /// Index into `Graph::nodes` of the target.
    pub to: usize,
    pub kind: EdgeKind,
    /// The labels of the edge and its repeats, joined with ", ".
    pub label: Option<String>,
    /// SVG path data: `M`, then cubic `C` and straight `L` segments.
    pub path: String,
    /// Where the label is drawn, with its background.
    pub label_box: Option<Rect>,
}

/// A computed drawing, before it is turned into SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// One per distinct node, in the order of `Graph::nodes`.
    pub nodes: Vec<NodeBox>,
    /// One per drawn edge, in the order of `Graph::edges`.
    pub edges: Vec<EdgeRoute>,
    /// Top of the legend row (present when there are edges).
    pub legend_y: Option<f64>,
}

/// The SVG markup (an inline `<svg>` element, to embed in HTML), or None when the graph has more
/// than MAX_NODES nodes (or none).
pub fn render_svg(graph: &Graph) -> Option<String> {
    let prep = prepare(graph);
    let layout = layout_prepared(&prep)?;
    let description = describe_prepared(&prep);
    let paths: usize = layout.edges.iter().map(|e| e.path.len()).sum();
    let mut out = String::with_capacity(
        8000 + 450 * layout.nodes.len() + 300 * layout.edges.len() + paths + 2 * description.len(),
    );
    write_svg(&mut out, graph, &layout, &description).ok()?;
    Some(out)
}

/// Positions of everything [`render_svg`] draws, or None when the graph has more than
/// [`MAX_NODES`] distinct nodes (or none).
pub fn layout(graph: &Graph) -> Option<Layout> {
    layout_prepared(&prepare(graph))
}

fn layout_prepared(prep: &Prepared<'_>) -> Option<Layout> {
    let n = prep.nodes.len();
    if n == 0 || n > MAX_NODES {
        return None;
    }
    let hints: Vec<Option<usize>> = prep.nodes.iter().map(|node| node.layer).collect();
    let pairs: Vec<(usize, usize)> = prep.edges.iter().map(|e| (e.from, e.to)).collect();
    let node_layer = assign_layers(n, &hints, &pairs);
    let n_layers = node_layer.iter().copied().max().unwrap_or(0) + 1;

    // The layered graph: real nodes first (ids 0..n), then waypoints of long edges.
    let labels: Vec<String> = prep.nodes.iter().map(|node| display_label(node)).collect();
    let mut lg = Layered::new(n_layers);
    for (i, node) in prep.nodes.iter().enumerate() {
        lg.add(node_layer[i], true, node_width(node, &labels[i]), NODE_H);
    }
    let mut chains: Vec<Chain> = Vec::new();
    let mut flat: Vec<usize> = Vec::new();
    for (k, e) in prep.edges.iter().enumerate() {
        let (lu, lv) = (node_layer[e.from], node_layer[e.to]);
        if lu == lv {
            flat.push(k);
            continue;
        }
        let (a, b, reversed) = if lu < lv {
            (e.from, e.to, false)
        } else {
            (e.to, e.from, true)
        };
        let mut ids = vec![a];
        for l in lu.min(lv) + 1..lu.max(lv) {
            ids.push(lg.add(l, false, 0.0, 0.0));
        }
        ids.push(b);
        for pair in ids.windows(2) {
            lg.link(pair[0], pair[1]);
        }
        chains.push(Chain {
            edge: k,
            nodes: ids,
            reversed,
        });
    }
    lg.finish();
    lg.order_layers();
    let ys = lg.place_y();
    Some(route::draw(prep, node_layer, labels, lg, chains, flat, ys))
}

/// A plain-text summary of the graph, as used for the SVG's `<desc>`: one clause per edge
/// ("order-service produces orders; payment-service consumes orders (v3)"), then the nodes with
/// no edges.
pub fn describe(graph: &Graph) -> String {
    describe_prepared(&prepare(graph))
}

fn describe_prepared(prep: &Prepared<'_>) -> String {
    if prep.nodes.is_empty() {
        return "Empty graph.".to_string();
    }
    let mut all: Vec<&PEdge> = prep.edges.iter().chain(prep.loops.iter()).collect();
    all.sort_by_key(|e| e.index);
    let name = |i: usize| full_label(prep.nodes[i]);
    let mut connected = vec![false; prep.nodes.len()];
    let mut clauses: Vec<String> = Vec::with_capacity(all.len());
    for e in all {
        connected[e.from] = true;
        connected[e.to] = true;
        let (subject, object) = match e.kind {
            EdgeKind::Consumes | EdgeKind::Observed => (e.to, e.from),
            _ => (e.from, e.to),
        };
        let mut clause = format!("{} {} {}", name(subject), e.kind.verb(), name(object));
        if let Some(label) = &e.label {
            clause.push_str(" (");
            clause.push_str(label);
            clause.push(')');
        }
        clauses.push(clause);
    }
    let lonely: Vec<&str> = (0..prep.nodes.len())
        .filter(|&i| !connected[i])
        .map(name)
        .collect();
    let mut text = clauses.join("; ");
    if !lonely.is_empty() {
        text.push_str(if text.is_empty() {
            "Shows "
        } else {
            ". Also shows "
        });
        text.push_str(&lonely.join(", "));
    }
    text.push('.');
    text
}
