use super::*;
use crate::evaluation::health_system::ContactType;
use time::macros::date;

const NO_SUPPRESSION: SuppressionPolicy = SuppressionPolicy { max_suppressed: 0, rounding_base: 1 };

fn year() -> Period {
    Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap()
}

fn q(n: u8) -> Option<ImdQuintile> {
    Some(ImdQuintile::ALL[usize::from(n) - 1])
}

fn gp(on: Date) -> Contact {
    Contact { on, contact_type: ContactType::GpSurgery, bed_days: None }
}

fn gps(days: &[Date]) -> Vec<Contact> {
    days.iter().copied().map(gp).collect()
}

fn referred(person: &str, practice: &str, on: Date) -> ReferredPerson {
    ReferredPerson { person: person.into(), referred_on: on, practice_id: practice.into(), age: AgeBand::A45to54, sex: Sex::Female, imd: q(3) }
}

fn control(key: &str, practice: &str, contacts: Vec<Contact>) -> ComparisonPerson {
    ComparisonPerson { key: key.into(), practice_id: practice.into(), age: AgeBand::A45to54, sex: Sex::Female, imd: q(3), contacts }
}

/// The people's contacts, plus a person whose contacts mark the referred data's ends
/// (2024-01-01 to 2026-12-31).
fn activity(people: &[(&str, Vec<Contact>)]) -> Vec<PersonActivity> {
    let mut all = vec![PersonActivity { person: "ends".into(), contacts: gps(&[date!(2024 - 01 - 01), date!(2026 - 12 - 31)]) }];
    all.extend(people.iter().map(|(p, c)| PersonActivity { person: (*p).into(), contacts: c.clone() }));
    all
}

fn input<'a>(referred: &'a [ReferredPerson], activity: &'a [PersonActivity], comparison: &'a [ComparisonPerson]) -> ComparisonInput<'a> {
    ComparisonInput { referred, referred_activity: activity, comparison, comparison_from: Some(date!(2024 - 01 - 01)), comparison_to: Some(date!(2026 - 12 - 31)), window_months: 0 }
}

fn value(s: &Shown<f64>) -> f64 {
    *s.value().unwrap_or_else(|| panic!("no value: {s:?}"))
}

fn close(s: &Shown<f64>, want: f64) -> bool {
    (value(s) - want).abs() < 1e-5
}

fn keys(input: &ComparisonInput, case: &Case) -> Vec<String> {
    case.controls.iter().map(|c| input.comparison[c.comparison].key.clone()).collect()
}

#[test]
fn a_case_with_no_eligible_control_is_unmatched() {
    let cases = [referred("p1", "P1", date!(2025 - 07 - 01)), ReferredPerson { imd: None, ..referred("p2", "P1", date!(2025 - 07 - 01)) }];
    let act = activity(&[]);
    // Nobody in p1's cell: another practice, sex, age band or quintile, or an unknown quintile.
    let others = [
        control("a", "P2", vec![]),
        ComparisonPerson { sex: Sex::Male, ..control("b", "P1", vec![]) },
        ComparisonPerson { age: AgeBand::A55to64, ..control("c", "P1", vec![]) },
        ComparisonPerson { imd: q(2), ..control("d", "P1", vec![]) },
        ComparisonPerson { imd: None, ..control("e", "P1", vec![]) },
    ];
    let inp = input(&cases, &act, &others);
    let m = match_cases(&inp, year());
    assert_eq!(m.cases.len(), 2);
    assert!(m.cases[0].controls.is_empty(), "p1 has nobody in its cell");
    // An unknown quintile is its own stratum: p2 is matched to e only.
    assert_eq!(keys(&inp, &m.cases[1]), vec!["e"]);
    let r = evaluate(&inp, year(), NO_SUPPRESSION);
    assert_eq!((r.referred_eligible, r.matched, r.unmatched, r.comparison_people_used), (Shown::Value(2), Shown::Value(1), Shown::Value(1), Shown::Value(1)));
    assert_eq!(r.comparison_people_in_practices, Shown::Value(4), "the four of practice P1");
    assert_eq!(r.outcomes[0].n, Shown::Value(1));
}

