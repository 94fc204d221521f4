use super::casework::insert_referral;
use super::{audit, Audit, SqlStore};
use crate::*;
use crate::IntakeStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::person::identity::DetailsSource;
use linkwork_domain::casework::intake::{IncomingSource, IncomingStatus};
use linkwork_domain::interop::snomed_maps::SnomedNeedMap;

pub(super) const INCOMING_SELECT: &str = "SELECT i.id, i.reference, i.service_org_id, i.source, i.referred_by_org_id, o.name AS referred_by_org_name, i.given_name, i.family_name, \
     i.date_of_birth, i.postcode, i.phone, i.email, i.reason, i.needs, i.status, i.referral_id, r.status AS referral_status, i.decline_reason, i.received_at, \
     i.preferred_contact, i.best_times, i.leave_message \
     FROM incoming_referrals i LEFT JOIN organisations o ON o.id = i.referred_by_org_id LEFT JOIN referrals r ON r.id = i.referral_id";

#[async_trait]
impl IntakeStore for SqlStore {
    async fn snomed_need_map(&self, service_org_id: &str) -> Result<SnomedNeedMap> {
        super::snomed_maps::read(self, super::snomed_maps::NEEDS, service_org_id).await
    }

    async fn set_snomed_need_map(&self, who: &AuditActor, service_org_id: &str, map: &SnomedNeedMap) -> Result<()> {
        super::snomed_maps::write(self, who, super::snomed_maps::NEEDS, service_org_id, map).await
    }

    async fn create_incoming(&self, who: &AuditActor, n: &NewIncoming, reference: &str) -> Result<String> {
        let id = new_id();
        let now = super::now();
        let needs = n.needs.iter().map(|d| d.code()).collect::<Vec<_>>().join(",");
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO incoming_referrals (id, reference, service_org_id, source, referred_by_org_id, referred_by_user_id, given_name, family_name, date_of_birth, \
             postcode, phone, email, reason, needs, status, received_at, updated_at, consent_at, preferred_contact, best_times, leave_message) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $16, $17, $18, $19)",
        )
        .bind(&id)
        .bind(reference)
        .bind(&n.service_org_id)
        .bind(n.source.code())
        .bind(&n.referred_by_org_id)
        .bind(&n.referred_by_user_id)
        .bind(&n.given_name)
        .bind(&n.family_name)
        .bind(n.date_of_birth)
        .bind(n.postcode.as_ref().map(|p| p.as_str()))
        .bind(n.phone.as_ref().map(|p| p.as_str()))
        .bind(n.email.as_ref().map(|e| e.as_str()))
        .bind(&n.reason)
        .bind(needs)
        .bind(IncomingStatus::Pending.code())
        .bind(now)
        .bind(n.preferred_contact.map(|p| p.code()))
        .bind(&n.best_times)
        .bind(n.leave_message)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::unique(e, "That reference is already in use"))?;
        // The short form cannot be sent without the person's agreement, so it is recorded as given now.
        audit(&mut tx, who, Audit { action: "incoming.create", entity: "incoming_referral", entity_id: &id, person_id: Some(&crate::incoming_subject(&id)) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn incoming(&self, id: &str) -> Result<Option<Incoming>> {
        Ok(sqlx::query_as(&format!("{INCOMING_SELECT} WHERE i.id = $1")).bind(id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn pending_incoming(&self, service_org_id: &str) -> Result<Vec<Incoming>> {
        Ok(sqlx::query_as(&format!("{INCOMING_SELECT} WHERE i.service_org_id = $1 AND i.status = 'pending' ORDER BY i.received_at, i.id"))
            .bind(service_org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn incoming_from(&self, referred_by_org_id: &str) -> Result<Vec<Incoming>> {
        Ok(sqlx::query_as(&format!("{INCOMING_SELECT} WHERE i.referred_by_org_id = $1 ORDER BY i.received_at DESC, i.id"))
            .bind(referred_by_org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn convert_incoming(&self, who: &AuditActor, incoming_id: &str, referral: &NewReferral) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let pending: Option<(Option<String>, String)> = sqlx::query_as("SELECT referred_by_org_id, source FROM incoming_referrals WHERE id = $1 AND status = 'pending'")
            .bind(incoming_id)
            .fetch_optional(&mut **tx)
            .await?;
        let Some((referred_by, source)) = pending else {
            return Err(StoreError::Conflict("This referral has already been triaged".into()));
        };
        let source = match IncomingSource::parse(&source).map_err(|e| StoreError::Corrupt(e.to_string()))? {
            IncomingSource::SelfReferral => DetailsSource::SelfReferral,
            IncomingSource::Vcse => DetailsSource::PartnerReferral,
        };
        let referral_id = insert_referral(&mut tx, who, referral, referred_by.as_deref(), source).await?;
        let updated = sqlx::query("UPDATE incoming_referrals SET status = $1, referral_id = $2, updated_at = $3 WHERE id = $4 AND status = 'pending'")
            .bind(IncomingStatus::Converted.code())
            .bind(&referral_id)
            .bind(super::now())
            .bind(incoming_id)
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict("This referral has already been triaged".into()));
        }
        audit(&mut tx, who, Audit { action: "incoming.convert", entity: "incoming_referral", entity_id: incoming_id, person_id: Some(&crate::incoming_subject(incoming_id)) }).await?;
        tx.commit().await?;
        Ok(referral_id)
    }

    async fn decline_incoming(&self, who: &AuditActor, incoming_id: &str, reason: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query("UPDATE incoming_referrals SET status = $1, decline_reason = $2, updated_at = $3 WHERE id = $4 AND status = 'pending'")
            .bind(IncomingStatus::Declined.code())
            .bind(reason)
            .bind(super::now())
            .bind(incoming_id)
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict("This referral has already been triaged".into()));
        }
        audit(&mut tx, who, Audit { action: "incoming.decline", entity: "incoming_referral", entity_id: incoming_id, person_id: Some(&crate::incoming_subject(incoming_id)) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn referrals_from(&self, referred_by_org_id: &str) -> Result<Vec<ReferrerView>> {
        Ok(sqlx::query_as(
            "SELECT r.id AS referral_id, p.id AS person_id, p.given_name || ' ' || p.family_name AS person_name, r.referred_on, r.status, \
             (SELECT MIN(c.contact_on) FROM contacts c WHERE c.referral_id = r.id) AS first_contact_on \
             FROM referrals r JOIN people p ON p.id = r.person_id WHERE r.referred_by_org_id = $1 ORDER BY r.referred_on DESC, r.id",
        )
        .bind(referred_by_org_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }
}
