//! What each partner and each funder sees (issue 4): the feedback report for one VCSE
//! organisation about the people referred to it, the gap report for the PCN clinical director and
//! local funders, and the network of referrals between the service and organisations. Pure: the
//! store gathers the facts, this module counts, and every count leaves disclosure-controlled.

use crate::casework::need::NeedDomain;
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::{MeasureFacts, Period};
use crate::evaluation::pairing::{PairFinder, Pairing};
use crate::evaluation::stats;
use crate::measurement::instruments::Instrument;
use crate::onward::{OnwardDeclineReason, OnwardStatus};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// One onward referral, as the partnership reports need it.
#[derive(Debug, Clone)]
pub struct OnwardFact {
    pub referral_id: String,
    pub partner_org_id: String,
    pub partner_name: String,
    pub service_id: String,
    pub service_name: String,
    pub status: OnwardStatus,
    pub decline_reason: Option<OnwardDeclineReason>,
    pub sent_on: Date,
    pub responded_on: Option<Date>,
    /// The organisation that referred the person into the service, if a partner did.
    pub referred_in_by: Option<String>,
    /// The person's needs, as identified for the referral.
    pub needs: Vec<NeedDomain>,
}

// ---- partner feedback ----

#[derive(Debug, Clone, Serialize)]
pub struct PartnerFeedback {
    pub partner: String,
    pub period: Period,
    pub received: Shown<u64>,
    pub accepted: Shown<u64>,
    pub declined: Shown<u64>,
    pub awaiting: Shown<u64>,
    pub decline_reasons: Vec<(OnwardDeclineReason, Shown<u64>)>,
    pub median_days_to_respond: Shown<f64>,
    pub started: Shown<u64>,
    pub attended: Shown<u64>,
    pub completed: Shown<u64>,
    pub dropped_out: Shown<u64>,
    /// SWEMWBS metric change of the people this partner took on (baseline → latest follow-up).
    pub swemwbs_n: Shown<u64>,
    pub swemwbs_mean_change: Shown<f64>,
    pub swemwbs_ci95: (Shown<f64>, Shown<f64>),
    pub by_service: Vec<(String, Shown<u64>, Shown<u64>)>,
}

/// The feedback report for one partner organisation over `period` (referrals sent in it).
pub fn partner_feedback(partner_org_id: &str, onward: &[OnwardFact], measures: &[MeasureFacts], period: Period, policy: SuppressionPolicy) -> PartnerFeedback {
    let mine: Vec<&OnwardFact> = onward.iter().filter(|o| o.partner_org_id == partner_org_id && period.contains(o.sent_on)).collect();
    let count = |pred: &dyn Fn(&OnwardFact) -> bool| mine.iter().filter(|o| pred(o)).count() as u64;
    let accepted = count(&|o| o.status.was_accepted());
    let declined = count(&|o| o.status == OnwardStatus::Declined);
    let awaiting = count(&|o| o.status == OnwardStatus::Sent);
    let (cells, received) = policy.row_with_total(&[accepted, declined, awaiting]);
    let response_days: Vec<f64> = mine.iter().filter_map(|o| o.responded_on.map(|d| (d - o.sent_on).whole_days().max(0) as f64)).collect();
    let reached = |stage: OnwardStatus| count(&|o| stage_rank(o.status) >= stage_rank(stage));
    let took_on: BTreeSet<&str> = mine.iter().filter(|o| o.status.was_accepted()).map(|o| o.referral_id.as_str()).collect();
    let changes = swemwbs_changes(measures, &took_on);
    let ci = stats::mean_ci95(&changes);
    let n = changes.len() as u64;
    let mut services: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for o in &mine {
        let entry = services.entry(o.service_name.as_str()).or_default();
        entry.0 += 1;
        if o.status.was_accepted() {
            entry.1 += 1;
        }
    }
    PartnerFeedback {
        partner: mine.first().map(|o| o.partner_name.clone()).unwrap_or_default(),
        period,
        received,
        accepted: cells[0],
        declined: cells[1],
        awaiting: cells[2],
        decline_reasons: OnwardDeclineReason::ALL.iter().map(|r| (*r, policy.count(count(&|o| o.decline_reason == Some(*r))))).collect(),
        median_days_to_respond: policy.statistic(response_days.len() as u64, stats::median(&response_days)),
        started: policy.count(reached(OnwardStatus::Started)),
        attended: policy.count(reached(OnwardStatus::Attended)),
        completed: policy.count(reached(OnwardStatus::Completed)),
        dropped_out: policy.count(count(&|o| o.status == OnwardStatus::DroppedOut)),
        swemwbs_n: policy.count(n),
        swemwbs_mean_change: policy.mean(n, 1.0, stats::mean(&changes)),
        swemwbs_ci95: (policy.mean(n, 1.0, ci.map(|c| c.0)), policy.mean(n, 1.0, ci.map(|c| c.1))),
        by_service: services.into_iter().map(|(name, (sent, accepted))| (name.to_owned(), policy.count(sent), policy.count(accepted))).collect(),
    }
}