#[test]
fn the_caliper_is_two_appointments_or_a_quarter_of_the_before_window_count() {
    assert!(within_caliper(0, 2) && !within_caliper(0, 3));
    assert!(within_caliper(4, 6) && within_caliper(4, 2) && !within_caliper(4, 7));
    assert!(within_caliper(20, 25) && within_caliper(20, 15) && !within_caliper(20, 26) && !within_caliper(20, 14));
    assert!(within_caliper(9, 11) && !within_caliper(9, 12), "2.25 allows 2, not 3");

    // A case with 20 GP appointments in the before window of 2025-07-01 ([2025-01-01,
    // 2025-07-01)); comparison people with 14, 15, 19, 20 (three: keys t0, t1, t2), 21, 25, 26 and
    // 30 there. t0 also had 3 in the months before the window (23 in the 12 months).
    let before_window = |n: usize| -> Vec<Contact> { (0..n).map(|i| gp(date!(2025 - 01 - 02) + time::Duration::days(i as i64 * 5))).collect() };
    let earlier = gps(&[date!(2024 - 08 - 01), date!(2024 - 09 - 01), date!(2024 - 10 - 01)]);
    let cases = [referred("p", "P", date!(2025 - 07 - 01))];
    let act = activity(&[("p", before_window(20))]);
    let mut pool: Vec<ComparisonPerson> = [("u14", 14), ("u15", 15), ("s19", 19), ("t2", 20), ("t1", 20), ("r21", 21), ("v25", 25), ("v26", 26), ("w30", 30)]
        .iter()
        .map(|&(k, n)| control(k, "P", before_window(n)))
        .collect();
    pool.push(control("t0", "P", before_window(20).into_iter().chain(earlier).collect()));
    let inp = input(&cases, &act, &pool);
    let m = match_cases(&inp, year());
    assert_eq!((m.cases[0].counts.before[0], m.cases[0].counts.prior_gp), (20, 20));
    // Within 5 (a quarter of 20): 15 to 25. The 5 nearest: t1, t2 (0, and 0 in the 12 months, by
    // key), t0 (0, but 3 in the 12 months: after them despite its key), r21, s19 (1, by key); not
    // u15 or v25 (5).
    assert_eq!(keys(&inp, &m.cases[0]), vec!["t1", "t2", "t0", "r21", "s19"]);
    // With only the far ones left, the case is matched to those within the caliper only.
    let far: Vec<ComparisonPerson> = pool.iter().filter(|p| ["u14", "v25", "v26", "w30"].contains(&p.key.as_str())).cloned().collect();
    let inp = input(&cases, &act, &far);
    assert_eq!(keys(&inp, &match_cases(&inp, year()).cases[0]), vec!["v25"]);
}

#[test]
fn controls_windows_are_taken_around_their_cases_index_date() {
    // One comparison person, k, is the control of two cases referred on different dates.
    let k = control("k", "P", gps(&[date!(2024 - 11 - 15), date!(2025 - 03 - 01), date!(2025 - 06 - 01), date!(2025 - 09 - 01)]));
    let cases = [referred("early", "P", date!(2025 - 06 - 01)), referred("late", "P", date!(2025 - 09 - 15))];
    let act = activity(&[("early", gps(&[date!(2025 - 01 - 01), date!(2025 - 02 - 01)])), ("late", gps(&[date!(2025 - 05 - 01), date!(2025 - 06 - 01), date!(2025 - 07 - 01)]))]);
    let comparison = [k];
    let inp = input(&cases, &act, &comparison);
    let m = match_cases(&inp, year());
    let by_person = |p: &str| m.cases.iter().find(|c| c.referred.person == p).unwrap();
    // Around 2025-06-01: before [2024-12-01, 2025-06-01) holds 03-01; the 06-01 contact is on the
    // index day (neither window); after (2025-06-01, 2025-12-01] holds 09-01. The year before
    // [2024-06-01, 2025-06-01) also holds 2024-11-15.
    let early = &by_person("early").controls[0].counts;
    assert_eq!((early.prior_gp, early.before[0], early.after[0]), (2, 1, 1));
    // Around 2025-09-15: before [2025-03-15, 2025-09-15) holds 06-01 and 09-01; nothing after;
    // the year before [2024-09-15, 2025-09-15) holds all four.
    let late = &by_person("late").controls[0].counts;
    assert_eq!((late.prior_gp, late.before[0], late.after[0]), (4, 2, 0));
    let r = evaluate(&inp, year(), NO_SUPPRESSION);
    assert_eq!((r.matched, r.comparison_people_used), (Shown::Value(2), Shown::Value(1)));
}

