use super::casework::decode_recorded;
use super::SqlStore;
use crate::EvaluationStore;
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::evaluation::{EvaluationInput, MeasureFacts, OnwardFacts, PracticeFacts, ReferralFacts};
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::onward::OnwardStatus;
use linkwork_domain::casework::referral::{ReferralSource, ReferralStatus};
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[async_trait]
impl EvaluationStore for SqlStore {
    async fn evaluation_input(&self, scope_name: &str, service_org_ids: &[String], to: Date) -> Result<EvaluationInput> {
        // The subjects are read side by side, each on its own connection: on SQLite each
        // connection's statements run on their own thread, so the report's reading spreads over
        // the cores. (The reads were never one snapshot: each took its own connection before too.)
        let (core, stakeholders, equity, workforce, what_works, sdoh, custom, health, sroi) = tokio::try_join!(
            self.core_facts(scope_name, service_org_ids, to),
            async { super::stakeholders::load_facts(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::equity::load_facts(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::equity::load_workforce(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::equity::load_what_works(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::measurement::resolution_facts(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::measurement::custom_facts(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::activity::load_health_input(&mut *self.conn().await?, service_org_ids, to).await },
            async { super::activity::load_sroi_model(&mut *self.conn().await?, service_org_ids).await },
        )?;
        let mut input = core;
        input.stakeholders = stakeholders;
        input.equity = equity;
        input.workforce = workforce;
        input.what_works = what_works;
        input.sdoh = sdoh;
        (input.custom_instruments, input.custom_measures) = custom;
        input.health = health;
        input.sroi = sroi;
        Ok(input)
    }

    async fn data_version(&self) -> Result<String> {
        let version: Option<String> = sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1").fetch_optional(&mut *self.conn().await?).await?;
        version.ok_or_else(|| StoreError::Corrupt("the data version row is missing: run `linkwork migrate`".into()))
    }
}

impl SqlStore {
    /// The facts about referrals themselves: practices, referrals, measures and onward referrals.
    async fn core_facts(&self, scope_name: &str, service_org_ids: &[String], to: Date) -> Result<EvaluationInput> {
        let mut input = EvaluationInput { scope_name: scope_name.to_owned(), ..Default::default() };
        // One query per service keeps the SQL free of dialect-specific array binding; there are few services.
        for service in service_org_ids {
            let practices: Vec<(String, String, Option<i64>)> = sqlx::query_as("SELECT id, name, list_size FROM organisations WHERE kind = 'practice' AND parent_id = $1 ORDER BY name")
                .bind(service)
                .fetch_all(&mut *self.conn().await?)
                .await?;
            input.practices.extend(practices.into_iter().map(|(id, name, list_size)| PracticeFacts { id, name, list_size: list_size.unwrap_or(0).max(0) as u64 }));

            let referrals: Vec<(String, Option<String>, String, String, Date, Option<Date>)> = sqlx::query_as(
                "SELECT r.id, r.practice_id, r.source, r.status, r.referred_on, (SELECT MIN(c.contact_on) FROM contacts c WHERE c.referral_id = r.id) \
                 FROM referrals r WHERE r.service_org_id = $1 AND r.referred_on <= $2",
            )
            .bind(service)
            .bind(to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            for (id, practice_id, source, status, referred_on, first_contact_on) in referrals {
                input.referrals.push(ReferralFacts {
                    id,
                    practice_id,
                    source: ReferralSource::parse(&source).map_err(corrupt)?,
                    status: ReferralStatus::parse(&status).map_err(corrupt)?,
                    referred_on,
                    first_contact_on,
                });
            }

            let measures: Vec<(String, String, String, Date, String, Option<String>)> = sqlx::query_as(
                "SELECT m.referral_id, m.instrument, m.timepoint, m.taken_on, m.answers, m.scores FROM measures m JOIN referrals r ON r.id = m.referral_id \
                 WHERE r.service_org_id = $1 AND m.taken_on <= $2",
            )
            .bind(service)
            .bind(to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            for (referral_id, instrument, timepoint, taken_on, answers, scores) in measures {
                let instrument = Instrument::parse(&instrument).map_err(corrupt)?;
                input.measures.push(MeasureFacts { referral_id, timepoint: Timepoint::parse(&timepoint).map_err(corrupt)?, taken_on, recorded: decode_recorded(instrument, &answers, scores.as_deref())? });
            }

            let onward: Vec<(String, String, String, Date)> = sqlx::query_as(
                "SELECT w.referral_id, o.name, w.status, w.sent_on FROM onward_referrals w JOIN services s ON s.id = w.service_id JOIN organisations o ON o.id = s.org_id \
                 JOIN referrals r ON r.id = w.referral_id WHERE r.service_org_id = $1 AND w.sent_on <= $2",
            )
            .bind(service)
            .bind(to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            for (referral_id, partner_name, status, sent_on) in onward {
                input.onward.push(OnwardFacts { referral_id, partner_name, status: OnwardStatus::parse(&status).map_err(corrupt)?, sent_on });
            }
        }
        Ok(input)
    }
}
