#!/usr/bin/env python3
"""Reference values for linkwork-domain's matched comparison group (evaluation::comparison),
computed by an independent NumPy implementation of the same documented method.

Writes crates/domain/tests/fixtures/comparison_reference.json: each case's inputs (generated here
with a fixed seed) and the outputs below, without disclosure control.
crates/domain/tests/comparison_reference.rs reads that file (the Rust test runs with a policy that
suppresses and rounds nothing), so the Rust tests never need Python. Re-run after changing a case:

    python3 -m venv /tmp/sv && /tmp/sv/bin/pip install numpy
    /tmp/sv/bin/python tools/comparison_fixtures.py

NumPy only (SciPy, when installed, is used solely to cross-check the t quantile computed here).

The method (the module documentation of crates/domain/src/evaluation/comparison/mod.rs):
- Cases: each person's first referral (earliest date; the first such entry on a tie) in the
  period; index date t = referral date. Windows (m months, 6 when 0): before [t - m, t), after
  (t, t + m]; GP appointments = gp_surgery, gp_phone, gp_home_visit; "before GP" = GP
  appointments in the before window (the matching variable), "prior GP" = GP appointments in
  [t - 12, t) (the tie-breaker). Months are calendar months, a day past the end of the target
  month becoming its last day.
- Eligible: the look-back [t - max(12, m), t) and the after window within the referred data
  (first..last contact date of the referred activity) and within the comparison extract's
  coverage, and t + m <= the period's end.
- Controls: same practice, age band, sex and IMD quintile (unknown = its own stratum); windows
  around the case's t; |before_c - before_case| <= max(2, 0.25 * before_case); the 5 nearest by
  |before difference|, then |prior difference|, then key (code-point order) then extract order;
  with replacement.
- Balance: SMD = (mean_r - mean_c) / sqrt((var_r + var_c) / 2), weighted, variance divisor sum of
  weights; a group of equal values has that value and variance 0; both variances 0: 0 if the means
  are equal, else none. Before matching: all eligible cases vs every comparison person of their
  practices, whose GP appointments are counted around the practice's lower-median index date.
  After: matched cases vs their controls weighted 1/k. Rows: before-window GP appointments, prior
  (12-month) GP appointments, female (sex code 2, a percentage), age band ordinal (0 = 0-17 ...
  8 = 85+), IMD quintile (known only), IMD unknown (a percentage). Means and percentages are
  unrounded here (the Rust test publishes with no rounding).
- Outcomes per person-year (count / (m / 12)): gp_appointments, ae_attendances (ae_not_admitted +
  ae_admitted), non_elective_admissions, bed_days (bed days of any contact in the window).
  d_i = (after_i - before_i) - mean_j(after_j - before_j); DiD = mean(d); 95% CI = mean +/-
  t(0.975, m - 1) * sd(d, ddof=1) / sqrt(m).
"""

import calendar
import json
import math
import platform
from datetime import date, timedelta
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "crates" / "domain" / "tests" / "fixtures" / "comparison_reference.json"

AGE_BANDS = ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85+"]
GP_TYPES = ("gp_surgery", "gp_phone", "gp_home_visit")
AE_TYPES = ("ae_not_admitted", "ae_admitted")
NE_TYPE = "non_elective_admission"
OUTCOMES = ["gp_appointments", "ae_attendances", "non_elective_admissions", "bed_days"]
K = 5
DEFAULT_MONTHS = 6


# ---------------------------------------------------------------- Student's t quantile (NumPy-free maths)

def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            return h
    raise RuntimeError("betacf did not converge")


def _betainc(a, b, x, xc):
    """Regularised incomplete beta I_x(a, b), given x and xc = 1 - x (each computed directly)."""
    if x <= 0.0:
        return 0.0
    if xc <= 0.0:
        return 1.0
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(xc)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, xc) / b


def t_upper_tail(t, df):
    """P(T > t) for t >= 0: I_x(df/2, 1/2) / 2 with x = df / (df + t^2)."""
    s = df + t * t
    return 0.5 * _betainc(df / 2.0, 0.5, df / s, t * t / s)