/// How far along the activity a referral got (started < attended < completed; others 0). A later
/// stage implies the earlier ones; dropping out says nothing about how far the person got.
fn stage_rank(status: OnwardStatus) -> u8 {
    match status {
        OnwardStatus::Started => 1,
        OnwardStatus::Attended => 2,
        OnwardStatus::Completed => 3,
        _ => 0,
    }
}

/// Per referral in `referrals`: its follow-up SWEMWBS metric minus its baseline, paired as the
/// evaluation's outcomes pair them (`evaluation::pairing`).
fn swemwbs_changes(measures: &[MeasureFacts], referrals: &BTreeSet<&str>) -> Vec<f64> {
    let mut pairs: BTreeMap<&str, PairFinder<f64>> = BTreeMap::new();
    for m in measures.iter().filter(|m| m.recorded.instrument() == Instrument::Swemwbs && referrals.contains(m.referral_id.as_ref())) {
        pairs.entry(m.referral_id.as_ref()).or_default().see(m.timepoint, m.taken_on, m.recorded.scores()[0].value);
    }
    pairs
        .into_values()
        .filter_map(|finder| match finder.pairing() {
            Pairing::Paired { baseline, follow_up } => Some(follow_up - baseline),
            _ => None,
        })
        .collect()
}

// ---- partnership network ----

/// A directed count of referrals between two parties ("Link workers" stands for the service).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkEdge {
    pub from: String,
    pub to: String,
    pub referrals: Shown<u64>,
    /// Per quarter (`YYYY-Qn`), for the trend.
    pub by_quarter: Vec<(String, Shown<u64>)>,
}

pub const SERVICE_NODE: &str = "Link workers";

/// Referrals from the link-worker service to each organisation, from each organisation into the
/// service, and organisation to organisation through the service (referred in by A, on to B).
/// `referred_in` gives, per incoming referral date, the referring organisation's name.
pub fn network(onward: &[OnwardFact], referred_in: &[(String, Date)], org_names: &BTreeMap<String, String>, period: Period, policy: SuppressionPolicy) -> Vec<NetworkEdge> {
    let mut edges: BTreeMap<(String, String), BTreeMap<String, u64>> = BTreeMap::new();
    let mut add = |from: &str, to: &str, on: Date| {
        *edges.entry((from.to_owned(), to.to_owned())).or_default().entry(quarter(on)).or_default() += 1;
    };
    for o in onward.iter().filter(|o| period.contains(o.sent_on)) {
        add(SERVICE_NODE, &o.partner_name, o.sent_on);
        if let Some(name) = o.referred_in_by.as_ref().and_then(|id| org_names.get(id)) {
            if *name != o.partner_name {
                add(name, &o.partner_name, o.sent_on);
            }
        }
    }
    for (org, on) in referred_in.iter().filter(|(_, on)| period.contains(*on)) {
        add(org, SERVICE_NODE, *on);
    }
    edges
        .into_iter()
        .map(|((from, to), quarters)| NetworkEdge {
            referrals: policy.count(quarters.values().sum()),
            by_quarter: quarters.into_iter().map(|(q, n)| (q, policy.count(n))).collect(),
            from,
            to,
        })
        .collect()
}

fn quarter(d: Date) -> String {
    format!("{}-Q{}", d.year(), (d.month() as u8 - 1) / 3 + 1)
}

// ---- gaps ----

