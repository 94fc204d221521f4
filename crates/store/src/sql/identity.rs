//! Who a referral is about: matching a referral's person to the person held under the same NHS
//! number (the rule is `linkwork_domain::person::identity`), the history of every change to a person's
//! details, and identity conflicts a link worker settles.

use super::{audit, Audit, Conn, SqlStore};
use crate::{AuditActor, NewReferral};
use crate::*;
use crate::IdentityStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::person::identity::{self, ConflictResolution, DetailsSource, FieldChange, HeldDetails, IdentityMatch, PersonField, StoredDetails};
use linkwork_domain::NhsNumber;
use time::{Date, OffsetDateTime};

/// A person row's details as stored.
#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    nhs_number: String,
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    sex: String,
    ethnicity: String,
    postcode: String,
    practice_id: Option<String>,
}

impl PersonRow {
    fn stored(&self) -> StoredDetails {
        StoredDetails {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: self.date_of_birth,
            sex: self.sex.clone(),
            ethnicity: self.ethnicity.clone(),
            postcode: self.postcode.clone(),
            practice_id: self.practice_id.clone(),
        }
    }
}

const PERSON_COLUMNS: &str = "id, nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode, practice_id";

/// A conflict to record once the referral that raised it exists.
pub(super) struct PendingConflict {
    incoming: StoredDetails,
}

/// The person a new referral is about: a new person, or the one held under its NHS number. A
/// held person whose date of birth and names agree takes the referral's other details (each
/// change kept); one that does not is left as it is and the mismatch returned as a conflict.
pub(super) async fn match_person(conn: &mut Conn, who: &AuditActor, r: &NewReferral, source: DetailsSource) -> Result<(String, Option<PendingConflict>)> {
    let p = &r.person;
    let now = super::now();
    let inserted: Option<String> = sqlx::query_scalar(
        "INSERT INTO people (id, service_org_id, nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode, practice_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (service_org_id, nhs_number) DO NOTHING RETURNING id",
    )
    .bind(new_id())
    .bind(&r.service_org_id)
    .bind(p.nhs_number.as_str())
    .bind(p.given_name.as_str())
    .bind(p.family_name.as_str())
    .bind(p.date_of_birth.date())
    .bind(p.sex.code())
    .bind(p.ethnicity.code())
    .bind(p.postcode.as_str())
    .bind(&r.practice_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, None));
    }
    let held: PersonRow = sqlx::query_as(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE service_org_id = $1 AND nhs_number = $2{}", super::super::LOCK_ROW))
        .bind(&r.service_org_id)
        .bind(p.nhs_number.as_str())
        .fetch_one(&mut *conn)
        .await?;
    let incoming = HeldDetails { person: p.clone(), practice_id: r.practice_id.clone() };
    let outcome = match held.stored().parse(&p.nhs_number) {
        Ok(held_details) => identity::compare(&held_details, &incoming),
        Err(_) => IdentityMatch::Conflict { differences: identity::unparsed_differences(&held.stored(), &incoming) },
    };
    match outcome {
        IdentityMatch::Same { changes } => {
            apply_changes(conn, who, &held.id, &changes, source, None).await?;
            Ok((held.id, None))
        }
        IdentityMatch::Conflict { .. } => Ok((held.id, Some(PendingConflict { incoming: StoredDetails::of(&incoming) }))),
    }
}

/// Records a conflict raised by `referral_id` (in the referral's transaction).
pub(super) async fn raise_conflict(conn: &mut Conn, who: &AuditActor, person_id: &str, referral_id: &str, source: DetailsSource, conflict: PendingConflict) -> Result<()> {
    let id = new_id();
    let incoming = serde_json::to_string(&conflict.incoming).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("INSERT INTO identity_conflicts (id, person_id, referral_id, source, raised_at, raised_by_org_id, incoming, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')")
        .bind(&id)
        .bind(person_id)
        .bind(referral_id)
        .bind(source.code())
        .bind(super::now())
        .bind(&who.org_id)
        .bind(incoming)
        .execute(&mut *conn)
        .await?;
    audit(conn, who, Audit { action: "identity_conflict.raise", entity: "identity_conflict", entity_id: &id, person_id: Some(person_id) }).await
}

