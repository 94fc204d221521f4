//! Equity: the reference-file layouts, the groups, and the observed/expected figures against
//! values computed by hand (and with scipy: z = 1.959964, χ²₀.₉₇₅(2) = 7.377759, t₀.₉₇₅(7)).

use super::*;
use crate::measurement::instruments::Timepoint;
use crate::evaluation::input::EvaluationInput;
use crate::evaluation::testing;
use time::macros::date;

fn close(a: Shown<f64>, b: f64) {
    match a {
        Shown::Value(v) => assert!((v - b).abs() < 1e-6, "{v} != {b}"),
        other => panic!("expected {b}, got {other:?}"),
    }
}

#[test]
fn nspl_header_prefers_pcds_and_ignores_other_columns() {
    let layout = NsplLayout::from_header(["pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "lsoa11", "msoa11"]).unwrap();
    let cells = ["AB1 0AA", "AB1  0AA", "AB1 0AA", "198001", "199606", "S99999999", "S01006514", "S02001237"];
    assert_eq!(
        layout.row(|i| cells.get(i).copied()),
        NsplRow::Lookup(PostcodeLsoa {
            postcode: Postcode::parse("AB1 0AA").unwrap(),
            lsoa: "S01006514".into(),
            terminated: Some("199606".into())
        })
    );
    // pcd7 alone, odd spacing, any case, a byte-order mark on the first header.
    let layout = NsplLayout::from_header(["\u{feff}PCD7", " LSOA11 "]).unwrap();
    assert_eq!(
        layout.row(|i| ["ls14ap", "E01033010"].get(i).copied()),
        NsplRow::Lookup(PostcodeLsoa {
            postcode: Postcode::parse("LS1 4AP").unwrap(),
            lsoa: "E01033010".into(),
            terminated: None
        })
    );
    // No LSOA, or a postcode in no usual shape: skipped, not fatal.
    assert_eq!(layout.row(|i| ["LS1 4AP", ""].get(i).copied()), NsplRow::Skipped);
    assert_eq!(layout.row(|i| ["ZZ", "E01033010"].get(i).copied()), NsplRow::Skipped);
}

#[test]
fn an_nspl_lsoa_that_is_no_area_code_is_refused() {
    let layout = NsplLayout::from_header(["pcds", "lsoa11"]).unwrap();
    assert_eq!(
        layout.row(|i| ["LS1 4AP", "Riverside"].get(i).copied()),
        NsplRow::Refused("the LSOA (lsoa11) must be an area code like E01011365, not \"Riverside\"".into())
    );
    assert!(matches!(layout.row(|i| ["LS1 4AP", "E0103301"].get(i).copied()), NsplRow::Refused(_)));
    // Wales, a Scottish data zone, a pseudo-code and a Northern Ireland super output area are areas.
    for code in ["W01000001", "S01006514", "E99999999", "95AA01S1"] {
        assert!(matches!(layout.row(|i| ["BT1 1AA", code].get(i).copied()), NsplRow::Lookup(_)), "{code}");
    }
}

#[test]
fn an_imd_lsoa_must_be_english() {
    let layout = ImdLayout::from_header([IMD_LSOA, IMD_DECILE]).unwrap();
    assert_eq!(
        layout.row(4, |i| ["Leeds 001A", "3"].get(i).copied()).unwrap_err().to_string(),
        "Line 4: the LSOA code (2011) must be an English LSOA code like E01011365, not \"Leeds 001A\""
    );
    assert!(layout.row(5, |i| ["W01000001", "3"].get(i).copied()).is_err());
}

#[test]
fn wrong_files_name_the_missing_columns() {
    let e = NsplLayout::from_header(["pcds", "lsoa21"]).unwrap_err().to_string();
    assert_eq!(e, "This does not look like the ONS National Statistics Postcode Lookup (NSPL): the header row has no lsoa11 column");
    let e = NsplLayout::from_header(["LSOA code (2011)"]).unwrap_err().to_string();
    assert!(e.contains("no pcds (or pcd, pcd7, pcd8), no lsoa11 columns"), "{e}");
    let e = ImdLayout::from_header(["LSOA code (2011)", "LSOA name (2011)"]).unwrap_err().to_string();
    assert!(e.contains(IMD_DECILE) && !e.contains(IMD_LSOA), "{e}");
}

#[test]
fn imd_rows_parse_with_official_names() {
    let layout = ImdLayout::from_header([IMD_LSOA, IMD_NAME, "Local Authority District code (2019)", IMD_SCORE, IMD_RANK, IMD_DECILE]).unwrap();
    let row = ["E01000001", "City of London 001A", "E09000001", "6.208", "29199", "9"];
    let d = layout.row(2, |i| row.get(i).copied()).unwrap();
    assert_eq!(
        d,
        LsoaDeprivation {
            lsoa: "E01000001".into(),
            name: "City of London 001A".into(),
            score: Some(6.208),
            rank: Some(29199),
            decile: ImdDecile::new(9).unwrap()
        }
    );
    let bad = ["E01000002", "x", "y", "1", "2", "11"];
    assert_eq!(
        layout.row(7, |i| bad.get(i).copied()).unwrap_err().to_string(),
        "Line 7: the IMD decile must be a whole number from 1 to 10, not \"11\""
    );
}

#[test]
fn deciles_fold_into_quintiles_and_ages_into_bands() {
    let q = |d| ImdDecile::new(d).unwrap().quintile().get();
    assert_eq!([q(1), q(2), q(3), q(4), q(9), q(10)], [1, 1, 2, 2, 5, 5]);
    assert!(ImdDecile::new(0).is_none() && ImdDecile::new(11).is_none());
    assert_eq!(AgeBand::of_age(17), AgeBand::Under18);
    assert_eq!(AgeBand::of_age(18), AgeBand::A18to24);
    assert_eq!(AgeBand::of_age(84), AgeBand::A75to84);
    assert_eq!(AgeBand::of_age(85), AgeBand::A85Plus);
    // Age at referral: 18 on the birthday, 17 the day before.
    assert_eq!(AgeBand::at(date!(2008 - 05 - 01), date!(2026 - 05 - 01)), AgeBand::A18to24);
    assert_eq!(AgeBand::at(date!(2008 - 05 - 01), date!(2026 - 04 - 30)), AgeBand::Under18);
    assert_eq!(EthnicGroup::from(Ethnicity::Chinese), EthnicGroup::Other);
    assert_eq!(EthnicGroup::from(Ethnicity::NotKnown), EthnicGroup::NotStated);
    assert_eq!(Group::parse(Dimension::ImdQuintile, "Q1").unwrap().code(), "q1");
    assert_eq!(Group::parse(Dimension::Sex, "F").unwrap(), Group::Sex(Sex::Female));
    assert!(Group::parse(Dimension::ImdQuintile, "q6").is_err());
    assert!(Group::parse(Dimension::AgeBand, "20-29").is_err());
}

/// 21 referrals from one practice: 10 in IMD quintile 1, 10 in quintile 5, 1 with an unknown
/// postcode; 7 men and 14 women. Eight of quintile 1 have a SWEMWBS pair: four go 7 → 19.25
/// (+12.25), four 19.25 → 19.98 (+0.73).
fn input() -> EvaluationInput {
    let mut input = testing::input_for(&[("p1", "P1", 1000)]);
    input.equity.list.push(ListCount {
        practice_id: "p1".into(),
        group: Group::Imd(ImdQuintile(1)),
        people: 200,
    });
    input.equity.list.push(ListCount {
        practice_id: "p1".into(),
        group: Group::Imd(ImdQuintile(5)),
        people: 700,
    });
    input.equity.list.push(ListCount {
        practice_id: "p1".into(),
        group: Group::Imd(ImdQuintile(2)),
        people: 100,
    });
    input.equity.list.push(ListCount {
        practice_id: "p1".into(),
        group: Group::Sex(Sex::Male),
        people: 500,
    });
    input.equity.list.push(ListCount {
        practice_id: "p1".into(),
        group: Group::Sex(Sex::Female),
        people: 500,
    });
    for i in 0..21 {
        let id = format!("r{i}");
        input.referrals.push(testing::referral(id.clone(), Some("p1"), date!(2026 - 05 - 01)));
        let imd = match i {
            0..10 => Some(ImdQuintile(1)),
            10..20 => Some(ImdQuintile(5)),
            _ => None,
        };
        input.equity.referrals.push(ReferralGroups {
            referral_id: id.clone().into(),
            age: AgeBand::A25to34,
            sex: if i < 7 { Sex::Male } else { Sex::Female },
            ethnicity: EthnicGroup::White,
            imd,
        });
        if i < 8 {
            let (before, after) = if i < 4 { ([1; 7], [3; 7]) } else { ([3; 7], [3, 3, 3, 3, 3, 3, 4]) };
            input.measures.push(testing::answered(&id, Timepoint::Baseline, date!(2026 - 05 - 02), testing::swemwbs(before)));
            input.measures.push(testing::answered(&id, Timepoint::FollowUp, date!(2026 - 08 - 02), testing::swemwbs(after)));
        }
    }
    input
}

fn run(input: &EvaluationInput) -> Equity {
    let period = Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap();
    let in_period: Vec<&ReferralFacts> = input.referrals.iter().collect();
    equity(&input.equity, &input.practices, &paired_changes(&input.measures, &in_period, period), &in_period, SuppressionPolicy::default(), &BTreeMap::new())
}

#[test]
fn observed_against_expected_by_imd_quintile() {
    let e = run(&input());
    assert_eq!(e.threshold, 3.0);
    assert_eq!(e.dimensions.iter().map(|d| d.dimension).collect::<Vec<_>>(), [Dimension::Sex, Dimension::ImdQuintile]);
    let imd = &e.dimensions[1];
    assert_eq!(imd.list_people, 1000);
    assert_eq!(imd.referrals, Shown::Value(20));
    assert_eq!(imd.unknown, Shown::Suppressed);
    let codes: Vec<String> = imd.groups.iter().map(|g| g.group.code()).collect();
    assert_eq!(codes, ["q1", "q2", "q5"]);
    // q1: 20 referrals × 200/1000 = 4 expected, 10 observed: an expected count under 5 gives
    // no ratio (one referral more or less would move it by a quarter).
    let q1 = &imd.groups[0];
    close(q1.expected, 4.0);
    assert_eq!((q1.oe_ratio, q1.ci95_low, q1.ci95_high), (Shown::NoData, Shown::NoData, Shown::NoData));
    close(q1.observed_share_pct, 50.0);
    assert_eq!(q1.list_share_pct, Some(20.0));
    // q2: none of 2 expected: no ratio either.
    let q2 = &imd.groups[1];
    assert_eq!(q2.observed, Shown::Value(0));
    assert_eq!(q2.oe_ratio, Shown::NoData);
    // q5: 10 of 14 expected, with the exact Poisson interval (χ²₀.₀₂₅(20)/2/14, χ²₀.₉₇₅(22)/2/14), by SciPy.
    let q5 = &imd.groups[2];
    close(q5.oe_ratio, 10.0 / 14.0);
    close(q5.ci95_low, 0.34252776400945956);
    close(q5.ci95_high, 1.313596860144127);
}

#[test]
fn seven_is_suppressed_and_eight_is_shown() {
    let e = run(&input());
    let sex = &e.dimensions[0];
    // All 21 referrals have a sex: 7 men (suppressed), 14 women (shown, rounded to 15).
    assert_eq!(sex.referrals, Shown::Value(20));
    let men = &sex.groups[0];
    assert_eq!(men.observed, Shown::Suppressed);
    assert_eq!(men.oe_ratio, Shown::Suppressed);
    assert_eq!(men.ci95_high, Shown::Suppressed);
    // The women's 14 would give the men's 7 away from the total (21 → 20): secondary suppression.
    let women = &sex.groups[1];
    assert_eq!(women.observed, Shown::Suppressed);
    assert_eq!(women.oe_ratio, Shown::Suppressed);
    assert_eq!(women.observed_share_pct, Shown::Suppressed);
    // Outcomes: the 8 paired people are all in IMD q1 and 7 of them are men, so the men's row is
    // suppressed and the women's (1 pair) too.
    assert_eq!(sex.outcomes[0].n_paired, Shown::Suppressed);
    assert_eq!(sex.outcomes[0].mean_change, Shown::Suppressed);
    assert_eq!(sex.outcomes[1].pct_improved, Shown::Suppressed);
}

#[test]
fn outcomes_by_group_are_paired_swemwbs_changes() {
    let e = run(&input());
    let q1 = &e.dimensions[1].outcomes[0];
    assert_eq!(q1.n_paired, Shown::Value(10));
    // Published to whole numbers: 8 to 12 people (a published 10) at one decimal could give
    // back which (SuppressionPolicy::mean). The exact figures are 6.49 (1.34 to 11.64).
    close(q1.mean_change, 6.0);
    close(q1.ci95_low, 1.0);
    close(q1.ci95_high, 12.0);
    // 5 of the 10 improved (50%): 5 is a count of 1–7, and the percentage with n would give it
    // away, so it is suppressed (SuppressionPolicy::proportion).
    assert_eq!(q1.pct_improved, Shown::Suppressed);
    // q5 has referrals but no pairs: no data, not zero.
    let q5 = &e.dimensions[1].outcomes[1];
    assert_eq!(q5.n_paired, Shown::Value(0));
    assert_eq!(q5.mean_change, Shown::NoData);
}

#[test]
fn no_profile_means_no_dimensions_and_no_referrals_means_no_ratios() {
    let mut bare = input();
    bare.equity.list.clear();
    assert!(run(&bare).dimensions.is_empty());
    let mut none = input();
    none.referrals.clear();
    let e = run(&none);
    let q1 = &e.dimensions[1].groups[0];
    assert_eq!(q1.observed, Shown::Value(0));
    assert_eq!(q1.oe_ratio, Shown::NoData);
    assert_eq!(e.dimensions[1].referrals, Shown::Value(0));
}

#[test]
fn a_practice_without_a_profile_is_left_out_of_that_dimension() {
    let mut input = input();
    input.practices.push(testing::practice("p2", "P2", 500));
    input.referrals[0].practice_id = Some("p2".into());
    input.referrals[1].practice_id = None;
    let e = run(&input);
    // 19 of the 21 referrals remain; one of them has no IMD.
    assert_eq!(e.dimensions[0].referrals, Shown::Value(20)); // 19 → 20
    let q1 = &e.dimensions[1].groups[0];
    // q1 now 8 of 18 with an IMD: expected, from the published (rounded) 20, 20 × 0.2 = 4, not
    // 18 × 0.2 = 3.6, which over the list share would give the exact 18 back.
    close(q1.expected, 4.0);
    // The report says what was left out: one practice, and its referral with the one without a
    // practice (2, shown as *).
    assert_eq!((e.dimensions[1].practices_without_profile, e.dimensions[1].referrals_left_out), (1, Shown::Suppressed));
}

#[test]
fn ages_are_compared_with_the_adults_on_the_list_when_no_child_was_referred() {
    let mut input = input();
    let practice = input.practices[0].id.clone();
    // A list of 1,000 adults and 250 children, 500 of them aged 25 to 34.
    for (group, people) in [(Group::Age(AgeBand::Under18), 250), (Group::Age(AgeBand::A25to34), 500), (Group::Age(AgeBand::A65to74), 500)] {
        input.equity.list.push(ListCount { practice_id: practice.clone(), group, people });
    }
    for g in input.equity.referrals.iter_mut() {
        g.age = AgeBand::A25to34;
    }
    let e = run(&input);
    let age = e.dimensions.iter().find(|d| d.dimension == Dimension::AgeBand).expect("the age dimension");
    assert_eq!(age.compared_with, "the registered list aged 18 and over");
    assert_eq!(age.list_people, 1000, "the children on the list are not in the shares");
    assert!(age.groups.iter().all(|g| g.group != Group::Age(AgeBand::Under18)));
    let band = age.groups.iter().find(|g| g.group == Group::Age(AgeBand::A25to34)).unwrap();
    assert_eq!(band.list_share_pct, Some(50.0), "not 40% of a list that counts children");
    // With a child referred, the whole list is the comparison.
    input.equity.referrals[0].age = AgeBand::Under18;
    let e = run(&input);
    let age = e.dimensions.iter().find(|d| d.dimension == Dimension::AgeBand).unwrap();
    assert_eq!((age.compared_with, age.list_people), ("the whole registered list", 1250));
}
