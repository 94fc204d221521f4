//! The audit trail as a hash chain. Each event's hash covers its own fields and the hash of the
//! event before it, so changing, removing or reordering any event breaks every link after it.
//! The database also refuses UPDATE and DELETE on the audit table; the chain is what shows
//! tampering by anyone who can get around that (an administrator who drops the triggers).
//! Recording the head (`seq`, `hash`) somewhere else from time to time (the verify command prints
//! it) anchors the chain against being rewritten from scratch.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit event that its hash covers, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord<'a> {
    pub seq: i64,
    pub id: &'a str,
    /// Microseconds since the Unix epoch (what both databases store exactly).
    pub at_micros: i64,
    pub user_id: Option<&'a str>,
    pub token_id: Option<&'a str>,
    pub org_id: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub person_id: Option<&'a str>,
    /// For a list read: the people shown, space-separated.
    pub people: Option<&'a str>,
}

/// The hash of `record` chained after `prev_hash`: SHA-256 over a length-prefixed encoding of
/// every field, as lower-case hex.
pub fn chain_hash(prev_hash: &str, record: &AuditRecord<'_>) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&[u8]>| match value {
        None => h.update([0u8]),
        Some(bytes) => {
            h.update([1u8]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
    };
    field(Some(b"linkwork-audit-v1"));
    field(Some(prev_hash.as_bytes()));
    field(Some(&record.seq.to_le_bytes()));
    field(Some(record.id.as_bytes()));
    field(Some(&record.at_micros.to_le_bytes()));
    for v in [record.user_id, record.token_id, record.org_id] {
        field(v.map(str::as_bytes));
    }
    for v in [record.action, record.entity, record.entity_id] {
        field(Some(v.as_bytes()));
    }
    field(record.person_id.map(str::as_bytes));
    field(record.people.map(str::as_bytes));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The key a list read's people are stored under (`audit_lists`): SHA-256 of the space-separated
/// ids, as lower-case hex. The same people in the same order give the same key.
pub fn list_hash(people: &str) -> String {
    Sha256::digest(people.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a chain first fails to verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// An event whose `seq` is not the one after the previous event's (a row removed or inserted).
    Gap { expected_seq: i64, found_seq: i64, id: String },
    /// An event whose `prev_hash` is not the previous event's hash (reordered or a row removed).
    Link { seq: i64, id: String },
    /// An event whose stored hash does not match its fields (the row was changed).
    Altered { seq: i64, id: String },
    /// An event outside the chain (written around the store, with no `seq` or hash).
    Unsealed { id: String },
    /// The chain ends before the recorded head (events at the end were removed).
    Truncated { last_seq: i64, head_seq: i64 },
    /// The anchor given is not in the chain (the chain was rewritten).
    AnchorMissing { seq: i64 },
    /// The last event is not the head the database recorded (the head or the end was altered).
    HeadMismatch { head_seq: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Gap { expected_seq, found_seq, id } => write!(f, "event {id}: sequence {found_seq} where {expected_seq} was expected (an event is missing or was added)"),
            Break::Link { seq, id } => write!(f, "event {seq} ({id}): does not link to the event before it (events were removed or reordered)"),
            Break::Altered { seq, id } => write!(f, "event {seq} ({id}): its contents do not match its hash (the event was changed)"),
            Break::Unsealed { id } => write!(f, "event {id}: not part of the chain (written around Linkwork)"),
            Break::Truncated { last_seq, head_seq } => write!(f, "the chain ends at event {last_seq} but its head says {head_seq} (events at the end were removed)"),
            Break::AnchorMissing { seq } => write!(f, "the anchor for event {seq} is not in the chain (the chain was rewritten)"),
            Break::HeadMismatch { head_seq } => write!(f, "the last event does not match the recorded head (event {head_seq}): the end of the chain was altered"),
        }
    }
}

/// Checks a chain one event at a time, in `seq` order.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    anchor: Option<(i64, String)>,
    anchor_seen: bool,
    pub checked: u64,
}

impl Verifier {
    /// A verifier for a chain from its first event; `anchor` is a (seq, hash) recorded earlier
    /// that must still be in the chain.
    pub fn new(anchor: Option<(i64, String)>) -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS.to_owned(), anchor, anchor_seen: false, checked: 0 }
    }

    /// Checks the next event: its seq, its link to the previous one, and its own hash.
    pub fn next(&mut self, record: &AuditRecord<'_>, prev_hash: &str, hash: &str) -> Result<(), Break> {
        if record.seq != self.expected_seq {
            return Err(Break::Gap { expected_seq: self.expected_seq, found_seq: record.seq, id: record.id.to_owned() });
        }
        if prev_hash != self.prev_hash {
            return Err(Break::Link { seq: record.seq, id: record.id.to_owned() });
        }
        if chain_hash(prev_hash, record) != hash {
            return Err(Break::Altered { seq: record.seq, id: record.id.to_owned() });
        }
        if let Some((seq, anchor_hash)) = &self.anchor {
            if *seq == record.seq {
                if anchor_hash != hash {
                    return Err(Break::AnchorMissing { seq: *seq });
                }
                self.anchor_seen = true;
            }
        }
        self.expected_seq += 1;
        self.prev_hash = hash.to_owned();
        self.checked += 1;
        Ok(())
    }

    /// Ends the walk: the last event must be the head the database recorded.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), Break> {
        let last_seq = self.expected_seq - 1;
        if last_seq < head_seq {
            return Err(Break::Truncated { last_seq, head_seq });
        }
        if last_seq > head_seq || self.prev_hash != head_hash {
            return Err(Break::HeadMismatch { head_seq });
        }
        if let Some((seq, _)) = &self.anchor {
            if !self.anchor_seen {
                return Err(Break::AnchorMissing { seq: *seq });
            }
        }
        Ok(())
    }

    /// The last hash checked (the head, once the walk is finished).
    pub fn head_hash(&self) -> &str {
        &self.prev_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, id: &str) -> AuditRecord<'_> {
        AuditRecord { seq, id, at_micros: 1_700_000_000_000_000 + seq, user_id: Some("u1"), token_id: None, org_id: Some("pcn"), action: "referral.read", entity: "referral", entity_id: "r1", person_id: Some("p1"), people: None }
    }

    fn chain(n: i64) -> Vec<(AuditRecord<'static>, String, String)> {
        let ids: Vec<&'static str> = vec!["a", "b", "c", "d", "e"];
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let r = record(seq, ids[(seq - 1) as usize]);
                let h = chain_hash(&prev, &r);
                let out = (r, prev.clone(), h.clone());
                prev = h;
                out
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        let mut v = Verifier::new(Some((3, c[2].2.clone())));
        for (r, prev, hash) in &c {
            v.next(r, prev, hash).unwrap();
        }
        let head = c[4].2.clone();
        v.finish(5, &head).unwrap();
        assert_eq!(v.checked, 5);
    }

    #[test]
    fn a_changed_event_is_found() {
        let mut c = chain(5);
        c[2].0.action = "referral.create";
        let mut v = Verifier::new(None);
        let err = c.iter().try_for_each(|(r, p, h)| v.next(r, p, h)).unwrap_err();
        assert_eq!(err, Break::Altered { seq: 3, id: "c".into() });
    }

    #[test]
    fn a_removed_event_is_found() {
        let mut c = chain(5);
        c.remove(1);
        let mut v = Verifier::new(None);
        let err = c.iter().try_for_each(|(r, p, h)| v.next(r, p, h)).unwrap_err();
        assert!(matches!(err, Break::Gap { expected_seq: 2, found_seq: 3, .. }));
    }

    #[test]
    fn removing_the_last_events_is_found_against_the_head() {
        let c = chain(5);
        let mut v = Verifier::new(None);
        c[..3].iter().try_for_each(|(r, p, h)| v.next(r, p, h)).unwrap();
        assert_eq!(v.finish(5, &c[4].2), Err(Break::Truncated { last_seq: 3, head_seq: 5 }));
    }

    #[test]
    fn a_rewritten_chain_misses_its_anchor() {
        let c = chain(5);
        let mut v = Verifier::new(Some((2, "f".repeat(64))));
        let err = c.iter().try_for_each(|(r, p, h)| v.next(r, p, h)).unwrap_err();
        assert_eq!(err, Break::AnchorMissing { seq: 2 });
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = record(1, "a");
        let h = chain_hash(GENESIS, &base);
        let variants = [
            AuditRecord { user_id: None, ..base.clone() },
            AuditRecord { token_id: Some("t"), ..base.clone() },
            AuditRecord { org_id: Some("other"), ..base.clone() },
            AuditRecord { entity: "contact", ..base.clone() },
            AuditRecord { entity_id: "r2", ..base.clone() },
            AuditRecord { person_id: None, ..base.clone() },
            AuditRecord { people: Some("p1 p2"), ..base.clone() },
            AuditRecord { at_micros: base.at_micros + 1, ..base.clone() },
        ];
        for v in variants {
            assert_ne!(chain_hash(GENESIS, &v), h, "{v:?}");
        }
    }
}