def t_975(df):
    """The 0.975 quantile of Student's t with df degrees of freedom, by bisection to the last bit."""
    lo, hi = 0.0, 1.0
    while t_upper_tail(hi, df) > 0.025:
        hi *= 2.0
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if t_upper_tail(mid, df) > 0.025:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def check_t_against_scipy():
    try:
        from scipy import stats
    except ImportError:
        return None
    for df in [1, 2, 3, 4, 5, 7, 10, 20, 30, 50, 100, 150, 200, 500, 1000]:
        want = float(stats.t.ppf(0.975, df))
        got = t_975(df)
        assert abs(got - want) <= 1e-13 * want, (df, got, want)
    import scipy
    return scipy.__version__


# ---------------------------------------------------------------- dates

def shift_months(d, months):
    index = d.month - 1 + months
    year = d.year + index // 12
    month = index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def iso(d):
    return d.isoformat() if d is not None else None


# ---------------------------------------------------------------- the method

class Contacts:
    """Every contact of a group of people as flat arrays (owner index, ordinal day, outcome flags,
    bed days), so that a window's counts for everyone are one masked bincount."""

    def __init__(self, people_contacts):
        owner, day, kind, beds = [], [], [], []
        for i, contacts in enumerate(people_contacts):
            for on, ctype, bed in contacts:
                owner.append(i)
                day.append(on.toordinal())
                kind.append(ctype)
                beds.append(bed or 0)
        self.n = len(people_contacts)
        self.owner = np.array(owner, dtype=np.int64)
        self.day = np.array(day, dtype=np.int64)
        kind = np.array(kind, dtype=object)
        self.flags = {
            "gp_appointments": np.isin(kind, GP_TYPES),
            "ae_attendances": np.isin(kind, AE_TYPES),
            "non_elective_admissions": kind == NE_TYPE,
        }
        self.beds = np.array(beds, dtype=np.int64)

    def _count(self, mask, outcome):
        if outcome == "bed_days":
            w = np.where(mask, self.beds, 0)
        else:
            w = (mask & self.flags[outcome]).astype(np.int64)
        return np.bincount(self.owner, weights=w, minlength=self.n).round().astype(np.int64)

    def gp_since(self, t, months):
        """GP appointments in [t - months, t) for everyone."""
        idx = t.toordinal()
        start = shift_months(t, -months).toordinal()
        return self._count((self.day >= start) & (self.day < idx), "gp_appointments")

    def prior_gp(self, t):
        return self.gp_since(t, 12)

    def windows(self, t, months):
        """(prior, before[outcome], after[outcome], earlier GP) for everyone around index date t;
        before[:, 0] is the before window's GP appointments."""
        idx = t.toordinal()
        b0 = shift_months(t, -months).toordinal()
        a1 = shift_months(t, months).toordinal()
        before_mask = (self.day >= b0) & (self.day < idx)
        after_mask = (self.day > idx) & (self.day <= a1)
        before = np.stack([self._count(before_mask, o) for o in OUTCOMES], axis=1)
        after = np.stack([self._count(after_mask, o) for o in OUTCOMES], axis=1)
        return self.prior_gp(t), before, after, self.earlier_gp(t, months)

    def earlier_gp(self, t, months):
        """GP appointments in [t - 2m months, t - m months) for everyone, the window before the
        before window (None when 2m > 12: the look-back does not cover it)."""
        if 2 * months > 12:
            return None
        e0 = shift_months(t, -2 * months).toordinal()
        b0 = shift_months(t, -months).toordinal()
        return self._count((self.day >= e0) & (self.day < b0), "gp_appointments")


