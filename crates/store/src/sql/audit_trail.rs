//! The audit trail: every read and change of personal data appends one event, hash-chained to
//! the one before (`linkwork_domain::audit_chain`). Appending locks the chain's head row, so
//! events are chained in commit order on both databases; a change's event is written in the same
//! transaction as the change, so neither exists without the other.

use super::{Conn, Db, SqlStore};
use crate::AuditActor;
use crate::*;
use crate::AuditStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use linkwork_domain::audit_chain::{chain_hash, list_hash, AuditRecord, Verifier, GENESIS};
use time::OffsetDateTime;

/// What an audit event records besides who acted.
pub(super) struct Audit<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub person_id: Option<&'a str>,
}

/// Writes one audit event about (at most) one person; called inside the transaction of the
/// change or read it records.
pub(super) async fn audit(conn: &mut Conn, who: &AuditActor, event: Audit<'_>) -> Result<()> {
    append(conn, who, &event, &[]).await
}

/// Writes one audit event for a read that showed several people (a caseload, a search, a list):
/// one row naming every person shown.
pub(super) async fn audit_list(conn: &mut Conn, who: &AuditActor, action: &str, entity_id: &str, people: &[String]) -> Result<()> {
    let event = Audit { action, entity: "list", entity_id, person_id: None };
    append(conn, who, &event, people).await
}

/// Writes the event of one read: about one person, or a list naming everyone shown.
pub(super) async fn write_read(conn: &mut Conn, who: &AuditActor, read: &ReadAudit) -> Result<()> {
    match read.people.as_slice() {
        [one] => audit(conn, who, Audit { action: &read.action, entity: &read.entity, entity_id: &read.entity_id, person_id: Some(one) }).await,
        many => audit_list(conn, who, &read.action, &read.entity_id, many).await,
    }
}

/// Timestamps are kept to the microsecond, which both databases store exactly, so the hash of a
/// row read back is the hash it was written with.
fn now_micros() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

fn micros(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1000) as i64
}

/// Takes the next place in the chain: bumps the head's `seq` (locking the row until commit) and
/// returns the new seq with the hash it follows.
async fn next_link(conn: &mut Conn) -> Result<(i64, String)> {
    let bumped: Option<(i64, String)> = sqlx::query_as("UPDATE audit_chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").fetch_optional(&mut *conn).await?;
    bumped.ok_or_else(|| StoreError::Corrupt("the audit chain's head is missing: run `linkwork migrate`".into()))
}