/// Writes `changes` to the person and keeps each in the history (no-op for none).
pub(super) async fn apply_changes(conn: &mut Conn, who: &AuditActor, person_id: &str, changes: &[FieldChange], source: DetailsSource, conflict_id: Option<&str>) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let now = super::now();
    for change in changes {
        let new = change.new_value.as_deref();
        let updated = match change.field {
            PersonField::DateOfBirth => {
                let date = new.map(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query("UPDATE people SET date_of_birth = $1, updated_at = $2 WHERE id = $3").bind(date).bind(now).bind(person_id).execute(&mut *conn).await?
            }
            // A postcode says where someone lives now: it replaces any area kept from a pseudonymised import.
            PersonField::Postcode => sqlx::query("UPDATE people SET postcode = $1, lsoa = NULL, updated_at = $2 WHERE id = $3").bind(new).bind(now).bind(person_id).execute(&mut *conn).await?,
            field => {
                let column = match field {
                    PersonField::GivenName => "given_name",
                    PersonField::FamilyName => "family_name",
                    PersonField::Sex => "sex",
                    PersonField::Ethnicity => "ethnicity",
                    PersonField::Practice => "practice_id",
                    // Contact details are held apart (in `contact_details.rs`).
                    other => return Err(StoreError::Corrupt(format!("{} is not a detail held on the person", other.code()))),
                };
                sqlx::query(&format!("UPDATE people SET {column} = $1, updated_at = $2 WHERE id = $3")).bind(new).bind(now).bind(person_id).execute(&mut *conn).await?
            }
        };
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        record_change(conn, who, person_id, change, source, conflict_id, now).await?;
    }
    audit(conn, who, Audit { action: "person.update", entity: "person", entity_id: person_id, person_id: Some(person_id) }).await
}

