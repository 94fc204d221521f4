//! Demo outcomes for the "needs resolved by discharge" report section, and the demo service's
//! measurement schedule. Every discharged demo referral gets what its link worker would plausibly
//! have recorded about each need: mostly resolved when goals were met, mostly not when the person
//! disengaged; money, housing and legal needs resolve less often than social ones (they depend on
//! other agencies). A share of early exits (moved away, died, other) has nothing recorded.

use anyhow::Result;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::DischargeReason;
use linkwork_domain::evaluation::resolution::NeedResolution;
use linkwork_domain::casework::schedule::MeasurementSchedule;
use linkwork_store::{AuditActor, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Weights (per 100) of resolved, partly, not resolved, not worked on, not recorded.
fn weights(reason: Option<DischargeReason>) -> [u32; 5] {
    match reason {
        Some(DischargeReason::GoalsMet) => [58, 28, 6, 6, 2],
        Some(DischargeReason::ReferredElsewhere) => [18, 40, 22, 14, 6],
        Some(DischargeReason::Disengaged) => [6, 20, 34, 26, 14],
        _ => [8, 16, 18, 18, 40],
    }
}

/// Needs that depend on other agencies (benefits, housing, courts) resolve less often.
fn is_structural(need: NeedDomain) -> bool {
    matches!(need, NeedDomain::MoneyDebtBenefits | NeedDomain::Housing | NeedDomain::LegalAdvice | NeedDomain::Employment | NeedDomain::SubstanceUse)
}

fn pick(rng: &mut StdRng, mut w: [u32; 5], need: NeedDomain) -> Option<NeedResolution> {
    if is_structural(need) {
        // Move a third of "resolved" to "partly" and "not resolved".
        let moved = w[0] / 3;
        w[0] -= moved;
        w[1] += moved / 2;
        w[2] += moved - moved / 2;
    }
    let mut roll = rng.gen_range(0..w.iter().sum::<u32>());
    for (i, weight) in w.iter().enumerate() {
        if roll < *weight {
            return match i {
                0 => Some(NeedResolution::Resolved),
                1 => Some(NeedResolution::Partly),
                2 => Some(NeedResolution::NotResolved),
                3 => Some(NeedResolution::NotWorkedOn),
                _ => None,
            };
        }
        roll -= weight;
    }
    None
}

pub(crate) async fn seed(store: &dyn Store, seed: u64, pcn: &str) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5D0F_2E50);
    for r in store.discharged_referrals(pcn).await? {
        let who = AuditActor { user_id: r.assigned_worker_id.clone(), token_id: None, org_id: Some(pcn.to_owned()) };
        let outcomes: Vec<(NeedDomain, NeedResolution)> = r.needs.iter().filter_map(|n| pick(&mut rng, weights(r.reason), *n).map(|o| (*n, o))).collect();
        if !outcomes.is_empty() {
            store.record_need_resolutions(&who, &r.referral_id, &outcomes).await?;
        }
    }
    confidence(store, &mut rng, pcn).await?;
    // The demo service follows people up at 3, 6 and 12 months.
    let schedule = MeasurementSchedule::new(MeasurementSchedule::default().instruments().to_vec(), vec![3, 6, 12])?;
    store.set_measurement_schedule(&AuditActor { user_id: None, token_id: None, org_id: Some(pcn.to_owned()) }, pcn, &schedule).await?;
    Ok(())
}

/// A questionnaire of the demo service's own, "Confidence to manage my health" (3 questions, 1–5,
/// summed), taken by people with a long-term condition or physical activity need at first contact
/// and at discharge. People whose goals were met gain most (about +1.5 of 12 on average), others less, some lose ground.
async fn confidence(store: &dyn Store, rng: &mut StdRng, pcn: &str) -> Result<()> {
    use linkwork_domain::measurement::custom_instrument::{CustomForm, CustomInstrument};
    use linkwork_domain::measurement::instruments::Timepoint;
    let form = CustomForm {
        name: "Confidence to manage my health",
        version: "1",
        licence: "Written by the demo service; free to use",
        instructions: "Think about the last two weeks. Choose the answer closest to how you feel.",
        answers: "1: Not at all; 2: A little; 3: Somewhat; 4: Very; 5: Completely",
        items: "I know what to do when my health changes\nI can get the help and information I need\nI feel in control of my health",
        scoring: "sum",
        better: "higher",
        threshold: "2",
        concern_at: "6",
    };
    let instrument = CustomInstrument::parse("custom_demo_confidence", &form).map_err(|e| anyhow::anyhow!("demo questionnaire: {:?}", e))?;
    let system = AuditActor { user_id: None, token_id: None, org_id: Some(pcn.to_owned()) };
    let id = store.create_custom_instrument(&system, pcn, &instrument).await?;
    for r in store.discharged_referrals(pcn).await? {
        let (Some(first), Some(discharged)) = (r.first_contact_on, r.discharged_on) else { continue };
        if !r.needs.iter().any(|n| matches!(n, NeedDomain::LongTermCondition | NeedDomain::PhysicalActivity)) || discharged <= first {
            continue;
        }
        let who = AuditActor { user_id: r.assigned_worker_id.clone(), token_id: None, org_id: Some(pcn.to_owned()) };
        let baseline: Vec<i64> = (0..3).map(|_| rng.gen_range(1..=3)).collect();
        // Net change in points: varied, mostly up, sometimes down (d_z about 0.7 overall).
        let steps: i64 = match r.reason {
            Some(DischargeReason::GoalsMet) => rng.gen_range(-1..=4),
            Some(DischargeReason::ReferredElsewhere) => rng.gen_range(-2..=3),
            _ => rng.gen_range(-2..=2),
        };
        let mut after = baseline.clone();
        for _ in 0..steps.abs() {
            let i = rng.gen_range(0..3);
            after[i] = if steps > 0 { (after[i] + 1).min(5) } else { (after[i] - 1).max(1) };
        }
        for (timepoint, taken_on, answers) in [(Timepoint::Baseline, first, baseline), (Timepoint::Discharge, discharged, after)] {
            let m = linkwork_store::NewCustomMeasure { timepoint, taken_on, answers, version: "1".into(), self_completed: false };
            store.add_custom_measure(&who, &r.referral_id, &id, &m).await?;
        }
    }
    Ok(())
}