async fn append(conn: &mut Conn, who: &AuditActor, event: &Audit<'_>, people: &[String]) -> Result<()> {
    let people_text = (!people.is_empty()).then(|| people.join(" "));
    let (seq, prev_hash) = next_link(conn).await?;
    // Stored (and indexed per person) once per distinct list; the event names it by hash. After
    // taking the chain's head, so on PostgreSQL two transactions storing the same new list never
    // wait on each other's list while one holds the head (a deadlock).
    let list = match &people_text {
        Some(text) => Some(remember_list(conn, text, people).await?),
        None => None,
    };
    let id = new_id();
    let at = now_micros();
    let record = AuditRecord {
        seq,
        id: &id,
        at_micros: micros(at),
        user_id: who.user_id.as_deref(),
        token_id: who.token_id.as_deref(),
        org_id: who.org_id.as_deref(),
        action: event.action,
        entity: event.entity,
        entity_id: event.entity_id,
        person_id: event.person_id,
        people: people_text.as_deref(),
    };
    let hash = chain_hash(&prev_hash, &record);
    sqlx::query(
        "INSERT INTO audit_events (id, at, user_id, token_id, org_id, action, entity, entity_id, person_id, seq, prev_hash, hash, list_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(at)
    .bind(&who.user_id)
    .bind(&who.token_id)
    .bind(&who.org_id)
    .bind(event.action)
    .bind(event.entity)
    .bind(event.entity_id)
    .bind(event.person_id)
    .bind(seq)
    .bind(&prev_hash)
    .bind(&hash)
    .bind(&list)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_chain_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(())
}

/// The hash `people` (joined as `text`) are stored under, storing them and indexing them per
/// person if this list has not been seen before.
async fn remember_list(conn: &mut Conn, text: &str, people: &[String]) -> Result<String> {
    let hash = list_hash(text);
    let new = sqlx::query("INSERT INTO audit_lists (hash, people) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING").bind(&hash).bind(text).execute(&mut *conn).await?.rows_affected() == 1;
    if new {
        let mut unique: Vec<&String> = people.iter().collect();
        unique.sort();
        unique.dedup();
        for chunk in unique.chunks(400) {
            let mut qb = sqlx::QueryBuilder::<Db>::new("INSERT INTO audit_list_subjects (person_id, list_hash) ");
            qb.push_values(chunk, |mut b, person| {
                b.push_bind(*person).push_bind(&hash);
            });
            qb.build().execute(&mut *conn).await?;
        }
    }
    Ok(hash)
}

/// Puts events written before the chain existed (or by an older Linkwork) into it, oldest
/// first, before the database starts refusing changes to them.
pub(super) async fn seal_unchained(store: &SqlStore) -> Result<u64> {
    let mut tx = store.bookkeeping_tx().await?;
    // The chain's head exists from the start, so concurrent first events queue on its row lock.
    sqlx::query("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING").bind(GENESIS).execute(&mut **tx).await?;
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!("SELECT {EVENT_COLUMNS} FROM {EVENTS_WITH_LISTS} WHERE e.seq IS NULL ORDER BY e.at, e.id")).fetch_all(&mut **tx).await?;
    let sealed = rows.len() as u64;
    for row in rows {
        let (seq, prev_hash) = next_link(&mut tx).await?;
        let at = row.at.replace_nanosecond(row.at.nanosecond() / 1000 * 1000).unwrap_or(row.at);
        let hash = chain_hash(&prev_hash, &AuditRecord { seq, at_micros: micros(at), ..row.record() });
        sqlx::query("UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3, at = $4 WHERE id = $5 AND seq IS NULL")
            .bind(seq)
            .bind(&prev_hash)
            .bind(&hash)
            .bind(at)
            .bind(&row.id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE audit_chain_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut **tx).await?;
    }
    tx.commit().await?;
    Ok(sealed)
}

/// An event's columns (`e`), its list's people in place of its own when it names a list (`l`).
const EVENT_COLUMNS: &str = "e.id, e.at, e.user_id, e.token_id, e.org_id, e.action, e.entity, e.entity_id, e.person_id, e.seq, e.prev_hash, e.hash, COALESCE(e.people, l.people) AS people";

/// The events with their lists, for [`EVENT_COLUMNS`].
const EVENTS_WITH_LISTS: &str = "audit_events e LEFT JOIN audit_lists l ON l.hash = e.list_hash";

/// An audit row as stored.
#[derive(sqlx::FromRow)]
struct StoredEvent {
    id: String,
    at: OffsetDateTime,
    user_id: Option<String>,
    token_id: Option<String>,
    org_id: Option<String>,
    action: String,
    entity: String,
    entity_id: String,
    person_id: Option<String>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
    people: Option<String>,
}