/// Keeps one change in the person's details history (who, when, from which source).
pub(super) async fn record_change(conn: &mut Conn, who: &AuditActor, person_id: &str, change: &FieldChange, source: DetailsSource, conflict_id: Option<&str>, at: OffsetDateTime) -> Result<()> {
    sqlx::query(
        "INSERT INTO person_changes (id, person_id, at, user_id, token_id, org_id, source, field, old_value, new_value, conflict_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(person_id)
    .bind(at)
    .bind(&who.user_id)
    .bind(&who.token_id)
    .bind(&who.org_id)
    .bind(source.code())
    .bind(change.field.code())
    .bind(&change.old_value)
    .bind(&change.new_value)
    .bind(conflict_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ConflictRow {
    id: String,
    person_id: String,
    referral_id: String,
    source: String,
    raised_at: OffsetDateTime,
    incoming: String,
    status: String,
    resolution: Option<String>,
    resolved_at: Option<OffsetDateTime>,
}

const CONFLICT_COLUMNS: &str = "id, person_id, referral_id, source, raised_at, incoming, status, resolution, resolved_at";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl SqlStore {
    async fn conflict_of(&self, row: ConflictRow) -> Result<IdentityConflict> {
        let held: PersonRow = sqlx::query_as(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1")).bind(&row.person_id).fetch_one(&mut *self.conn().await?).await?;
        Ok(IdentityConflict {
            source: DetailsSource::parse(&row.source).map_err(corrupt)?,
            incoming: serde_json::from_str(&row.incoming).map_err(corrupt)?,
            held: held.stored(),
            open: row.status == "open",
            resolution: row.resolution.as_deref().map(ConflictResolution::parse).transpose().map_err(corrupt)?,
            resolved_at: row.resolved_at,
            raised_at: row.raised_at,
            id: row.id,
            person_id: row.person_id,
            referral_id: row.referral_id,
        })
    }
}

#[async_trait]
impl IdentityStore for SqlStore {
    async fn referral_identity_conflicts(&self, referral_id: &str) -> Result<Vec<IdentityConflict>> {
        let rows: Vec<ConflictRow> = sqlx::query_as(&format!("SELECT {CONFLICT_COLUMNS} FROM identity_conflicts WHERE referral_id = $1 ORDER BY raised_at, id")).bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.conflict_of(row).await?);
        }
        Ok(out)
    }

    async fn identity_conflict(&self, conflict_id: &str) -> Result<Option<IdentityConflict>> {
        let row: Option<ConflictRow> = sqlx::query_as(&format!("SELECT {CONFLICT_COLUMNS} FROM identity_conflicts WHERE id = $1")).bind(conflict_id).fetch_optional(&mut *self.conn().await?).await?;
        match row {
            Some(row) => Ok(Some(self.conflict_of(row).await?)),
            None => Ok(None),
        }
    }

    async fn resolve_identity_conflict(&self, who: &AuditActor, conflict_id: &str, resolution: ConflictResolution) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let row: ConflictRow = sqlx::query_as(&format!("SELECT {CONFLICT_COLUMNS} FROM identity_conflicts WHERE id = $1{}", super::super::LOCK_ROW))
            .bind(conflict_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if row.status != "open" {
            return Err(StoreError::Conflict("This identity conflict has already been settled. Reload the page".into()));
        }
        if resolution == ConflictResolution::UseReferral {
            let held: PersonRow = sqlx::query_as(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1")).bind(&row.person_id).fetch_one(&mut **tx).await?;
            let nhs = NhsNumber::parse(&held.nhs_number).map_err(corrupt)?;
            let incoming: StoredDetails = serde_json::from_str(&row.incoming).map_err(corrupt)?;
            let incoming = incoming.parse(&nhs).map_err(corrupt)?;
            let changes = match held.stored().parse(&nhs) {
                Ok(held_details) => identity::all_changes(&held_details, &incoming),
                Err(_) => stored_changes(&held.stored(), &StoredDetails::of(&incoming)),
            };
            apply_changes(&mut tx, who, &row.person_id, &changes, DetailsSource::ConflictResolution, Some(conflict_id)).await?;
        }
        let updated = sqlx::query("UPDATE identity_conflicts SET status = 'resolved', resolution = $1, resolved_at = $2, resolved_by = $3 WHERE id = $4 AND status = 'open'")
            .bind(resolution.code())
            .bind(super::now())
            .bind(&who.user_id)
            .bind(conflict_id)
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict("This identity conflict has already been settled. Reload the page".into()));
        }
        audit(&mut tx, who, Audit { action: "identity_conflict.resolve", entity: "identity_conflict", entity_id: conflict_id, person_id: Some(&row.person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn person_changes(&self, person_id: &str) -> Result<Vec<PersonChange>> {
        Ok(sqlx::query_as(
            "SELECT c.at, c.source, c.field, c.old_value, c.new_value, c.user_id, c.token_id, u.display_name AS by_name, o.name AS by_org, c.conflict_id \
             FROM person_changes c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN organisations o ON o.id = c.org_id WHERE c.person_id = $1 ORDER BY c.at, c.id",
        )
        .bind(person_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn likely_duplicate(&self, service_org_id: &str, nhs_number: &NhsNumber, since: Date) -> Result<Option<(String, Date, String)>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.referred_on, r.status FROM referrals r JOIN people p ON p.id = r.person_id \
             WHERE p.service_org_id = $1 AND p.nhs_number = $2 AND p.erased_at IS NULL AND (r.status IN ('received', 'accepted') OR r.referred_on >= $3) \
             ORDER BY r.referred_on DESC, r.id DESC LIMIT 1",
        )
        .bind(service_org_id)
        .bind(nhs_number.as_str())
        .bind(since)
        .fetch_optional(&mut *self.conn().await?)
        .await?)
    }

    async fn identity_keys(&self, service_org_ids: &[String]) -> Result<std::collections::HashMap<(String, String), u64>> {
        let mut keys = std::collections::HashMap::new();
        for service in service_org_ids {
            let rows: Vec<(String, String, String, Date)> =
                sqlx::query_as("SELECT nhs_number, given_name, family_name, date_of_birth FROM people WHERE service_org_id = $1 AND erased_at IS NULL").bind(service).fetch_all(&mut *self.conn().await?).await?;
            keys.extend(rows.into_iter().map(|(nhs, given, family, born)| ((service.clone(), nhs), identity::identity_key(&given, &family, &born.to_string()))));
        }
        Ok(keys)
    }

    async fn person_details(&self, person_id: &str) -> Result<Option<(NhsNumber, StoredDetails)>> {
        let row: Option<PersonRow> = sqlx::query_as(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1 AND erased_at IS NULL")).bind(person_id).fetch_optional(&mut *self.conn().await?).await?;
        match row {
            Some(row) => Ok(Some((NhsNumber::parse(&row.nhs_number).map_err(corrupt)?, row.stored()))),
            None => Ok(None),
        }
    }

    async fn correct_person(&self, who: &AuditActor, person_id: &str, details: &HeldDetails, source: DetailsSource) -> Result<usize> {
        let mut tx = self.write_tx().await?;
        let held: PersonRow = sqlx::query_as(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1 AND erased_at IS NULL{}", super::super::LOCK_ROW))
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let changes = match held.stored().parse(&details.person.nhs_number) {
            Ok(held_details) => identity::all_changes(&held_details, details),
            Err(_) => stored_changes(&held.stored(), &StoredDetails::of(details)),
        };
        apply_changes(&mut tx, who, person_id, &changes, source, None).await?;
        tx.commit().await?;
        Ok(changes.len())
    }
}

/// Every difference between two sets of stored details (when the held ones cannot be parsed).
fn stored_changes(held: &StoredDetails, new: &StoredDetails) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut add = |field, old: Option<String>, new: Option<String>| {
        if old != new {
            out.push(FieldChange { field, old_value: old, new_value: new });
        }
    };
    add(PersonField::GivenName, Some(held.given_name.clone()), Some(new.given_name.clone()));
    add(PersonField::FamilyName, Some(held.family_name.clone()), Some(new.family_name.clone()));
    add(PersonField::DateOfBirth, Some(held.date_of_birth.to_string()), Some(new.date_of_birth.to_string()));
    add(PersonField::Sex, Some(held.sex.clone()), Some(new.sex.clone()));
    add(PersonField::Ethnicity, Some(held.ethnicity.clone()), Some(new.ethnicity.clone()));
    add(PersonField::Postcode, Some(held.postcode.clone()), Some(new.postcode.clone()));
    if new.practice_id.is_some() {
        add(PersonField::Practice, held.practice_id.clone(), new.practice_id.clone());
    }
    out
}
