//! Answers of the hottest list reads (a service's caseload, its open referrals' measures, the
//! organisations a report may be scoped to), kept for as long as the data version they were read
//! at is current.
//!
//! Every write that can change what these lists show runs in a write transaction, and every write
//! transaction sets a new data version (`new_data_version`, in the same transaction); a kept
//! answer is used only while the database's version is still the one it was read at. So a kept
//! answer is never older than the last committed write, on any app server sharing the database
//! (each checks the version in the database, not in its own memory). What it buys: when fifty
//! people open their caseloads and nothing has changed between them, the list is read once
//! instead of fifty times.
//!
//! An answer may have been read a little after its version was (a write committed between the
//! two): it is then newer than its version, never older, and the next read after that write
//! sees the new version and reads again.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Answers kept per key, each with the data version it was read at.
pub(super) struct VersionedCache<K, V> {
    entries: Mutex<HashMap<K, (Arc<str>, Arc<V>)>>,
    capacity: usize,
}

impl<K: Eq + Hash, V> VersionedCache<K, V> {
    pub(super) fn new(capacity: usize) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity }
    }

    /// The answer kept for `key`, if it was read at `version`.
    pub(super) fn get(&self, key: &K, version: &str) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(key).filter(|(at, _)| &**at == version).map(|(_, value)| value.clone())
    }

    /// Keeps `value`, read at `version`, for `key`. When full, answers read at other versions go
    /// first (nobody can use them again); if it is still full, everything goes: memory stays
    /// bounded whatever the number of keys.
    pub(super) fn put(&self, key: K, version: &str, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, (at, _)| &**at == version);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (Arc::from(version), value));
    }
}

/// The lists kept, shared by every clone of one store.
pub(super) struct ReadCaches {
    /// `caseload(service, worker, open_only)`.
    pub(super) caseload: VersionedCache<(String, Option<String>, bool), Vec<crate::CaseloadEntry>>,
    /// `open_measure_facts(service, worker)`.
    pub(super) open_measures: VersionedCache<(String, Option<String>), Vec<crate::OpenMeasureFacts>>,
    /// `orgs` and `grandchild_orgs`: every dashboard and report request lists the scopes its user
    /// may choose, all of an ICB's PCNs and practices.
    pub(super) orgs: VersionedCache<OrgList, Vec<crate::Org>>,
}

/// Which list of organisations: `orgs(kind, parent)` or `grandchild_orgs(kind, grandparent)`.
#[derive(PartialEq, Eq, Hash)]
pub(super) enum OrgList {
    Children { kind: &'static str, parent: Option<String> },
    Grandchildren { kind: &'static str, grandparent: String },
}

/// Lists kept per kind: every service's whole list and each of its link workers' (a 1,250-PCN
/// national database with a few workers each fits; an ICB's fits many times over).
const KEYS_PER_LIST: usize = 4096;

impl ReadCaches {
    pub(super) fn new() -> Self {
        Self { caseload: VersionedCache::new(KEYS_PER_LIST), open_measures: VersionedCache::new(KEYS_PER_LIST), orgs: VersionedCache::new(KEYS_PER_LIST) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_used_only_at_the_version_it_was_read_at() {
        let cache = VersionedCache::new(4);
        cache.put("pcn", "v1", Arc::new(1));
        assert_eq!(cache.get(&"pcn", "v1").as_deref(), Some(&1));
        assert_eq!(cache.get(&"pcn", "v2"), None);
    }

    #[test]
    fn a_newer_answer_replaces_the_older_one() {
        let cache = VersionedCache::new(4);
        cache.put("pcn", "v1", Arc::new(1));
        cache.put("pcn", "v2", Arc::new(2));
        assert_eq!(cache.get(&"pcn", "v2").as_deref(), Some(&2));
        assert_eq!(cache.get(&"pcn", "v1"), None);
    }

    #[test]
    fn when_full_answers_of_other_versions_are_dropped_first() {
        let cache = VersionedCache::new(2);
        cache.put("a", "v1", Arc::new(1));
        cache.put("b", "v2", Arc::new(2));
        cache.put("c", "v2", Arc::new(3));
        assert_eq!(cache.get(&"a", "v1"), None);
        assert_eq!(cache.get(&"b", "v2").as_deref(), Some(&2));
        assert_eq!(cache.get(&"c", "v2").as_deref(), Some(&3));
    }

    #[test]
    fn it_never_holds_more_than_its_capacity() {
        let cache = VersionedCache::new(2);
        for (i, key) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
            cache.put(key, "v1", Arc::new(i));
        }
        assert!(cache.entries.lock().unwrap().len() <= 2);
        assert_eq!(cache.get(&"e", "v1").as_deref(), Some(&4));
    }
}
