//! Input clean-up before layout: nodes deduplicated by id, edges to unknown ids dropped,
//! repeated edges merged (labels joined), self-loops set aside; and the text metrics that size
//! boxes and labels (no font is loaded: widths are estimated per character).

use std::collections::BTreeMap;

use super::{EdgeKind, Graph, MAX_LABEL_CHARS, Node, Rect};

pub(super) const CHAR_W: f64 = 7.2; // at 13px
const BADGE_CHAR_W: f64 = 7.0; // 10px, upper case, letter-spaced
const LABEL_CHAR_W: f64 = 6.4; // 11px
const NODE_MIN_W: f64 = 72.0;
const LABEL_H: f64 = 16.0;
const LABEL_PAD_X: f64 = 5.0;

pub(super) struct PEdge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) kind: EdgeKind,
    pub(super) label: Option<String>,
    /// Index in `Graph::edges` of the first occurrence.
    pub(super) index: usize,
}

pub(super) struct Prepared<'a> {
    pub(super) nodes: Vec<&'a Node>,
    /// `Graph::nodes` index of each kept node.
    pub(super) orig: Vec<usize>,
    pub(super) edges: Vec<PEdge>,
    pub(super) loops: Vec<PEdge>,
}

pub(super) fn prepare(graph: &Graph) -> Prepared<'_> {
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

pub(super) fn full_label(node: &Node) -> &str {
    if node.label.trim().is_empty() {
        &node.id
    } else {
        &node.label
    }
}

pub(super) fn display_label(node: &Node) -> String {
    truncate(full_label(node), MAX_LABEL_CHARS)
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

pub(super) fn node_width(node: &Node, label: &str) -> f64 {
    let mut text = label.chars().count() as f64 * CHAR_W;
    if node.focus {
        text *= 1.08; // drawn bold
    }
    let badge = node.kind.badge().chars().count() as f64 * BADGE_CHAR_W;
    (text.max(badge) + 2.0 * node.kind.padding())
        .max(NODE_MIN_W)
        .ceil()
}

pub(super) fn label_width(label: &str) -> f64 {
    (label.chars().count() as f64 * LABEL_CHAR_W + 2.0 * LABEL_PAD_X).ceil()
}

pub(super) fn centred_label_box(label: &str, (x, y): (f64, f64)) -> Rect {
    let width = label_width(label);
    Rect {
        x: x - width / 2.0,
        y: y - LABEL_H / 2.0,
        width,
        height: LABEL_H,
    }
}
