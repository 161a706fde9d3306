//! The in-memory tally of schema reads and writes between two flushes. It is on the hot
//! path (every warm `GET /schemas/ids/{id}` passes here), so a sighting seen before costs
//! a hash, one uncontended lock and an addition: the key is looked up by its borrowed
//! parts and copied only the first time. Memory is bounded: past `max_keys` distinct
//! keys, new ones are counted as dropped instead of kept.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::{Equivalent, HashMap};

use crate::storage::usage::UsageTally;

/// How a schema was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    /// `GET /schemas/ids/{id}` (and its `/schema` form).
    Id,
    /// `GET /schemas/guids/{guid}`.
    Guid,
    /// `GET /subjects/{s}/versions/{n}`.
    Version,
    /// `GET /subjects/{s}/versions/latest`.
    Latest,
    /// `POST /subjects/{s}`: a serializer asking for the id of its schema.
    Lookup,
    /// `POST /subjects/{s}/versions`.
    Register,
}

impl Access {
    pub const ALL: [Self; 6] = [
        Self::Id,
        Self::Guid,
        Self::Version,
        Self::Latest,
        Self::Lookup,
        Self::Register,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Guid => "guid",
            Self::Version => "version",
            Self::Latest => "latest",
            Self::Lookup => "lookup",
            Self::Register => "register",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// Whether this is a writer's call (a producer's serializer) rather than a reader's.
    pub fn writes(self) -> bool {
        matches!(self, Self::Lookup | Self::Register)
    }
}

/// One request's sighting, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub struct Sighting<'a> {
    /// Empty for an anonymous caller.
    pub principal: &'a str,
    /// The client library and version, empty when the request named none.
    pub client: &'a str,
    pub address: Option<IpAddr>,
    pub access: Access,
    pub schema_id: i64,
    /// Empty for reads by id or guid (an id may belong to several subjects).
    pub subject: &'a str,
    /// 0 when not known (reads by id).
    pub version: i32,
}

/// The owned key, kept the first time a sighting is seen.
#[derive(Debug, PartialEq, Eq)]
struct Key {
    day: i32,
    principal: Box<str>,
    client: Box<str>,
    address: Option<IpAddr>,
    access: Access,
    schema_id: i64,
    subject: Box<str>,
    version: i32,
}

/// A sighting on a day: what the map is searched with.
struct Probe<'a> {
    day: i32,
    sighting: &'a Sighting<'a>,
}

/// Both forms hash the same parts in the same order, so a probe finds its key.
#[allow(clippy::too_many_arguments)]
fn hash_parts<H: Hasher>(
    state: &mut H,
    day: i32,
    principal: &str,
    client: &str,
    address: Option<IpAddr>,
    access: Access,
    schema_id: i64,
    subject: &str,
    version: i32,
) {
    day.hash(state);
    principal.hash(state);
    client.hash(state);
    address.hash(state);
    access.hash(state);
    schema_id.hash(state);
    subject.hash(state);
    version.hash(state);
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_parts(
            state,
            self.day,
            &self.principal,
            &self.client,
            self.address,
            self.access,
            self.schema_id,
            &self.subject,
            self.version,
        );
    }
}

impl Hash for Probe<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let s = self.sighting;
        hash_parts(
            state,
            self.day,
            s.principal,
            s.client,
            s.address,
            s.access,
            s.schema_id,
            s.subject,
            s.version,
        );
    }
}

impl Equivalent<Key> for Probe<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        let s = self.sighting;
        key.day == self.day
            && key.schema_id == s.schema_id
            && key.version == s.version
            && key.access == s.access
            && key.address == s.address
            && *key.principal == *s.principal
            && *key.client == *s.client
            && *key.subject == *s.subject
    }
}

