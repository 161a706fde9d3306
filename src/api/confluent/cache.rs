//! Ready-to-send response bodies for the hot read paths (`GET /schemas/ids/{id}` and
//! `GET /subjects/{s}/versions/{v}`), so a warm read never touches the database.
//!
//! Every entry remembers the registry generation it was rendered at; an entry from an
//! older generation is treated as a miss. Any change bumps the generation, so a cached
//! answer can never outlive a delete or a config change.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use bytes::Bytes;

/// How many bodies each map keeps before it starts afresh.
const CAPACITY: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionKey {
    pub subject: String,
    /// `None` = latest.
    pub version: Option<i32>,
    pub include_deleted: bool,
}

/// A cached version answer, with what it holds (for observed usage on a warm read).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedVersion {
    pub body: Bytes,
    pub schema_id: i64,
    pub version: i32,
}

#[derive(Default)]
pub struct HotCache {
    ids: Generational<i64, Bytes>,
    versions: Generational<VersionKey, CachedVersion>,
}

impl HotCache {
    pub fn schema_by_id(&self, id: i64, generation: u64) -> Option<Bytes> {
        self.ids.get(&id, generation)
    }

    pub fn store_schema_by_id(&self, id: i64, generation: u64, body: Bytes) {
        self.ids.put(id, generation, body);
    }

    pub fn version(&self, key: &VersionKey, generation: u64) -> Option<CachedVersion> {
        self.versions.get(key, generation)
    }

    pub fn store_version(&self, key: VersionKey, generation: u64, answer: CachedVersion) {
        self.versions.put(key, generation, answer);
    }
}

struct Generational<K, V> {
    map: RwLock<HashMap<K, (u64, V)>>,
}

impl<K, V> Default for Generational<K, V> {
    fn default() -> Self {
        Self {
            map: RwLock::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Generational<K, V> {
    fn get(&self, key: &K, generation: u64) -> Option<V> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(stored_at, _)| *stored_at == generation)
            .map(|(_, body)| body.clone())
    }

    fn put(&self, key: K, generation: u64, body: V) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CAPACITY {
            // Dropping stale generations first keeps the live working set.
            map.retain(|_, (stored_at, _)| *stored_at == generation);
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(key, (generation, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_from_an_older_generation_are_misses() {
        let cache = HotCache::default();
        cache.store_schema_by_id(1, 5, Bytes::from_static(b"{}"));
        assert_eq!(cache.schema_by_id(1, 5), Some(Bytes::from_static(b"{}")));
        assert_eq!(cache.schema_by_id(1, 6), None);
        assert_eq!(cache.schema_by_id(2, 5), None);
    }
}
