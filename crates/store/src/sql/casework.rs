use super::referral_rows::{insert_needs, person_of};
use super::{audit, Audit, SqlStore};
use crate::*;
use crate::CaseworkStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::person::identity::DetailsSource;
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Recorded, ScoresOnly, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::referral::ReferralStatus;
use time::Date;

const REFERRAL_SELECT: &str = "SELECT r.id, r.service_org_id, r.practice_id, p.name AS practice_name, r.source, r.referrer_name, r.reason, r.referred_on, r.status, \
     r.assigned_worker_id, u.display_name AS worker_name, r.accepted_on, r.declined_on, r.decline_reason, r.discharged_on, r.discharge_reason, r.discharge_summary, \
     r.referred_by_org_id, r.duplicate_of, r.consent, r.consent_on, r.lawful_basis, r.needs_to_confirm FROM referrals r LEFT JOIN organisations p ON p.id = r.practice_id LEFT JOIN users u ON u.id = r.assigned_worker_id";

pub(super) const ONWARD_SELECT: &str = "SELECT w.id, w.referral_id, w.service_id, s.name AS service_name, s.org_id AS provider_org_id, o.name AS provider_name, w.status, w.note, \
     w.sent_on, w.responded_on, w.decline_reason, w.attended_on FROM onward_referrals w JOIN services s ON s.id = w.service_id JOIN organisations o ON o.id = s.org_id";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[async_trait]
impl CaseworkStore for SqlStore {
    async fn create_referral(&self, who: &AuditActor, r: &NewReferral) -> Result<String> {
        self.create_referral_from(who, r, None, DetailsSource::LinkWorkerForm).await
    }

    async fn create_referral_from(&self, who: &AuditActor, r: &NewReferral, referred_by_org_id: Option<&str>, source: DetailsSource) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let id = insert_referral(&mut tx, who, r, referred_by_org_id, source).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn create_referrals(&self, who: &AuditActor, referrals: &[NewReferral]) -> Result<Vec<String>> {
        let mut tx = self.write_tx().await?;
        let mut ids = Vec::with_capacity(referrals.len());
        for r in referrals {
            ids.push(insert_referral(&mut tx, who, r, None, DetailsSource::CsvImport).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn referral_header(&self, referral_id: &str) -> Result<Option<ReferralHeader>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.person_id, r.service_org_id, r.referred_by_org_id, r.assigned_worker_id, r.status, p.restricted_at IS NOT NULL AS restricted \
             FROM referrals r JOIN people p ON p.id = r.person_id WHERE r.id = $1 AND p.erased_at IS NULL",
        )
        .bind(referral_id)
        .fetch_optional(&mut *self.conn().await?)
        .await?)
    }

    async fn caseload(&self, service_org_id: &str, worker_id: Option<&str>, open_only: bool) -> Result<Vec<CaseloadEntry>> {
        let key = (service_org_id.to_owned(), worker_id.map(str::to_owned), open_only);
        self.kept(&self.reads.caseload, key, read_caseload(self, service_org_id, worker_id, open_only)).await
    }