impl StoredEvent {
    fn record(&self) -> AuditRecord<'_> {
        AuditRecord {
            seq: self.seq.unwrap_or_default(),
            id: &self.id,
            at_micros: micros(self.at),
            user_id: self.user_id.as_deref(),
            token_id: self.token_id.as_deref(),
            org_id: self.org_id.as_deref(),
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            person_id: self.person_id.as_deref(),
            people: self.people.as_deref(),
        }
    }
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn record_read(&self, who: &AuditActor, read: &ReadAudit) -> Result<()> {
        if self.work.is_some() {
            self.record_read_alone(who, read).await
        } else {
            self.record_read_with_others(who, read).await
        }
    }

    async fn record_event(&self, who: &AuditActor, action: &str, entity: &str, entity_id: &str, person_id: Option<&str>) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        audit(&mut tx, who, Audit { action, entity, entity_id, person_id }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn verify_audit_chain(&self, anchor: Option<(i64, String)>, progress: &(dyn Fn(u64) + Send + Sync)) -> Result<ChainReport> {
        let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_chain_head WHERE id = 1").fetch_optional(&mut *self.conn().await?).await?;
        let (head_seq, head_hash) = head.unwrap_or((0, GENESIS.to_owned()));
        let mut verifier = Verifier::new(anchor);
        let unsealed: Option<String> = sqlx::query_scalar("SELECT id FROM audit_events WHERE seq IS NULL OR hash IS NULL OR prev_hash IS NULL LIMIT 1").fetch_optional(&mut *self.conn().await?).await?;
        if let Some(id) = unsealed {
            return Ok(ChainReport { checked: 0, head_seq, head_hash, broken: Some(linkwork_domain::audit_chain::Break::Unsealed { id }) });
        }
        let query = format!("SELECT {EVENT_COLUMNS} FROM {EVENTS_WITH_LISTS} ORDER BY e.seq");
        let mut conn = self.conn().await?;
        let mut rows = sqlx::query_as::<_, StoredEvent>(&query).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let (Some(prev), Some(hash)) = (row.prev_hash.as_deref(), row.hash.as_deref()) else {
                return Err(StoreError::Corrupt("audit event without a hash".into()));
            };
            if let Err(broken) = verifier.next(&row.record(), prev, hash) {
                return Ok(ChainReport { checked: verifier.checked, head_seq, head_hash, broken: Some(broken) });
            }
            if verifier.checked.is_multiple_of(10_000) {
                progress(verifier.checked);
            }
        }
        progress(verifier.checked);
        let broken = verifier.finish(head_seq, &head_hash).err();
        Ok(ChainReport { checked: verifier.checked, head_seq, head_hash, broken })
    }

    async fn audit_trail(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        // Events about the service's people, and events by the service's own staff and tokens.
        let sql = "SELECT e.seq, e.at, e.action, e.entity, e.entity_id, e.person_id, COALESCE(e.people, l.people) AS people, e.user_id, e.token_id, e.org_id, \
             u.display_name AS user_name, o.name AS org_name, p.given_name, p.family_name, p.nhs_number \
             FROM audit_events e LEFT JOIN audit_lists l ON l.hash = e.list_hash LEFT JOIN users u ON u.id = e.user_id LEFT JOIN organisations o ON o.id = e.org_id LEFT JOIN people p ON p.id = e.person_id \
             WHERE (e.org_id = $1 OR e.person_id IN (SELECT id FROM people WHERE service_org_id = $1)) \
             AND ($2 IS NULL OR e.person_id = $2 OR e.list_hash IN (SELECT list_hash FROM audit_list_subjects WHERE person_id = $2) \
                  OR e.id IN (SELECT event_id FROM audit_subjects WHERE person_id = $2)) \
             AND ($3 IS NULL OR e.user_id = $3) AND ($4 IS NULL OR e.action LIKE $4) \
             AND ($5 IS NULL OR e.at >= $5) AND ($6 IS NULL OR e.at < $6) \
             ORDER BY e.seq DESC LIMIT $7 OFFSET $8";
        let action_like = query.action.as_ref().map(|a| format!("{a}%"));
        Ok(sqlx::query_as(sql)
            .bind(&query.service_org_id)
            .bind(&query.person_id)
            .bind(&query.user_id)
            .bind(action_like)
            .bind(query.from)
            .bind(query.to)
            .bind(query.limit)
            .bind(query.offset)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn person_audit(&self, person_id: &str) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT e.seq, e.at, e.action, e.entity, e.entity_id, e.person_id, COALESCE(e.people, l.people) AS people, e.user_id, e.token_id, e.org_id, \
             u.display_name AS user_name, o.name AS org_name, p.given_name, p.family_name, p.nhs_number \
             FROM audit_events e LEFT JOIN audit_lists l ON l.hash = e.list_hash LEFT JOIN users u ON u.id = e.user_id LEFT JOIN organisations o ON o.id = e.org_id LEFT JOIN people p ON p.id = e.person_id \
             WHERE e.person_id = $1 OR e.list_hash IN (SELECT list_hash FROM audit_list_subjects WHERE person_id = $1) \
             OR e.id IN (SELECT event_id FROM audit_subjects WHERE person_id = $1) ORDER BY e.seq",
        )
        .bind(person_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }
}
