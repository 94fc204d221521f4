//! How to reach a person (`linkwork_domain::person::contact_details`): one `contact_details` row per
//! person, every change kept in `person_changes` as identity and demographic changes are
//! (`super::identity::record_change`), and each change audited in its transaction. A referral's
//! details are added here in the referral's own transaction (`merge_from_referral`).

use super::identity::{apply_changes, record_change};
use super::{audit, Audit, Conn, SqlStore};
use crate::AuditActor;
use crate::ContactStore;
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::person::contact_details::{ContactDetails, ServiceContact};
use linkwork_domain::person::identity::{DetailsSource, FieldChange, PersonField};
use linkwork_domain::casework::intake::{EmailAddress, PhoneNumber};
use linkwork_domain::Postcode;
use time::Date;

#[derive(sqlx::FromRow, Default)]
struct ContactRow {
    mobile: Option<String>,
    landline: Option<String>,
    email: Option<String>,
    address_line_1: Option<String>,
    address_line_2: Option<String>,
    town: Option<String>,
    preferred_contact: Option<String>,
    best_times: Option<String>,
    leave_message: Option<bool>,
}

const CONTACT_COLUMNS: &str = "mobile, landline, email, address_line_1, address_line_2, town, preferred_contact, best_times, leave_message";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl ContactRow {
    fn parse(&self) -> Result<ContactDetails> {
        let leave_message = self.leave_message.map(|yes| if yes { "yes" } else { "no" });
        let values: [(&str, Option<&str>); 9] = [
            ("mobile", self.mobile.as_deref()),
            ("landline", self.landline.as_deref()),
            ("email", self.email.as_deref()),
            ("address_line_1", self.address_line_1.as_deref()),
            ("address_line_2", self.address_line_2.as_deref()),
            ("town", self.town.as_deref()),
            ("preferred_contact", self.preferred_contact.as_deref()),
            ("best_times", self.best_times.as_deref()),
            ("leave_message", leave_message),
        ];
        ContactDetails::stored(|field| values.iter().find(|(k, _)| *k == field).and_then(|(_, v)| *v).unwrap_or("")).map_err(corrupt)
    }
}

/// The held details of a person (inside a transaction, or not).
async fn held(conn: &mut Conn, person_id: &str) -> Result<ContactDetails> {
    let row: Option<ContactRow> = sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contact_details WHERE person_id = $1")).bind(person_id).fetch_optional(&mut *conn).await?;
    row.unwrap_or_default().parse()
}

