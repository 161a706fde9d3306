//! The layered graph the ordering and placement steps work on: real nodes and the invisible
//! waypoints of long edges, each segment joining adjacent columns, with compressed adjacency
//! lists and every column's current order.

/// An edge drawn through the layered graph, from its leftmost node to its rightmost.
pub(super) struct Chain {
    /// Index into `Prepared::edges`.
    pub(super) edge: usize,
    /// Layered-graph nodes: the two real ends, waypoints between them.
    pub(super) nodes: Vec<usize>,
    /// The edge points right to left.
    pub(super) reversed: bool,
}

#[derive(Clone, Copy)]
pub(super) enum Side {
    Preds,
    Succs,
    Both,
}

/// Real nodes and waypoints, each edge segment joining adjacent columns.
pub(super) struct Layered {
    pub(super) layer: Vec<usize>,
    pub(super) real: Vec<bool>,
    pub(super) width: Vec<f64>,
    pub(super) height: Vec<f64>,
    /// Segments `(upper column node, next column node)`, as added.
    pub(super) segments: Vec<(usize, usize)>,
    /// Compressed adjacency, built by `finish`: the neighbours of `v` are
    /// `pred_list[pred_at[v]..pred_at[v + 1]]` (same for successors).
    pred_at: Vec<usize>,
    pred_list: Vec<usize>,
    succ_at: Vec<usize>,
    succ_list: Vec<usize>,
    pub(super) order: Vec<Vec<usize>>,
    pub(super) pos: Vec<usize>,
}

impl Layered {
    pub(super) fn new(n_layers: usize) -> Self {
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

    pub(super) fn add(&mut self, layer: usize, real: bool, width: f64, height: f64) -> usize {
        let id = self.layer.len();
        self.layer.push(layer);
        self.real.push(real);
        self.width.push(width);
        self.height.push(height);
        self.pos.push(self.order[layer].len());
        self.order[layer].push(id);
        id
    }

    pub(super) fn link(&mut self, a: usize, b: usize) {
        self.segments.push((a, b));
    }

    /// Builds the adjacency lists once all nodes and segments are in.
    pub(super) fn finish(&mut self) {
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

    pub(super) fn preds(&self, v: usize) -> &[usize] {
        &self.pred_list[self.pred_at[v]..self.pred_at[v + 1]]
    }

    pub(super) fn succs(&self, v: usize) -> &[usize] {
        &self.succ_list[self.succ_at[v]..self.succ_at[v + 1]]
    }

    pub(super) fn neighbours(&self, v: usize, side: Side) -> impl Iterator<Item = usize> + '_ {
        let (p, s): (&[usize], &[usize]) = match side {
            Side::Preds => (self.preds(v), &[]),
            Side::Succs => (&[], self.succs(v)),
            Side::Both => (self.preds(v), self.succs(v)),
        };
        p.iter().chain(s.iter()).copied()
    }

    pub(super) fn set_order(&mut self, l: usize, ids: Vec<usize>) {
        for (i, &v) in ids.iter().enumerate() {
            self.pos[v] = i;
        }
        self.order[l] = ids;
    }
}