#[test]
fn coverage_of_both_extracts_and_the_period_decides_who_is_eligible() {
    let cases = [
        referred("ok", "P", date!(2025 - 07 - 01)),
        // The year before starts 2024-05-01, before the comparison extract (2024-06-01).
        referred("early", "P", date!(2025 - 05 - 01)),
        // The after window ends 2026-05-01, after the period.
        referred("late", "P", date!(2025 - 11 - 01)),
        // Referred before the period.
        referred("before", "P", date!(2025 - 01 - 10)),
    ];
    let act = activity(&[]);
    let comparison = [control("c", "P", vec![])];
    let mut inp = input(&cases, &act, &comparison);
    inp.comparison_from = Some(date!(2024 - 06 - 01));
    let m = match_cases(&inp, year());
    assert_eq!(m.referred_in_period, 3);
    assert_eq!(m.cases.iter().map(|c| c.referred.person.as_str()).collect::<Vec<_>>(), vec!["ok"]);
    inp.comparison_from = None;
    assert!(match_cases(&inp, year()).cases.is_empty(), "no comparison extract: nobody is eligible");
    let r = evaluate(&inp, year(), NO_SUPPRESSION);
    assert_eq!(r.outcomes[0].did_per_person_year, Shown::NoData);
}

#[test]
fn smd_of_identical_groups_is_zero() {
    let a: Vec<(f64, f64)> = [1.0, 4.0, 4.0, 9.0].iter().map(|&x| (x, 1.0)).collect();
    assert_eq!(smd(&a, &a), Some(0.0));
    // Weights 1/2 on a group twice over is the same group.
    let doubled: Vec<(f64, f64)> = a.iter().chain(a.iter()).map(|&(x, _)| (x, 0.5)).collect();
    assert!(smd(&a, &doubled).unwrap().abs() < 1e-15);
    // Constant and equal: 0; constant and different: none.
    assert_eq!(smd(&[(1.0, 1.0)], &[(1.0, 1.0), (1.0, 1.0)]), Some(0.0));
    assert_eq!(smd(&[(1.0, 1.0)], &[(0.0, 1.0)]), None);
    assert_eq!(smd(&[], &a), None);
    // Shares 0.5 and 0.25: (0.5 − 0.25) / √((0.25 + 0.1875) / 2) = 0.534522.
    let half = [(1.0, 1.0), (0.0, 1.0)];
    let quarter = [(1.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0)];
    assert!((smd(&half, &quarter).unwrap() - 0.534_522_483_8).abs() < 1e-9);
}