    async fn referral_record(&self, who: &AuditActor, referral_id: &str) -> Result<Option<ReferralRecord>> {
        let Some(referral): Option<Referral> = sqlx::query_as(&format!("{REFERRAL_SELECT} WHERE r.id = $1")).bind(referral_id).fetch_optional(&mut *self.conn().await?).await? else {
            return Ok(None);
        };
        let person: Person = sqlx::query_as(
            "SELECT p.id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.sex, p.ethnicity, p.postcode FROM people p JOIN referrals r ON r.person_id = p.id WHERE r.id = $1",
        )
        .bind(referral_id)
        .fetch_one(&mut *self.conn().await?)
        .await?;
        let needs = sqlx::query_as::<_, (String, String)>("SELECT need, identified_at FROM referral_needs WHERE referral_id = $1 ORDER BY identified_at DESC, need")
            .bind(referral_id)
            .fetch_all(&mut *self.conn().await?)
            .await?
            .into_iter()
            .map(|(need, identified_at)| Ok(NeedRecord { need: NeedDomain::parse(&need).map_err(corrupt)?, identified_at }))
            .collect::<Result<Vec<_>>>()?;
        let conversations = sqlx::query_as("SELECT id, held_on, what_matters FROM conversations WHERE referral_id = $1 ORDER BY held_on, id").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let goals = sqlx::query_as("SELECT id, description, status, review_on, agreed_on, version FROM goals WHERE referral_id = $1 ORDER BY agreed_on, id").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let plan_changes = super::plan::plan_changes(self, referral_id).await?;
        let contacts = sqlx::query_as("SELECT id, contact_on, mode, minutes, accompanied, notes FROM contacts WHERE referral_id = $1 ORDER BY contact_on, id").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let measures = sqlx::query_as::<_, (String, String, String, Date, String, Option<String>, bool)>("SELECT id, instrument, timepoint, taken_on, answers, scores, entered_late FROM measures WHERE referral_id = $1 ORDER BY taken_on, id")
            .bind(referral_id)
            .fetch_all(&mut *self.conn().await?)
            .await?
            .into_iter()
            .map(|(id, instrument, timepoint, taken_on, answers, scores, entered_late)| {
                let instrument = Instrument::parse(&instrument).map_err(corrupt)?;
                Ok(Measure { id, instrument, timepoint: Timepoint::parse(&timepoint).map_err(corrupt)?, taken_on, recorded: decode_recorded(instrument, &answers, scores.as_deref())?, entered_late })
            })
            .collect::<Result<Vec<_>>>()?;
        let onward = sqlx::query_as(&format!("{ONWARD_SELECT} WHERE w.referral_id = $1 ORDER BY w.sent_on, w.id")).bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let attempts = sqlx::query_as("SELECT id, attempted_on, mode, outcome, notes FROM contact_attempts WHERE referral_id = $1 ORDER BY attempted_on, id").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let mdt = sqlx::query_as(
            "SELECT m.id AS meeting_id, m.held_on, o.name AS practice_name FROM mdt_discussions d JOIN mdt_meetings m ON m.id = d.meeting_id \
             LEFT JOIN organisations o ON o.id = m.practice_id WHERE d.referral_id = $1 ORDER BY m.held_on, m.id",
        )
        .bind(referral_id)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        let reopenings = crate::CorrectionStore::referral_reopenings(self, referral_id).await?;
        let contact = crate::ContactStore::contact_details(self, &person.id).await?;
        let mut tx = self.bookkeeping_tx().await?;
        audit(&mut tx, who, Audit { action: "referral.read", entity: "referral", entity_id: referral_id, person_id: Some(&person.id) }).await?;
        tx.commit().await?;
        Ok(Some(ReferralRecord { person, referral, needs, conversations, goals, plan_changes, contacts, measures, onward, attempts, mdt, reopenings, contact }))
    }

