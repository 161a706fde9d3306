//! The iteration order of Java's `HashMap`/`HashSet` over strings.
//!
//! Confluent walks property names through hash sets, so the order of the changes it
//! reports is the hash order of those names. Reproducing that order keeps our change lists
//! comparable with Confluent's.

/// Java's `String.hashCode` (over UTF-16 code units).
fn java_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// `HashMap.hash`: the high half folded into the low half.
fn spread(text: &str) -> u32 {
    let h = java_hash(text) as u32;
    h ^ (h >> 16)
}

/// Orders `keys` (distinct, in insertion order) as a table of `capacity` buckets would.
fn by_bucket(keys: Vec<String>, capacity: usize) -> Vec<String> {
    let mask = (capacity.max(1) - 1) as u32;
    let mut keyed: Vec<(u32, String)> = keys.into_iter().map(|k| (spread(&k) & mask, k)).collect();
    keyed.sort_by_key(|(bucket, _)| *bucket);
    keyed.into_iter().map(|(_, k)| k).collect()
}

/// Grows `capacity` the way `HashMap` does until `size` entries fit under the 0.75 load factor.
fn grown(mut capacity: usize, size: usize) -> usize {
    while size * 4 > capacity * 3 {
        capacity *= 2;
    }
    capacity
}

/// Keys of a `new HashMap<>()` filled with `keys` in order.
pub(super) fn hash_map_order<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut distinct: Vec<String> = Vec::new();
    for key in keys {
        if !distinct.iter().any(|d| d == key) {
            distinct.push(key.to_owned());
        }
    }
    let capacity = grown(16, distinct.len());
    by_bucket(distinct, capacity)
}

/// Iteration order of `new HashSet<>(first); set.addAll(second)`, where `first` and
/// `second` are the key sets of two `HashMap`s.
pub(super) fn union_order<'a>(
    first: impl IntoIterator<Item = &'a str>,
    second: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let first = hash_map_order(first);
    let second = hash_map_order(second);
    let initial = ((first.len() as f64 / 0.75) as usize + 1)
        .max(16)
        .next_power_of_two();
    let mut all = first;
    for key in second {
        if !all.contains(&key) {
            all.push(key);
        }
    }
    let capacity = grown(initial, all.len());
    by_bucket(all, capacity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_string_hash_matches_known_values() {
        assert_eq!(java_hash("foo"), 101_574);
        assert_eq!(java_hash("bar"), 97_299);
        assert_eq!(java_hash(""), 0);
    }

    #[test]
    fn union_is_in_bucket_order() {
        // "bar" lands in bucket 2 and "foo" in bucket 7 of a 16-bucket table.
        assert_eq!(union_order(["foo"], ["bar"]), vec!["bar", "foo"]);
    }
}