/// Writes the person's row as `d`.
async fn upsert(conn: &mut Conn, person_id: &str, d: &ContactDetails) -> Result<()> {
    let line = |l: Option<&linkwork_domain::person::contact_details::AddressLine>| l.map(|l| l.as_str().to_owned());
    sqlx::query(&format!(
        "INSERT INTO contact_details (person_id, {CONTACT_COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (person_id) DO UPDATE SET mobile = excluded.mobile, landline = excluded.landline, email = excluded.email, address_line_1 = excluded.address_line_1, \
         address_line_2 = excluded.address_line_2, town = excluded.town, preferred_contact = excluded.preferred_contact, best_times = excluded.best_times, \
         leave_message = excluded.leave_message, updated_at = excluded.updated_at"
    ))
    .bind(person_id)
    .bind(d.mobile.as_ref().map(PhoneNumber::as_str))
    .bind(d.landline.as_ref().map(PhoneNumber::as_str))
    .bind(d.email.as_ref().map(EmailAddress::as_str))
    .bind(line(d.address.as_ref().map(|a| &a.line_1)))
    .bind(line(d.address.as_ref().and_then(|a| a.line_2.as_ref())))
    .bind(line(d.address.as_ref().and_then(|a| a.town.as_ref())))
    .bind(d.preferred.map(|p| p.code()))
    .bind(&d.best_times)
    .bind(d.leave_message)
    .bind(super::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes `new` over the held details, keeping each change (none for a person recorded by this
/// very referral: their first details are not changes). Returns the changes.
async fn replace(conn: &mut Conn, who: &AuditActor, person_id: &str, held: &ContactDetails, new: &ContactDetails, source: DetailsSource, first_record: bool) -> Result<Vec<FieldChange>> {
    let changes = held.changes_to(new);
    if changes.is_empty() {
        return Ok(changes);
    }
    upsert(conn, person_id, new).await?;
    if !first_record {
        let now = super::now();
        for change in &changes {
            record_change(conn, who, person_id, change, source, None, now).await?;
        }
        audit(conn, who, Audit { action: "person.contact_update", entity: "person", entity_id: person_id, person_id: Some(person_id) }).await?;
    }
    Ok(changes)
}

/// Adds what a referral gives to the person's held details (what it leaves out is kept), in the
/// referral's transaction. `first_record`: the referral created the person.
pub(super) async fn merge_from_referral(conn: &mut Conn, who: &AuditActor, person_id: &str, incoming: &ContactDetails, source: DetailsSource, first_record: bool) -> Result<()> {
    if incoming.is_empty() {
        return Ok(());
    }
    let held = held(conn, person_id).await?;
    let merged = held.merged_with(incoming);
    replace(conn, who, person_id, &held, &merged, source, first_record).await?;
    Ok(())
}

#[async_trait]
impl ContactStore for SqlStore {
    async fn contact_details(&self, person_id: &str) -> Result<ContactDetails> {
        let mut conn = self.conn().await?;
        held(&mut conn, person_id).await
    }

    async fn set_contact_details(&self, who: &AuditActor, person_id: &str, details: &ContactDetails, postcode: Option<&Postcode>, source: DetailsSource) -> Result<usize> {
        let mut tx = self.write_tx().await?;
        let held_postcode: Option<String> = sqlx::query_scalar(&format!("SELECT postcode FROM people WHERE id = $1 AND erased_at IS NULL{}", super::super::LOCK_ROW))
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?;
        let held_postcode = held_postcode.ok_or(StoreError::NotFound)?;
        let held = held(&mut tx, person_id).await?;
        let mut changed = replace(&mut tx, who, person_id, &held, details, source, false).await?.len();
        if let Some(postcode) = postcode.filter(|p| p.as_str() != held_postcode) {
            let change = FieldChange { field: PersonField::Postcode, old_value: Some(held_postcode), new_value: Some(postcode.as_str().to_owned()) };
            apply_changes(&mut tx, who, person_id, &[change], source, None).await?;
            changed += 1;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn withdraw_sharing_consent(&self, who: &AuditActor, referral_id: &str, org_id: &str, on: Date) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query("UPDATE sharing_consents SET withdrawn_on = $1 WHERE referral_id = $2 AND org_id = $3 AND withdrawn_on IS NULL")
            .bind(on)
            .bind(referral_id)
            .bind(org_id)
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action: "sharing_consent.withdraw", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn service_contact(&self, service_org_id: &str) -> Result<Option<ServiceContact>> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT phone, email, hours FROM service_contacts WHERE service_org_id = $1").bind(service_org_id).fetch_optional(&mut *self.conn().await?).await?;
        row.map(|(phone, email, hours)| ServiceContact::parse(phone.as_deref().unwrap_or(""), email.as_deref().unwrap_or(""), hours.as_deref().unwrap_or("")).map_err(corrupt)).transpose()
    }

    async fn set_service_contact(&self, who: &AuditActor, service_org_id: &str, contact: &ServiceContact) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO service_contacts (service_org_id, phone, email, hours, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (service_org_id) DO UPDATE SET phone = excluded.phone, email = excluded.email, hours = excluded.hours, updated_at = excluded.updated_at",
        )
        .bind(service_org_id)
        .bind(contact.phone.as_ref().map(PhoneNumber::as_str))
        .bind(contact.email.as_ref().map(EmailAddress::as_str))
        .bind(&contact.hours)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        audit(&mut tx, who, Audit { action: "service_contact.update", entity: "organisation", entity_id: service_org_id, person_id: None }).await?;
        tx.commit().await?;
        Ok(())
    }
}