/// Three cases in three practices, everything in the before window (so prior use is the before count).
#[test]
fn difference_in_differences_by_hand() {
    let idx = date!(2025 - 07 - 01);
    let before = |n: usize| -> Vec<Contact> { (0..n).map(|i| gp(date!(2025 - 02 - 01) + time::Duration::days(i as i64))).collect() };
    let after = |n: usize| -> Vec<Contact> { (0..n).map(|i| gp(date!(2025 - 09 - 01) + time::Duration::days(i as i64))).collect() };
    let both = |b: usize, a: usize| -> Vec<Contact> { before(b).into_iter().chain(after(a)).collect() };
    let cases = [referred("A", "PA", idx), referred("B", "PB", idx), referred("C", "PC", idx)];
    let act = activity(&[("A", both(4, 1)), ("B", both(2, 2)), ("C", both(0, 1))]);
    let comparison = [
        control("a1", "PA", both(4, 3)),
        control("a2", "PA", both(4, 1)),
        control("b1", "PB", both(2, 0)),
        control("c1", "PC", both(0, 0)),
        control("c2", "PC", both(0, 2)),
        control("c3", "PC", both(0, 1)),
    ];
    let inp = input(&cases, &act, &comparison);
    let r = evaluate(&inp, year(), NO_SUPPRESSION);
    // Per person-year (× 2): A 8 → 2 (−6), controls −2 and −6 (mean −4): d = −2. B 4 → 4 (0),
    // control −4: d = 4. C 0 → 2 (+2), controls 0, +4, +2 (mean 2): d = 0.
    // DiD 2/3; SD √((64 + 100 + 4) / 9 / 2) = 3.05505; SE 1.763834; t(0.975, 2) = 4.302653:
    // half-width 7.589166.
    let gp = &r.outcomes[0];
    assert_eq!((gp.key, gp.n), ("gp_appointments", Shown::Value(3)));
    assert!(close(&gp.referred_before_per_person_year, 4.0) && close(&gp.referred_after_per_person_year, 8.0 / 3.0));
    assert!(close(&gp.comparison_before_per_person_year, 4.0) && close(&gp.comparison_after_per_person_year, 2.0));
    assert!(close(&gp.naive_change_per_person_year, -4.0 / 3.0) && close(&gp.comparison_change_per_person_year, -2.0));
    assert!(close(&gp.did_per_person_year, 2.0 / 3.0), "{:?}", gp.did_per_person_year);
    assert!(close(&gp.did_ci95_low, 2.0 / 3.0 - 7.589166) && close(&gp.did_ci95_high, 2.0 / 3.0 + 7.589166), "{gp:?}");
    // Nothing else happened: zero change, a zero-width interval.
    let ae = &r.outcomes[1];
    assert!(close(&ae.did_per_person_year, 0.0) && close(&ae.did_ci95_low, 0.0));
    assert_eq!(r.outcomes.iter().map(|o| o.key).collect::<Vec<_>>(), vec!["gp_appointments", "ae_attendances", "non_elective_admissions", "bed_days"]);
    // Matched exactly on everything but prior use, and that too here: balanced after matching.
    for row in &r.balance {
        assert_eq!(row.balanced_after_matching, Shown::Value(true), "{row:?}");
    }
}

#[test]
fn bed_days_and_ae_are_counted_in_their_windows() {
    let idx = date!(2025 - 07 - 01);
    let stay = |on: Date, days: u32| Contact { on, contact_type: ContactType::NonElectiveAdmission, bed_days: Some(days) };
    let ae = |on: Date| Contact { on, contact_type: ContactType::AeAdmitted, bed_days: None };
    let cases = [referred("p", "P", idx)];
    let act = activity(&[("p", vec![stay(date!(2025 - 03 - 01), 4), stay(date!(2025 - 05 - 01), 3), ae(date!(2025 - 03 - 01)), stay(idx, 9), stay(date!(2026 - 01 - 01), 2)])]);
    let comparison = [control("c", "P", vec![stay(date!(2025 - 08 - 01), 1)])];
    let inp = input(&cases, &act, &comparison);
    let m = match_cases(&inp, year());
    let c = &m.cases[0].counts;
    assert_eq!((c.before, c.after), ([0, 1, 2, 7], [0, 0, 1, 2]), "the stay on the index day is in neither window");
    assert_eq!(m.cases[0].controls[0].counts.after, [0, 0, 1, 1]);
}