    async fn change_referral(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, change: &ReferralChange) -> Result<()> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let (action, result) = match change {
            ReferralChange::Accept { on, worker_id } => (
                "referral.accept",
                sqlx::query("UPDATE referrals SET status = $1, accepted_on = $2, assigned_worker_id = COALESCE($3, assigned_worker_id), updated_at = $4 WHERE id = $5 AND status = $6")
                    .bind(ReferralStatus::Accepted.code())
                    .bind(on)
                    .bind(worker_id)
                    .bind(now)
                    .bind(referral_id)
                    .bind(from.code())
                    .execute(&mut **tx)
                    .await?,
            ),
            ReferralChange::Decline { on, reason } => (
                "referral.decline",
                sqlx::query("UPDATE referrals SET status = $1, declined_on = $2, decline_reason = $3, updated_at = $4 WHERE id = $5 AND status = $6")
                    .bind(ReferralStatus::Declined.code())
                    .bind(on)
                    .bind(reason.code())
                    .bind(now)
                    .bind(referral_id)
                    .bind(from.code())
                    .execute(&mut **tx)
                    .await?,
            ),
            ReferralChange::Discharge { on, reason, summary } => (
                "referral.discharge",
                sqlx::query("UPDATE referrals SET status = $1, discharged_on = $2, discharge_reason = $3, discharge_summary = $4, updated_at = $5 WHERE id = $6 AND status = $7")
                    .bind(ReferralStatus::Discharged.code())
                    .bind(on)
                    .bind(reason.code())
                    .bind(summary)
                    .bind(now)
                    .bind(referral_id)
                    .bind(from.code())
                    .execute(&mut **tx)
                    .await?,
            ),
        };
        if result.rows_affected() != 1 {
            return Err(StoreError::Conflict("This referral was changed by someone else. Reload the page and try again".into()));
        }
        let person_id = person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action, entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_conversation(&self, who: &AuditActor, referral_id: &str, c: &NewConversation) -> Result<String> {
        let now = super::now();
        let id = new_id();
        let mut tx = self.write_tx().await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        sqlx::query("INSERT INTO conversations (id, referral_id, held_on, what_matters, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(referral_id)
            .bind(c.held_on)
            .bind(c.what_matters.as_str())
            .bind(&who.user_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        insert_needs(&mut tx, referral_id, &c.needs, "conversation").await?;
        for goal in &c.goals {
            sqlx::query("INSERT INTO goals (id, referral_id, conversation_id, description, status, review_on, agreed_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(new_id())
                .bind(referral_id)
                .bind(&id)
                .bind(goal.description.as_str())
                .bind(GoalStatus::NotStarted.code())
                .bind(goal.review_on)
                .bind(c.held_on)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        audit(&mut tx, who, Audit { action: "conversation.create", entity: "conversation", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn add_contact(&self, who: &AuditActor, referral_id: &str, c: &NewContact) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        sqlx::query("INSERT INTO contacts (id, referral_id, contact_on, mode, minutes, accompanied, notes, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&id)
            .bind(referral_id)
            .bind(c.contact_on)
            .bind(c.mode.code())
            .bind(i64::from(c.minutes.get()))
            .bind(c.accompanied)
            .bind(&c.notes)
            .bind(&who.user_id)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        audit(&mut tx, who, Audit { action: "contact.create", entity: "contact", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn add_measure(&self, who: &AuditActor, referral_id: &str, m: &NewMeasure) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        let id = insert_measure(&mut tx, who, referral_id, m, MeasureEntry::ByStaff).await?;
        audit(&mut tx, who, Audit { action: "measure.create", entity: "measure", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn create_onward(&self, who: &AuditActor, referral_id: &str, service_id: &str, sent_on: Date, note: Option<&str>) -> Result<String> {
        let onward = NewOnward { id: new_id(), referral_id: referral_id.to_owned(), service_id: service_id.to_owned(), sent_on, note: note.map(str::to_owned) };
        let mut tx = self.write_tx().await?;
        super::onward_loop::insert_onward(&mut tx, who, &onward).await?;
        tx.commit().await?;
        Ok(onward.id)
    }
}

pub(super) fn decode_answers(instrument: Instrument, json: &str) -> Result<AnswerSet> {
    let values: Vec<i64> = serde_json::from_str(json).map_err(corrupt)?;
    AnswerSet::from_values(instrument, &values).map_err(corrupt)
}

/// A `measures` row's answers, or its scores when only those were imported (`scores` not NULL).
pub(super) fn decode_recorded(instrument: Instrument, answers: &str, scores: Option<&str>) -> Result<Recorded> {
    match scores {
        Some(json) => {
            let values: Vec<f64> = serde_json::from_str(json).map_err(corrupt)?;
            Ok(Recorded::Scores(ScoresOnly::from_values(instrument, &values).map_err(corrupt)?))
        }
        None => Ok(Recorded::Answers(decode_answers(instrument, answers)?)),
    }
}

/// How a measure came to be recorded: its row's `self_completed` and `entered_late` flags.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum MeasureEntry {
    ByStaff,
    SelfCompleted,
    /// After discharge, within the late-entry window.
    Late,
}

/// Writes one measure in `tx` and returns its id; the caller checks the referral and audits.
pub(super) async fn insert_measure(tx: &mut sqlx::Transaction<'_, super::Db>, who: &AuditActor, referral_id: &str, m: &NewMeasure, entry: MeasureEntry) -> Result<String> {
    let id = new_id();
    let instrument = m.answers.instrument();
    let answers = serde_json::to_string(m.answers.answers()).map_err(corrupt)?;
    sqlx::query(
        "INSERT INTO measures (id, referral_id, instrument, instrument_version, timepoint, taken_on, answers, recorded_by, created_at, self_completed, entered_late) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(referral_id)
    .bind(instrument.code())
    .bind(instrument.version())
    .bind(m.timepoint.code())
    .bind(m.taken_on)
    .bind(answers)
    .bind(&who.user_id)
    .bind(super::now())
    .bind(entry == MeasureEntry::SelfCompleted)
    .bind(entry == MeasureEntry::Late)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Finds or creates the person (by the identity rule: `super::identity::match_person`) and
/// inserts the referral, its needs and its audit event. A referral for a person who already has
/// an open one is flagged as a possible duplicate; one whose person did not match the person held
/// under its NHS number raises an identity conflict.
pub(super) async fn insert_referral(tx: &mut sqlx::Transaction<'_, super::Db>, who: &AuditActor, r: &NewReferral, referred_by_org_id: Option<&str>, source: DetailsSource) -> Result<String> {
    let now = super::now();
    super::super::lock_people(tx, &r.service_org_id).await?;
    let (person_id, conflict) = super::identity::match_person(tx, who, r, source).await?;
    // A person no referral names yet was recorded by this one: their first contact details are not changes.
    let first_record: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM referrals WHERE person_id = $1)").bind(&person_id).fetch_one(&mut **tx).await?;
    let referral_id = new_id();
    let open: Option<String> = sqlx::query_scalar("SELECT id FROM referrals WHERE person_id = $1 AND status IN ('received', 'accepted') ORDER BY referred_on, id LIMIT 1")
        .bind(&person_id)
        .fetch_optional(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO referrals (id, person_id, service_org_id, practice_id, source, referrer_name, reason, referred_on, status, assigned_worker_id, created_at, updated_at, referred_by_org_id, duplicate_of, \
         consent, consent_on, lawful_basis, needs_to_confirm) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&referral_id)
    .bind(&person_id)
    .bind(&r.service_org_id)
    .bind(&r.practice_id)
    .bind(r.source.code())
    .bind(&r.referrer_name)
    .bind(r.reason.as_str())
    .bind(r.referred_on)
    .bind(ReferralStatus::Received.code())
    .bind(&r.assigned_worker_id)
    .bind(now)
    .bind(referred_by_org_id)
    .bind(&open)
    .bind(r.consent.status.code())
    .bind(r.consent.on)
    .bind(r.consent.lawful_basis.code())
    .bind(r.needs_to_confirm)
    .execute(&mut **tx)
    .await?;
    insert_needs(tx, &referral_id, &r.needs, "referral").await?;
    audit(tx, who, Audit { action: "referral.create", entity: "referral", entity_id: &referral_id, person_id: Some(&person_id) }).await?;
    match conflict {
        // Someone else's NHS number, perhaps: nothing about the held person changes, their contact details included.
        Some(conflict) => super::identity::raise_conflict(tx, who, &person_id, &referral_id, source, conflict).await?,
        None => super::contact_details::merge_from_referral(tx, who, &person_id, &r.contact, source, first_record).await?,
    }
    Ok(referral_id)
}

/// A service's caseload as the database holds it now (see `CaseworkStore::caseload`).
async fn read_caseload(store: &SqlStore, service_org_id: &str, worker_id: Option<&str>, open_only: bool) -> Result<Vec<CaseloadEntry>> {
    // The status written out (not a bound flag) so that an open caseload reads only the open
    // referrals through `referrals_service_status`.
    let statuses = if open_only { "AND r.status IN ('received', 'accepted')" } else { "" };
    Ok(sqlx::query_as(&format!(
        "SELECT r.id AS referral_id, r.assigned_worker_id, r.duplicate_of, p.id AS person_id, p.given_name, p.family_name, p.nhs_number, r.status, r.referred_on, u.display_name AS worker_name, \
         (SELECT MIN(c.contact_on) FROM contacts c WHERE c.referral_id = r.id) AS first_contact_on, \
         (SELECT MAX(c.contact_on) FROM contacts c WHERE c.referral_id = r.id) AS last_contact_on, \
         (SELECT MIN(g.review_on) FROM goals g WHERE g.referral_id = r.id AND g.status IN ('not_started', 'in_progress')) AS next_review_on, \
         (SELECT MIN(m.taken_on) FROM measures m WHERE m.referral_id = r.id AND m.timepoint = 'baseline') AS baseline_on, \
         (SELECT COUNT(*) FROM measures m WHERE m.referral_id = r.id AND m.timepoint <> 'baseline') AS follow_ups, \
         (SELECT COUNT(*) FROM contacts c WHERE c.referral_id = r.id AND c.accompanied) AS accompanied, \
         (SELECT COUNT(*) FROM identity_conflicts ic WHERE ic.referral_id = r.id AND ic.status = 'open') AS identity_conflicts \
         FROM referrals r JOIN people p ON p.id = r.person_id LEFT JOIN users u ON u.id = r.assigned_worker_id \
         WHERE r.service_org_id = $1 AND p.erased_at IS NULL AND ($2 IS NULL OR r.assigned_worker_id = $2) {statuses} \
         ORDER BY CASE r.status WHEN 'received' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, r.referred_on DESC, r.id",
    ))
    .bind(service_org_id)
    .bind(worker_id)
    .fetch_all(&mut *store.conn().await?)
    .await?)
}
