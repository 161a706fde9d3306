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
//! - [`EdgeKind::Owns`]: team → what it owns.
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

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

/// Largest graph drawn as SVG; above it, callers show a table instead.
pub const MAX_NODES: usize = 60;

/// Labels longer than this many characters are cut, with an ellipsis; the full text stays in the
/// node's `<title>` (hover) and in its link's `aria-label`.
pub const MAX_LABEL_CHARS: usize = 40;
/// Edge labels longer than this many characters are cut, with an ellipsis.
pub const MAX_EDGE_LABEL_CHARS: usize = 24;

const CHAR_W: f64 = 7.2; // at 13px
const BADGE_CHAR_W: f64 = 7.0; // 10px, upper case, letter-spaced
const LABEL_CHAR_W: f64 = 6.4; // 11px
const NODE_H: f64 = 44.0;
const NODE_PAD_X: f64 = 14.0;
const NODE_MIN_W: f64 = 72.0;
const BADGE_BASELINE: f64 = 16.0;
const NAME_BASELINE: f64 = 33.0;
const MARGIN: f64 = 16.0;
const GAP_X_MIN: f64 = 72.0;
const GAP_Y: f64 = 18.0;
const GAP_Y_MIXED: f64 = 14.0;
const GAP_Y_WAYPOINTS: f64 = 10.0;
const WAYPOINT_WEIGHT: f64 = 2.0;
const PORT_STEP: f64 = 6.0;
const PORT_INSET: f64 = 10.0;
const ARROW_GAP: f64 = 2.0;
const FLAT_BULGE: f64 = 36.0;
const LABEL_H: f64 = 16.0;
const LABEL_PAD_X: f64 = 5.0;
const LEGEND_GAP: f64 = 10.0;
const LEGEND_H: f64 = 20.0;
const LEGEND_LINE: f64 = 28.0;
const ORDER_SWEEPS: usize = 12;
const Y_PASSES: usize = 4;
/// Above this many segments (edges plus waypoints), half the sweeps and passes: such drawings
/// are dense anyway, and the time stays well under a millisecond.
const BIG_GRAPH_SEGMENTS: usize = 500;

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
}

impl EdgeKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 4] = [Self::Produces, Self::Consumes, Self::Contains, Self::Owns];

    /// Lower-case name; also the CSS class suffix (`edge-produces`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Produces => "produces",
            Self::Consumes => "consumes",
            Self::Contains => "contains",
            Self::Owns => "owns",
        }
    }

    /// How the legend reads an arrow `from → to`.
    fn legend(self) -> &'static str {
        match self {
            Self::Consumes => "consumed by",
            other => other.name(),
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Produces => 0,
            Self::Consumes => 1,
            Self::Contains => 2,
            Self::Owns => 3,
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

    // Columns.
    let edge_labels: Vec<Option<String>> = prep
        .edges
        .iter()
        .map(|e| {
            e.label
                .as_deref()
                .map(|l| truncate(l, MAX_EDGE_LABEL_CHARS))
        })
        .collect();
    // Each gap is wide enough for the labels drawn in it (a chain's label sits on its middle curve).
    let mut gap_x = vec![GAP_X_MIN; n_layers];
    for chain in &chains {
        if let Some(label) = &edge_labels[chain.edge] {
            let gap = lg.layer[chain.nodes[(chain.nodes.len() - 2) / 2]];
            gap_x[gap] = gap_x[gap].max(label_width(label) + 48.0);
        }
    }
    let mut col_w = vec![0.0_f64; n_layers];
    for v in 0..n {
        col_w[lg.layer[v]] = col_w[lg.layer[v]].max(lg.width[v]);
    }
    let mut col_x = vec![MARGIN; n_layers];
    for l in 1..n_layers {
        col_x[l] = col_x[l - 1] + col_w[l - 1] + gap_x[l - 1];
    }
    let rects: Vec<Rect> = (0..n)
        .map(|v| {
            let l = lg.layer[v];
            Rect {
                x: col_x[l] + (col_w[l] - lg.width[v]) / 2.0,
                y: ys[v] - lg.height[v] / 2.0,
                width: lg.width[v],
                height: lg.height[v],
            }
        })
        .collect();

    // Ports: where each chain leaves its first node and enters its last one.
    let mut start_y = vec![0.0; chains.len()];
    let mut end_y = vec![0.0; chains.len()];
    let mut outs: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (ci, chain) in chains.iter().enumerate() {
        let k = chain.nodes.len();
        outs[chain.nodes[0]].push((ys[chain.nodes[1]], ci));
        ins[chain.nodes[k - 1]].push((ys[chain.nodes[k - 2]], ci));
    }
    for v in 0..n {
        spread_ports(&mut outs[v], ys[v], lg.height[v], &mut start_y);
        spread_ports(&mut ins[v], ys[v], lg.height[v], &mut end_y);
    }

    // Routes.
    let mut routes: Vec<EdgeRoute> = Vec::with_capacity(prep.edges.len());
    let mut label_slots: Vec<(usize, usize)> = Vec::new(); // (gap group, route)
    let mut max_x: f64 = 0.0;
    let mut max_y: f64 = 0.0;
    for (ci, chain) in chains.iter().enumerate() {
        let k = chain.nodes.len();
        let first = chain.nodes[0];
        let last = chain.nodes[k - 1];
        // Straight from the box to its column's edge, so the curves run only between columns.
        let (lf, ll) = (lg.layer[first], lg.layer[last]);
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(2 * k);
        pts.push((rects[first].x + rects[first].width, start_y[ci]));
        pts.push((col_x[lf] + col_w[lf], start_y[ci]));
        for &d in &chain.nodes[1..k - 1] {
            let l = lg.layer[d];
            pts.push((col_x[l], ys[d]));
            pts.push((col_x[l] + col_w[l], ys[d]));
            max_y = max_y.max(ys[d]);
        }
        pts.push((col_x[ll], end_y[ci]));
        pts.push((rects[last].x, end_y[ci]));
        let j = (k - 2) / 2;
        let mid = (
            (pts[2 * j + 1].0 + pts[2 * j + 2].0) / 2.0,
            (pts[2 * j + 1].1 + pts[2 * j + 2].1) / 2.0,
        );
        if chain.reversed {
            pts.reverse();
        }
        // Leave room for the arrowhead's tip; drop the last straight piece if that eats it.
        let dir = if chain.reversed { -1.0 } else { 1.0 };
        let m = pts.len();
        if (pts[m - 1].0 - pts[m - 2].0) * dir > ARROW_GAP + 0.5 {
            pts[m - 1].0 -= ARROW_GAP * dir;
        } else {
            pts.pop();
            pts[m - 2].0 -= ARROW_GAP * dir;
        }
        let mut path = String::with_capacity(24 * pts.len());
        write_chain_path(&mut path, &pts);
        let e = &prep.edges[chain.edge];
        let label_box = edge_labels[chain.edge]
            .as_deref()
            .map(|l| centred_label_box(l, mid));
        if label_box.is_some() {
            label_slots.push((lg.layer[chain.nodes[j]], routes.len()));
        }
        routes.push(EdgeRoute {
            index: e.index,
            from: prep.orig[e.from],
            to: prep.orig[e.to],
            kind: e.kind,
            label: e.label.clone(),
            path,
            label_box,
        });
    }
    for &k in &flat {
        let e = &prep.edges[k];
        let (a, b) = (&rects[e.from], &rects[e.to]);
        let (x0, y0) = (a.x + a.width, ys[e.from]);
        let (x1, y1) = (b.x + b.width + ARROW_GAP, ys[e.to]);
        let bulge = FLAT_BULGE + 0.1 * (y1 - y0).abs();
        let bx = x0.max(x1) + bulge;
        max_x = max_x.max(bx);
        let mut path = String::new();
        let _ = write!(
            path,
            "M{},{} C{},{} {},{} {},{}",
            Num(x0),
            Num(y0),
            Num(bx),
            Num(y0),
            Num(bx),
            Num(y1),
            Num(x1),
            Num(y1)
        );
        let label_box = edge_labels[k]
            .as_deref()
            .map(|l| centred_label_box(l, (bx - 0.25 * bulge, (y0 + y1) / 2.0)));
        if label_box.is_some() {
            label_slots.push((n_layers + node_layer[e.from], routes.len()));
        }
        routes.push(EdgeRoute {
            index: e.index,
            from: prep.orig[e.from],
            to: prep.orig[e.to],
            kind: e.kind,
            label: e.label.clone(),
            path,
            label_box,
        });
    }

    // Keep labels sharing a gap from covering one another.
    label_slots.sort_by(|a, b| {
        let ya = routes[a.1].label_box.map_or(0.0, |r| r.y);
        let yb = routes[b.1].label_box.map_or(0.0, |r| r.y);
        a.0.cmp(&b.0).then(ya.total_cmp(&yb)).then(a.1.cmp(&b.1))
    });
    let mut prev: Option<(usize, f64)> = None;
    for &(group, ri) in &label_slots {
        if let Some(r) = routes[ri].label_box.as_mut() {
            if let Some((g, bottom)) = prev
                && g == group
                && r.y < bottom + 2.0
            {
                r.y = bottom + 2.0;
            }
            prev = Some((group, r.y + r.height));
        }
    }

    for r in &rects {
        max_x = max_x.max(r.x + r.width);
        max_y = max_y.max(r.y + r.height);
    }
    for route in &routes {
        if let Some(r) = route.label_box {
            max_x = max_x.max(r.x + r.width);
            max_y = max_y.max(r.y + r.height);
        }
    }
    let mut width = max_x + MARGIN;
    let mut height = max_y + MARGIN;
    let legend_y = if routes.is_empty() {
        None
    } else {
        let kinds = kinds_present(&routes);
        width = width.max(2.0 * MARGIN + legend_width(&kinds));
        let top = max_y + LEGEND_GAP;
        height = top + LEGEND_H + MARGIN / 2.0;
        Some(top)
    };

    // Report routes in input order.
    routes.sort_by_key(|r| r.index);
    let nodes = (0..n)
        .map(|v| NodeBox {
            index: prep.orig[v],
            layer: node_layer[v],
            rect: rects[v],
            label: labels[v].clone(),
        })
        .collect();
    Some(Layout {
        width: width.ceil(),
        height: height.ceil(),
        nodes,
        edges: routes,
        legend_y,
    })
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
            EdgeKind::Consumes => (e.to, e.from),
            _ => (e.from, e.to),
        };
        let mut clause = format!("{} {} {}", name(subject), e.kind.name(), name(object));
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