/// Referred people chosen at a peak of use fall back whatever the service does; so do comparison
/// people with the same peak in the same months. Matched on the 12 months before, the cases here
/// would get controls with the same yearly count from a peak 7–12 months earlier (keys "a…",
/// first by key), whose before window is empty: the DiD would keep the fall (−11.8 against a
/// naive −10.2). Matched on the before window, the controls start from the cases' level, and
/// the DiD is close to 0.
#[test]
fn regression_to_the_mean_shows_in_the_naive_change_not_in_the_did() {
    let idx = date!(2025 - 07 - 01);
    let day = |d: Date, i: usize| d + time::Duration::days(i as i64);
    // 6 GP appointments from `start`, 20 days apart, then `after` in the after window.
    let peak = |start: Date, after: usize| -> Vec<Contact> {
        let mut c: Vec<Contact> = (0..6).map(|i| gp(day(start, i * 20))).collect();
        c.extend((0..after).map(|i| gp(day(date!(2025 - 09 - 10), i * 30))));
        c
    };
    let in_before_window = date!(2025 - 02 - 10);
    let cases: Vec<ReferredPerson> = (0..10).map(|i| referred(&format!("p{i}"), "P", idx)).collect();
    let act_people: Vec<(String, Vec<Contact>)> = (0..10).map(|i| (format!("p{i}"), peak(in_before_window, i % 3))).collect();
    let act = activity(&act_people.iter().map(|(p, c)| (p.as_str(), c.clone())).collect::<Vec<_>>());
    // The same 6 in the 12 months, but 7–12 months before: none in the before window.
    let mut comparison: Vec<ComparisonPerson> = (0..20).map(|j| control(&format!("a{j:02}"), "P", peak(date!(2024 - 08 - 10), j % 3))).collect();
    // The same peak in the same months: the controls.
    comparison.extend((0..20).map(|j| control(&format!("s{j:02}"), "P", peak(in_before_window, j % 3))));
    // The same peak and 3 more earlier in the year: as near in the before window, farther in the 12 months.
    comparison.extend((0..10).map(|j| {
        let mut c = peak(in_before_window, j % 3);
        c.extend(gps(&[date!(2024 - 09 - 01), date!(2024 - 09 - 15), date!(2024 - 10 - 01)]));
        control(&format!("r{j:02}"), "P", c)
    }));
    // Steady low users: one appointment in each window; outside the caliper of a case's 6.
    comparison.extend((0..30).map(|j| control(&format!("t{j:02}"), "P", gps(&[date!(2025 - 03 - 01), date!(2025 - 10 - 01)]))));
    let inp = input(&cases, &act, &comparison);
    let m = match_cases(&inp, year());
    assert!(m.cases.iter().all(|c| keys(&inp, c) == ["s00", "s01", "s02", "s03", "s04"]), "{:?}", keys(&inp, &m.cases[0]));
    let r = evaluate(&inp, year(), NO_SUPPRESSION);
    let gp = &r.outcomes[0];
    // Cases: 6 → 0.9 a half-year: naive (0.9 − 6) × 2 = −10.2. Controls s00–s04: 6 → 0.8: −10.4.
    assert!(close(&gp.referred_before_per_person_year, 12.0) && close(&gp.comparison_before_per_person_year, 12.0), "{gp:?}");
    assert!(close(&gp.naive_change_per_person_year, -10.2), "{gp:?}");
    assert!(close(&gp.comparison_change_per_person_year, -10.4), "{gp:?}");
    assert!(close(&gp.did_per_person_year, 0.2), "{gp:?}");
    assert!(value(&gp.did_per_person_year).abs() < 0.1 * value(&gp.naive_change_per_person_year).abs(), "the DiD is clearly smaller than the naive change: {gp:?}");
    assert_eq!(r.comparison_people_used, Shown::Value(5));
    // The matching variable: far apart before matching, equal after.
    let before = &r.balance[0];
    assert_eq!(before.key, "before_gp_appointments");
    assert!(value(&before.smd_before_matching) > 1.0, "the referred were chosen at a peak: {before:?}");
    assert!(close(&before.referred_after_matching, 6.0) && close(&before.comparison_after_matching, 6.0), "{before:?}");
    assert_eq!((before.smd_after_matching, before.balanced_after_matching), (Shown::Value(0.0), Shown::Value(true)));
    // The 12 months before stay a row of their own.
    let prior = &r.balance[1];
    assert_eq!(prior.key, "prior_gp_appointments");
    assert_eq!(prior.smd_after_matching, Shown::Value(0.0));
}

