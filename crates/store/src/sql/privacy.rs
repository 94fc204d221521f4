//! People's rights over their records: consent to share with partners, restriction, erasure
//! and retention (UK GDPR articles 17 and 18; docs/security.md).
//!
//! Erasure removes who the person is and everything written about them in words, and keeps the
//! rows the evaluation counts (dates, statuses, coded needs, measures, activity), so published
//! figures do not change. The person keeps a row: their NHS number becomes an unused number from
//! the range reserved for testing (999 000 0000 to 999 999 9999, never issued to a patient), so a
//! future referral with the real number starts a new person; names and postcode become empty
//! (where they lived is kept as its LSOA, for equity figures); the date of birth becomes 1 July
//! of the birth year (age bands are kept).

use super::{audit, Audit, SqlStore};
use crate::{AuditActor, Incoming};
use crate::*;
use crate::PrivacyStore;
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::NhsNumber;
use time::{Date, Month, OffsetDateTime};

const PRIVACY_COLUMNS: &str = "id AS person_id, service_org_id, erased_at, erasure_reason, restricted_at, restriction_reason";

/// Text left where words about an erased person were.
const ERASED: &str = "[erased]";

/// A number in the test range, with a valid check digit, from random digits.
fn test_range_number() -> Option<String> {
    let n = uuid::Uuid::new_v4().as_u128() % 1_000_000;
    let base = format!("999{n:06}");
    NhsNumber::check_digit(&base).map(|d| format!("{base}{d}"))
}