def moments(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.size == 0:
        return None
    if np.all(x == x[0]):
        return float(x[0]), 0.0
    mean = float(np.sum(w * x) / np.sum(w))
    var = float(np.sum(w * (x - mean) ** 2) / np.sum(w))
    return mean, var


def smd(xa, wa, xb, wb):
    a, b = moments(xa, wa), moments(xb, wb)
    if a is None or b is None:
        return None
    pooled = math.sqrt((a[1] + b[1]) / 2.0)
    if pooled > 0:
        return (a[0] - b[0]) / pooled
    return 0.0 if a[0] == b[0] else None


def covariate_values(row, ages, sexes, imds, befores, priors):
    """Values and a mask of who is in the row, for arrays of attributes. Shares as 100 or 0, so
    that their means are percentages."""
    ages, sexes, imds, befores, priors = (np.asarray(v) for v in (ages, sexes, imds, befores, priors))
    n = len(priors)
    if row == "before_gp_appointments":
        return befores.astype(float), np.ones(n, bool)
    if row == "prior_gp_appointments":
        return priors.astype(float), np.ones(n, bool)
    if row == "female":
        return 100.0 * (sexes == "2"), np.ones(n, bool)
    if row == "age_band":
        return np.array([AGE_BANDS.index(a) for a in ages], dtype=float), np.ones(n, bool)
    if row == "imd_quintile":
        known = imds != 0
        return imds.astype(float), known
    if row == "imd_unknown":
        return 100.0 * (imds == 0), np.ones(n, bool)
    raise ValueError(row)


BALANCE_ROWS = ["before_gp_appointments", "prior_gp_appointments", "female", "age_band", "imd_quintile", "imd_unknown"]


def num(x):
    return None if x is None or not math.isfinite(x) else float(x)


def reference(case):
    """The expected outputs of one case, from its inputs (dates as date objects)."""
    months = case["window_months"] or DEFAULT_MONTHS
    years = months / 12.0
    period_from, period_to = case["period"]
    ref_contacts = [c for p in case["referred_activity"] for c in p["contacts"]]
    data_from = min((c[0] for c in ref_contacts), default=None)
    data_to = max((c[0] for c in ref_contacts), default=None)
    cmp_from, cmp_to = case["comparison_from"], case["comparison_to"]

    first = {}
    for r in case["referred"]:
        if r["person"] not in first or r["referred_on"] < first[r["person"]]["referred_on"]:
            first[r["person"]] = r
    in_period = [first[p] for p in sorted(first) if period_from <= first[p]["referred_on"] <= period_to]

    def eligible(r):
        if None in (data_from, data_to, cmp_from, cmp_to):
            return False
        t = r["referred_on"]
        look_back = shift_months(t, -max(12, months))
        after_end = shift_months(t, months)
        return look_back >= max(data_from, cmp_from) and after_end <= min(data_to, cmp_to, period_to)

    cases = [r for r in in_period if eligible(r)]

    # The referred people's activity (several entries of one person are merged).
    ref_people = sorted({p["person"] for p in case["referred_activity"]})
    ref_index = {p: i for i, p in enumerate(ref_people)}
    merged = [[] for _ in ref_people]
    for p in case["referred_activity"]:
        merged[ref_index[p["person"]]].extend(p["contacts"])
    ref = Contacts(merged)

    comp = case["comparison"]
    cmp = Contacts([c["contacts"] for c in comp])
    c_practice = np.array([c["practice"] for c in comp], dtype=object)
    c_age = np.array([c["age"] for c in comp], dtype=object)
    c_sex = np.array([c["sex"] for c in comp], dtype=object)
    c_imd = np.array([c["imd"] or 0 for c in comp], dtype=np.int64)
    c_key = [c["key"] for c in comp]
    key_rank = np.empty(len(comp), dtype=np.int64)
    key_rank[sorted(range(len(comp)), key=lambda j: (c_key[j], j))] = np.arange(len(comp))

    out_cases = []
    for r in cases:
        t = r["referred_on"]
        if r["person"] in ref_index:
            prior, before, after, earlier = ref.windows(t, months)
            i = ref_index[r["person"]]
            own = (int(prior[i]), before[i].tolist(), after[i].tolist(), None if earlier is None else int(earlier[i]))
        else:
            own = (0, [0] * 4, [0] * 4, None if 2 * months > 12 else 0)
        cell = (c_practice == r["practice"]) & (c_age == r["age"]) & (c_sex == r["sex"]) & (c_imd == (r["imd"] or 0))
        controls = []
        if cell.any() and len(comp):
            cprior, cbefore, cafter, cearlier = cmp.windows(t, months)
            case_before = own[1][0]
            diff = np.abs(cbefore[:, 0] - case_before)
            tie = np.abs(cprior - own[0])
            ok = cell & ((diff <= 2) | (4 * diff <= case_before))
            idx = np.flatnonzero(ok)
            order = idx[np.lexsort((key_rank[idx], tie[idx], diff[idx]))][:K]
            controls = [(int(j), int(cprior[j]), cbefore[j].tolist(), cafter[j].tolist(), None if cearlier is None else int(cearlier[j])) for j in order]
        out_cases.append({"r": r, "own": own, "controls": controls})

    matched = [c for c in out_cases if c["controls"]]
    used = sorted({j for c in matched for (j, *_rest) in c["controls"]})

    # Before matching: comparison people of the cases' practices, GP appointments around the
    # practice's lower-median index date.
    pool_j, pool_before, pool_prior = [], [], []
    practices = sorted({c["r"]["practice"] for c in out_cases})
    for p in practices:
        dates = sorted(c["r"]["referred_on"] for c in out_cases if c["r"]["practice"] == p)
        median = dates[(len(dates) - 1) // 2]
        prior = cmp.prior_gp(median) if len(comp) else np.zeros(0, np.int64)
        before = cmp.gp_since(median, months) if len(comp) else np.zeros(0, np.int64)
        members = np.flatnonzero(c_practice == p)
        pool_j.extend(members.tolist())
        pool_before.extend(before[members].tolist())
        pool_prior.extend(prior[members].tolist())

    balance = []
    for row in BALANCE_ROWS:
        rb, rb_in = covariate_values(row, [c["r"]["age"] for c in out_cases], [c["r"]["sex"] for c in out_cases], [c["r"]["imd"] or 0 for c in out_cases], [c["own"][1][0] for c in out_cases], [c["own"][0] for c in out_cases])
        rb = rb[rb_in]
        cb, cb_in = covariate_values(row, c_age[pool_j], c_sex[pool_j], c_imd[pool_j], pool_before, pool_prior)
        cb = cb[cb_in]
        ra, ra_in = covariate_values(row, [c["r"]["age"] for c in matched], [c["r"]["sex"] for c in matched], [c["r"]["imd"] or 0 for c in matched], [c["own"][1][0] for c in matched], [c["own"][0] for c in matched])
        ctrl_j = [j for c in matched for (j, *_r) in c["controls"]]
        ctrl_w = [1.0 / len(c["controls"]) for c in matched for _ in c["controls"]]
        ctrl_prior = [pr for c in matched for (_j, pr, *_r) in c["controls"]]
        ctrl_before = [bf[0] for c in matched for (_j, _pr, bf, *_r) in c["controls"]]
        ca, ca_in = covariate_values(row, c_age[ctrl_j], c_sex[ctrl_j], c_imd[ctrl_j], ctrl_before, ctrl_prior)
        ra = ra[ra_in]
        ca_w = np.asarray(ctrl_w)[ca_in]
        ca = ca[ca_in]
        mean = lambda x, w: None if len(x) == 0 else moments(x, w)[0]
        s_after = smd(ra, np.ones(len(ra)), ca, ca_w)
        balance.append({
            "key": row,
            "referred_before_matching": num(mean(rb, np.ones(len(rb)))),
            "comparison_before_matching": num(mean(cb, np.ones(len(cb)))),
            "smd_before_matching": num(smd(rb, np.ones(len(rb)), cb, np.ones(len(cb)))),
            "referred_after_matching": num(mean(ra, np.ones(len(ra)))),
            "comparison_after_matching": num(mean(ca, ca_w)),
            "smd_after_matching": num(s_after),
            "balanced_after_matching": None if s_after is None else bool(abs(s_after) < 0.1),
        })

    outcomes = []
    m = len(matched)
    t_q = t_975(m - 1) if m >= 2 else None
    for o, outcome in enumerate(OUTCOMES):
        if m == 0:
            outcomes.append({"key": outcome, "n": 0, **{k: None for k in ("referred_before", "referred_after", "comparison_before", "comparison_after", "naive_change", "comparison_change", "did", "did_ci95_low", "did_ci95_high")}})
            continue
        b = np.array([c["own"][1][o] for c in matched], dtype=float) / years
        a = np.array([c["own"][2][o] for c in matched], dtype=float) / years
        cb = np.array([np.mean([ctl[2][o] / years for ctl in c["controls"]]) for c in matched])
        ca = np.array([np.mean([ctl[3][o] / years for ctl in c["controls"]]) for c in matched])
        d = (a - b) - (ca - cb)
        did = float(d.mean())
        lo = hi = None
        if m >= 2:
            half = t_q * float(d.std(ddof=1)) / math.sqrt(m)
            lo, hi = did - half, did + half
        outcomes.append({
            "key": outcome,
            "n": m,
            "referred_before": float(b.mean()),
            "referred_after": float(a.mean()),
            "comparison_before": float(cb.mean()),
            "comparison_after": float(ca.mean()),
            "naive_change": float((a - b).mean()),
            "comparison_change": float((ca - cb).mean()),
            "did": did,
            "did_ci95_low": num(lo),
            "did_ci95_high": num(hi),
        })

    # Were trends parallel before referral: the GP DiD from the earlier window to the before window.
    pre = [
        (c["own"][1][0] - c["own"][3]) / years - np.mean([(ctl[2][0] - ctl[4]) / years for ctl in c["controls"]])
        for c in matched
        if c["own"][3] is not None
    ]
    pre_trend = {"n": 0, "did": None, "did_ci95_low": None, "did_ci95_high": None}
    if pre:
        d = np.array(pre, dtype=float)
        lo = hi = None
        if len(d) >= 2:
            half = t_975(len(d) - 1) * float(d.std(ddof=1)) / math.sqrt(len(d))
            lo, hi = float(d.mean()) - half, float(d.mean()) + half
        pre_trend = {"n": len(d), "did": float(d.mean()), "did_ci95_low": num(lo), "did_ci95_high": num(hi)}

    return {
        "window_months": months,
        "referred_data_from": iso(data_from),
        "referred_data_to": iso(data_to),
        "referred_in_period": len(in_period),
        "referred_eligible": len(out_cases),
        "matched": m,
        "unmatched": len(out_cases) - m,
        "comparison_people_used": len(used),
        "comparison_people_in_practices": len(pool_j),
        "t_975": t_q,
        "cases": [
            {
                "person": c["r"]["person"],
                "prior_gp": c["own"][0],
                "before": c["own"][1],
                "after": c["own"][2],
                "controls": [c_key[j] for (j, *_r) in c["controls"]],
                "earlier_gp": c["own"][3],
                "control_counts": [[pr, bf, af, ea] for (_j, pr, bf, af, ea) in c["controls"]],
            }
            for c in out_cases
        ],
        "balance": balance,
        "outcomes": outcomes,
        "pre_trend": pre_trend,
    }


# ---------------------------------------------------------------- cases

def person(key, practice, age="45-54", sex="2", imd=3, contacts=()):
    return {"key": key, "practice": practice, "age": age, "sex": sex, "imd": imd, "contacts": list(contacts)}


def referral(p, on, practice, age="45-54", sex="2", imd=3):
    return {"person": p, "referred_on": on, "practice": practice, "age": age, "sex": sex, "imd": imd}


def gp(on, ctype="gp_surgery"):
    return (on, ctype, None)


def days_from(start, n, step=1, ctype="gp_surgery"):
    return [gp(start + timedelta(days=i * step), ctype) for i in range(n)]


ENDS = {"person": "ends", "contacts": [gp(date(2024, 1, 1)), gp(date(2026, 12, 31))]}


def hand_case():
    """The module's hand-worked DiD, plus a case in a practice with no extract (unmatched), a
    second referral of one person (ignored), one before the period and one with unknown IMD."""
    t = date(2025, 7, 1)
    both = lambda b, a, ctype="gp_surgery": days_from(date(2025, 2, 1), b, ctype=ctype) + days_from(date(2025, 9, 1), a, ctype=ctype)
    referred = [
        referral("A", t, "PA"), referral("B", t, "PB"), referral("C", t, "PC"),
        referral("A", date(2025, 8, 1), "PA"),
        referral("D", date(2025, 6, 20), "PD"),
        referral("E", date(2025, 3, 1), "PA"),
        referral("U", date(2025, 7, 15), "PA", imd=None),
    ]
    activity = [ENDS,
                {"person": "A", "contacts": both(4, 1) + [(date(2025, 3, 3), "ae_admitted", None), (date(2025, 3, 3), NE_TYPE, 5), (t, "gp_phone", None)]},
                {"person": "B", "contacts": both(2, 2, "gp_phone")},
                {"person": "C", "contacts": both(0, 1, "gp_home_visit") + [(date(2025, 10, 1), "ae_not_admitted", None)]},
                {"person": "D", "contacts": both(3, 0)},
                {"person": "U", "contacts": both(1, 1) + [(date(2025, 8, 1), "practice_nurse", None)]}]
    comparison = [
        person("a1", "PA", contacts=both(4, 3) + [(date(2025, 12, 1), NE_TYPE, 2)]),
        person("a2", "PA", contacts=both(4, 1)),
        person("b1", "PB", contacts=both(2, 0)),
        person("c1", "PC", contacts=both(0, 0)),
        person("c2", "PC", contacts=both(0, 2)),
        person("c3", "PC", contacts=both(0, 1) + [(date(2025, 1, 5), "ae_not_admitted", None)]),
        person("u1", "PA", imd=None, contacts=both(2, 0)),
        person("x1", "PA", sex="1", contacts=both(4, 4)),
    ]
    return {"name": "hand example", "period": (date(2025, 4, 1), date(2026, 3, 31)), "window_months": 0,
            "comparison_from": date(2024, 1, 1), "comparison_to": date(2026, 12, 31),
            "referred": referred, "referred_activity": activity, "comparison": comparison}


def population_case(rng):
    """~200 referred and ~2,000 comparison people in 3 practices. Everyone has a steady rate of
    GP use; referred people are referred at the end of a 6-month spike in use, and some comparison
    people have such a spike at a random time: regression to the mean, no effect of referral."""
    span_from, span_to = date(2023, 12, 1), date(2026, 3, 31)
    span_days = (span_to - span_from).days
    practices = ["P1", "P2", "P3"]
    ages = ["25-34", "45-54", "65-74", "85+"]
    imds = [1, 2, 3, 4, 5, None]

    def attrs():
        return (practices[rng.choice(3, p=[0.5, 0.3, 0.2])], ages[rng.integers(4)], "2" if rng.random() < 0.55 else "1",
                imds[rng.choice(6, p=[0.25, 0.2, 0.2, 0.15, 0.1, 0.1])])

    def steady(rate_gp):
        contacts = []
        n = rng.poisson(rate_gp * span_days / 365.25)
        for d in rng.integers(0, span_days + 1, n):
            contacts.append((span_from + timedelta(days=int(d)), GP_TYPES[rng.choice(3, p=[0.6, 0.35, 0.05])], None))
        for d in rng.integers(0, span_days + 1, rng.poisson((0.2 + rate_gp / 20) * span_days / 365.25)):
            contacts.append((span_from + timedelta(days=int(d)), AE_TYPES[int(rng.random() < 0.3)], None))
        for d in rng.integers(0, span_days + 1, rng.poisson(0.08 * span_days / 365.25)):
            contacts.append((span_from + timedelta(days=int(d)), NE_TYPE, int(rng.integers(1, 12))))
        for d in rng.integers(0, span_days + 1, rng.poisson(0.3)):
            contacts.append((span_from + timedelta(days=int(d)), "practice_nurse", None))
        return contacts

    def spike(end, extra):
        """Extra GP appointments (and some A&E) in the year up to `end` (exclusive), more of them
        nearer the end."""
        n = rng.poisson(extra)
        back = lambda k: (365 * rng.beta(1.0, 2.0, k)).astype(int) + 1
        out = [(end - timedelta(days=int(d)), GP_TYPES[int(rng.random() < 0.3)], None) for d in back(n)]
        out += [(end - timedelta(days=int(d)), "ae_not_admitted", None) for d in back(rng.poisson(0.5))]
        return out

    referred, activity = [], [{"person": "ends", "contacts": [gp(span_from), gp(span_to)]}]
    for i in range(200):
        p, a, s, q = attrs()
        t = date(2024, 10, 1) + timedelta(days=int(rng.integers(0, 456)))
        contacts = steady(rng.gamma(2.0, 1.2)) + spike(t, rng.gamma(2.0, 3.0))
        if rng.random() < 0.3:
            contacts.append((t, "gp_surgery", None))  # the referral consultation: in neither window
        key = f"r{i:03d}"
        referred.append(referral(key, t, p, a, s, q))
        rng.shuffle(contacts)
        activity.append({"person": key, "contacts": contacts})
    comparison = []
    order = rng.permutation(2000)
    for i in order:
        p, a, s, q = attrs()
        contacts = steady(rng.gamma(2.0, 1.2))
        for _ in range(rng.poisson(0.8)):
            contacts += spike(span_from + timedelta(days=int(rng.integers(200, span_days))), rng.gamma(2.0, 3.0))
        rng.shuffle(contacts)
        comparison.append(person(f"c{i:04d}", p, a, s, q, contacts))
    return {"name": "population with regression to the mean", "period": (date(2024, 10, 1), date(2025, 12, 31)), "window_months": 6,
            "comparison_from": span_from, "comparison_to": span_to,
            "referred": referred, "referred_activity": activity, "comparison": comparison}


def unmatched_case(rng):
    """12-month windows; cases left unmatched (empty cell, or every control outside the caliper),
    cases outside the comparison extract's coverage, a case with fewer than 5 controls."""
    t0 = date(2025, 3, 10)
    referred, activity, comparison = [], [ENDS], []
    for i in range(12):
        t = t0 + timedelta(days=17 * i)
        prior = int(rng.integers(0, 25))
        key = f"r{i:02d}"
        referred.append(referral(key, t, "Q1" if i % 4 else "Q2", sex="2" if i % 2 else "1", imd=(i % 5) + 1))
        activity.append({"person": key, "contacts": days_from(t - timedelta(days=360), prior, step=13)
                         + days_from(t + timedelta(days=10), int(rng.integers(0, 10)), step=30)})
    # Q1 controls with 0, 10 or 40 GP appointments from January 2024 (many outside the caliper); Q2: none.
    for j in range(30):
        prior = [0, 10, 40][j % 3]
        sex = "2" if j % 2 else "1"
        comparison.append(person(f"k{j:02d}", "Q1", sex=sex, imd=(j % 5) + 1,
                                 contacts=days_from(date(2024, 1, 5), prior, step=9) + days_from(date(2025, 6, 1), j % 4, step=40)))
    # Someone referred early: their year before starts before the comparison extract does.
    referred.append(referral("early", date(2024, 12, 1), "Q1"))
    activity.append({"person": "early", "contacts": [gp(date(2024, 11, 1))]})
    return {"name": "unmatched and uncovered cases, 12-month windows", "period": (date(2024, 10, 1), date(2026, 12, 31)), "window_months": 12,
            "comparison_from": date(2024, 1, 1), "comparison_to": date(2026, 11, 30),
            "referred": referred, "referred_activity": activity, "comparison": comparison}


def ties_case():
    """Many comparison people at the same distance: ties broken by key in code-point order
    ("B" < "a", "k10" < "k9"), whatever the extract order; equal distances above and below."""
    t = date(2025, 7, 1)
    referred = [referral("r1", t, "T"), referral("r2", t + timedelta(days=3), "T"), referral("r3", t, "T", age="85+")]
    activity = [ENDS, {"person": "r1", "contacts": days_from(date(2025, 1, 10), 6, step=10)},
                {"person": "r2", "contacts": days_from(date(2025, 1, 10), 3, step=10)},
                {"person": "r3", "contacts": days_from(date(2024, 8, 10), 10, step=20)}]
    keys_priors = [("k9", 5), ("k10", 7), ("a", 6), ("B", 6), ("k1", 5), ("zz", 7), ("Z", 5), ("_", 6), ("m", 4), ("n", 8), ("k2", 3)]
    comparison = [person(k, "T", contacts=days_from(date(2025, 2, 1), n, step=9) + days_from(date(2025, 8, 1), i % 3, step=20))
                  for i, (k, n) in enumerate(keys_priors)]
    comparison += [person(f"o{i}", "T", age="85+", contacts=days_from(date(2024, 9, 1), n, step=15)) for i, n in enumerate([10, 12, 8, 10, 13, 7, 10])]
    return {"name": "ties broken by key", "period": (date(2025, 4, 1), date(2026, 3, 31)), "window_months": 6,
            "comparison_from": date(2024, 1, 1), "comparison_to": date(2026, 12, 31),
            "referred": referred, "referred_activity": activity, "comparison": comparison}


# ---------------------------------------------------------------- output

def contact_json(c):
    """`date type` or `date type bed_days`."""
    on, ctype, bed = c
    return f"{on.isoformat()} {ctype}" + (f" {bed}" if bed is not None else "")


def case_json(case):
    return {
        "name": case["name"],
        "period": [iso(case["period"][0]), iso(case["period"][1])],
        "window_months": case["window_months"],
        "comparison_from": iso(case["comparison_from"]),
        "comparison_to": iso(case["comparison_to"]),
        "referred": [{**r, "referred_on": iso(r["referred_on"])} for r in case["referred"]],
        "referred_activity": [{"person": p["person"], "contacts": [contact_json(c) for c in p["contacts"]]} for p in case["referred_activity"]],
        "comparison": [{**p, "contacts": [contact_json(c) for c in p["contacts"]]} for p in case["comparison"]],
        "expected": reference(case),
    }


def dumps(doc):
    """JSON with one person (or row) per line: readable diffs without a line per number."""
    compact = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    lines = ["{"]
    head = [k for k in doc if k != "cases"]
    for k in head:
        lines.append(f" {json.dumps(k)}: {compact(doc[k])},")
    lines.append(' "cases": [')
    for ci, case in enumerate(doc["cases"]):
        lines.append("  {")
        items = list(case.items())
        for ii, (k, v) in enumerate(items):
            end = "," if ii < len(items) - 1 else ""
            if isinstance(v, list) and v and isinstance(v[0], dict):
                lines.append(f"   {json.dumps(k)}: [")
                lines.append(",\n".join("    " + compact(x) for x in v))
                lines.append(f"   ]{end}")
            elif isinstance(v, dict):
                lines.append(f"   {json.dumps(k)}: {{")
                sub = list(v.items())
                for si, (sk, sv) in enumerate(sub):
                    send = "," if si < len(sub) - 1 else ""
                    if isinstance(sv, list) and sv and isinstance(sv[0], dict):
                        lines.append(f"    {json.dumps(sk)}: [")
                        lines.append(",\n".join("     " + compact(x) for x in sv))
                        lines.append(f"    ]{send}")
                    else:
                        lines.append(f"    {json.dumps(sk)}: {compact(sv)}{send}")
                lines.append(f"   }}{end}")
            else:
                lines.append(f"   {json.dumps(k)}: {compact(v)}{end}")
        lines.append("  }" + ("," if ci < len(doc["cases"]) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def check_population(e):
    """What matching on the before window does in the population (referred at the end of a spike
    of use, no effect of referral): the matched controls start much nearer the referred's level in
    the before window than the practices' people do, and the DiD is smaller in size than the naive
    change.

    Not more than that. At this seed the before-window SMD after matching is 0.116 (0.38 when
    matched on the 12 months before; 0.80 before matching) and the DiD -5.6 against a naive -6.8
    per person-year (-6.4 against -7.3 matched on the 12 months). The rest of the fall is not
    regression to the mean that matching on history can remove: the referred are referred as a
    spike ends, which their records do not show, while comparison people with the same count in
    the same months are mostly steady high users or people still in a spike, who do not fall back
    (their after rate is about 7 a person-year against the referred's 2). Even an exact match on
    the before-window count leaves the DiD no smaller than the naive change. The method's first
    caveat is about exactly this."""
    row = next(b for b in e["balance"] if b["key"] == "before_gp_appointments")
    assert row["smd_before_matching"] > 0.5 and abs(row["smd_after_matching"]) < 0.25 * row["smd_before_matching"], row
    gp = e["outcomes"][0]
    assert gp["naive_change"] < gp["did"] < 0, gp
    # What the pre-trend check is for: the referred's use rose into the before window (the spike)
    # while their controls' did not, so trends were not parallel and the DiD overstates the fall.
    assert e["pre_trend"]["did_ci95_low"] > 0, e["pre_trend"]


def main():
    scipy_version = check_t_against_scipy()
    rng = np.random.default_rng(20250701)
    cases = [hand_case(), population_case(rng), unmatched_case(rng), ties_case()]
    doc = {
        "generator": "tools/comparison_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "t_checked_against_scipy": scipy_version,
        "controls_per_case": K,
        "cases": [case_json(c) for c in cases],
    }
    text = dumps(doc)
    json.loads(text)  # well-formed
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    for c in doc["cases"]:
        e = c["expected"]
        gp = e["outcomes"][0]
        print(f"{c['name']}: eligible {e['referred_eligible']}, matched {e['matched']}, unmatched {e['unmatched']}, "
              f"used {e['comparison_people_used']}; GP naive {gp['naive_change']}, DiD {gp['did']} ({gp['did_ci95_low']}, {gp['did_ci95_high']})")
    for c in doc["cases"]:
        print(f"{c['name']}: pre-trend {c['expected']['pre_trend']}")
    for c in doc["cases"]:
        row = next(b for b in c["expected"]["balance"] if b["key"] == "before_gp_appointments")
        print(f"{c['name']}: before-window GP appointments, referred {row['referred_before_matching']} vs {row['comparison_before_matching']} "
              f"(SMD {row['smd_before_matching']}) before matching, {row['referred_after_matching']} vs {row['comparison_after_matching']} "
              f"(SMD {row['smd_after_matching']}) after")
    check_population(doc["cases"][1]["expected"])
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
