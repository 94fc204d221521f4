//! Measurement: each service's schedule of outcome measures and the facts of its open referrals
//! the "Measures due" list is computed from (issue 5).

use super::{audit, Audit, SqlStore};
use crate::*;
use crate::{Discharge, DischargedReferral, MeasurementStore, NewCustomMeasure, OpenMeasureFacts};
use linkwork_domain::measurement::custom_instrument::{CustomInstrument, CustomMeasureFacts};
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::{DischargeReason, ReferralStatus};
use linkwork_domain::evaluation::resolution::NeedResolution;
use linkwork_domain::interop::snomed_maps::SnomedScoreMap;
use linkwork_domain::casework::schedule::{MeasurementSchedule, ReferralDates, TakenMeasure};
use std::collections::HashMap;
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

type OpenRow = (String, String, String, String, Option<String>, Date, Option<Date>);

#[async_trait]
impl MeasurementStore for SqlStore {
    async fn snomed_score_map(&self, service_org_id: &str) -> Result<SnomedScoreMap> {
        super::snomed_maps::read(self, super::snomed_maps::SCORES, service_org_id).await
    }

    async fn set_snomed_score_map(&self, who: &AuditActor, service_org_id: &str, map: &SnomedScoreMap) -> Result<()> {
        super::snomed_maps::write(self, who, super::snomed_maps::SCORES, service_org_id, map).await
    }