// ---------------------------------------------------------------------------------------------
// Input clean-up.

struct PEdge {
    from: usize,
    to: usize,
    kind: EdgeKind,
    label: Option<String>,
    /// Index in `Graph::edges` of the first occurrence.
    index: usize,
}

struct Prepared<'a> {
    nodes: Vec<&'a Node>,
    /// `Graph::nodes` index of each kept node.
    orig: Vec<usize>,
    edges: Vec<PEdge>,
    loops: Vec<PEdge>,
}

fn prepare(graph: &Graph) -> Prepared<'_> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut nodes = Vec::new();
    let mut orig = Vec::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if !ids.contains_key(node.id.as_str()) {
            ids.insert(node.id.as_str(), nodes.len());
            nodes.push(node);
            orig.push(i);
        }
    }
    let mut seen: BTreeMap<(usize, usize, EdgeKind), usize> = BTreeMap::new();
    let mut edges: Vec<PEdge> = Vec::new();
    let mut loops: Vec<PEdge> = Vec::new();
    for (i, e) in graph.edges.iter().enumerate() {
        let (Some(&from), Some(&to)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let label = e
            .label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string);
        let list = if from == to { &mut loops } else { &mut edges };
        if let Some(&k) = seen.get(&(from, to, e.kind)) {
            if let Some(new) = label {
                let target = &mut list[k].label;
                match target {
                    None => *target = Some(new),
                    Some(old) if !old.split(", ").any(|part| part == new) => {
                        old.push_str(", ");
                        old.push_str(&new);
                    }
                    Some(_) => {}
                }
            }
            continue;
        }
        seen.insert((from, to, e.kind), list.len());
        list.push(PEdge {
            from,
            to,
            kind: e.kind,
            label,
            index: i,
        });
    }
    Prepared {
        nodes,
        orig,
        edges,
        loops,
    }
}

fn full_label(node: &Node) -> &str {
    if node.label.trim().is_empty() {
        &node.id
    } else {
        &node.label
    }
}

fn display_label(node: &Node) -> String {
    truncate(full_label(node), MAX_LABEL_CHARS)
}

fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

fn node_width(node: &Node, label: &str) -> f64 {
    let mut text = label.chars().count() as f64 * CHAR_W;
    if node.focus {
        text *= 1.08; // drawn bold
    }
    let badge = node.kind.badge().chars().count() as f64 * BADGE_CHAR_W;
    (text.max(badge) + 2.0 * node.kind.padding())
        .max(NODE_MIN_W)
        .ceil()
}

fn label_width(label: &str) -> f64 {
    (label.chars().count() as f64 * LABEL_CHAR_W + 2.0 * LABEL_PAD_X).ceil()
}

fn centred_label_box(label: &str, (x, y): (f64, f64)) -> Rect {
    let width = label_width(label);
    Rect {
        x: x - width / 2.0,
        y: y - LABEL_H / 2.0,
        width,
        height: LABEL_H,
    }
}

/// Refuses URLs that would run script or embed content when followed.
fn safe_href(href: &str) -> Option<&str> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let scheme: String = href
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    if ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|bad| scheme.starts_with(bad))
    {
        return None;
    }
    Some(href)
}

// ---------------------------------------------------------------------------------------------
// Layering.