impl Key {
    fn of(probe: &Probe<'_>) -> Self {
        let s = probe.sighting;
        Self {
            day: probe.day,
            principal: s.principal.into(),
            client: s.client.into(),
            address: s.address,
            access: s.access,
            schema_id: s.schema_id,
            subject: s.subject.into(),
            version: s.version,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Counts {
    first_seen: i64,
    last_seen: i64,
    count: i64,
}

#[derive(Default)]
struct Pending {
    counts: HashMap<Key, Counts>,
    /// Sightings refused since the last take because the map was full.
    dropped: u64,
}

/// What one take hands to the flush.
#[derive(Debug, Default)]
pub struct Taken {
    /// In key order, so concurrent flushes of several nodes lock rows in one order.
    pub tallies: Vec<UsageTally>,
    pub dropped: u64,
}

pub struct Tally {
    pending: Mutex<Pending>,
    max_keys: usize,
    dropped_total: AtomicU64,
}

impl Tally {
    pub fn new(max_keys: usize) -> Self {
        Self {
            pending: Mutex::new(Pending::default()),
            max_keys,
            dropped_total: AtomicU64::new(0),
        }
    }

    /// Counts `sighting` at `now` (ms since the epoch).
    pub fn see(&self, sighting: &Sighting<'_>, now: i64) {
        let probe = Probe {
            day: day_of(now),
            sighting,
        };
        let mut pending = self.lock();
        if let Some(counts) = pending.counts.get_mut(&probe) {
            counts.last_seen = counts.last_seen.max(now);
            counts.count += 1;
            return;
        }
        if pending.counts.len() >= self.max_keys {
            pending.dropped += 1;
            drop(pending);
            self.dropped_total.fetch_add(1, Ordering::Relaxed);
            return;
        }
        pending.counts.insert(
            Key::of(&probe),
            Counts {
                first_seen: now,
                last_seen: now,
                count: 1,
            },
        );
    }

    /// Everything counted since the last take, leaving the tally empty.
    pub fn take(&self) -> Taken {
        let pending = std::mem::take(&mut *self.lock());
        let mut tallies: Vec<UsageTally> = pending
            .counts
            .into_iter()
            .map(|(key, counts)| UsageTally {
                day: key.day,
                principal: key.principal.into(),
                client: key.client.into(),
                address: key.address.map(|a| a.to_string()).unwrap_or_default(),
                access: key.access.as_str().to_owned(),
                schema_id: key.schema_id,
                subject: key.subject.into(),
                version: key.version,
                first_seen: counts.first_seen,
                last_seen: counts.last_seen,
                count: counts.count,
            })
            .collect();
        tallies.sort();
        Taken {
            tallies,
            dropped: pending.dropped,
        }
    }

    /// Distinct keys waiting for the next flush.
    pub fn pending_keys(&self) -> usize {
        self.lock().counts.len()
    }

    /// Sightings dropped (tally full) since this node started.
    pub fn dropped_total(&self) -> u64 {
        self.dropped_total.load(Ordering::Relaxed)
    }

    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic while counting leaves plain numbers behind: still a valid tally.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The UTC day (days since 1970-01-01) of `ms` since the epoch.
pub fn day_of(ms: i64) -> i32 {
    i32::try_from(ms.div_euclid(86_400_000)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sighting<'a>(principal: &'a str, client: &'a str, id: i64) -> Sighting<'a> {
        Sighting {
            principal,
            client,
            address: Some(IpAddr::from([10, 0, 0, 1])),
            access: Access::Id,
            schema_id: id,
            subject: "",
            version: 0,
        }
    }

    const NOON: i64 = 20_000 * 86_400_000 + 43_200_000;

    #[test]
    fn repeated_sightings_add_up_under_one_key() {
        let tally = Tally::new(10);
        tally.see(&sighting("alice", "python/2.6", 1), NOON);
        tally.see(&sighting("alice", "python/2.6", 1), NOON + 5);
        tally.see(&sighting("bob", "python/2.6", 1), NOON + 7);
        let taken = tally.take();
        assert_eq!(taken.tallies.len(), 2);
        let alice = &taken.tallies[0];
        assert_eq!(
            (
                alice.principal.as_str(),
                alice.count,
                alice.first_seen,
                alice.last_seen
            ),
            ("alice", 2, NOON, NOON + 5)
        );
        assert_eq!(alice.day, 20_000);
        assert_eq!(alice.address, "10.0.0.1");
        assert_eq!(alice.access, "id");
        assert_eq!(tally.take().tallies.len(), 0, "a take empties the tally");
    }

    #[test]
    fn a_new_day_starts_a_new_row() {
        let tally = Tally::new(10);
        tally.see(&sighting("alice", "", 1), NOON);
        tally.see(&sighting("alice", "", 1), NOON + 86_400_000);
        let days: Vec<i32> = tally.take().tallies.iter().map(|t| t.day).collect();
        assert_eq!(days, vec![20_000, 20_001]);
    }

    #[test]
    fn past_the_cap_new_keys_are_dropped_and_counted_but_known_ones_still_count() {
        let tally = Tally::new(3);
        let agents: Vec<String> = (0..1000).map(|i| format!("fake-agent/{i}")).collect();
        for agent in &agents {
            tally.see(&sighting("mallory", agent, 1), NOON);
        }
        // A key admitted before the flood still counts.
        tally.see(&sighting("mallory", "fake-agent/0", 1), NOON + 1);
        assert_eq!(tally.pending_keys(), 3);
        assert_eq!(tally.dropped_total(), 997);
        let taken = tally.take();
        assert_eq!(taken.dropped, 997);
        assert_eq!(taken.tallies.iter().map(|t| t.count).sum::<i64>(), 4);
        // The next interval starts with room again.
        tally.see(&sighting("alice", "", 1), NOON);
        assert_eq!(tally.pending_keys(), 1);
    }
}