#[async_trait]
impl PrivacyStore for SqlStore {
    async fn sharing_consents(&self, referral_id: &str) -> Result<Vec<SharingConsent>> {
        Ok(sqlx::query_as(
            "SELECT c.org_id, o.name AS org_name, c.given_on, c.withdrawn_on FROM sharing_consents c JOIN organisations o ON o.id = c.org_id WHERE c.referral_id = $1 ORDER BY c.given_on, o.name",
        )
        .bind(referral_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn person_privacy(&self, person_id: &str) -> Result<Option<PersonPrivacy>> {
        Ok(sqlx::query_as(&format!("SELECT {PRIVACY_COLUMNS} FROM people WHERE id = $1")).bind(person_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn restrict_person(&self, who: &AuditActor, person_id: &str, reason: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query("UPDATE people SET restricted_at = $1, restriction_reason = $2 WHERE id = $3 AND erased_at IS NULL AND restricted_at IS NULL")
            .bind(super::now())
            .bind(reason)
            .bind(person_id)
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict("This record is already restricted or erased".into()));
        }
        audit(&mut tx, who, Audit { action: "person.restrict", entity: "person", entity_id: person_id, person_id: Some(person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn lift_restriction(&self, who: &AuditActor, person_id: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query("UPDATE people SET restricted_at = NULL, restriction_reason = NULL WHERE id = $1 AND restricted_at IS NOT NULL").bind(person_id).execute(&mut **tx).await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict("This record is not restricted".into()));
        }
        audit(&mut tx, who, Audit { action: "person.lift_restriction", entity: "person", entity_id: person_id, person_id: Some(person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn erase_person(&self, who: &AuditActor, person_id: &str, ground: ErasureGround, reason: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let row: Option<(String, Date, Option<OffsetDateTime>)> = sqlx::query_as(&format!("SELECT service_org_id, date_of_birth, erased_at FROM people WHERE id = $1{}", super::super::LOCK_ROW))
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?;
        let Some((service_org_id, born, erased_at)) = row else { return Err(StoreError::NotFound) };
        if erased_at.is_some() {
            return Err(StoreError::Conflict("This record has already been erased".into()));
        }
        let referrals = "(SELECT id FROM referrals WHERE person_id = $1)";
        let born = Date::from_calendar_date(born.year(), Month::July, 1).unwrap_or(born);
        // The LSOA of the postcode, when the lookup is loaded, keeps the person in equity figures.
        let mut number = None;
        for _ in 0..50 {
            let Some(candidate) = test_range_number() else { continue };
            let taken: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE service_org_id = $1 AND nhs_number = $2").bind(&service_org_id).bind(&candidate).fetch_optional(&mut **tx).await?;
            if taken.is_none() {
                number = Some(candidate);
                break;
            }
        }
        let number = number.ok_or_else(|| StoreError::Conflict("No free number to stand in for the NHS number: try again".into()))?;
        sqlx::query(
            "UPDATE people SET nhs_number = $1, given_name = '', family_name = '', date_of_birth = $2, \
             lsoa = COALESCE((SELECT pl.lsoa FROM postcode_lsoa pl WHERE pl.postcode = people.postcode), lsoa), postcode = '', \
             erased_at = $3, erasure_reason = $4, restricted_at = NULL, restriction_reason = NULL, updated_at = $3 WHERE id = $5",
        )
        .bind(&number)
        .bind(born)
        .bind(super::now())
        .bind(format!("{}: {reason}", ground.code()))
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
        let statements = [
            format!("UPDATE referrals SET referrer_name = '{ERASED}', reason = '{ERASED}', discharge_summary = NULL WHERE person_id = $1"),
            format!("UPDATE conversations SET what_matters = '{ERASED}' WHERE referral_id IN {referrals}"),
            format!("UPDATE goals SET description = '{ERASED}' WHERE referral_id IN {referrals}"),
            format!("UPDATE plan_changes SET old_value = '{ERASED}', new_value = '{ERASED}' WHERE kind = 'description' AND referral_id IN {referrals}"),
            format!("UPDATE contacts SET notes = NULL WHERE referral_id IN {referrals}"),
            format!("UPDATE contact_attempts SET notes = NULL WHERE referral_id IN {referrals}"),
            format!("UPDATE onward_referrals SET note = NULL WHERE referral_id IN {referrals}"),
            format!("UPDATE referral_reopenings SET reason = '{ERASED}' WHERE referral_id IN {referrals}"),
            format!(
                "UPDATE incoming_referrals SET given_name = '', family_name = '', date_of_birth = NULL, postcode = NULL, phone = NULL, email = NULL, reason = '{ERASED}', \
                 preferred_contact = NULL, best_times = NULL, leave_message = NULL \
                 WHERE referral_id IN {referrals}"
            ),
            format!("UPDATE evidence_items SET text = '{ERASED}', person_id = NULL WHERE person_id = $1"),
            "DELETE FROM person_changes WHERE person_id = $1".to_owned(),
            // The evaluation's copy of the person's details (exact date of birth, area) goes now;
            // the change above marked the referrals, so the next report gathers them as erased.
            "DELETE FROM referral_facts WHERE person_id = $1".to_owned(),
            "DELETE FROM contact_details WHERE person_id = $1".to_owned(),
            "UPDATE identity_conflicts SET incoming = '{}', status = 'resolved', resolution = COALESCE(resolution, 'keep_recorded') WHERE person_id = $1".to_string(),
        ];
        for sql in &statements {
            sqlx::query(sql).bind(person_id).execute(&mut **tx).await?;
        }
        // Notifications and their e-mails about the person's referrals name them.
        let links = "(SELECT '/referrals/' || id FROM referrals WHERE person_id = $1)";
        sqlx::query(&format!("UPDATE email_outbox SET subject = '{ERASED}', body = '{ERASED}' WHERE notification_id IN (SELECT id FROM notifications WHERE link IN {links})")).bind(person_id).execute(&mut **tx).await?;
        sqlx::query(&format!("UPDATE notifications SET subject = 'A referral was updated', body = 'The record this was about has been erased.' WHERE link IN {links}")).bind(person_id).execute(&mut **tx).await?;
        let action = match ground {
            ErasureGround::Request => "person.erase",
            ErasureGround::Retention => "person.erase_retention",
        };
        audit(&mut tx, who, Audit { action, entity: "person", entity_id: person_id, person_id: Some(person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn retention_years(&self, service_org_id: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT years FROM retention_settings WHERE service_org_id = $1").bind(service_org_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn set_retention_years(&self, who: &AuditActor, service_org_id: &str, years: i64) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO retention_settings (service_org_id, years, updated_at) VALUES ($1, $2, $3) ON CONFLICT (service_org_id) DO UPDATE SET years = excluded.years, updated_at = excluded.updated_at")
            .bind(service_org_id)
            .bind(years)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        audit(&mut tx, who, Audit { action: "retention.update", entity: "organisation", entity_id: service_org_id, person_id: None }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn retention_due(&self, service_org_id: &str, closed_before: Date) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT p.id FROM people p WHERE p.service_org_id = $1 AND p.erased_at IS NULL \
             AND EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id) \
             AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id AND (r.status IN ('received', 'accepted') OR COALESCE(r.discharged_on, r.declined_on) >= $2)) \
             ORDER BY p.id",
        )
        .bind(service_org_id)
        .bind(closed_before)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn person_extras(&self, person_id: &str) -> Result<PersonExtras> {
        let incoming: Vec<Incoming> = sqlx::query_as(&format!("{} WHERE i.referral_id IN (SELECT id FROM referrals WHERE person_id = $1) ORDER BY i.received_at", super::intake::INCOMING_SELECT))
            .bind(person_id)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        let health_activity = sqlx::query_as("SELECT contact_on, contact_type, bed_days, source FROM health_activity WHERE person_id = $1 ORDER BY contact_on, contact_type, occurrence")
            .bind(person_id)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        let evidence = sqlx::query_as("SELECT title, kind, text, recorded_on FROM evidence_items WHERE person_id = $1 ORDER BY recorded_on, id").bind(person_id).fetch_all(&mut *self.conn().await?).await?;
        Ok(PersonExtras { incoming, health_activity, evidence })
    }

    async fn people_by_nhs_number(&self, nhs_number: &NhsNumber) -> Result<Vec<PersonPrivacy>> {
        Ok(sqlx::query_as(&format!("SELECT {PRIVACY_COLUMNS} FROM people WHERE nhs_number = $1 ORDER BY service_org_id")).bind(nhs_number.as_str()).fetch_all(&mut *self.conn().await?).await?)
    }
}

