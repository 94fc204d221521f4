//! What an evaluation report covers: a whole service (one PCN, or every PCN of an ICB) or one
//! GP practice. The scope is chosen once at the boundary (`--scope practice:Y01001` on the
//! command line, the scope select on the report page) and printed in every output and in the
//! command that reproduces it, so a figure can never be read against the wrong population.

use crate::DomainError;
use crate::evaluation::input::EvaluationInput;
use std::collections::HashSet;

/// The kind of population a report describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// Every PCN of an integrated care board.
    Icb,
    /// One primary care network's social prescribing service.
    Pcn,
    /// One GP practice: its referrals, against its own registered list.
    Practice,
}

impl ScopeKind {
    /// The word used on the command line and in URLs: `icb`, `pcn` or `practice`.
    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Icb => "icb",
            ScopeKind::Pcn => "pcn",
            ScopeKind::Practice => "practice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScopeKind::Icb => "Integrated care board",
            ScopeKind::Pcn => "Primary care network",
            ScopeKind::Practice => "GP practice",
        }
    }
}

/// A requested scope before it is looked up: `practice:Y01001`, `pcn:U12345`, `icb:QWE`, or a
/// bare organisation key (id, ODS code or name) whose kind the organisation decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRequest {
    pub kind: Option<ScopeKind>,
    pub key: String,
}

impl ScopeRequest {
    /// Parses `kind:key` or `key`. An empty key, or an unknown kind, is an error a person can fix.
    pub fn parse(raw: &str) -> crate::Result<Self> {
        let raw = raw.trim();
        let (kind, key) = match raw.split_once(':') {
            Some((kind, key)) => {
                let kind = match kind.trim().to_ascii_lowercase().as_str() {
                    "icb" => ScopeKind::Icb,
                    "pcn" => ScopeKind::Pcn,
                    "practice" => ScopeKind::Practice,
                    other => {
                        return Err(DomainError::invalid(
                            "scope",
                            format!("the scope \"{other}\" is not known: use practice:<ODS code>, pcn:<ODS code> or icb:<ODS code>"),
                        ))
                    }
                };
                (Some(kind), key.trim())
            }
            None => (None, raw),
        };
        if key.is_empty() {
            return Err(DomainError::invalid(
                "scope",
                "enter the organisation for the scope, like practice:Y01001",
            ));
        }
        Ok(ScopeRequest {
            kind,
            key: key.to_owned(),
        })
    }
}

/// A resolved scope: what the report is about, and the facts to load for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    pub kind: ScopeKind,
    /// The organisation's id (`organisations.id`).
    pub org_id: String,
    /// The organisation's ODS code where it has one (used in the reproduce command).
    pub ods_code: Option<String>,
    /// The name printed on the report, e.g. "Riverside Surgery (Y01001), Riverside PCN".
    pub name: String,
    /// The PCN services whose facts are loaded.
    pub services: Vec<String>,
}

impl ReportScope {
    /// The `--scope` argument that selects this scope again.
    pub fn argument(&self) -> String {
        format!(
            "{}:{}",
            self.kind.code(),
            self.ods_code.as_deref().unwrap_or(&self.org_id)
        )
    }

    /// The value of the scope select on the report page (stable across renames: the org id).
    pub fn select_value(&self) -> String {
        format!("{}:{}", self.kind.code(), self.org_id)
    }
}

