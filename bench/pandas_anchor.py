#!/usr/bin/env python3
"""The evaluation's second anchor (issue 14): pandas computing the same core headline figures as
bench/duckdb_anchor.py, straight from a bundle's CSV files, the way an analyst would without
Linkwork. Same figures, same definitions (see that file); the counts it prints are checked
against DuckDB's in the report.

Prints one JSON line per stage (what, seconds, and the process's peak memory) on stdout.
Usage: python3 bench/pandas_anchor.py BUNDLE_FOLDER
"""
import json, resource, sys, time

import pandas as pd

folder = sys.argv[1]
tables = ["referrals", "people", "contacts", "measures", "onward_referrals", "referral_needs", "health_activity", "staff"]

started = time.monotonic()
t = {name: pd.read_csv(f"{folder}/{name}.csv", dtype=str, keep_default_na=False) for name in tables}
loaded = time.monotonic() - started

started = time.monotonic()
referrals = t["referrals"]
referred_on = pd.to_datetime(referrals["referred_on"])

# Reach.
reach = (len(referrals), referrals["person_ref"].nunique(), int((referrals["source"] == "gp_practice").sum()))

# Waiting: median days from referral to first contact.
first = t["contacts"].assign(on=pd.to_datetime(t["contacts"]["contact_on"])).groupby("referral_ref")["on"].min()
waits = (first - pd.Series(referred_on.values, index=referrals["referral_ref"]).reindex(first.index)).dt.days
median_wait = float(waits.median())

# SWEMWBS paired change on the raw item total: baseline (earliest) to latest follow-up.
m = t["measures"]
m = m[(m["instrument"] == "swemwbs") & (m["answers"] != "")].copy()
m["total"] = m["answers"].str.split(";").map(lambda items: sum(int(x) for x in items))
m["on"] = pd.to_datetime(m["taken_on"])
base = m[m["timepoint"] == "baseline"].sort_values("on").groupby("referral_ref")["total"].first()
latest = m[m["timepoint"] != "baseline"].sort_values("on").groupby("referral_ref")["total"].last()
change = (latest - base).dropna()
paired = (len(change), float(change.mean()), float(change.std()))

# Onward referrals by status; needs by domain.
onward = t["onward_referrals"]["status"].value_counts().sort_index()
needs = t["referral_needs"]["need"].value_counts()

# Health-system use in the 12 months before and after each person's first referral.
first_referral = referrals.assign(on=referred_on).groupby("person_ref")["on"].min()
a = t["health_activity"]
a = a.assign(on=pd.to_datetime(a["contact_on"]), first=a["person_ref"].map(first_referral)).dropna(subset=["first"])
days = (a["on"] - a["first"]).dt.days
health = (int(((days >= -365) & (days <= -1)).sum()), int(((days >= 0) & (days <= 364)).sum()))

# Referrals per link worker WTE.
staff = t["staff"]
per_wte = len(referrals) / staff.loc[staff["role"] == "link_worker", "wte"].astype(float).sum()
computed = time.monotonic() - started

peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"what": "pandas load", "seconds": round(loaded, 2)}))
print(json.dumps({"what": "pandas figures", "seconds": round(computed, 2), "peak_mib": round(peak_mib, 1), "referrals": reach[0], "swemwbs_pairs": paired[0]}))
