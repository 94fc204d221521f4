//! Social determinants at discharge: for each need identified on a referral, whether it was
//! resolved, and the evaluation section that counts them (figure ids `sdoh.<need>.<metric>`).
//!
//! Recording is optional per need: a discharge after the person disengaged or moved away often has
//! nothing to say about a need, and existing API clients discharge without these fields. Needs
//! without an answer are reported as "not recorded", so the gap stays visible in the report.

use crate::DomainError;
use crate::casework::need::NeedDomain;
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::Period;
use crate::evaluation::stats;
use crate::text::coded_enum;
use serde::Serialize;
use time::Date;

coded_enum! {
    /// What happened with one need by discharge.
    NeedResolution, field = "resolution", prompt = "Select what happened with this need" {
        Resolved = "resolved", "Resolved";
        Partly = "partly", "Partly resolved";
        NotResolved = "not_resolved", "Not resolved";
        NotWorkedOn = "not_worked_on", "Not worked on";
    }
}

/// The form field of a need's resolution: `resolution_<need code>`.
pub fn field(need: NeedDomain) -> &'static str {
    match need {
        NeedDomain::Loneliness => "resolution_loneliness",
        NeedDomain::MentalWellbeing => "resolution_mental_wellbeing",
        NeedDomain::PhysicalActivity => "resolution_physical_activity",
        NeedDomain::LongTermCondition => "resolution_long_term_condition",
        NeedDomain::MoneyDebtBenefits => "resolution_money",
        NeedDomain::Housing => "resolution_housing",
        NeedDomain::Employment => "resolution_employment",
        NeedDomain::CarerSupport => "resolution_carer_support",
        NeedDomain::Bereavement => "resolution_bereavement",
        NeedDomain::FoodInsecurity => "resolution_food",
        NeedDomain::DigitalInclusion => "resolution_digital",
        NeedDomain::LegalAdvice => "resolution_legal",
        NeedDomain::FamilyRelationships => "resolution_family",
        NeedDomain::ArtsCulture => "resolution_arts",
        NeedDomain::Nature => "resolution_nature",
        NeedDomain::SubstanceUse => "resolution_substance_use",
        NeedDomain::Transport => "resolution_transport",
        NeedDomain::Safeguarding => "resolution_safeguarding",
    }
}

