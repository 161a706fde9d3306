//! Ordering within columns (alternating barycentre sweeps, then adjacent transpositions, keeping
//! the order with fewest crossings) and vertical placement (isotonic regression towards the
//! neighbours' mean heights, which keeps boxes apart by construction).

use super::MARGIN;
use super::model::{Layered, Side};

const GAP_Y: f64 = 18.0;
const GAP_Y_MIXED: f64 = 14.0;
const GAP_Y_WAYPOINTS: f64 = 10.0;
const WAYPOINT_WEIGHT: f64 = 2.0;
const ORDER_SWEEPS: usize = 12;
const Y_PASSES: usize = 4;
/// Above this many segments (edges plus waypoints), half the sweeps and passes: such drawings
/// are dense anyway, and the time stays well under a millisecond.
const BIG_GRAPH_SEGMENTS: usize = 500;

impl Layered {
    pub(super) fn order_layers(&mut self) {
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
    pub(super) fn place_y(&self) -> Vec<f64> {
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