/// Narrows loaded facts to one practice: its referrals (by the practice on the referral), their
/// measures and onward referrals, and its own list size as the denominator. Facts of other kinds
/// that carry a referral id should be narrowed here too, so every section describes the same people.
pub fn restrict_to_practice(input: &mut EvaluationInput, practice_id: &str) {
    input.practices.retain(|p| p.id == practice_id);
    input
        .referrals
        .retain(|r| r.practice_id.as_deref() == Some(practice_id));
    let kept: HashSet<&str> = input.referrals.iter().map(|r| r.id.as_ref()).collect();
    input
        .measures
        .retain(|m| kept.contains(m.referral_id.as_ref()));
    input
        .onward
        .retain(|o| kept.contains(o.referral_id.as_ref()));
    input.sdoh.retain(|f| kept.contains(f.referral_id.as_ref()));
    input.custom_measures.retain(|m| kept.contains(m.referral_id.as_str()));
    input.equity.list.retain(|l| l.practice_id == practice_id);
    input
        .equity
        .referrals
        .retain(|g| kept.contains(g.referral_id.as_ref()));
    // Casework: the practice's people taken on and discharged. The link workers (their number
    // and WTE) are the PCN's, so no caseload per WTE is worked out for one practice.
    input.workforce.cases.retain(|c| kept.contains(c.referral_id.as_ref()));
    input.workforce.cases_of_one_practice = true;
    // Health-system use: the people with a referral from this practice, and only their contacts.
    input.health.referrals.retain(|r| r.practice_id.as_deref() == Some(practice_id));
    input.comparison.people.retain(|p| p.practice_id.as_ref() == practice_id);
    let people: HashSet<&str> = input.health.referrals.iter().map(|r| r.person.as_str()).collect();
    input.health.activity.retain(|a| people.contains(a.person.as_str()));
    // Not narrowed: link workers' own wellbeing check-ins (staff work for the whole PCN, not one
    // practice; the section says so).
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casework::referral::{ReferralSource, ReferralStatus};
    use crate::evaluation::facts::ReferralFacts;
    use crate::evaluation::disclosure::Shown;
    use crate::evaluation::testing;
    use crate::onward::OnwardStatus;
    use time::macros::date;

    fn referral(id: &str, practice: Option<&str>) -> ReferralFacts {
        testing::referral(id, practice, date!(2026 - 03 - 01)).from_source(ReferralSource::ALL[0]).with_status(ReferralStatus::ALL[0])
    }

    #[test]
    fn parses_kinds_and_bare_keys() {
        assert_eq!(
            ScopeRequest::parse("practice:Y01001").unwrap(),
            ScopeRequest {
                kind: Some(ScopeKind::Practice),
                key: "Y01001".into()
            }
        );
        assert_eq!(
            ScopeRequest::parse(" PCN : U1 ").unwrap(),
            ScopeRequest {
                kind: Some(ScopeKind::Pcn),
                key: "U1".into()
            }
        );
        assert_eq!(
            ScopeRequest::parse("Riverside PCN").unwrap(),
            ScopeRequest {
                kind: None,
                key: "Riverside PCN".into()
            }
        );
        assert!(ScopeRequest::parse("ward:E05")
            .unwrap_err()
            .to_string()
            .contains("practice:<ODS code>"));
        assert!(ScopeRequest::parse("practice:").is_err());
        assert!(ScopeRequest::parse("  ").is_err());
    }

    #[test]
    fn argument_prefers_the_ods_code() {
        let s = ReportScope {
            kind: ScopeKind::Practice,
            org_id: "p-1".into(),
            ods_code: Some("Y01001".into()),
            name: "X".into(),
            services: vec![],
        };
        assert_eq!(s.argument(), "practice:Y01001");
        assert_eq!(s.select_value(), "practice:p-1");
        let s = ReportScope {
            ods_code: None,
            ..s
        };
        assert_eq!(s.argument(), "practice:p-1");
    }

    /// Every practice's casework figures add up to its PCN's (no suppression, so exactly).
    #[test]
    fn practice_workforce_figures_add_up_to_the_pcns() {
        use crate::evaluation::disclosure::SuppressionPolicy;
        use crate::evaluation::facts::Period;
        use crate::evaluation::workforce::{workforce, CaseFacts, WorkerFacts};
        let mut input = EvaluationInput::default();
        input.practices = vec![testing::practice("a", "A", 1000), testing::practice("b", "B", 2000)];
        input.workforce.services = 1;
        input.workforce.workers = vec![WorkerFacts { id: "w".into(), wte: Some(1.0) }];
        for i in 0..30 {
            let id = format!("r{i}");
            input.referrals.push(referral(&id, Some(if i % 3 == 0 { "a" } else { "b" })));
            input.workforce.cases.push(CaseFacts {
                referral_id: id.into(),
                accepted_on: Some(date!(2026 - 03 - 02)),
                discharged_on: (i % 2 == 0).then_some(date!(2026 - 03 - 20)),
                contacts: i as u64 % 9,
            });
        }
        let period = Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
        let exact = SuppressionPolicy { max_suppressed: 0, rounding_base: 1 };
        let pcn = workforce(&input.workforce, period, exact);
        let practices: Vec<_> = ["a", "b"]
            .iter()
            .map(|p| {
                let mut one = input.clone();
                restrict_to_practice(&mut one, p);
                workforce(&one.workforce, period, exact)
            })
            .collect();
        let sum = |f: fn(&crate::evaluation::workforce::Workforce) -> Shown<u64>| practices.iter().map(|w| f(w).value().copied().unwrap_or(0)).sum::<u64>();
        assert_eq!((sum(|w| w.taken_on), sum(|w| w.closed)), (pcn.taken_on.value().copied().unwrap(), pcn.closed.value().copied().unwrap()));
        assert_eq!(practices[0].taken_on, Shown::Value(10), "practice a took on its own 10, not the PCN's 30");
        assert!(pcn.caseload_per_wte.value().is_some());
        assert_eq!(practices[0].caseload_per_wte, Shown::NoData, "the PCN's link workers are not one practice's");
        assert_eq!(practices[0].link_workers, 1, "the PCN's link workers are still named");
    }

    #[test]
    fn restricting_keeps_only_the_practice_and_its_referrals() {
        let mut input = EvaluationInput::default();
        input.practices = vec![testing::practice("a", "A", 1000), testing::practice("b", "B", 2000)];
        input.referrals = vec![
            referral("r1", Some("a")),
            referral("r2", Some("b")),
            referral("r3", None),
            referral("r4", Some("a")),
        ];
        for (r, name) in [("r1", "Walk"), ("r2", "Walk"), ("r4", "Debt")] {
            input.onward.push(testing::onward(r, name, OnwardStatus::ALL[0], date!(2026 - 03 - 02)));
        }
        use crate::evaluation::health_system::{Contact, ContactType, PersonActivity, PersonReferral};
        for (person, practice) in [("p1", Some("a")), ("p2", Some("b")), ("p3", None)] {
            input.health.referrals.push(PersonReferral {
                referral_id: person.into(),
                person: person.into(),
                referred_on: date!(2026 - 03 - 01),
                practice_id: practice.map(Into::into),
            });
            input.health.activity.push(PersonActivity {
                person: person.into(),
                contacts: vec![Contact { on: date!(2026 - 01 - 10), contact_type: ContactType::ALL[0], bed_days: None }],
            });
        }
        restrict_to_practice(&mut input, "a");
        assert_eq!(
            input.practices.iter().map(|p| p.list_size).sum::<u64>(),
            1000
        );
        assert_eq!(
            (input.health.referrals.len(), input.health.activity.iter().map(|a| a.person.as_str()).collect::<Vec<_>>()),
            (1, vec!["p1"]),
            "health-system use covers the practice's own people only"
        );
        assert_eq!(
            input
                .referrals
                .iter()
                .map(|r| r.id.as_ref())
                .collect::<Vec<_>>(),
            ["r1", "r4"]
        );
        assert_eq!(
            input
                .onward
                .iter()
                .map(|o| o.partner_name.as_ref())
                .collect::<Vec<_>>(),
            ["Walk", "Debt"]
        );
        restrict_to_practice(&mut input, "nobody");
        assert!(
            input.referrals.is_empty() && input.practices.is_empty() && input.onward.is_empty()
        );
    }
}
