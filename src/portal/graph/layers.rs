//! Layer (column) assignment: cycles broken in a greedy Eades–Lin–Smyth feedback order, then
//! longest-path columns honouring the nodes' hints, then edges shortened and empty columns
//! dropped.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Column of every node: its hint, or the longest path to it over the edges (with the edges that
/// close cycles turned round, so cycles end); nodes are then moved to shorten edges and empty
/// columns removed.
pub(super) fn assign_layers(
    n: usize,
    hints: &[Option<usize>],
    edges: &[(usize, usize)],
) -> Vec<usize> {
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
