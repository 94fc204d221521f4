#!/usr/bin/env python3
"""The evaluation's anchor (issue 14): DuckDB computing the core headline figures straight from a
bundle's CSV files, to set beside `linkwork report` on the same data in the same run.

The figures, over every referral in the bundle: reach (referrals, people, by source); waiting
(median days from referral to first contact); SWEMWBS paired change (baseline to latest follow-up,
on the raw item total: the same pairing and reading work as the report, without the metric table);
onward referrals by status and acceptance; needs by domain; health-system use in the 12 months
before and after referral per person; referrals per link worker WTE.

Prints one JSON line per stage (what, seconds) on stdout, for bench/run.
Usage: python3 bench/duckdb_anchor.py BUNDLE_FOLDER
"""
import json, sys, time

import duckdb

folder = sys.argv[1]
con = duckdb.connect()
tables = ["referrals", "people", "contacts", "measures", "onward_referrals", "referral_needs", "health_activity", "staff"]

started = time.monotonic()
for t in tables:
    con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_csv('{folder}/{t}.csv', header = true, all_varchar = true)")
loaded = time.monotonic() - started

figures = {
    "reach": """
        SELECT count(*) AS referrals, count(DISTINCT person_ref) AS people,
               count(*) FILTER (WHERE source = 'gp_practice') AS from_gp
        FROM referrals""",
    "waiting": """
        SELECT median(date_diff('day', CAST(r.referred_on AS DATE), f.first_on)) AS median_days
        FROM referrals r JOIN (SELECT referral_ref, min(CAST(contact_on AS DATE)) AS first_on FROM contacts GROUP BY 1) f USING (referral_ref)""",
    "paired_change": """
        WITH totals AS (
            SELECT referral_ref, timepoint, CAST(taken_on AS DATE) AS taken_on,
                   list_sum(list_transform(string_split(answers, ';'), lambda x: CAST(x AS INTEGER))) AS total
            FROM measures WHERE instrument = 'swemwbs' AND answers <> ''),
        base AS (SELECT referral_ref, arg_min(total, taken_on) AS total FROM totals WHERE timepoint = 'baseline' GROUP BY 1),
        latest AS (SELECT referral_ref, arg_max(total, taken_on) AS total FROM totals WHERE timepoint <> 'baseline' GROUP BY 1)
        SELECT count(*) AS pairs, avg(l.total - b.total) AS mean_change, stddev_samp(l.total - b.total) AS sd
        FROM base b JOIN latest l USING (referral_ref)""",
    "onward": """
        SELECT status, count(*) AS n FROM onward_referrals GROUP BY status ORDER BY status""",
    "needs": """
        SELECT need, count(*) AS n FROM referral_needs GROUP BY need ORDER BY n DESC""",
    "health_use": """
        WITH first_referral AS (SELECT person_ref, min(CAST(referred_on AS DATE)) AS on_ FROM referrals GROUP BY 1)
        SELECT count(*) FILTER (WHERE CAST(a.contact_on AS DATE) BETWEEN f.on_ - INTERVAL 365 DAY AND f.on_ - INTERVAL 1 DAY) AS before,
               count(*) FILTER (WHERE CAST(a.contact_on AS DATE) BETWEEN f.on_ AND f.on_ + INTERVAL 364 DAY) AS after
        FROM health_activity a JOIN first_referral f USING (person_ref)""",
    "workforce": """
        SELECT (SELECT count(*) FROM referrals) / sum(CAST(wte AS DOUBLE)) AS referrals_per_wte
        FROM staff WHERE role = 'link_worker'""",
}

started = time.monotonic()
results = {name: con.execute(sql).fetchall() for name, sql in figures.items()}
computed = time.monotonic() - started

print(json.dumps({"what": "duckdb load", "seconds": round(loaded, 2)}))
print(json.dumps({"what": "duckdb figures", "seconds": round(computed, 2), "referrals": results["reach"][0][0], "swemwbs_pairs": results["paired_change"][0][0]}))
