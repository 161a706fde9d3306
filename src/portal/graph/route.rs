//! From ordered columns to geometry: column positions (gaps wide enough for their labels),
//! ports spread over the sides of the boxes, edge paths, label boxes kept from covering one
//! another, and the drawing's size.

use std::fmt::Write as _;

use super::model::{Chain, Layered};
use super::prepare::{PEdge, Prepared, centred_label_box, label_width, truncate};
use super::svg::{Num, kinds_present, legend_width, write_chain_path};
use super::{ARROW_GAP, EdgeRoute, LEGEND_H, Layout, MARGIN, MAX_EDGE_LABEL_CHARS, NodeBox, Rect};

const GAP_X_MIN: f64 = 72.0;
const PORT_STEP: f64 = 6.0;
const PORT_INSET: f64 = 10.0;
const FLAT_BULGE: f64 = 36.0;
const LEGEND_GAP: f64 = 10.0;

/// Positions every box, edge and label of the ordered layered graph `lg` (whose first
/// `prep.nodes.len()` nodes are the real ones, with waypoints after them).
pub(super) fn draw(
    prep: &Prepared<'_>,
    node_layer: Vec<usize>,
    labels: Vec<String>,
    lg: Layered,
    chains: Vec<Chain>,
    flat: Vec<usize>,
    ys: Vec<f64>,
) -> Layout {
    let n = prep.nodes.len();
    let n_layers = lg.order.len();
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
        routes.push(edge_route(prep, e, path, label_box));
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
        routes.push(edge_route(prep, e, path, label_box));
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
    Layout {
        width: width.ceil(),
        height: height.ceil(),
        nodes,
        edges: routes,
        legend_y,
    }
}

/// The route of prepared edge `e`, reported with its indices into the input graph.
fn edge_route(prep: &Prepared<'_>, e: &PEdge, path: String, label_box: Option<Rect>) -> EdgeRoute {
    EdgeRoute {
        index: e.index,
        from: prep.orig[e.from],
        to: prep.orig[e.to],
        kind: e.kind,
        label: e.label.clone(),
        path,
        label_box,
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
