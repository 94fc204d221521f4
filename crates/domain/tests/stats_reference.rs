//! Checks `linkwork_domain::evaluation::stats` against reference values computed independently with SciPy by
//! `tools/stats_fixtures.py` and stored, with their inputs and the SciPy version, in
//! `tests/fixtures/stats_reference.json` (embedded at compile time: no Python at run time).
//!
//! Tolerance: every value within 1e-9 × max(1, |expected|), and p-values also within 1e-6 of
//! their own size (so small p-values are checked relatively). Counts and the method used must
//! match exactly. A case whose expected value is `null` must give `None`.

use linkwork_domain::evaluation::stats::{self, WilcoxonMethod};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/stats_reference.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("stats_reference.json is valid JSON")
}

fn cases<'a>(doc: &'a Value, key: &str) -> &'a [Value] {
    let cases = doc[key].as_array().unwrap_or_else(|| panic!("fixture has no {key}"));
    assert!(!cases.is_empty(), "{key} has no cases");
    cases
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[track_caller]
fn close(what: &str, got: f64, want: f64) {
    assert!(got.is_finite(), "{what}: got {got}");
    let tol = 1e-9 * want.abs().max(1.0);
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want} (difference {:e})", (got - want).abs());
}

#[track_caller]
fn close_p(what: &str, got: f64, want: f64) {
    close(what, got, want);
    assert!((got - want).abs() <= 1e-6 * want.abs(), "{what}: p {got} vs {want} differs relatively by more than 1e-6");
}

#[track_caller]
fn close_opt(what: &str, got: Option<f64>, want: &Value) {
    match (got, want.as_f64()) {
        (Some(g), Some(w)) => close(what, g, w),
        (None, None) => {}
        (g, _) => panic!("{what}: got {g:?}, want {want}"),
    }
}

#[test]
fn fixture_records_its_provenance() {
    let doc = fixture();
    assert_eq!(doc["generator"], "tools/stats_fixtures.py");
    assert!(doc["scipy"].as_str().is_some_and(|v| !v.is_empty()));
    close("z", stats::Z_975, f(&doc["z_975"]));
}

#[test]
fn paired_t_matches_scipy() {
    let doc = fixture();
    for case in cases(&doc, "paired_t") {
        let name = case["name"].as_str().unwrap();
        let pairs: Vec<(f64, f64)> = case["pairs"].as_array().unwrap().iter().map(|p| (f(&p[0]), f(&p[1]))).collect();
        let got = stats::paired_change(&pairs);
        let want = &case["expected"];
        let Some(got) = got else {
            assert!(want.is_null(), "{name}: got None");
            continue;
        };
        assert!(!want.is_null(), "{name}: expected None, got {got:?}");
        assert_eq!(got.n as u64, u(&want["n"]), "{name}");
        close(&format!("{name}: mean before"), got.mean_before, f(&want["mean_before"]));
        close(&format!("{name}: mean after"), got.mean_after, f(&want["mean_after"]));
        close(&format!("{name}: mean change"), got.mean_change, f(&want["mean_change"]));
        close_opt(&format!("{name}: sd"), got.sd_change, &want["sd_change"]);
        close_opt(&format!("{name}: ci low"), got.ci95.map(|c| c.0), &want["ci_low"]);
        close_opt(&format!("{name}: ci high"), got.ci95.map(|c| c.1), &want["ci_high"]);
        close_opt(&format!("{name}: d_z"), got.effect_size_dz, &want["effect_size_dz"]);
    }
}

#[test]
fn wilcoxon_matches_scipy() {
    let doc = fixture();
    for case in cases(&doc, "wilcoxon") {
        let name = case["name"].as_str().unwrap();
        let changes: Vec<f64> = case["changes"].as_array().unwrap().iter().map(f).collect();
        let method = match case["method"].as_str().unwrap() {
            "auto" => WilcoxonMethod::Auto,
            "exact" => WilcoxonMethod::Exact,
            "normal" => WilcoxonMethod::Normal { continuity_correction: false },
            "normal_cc" => WilcoxonMethod::Normal { continuity_correction: true },
            other => panic!("{name}: unknown method {other}"),
        };
        let got = stats::wilcoxon_signed_rank_with(&changes, method);
        let want = &case["expected"];
        let Some(got) = got else {
            assert!(want.is_null(), "{name}: got None");
            continue;
        };
        assert!(!want.is_null(), "{name}: expected None, got {got:?}");
        assert_eq!((got.n as u64, got.n_zero as u64), (u(&want["n"]), u(&want["n_zero"])), "{name}");
        close(&format!("{name}: W+"), got.w_plus, f(&want["w_plus"]));
        close(&format!("{name}: W-"), got.w_minus, f(&want["w_minus"]));
        close(&format!("{name}: statistic"), got.statistic, f(&want["statistic"]));
        let used = match got.method {
            WilcoxonMethod::Exact => "exact",
            WilcoxonMethod::Normal { .. } => "normal",
            WilcoxonMethod::Auto => panic!("{name}: method used is never Auto"),
        };
        assert_eq!(used, want["method_used"].as_str().unwrap(), "{name}: method");
        // SciPy reports −|z| for a two-sided test; compare magnitudes.
        close_opt(&format!("{name}: |z|"), got.z.map(f64::abs), &want["z"]);
        close_p(&format!("{name}: p"), got.p, f(&want["p"]));
    }
}

