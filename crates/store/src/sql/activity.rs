//! Health-system activity (imported GP/hospital contacts), the tariff that costs them and the
//! service's SROI model (issue 5).

use super::{audit, Audit, SqlStore};

use crate::AuditActor;
use crate::{ActivityStore, ActivityWrite, NewHealthActivity};
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::evaluation::health_system::{
    ActivityFact, ContactType, CostItem, HealthSystemInput,
    Tariff, TariffEntry, DEFAULT_WINDOW_MONTHS,
};
use linkwork_domain::evaluation::price_index::PriceIndex;
use std::collections::BTreeSet;
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[async_trait]
impl ActivityStore for SqlStore {
    async fn service_people_by_nhs(&self, service_org_id: &str) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT nhs_number, id FROM people WHERE service_org_id = $1")
                .bind(service_org_id)
                .fetch_all(&mut *self.conn().await?)
                .await?,
        )
    }

    async fn add_health_activity(
        &self,
        who: &AuditActor,
        service_org_id: &str,
        rows: &[NewHealthActivity],
    ) -> Result<ActivityWrite> {
        let mut tx = self.write_tx().await?;
        let mut write = ActivityWrite::default();
        let mut people = BTreeSet::new();
        let at = super::now();
        for r in rows {
            let done = sqlx::query(
                "INSERT INTO health_activity (service_org_id, person_id, contact_on, contact_type, bed_days, source, occurrence, imported_at) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM people WHERE id = $2 AND service_org_id = $1) \
                 ON CONFLICT (person_id, contact_on, contact_type, source, occurrence) DO NOTHING",
            )
            .bind(service_org_id)
            .bind(&r.person_id)
            .bind(r.contact_on)
            .bind(r.contact_type.code())
            .bind(r.bed_days.map(i64::from))
            .bind(&r.source)
            .bind(i64::from(r.occurrence))
            .bind(at)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() == 1 {
                write.added += 1;
                people.insert(r.person_id.as_str());
            } else {
                write.already_recorded += 1;
            }
        }
        for person in people {
            audit(
                &mut tx,
                who,
                Audit {
                    action: "health_activity.import",
                    entity: "person",
                    entity_id: person,
                    person_id: Some(person),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(write)
    }

    async fn health_activity(&self, service_org_id: &str) -> Result<Vec<ActivityFact>> {
        activity(&mut *self.conn().await?, service_org_id).await
    }

    async fn health_tariff(&self, service_org_id: &str) -> Result<Tariff> {
        tariff(&mut *self.conn().await?, service_org_id).await
    }

    async fn set_health_tariff(
        &self,
        who: &AuditActor,
        service_org_id: &str,
        tariff: &Tariff,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let at = super::now();
        sqlx::query("DELETE FROM health_tariffs WHERE service_org_id = $1")
            .bind(service_org_id)
            .execute(&mut **tx)
            .await?;
        // A marker row records that the service saved a tariff, so an all-uncosted tariff is not
        // mistaken for "never saved" (which means the default figures).
        sqlx::query("INSERT INTO health_tariffs (service_org_id, contact_type, unit_cost_pence, source, year, updated_at) VALUES ($1, $2, 0, '', '', $3)")
            .bind(service_org_id)
            .bind(NONE_MARKER)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        for e in tariff.entries() {
            sqlx::query("INSERT INTO health_tariffs (service_org_id, contact_type, unit_cost_pence, source, year, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(service_org_id)
                .bind(e.item().code())
                .bind(i64::try_from(e.unit_cost_pence()).map_err(corrupt)?)
                .bind(e.source())
                .bind(e.year())
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("DELETE FROM health_price_indices WHERE service_org_id = $1")
            .bind(service_org_id)
            .execute(&mut **tx)
            .await?;
        if let Some(index) = tariff.price_index() {
            sqlx::query("INSERT INTO health_price_indices (service_org_id, source, index_values, updated_at) VALUES ($1, $2, $3, $4)")
                .bind(service_org_id)
                .bind(index.source())
                .bind(index.values_text())
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
        audit(
            &mut tx,
            who,
            Audit {
                action: "health_tariff.update",
                entity: "organisation",
                entity_id: service_org_id,
                person_id: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sroi_model(&self, service_org_id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT model FROM sroi_models WHERE service_org_id = $1")
                .bind(service_org_id)
                .fetch_optional(&mut *self.conn().await?)
                .await?;
        Ok(row.map(|(m,)| m))
    }

    async fn set_sroi_model(
        &self,
        who: &AuditActor,
        service_org_id: &str,
        model_json: &str,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO sroi_models (service_org_id, model, updated_at) VALUES ($1, $2, $3) ON CONFLICT (service_org_id) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at")
            .bind(service_org_id)
            .bind(model_json)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        audit(
            &mut tx,
            who,
            Audit {
                action: "sroi_model.update",
                entity: "organisation",
                entity_id: service_org_id,
                person_id: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The `contact_type` of the marker row written with every saved tariff.
const NONE_MARKER: &str = "_saved";

/// The service's tariff, with its price index; the default figures when it never saved one.
async fn tariff(conn: &mut super::Conn, service_org_id: &str) -> Result<Tariff> {
    let index: Option<(String, String)> = sqlx::query_as("SELECT source, index_values FROM health_price_indices WHERE service_org_id = $1")
        .bind(service_org_id)
        .fetch_optional(&mut *conn)
        .await?;
    let index = match index {
        Some((source, values)) => Some(PriceIndex::parse(&source, &values).map_err(|e| corrupt(format!("{e:?}")))?),
        None => None,
    };
    let rows: Vec<(String, i64, String, String)> =
        sqlx::query_as("SELECT contact_type, unit_cost_pence, source, year FROM health_tariffs WHERE service_org_id = $1").bind(service_org_id).fetch_all(&mut *conn).await?;
    if rows.is_empty() {
        return Ok(Tariff::default_figures().with_price_index(index));
    }
    let mut entries = Vec::new();
    for (item, pence, source, year) in rows {
        if item == NONE_MARKER {
            continue;
        }
        let item = CostItem::parse(&item).map_err(corrupt)?;
        entries.push(
            TariffEntry::new(item, u64::try_from(pence).map_err(corrupt)?, &source, &year)
                .map_err(corrupt)?,
        );
    }
    Ok(Tariff::new(entries).with_price_index(index))
}

/// The health-system settings of the evaluation for these services: the tariff (the service's own
/// for one service; for a scope of several, the default figures, as their tariffs may differ) and
/// the window. The referrals' people and dates come with the referrals, and each service's
/// contacts from `evaluation::activity_facts`, both read service by service in `evaluation`.
pub(super) async fn load_health_input(
    conn: &mut super::Conn,
    service_org_ids: &[String],
) -> Result<HealthSystemInput> {
    let mut input = HealthSystemInput {
        window_months: DEFAULT_WINDOW_MONTHS,
        ..HealthSystemInput::default()
    };
    input.tariff = match service_org_ids {
        [one] => tariff(conn, one).await?,
        _ => Tariff::default_figures(),
    };
    Ok(input)
}

async fn activity(conn: &mut super::Conn, service_org_id: &str) -> Result<Vec<ActivityFact>> {
    let rows: Vec<(String, Date, String, Option<i64>)> =
        sqlx::query_as("SELECT person_id, contact_on, contact_type, bed_days FROM health_activity WHERE service_org_id = $1 ORDER BY contact_on, person_id, contact_type, source, occurrence").bind(service_org_id).fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(|(person, contact_on, contact_type, bed_days)| {
            Ok(ActivityFact {
                person,
                contact_on,
                contact_type: ContactType::parse(&contact_type).map_err(corrupt)?,
                bed_days: bed_days
                    .map(|d| u32::try_from(d).map_err(corrupt))
                    .transpose()?,
            })
        })
        .collect()
}

/// The SROI model for these services: the one service's saved model; none when it never saved
/// one (Linkwork's illustrative model is not used on its behalf) or when the scope has several
/// services (their models differ).
pub(super) async fn load_sroi_model(conn: &mut super::Conn, service_org_ids: &[String]) -> Result<linkwork_domain::evaluation::sroi::SroiSetting> {
    use linkwork_domain::evaluation::sroi::SroiSetting;
    let [one] = service_org_ids else {
        return Ok(if service_org_ids.is_empty() { SroiSetting::NotEntered } else { SroiSetting::SeveralServices });
    };
    let row: Option<(String,)> = sqlx::query_as("SELECT model FROM sroi_models WHERE service_org_id = $1").bind(one).fetch_optional(&mut *conn).await?;
    match row {
        Some((json,)) => Ok(SroiSetting::Saved(serde_json::from_str(&json).map_err(corrupt)?)),
        None => Ok(SroiSetting::NotEntered),
    }
}
