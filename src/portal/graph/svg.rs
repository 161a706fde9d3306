//! Writing the SVG: the `<svg>` element with its title, description, arrow markers, edges,
//! nodes (links in reading order), edge labels and legend; XML escaping; short numbers; path
//! data.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use super::prepare::{full_label, label_width, truncate};
use super::{
    ARROW_GAP, EdgeKind, EdgeRoute, Graph, LEGEND_H, Layout, MARGIN, MAX_EDGE_LABEL_CHARS, Node,
    NodeBox,
};

const BADGE_BASELINE: f64 = 16.0;
const NAME_BASELINE: f64 = 33.0;
const LEGEND_LINE: f64 = 28.0;

/// A number with at most one decimal, no trailing `.0`, no `-0`.
pub(super) struct Num(pub(super) f64);

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
pub(super) fn graph_uid(graph: &Graph) -> String {
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

pub(super) fn write_svg(
    out: &mut String,
    graph: &Graph,
    lay: &Layout,
    description: &str,
) -> fmt::Result {
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

/// `pts` alternate: a straight line from each even point to the next (skipped when empty), a
/// curve with horizontal ends from each odd one.
pub(super) fn write_chain_path(out: &mut String, pts: &[(f64, f64)]) {
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

pub(super) fn kinds_present(routes: &[EdgeRoute]) -> Vec<EdgeKind> {
    let kinds: BTreeSet<EdgeKind> = routes.iter().map(|r| r.kind).collect();
    kinds.into_iter().collect()
}

fn legend_item_width(kind: EdgeKind) -> f64 {
    LEGEND_LINE + 6.0 + label_width(kind.legend()) + 14.0
}

pub(super) fn legend_width(kinds: &[EdgeKind]) -> f64 {
    kinds.iter().map(|&k| legend_item_width(k)).sum()
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
