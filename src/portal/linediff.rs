//! A line diff (longest common subsequence) laid out side by side, as the diff page shows
//! two versions of a schema.

/// One step from the old text to the new one (indexes into each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// Above this many cells the LCS table is not built: the differing middle is shown as
/// removed then added.
const MAX_CELLS: usize = 4_000_000;

/// The steps turning `old` into `new`: common prefix and suffix first, an LCS in between.
pub fn diff<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Op> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Same(i, i)).collect();
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        ops.extend((0..a.len()).map(|i| Op::Removed(prefix + i)));
        ops.extend((0..b.len()).map(|j| Op::Added(prefix + j)));
    } else {
        ops.extend(lcs(a, b).into_iter().map(|op| match op {
            Op::Same(i, j) => Op::Same(prefix + i, prefix + j),
            Op::Removed(i) => Op::Removed(prefix + i),
            Op::Added(j) => Op::Added(prefix + j),
        }));
    }
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    ops.extend((0..suffix).map(|k| Op::Same(old_end + k, new_end + k)));
    ops
}

fn lcs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    // table[i][j]: LCS length of a[i..] and b[j..].
    let width = m + 1;
    let mut table = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * width + j] = if a[i] == b[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let mut ops = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            ops.push(Op::Removed(i));
            i += 1;
        } else {
            ops.push(Op::Added(j));
            j += 1;
        }
    }
    ops.extend((i..n).map(Op::Removed));
    ops.extend((j..m).map(Op::Added));
    ops
}

/// A row of the side-by-side view: an old line, a new line, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub old: Option<usize>,
    pub new: Option<usize>,
    /// Both sides hold the same line.
    pub same: bool,
}

/// Pairs runs of removed and added lines next to each other, as split diff views do.
pub fn side_by_side(ops: &[Op]) -> Vec<Row> {
    let mut rows = Vec::with_capacity(ops.len());
    let mut removed = Vec::new();
    let mut added = Vec::new();
    let flush = |rows: &mut Vec<Row>, removed: &mut Vec<usize>, added: &mut Vec<usize>| {
        for k in 0..removed.len().max(added.len()) {
            rows.push(Row {
                old: removed.get(k).copied(),
                new: added.get(k).copied(),
                same: false,
            });
        }
        removed.clear();
        added.clear();
    };
    for op in ops {
        match *op {
            Op::Removed(i) => removed.push(i),
            Op::Added(j) => added.push(j),
            Op::Same(i, j) => {
                flush(&mut rows, &mut removed, &mut added);
                rows.push(Row {
                    old: Some(i),
                    new: Some(j),
                    same: true,
                });
            }
        }
    }
    flush(&mut rows, &mut removed, &mut added);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_common_lines() {
        let old = ["a", "b", "c", "d"];
        let new = ["a", "x", "c", "d", "e"];
        assert_eq!(
            diff(&old, &new),
            vec![
                Op::Same(0, 0),
                Op::Removed(1),
                Op::Added(1),
                Op::Same(2, 2),
                Op::Same(3, 3),
                Op::Added(4),
            ]
        );
        assert_eq!(diff::<&str>(&[], &[]), vec![]);
        assert_eq!(diff(&["a"], &[]), vec![Op::Removed(0)]);
    }

    #[test]
    fn every_line_appears_once_on_its_side() {
        let old: Vec<i32> = (0..40).map(|i| i % 7).collect();
        let new: Vec<i32> = (0..35).map(|i| (i * 3) % 5).collect();
        let ops = diff(&old, &new);
        let olds: Vec<usize> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Same(i, _) | Op::Removed(i) => Some(*i),
                Op::Added(_) => None,
            })
            .collect();
        let news: Vec<usize> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Same(_, j) | Op::Added(j) => Some(*j),
                Op::Removed(_) => None,
            })
            .collect();
        assert_eq!(olds, (0..old.len()).collect::<Vec<_>>());
        assert_eq!(news, (0..new.len()).collect::<Vec<_>>());
    }

    #[test]
    fn changed_runs_sit_side_by_side() {
        let rows = side_by_side(&diff(&["a", "b", "c"], &["a", "x", "y", "c"]));
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[1],
            Row {
                old: Some(1),
                new: Some(1),
                same: false
            }
        );
        assert_eq!(
            rows[2],
            Row {
                old: None,
                new: Some(2),
                same: false
            }
        );
        assert!(rows[3].same);
    }
}
