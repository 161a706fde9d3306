//! Maximum bipartite matching (augmenting paths), for pairing union members.

/// `adjacency[i]` lists the right-hand vertices left vertex `i` may pair with. Returns, for
/// each left vertex, its partner in one maximum matching.
pub(super) fn maximum_matching(adjacency: &[Vec<usize>], right: usize) -> Vec<Option<usize>> {
    let mut partner_of_right: Vec<Option<usize>> = vec![None; right];
    for left in 0..adjacency.len() {
        let mut seen = vec![false; right];
        augment(left, adjacency, &mut seen, &mut partner_of_right);
    }
    let mut result = vec![None; adjacency.len()];
    for (r, l) in partner_of_right.iter().enumerate() {
        if let Some(l) = l
            && let Some(slot) = result.get_mut(*l)
        {
            *slot = Some(r);
        }
    }
    result
}

fn augment(
    left: usize,
    adjacency: &[Vec<usize>],
    seen: &mut [bool],
    partner_of_right: &mut [Option<usize>],
) -> bool {
    let Some(neighbours) = adjacency.get(left) else {
        return false;
    };
    for &r in neighbours {
        if r >= seen.len() || seen[r] {
            continue;
        }
        seen[r] = true;
        let free = match partner_of_right[r] {
            None => true,
            Some(other) => augment(other, adjacency, seen, partner_of_right),
        };
        if free {
            partner_of_right[r] = Some(left);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_perfect_matching_through_augmentation() {
        // 0 can take 0 or 1, 1 only 0: the greedy choice 0->0 must be undone.
        let m = maximum_matching(&[vec![0, 1], vec![0]], 2);
        assert_eq!(m, vec![Some(1), Some(0)]);
    }

    #[test]
    fn reports_unmatched_vertices() {
        let m = maximum_matching(&[vec![0], vec![0], vec![]], 1);
        assert_eq!(m.iter().flatten().count(), 1);
    }
}
