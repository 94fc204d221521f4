#!/usr/bin/env python3
"""Reference values for linkwork-domain's statistics, computed independently with SciPy.

Writes crates/domain/tests/fixtures/stats_reference.json: every case's inputs and the values SciPy
(or, for closed formulas SciPy has no function for, NumPy with SciPy's distribution quantiles)
gives. crates/domain/tests/stats_reference.rs reads that file, so the Rust tests never need
Python. Re-run after changing a case:

    python3 -m pip install scipy numpy
    python3 tools/stats_fixtures.py

Methods (each matches the Rust doc comment of the function it checks):
- paired t: scipy.stats.ttest_rel(after, before).confidence_interval(0.95); d_z = mean / SD (ddof 1).
- Wilcoxon signed-rank: scipy.stats.wilcoxon(changes) with SciPy's defaults (zero_method="wilcox",
  correction=False, alternative="two-sided", method="auto"), plus explicit method="asymptotic"
  with and without correction=True, and an exact sign-flip permutation test
  (method=PermutationMethod(n_resamples=inf)) for a tied sample above SciPy's own n <= 13 limit.
- Wilson interval: scipy.stats.binomtest(k, n).proportion_ci(0.95, method="wilson").
- Poisson rate per person-year, exact (Garwood): chi2.ppf(0.025, 2k) / 2T and chi2.ppf(0.975, 2k + 2) / 2T.
- Rate difference: (k1/T1 - k0/T0) +/- z * sqrt(k1/T1^2 + k0/T0^2), z = norm.ppf(0.975).
- Observed/expected ratio, exact Poisson (Garwood) for the observed count, the expected count fixed:
  (chi2.ppf(0.025, 2O) / 2E, chi2.ppf(0.975, 2O + 2) / 2E), the lower limit 0 when O = 0.
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

OUT = Path(__file__).resolve().parent.parent / "crates" / "domain" / "tests" / "fixtures" / "stats_reference.json"
Z = float(stats.norm.ppf(0.975))


def num(x):
    """A finite float for JSON, or None for NaN/inf (what the Rust side returns as None)."""
    x = float(x)
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------- paired t

def paired_t_case(name, pairs):
    before = np.array([p[0] for p in pairs], dtype=float)
    after = np.array([p[1] for p in pairs], dtype=float)
    d = after - before
    case = {"name": name, "pairs": pairs}
    if len(pairs) == 0:
        case["expected"] = None
        return case
    exp = {
        "n": len(pairs),
        "mean_before": float(before.mean()),
        "mean_after": float(after.mean()),
        "mean_change": float(d.mean()),
        "sd_change": None,
        "ci_low": None,
        "ci_high": None,
        "effect_size_dz": None,
    }
    if len(pairs) >= 2:
        sd = float(d.std(ddof=1))
        exp["sd_change"] = sd
        if sd > 0:
            ci = stats.ttest_rel(after, before).confidence_interval(0.95)
            exp["ci_low"], exp["ci_high"] = float(ci.low), float(ci.high)
            exp["effect_size_dz"] = float(d.mean()) / sd
        else:
            # All changes equal: SciPy gives NaN; Linkwork documents a zero-width interval.
            exp["ci_low"] = exp["ci_high"] = float(d.mean())
    case["expected"] = exp
    return case


# ---------------------------------------------------------------- Wilcoxon

def scipy_auto_choice(d):
    """SciPy 1.17's method="auto" rule (scipy/stats/_wilcoxon.py), stated so the Rust side can
    check it chose the same way: n (zeros included) > 50 -> asymptotic; no ties and no zeros ->
    exact; otherwise n <= 13 -> exact permutation; otherwise asymptotic."""
    nz = d[d != 0]
    ties = len(np.unique(np.abs(nz))) < len(nz)
    if len(d) > 50:
        return "normal"
    if not ties and len(nz) == len(d):
        return "exact"
    if len(d) <= 13:
        return "exact"
    return "normal"


def wilcoxon_case(name, changes, method="auto"):
    d = np.array(changes, dtype=float)
    nz = d[d != 0]
    case = {"name": name, "changes": changes, "method": method}
    if len(nz) == 0:
        case["expected"] = None  # SciPy: NaN (nothing to rank); Linkwork: None
        return case
    ranks = stats.rankdata(np.abs(nz))
    w_plus, w_minus = float(ranks[nz > 0].sum()), float(ranks[nz < 0].sum())
    z = None
    if method == "auto":
        res = stats.wilcoxon(d)
        used = scipy_auto_choice(d)
        if used == "normal":
            check = stats.wilcoxon(d, method="asymptotic")
            assert math.isclose(check.pvalue, res.pvalue, rel_tol=1e-12), (name, check, res)
            z = abs(float(check.zstatistic))
    elif method == "normal":
        res = stats.wilcoxon(d, method="asymptotic")
        used, z = "normal", abs(float(res.zstatistic))
    elif method == "normal_cc":
        res = stats.wilcoxon(d, method="asymptotic", correction=True)
        used, z = "normal", abs(float(res.zstatistic))
    elif method == "exact":
        res = stats.wilcoxon(d, method=stats.PermutationMethod(n_resamples=np.inf))
        used = "exact"
    else:
        raise ValueError(method)
    assert math.isclose(float(res.statistic), min(w_plus, w_minus)), (name, res)
    case["expected"] = {
        "n": int(len(nz)),
        "n_zero": int(len(d) - len(nz)),
        "w_plus": w_plus,
        "w_minus": w_minus,
        "statistic": float(res.statistic),
        "z": z,
        "p": num(res.pvalue),
        "method_used": used,
    }
    return case


# ---------------------------------------------------------------- proportions, rates, ratios

def wilson_case(k, n):
    case = {"successes": k, "n": n}
    if n == 0:
        case["expected"] = None
        return case
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    case["expected"] = {"estimate": k / n, "low": float(ci.low), "high": float(ci.high)}
    return case


def poisson_rate_case(k, t):
    case = {"events": k, "person_years": t}
    if not t > 0:
        case["expected"] = None
        return case
    low = 0.0 if k == 0 else float(stats.chi2.ppf(0.025, 2 * k)) / 2 / t
    high = float(stats.chi2.ppf(0.975, 2 * k + 2)) / 2 / t
    case["expected"] = {"rate": k / t, "low": low, "high": high}
    return case


def rate_difference_case(k0, t0, k1, t1):
    case = {"before_events": k0, "before_person_years": t0, "after_events": k1, "after_person_years": t1}
    if not (t0 > 0 and t1 > 0):
        case["expected"] = None
        return case
    diff = k1 / t1 - k0 / t0
    se = math.sqrt(k1 / t1**2 + k0 / t0**2)
    case["expected"] = {"difference": diff, "low": diff - Z * se, "high": diff + Z * se}
    return case


def oe_case(o, e):
    case = {"observed": o, "expected_count": e}
    if not e > 0:
        case["expected"] = None
        return case
    ratio = o / e
    low = 0.0 if o == 0 else float(stats.chi2.ppf(0.025, 2 * o)) / 2 / e
    high = float(stats.chi2.ppf(0.975, 2 * o + 2)) / 2 / e
    case["expected"] = {"ratio": ratio, "low": low, "high": high}
    return case


def share_case(o, o_total, pop, pop_total):
    case = {"observed": o, "observed_total": o_total, "population": pop, "population_total": pop_total}
    if not (o_total > 0 and pop > 0 and pop_total > 0):
        case["expected"] = None
        return case
    inner = oe_case(o, o_total * pop / pop_total)["expected"]
    case["expected"] = {"expected_count": o_total * pop / pop_total, **inner}
    return case


def main():
    rng = np.random.default_rng(20261201)
    no_ties_20 = [round(float(x), 3) for x in rng.normal(1.0, 3.0, 20)]
    no_ties_50 = [round(float(x), 4) for x in rng.normal(0.4, 2.0, 50)]
    no_ties_51 = [round(float(x), 4) for x in rng.normal(0.4, 2.0, 51)]
    tied_30 = [float(x) for x in np.round(rng.normal(0.5, 2.0, 30))]
    no_ties_30 = [round(float(x), 3) for x in rng.normal(0.6, 2.5, 30)]
    tied_16 = [float(x) for x in np.round(rng.normal(0.8, 2.0, 16))]
    swemwbs_like = [round(float(x), 2) for x in rng.choice([-2.1, -0.73, 0.0, 0.75, 1.55, 2.77, 3.4, 5.78], 40)]

    wilcoxon = [
        wilcoxon_case("small exact, no ties", [1.5, -0.5, 3.2, 2.1, 4.4, -1.3, 2.7, 0.8]),
        wilcoxon_case("all negative, exact", [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]),
        wilcoxon_case("exact n=20", no_ties_20),
        wilcoxon_case("exact at n=50 (SciPy's auto limit)", no_ties_50),
        wilcoxon_case("normal above n=50", no_ties_51),
        wilcoxon_case("ties, n<=13: exact permutation", [1.0, 1.0, 2.0, -1.0, 3.0, 2.0, 2.0, 4.0]),
        wilcoxon_case("zeros, n<=13: exact permutation", [0.0, 0.0, 1.0, 2.0, -1.0, 3.0, 4.0, 2.0, 0.0, 5.0]),
        wilcoxon_case("ties n=30: normal with tie correction", tied_30),
        wilcoxon_case("ties n=30: normal with continuity correction", tied_30, "normal_cc"),
        wilcoxon_case("no ties n=30: normal forced", no_ties_30, "normal"),
        wilcoxon_case("no ties n=30: normal with continuity correction", no_ties_30, "normal_cc"),
        wilcoxon_case("ties n=16: exact permutation forced", tied_16, "exact"),
        wilcoxon_case("SWEMWBS-like changes n=40 with zeros and ties", swemwbs_like),
        wilcoxon_case("all equal n=5", [2.0] * 5),
        wilcoxon_case("all equal n=20", [1.0] * 20),
        wilcoxon_case("n=1", [3.0]),
        wilcoxon_case("one non-zero among zeros", [0.0, 0.0, 2.0]),
        wilcoxon_case("all zeros", [0.0, 0.0, 0.0]),
        wilcoxon_case("empty", []),
    ]

    paired = [
        paired_t_case("five pairs", [[10, 12], [14, 15], [20, 23], [18, 22], [15, 20]]),
        paired_t_case("two pairs", [[0, 0], [0, 2]]),
        paired_t_case(
            "thirty SWEMWBS-like pairs",
            [[round(float(b), 2), round(float(b + c), 2)] for b, c in zip(rng.normal(19.5, 3.5, 30), rng.normal(1.8, 3.0, 30))],
        ),
        paired_t_case("all equal changes", [[1, 2], [3, 4], [5, 6]]),
        paired_t_case("one pair", [[3, 5]]),
        paired_t_case("empty", []),
    ]

    wilson = [wilson_case(k, n) for k, n in [(0, 10), (5, 10), (10, 10), (45, 120), (1, 1), (0, 1), (3, 7), (999, 1000), (0, 0)]]
    rates = [poisson_rate_case(k, t) for k, t in [(0, 10.0), (1, 2.5), (5, 10.0), (37, 52.3), (250, 400.0), (1000, 1000.0), (3, 0.0)]]
    diffs = [
        rate_difference_case(*c)
        for c in [(120, 100.0, 90, 100.0), (5, 2.0, 12, 2.5), (0, 10.0, 0, 10.0), (0, 10.0, 4, 10.0), (400, 250.5, 310, 250.5), (3, 0.0, 2, 1.0)]
    ]
    oe = [oe_case(o, e) for o, e in [(30, 20.0), (5, 12.5), (0, 4.0), (120, 100.0), (1, 0.2), (7, 0.0)]]
    shares = [share_case(*c) for c in [(12, 100, 1500, 10000), (40, 200, 2000, 10000), (0, 50, 500, 10000), (5, 0, 10, 100), (5, 10, 0, 100)]]

    doc = {
        "generator": "tools/stats_fixtures.py",
        "python": platform.python_version(),
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "z_975": Z,
        "paired_t": paired,
        "wilcoxon": wilcoxon,
        "wilson": wilson,
        "poisson_rate": rates,
        "rate_difference": diffs,
        "observed_expected": oe,
        "share_ratio": shares,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} (scipy {scipy.__version__})")


if __name__ == "__main__":
    main()
