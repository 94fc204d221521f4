//! The evaluation's input, read from the database: [`referral_facts`] brings each referral once
//! with everything the report's sections need of it; the sections' other facts (practices, list
//! profiles, link workers, stakeholders, health activity, tariffs) come from their own slices.
//! The gathered facts are kept in tables of their own, brought up to date first ([`freshness`]).

pub(super) mod activity_facts;
pub(crate) mod freshness;
pub(super) mod packed;
mod referral_facts;

use super::SqlStore;
use crate::EvaluationStore;
use crate::{Result, StoreError};
use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use linkwork_domain::evaluation::health_system::HealthSystemInput;
use linkwork_domain::evaluation::workforce::WorkforceFacts;
use linkwork_domain::evaluation::{EvaluationInput, PracticeFacts};
use time::Date;

/// How many services' referrals are read at once: enough to keep two cores busy while the driver
/// hands rows over, few enough to leave connections for the sections read beside them.
const SERVICES_AT_ONCE: usize = 4;

#[async_trait]
impl EvaluationStore for SqlStore {
    async fn evaluation_input(&self, scope_name: &str, service_org_ids: &[String], to: Date) -> Result<EvaluationInput> {
        self.refresh_evaluation_facts().await?;
        // The subjects are read side by side, each on its own connection: on SQLite each
        // connection's statements run on their own thread, so the report's reading spreads over
        // the cores. (The reads were never one snapshot: each took its own connection before too.)
        let (mut input, stakeholders, list, workforce, custom, health, sroi, comparison) = tokio::try_join!(
            self.referral_facts(scope_name, service_org_ids, to),
            async { super::stakeholders::load_facts(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::equity::load_list_profiles(&mut *self.conn().await?, service_org_ids).await },
            async { super::equity::load_workforce(&mut *self.conn().await?, service_org_ids).await },
            async { super::measurement::custom_facts(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::activity::load_health_input(&mut *self.conn().await?, service_org_ids).await },
            async { super::activity::load_sroi_model(&mut *self.conn().await?, service_org_ids).await },
            crate::comparison::ComparisonStore::comparison_population(self, service_org_ids),
        )?;
        input.stakeholders = stakeholders;
        input.equity.list = list;
        // The cases, the health referrals and contacts came with the referrals; the link workers,
        // targets and tariff from their own slices.
        input.workforce = WorkforceFacts { cases: std::mem::take(&mut input.workforce.cases), ..workforce };
        (input.custom_instruments, input.custom_measures) = custom;
        input.health = HealthSystemInput { referrals: std::mem::take(&mut input.health.referrals), activity: std::mem::take(&mut input.health.activity), ..health };
        input.sroi = sroi;
        input.comparison = linkwork_domain::evaluation::comparison::ComparisonFacts { people: comparison.people, covers: comparison.contact_range };
        Ok(input)
    }

    async fn data_version(&self) -> Result<String> {
        let version: Option<String> = sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1").fetch_optional(&mut *self.conn().await?).await?;
        version.ok_or_else(|| StoreError::Corrupt("the data version row is missing: run `linkwork migrate`".into()))
    }
}

impl SqlStore {
    /// The services' practices, every section's facts about their referrals (see
    /// [`referral_facts`]) and their people's health activity, several services at a time, kept
    /// in the order of `service_org_ids`.
    async fn referral_facts(&self, scope_name: &str, service_org_ids: &[String], to: Date) -> Result<EvaluationInput> {
        let mut input = EvaluationInput { scope_name: scope_name.to_owned(), ..Default::default() };
        let services = referral_facts::services(&mut *self.conn().await?).await?;
        let mut per_service = futures_util::stream::iter(service_org_ids.iter().cloned())
            .map(|service: String| async move {
                let mut conn = self.conn().await?;
                // One query per service keeps the SQL free of dialect-specific array binding; there are few services.
                let practices: Vec<(String, String, Option<i64>)> = sqlx::query_as("SELECT id, name, list_size FROM organisations WHERE kind = 'practice' AND parent_id = $1 ORDER BY name")
                    .bind(&service)
                    .fetch_all(&mut *conn)
                    .await?;
                let rows = referral_facts::read(&mut conn, &service, to).await?;
                let activity = activity_facts::read(&mut conn, &service).await?;
                Ok::<_, StoreError>((practices, rows, activity))
            })
            .buffered(SERVICES_AT_ONCE);
        while let Some((practices, rows, activity)) = per_service.try_next().await? {
            referral_facts::make_room(&mut input.health.activity, activity.len());
            input.health.activity.extend(activity);
            input.practices.extend(practices.into_iter().map(|(id, name, list_size)| PracticeFacts { id, name, list_size: list_size.unwrap_or(0).max(0) as u64 }));
            referral_facts::spread(rows, to, &services, &mut input);
        }
        Ok(input)
    }
}