    async fn measurement_schedule(&self, service_org_id: &str) -> Result<Option<MeasurementSchedule>> {
        let Some((instruments, months)): Option<(String, String)> =
            sqlx::query_as("SELECT instruments, follow_up_months FROM measurement_schedules WHERE service_org_id = $1").bind(service_org_id).fetch_optional(&mut *self.conn().await?).await?
        else {
            return Ok(None);
        };
        let codes: Vec<&str> = instruments.split(',').collect();
        MeasurementSchedule::parse(&codes, &months).map(Some).map_err(|e| corrupt(e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")))
    }

    async fn set_measurement_schedule(&self, who: &AuditActor, service_org_id: &str, schedule: &MeasurementSchedule) -> Result<()> {
        let instruments = schedule.instruments().iter().map(|i| i.code()).collect::<Vec<_>>().join(",");
        let months = schedule.follow_up_months().iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO measurement_schedules (service_org_id, instruments, follow_up_months, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (service_org_id) DO UPDATE SET instruments = excluded.instruments, follow_up_months = excluded.follow_up_months, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(service_org_id)
        .bind(instruments)
        .bind(months)
        .bind(&who.user_id)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        audit(&mut tx, who, Audit { action: "measurement_schedule.update", entity: "organisation", entity_id: service_org_id, person_id: None }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open_measure_facts(&self, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<OpenMeasureFacts>> {
        let key = (service_org_id.to_owned(), worker_id.map(str::to_owned));
        self.kept(&self.reads.open_measures, key, read_open_measure_facts(self, service_org_id, worker_id)).await
    }

    async fn add_self_completed_measure(&self, who: &AuditActor, referral_id: &str, m: &NewMeasure) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        let id = super::casework::insert_measure(&mut tx, who, referral_id, m, super::casework::MeasureEntry::SelfCompleted).await?;
        audit(&mut tx, who, Audit { action: "measure.create_self_completed", entity: "measure", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn discharge_with_resolutions(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, d: &Discharge<'_>) -> Result<()> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let result = sqlx::query("UPDATE referrals SET status = $1, discharged_on = $2, discharge_reason = $3, discharge_summary = $4, updated_at = $5 WHERE id = $6 AND status = $7")
            .bind(ReferralStatus::Discharged.code())
            .bind(d.on)
            .bind(d.reason.code())
            .bind(d.summary)
            .bind(now)
            .bind(referral_id)
            .bind(from.code())
            .execute(&mut **tx)
            .await?;
        if result.rows_affected() != 1 {
            return Err(StoreError::Conflict("This referral was changed by someone else. Reload the page and try again".into()));
        }
        for (need, resolution) in d.resolutions {
            sqlx::query("INSERT INTO need_resolutions (referral_id, need, resolution, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(referral_id)
                .bind(need.code())
                .bind(resolution.code())
                .bind(&who.user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action: "referral.discharge", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn referral_needs(&self, referral_id: &str) -> Result<Vec<NeedDomain>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT DISTINCT need FROM referral_needs WHERE referral_id = $1").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let mut needs = rows.iter().map(|n| NeedDomain::parse(n).map_err(corrupt)).collect::<Result<Vec<_>>>()?;
        needs.sort();
        Ok(needs)
    }

    async fn record_need_resolutions(&self, who: &AuditActor, referral_id: &str, resolutions: &[(NeedDomain, NeedResolution)]) -> Result<()> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        for (need, resolution) in resolutions {
            sqlx::query(
                "INSERT INTO need_resolutions (referral_id, need, resolution, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (referral_id, need) DO UPDATE SET resolution = excluded.resolution, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            )
            .bind(referral_id)
            .bind(need.code())
            .bind(resolution.code())
            .bind(&who.user_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        audit(&mut tx, who, Audit { action: "need_resolution.update", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn discharged_referrals(&self, service_org_id: &str) -> Result<Vec<DischargedReferral>> {
        let rows: Vec<(String, Option<String>, Option<String>, Option<Date>, Option<Date>)> = sqlx::query_as(
            "SELECT r.id, r.assigned_worker_id, r.discharge_reason, (SELECT MIN(c.contact_on) FROM contacts c WHERE c.referral_id = r.id), r.discharged_on \
             FROM referrals r WHERE r.service_org_id = $1 AND r.status = 'discharged' ORDER BY r.referred_on, r.id",
        )
                .bind(service_org_id)
                .fetch_all(&mut *self.conn().await?)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (referral_id, assigned_worker_id, reason, first_contact_on, discharged_on) in rows {
            let reason = reason.map(|r| DischargeReason::parse(&r).map_err(corrupt)).transpose()?;
            let needs = self.referral_needs(&referral_id).await?;
            out.push(DischargedReferral { referral_id, assigned_worker_id, reason, needs, first_contact_on, discharged_on });
        }
        Ok(out)
    }

    async fn create_custom_instrument(&self, who: &AuditActor, service_org_id: &str, instrument: &CustomInstrument) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO custom_instruments (id, service_org_id, code, definition, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(service_org_id)
            .bind(instrument.code())
            .bind(instrument.to_json())
            .bind(&who.user_id)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        audit(&mut tx, who, Audit { action: "custom_instrument.create", entity: "custom_instrument", entity_id: &id, person_id: None }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn custom_instruments(&self, service_org_id: &str) -> Result<Vec<(String, CustomInstrument)>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT id, code, definition FROM custom_instruments WHERE service_org_id = $1 ORDER BY created_at, id").bind(service_org_id).fetch_all(&mut *self.conn().await?).await?;
        rows.into_iter().map(|(id, code, json)| Ok((id, CustomInstrument::from_json(&code, &json).map_err(corrupt)?))).collect()
    }

    async fn add_custom_measure(&self, who: &AuditActor, referral_id: &str, instrument_id: &str, m: &NewCustomMeasure) -> Result<String> {
        let id = new_id();
        let answers = serde_json::to_string(&m.answers).map_err(corrupt)?;
        let mut tx = self.write_tx().await?;
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        sqlx::query(
            "INSERT INTO custom_measures (id, referral_id, instrument_id, instrument_version, timepoint, taken_on, answers, self_completed, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(referral_id)
        .bind(instrument_id)
        .bind(&m.version)
        .bind(m.timepoint.code())
        .bind(m.taken_on)
        .bind(answers)
        .bind(m.self_completed)
        .bind(&who.user_id)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        audit(&mut tx, who, Audit { action: "custom_measure.create", entity: "custom_measure", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn custom_measures(&self, referral_id: &str) -> Result<Vec<CustomMeasureFacts>> {
        let rows: Vec<CustomRow> = sqlx::query_as(&format!("{CUSTOM_SELECT} WHERE m.referral_id = $1 ORDER BY m.taken_on, m.id")).bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        rows.into_iter().map(custom_fact).collect()
    }

    async fn need_resolutions(&self, referral_id: &str) -> Result<Vec<(NeedDomain, NeedResolution)>> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT need, resolution FROM need_resolutions WHERE referral_id = $1 ORDER BY need").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        rows.into_iter().map(|(n, r)| Ok((NeedDomain::parse(&n).map_err(corrupt)?, NeedResolution::parse(&r).map_err(corrupt)?))).collect()
    }
}

type CustomRow = (String, String, String, Date, String);
const CUSTOM_SELECT: &str = "SELECT m.referral_id, i.code, m.timepoint, m.taken_on, m.answers FROM custom_measures m JOIN custom_instruments i ON i.id = m.instrument_id";

fn custom_fact((referral_id, instrument_code, timepoint, taken_on, answers): CustomRow) -> Result<CustomMeasureFacts> {
    Ok(CustomMeasureFacts { referral_id, instrument_code, timepoint: Timepoint::parse(&timepoint).map_err(corrupt)?, taken_on, answers: serde_json::from_str(&answers).map_err(corrupt)? })
}

/// The services' own questionnaires and their answers up to `to` (evaluation input).
pub(super) async fn custom_facts(conn: &mut super::Conn, service_org_ids: &[String], to: Date) -> Result<(Vec<CustomInstrument>, Vec<CustomMeasureFacts>)> {
    let mut instruments = Vec::new();
    let mut measures = Vec::new();
    for service in service_org_ids {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT code, definition FROM custom_instruments WHERE service_org_id = $1 ORDER BY created_at, id").bind(service).fetch_all(&mut *conn).await?;
        for (code, json) in rows {
            instruments.push(CustomInstrument::from_json(&code, &json).map_err(corrupt)?);
        }
        let rows: Vec<CustomRow> = sqlx::query_as(&format!("{CUSTOM_SELECT} JOIN referrals r ON r.id = m.referral_id WHERE r.service_org_id = $1 AND m.taken_on <= $2 ORDER BY m.taken_on, m.id"))
            .bind(service)
            .bind(to)
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            measures.push(custom_fact(row)?);
        }
    }
    Ok((instruments, measures))
}

/// The open referrals of a service (or of one link worker) with the dates and measures their
/// measurement schedule needs.
async fn read_open_measure_facts(store: &SqlStore, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<OpenMeasureFacts>> {
    let rows: Vec<OpenRow> = sqlx::query_as(
        "SELECT r.id, p.id, p.given_name, p.family_name, u.display_name, r.referred_on, (SELECT MIN(c.contact_on) FROM contacts c WHERE c.referral_id = r.id) \
         FROM referrals r JOIN people p ON p.id = r.person_id LEFT JOIN users u ON u.id = r.assigned_worker_id \
         WHERE r.service_org_id = $1 AND r.status IN ('received', 'accepted') AND ($2 IS NULL OR r.assigned_worker_id = $2) \
         ORDER BY r.referred_on, r.id",
    )
    .bind(service_org_id)
    .bind(worker_id)
    .fetch_all(&mut *store.conn().await?)
    .await?;
    let measures: Vec<(String, String, String, Date)> = sqlx::query_as(
        "SELECT m.referral_id, m.instrument, m.timepoint, m.taken_on FROM measures m JOIN referrals r ON r.id = m.referral_id \
         WHERE r.service_org_id = $1 AND r.status IN ('received', 'accepted') ORDER BY m.taken_on, m.id",
    )
    .bind(service_org_id)
    .fetch_all(&mut *store.conn().await?)
    .await?;
    let mut taken: HashMap<String, Vec<TakenMeasure>> = HashMap::new();
    for (referral_id, instrument, timepoint, taken_on) in measures {
        // Instruments the schedule cannot name (none yet) are not part of it.
        let Ok(instrument) = Instrument::parse(&instrument) else { continue };
        taken.entry(referral_id).or_default().push(TakenMeasure { instrument, timepoint: Timepoint::parse(&timepoint).map_err(corrupt)?, taken_on });
    }
    Ok(rows
        .into_iter()
        .map(|(referral_id, person_id, given_name, family_name, worker_name, referred_on, first_contact_on)| OpenMeasureFacts {
            taken: taken.remove(&referral_id).unwrap_or_default(),
            referral_id,
            person_id,
            given_name,
            family_name,
            worker_name,
            dates: ReferralDates { referred_on, first_contact_on, discharged_on: None },
        })
        .collect())
}