/// With no comparison extract nothing is matched: the people first referred in the period are
/// counted, and every other figure is no data (no row is left out).
#[test]
fn no_comparison_data_counts_the_referred_and_nothing_else() {
    let cases: Vec<ReferredPerson> = (0..12).map(|i| referred(&format!("p{i}"), "P", date!(2025 - 07 - 01))).chain([referred("before", "P", date!(2025 - 01 - 10))]).collect();
    let act = activity(&[("p0", gps(&[date!(2025 - 03 - 01)]))]);
    for (from, to) in [(None, None), (Some(date!(2024 - 01 - 01)), Some(date!(2026 - 12 - 31)))] {
        let mut inp = input(&cases, &act, &[]);
        (inp.comparison_from, inp.comparison_to) = (from, to);
        let r = evaluate(&inp, year(), NO_SUPPRESSION);
        assert_eq!(r.referred_in_period, Shown::Value(12));
        assert_eq!((r.referred_data_from, r.referred_data_to), (Some(date!(2024 - 01 - 01)), Some(date!(2026 - 12 - 31))));
        assert_eq!((r.comparison_from, r.comparison_to), (from, to));
        assert_eq!([r.referred_eligible, r.matched, r.unmatched, r.comparison_people_used, r.comparison_people_in_practices], [Shown::NoData; 5]);
        assert_eq!(r.balance.len(), 6);
        assert!(r.balance.iter().all(|b| b.referred_before_matching == Shown::NoData && b.smd_after_matching == Shown::NoData && b.balanced_after_matching == Shown::NoData));
        assert_eq!(r.outcomes.len(), 4);
        assert!(r.outcomes.iter().all(|o| o.n == Shown::NoData && o.did_per_person_year == Shown::NoData && o.referred_before_per_person_year == Shown::NoData));
    }
    let r = evaluate(&input(&cases, &act, &[]), year(), SuppressionPolicy::default());
    assert_eq!(r.referred_in_period, Shown::Value(10), "12 rounds to 10");
}

/// Means go through `SuppressionPolicy::mean` (per person-year in steps of 12 / window; balance
/// means in steps of 1), shares are percentages of the rounded counts.
#[test]
fn figures_are_published_to_the_decimals_their_people_allow() {
    let idx = date!(2025 - 07 - 01);
    // 23 cases, 10 of them male; each case's before-window count i % 4, nothing after.
    let cases: Vec<ReferredPerson> = (0..23).map(|i| ReferredPerson { sex: if i < 10 { Sex::Male } else { Sex::Female }, ..referred(&format!("p{i:02}"), "P", idx) }).collect();
    let before = |n: usize| -> Vec<Contact> { (0..n).map(|i| gp(date!(2025 - 02 - 01) + time::Duration::days(i as i64 * 9))).collect() };
    let act_people: Vec<(String, Vec<Contact>)> = (0..23).map(|i| (format!("p{i:02}"), before(i % 4))).collect();
    let act = activity(&act_people.iter().map(|(p, c)| (p.as_str(), c.clone())).collect::<Vec<_>>());
    let comparison: Vec<ComparisonPerson> = (0..60)
        .map(|j| {
            let sex = if j < 6 { Sex::Male } else { Sex::Female };
            ComparisonPerson { sex, ..control(&format!("c{j:02}"), "P", before(j % 5)) }
        })
        .collect();
    let inp = input(&cases, &act, &comparison);
    let exact = evaluate(&inp, year(), NO_SUPPRESSION);
    let p = SuppressionPolicy::default();
    let r = evaluate(&inp, year(), p);
    let gp = (&exact.outcomes[0], &r.outcomes[0]);
    // 23 cases: published as 25, so any of 23–27; steps of 2 a person-year: 23 / 2 ≥ 10, 1 decimal.
    assert_eq!(p.mean_decimals(23, 2.0), Some(1));
    let at = |v: &Shown<f64>, d: i32| crate::evaluation::disclosure::round_to(value(v), d);
    assert_eq!(value(&gp.1.referred_before_per_person_year), at(&gp.0.referred_before_per_person_year, 1));
    assert_eq!(value(&gp.1.naive_change_per_person_year), at(&gp.0.naive_change_per_person_year, 1));
    assert_ne!(value(&gp.0.referred_before_per_person_year), value(&gp.1.referred_before_per_person_year), "the exact mean (60 / 23 × 2) is not published");
    // The comparison side is a mean of its distinct controls' number (fewer than the cases here).
    let n_comparison = 23u64.min(match exact.comparison_people_used { Shown::Value(n) => n, _ => unreachable!() });
    let d = p.mean_decimals(n_comparison, 2.0).unwrap();
    for (e, s) in [(&gp.0.did_per_person_year, &gp.1.did_per_person_year), (&gp.0.did_ci95_low, &gp.1.did_ci95_low), (&gp.0.comparison_before_per_person_year, &gp.1.comparison_before_per_person_year)] {
        assert_eq!(value(s), at(e, d));
    }
    // Balance: the before-window count is a mean of counts (steps of 1), female a percentage of
    // the rounded counts: 13 of 23 → 15 of 25 = 60%, not 56.5%.
    let row = |r: &ComparisonReport, key: &str| r.balance.iter().find(|b| b.key == key).unwrap().clone();
    let (e, s) = (row(&exact, "before_gp_appointments"), row(&r, "before_gp_appointments"));
    assert_eq!((e.unit, s.unit), ("count", "count"));
    assert_eq!(value(&s.referred_before_matching), at(&e.referred_before_matching, p.mean_decimals(23, 1.0).unwrap()));
    assert_eq!(value(&s.smd_before_matching), at(&e.smd_before_matching, 2), "an SMD of counts to two decimals");
    let (e, s) = (row(&exact, "female"), row(&r, "female"));
    assert_eq!(s.unit, "percent");
    assert!(close(&e.referred_before_matching, 1300.0 / 23.0), "{e:?}");
    assert_eq!(s.referred_before_matching, Shown::Value(60.0));
    assert_eq!(s.comparison_before_matching, Shown::Suppressed, "6 men of 60: the share would give 6 back");
    // The controls' weighted count is their cases' (sex is matched exactly).
    assert!(close(&e.comparison_after_matching, 1300.0 / 23.0), "{e:?}");
    assert_eq!((s.referred_after_matching, s.comparison_after_matching), (Shown::Value(60.0), Shown::Value(60.0)));
    // A share's SMD comes from the published shares: hidden beside a hidden share, and 0 between
    // two published 60%s (the exact SMD, of 13 of 23 each, is 0 too: nothing more is said).
    assert_eq!(s.smd_before_matching, Shown::Suppressed);
    assert_eq!(s.smd_after_matching, Shown::Value(0.0));
}