/// A community service as the gap report sees it.
#[derive(Debug, Clone)]
pub struct ServiceFact {
    pub id: String,
    pub name: String,
    pub org_name: String,
    pub needs: Vec<NeedDomain>,
    pub active: bool,
    pub waiting_list: Option<i64>,
    pub funding_ends_on: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapReport {
    pub period: Period,
    /// Needs identified with people for which no active service in the directory is listed.
    pub unmet_needs: Vec<(NeedDomain, Shown<u64>)>,
    /// Per need: people identified with it, and services listed for it.
    pub need_coverage: Vec<(NeedDomain, Shown<u64>, u64)>,
    /// Onward referrals declined for lack of capacity, by service.
    pub capacity_declines: Vec<(String, Shown<u64>)>,
    /// Services with a waiting list (count as the service reported it; not about people).
    pub waiting_lists: Vec<(String, i64)>,
    /// Services whose funding ends within 6 months, with the referrals sent to them in the period.
    pub funding_ending: Vec<(String, Date, Shown<u64>)>,
    /// People declined by two or more services, by need domain.
    pub bounced_by_need: Vec<(NeedDomain, Shown<u64>)>,
}

/// Months ahead within which ending funding is a sustainability risk.
pub const FUNDING_RISK_DAYS: i64 = 183;

/// The gap report: `needs` holds, per referral in the period, the need domains identified.
pub fn gaps(needs: &[(String, Vec<NeedDomain>)], services: &[ServiceFact], onward: &[OnwardFact], today: Date, period: Period, policy: SuppressionPolicy) -> GapReport {
    let in_period: Vec<&OnwardFact> = onward.iter().filter(|o| period.contains(o.sent_on)).collect();
    let mut people_by_need: BTreeMap<NeedDomain, u64> = BTreeMap::new();
    for (_, ns) in needs {
        for n in ns.iter().collect::<BTreeSet<_>>() {
            *people_by_need.entry(*n).or_default() += 1;
        }
    }
    let listed = |need: NeedDomain| services.iter().filter(|s| s.active && s.needs.contains(&need)).count() as u64;
    let mut capacity: BTreeMap<&str, u64> = BTreeMap::new();
    for o in in_period.iter().filter(|o| o.decline_reason == Some(OnwardDeclineReason::NoCapacity)) {
        *capacity.entry(o.service_name.as_str()).or_default() += 1;
    }
    let mut declines_per_referral: BTreeMap<&str, (u64, &Vec<NeedDomain>)> = BTreeMap::new();
    for o in in_period.iter().filter(|o| o.status == OnwardStatus::Declined) {
        declines_per_referral.entry(o.referral_id.as_str()).or_insert((0, &o.needs)).0 += 1;
    }
    let mut bounced: BTreeMap<NeedDomain, u64> = BTreeMap::new();
    for (count, ns) in declines_per_referral.values() {
        if *count >= crate::onward::BOUNCED_AFTER_DECLINES as u64 {
            for n in ns.iter() {
                *bounced.entry(*n).or_default() += 1;
            }
        }
    }
    let mut funding: Vec<(String, Date, Shown<u64>)> = services
        .iter()
        .filter_map(|s| s.funding_ends_on.filter(|end| *end >= today && (*end - today).whole_days() <= FUNDING_RISK_DAYS).map(|end| (s, end)))
        .map(|(s, end)| (format!("{} ({})", s.name, s.org_name), end, policy.count(in_period.iter().filter(|o| o.service_id == s.id).count() as u64)))
        .collect();
    funding.sort_by_key(|(_, end, _)| *end);
    GapReport {
        period,
        unmet_needs: people_by_need.iter().filter(|(n, _)| listed(**n) == 0).map(|(n, c)| (*n, policy.count(*c))).collect(),
        need_coverage: people_by_need.iter().map(|(n, c)| (*n, policy.count(*c), listed(*n))).collect(),
        capacity_declines: capacity.into_iter().map(|(s, c)| (s.to_owned(), policy.count(c))).collect(),
        waiting_lists: services.iter().filter_map(|s| s.waiting_list.filter(|w| *w > 0).map(|w| (format!("{} ({})", s.name, s.org_name), w))).collect(),
        funding_ending: funding,
        bounced_by_need: bounced.into_iter().map(|(n, c)| (n, policy.count(c))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurement::instruments::Timepoint;
    use crate::measurement::instruments::AnswerSet;
    use time::macros::date;

    fn period() -> Period {
        Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap()
    }

    fn fact(referral: &str, org: &str, status: OnwardStatus, reason: Option<OnwardDeclineReason>) -> OnwardFact {
        OnwardFact {
            referral_id: referral.into(),
            partner_org_id: org.into(),
            partner_name: format!("Org {org}"),
            service_id: format!("svc-{org}"),
            service_name: format!("Service {org}"),
            status,
            decline_reason: reason,
            sent_on: date!(2026 - 03 - 01),
            responded_on: Some(date!(2026 - 03 - 05)),
            referred_in_by: None,
            needs: vec![NeedDomain::Loneliness],
        }
    }

    #[test]
    fn partner_feedback_counts_stages_and_outcomes() {
        let mut onward = Vec::new();
        let mut measures = Vec::new();
        for i in 0..10 {
            let id = format!("r{i}");
            let status = if i < 4 { OnwardStatus::Completed } else if i < 8 { OnwardStatus::Attended } else { OnwardStatus::Declined };
            onward.push(fact(&id, "a", status, (i >= 8).then_some(OnwardDeclineReason::NoCapacity)));
            measures.push(MeasureFacts { referral_id: id.clone().into(), timepoint: Timepoint::Baseline, taken_on: date!(2026 - 02 - 01), recorded: AnswerSet::parse(Instrument::Swemwbs, &["3"; 7]).unwrap().into() });
            measures.push(MeasureFacts { referral_id: id.into(), timepoint: Timepoint::FollowUp, taken_on: date!(2026 - 06 - 01), recorded: AnswerSet::parse(Instrument::Swemwbs, &["4"; 7]).unwrap().into() });
        }
        onward.push(fact("x", "b", OnwardStatus::Accepted, None));
        let f = partner_feedback("a", &onward, &measures, period(), SuppressionPolicy::default());
        assert_eq!(f.received, Shown::Value(10));
        // 8 accepted, 2 declined: the 2 is suppressed, so the 8 is too (the total would give it away).
        assert_eq!(f.accepted, Shown::Suppressed);
        assert_eq!(f.declined, Shown::Suppressed);
        assert_eq!(f.attended, Shown::Value(10)); // completed implies attended: 8
        assert_eq!(f.completed, Shown::Suppressed); // 4
        assert_eq!(f.median_days_to_respond, Shown::Value(4.0));
        // 8 people taken on, each +5.78 SWEMWBS (raw 21 → 28).
        assert_eq!(f.swemwbs_n, Shown::Value(10));
        // 5.78, published to whole numbers for a published 10 people (SuppressionPolicy::mean).
        assert_eq!(f.swemwbs_mean_change, Shown::Value(6.0));
        assert_eq!(f.decline_reasons[0], (OnwardDeclineReason::NoCapacity, Shown::Suppressed));
    }

    #[test]
    fn gaps_find_unmet_needs_bounced_people_and_funding_risk() {
        let needs: Vec<(String, Vec<NeedDomain>)> = (0..9).map(|i| (format!("r{i}"), vec![NeedDomain::Housing, NeedDomain::Loneliness])).collect();
        let services = vec![
            ServiceFact { id: "svc-a".into(), name: "Walks".into(), org_name: "A".into(), needs: vec![NeedDomain::Loneliness], active: true, waiting_list: Some(12), funding_ends_on: Some(date!(2027 - 03 - 01)) },
            ServiceFact { id: "svc-b".into(), name: "Old".into(), org_name: "B".into(), needs: vec![NeedDomain::Housing], active: false, waiting_list: None, funding_ends_on: Some(date!(2028 - 01 - 01)) },
        ];
        let mut onward = Vec::new();
        for i in 0..8 {
            onward.push(fact(&format!("r{i}"), "a", OnwardStatus::Declined, Some(OnwardDeclineReason::NoCapacity)));
            onward.push(fact(&format!("r{i}"), "b", OnwardStatus::Declined, Some(OnwardDeclineReason::NotEligible)));
        }
        let g = gaps(&needs, &services, &onward, date!(2026 - 12 - 01), period(), SuppressionPolicy::default());
        assert_eq!(g.unmet_needs, vec![(NeedDomain::Housing, Shown::Value(10))], "housing's only service is inactive");
        assert_eq!(g.capacity_declines, vec![("Service a".to_owned(), Shown::Value(10))]);
        assert_eq!(g.waiting_lists, vec![("Walks (A)".to_owned(), 12)]);
        assert_eq!(g.funding_ending.len(), 1);
        assert_eq!(g.funding_ending[0].2, Shown::Value(10), "8 referrals sent to it, rounded");
        assert_eq!(g.bounced_by_need, vec![(NeedDomain::Loneliness, Shown::Value(10))]);
    }

    #[test]
    fn network_counts_both_directions_and_through_the_service() {
        let mut onward: Vec<OnwardFact> = (0..9).map(|i| fact(&format!("r{i}"), "a", OnwardStatus::Accepted, None)).collect();
        for o in onward.iter_mut().take(8) {
            o.referred_in_by = Some("b".into());
        }
        let names = BTreeMap::from([("b".to_owned(), "Org b".to_owned())]);
        let referred_in: Vec<(String, Date)> = (0..8).map(|_| ("Org b".to_owned(), date!(2026 - 02 - 01))).collect();
        let edges = network(&onward, &referred_in, &names, period(), SuppressionPolicy::default());
        let edge = |from: &str, to: &str| edges.iter().find(|e| e.from == from && e.to == to).map(|e| e.referrals);
        assert_eq!(edge(SERVICE_NODE, "Org a"), Some(Shown::Value(10)));
        assert_eq!(edge("Org b", SERVICE_NODE), Some(Shown::Value(10)));
        assert_eq!(edge("Org b", "Org a"), Some(Shown::Value(10)));
        assert_eq!(edges[0].by_quarter.len(), 1);
    }
}
