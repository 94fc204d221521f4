//! The facts behind the partnership reports (issue 4): onward referrals with the needs of the
//! person and who referred them in, the directory's services, referrals in from organisations and
//! SWEMWBS measures. One query per service (PCN), as in the evaluation loader.

use super::casework::decode_recorded;
use super::SqlStore;
use crate::{PartnershipInput, PartnershipStore};
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::evaluation::{MeasureFacts, Period};
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_domain::onward::partnership::{OnwardFact, ServiceFact};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

type OnwardRow = (String, String, String, String, String, String, Option<String>, Date, Option<Date>, Option<String>);

#[async_trait]
impl PartnershipStore for SqlStore {
    async fn partnership_input(&self, service_org_ids: &[String], period: Period) -> Result<PartnershipInput> {
        let mut input = PartnershipInput::default();
        let orgs: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM organisations").fetch_all(&mut *self.conn().await?).await?;
        input.org_names = orgs.into_iter().collect();

        let services: Vec<(String, String, String, String, Option<i64>, Option<Date>)> =
            sqlx::query_as("SELECT s.id, s.name, o.name, s.status, s.waiting_list, s.funding_ends_on FROM services s JOIN organisations o ON o.id = s.org_id ORDER BY s.name, s.id")
                .fetch_all(&mut *self.conn().await?)
                .await?;
        let service_needs: Vec<(String, String)> = sqlx::query_as("SELECT service_id, need FROM service_needs").fetch_all(&mut *self.conn().await?).await?;
        let mut needs_of_service: BTreeMap<String, Vec<NeedDomain>> = BTreeMap::new();
        for (service_id, need) in service_needs {
            needs_of_service.entry(service_id).or_default().push(NeedDomain::parse(&need).map_err(corrupt)?);
        }
        for (id, name, org_name, status, waiting_list, funding_ends_on) in services {
            let needs = needs_of_service.remove(&id).unwrap_or_default();
            input.services.push(ServiceFact { id, name, org_name, needs, active: status == "active", waiting_list, funding_ends_on });
        }

        for service in service_org_ids {
            // Needs per referral: those identified in conversation, else those given at referral.
            let need_rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT rn.referral_id, rn.need, rn.identified_at FROM referral_needs rn JOIN referrals r ON r.id = rn.referral_id WHERE r.service_org_id = $1 AND r.referred_on <= $2",
            )
            .bind(service)
            .bind(period.to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            let mut at_conversation: BTreeMap<String, Vec<NeedDomain>> = BTreeMap::new();
            let mut at_referral: BTreeMap<String, Vec<NeedDomain>> = BTreeMap::new();
            for (referral_id, need, identified_at) in need_rows {
                let need = NeedDomain::parse(&need).map_err(corrupt)?;
                let map = if identified_at == "conversation" { &mut at_conversation } else { &mut at_referral };
                map.entry(referral_id).or_default().push(need);
            }
            let needs_of = |id: &str| at_conversation.get(id).or_else(|| at_referral.get(id)).cloned().unwrap_or_default();

            let received: Vec<(String, Date)> = sqlx::query_as("SELECT id, referred_on FROM referrals WHERE service_org_id = $1 AND referred_on >= $2 AND referred_on <= $3 ORDER BY referred_on, id")
                .bind(service)
                .bind(period.from)
                .bind(period.to)
                .fetch_all(&mut *self.conn().await?)
                .await?;
            input.needs.extend(received.into_iter().map(|(id, _)| {
                let needs = needs_of(&id);
                (id, needs)
            }));

            let onward: Vec<OnwardRow> = sqlx::query_as(
                "SELECT w.referral_id, s.org_id, o.name, s.id, s.name, w.status, w.decline_reason, w.sent_on, w.responded_on, r.referred_by_org_id \
                 FROM onward_referrals w JOIN services s ON s.id = w.service_id JOIN organisations o ON o.id = s.org_id JOIN referrals r ON r.id = w.referral_id \
                 WHERE r.service_org_id = $1 AND w.sent_on >= $2 AND w.sent_on <= $3 ORDER BY w.sent_on, w.id",
            )
            .bind(service)
            .bind(period.from)
            .bind(period.to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            for (referral_id, partner_org_id, partner_name, service_id, service_name, status, decline_reason, sent_on, responded_on, referred_in_by) in onward {
                let needs = needs_of(&referral_id);
                input.onward.push(OnwardFact {
                    referral_id,
                    partner_org_id,
                    partner_name,
                    service_id,
                    service_name,
                    status: OnwardStatus::parse(&status).map_err(corrupt)?,
                    decline_reason: decline_reason.as_deref().map(OnwardDeclineReason::parse).transpose().map_err(corrupt)?,
                    sent_on,
                    responded_on,
                    referred_in_by,
                    needs,
                });
            }

            // Referrals in from organisations: incoming referrals (VCSE), and referrals recorded
            // with a referring organisation that did not come through an incoming referral.
            let incoming: Vec<(String, OffsetDateTime)> = sqlx::query_as(
                "SELECT o.name, i.received_at FROM incoming_referrals i JOIN organisations o ON o.id = i.referred_by_org_id WHERE i.service_org_id = $1",
            )
            .bind(service)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            input.referred_in.extend(incoming.into_iter().map(|(name, at)| (name, at.date())).filter(|(_, on)| period.contains(*on)));
            let direct: Vec<(String, Date)> = sqlx::query_as(
                "SELECT o.name, r.referred_on FROM referrals r JOIN organisations o ON o.id = r.referred_by_org_id \
                 WHERE r.service_org_id = $1 AND r.referred_on >= $2 AND r.referred_on <= $3 \
                 AND NOT EXISTS (SELECT 1 FROM incoming_referrals i WHERE i.referral_id = r.id)",
            )
            .bind(service)
            .bind(period.from)
            .bind(period.to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            input.referred_in.extend(direct);

            let measures: Vec<(String, String, Date, String, Option<String>)> = sqlx::query_as(
                "SELECT m.referral_id, m.timepoint, m.taken_on, m.answers, m.scores FROM measures m JOIN referrals r ON r.id = m.referral_id \
                 WHERE r.service_org_id = $1 AND m.instrument = $2 AND m.taken_on <= $3",
            )
            .bind(service)
            .bind(Instrument::Swemwbs.code())
            .bind(period.to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            for (referral_id, timepoint, taken_on, answers, scores) in measures {
                input.measures.push(MeasureFacts { referral_id: referral_id.into(), timepoint: Timepoint::parse(&timepoint).map_err(corrupt)?, taken_on, recorded: decode_recorded(Instrument::Swemwbs, &answers, scores.as_deref())? });
            }
        }
        Ok(input)
    }
}