#[test]
fn a_shares_smd_is_the_one_its_published_shares_give() {
    let policy = SuppressionPolicy::default();
    let shown = super::balance::shown_smd_of_shares(policy, 100, (Shown::Value(60.0), Shown::Value(50.0)));
    // (0.6 − 0.5) / √((0.24 + 0.25) / 2) = 0.1 / 0.4950 = 0.2020
    assert!(close(&shown, 0.1 / (0.245f64).sqrt()), "{shown:?}");
}

#[test]
fn few_people_are_suppressed() {
    let idx = date!(2025 - 07 - 01);
    let people = |n: usize| {
        let cases: Vec<ReferredPerson> = (0..n).map(|i| referred(&format!("p{i}"), "P", idx)).collect();
        let comparison: Vec<ComparisonPerson> = (0..10).map(|j| control(&format!("c{j}"), "P", vec![])).collect();
        let act = activity(&[]);
        let inp = input(&cases, &act, &comparison);
        evaluate(&inp, year(), SuppressionPolicy::default())
    };
    let r = people(7);
    assert_eq!((r.matched, r.outcomes[0].did_per_person_year), (Shown::Suppressed, Shown::Suppressed));
    assert_eq!(r.balance[0].balanced_after_matching, Shown::Suppressed);
    let r = people(8);
    assert_eq!(r.matched, Shown::Value(10), "8 rounds to 10");
    // 5 distinct controls (everyone's nearest by key: c0–c4): fewer than 8, so the comparison
    // side is suppressed though 8 cases are shown.
    assert!(r.outcomes[0].referred_before_per_person_year.value().is_some());
    assert_eq!(r.outcomes[0].did_per_person_year, Shown::Suppressed);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["outcomes"][0]["key"], "gp_appointments");
    assert_eq!(json["method"]["controls_per_case"], 5);
}