/// Column of every node: its hint, or the longest path to it over the edges (with the edges that
/// close cycles turned round, so cycles end); nodes are then moved to shorten edges and empty
/// columns removed.
fn assign_layers(n: usize, hints: &[Option<usize>], edges: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(u, v) in edges {
        if u != v {
            out[u].push(v);
        }
    }
    // Break cycles: order the nodes so few edges point backwards (the greedy heuristic of Eades,
    // Lin and Smyth), then turn those edges round.
    let rank = feedback_order(n, edges);
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (u, targets) in out.iter().enumerate() {
        for &v in targets {
            if rank[u] < rank[v] {
                dag[u].push(v);
            } else {
                dag[v].push(u);
            }
        }
    }
    // Topological order (Kahn; smallest index first, for determinism).
    let mut indeg = vec![0_usize; n];
    for targets in &dag {
        for &w in targets {
            indeg[w] += 1;
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(v) = ready.pop_first() {
        topo.push(v);
        for &w in &dag[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                ready.insert(w);
            }
        }
    }
    // Longest path, honouring hints.
    let mut layer = vec![0_usize; n];
    let mut lower = vec![0_usize; n];
    for &v in &topo {
        layer[v] = hints[v].unwrap_or(lower[v]);
        for &w in &dag[v] {
            lower[w] = lower[w].max(layer[v].saturating_add(1));
        }
    }
    // Shorten edges: move each node, between its predecessors and its successors, towards the side
    // with more edges (coordinate descent on the total edge length). Sources end up next to their
    // successors; the longest-path layering is kept otherwise.
    let mut dag_in: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (u, targets) in dag.iter().enumerate() {
        for &w in targets {
            dag_in[w].push(u);
        }
    }
    for round in 0..6 {
        let mut moved = false;
        let pass: Box<dyn Iterator<Item = &usize>> = if round % 2 == 0 {
            Box::new(topo.iter().rev())
        } else {
            Box::new(topo.iter())
        };
        for &v in pass {
            if hints[v].is_some() {
                continue;
            }
            let lo = dag_in[v]
                .iter()
                .map(|&u| layer[u].saturating_add(1))
                .max()
                .unwrap_or(0);
            let hi = dag[v].iter().map(|&w| layer[w].saturating_sub(1)).min();
            let target = match (dag_in[v].len().cmp(&dag[v].len()), hi) {
                (Ordering::Less, Some(hi)) => hi.max(lo),
                (Ordering::Equal, Some(hi)) => layer[v].clamp(lo, hi.max(lo)),
                _ => lo,
            };
            if target != layer[v] {
                layer[v] = target;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    // Drop empty columns.
    let used: BTreeSet<usize> = layer.iter().copied().collect();
    let rank: BTreeMap<usize, usize> = used.into_iter().enumerate().map(|(i, l)| (l, i)).collect();
    layer
        .iter()
        .map(|l| rank.get(l).copied().unwrap_or(0))
        .collect()
}

/// Rank of every node in an order where few edges point backwards: sinks go last, sources
/// first, and otherwise the node with most outgoing over incoming edges comes next (ties: the
/// earliest in the input). Every edge of an acyclic graph points forwards.
fn feedback_order(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut outs = vec![0_i64; n];
    let mut ins = vec![0_i64; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut inn: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(u, v) in edges {
        if u != v {
            outs[u] += 1;
            ins[v] += 1;
            out[u].push(v);
            inn[v].push(u);
        }
    }
    let mut left = vec![true; n];
    let mut head: Vec<usize> = Vec::with_capacity(n);
    let mut tail: Vec<usize> = Vec::new();
    let remove = |v: usize, left: &mut [bool], outs: &mut [i64], ins: &mut [i64]| {
        left[v] = false;
        for &w in &out[v] {
            ins[w] -= 1;
        }
        for &u in &inn[v] {
            outs[u] -= 1;
        }
    };
    let mut remaining = n;
    while remaining > 0 {
        let pick = if let Some(v) = (0..n).find(|&v| left[v] && outs[v] == 0) {
            tail.push(v);
            v
        } else if let Some(v) = (0..n).find(|&v| left[v] && ins[v] == 0) {
            head.push(v);
            v
        } else {
            let mut best: Option<usize> = None;
            for v in (0..n).filter(|&v| left[v]) {
                if best.is_none_or(|b| outs[v] - ins[v] > outs[b] - ins[b]) {
                    best = Some(v);
                }
            }
            let Some(v) = best else {
                break;
            };
            head.push(v);
            v
        };
        remove(pick, &mut left, &mut outs, &mut ins);
        remaining -= 1;
    }
    let mut rank = vec![0_usize; n];
    for (i, v) in head.into_iter().chain(tail.into_iter().rev()).enumerate() {
        rank[v] = i;
    }
    rank
}

// ---------------------------------------------------------------------------------------------
// Ordering and vertical placement.

/// An edge drawn through the layered graph, from its leftmost node to its rightmost.
struct Chain {
    /// Index into `Prepared::edges`.
    edge: usize,
    /// Layered-graph nodes: the two real ends, waypoints between them.
    nodes: Vec<usize>,
    /// The edge points right to left.
    reversed: bool,
}

#[derive(Clone, Copy)]
enum Side {
    Preds,
    Succs,
    Both,
}

/// Real nodes and waypoints, each edge segment joining adjacent columns.
struct Layered {
    layer: Vec<usize>,
    real: Vec<bool>,
    width: Vec<f64>,
    height: Vec<f64>,
    /// Segments `(upper column node, next column node)`, as added.
    segments: Vec<(usize, usize)>,
    /// Compressed adjacency, built by `finish`: the neighbours of `v` are
    /// `pred_list[pred_at[v]..pred_at[v + 1]]` (same for successors).
    pred_at: Vec<usize>,
    pred_list: Vec<usize>,
    succ_at: Vec<usize>,
    succ_list: Vec<usize>,
    order: Vec<Vec<usize>>,
    pos: Vec<usize>,
}

impl Layered {
    fn new(n_layers: usize) -> Self {
        Self {
            layer: Vec::new(),
            real: Vec::new(),
            width: Vec::new(),
            height: Vec::new(),
            segments: Vec::new(),
            pred_at: Vec::new(),
            pred_list: Vec::new(),
            succ_at: Vec::new(),
            succ_list: Vec::new(),
            order: vec![Vec::new(); n_layers],
            pos: Vec::new(),
        }
    }

    fn add(&mut self, layer: usize, real: bool, width: f64, height: f64) -> usize {
        let id = self.layer.len();
        self.layer.push(layer);
        self.real.push(real);
        self.width.push(width);
        self.height.push(height);
        self.pos.push(self.order[layer].len());
        self.order[layer].push(id);
        id
    }

    fn link(&mut self, a: usize, b: usize) {
        self.segments.push((a, b));
    }

    /// Builds the adjacency lists once all nodes and segments are in.
    fn finish(&mut self) {
        let n = self.layer.len();
        let csr = |key: fn(&(usize, usize)) -> (usize, usize)| {
            let mut at = vec![0_usize; n + 1];
            for seg in &self.segments {
                at[key(seg).0 + 1] += 1;
            }
            for v in 0..n {
                at[v + 1] += at[v];
            }
            let mut fill = at.clone();
            let mut list = vec![0_usize; self.segments.len()];
            for seg in &self.segments {
                let (v, other) = key(seg);
                list[fill[v]] = other;
                fill[v] += 1;
            }
            (at, list)
        };
        let (succ_at, succ_list) = csr(|&(a, b)| (a, b));
        let (pred_at, pred_list) = csr(|&(a, b)| (b, a));
        self.succ_at = succ_at;
        self.succ_list = succ_list;
        self.pred_at = pred_at;
        self.pred_list = pred_list;
    }

    fn preds(&self, v: usize) -> &[usize] {
        &self.pred_list[self.pred_at[v]..self.pred_at[v + 1]]
    }

    fn succs(&self, v: usize) -> &[usize] {
        &self.succ_list[self.succ_at[v]..self.succ_at[v + 1]]
    }

    fn neighbours(&self, v: usize, side: Side) -> impl Iterator<Item = usize> + '_ {
        let (p, s): (&[usize], &[usize]) = match side {
            Side::Preds => (self.preds(v), &[]),
            Side::Succs => (&[], self.succs(v)),
            Side::Both => (self.preds(v), self.succs(v)),
        };
        p.iter().chain(s.iter()).copied()
    }

    fn set_order(&mut self, l: usize, ids: Vec<usize>) {
        for (i, &v) in ids.iter().enumerate() {
            self.pos[v] = i;
        }
        self.order[l] = ids;
    }

    fn order_layers(&mut self) {
        let n_layers = self.order.len();
        if n_layers < 2 {
            return;
        }
        let mut best = self.order.clone();
        let mut best_crossings = self.crossings();
        let mut stale = 0;
        let sweeps = if self.segments.len() > BIG_GRAPH_SEGMENTS {
            ORDER_SWEEPS / 3
        } else {
            ORDER_SWEEPS
        };
        for sweep in 0..sweeps {
            if best_crossings == 0 || stale >= 4 {
                break;
            }
            if sweep % 2 == 0 {
                for l in 1..n_layers {
                    self.barycenter(l, Side::Preds);
                }
            } else {
                for l in (0..n_layers - 1).rev() {
                    self.barycenter(l, Side::Succs);
                }
            }
            let crossings = self.crossings();
            if crossings < best_crossings {
                best_crossings = crossings;
                best.clone_from(&self.order);
                stale = 0;
            } else {
                stale += 1;
            }
        }
        for (l, ids) in best.into_iter().enumerate() {
            self.set_order(l, ids);
        }
        if best_crossings > 0 {
            self.transpose();
        }
    }

    /// Sorts column `l` by the mean position of each node's neighbours on `side`; nodes without
    /// any stay where they are.
    fn barycenter(&mut self, l: usize, side: Side) {
        let ids = &self.order[l];
        let mut kept: Vec<Option<usize>> = Vec::with_capacity(ids.len());
        // Sort keys: the mean in fixed point (20 fractional bits), then the current place.
        let mut moving: Vec<u64> = Vec::new();
        for (i, &v) in ids.iter().enumerate() {
            let (sum, count) = self
                .neighbours(v, side)
                .fold((0_u64, 0_u64), |(s, c), u| (s + self.pos[u] as u64, c + 1));
            match (sum << 20).checked_div(count) {
                Some(mean) => {
                    kept.push(None);
                    moving.push((mean << 24) | i as u64);
                }
                None => kept.push(Some(v)),
            }
        }
        moving.sort_unstable();
        let mut moving = moving
            .into_iter()
            .map(|key| ids[(key & 0xff_ffff) as usize]);
        let new: Vec<usize> = kept
            .into_iter()
            .filter_map(|slot| slot.or_else(|| moving.next()))
            .collect();
        self.set_order(l, new);
    }

    /// Swaps neighbours within a column while that removes crossings.
    fn transpose(&mut self) {
        let passes = if self.segments.len() > BIG_GRAPH_SEGMENTS {
            2
        } else {
            4
        };
        for _ in 0..passes {
            let mut improved = false;
            for l in 0..self.order.len() {
                for i in 1..self.order[l].len() {
                    let (u, w) = (self.order[l][i - 1], self.order[l][i]);
                    if self.pair_crossings(w, u) < self.pair_crossings(u, w) {
                        self.order[l].swap(i - 1, i);
                        self.pos[u] = i;
                        self.pos[w] = i - 1;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Crossings between the edges of `u` and `w` if `u` is placed just above `w`.
    fn pair_crossings(&self, u: usize, w: usize) -> usize {
        let count = |a: &[usize], b: &[usize]| {
            a.iter()
                .map(|&x| b.iter().filter(|&&y| self.pos[x] > self.pos[y]).count())
                .sum::<usize>()
        };
        count(self.preds(u), self.preds(w)) + count(self.succs(u), self.succs(w))
    }

    fn crossings(&self) -> usize {
        let mut total = 0;
        let mut lower: Vec<usize> = Vec::new();
        let mut tree: Vec<usize> = Vec::new();
        for l in 0..self.order.len().saturating_sub(1) {
            // Lower ends of the segments, ordered by upper end then lower end.
            lower.clear();
            for &v in &self.order[l] {
                let from = lower.len();
                lower.extend(self.succs(v).iter().map(|&w| self.pos[w]));
                lower[from..].sort_unstable();
            }
            // Count their inversions with a Fenwick tree.
            let size = self.order[l + 1].len();
            tree.clear();
            tree.resize(size + 1, 0);
            for (inserted, &b) in lower.iter().enumerate() {
                let mut at_most_b = 0;
                let mut i = b + 1;
                while i > 0 {
                    at_most_b += tree[i];
                    i &= i - 1;
                }
                total += inserted - at_most_b;
                let mut i = b + 1;
                while i <= size {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
            }
        }
        total
    }

    fn separation(&self, a: usize, b: usize) -> f64 {
        let gap = match (self.real[a], self.real[b]) {
            (true, true) => GAP_Y,
            (false, false) => GAP_Y_WAYPOINTS,
            _ => GAP_Y_MIXED,
        };
        (self.height[a] + self.height[b]) / 2.0 + gap
    }

    /// Vertical centre of every node, top at `MARGIN`.
    fn place_y(&self) -> Vec<f64> {
        let mut y = vec![0.0; self.layer.len()];
        for ids in &self.order {
            let mut at = 0.0;
            for (i, &v) in ids.iter().enumerate() {
                if i > 0 {
                    at += self.separation(ids[i - 1], v);
                }
                y[v] = at;
            }
            let middle = at / 2.0;
            for &v in ids {
                y[v] -= middle;
            }
        }
        let n_layers = self.order.len();
        let passes = if self.segments.len() > BIG_GRAPH_SEGMENTS {
            Y_PASSES / 2
        } else {
            Y_PASSES
        };
        for _ in 0..passes {
            for l in 1..n_layers {
                self.align(&mut y, l, Side::Preds);
            }
            for l in (0..n_layers.saturating_sub(1)).rev() {
                self.align(&mut y, l, Side::Succs);
            }
        }
        for l in 0..n_layers {
            self.align(&mut y, l, Side::Both);
        }
        let top = (0..y.len())
            .map(|v| y[v] - self.height[v] / 2.0)
            .fold(f64::INFINITY, f64::min);
        if top.is_finite() {
            for value in &mut y {
                *value += MARGIN - top;
            }
        }
        y
    }

    /// Moves column `l` as close as possible to its neighbours' mean heights, keeping its order
    /// and separations (weighted isotonic regression by pool-adjacent-violators).
    fn align(&self, y: &mut [f64], l: usize, side: Side) {
        let ids = &self.order[l];
        let mut offset = 0.0;
        // Blocks of (weight, weighted sum of targets, count).
        let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(ids.len());
        let mut offsets = Vec::with_capacity(ids.len());
        for (i, &v) in ids.iter().enumerate() {
            if i > 0 {
                offset += self.separation(ids[i - 1], v);
            }
            offsets.push(offset);
            let (sum, count) = self
                .neighbours(v, side)
                .fold((0.0, 0_usize), |(s, c), u| (s + y[u], c + 1));
            let (target, weight) = if count == 0 {
                (y[v], 0.2)
            } else if self.real[v] {
                (sum / count as f64, 1.0)
            } else {
                (sum / count as f64, WAYPOINT_WEIGHT)
            };
            blocks.push((weight, weight * (target - offset), 1));
            while blocks.len() >= 2 {
                let (w2, s2, c2) = blocks[blocks.len() - 1];
                let (w1, s1, c1) = blocks[blocks.len() - 2];
                if s1 / w1 <= s2 / w2 {
                    break;
                }
                blocks.pop();
                let merged = blocks.len() - 1;
                blocks[merged] = (w1 + w2, s1 + s2, c1 + c2);
            }
        }
        let mut i = 0;
        for (w, s, c) in blocks {
            for _ in 0..c {
                y[ids[i]] = s / w + offsets[i];
                i += 1;
            }
        }
    }
}

/// Spreads the edges attached to one side of a node over its middle, ordered by the height of
/// their other ends so they do not cross at the node.
fn spread_ports(list: &mut [(f64, usize)], centre: f64, height: f64, out: &mut [f64]) {
    list.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let count = list.len();
    let step = if count > 1 {
        PORT_STEP.min((height - 2.0 * PORT_INSET) / (count - 1) as f64)
    } else {
        0.0
    };
    for (i, &(_, chain)) in list.iter().enumerate() {
        out[chain] = centre + (i as f64 - (count - 1) as f64 / 2.0) * step;
    }
}

/// `pts` alternate: a straight line from each even point to the next (skipped when empty), a
/// curve with horizontal ends from each odd one.
fn write_chain_path(out: &mut String, pts: &[(f64, f64)]) {
    let Some(&(x, y)) = pts.first() else {
        return;
    };
    out.push('M');
    push_point(out, x, y);
    for (i, pair) in pts.windows(2).enumerate() {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if i % 2 == 0 {
            if (x1 - x0).abs() >= 0.05 || (y1 - y0).abs() >= 0.05 {
                out.push_str(" L");
                push_point(out, x1, y1);
            }
        } else {
            let dx = (x1 - x0) / 2.0;
            out.push_str(" C");
            push_point(out, x0 + dx, y0);
            out.push(' ');
            push_point(out, x1 - dx, y1);
            out.push(' ');
            push_point(out, x1, y1);
        }
    }
}

fn push_point(out: &mut String, x: f64, y: f64) {
    push_num(out, x);
    out.push(',');
    push_num(out, y);
}

fn kinds_present(routes: &[EdgeRoute]) -> Vec<EdgeKind> {
    let kinds: BTreeSet<EdgeKind> = routes.iter().map(|r| r.kind).collect();
    kinds.into_iter().collect()
}

fn legend_item_width(kind: EdgeKind) -> f64 {
    LEGEND_LINE + 6.0 + label_width(kind.legend()) + 14.0
}

fn legend_width(kinds: &[EdgeKind]) -> f64 {
    kinds.iter().map(|&k| legend_item_width(k)).sum()
}

// ---------------------------------------------------------------------------------------------
// SVG output.

/// A number with at most one decimal, no trailing `.0`, no `-0`.
struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0_u8; 24];
        f.write_str(num_str(self.0, &mut buf))
    }
}

/// `v` rounded to one decimal, without a trailing `.0` or a `-0`, written right to left into
/// `buf` (much faster than the general float formatter).
fn num_str(v: f64, buf: &mut [u8; 24]) -> &str {
    let scaled = v * 10.0;
    if !scaled.is_finite() || scaled.abs() > 1e15 {
        return "0";
    }
    // Round half away from zero (`f64::round` is a library call; this is not).
    let tenths = if scaled >= 0.0 {
        (scaled + 0.5) as i64
    } else {
        (scaled - 0.5) as i64
    };
    let mut rest = tenths.unsigned_abs();
    let mut at = buf.len();
    let frac = rest % 10;
    rest /= 10;
    if frac != 0 {
        at -= 2;
        buf[at] = b'.';
        buf[at + 1] = b'0' + frac as u8;
    }
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if tenths < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

/// Like `num_str`, straight onto `out`.
fn push_num(out: &mut String, v: f64) {
    let mut buf = [0_u8; 24];
    let text = num_str(v, &mut buf);
    out.push_str(text);
}

/// Text escaped for XML content and attribute values. Characters XML forbids become U+FFFD;
/// line breaks and tabs become spaces.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Copy runs of plain characters whole; replace the others one by one.
        let text = self.0;
        let mut plain_from = 0;
        for (i, c) in text.char_indices() {
            let replacement = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' | '\r' => " ",
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "\u{FFFD}",
                _ => continue,
            };
            f.write_str(&text[plain_from..i])?;
            f.write_str(replacement)?;
            plain_from = i + c.len_utf8();
        }
        f.write_str(&text[plain_from..])
    }
}

/// `hg-` and 16 hex digits of an FNV-1a hash of the title and the graph's content, so that two
/// graphs on one page get different ids.
fn graph_uid(graph: &Graph) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(graph.title.as_bytes());
    for node in &graph.nodes {
        feed(node.id.as_bytes());
    }
    for edge in &graph.edges {
        feed(edge.from.as_bytes());
        feed(edge.to.as_bytes());
        feed(edge.kind.name().as_bytes());
    }
    format!("hg-{hash:016x}")
}

fn write_svg(out: &mut String, graph: &Graph, lay: &Layout, description: &str) -> fmt::Result {
    let uid = graph_uid(graph);
    let (w, h) = (Num(lay.width), Num(lay.height));
    let links = lay.nodes.iter().any(|b| {
        graph
            .nodes
            .get(b.index)
            .and_then(|n| n.href.as_deref())
            .and_then(safe_href)
            .is_some()
    });
    // role="img" hides its children from assistive technology; links must stay reachable.
    let role = if links { "group" } else { "img" };
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"herald-graph\" role=\"{role}\" \
         aria-labelledby=\"{uid}-title\" aria-describedby=\"{uid}-desc\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" preserveAspectRatio=\"xMinYMin meet\">"
    )?;
    write!(
        out,
        "<title id=\"{uid}-title\">{}</title><desc id=\"{uid}-desc\">{}</desc>",
        Esc(if graph.title.trim().is_empty() {
            "Graph"
        } else {
            &graph.title
        }),
        Esc(description)
    )?;
    let kinds = kinds_present(&lay.edges);
    if !kinds.is_empty() {
        out.push_str("<defs>");
        for &kind in &kinds {
            write!(
                out,
                "<marker id=\"{uid}-arrow-{k}\" viewBox=\"0 0 10 10\" refX=\"6.5\" refY=\"5\" \
                 markerWidth=\"8\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" \
                 orient=\"auto\"><path class=\"arrow arrow-{k}\" d=\"M0,1 L9,5 L0,9 z\"/></marker>",
                k = kind.name()
            )?;
        }
        out.push_str("</defs>");
    }
    write!(
        out,
        "<rect class=\"bg\" x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
        Num(lay.width - 1.0),
        Num(lay.height - 1.0)
    )?;

    out.push_str("<g class=\"edges\" aria-hidden=\"true\">");
    for route in &lay.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(route.from), graph.nodes.get(route.to))
        else {
            continue;
        };
        let (subject, object) = match route.kind {
            EdgeKind::Consumes => (to, from),
            _ => (from, to),
        };
        let k = route.kind.name();
        write!(
            out,
            "<g class=\"edge edge-{k}\"><title>{} {k} {}",
            Esc(full_label(subject)),
            Esc(full_label(object))
        )?;
        if let Some(label) = &route.label {
            write!(out, " ({})", Esc(label))?;
        }
        write!(
            out,
            "</title><path d=\"{}\" marker-end=\"url(#{uid}-arrow-{k})\"/></g>",
            route.path
        )?;
    }
    out.push_str("</g>");

    // Reading (and so Tab) order: column by column, top to bottom.
    let mut reading: Vec<&NodeBox> = lay.nodes.iter().collect();
    reading.sort_by(|a, b| {
        a.layer
            .cmp(&b.layer)
            .then(a.rect.y.total_cmp(&b.rect.y))
            .then(a.index.cmp(&b.index))
    });
    out.push_str("<g class=\"nodes\">");
    for b in reading {
        let Some(node) = graph.nodes.get(b.index) else {
            continue;
        };
        write_node(out, node, b)?;
    }
    out.push_str("</g>");

    if lay.edges.iter().any(|r| r.label_box.is_some()) {
        out.push_str("<g class=\"edge-labels\" aria-hidden=\"true\">");
        for route in &lay.edges {
            let (Some(r), Some(label)) = (route.label_box, &route.label) else {
                continue;
            };
            write!(
                out,
                "<g class=\"edge-label\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
                 rx=\"4\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                Num(r.x),
                Num(r.y),
                Num(r.width),
                Num(r.height),
                Num(r.x + r.width / 2.0),
                Num(r.y + 11.5),
                Esc(&truncate(label, MAX_EDGE_LABEL_CHARS))
            )?;
        }
        out.push_str("</g>");
    }

    if let Some(top) = lay.legend_y {
        out.push_str("<g class=\"legend\" aria-hidden=\"true\">");
        let mut x = MARGIN;
        let y = top + LEGEND_H / 2.0;
        for &kind in &kinds {
            let k = kind.name();
            write!(
                out,
                "<g class=\"edge edge-{k}\"><path d=\"M{},{} H{}\" \
                 marker-end=\"url(#{uid}-arrow-{k})\"/></g><text x=\"{}\" y=\"{}\">{}</text>",
                Num(x),
                Num(y),
                Num(x + LEGEND_LINE - ARROW_GAP),
                Num(x + LEGEND_LINE + 6.0),
                Num(y + 4.0),
                kind.legend()
            )?;
            x += legend_item_width(kind);
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    Ok(())
}

fn write_node(out: &mut String, node: &Node, b: &NodeBox) -> fmt::Result {
    let kind = node.kind;
    let full = full_label(node);
    let href = node.href.as_deref().and_then(safe_href);
    let r = &b.rect;
    // A link's accessible name is its visible text ("app order-service"): an aria-label
    // or a <title> inside it would make the name differ from what sighted users read.
    if let Some(href) = href {
        write!(
            out,
            "<a href=\"{}\"{}>",
            Esc(href),
            if node.focus {
                " aria-current=\"page\""
            } else {
                ""
            }
        )?;
    }
    write!(
        out,
        "<g class=\"node node-{}{}\">",
        kind.name(),
        if node.focus { " node-focus" } else { "" },
    )?;
    if href.is_none() {
        write!(out, "<title>{} ({})</title>", Esc(full), kind.name())?;
    }
    let radius = kind.corner_radius();
    if node.focus {
        write!(
            out,
            "<rect class=\"halo\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>",
            Num(r.x - 4.0),
            Num(r.y - 4.0),
            Num(r.width + 8.0),
            Num(r.height + 8.0),
            Num(radius + 4.0)
        )?;
    }
    let cx = Num(r.x + r.width / 2.0);
    write!(
        out,
        "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>\
         <text class=\"badge\" x=\"{cx}\" y=\"{}\">{}</text>\
         <text class=\"name\" x=\"{cx}\" y=\"{}\">{}</text></g>",
        Num(r.x),
        Num(r.y),
        Num(r.width),
        Num(r.height),
        Num(radius),
        Num(r.y + BADGE_BASELINE),
        kind.badge(),
        Num(r.y + NAME_BASELINE),
        Esc(&b.label)
    )?;
    if href.is_some() {
        out.push_str("</a>");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Colours.

#[derive(Clone, Copy)]
struct KindColours {
    fill: &'static str,
    stroke: &'static str,
    text: &'static str,
    badge: &'static str,
}

struct Theme {
    bg: &'static str,
    border: &'static str,
    muted: &'static str,
    label_bg: &'static str,
    label_border: &'static str,
    label_text: &'static str,
    focus: &'static str,
    /// Indexed by `EdgeKind::index`.
    edges: [&'static str; 4],
    /// Indexed by `NodeKind::index`.
    kinds: [KindColours; 6],
}

const LIGHT: Theme = Theme {
    bg: "#ffffff",
    border: "#d0d7de",
    muted: "#57606a",
    label_bg: "#ffffff",
    label_border: "#d0d7de",
    label_text: "#1f2328",
    focus: "#1f2328",
    edges: ["#2563eb", "#c2410c", "#15803d", "#be185d"],
    kinds: [
        KindColours {
            fill: "#eff6ff",
            stroke: "#2563eb",
            text: "#1e3a8a",
            badge: "#1d4ed8",
        },
        KindColours {
            fill: "#fff7ed",
            stroke: "#ea580c",
            text: "#7c2d12",
            badge: "#9a3412",
        },
        KindColours {
            fill: "#faf5ff",
            stroke: "#9333ea",
            text: "#581c87",
            badge: "#7e22ce",
        },
        KindColours {
            fill: "#f0fdf4",
            stroke: "#16a34a",
            text: "#14532d",
            badge: "#166534",
        },
        KindColours {
            fill: "#fdf2f8",
            stroke: "#db2777",
            text: "#831843",
            badge: "#9d174d",
        },
        KindColours {
            fill: "#f8fafc",
            stroke: "#64748b",
            text: "#0f172a",
            badge: "#475569",
        },
    ],
};

const DARK: Theme = Theme {
    bg: "#0d1117",
    border: "#30363d",
    muted: "#9198a1",
    label_bg: "#161b22",
    label_border: "#3d444d",
    label_text: "#e6edf3",
    focus: "#f0f6fc",
    edges: ["#60a5fa", "#fb923c", "#4ade80", "#f472b6"],
    kinds: [
        KindColours {
            fill: "#172554",
            stroke: "#60a5fa",
            text: "#dbeafe",
            badge: "#93c5fd",
        },
        KindColours {
            fill: "#431407",
            stroke: "#fb923c",
            text: "#ffedd5",
            badge: "#fdba74",
        },
        KindColours {
            fill: "#3b0764",
            stroke: "#c084fc",
            text: "#f3e8ff",
            badge: "#d8b4fe",
        },
        KindColours {
            fill: "#052e16",
            stroke: "#4ade80",
            text: "#dcfce7",
            badge: "#86efac",
        },
        KindColours {
            fill: "#500724",
            stroke: "#f472b6",
            text: "#fce7f3",
            badge: "#f9a8d4",
        },
        KindColours {
            fill: "#1e293b",
            stroke: "#94a3b8",
            text: "#f1f5f9",
            badge: "#cbd5e1",
        },
    ],
};

const STYLE_BASE: &str = ".herald-graph{max-width:100%;height:auto}\
.herald-graph{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\
.herald-graph .bg{stroke-width:1px}\
.herald-graph text{text-anchor:middle}\
.herald-graph .legend text{text-anchor:start;font-size:11px}\
.herald-graph .node .box{stroke-width:1.5px}\
.herald-graph .node .name{font-size:13px}\
.herald-graph .node .badge{font-size:10px;letter-spacing:.06em;text-transform:uppercase}\
.herald-graph .node-focus .box{stroke-width:2.5px}\
.herald-graph .node-focus .name{font-weight:600}\
.herald-graph .node .halo{fill:none;stroke-width:2px;stroke-opacity:.45}\
.herald-graph a{cursor:pointer}\
.herald-graph a:hover .name{text-decoration:underline}\
.herald-graph a:focus{outline:none}\
.herald-graph a:focus-visible rect.box{stroke-width:3px}\
.herald-graph .edge path{fill:none;stroke-width:1.5px}\
.herald-graph .edge-contains path,.herald-graph .edge-owns path{stroke-dasharray:6 4}\
.herald-graph .edge-label rect{stroke-width:1px}\
.herald-graph .edge-label text{font-size:11px}";

const STYLE_FORCED: &str = "@media (forced-colors:active){\
.herald-graph .bg,.herald-graph .node .box,.herald-graph .edge-label rect{fill:Canvas;stroke:CanvasText}\
.herald-graph text{fill:CanvasText}\
.herald-graph a .name{fill:LinkText}\
.herald-graph .edge path,.herald-graph .node .halo{stroke:CanvasText}\
.herald-graph .arrow{fill:CanvasText}\
.herald-graph a:focus-visible rect.box{stroke:Highlight}}";

fn write_theme(out: &mut String, t: &Theme) -> fmt::Result {
    write!(
        out,
        ".herald-graph .bg{{fill:{};stroke:{}}}\
         .herald-graph .legend text{{fill:{}}}\
         .herald-graph .edge-label rect{{fill:{};stroke:{}}}\
         .herald-graph .edge-label text{{fill:{}}}\
         .herald-graph a:focus-visible rect.box{{stroke:{}}}",
        t.bg, t.border, t.muted, t.label_bg, t.label_border, t.label_text, t.focus
    )?;
    for kind in NodeKind::ALL {
        let c = t.kinds[kind.index()];
        let k = kind.name();
        write!(
            out,
            ".herald-graph .node-{k} rect{{fill:{};stroke:{}}}\
             .herald-graph .node-{k} .name{{fill:{}}}\
             .herald-graph .node-{k} .badge{{fill:{}}}",
            c.fill, c.stroke, c.text, c.badge
        )?;
    }
    for kind in EdgeKind::ALL {
        let k = kind.name();
        let colour = t.edges[kind.index()];
        write!(
            out,
            ".herald-graph .edge-{k} path{{stroke:{colour}}}.herald-graph .arrow-{k}{{fill:{colour}}}"
        )?;
    }
    Ok(())
}

/// The graphs' stylesheet, served as `static/graph.css` (a test keeps the file equal to
/// this): the portal's Content-Security-Policy allows no inline styles.
pub fn stylesheet() -> String {
    let mut out = String::from(
        "/* Generated by portal::graph::stylesheet(); a test keeps this file in step. */\n",
    );
    out.push_str(STYLE_BASE);
    // Writing into a String cannot fail.
    let _ = write_theme(&mut out, &LIGHT);
    out.push_str("@media (prefers-color-scheme:dark){");
    let _ = write_theme(&mut out, &DARK);
    out.push('}');
    out.push_str(STYLE_FORCED);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn the_served_stylesheet_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/graph.css");
        let expected = stylesheet();
        if std::env::var_os("HERALD_REGENERATE").is_some() {
            std::fs::write(path, &expected).expect("write static/graph.css");
        }
        let served = std::fs::read_to_string(path).expect("static/graph.css");
        assert_eq!(
            served, expected,
            "static/graph.css is stale: HERALD_REGENERATE=1 cargo test --lib portal::graph"
        );
    }

    fn topic_flow() -> Graph {
        let mut g = Graph::new("Flow of orders");
        for p in ["p1", "p2", "p3"] {
            g.nodes
                .push(Node::new(p, format!("{p}-service"), NodeKind::Application));
        }
        g.nodes
            .push(Node::new("orders", "orders.order-events", NodeKind::Topic).focused());
        for c in ["c1", "c2", "c3", "c4"] {
            g.nodes.push(
                Node::new(c, format!("{c}-service"), NodeKind::Application)
                    .with_href(format!("/apps/{c}")),
            );
        }
        for p in ["p1", "p2", "p3"] {
            g.edges.push(Edge::produces(p, "orders").with_label("v3"));
        }
        for c in ["c1", "c2", "c3", "c4"] {
            g.edges.push(Edge::consumes(c, "orders").with_label(">=2"));
        }
        g
    }

    /// Deterministic pseudo-random graph: `n` nodes, about `m` edges.
    fn random_graph(n: usize, m: usize, seed: u64) -> Graph {
        let mut state = seed;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % bound
        };
        let mut g = Graph::new(format!("random {n} {m} {seed}"));
        for i in 0..n {
            let kind = NodeKind::ALL[next(NodeKind::ALL.len())];
            let label = "x".repeat(3 + next(30));
            let mut node = Node::new(format!("n{i}"), format!("{i}-{label}"), kind);
            if next(3) == 0 {
                node = node.with_href(format!("/n/{i}"));
            }
            g.nodes.push(node);
        }
        for _ in 0..m {
            let a = next(n);
            let b = next(n);
            let kind = EdgeKind::ALL[next(EdgeKind::ALL.len())];
            let mut edge = Edge::new(format!("n{a}"), format!("n{b}"), kind);
            if next(4) == 0 {
                edge = edge.with_label(format!("v{}", next(9)));
            }
            g.edges.push(edge);
        }
        g
    }

    /// Checks tag balance, attribute syntax and entity use: enough to call it well-formed XML
    /// for what this module writes.
    fn assert_well_formed(doc: &str) {
        let mut stack: Vec<&str> = Vec::new();
        let mut roots = 0;
        let mut rest = doc;
        loop {
            let lt = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..lt];
            assert!(
                !stack.is_empty() || text.trim().is_empty(),
                "text outside the root: {text:?}"
            );
            assert_entities(text);
            assert!(!text.contains('>'), "raw > in text: {text:?}");
            if lt == rest.len() {
                break;
            }
            let after = &rest[lt + 1..];
            let gt = after.find('>').expect("unclosed tag");
            let tag = &after[..gt];
            rest = &after[gt + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched close tag");
                continue;
            }
            assert!(
                !tag.starts_with('!') && !tag.starts_with('?'),
                "unexpected {tag}"
            );
            let self_closing = tag.ends_with('/');
            let body = tag.strip_suffix('/').unwrap_or(tag);
            let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
            let name = &body[..name_end];
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "bad element name {name:?}"
            );
            let mut attrs = body[name_end..].trim_start();
            let mut seen: Vec<&str> = Vec::new();
            while !attrs.is_empty() {
                let eq = attrs.find("=\"").expect("attribute without =\"");
                let attr = &attrs[..eq];
                assert!(
                    attr.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
                    "bad attribute name {attr:?}"
                );
                assert!(!seen.contains(&attr), "repeated attribute {attr}");
                seen.push(attr);
                let value_and_rest = &attrs[eq + 2..];
                let close = value_and_rest.find('"').expect("unterminated attribute");
                let value = &value_and_rest[..close];
                assert!(!value.contains('<'), "< in attribute {value:?}");
                assert_entities(value);
                let after_value = &value_and_rest[close + 1..];
                assert!(
                    after_value.is_empty() || after_value.starts_with(char::is_whitespace),
                    "attributes must be separated"
                );
                attrs = after_value.trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "unclosed elements: {stack:?}");
        assert_eq!(roots, 1, "exactly one root element");
    }

    fn assert_entities(text: &str) {
        for (i, _) in text.match_indices('&') {
            let tail = &text[i + 1..];
            assert!(
                ["amp;", "lt;", "gt;", "quot;", "#39;"]
                    .iter()
                    .any(|e| tail.starts_with(e)),
                "bare & in {text:?}"
            );
        }
    }

    fn svg(g: &Graph) -> String {
        render_svg(g).expect("graph should render")
    }

    #[test]
    fn topic_flow_has_producers_topic_consumers_in_three_columns() {
        let g = topic_flow();
        let lay = layout(&g).expect("layout");
        let x_of = |id: &str| {
            let b = lay
                .nodes
                .iter()
                .find(|b| g.nodes[b.index].id == id)
                .expect("node");
            (b.layer, b.rect.x + b.rect.width / 2.0)
        };
        let topic = x_of("orders");
        assert_eq!(topic.0, 1);
        for p in ["p1", "p2", "p3"] {
            let (layer, x) = x_of(p);
            assert_eq!(layer, 0);
            assert!(x < topic.1);
        }
        for c in ["c1", "c2", "c3", "c4"] {
            let (layer, x) = x_of(c);
            assert_eq!(layer, 2);
            assert!(x > topic.1);
        }
        // Same column, same centre.
        assert_eq!(x_of("p1").1, x_of("p3").1);
        assert_eq!(x_of("c1").1, x_of("c4").1);
        // And in the SVG: boxes of producers start left of the topic's, consumers right of it.
        let out = svg(&g);
        let box_x = |label: &str| -> f64 {
            let at = out.find(&format!(">{label}</text>")).expect("label drawn");
            let head = &out[..at];
            let rect = head.rfind("<rect class=\"box\" x=\"").expect("box") + 21;
            head[rect..]
                .split('"')
                .next()
                .and_then(|v| v.parse().ok())
                .expect("x")
        };
        assert!(box_x("p2-service") < box_x("orders.order-events"));
        assert!(box_x("orders.order-events") < box_x("c2-service"));
    }

    #[test]
    fn layer_hints_are_columns() {
        let mut g = Graph::new("hints");
        g.nodes
            .push(Node::new("a", "a", NodeKind::Team).in_layer(2));
        g.nodes
            .push(Node::new("b", "b", NodeKind::Application).in_layer(0));
        g.nodes.push(Node::new("c", "c", NodeKind::Topic));
        g.edges.push(Edge::owns("a", "b"));
        g.edges.push(Edge::produces("b", "c"));
        let lay = layout(&g).expect("layout");
        let layers: Vec<usize> = lay.nodes.iter().map(|b| b.layer).collect();
        assert_eq!(layers, vec![2, 0, 1]);
        assert_eq!(lay.edges.len(), 2);
        assert_well_formed(&svg(&g));
        // Far-apart hints leave no empty columns.
        let mut g = Graph::new("sparse");
        g.nodes
            .push(Node::new("a", "a", NodeKind::Domain).in_layer(0));
        g.nodes
            .push(Node::new("b", "b", NodeKind::Topic).in_layer(usize::MAX));
        g.edges.push(Edge::contains("a", "b"));
        let lay = layout(&g).expect("layout");
        assert_eq!(lay.nodes[1].layer, 1);
    }

    #[test]
    fn boxes_do_not_overlap_in_a_40_node_graph() {
        for seed in 1..=5 {
            let g = random_graph(40, 70, seed);
            let lay = layout(&g).expect("layout");
            assert_eq!(lay.nodes.len(), 40);
            for (i, a) in lay.nodes.iter().enumerate() {
                assert!(a.rect.x >= 0.0 && a.rect.y >= 0.0);
                assert!(a.rect.x + a.rect.width <= lay.width);
                assert!(a.rect.y + a.rect.height <= lay.height);
                for b in &lay.nodes[i + 1..] {
                    assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
                }
                for e in &lay.edges {
                    if let Some(l) = e.label_box {
                        assert!(!a.rect.overlaps(&l), "label {l:?} on node {a:?}");
                    }
                }
            }
            assert_well_formed(&svg(&g));
        }
    }

    /// Samples every drawn edge and checks it stays out of the boxes it does not join.
    #[test]
    fn edges_pass_between_boxes() {
        fn points(path: &str) -> Vec<(f64, f64)> {
            let nums: Vec<f64> = path
                .split(|c: char| c == ' ' || c == ',' || c.is_ascii_alphabetic())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().expect("number"))
                .collect();
            let mut pts = vec![(nums[0], nums[1])];
            let cmds = path.chars().filter(char::is_ascii_alphabetic).skip(1);
            let mut i = 2;
            for cmd in cmds {
                let start = *pts.last().expect("point");
                if cmd == 'C' {
                    let c = &nums[i..i + 6];
                    for s in 1..=20 {
                        let t = f64::from(s) / 20.0;
                        let u = 1.0 - t;
                        let bez = |a: f64, b: f64, c2: f64, d: f64| {
                            u * u * u * a
                                + 3.0 * u * u * t * b
                                + 3.0 * u * t * t * c2
                                + t * t * t * d
                        };
                        pts.push((
                            bez(start.0, c[0], c[2], c[4]),
                            bez(start.1, c[1], c[3], c[5]),
                        ));
                    }
                    i += 6;
                } else {
                    let end = (nums[i], nums[i + 1]);
                    for s in 1..=20 {
                        let t = f64::from(s) / 20.0;
                        pts.push((
                            start.0 + t * (end.0 - start.0),
                            start.1 + t * (end.1 - start.1),
                        ));
                    }
                    i += 2;
                }
            }
            pts
        }
        for seed in 1..=5 {
            let g = random_graph(40, 70, seed);
            let lay = layout(&g).expect("layout");
            for e in &lay.edges {
                if lay
                    .nodes
                    .iter()
                    .find(|b| b.index == e.from)
                    .map(|b| b.layer)
                    == lay.nodes.iter().find(|b| b.index == e.to).map(|b| b.layer)
                {
                    continue; // same-column edges (only from hints) bulge out to the right
                }
                for (x, y) in points(&e.path) {
                    for b in &lay.nodes {
                        if b.index == e.from || b.index == e.to {
                            continue;
                        }
                        let r = b.rect;
                        let inside = x > r.x + 1.0
                            && x < r.x + r.width - 1.0
                            && y > r.y + 1.0
                            && y < r.y + r.height - 1.0;
                        assert!(!inside, "edge {e:?} crosses node {b:?} at {x},{y}");
                    }
                }
            }
        }
    }

    #[test]
    fn cycles_terminate() {
        let mut g = Graph::new("cycle");
        for id in ["a", "b", "c", "d"] {
            g.nodes.push(Node::new(id, id, NodeKind::Application));
        }
        g.edges.push(Edge::produces("a", "b"));
        g.edges.push(Edge::produces("b", "c"));
        g.edges.push(Edge::produces("c", "a"));
        g.edges.push(Edge::consumes("c", "d"));
        g.edges.push(Edge::produces("c", "d"));
        g.edges.push(Edge::produces("d", "d"));
        let lay = layout(&g).expect("layout");
        let mut layers: Vec<usize> = lay.nodes.iter().map(|b| b.layer).collect();
        layers.sort_unstable();
        layers.dedup();
        assert!(layers.len() >= 2);
        // The self-loop is not drawn; the other five edges are.
        assert_eq!(lay.edges.len(), 5);
        let out = svg(&g);
        assert_well_formed(&out);
        assert!(out.contains("d produces d"));
        // A complete graph, every edge in both directions.
        let mut g = Graph::new("dense cycle");
        for i in 0..12 {
            g.nodes
                .push(Node::new(format!("{i}"), format!("{i}"), NodeKind::Topic));
        }
        for i in 0..12 {
            for j in 0..12 {
                g.edges.push(Edge::new(
                    format!("{i}"),
                    format!("{j}"),
                    EdgeKind::Produces,
                ));
            }
        }
        assert_well_formed(&svg(&g));
    }

    #[test]
    fn all_text_is_escaped() {
        let evil = "<script>alert(1)</script>";
        let mut g = Graph::new("Title \"with\" <b>tags</b> & 'quotes'");
        g.nodes.push(
            Node::new("x\"><script>", evil, NodeKind::Application)
                .with_href("/apps/a?x=1&y=\"2\"><script>alert('x')</script>"),
        );
        g.nodes.push(Node::new("t", "t & <u>", NodeKind::Topic));
        g.edges
            .push(Edge::produces("x\"><script>", "t").with_label("<v3 & \"x\">"));
        g.nodes.push(Node::new(
            "ctl",
            "bell\u{7} tab\tnew\nline",
            NodeKind::Event,
        ));
        let out = svg(&g);
        assert_well_formed(&out);
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<b>") && !out.contains("<u>"));
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            out.contains("Title &quot;with&quot; &lt;b&gt;tags&lt;/b&gt; &amp; &#39;quotes&#39;")
        );
        assert!(out.contains("href=\"/apps/a?x=1&amp;y=&quot;2&quot;&gt;&lt;script&gt;"));
        assert!(out.contains("&lt;v3 &amp; &quot;x&quot;&gt;"));
        assert!(out.contains("bell\u{FFFD} tab new line"));
        assert!(!out.contains('\u{7}'));
    }

    #[test]
    fn script_urls_are_not_links() {
        let mut g = Graph::new("links");
        g.nodes
            .push(Node::new("a", "a", NodeKind::Application).with_href(" JavaScript:alert(1)"));
        g.nodes
            .push(Node::new("b", "b", NodeKind::Application).with_href("java\tscript:x"));
        g.nodes
            .push(Node::new("c", "c", NodeKind::Application).with_href("data:text/html,x"));
        let out = svg(&g);
        assert!(!out.contains("<a "));
        assert!(out.contains("role=\"img\""));
        g.nodes
            .push(Node::new("d", "d", NodeKind::Application).with_href("/apps/d"));
        let out = svg(&g);
        assert!(out.contains("<a href=\"/apps/d\">"));
        assert!(out.contains("role=\"group\""));
    }

    #[test]
    fn size_limits() {
        let many = |n: usize| {
            let mut g = Graph::new("many");
            for i in 0..n {
                g.nodes
                    .push(Node::new(format!("n{i}"), "x", NodeKind::Topic));
            }
            g
        };
        assert!(render_svg(&many(MAX_NODES + 1)).is_none());
        assert!(layout(&many(MAX_NODES + 1)).is_none());
        assert!(render_svg(&many(MAX_NODES)).is_some());
        assert!(render_svg(&many(0)).is_none());
        // Duplicates do not count.
        let mut g = many(MAX_NODES);
        g.nodes.push(Node::new("n0", "again", NodeKind::Team));
        assert!(render_svg(&g).is_some());
    }

    #[test]
    fn output_is_well_formed_xml() {
        assert_well_formed(&svg(&topic_flow()));
        for seed in 10..20 {
            let out = svg(&random_graph(MAX_NODES, 200, seed));
            assert_well_formed(&out);
            assert!(out.starts_with("<svg ") && out.ends_with("</svg>"));
        }
        let mut g = Graph::new("one");
        g.nodes.push(Node::new("a", "", NodeKind::Subject));
        let out = svg(&g);
        assert_well_formed(&out);
        assert!(out.contains(">a</text>"), "empty label shows the id");
    }

    #[test]
    fn unknown_ids_and_duplicates() {
        let mut g = topic_flow();
        g.edges.push(Edge::produces("ghost", "orders"));
        g.edges.push(Edge::consumes("c1", "nowhere"));
        g.nodes
            .push(Node::new("orders", "IMPOSTOR", NodeKind::Team));
        g.edges
            .push(Edge::produces("p1", "orders").with_label("v4"));
        g.edges
            .push(Edge::produces("p1", "orders").with_label("v3"));
        let lay = layout(&g).expect("layout");
        assert_eq!(lay.nodes.len(), 8);
        assert_eq!(lay.edges.len(), 7);
        assert_eq!(lay.edges[0].label.as_deref(), Some("v3, v4"));
        let out = svg(&g);
        assert!(!out.contains("IMPOSTOR") && !out.contains("ghost"));
        assert_well_formed(&out);
    }

    #[test]
    fn long_labels_are_cut_but_kept_in_title() {
        let long = "a-very-long-topic-name-that-goes-on-and-on.and-on";
        let mut g = Graph::new("long");
        // Not a link: links are named by their visible text, other nodes by a <title>.
        g.nodes.push(Node::new("t", long, NodeKind::Topic));
        let lay = layout(&g).expect("layout");
        assert_eq!(lay.nodes[0].label.chars().count(), MAX_LABEL_CHARS);
        assert!(lay.nodes[0].label.ends_with('…'));
        let out = svg(&g);
        assert!(out.contains(&format!("<title>{long} (topic)</title>")));
        assert!(out.contains(&format!(">{}</text>", lay.nodes[0].label)));
        let box_width = lay.nodes[0].rect.width;
        assert!(box_width >= MAX_LABEL_CHARS as f64 * CHAR_W);
    }

    #[test]
    fn accessible_structure() {
        let g = topic_flow();
        let out = svg(&g);
        let uid = graph_uid(&g);
        assert!(out.contains(&format!("aria-labelledby=\"{uid}-title\"")));
        assert!(out.contains(&format!("<title id=\"{uid}-title\">Flow of orders</title>")));
        assert!(out.contains(&format!("<desc id=\"{uid}-desc\">")));
        assert!(stylesheet().contains(".herald-graph{max-width:100%;height:auto}"));
        assert!(out.contains("preserveAspectRatio=\"xMinYMin meet\""));
        assert!(stylesheet().contains("@media (prefers-color-scheme:dark)"));
        assert!(
            !out.contains("<style") && !out.contains("style=\""),
            "no inline styles (CSP)"
        );
        assert!(out.contains("class=\"node node-topic node-focus\""));
        assert!(out.contains("class=\"edge edge-produces\""));
        assert!(out.contains("class=\"edge edge-consumes\""));
        assert!(stylesheet().contains("a:focus-visible rect.box{stroke-width:3px}"));
        // Natural width is the max width.
        let lay = layout(&g).expect("layout");
        assert!(out.contains(&format!(
            "width=\"{}\" height=\"{}\"",
            Num(lay.width),
            Num(lay.height)
        )));
        // Every id is unique and prefixed; another graph gets other ids.
        let ids: Vec<&str> = out
            .split(" id=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert!(ids.len() >= 4);
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
        assert!(ids.iter().all(|id| id.starts_with(&uid)));
        let mut other = topic_flow();
        other.title = "Another flow".into();
        assert_ne!(graph_uid(&other), uid);
    }

    #[test]
    fn description_reads_as_sentences() {
        let mut g = topic_flow();
        g.nodes
            .push(Node::new("lonely", "lonely-app", NodeKind::Application));
        let text = describe(&g);
        assert!(text.starts_with("p1-service produces orders.order-events (v3); "));
        assert!(text.contains("c4-service consumes orders.order-events (>=2)"));
        assert!(text.ends_with(". Also shows lonely-app."));
        let out = svg(&g);
        assert!(out.contains("c4-service consumes orders.order-events (&gt;=2)"));
    }

    #[test]
    fn output_is_deterministic() {
        for g in [topic_flow(), random_graph(50, 150, 7)] {
            let a = svg(&g);
            let b = svg(&g.clone());
            assert_eq!(a, b);
        }
    }

    #[test]
    fn text_contrast_is_at_least_4_5_to_1() {
        fn luminance(hex: &str) -> f64 {
            let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).expect("hex colour");
            let channel = |shift: u32| {
                let c = f64::from((v >> shift) & 0xff) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
        }
        fn contrast(a: &str, b: &str) -> f64 {
            let (la, lb) = (luminance(a), luminance(b));
            (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
        }
        for theme in [&LIGHT, &DARK] {
            for c in theme.kinds {
                assert!(contrast(c.text, c.fill) >= 4.5, "{} on {}", c.text, c.fill);
                assert!(
                    contrast(c.badge, c.fill) >= 4.5,
                    "{} on {}",
                    c.badge,
                    c.fill
                );
                // Borders and focus ring, as graphics: 3:1.
                assert!(
                    contrast(c.stroke, theme.bg) >= 3.0,
                    "{} on {}",
                    c.stroke,
                    theme.bg
                );
                assert!(contrast(theme.focus, c.fill) >= 3.0);
            }
            assert!(contrast(theme.label_text, theme.label_bg) >= 4.5);
            assert!(contrast(theme.muted, theme.bg) >= 4.5);
            for edge in theme.edges {
                assert!(contrast(edge, theme.bg) >= 3.0, "{edge} on {}", theme.bg);
            }
        }
    }

    #[test]
    fn numbers_are_short() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.04, "0"),
            (12.0, "12"),
            (12.25, "12.3"),
            (12.04, "12"),
            (-3.45, "-3.5"),
            (0.96, "1"),
            (1234.5, "1234.5"),
            (f64::NAN, "0"),
            (f64::INFINITY, "0"),
        ];
        for (value, text) in cases {
            assert_eq!(Num(value).to_string(), text, "{value}");
        }
    }

    #[test]
    fn same_column_edges_bulge_to_the_right() {
        let mut g = Graph::new("flat");
        g.nodes
            .push(Node::new("a", "a", NodeKind::Team).in_layer(0));
        g.nodes
            .push(Node::new("b", "b", NodeKind::Team).in_layer(0));
        g.edges.push(Edge::owns("a", "b").with_label("x"));
        let lay = layout(&g).expect("layout");
        let right = lay.nodes[0].rect.x + lay.nodes[0].rect.width;
        let path = &lay.edges[0].path;
        assert!(path.contains(" C"), "{path}");
        let label = lay.edges[0].label_box.expect("label");
        assert!(label.x > right);
        assert!(label.x + label.width <= lay.width);
        assert_well_formed(&svg(&g));
    }

    #[test]
    fn links_follow_reading_order_and_mark_the_page() {
        let mut g = Graph::new("order");
        g.nodes
            .push(Node::new("c", "consumer", NodeKind::Application).with_href("/c"));
        g.nodes.push(
            Node::new("t", "topic", NodeKind::Topic)
                .with_href("/t")
                .focused(),
        );
        g.nodes
            .push(Node::new("p", "producer", NodeKind::Application).with_href("/p"));
        g.edges.push(Edge::produces("p", "t"));
        g.edges.push(Edge::consumes("c", "t"));
        let out = svg(&g);
        let at = |s: &str| out.find(s).expect(s);
        assert!(at("href=\"/p\"") < at("href=\"/t\""));
        assert!(at("href=\"/t\"") < at("href=\"/c\""));
        assert!(out.contains("<a href=\"/t\" aria-current=\"page\">"));
        assert!(out.contains("class=\"halo\""));
        // An empty title still names the drawing.
        g.title = "  ".into();
        assert!(svg(&g).contains("-title\">Graph</title>"));
    }

    #[test]
    fn renders_60_nodes_and_200_edges_quickly() {
        // A domain map's shape (applications producing and consuming topics) and an arbitrary one.
        let mut bipartite = Graph::new("apps and topics");
        let mut state = 7_u64;
        let mut next = |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % bound
        };
        for i in 0..20 {
            bipartite.nodes.push(Node::new(
                format!("a{i}"),
                format!("app-{i}-service"),
                NodeKind::Application,
            ));
        }
        for i in 0..40 {
            bipartite.nodes.push(Node::new(
                format!("t{i}"),
                format!("domain.topic-{i}.events"),
                NodeKind::Topic,
            ));
        }
        for _ in 0..200 {
            let (a, t) = (format!("a{}", next(20)), format!("t{}", next(40)));
            bipartite.edges.push(if next(2) == 0 {
                Edge::produces(a, t)
            } else {
                Edge::consumes(a, t)
            });
        }
        for g in [bipartite, random_graph(MAX_NODES, 200, 42)] {
            // The fastest of several runs: the machine may be busy with other work.
            let mut fastest = std::time::Duration::MAX;
            for _ in 0..15 {
                let start = Instant::now();
                assert!(render_svg(&g).is_some());
                fastest = fastest.min(start.elapsed());
            }
            eprintln!("{}: {fastest:?} per render", g.title);
            // Well under 1 ms in release builds; unoptimised test builds get more room.
            let limit_us = if cfg!(debug_assertions) {
                100_000
            } else {
                1_000
            };
            assert!(fastest.as_micros() < limit_us, "{fastest:?} per render");
        }
    }
}