/// Parses the discharge form's answers for the referral's `needs`: `get(field)` returns what was
/// submitted for a field ("" when nothing). Blank answers are left out (not recorded); an
/// unknown value is an error on that need's field. Answers for needs not on the referral are ignored.
pub fn parse_resolutions<'a>(needs: &[NeedDomain], get: impl Fn(&'static str) -> &'a str) -> Result<Vec<(NeedDomain, NeedResolution)>, Vec<DomainError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen: Vec<NeedDomain> = Vec::new();
    for need in needs {
        if seen.contains(need) {
            continue;
        }
        seen.push(*need);
        let raw = get(field(*need)).trim();
        if raw.is_empty() {
            continue;
        }
        match NeedResolution::parse(raw) {
            Ok(r) => out.push((*need, r)),
            Err(_) => errors.push(DomainError::invalid(field(*need), format!("Select what happened with \"{}\"", need.label()))),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One discharged referral's needs and what was recorded about them.
#[derive(Debug, Clone)]
pub struct ResolutionFacts {
    pub referral_id: super::FactId,
    pub discharged_on: Date,
    /// Every need identified on the referral (at referral or in conversation), without repeats.
    pub needs: Vec<NeedDomain>,
    pub recorded: Vec<(NeedDomain, NeedResolution)>,
}

/// Per need domain: people discharged in the period with that need and what happened with it.
#[derive(Debug, Clone, Serialize)]
pub struct NeedOutcome {
    pub need: NeedDomain,
    pub label: &'static str,
    /// Referrals discharged in the period with this need (a person discharged twice counts twice).
    pub n: Shown<u64>,
    /// Of them, with a recorded outcome (the denominator of the percentages).
    pub n_recorded: Shown<u64>,
    pub resolved: Shown<u64>,
    pub partly: Shown<u64>,
    pub not_resolved: Shown<u64>,
    pub not_worked_on: Shown<u64>,
    pub not_recorded: Shown<u64>,
    pub resolved_pct: Shown<f64>,
    /// Wilson 95% interval of `resolved_pct`.
    pub resolved_ci95_low: Shown<f64>,
    pub resolved_ci95_high: Shown<f64>,
    pub partly_pct: Shown<f64>,
    pub not_resolved_pct: Shown<f64>,
    pub not_worked_on_pct: Shown<f64>,
    /// Unrounded shares for drawing the stacked bar, each only when its percentage is shown
    /// (the hidden ones are drawn as one remainder, which the shown percentages give anyway);
    /// `None` when no percentage is shown.
    #[serde(skip)]
    pub shares: Option<[Option<f64>; 4]>,
}

/// The report section.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Sdoh {
    /// Needs with at least one discharged person in the period, in the need list's order.
    pub needs: Vec<NeedOutcome>,
    pub definition: &'static str,
}

pub const DEFINITION: &str = "Referrals discharged in the period, by need identified on the referral (at referral or in the \"what matters\" conversation), \
and what the link worker recorded at discharge about that need. Percentages are of referrals with an outcome recorded for the need; a person discharged twice in the period counts twice.";

/// Computes the section for people discharged within `period`.
pub fn sdoh(facts: &[ResolutionFacts], period: Period, policy: SuppressionPolicy) -> Sdoh {
    let mut needs = Vec::new();
    for need in NeedDomain::ALL {
        let mut counts = [0u64; 5]; // resolved, partly, not resolved, not worked on, not recorded
        for f in facts.iter().filter(|f| period.contains(f.discharged_on) && f.needs.contains(need)) {
            let slot = match f.recorded.iter().find(|(n, _)| n == need).map(|(_, r)| *r) {
                Some(NeedResolution::Resolved) => 0,
                Some(NeedResolution::Partly) => 1,
                Some(NeedResolution::NotResolved) => 2,
                Some(NeedResolution::NotWorkedOn) => 3,
                None => 4,
            };
            counts[slot] += 1;
        }
        let n: u64 = counts.iter().sum();
        if n == 0 {
            continue;
        }
        let recorded: u64 = counts[..4].iter().sum();
        let (cells, total) = policy.row_with_total(&counts);
        // The four percentages add up to 100%, so one hidden alone would follow by subtraction:
        // then the smallest other non-zero one is hidden too (as `row_with_total` does for counts).
        let mut pcts = [0, 1, 2, 3].map(|i| policy.proportion(counts[i], recorded));
        if pcts.iter().filter(|p| p.is_suppressed()).count() == 1 {
            let second = (0..4).filter(|&i| counts[i] > 0 && !pcts[i].is_suppressed()).min_by_key(|&i| counts[i]);
            if let Some(i) = second {
                pcts[i] = Shown::Suppressed;
            }
        }
        let resolved_pct = pcts[0];
        // The interval is published with the percentage, so it goes with it.
        // Of the rounded counts, as the percentage is (`SuppressionPolicy::proportion`).
        let ci = stats::proportion(policy.rounded(counts[0]), policy.rounded(recorded)).map(|p| p.as_percent().1).filter(|_| !resolved_pct.is_suppressed());
        let ci_bound = |v: Option<f64>| if resolved_pct.is_suppressed() { Shown::Suppressed } else { policy.statistic(recorded, v) };
        let shown = pcts.iter().any(|p| matches!(p, Shown::Value(_)));
        needs.push(NeedOutcome {
            need: *need,
            label: need.label(),
            n: total,
            n_recorded: policy.count(recorded),
            resolved: cells[0],
            partly: cells[1],
            not_resolved: cells[2],
            not_worked_on: cells[3],
            not_recorded: cells[4],
            resolved_pct,
            resolved_ci95_low: ci_bound(ci.map(|c| c.0)),
            resolved_ci95_high: ci_bound(ci.map(|c| c.1)),
            partly_pct: pcts[1],
            not_resolved_pct: pcts[2],
            not_worked_on_pct: pcts[3],
            // The chart draws the published percentages, not the exact shares behind them.
            shares: shown.then(|| [0, 1, 2, 3].map(|i| pcts[i].value().map(|pct| pct / 100.0))),
        });
    }
    Sdoh { needs, definition: DEFINITION }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fact(id: usize, on: Date, needs: &[NeedDomain], recorded: &[(NeedDomain, NeedResolution)]) -> ResolutionFacts {
        ResolutionFacts { referral_id: id.to_string().into(), discharged_on: on, needs: needs.to_vec(), recorded: recorded.to_vec() }
    }

    #[test]
    fn parsing_the_form() {
        let needs = [NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits, NeedDomain::Housing];
        let got = parse_resolutions(&needs, |f| match f {
            "resolution_loneliness" => "resolved",
            "resolution_money" => " partly ",
            "resolution_legal" => "resolved",
            _ => "",
        })
        .unwrap();
        assert_eq!(got, vec![(NeedDomain::Loneliness, NeedResolution::Resolved), (NeedDomain::MoneyDebtBenefits, NeedResolution::Partly)]);
        let err = parse_resolutions(&needs, |f| if f == "resolution_housing" { "fixed" } else { "" }).unwrap_err();
        assert_eq!(err[0].field(), Some("resolution_housing"));
        assert_eq!(err[0].to_string(), "Select what happened with \"Housing and homelessness\"");
        assert!(parse_resolutions(&[], |_| "resolved").unwrap().is_empty());
    }

    #[test]
    fn every_need_has_its_own_field() {
        let fields: std::collections::HashSet<&str> = NeedDomain::ALL.iter().map(|n| field(*n)).collect();
        assert_eq!(fields.len(), NeedDomain::ALL.len());
        for n in NeedDomain::ALL {
            assert_eq!(field(*n), format!("resolution_{}", n.code()));
        }
    }

    /// 20 people discharged in the period with loneliness: 10 resolved, 4 partly, 2 not resolved,
    /// 2 not worked on, 2 not recorded; 18 recorded. Resolved = 10/18 = 55.56%, Wilson 95% CI
    /// 33.72%–75.44% (scipy binomtest(10, 18).proportion_ci(method="wilson")). Counts 4, 2, 2, 2
    /// are suppressed, and so are their percentages; 10 shown as 10 (18 − 10 = 8 is not small, so
    /// 55.56% is shown); total 20. One person discharged outside the period is ignored.
    #[test]
    fn counts_and_percentages_by_hand() {
        use NeedDomain::*;
        use NeedResolution::*;
        let period = Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
        let on = date!(2026 - 06 - 01);
        let mut facts = Vec::new();
        let plan = [(Resolved, 10), (Partly, 4), (NotResolved, 2), (NotWorkedOn, 2)];
        let mut id = 0;
        for (r, k) in plan {
            for _ in 0..k {
                id += 1;
                facts.push(fact(id, on, &[Loneliness], &[(Loneliness, r)]));
            }
        }
        facts.push(fact(100, on, &[Loneliness, Housing], &[(Housing, Resolved)]));
        facts.push(fact(101, on, &[Loneliness], &[]));
        facts.push(fact(102, date!(2025 - 12 - 31), &[Loneliness], &[(Loneliness, Resolved)]));
        let s = sdoh(&facts, period, SuppressionPolicy::default());
        assert_eq!(s.needs.iter().map(|n| n.need).collect::<Vec<_>>(), [Loneliness, Housing]);
        let l = &s.needs[0];
        assert_eq!((l.n, l.n_recorded, l.resolved), (Shown::Value(20), Shown::Value(20), Shown::Value(10)));
        assert!(l.partly.is_suppressed() && l.not_resolved.is_suppressed() && l.not_worked_on.is_suppressed() && l.not_recorded.is_suppressed());
        // 10 of 18 resolved, published as the rounded counts' share, 10 of 20, with the Wilson
        // interval of 10 of 20 (SciPy: 29.93% to 70.07%), so neither gives back the 18.
        let pct = *l.resolved_pct.value().unwrap();
        assert!((pct - 50.0).abs() < 1e-9, "{pct}");
        assert!((l.resolved_ci95_low.value().unwrap() - 29.929_800_8).abs() < 1e-6, "{:?}", l.resolved_ci95_low);
        assert!((l.resolved_ci95_high.value().unwrap() - 70.070_199_2).abs() < 1e-6, "{:?}", l.resolved_ci95_high);
        // 4/18 = 22.2% and 2/18 = 11.1% would give the small counts 4 and 2 away: suppressed, and
        // the stacked bar draws them as one remainder (100% − 50%, which the table gives too).
        assert!(l.partly_pct.is_suppressed() && l.not_resolved_pct.is_suppressed() && l.not_worked_on_pct.is_suppressed());
        let shares = l.shares.unwrap();
        assert!((shares[0].unwrap() - 0.5).abs() < 1e-12 && shares[1..].iter().all(Option::is_none), "the bar is the published 50%");
        // Housing: one person; everything suppressed, no bar drawn.
        let h = &s.needs[1];
        assert!(h.n.is_suppressed() && h.resolved_pct.is_suppressed() && h.shares.is_none());
    }

    /// 43 recorded: 20 resolved, 10 partly, 10 not resolved, 3 not worked on. 3/43 is hidden; the
    /// other three would give it by subtraction from 100%, so the smallest other non-zero one (a
    /// 10) is hidden too: resolved and one other remain.
    #[test]
    fn one_hidden_percentage_gets_a_second() {
        use NeedDomain::*;
        use NeedResolution::*;
        let period = Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
        let on = date!(2026 - 06 - 01);
        let mut facts = Vec::new();
        let mut id = 0;
        for (r, k) in [(Resolved, 20), (Partly, 10), (NotResolved, 10), (NotWorkedOn, 3)] {
            for _ in 0..k {
                id += 1;
                facts.push(fact(id, on, &[Loneliness], &[(Loneliness, r)]));
            }
        }
        let l = &sdoh(&facts, period, SuppressionPolicy::default()).needs[0];
        // 20 of 43, published as 20 of 45.
        assert!((l.resolved_pct.value().unwrap() - 20.0 / 45.0 * 100.0).abs() < 1e-9);
        assert!(l.resolved_ci95_low.value().is_some());
        let hidden = [l.partly_pct, l.not_resolved_pct, l.not_worked_on_pct].iter().filter(|p| p.is_suppressed()).count();
        assert_eq!(hidden, 2);
        assert!(l.not_worked_on_pct.is_suppressed());
        assert_eq!(l.shares.unwrap().iter().filter(|s| s.is_some()).count(), 2);
    }

    #[test]
    fn suppression_at_seven_and_eight_and_nothing_at_zero() {
        use NeedDomain::*;
        let period = Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
        let on = date!(2026 - 03 - 01);
        let seven: Vec<_> = (0..7).map(|i| fact(i, on, &[Housing], &[(Housing, NeedResolution::Resolved)])).collect();
        let s = sdoh(&seven, period, SuppressionPolicy::default());
        assert!(s.needs[0].resolved_pct.is_suppressed() && s.needs[0].n.is_suppressed());
        let eight: Vec<_> = (0..8).map(|i| fact(i, on, &[Housing], &[(Housing, NeedResolution::Resolved)])).collect();
        let s = sdoh(&eight, period, SuppressionPolicy::default());
        assert_eq!((s.needs[0].n, s.needs[0].resolved, s.needs[0].resolved_pct), (Shown::Value(10), Shown::Value(10), Shown::Value(100.0)));
        assert_eq!(s.needs[0].not_resolved, Shown::Value(0));
        assert!(sdoh(&[], period, SuppressionPolicy::default()).needs.is_empty());
    }
}