#[test]
fn wilson_intervals_match_scipy() {
    let doc = fixture();
    for case in cases(&doc, "wilson") {
        let (k, n) = (u(&case["successes"]), u(&case["n"]));
        let what = format!("{k}/{n}");
        let want = &case["expected"];
        match stats::proportion(k, n) {
            None => assert!(want.is_null(), "{what}: got None"),
            Some(got) => {
                close(&format!("{what}: estimate"), got.estimate, f(&want["estimate"]));
                close(&format!("{what}: low"), got.ci95.0, f(&want["low"]));
                close(&format!("{what}: high"), got.ci95.1, f(&want["high"]));
            }
        }
    }
}

#[test]
fn poisson_rates_match_scipy() {
    let doc = fixture();
    for case in cases(&doc, "poisson_rate") {
        let (k, t) = (u(&case["events"]), f(&case["person_years"]));
        let what = format!("{k} events / {t} person-years");
        let want = &case["expected"];
        match stats::rate_per_person_year(k, t) {
            None => assert!(want.is_null(), "{what}: got None"),
            Some(got) => {
                close(&format!("{what}: rate"), got.rate, f(&want["rate"]));
                close(&format!("{what}: low"), got.ci95.0, f(&want["low"]));
                close(&format!("{what}: high"), got.ci95.1, f(&want["high"]));
            }
        }
    }
}

#[test]
fn rate_differences_match_reference() {
    let doc = fixture();
    for case in cases(&doc, "rate_difference") {
        let (k0, t0, k1, t1) = (u(&case["before_events"]), f(&case["before_person_years"]), u(&case["after_events"]), f(&case["after_person_years"]));
        let what = format!("{k0}/{t0} → {k1}/{t1}");
        let want = &case["expected"];
        match stats::rate_difference(k0, t0, k1, t1) {
            None => assert!(want.is_null(), "{what}: got None"),
            Some(got) => {
                close(&format!("{what}: difference"), got.difference, f(&want["difference"]));
                close(&format!("{what}: low"), got.ci95.0, f(&want["low"]));
                close(&format!("{what}: high"), got.ci95.1, f(&want["high"]));
            }
        }
    }
}

#[test]
fn observed_expected_ratios_match_reference() {
    let doc = fixture();
    for case in cases(&doc, "observed_expected") {
        let (o, e) = (u(&case["observed"]), f(&case["expected_count"]));
        let what = format!("{o} / {e}");
        let want = &case["expected"];
        match stats::observed_expected_ratio(o, e) {
            None => assert!(want.is_null(), "{what}: got None"),
            Some(got) => {
                close(&format!("{what}: ratio"), got.ratio, f(&want["ratio"]));
                close(&format!("{what}: low"), got.ci95.0, f(&want["low"]));
                close(&format!("{what}: high"), got.ci95.1, f(&want["high"]));
            }
        }
    }
    for case in cases(&doc, "share_ratio") {
        let (o, ot, p, pt) = (u(&case["observed"]), u(&case["observed_total"]), u(&case["population"]), u(&case["population_total"]));
        let what = format!("{o} of {ot} vs {p} of {pt}");
        let want = &case["expected"];
        match stats::share_ratio(o, ot, p, pt) {
            None => assert!(want.is_null(), "{what}: got None"),
            Some(got) => {
                close(&format!("{what}: expected"), got.expected, f(&want["expected_count"]));
                close(&format!("{what}: ratio"), got.ratio, f(&want["ratio"]));
                close(&format!("{what}: low"), got.ci95.0, f(&want["low"]));
                close(&format!("{what}: high"), got.ci95.1, f(&want["high"]));
            }
        }
    }
}
