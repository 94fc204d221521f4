#!/usr/bin/env python3
"""Checks a smoke run of bench/run (scripts/test): every measurement is there, on both databases,
with no failed command and no failed request; with --national, bench/national's steps. Speeds are
not judged. Usage: check_smoke.py [--national] RESULTS"""
import json, sys

national = sys.argv[1] == "--national"
rows = [json.loads(line) for line in open(sys.argv[-1]) if line.strip()]
problems = []
whats = {r.get("what") for r in rows}
def web_problems(backend):
    paths = [r for r in rows if r.get("backend") == backend and "path" in r]
    found = [] if len(paths) >= 8 else [f"{backend}: {len(paths)} web paths measured, 8 expected"]
    found += [f"{backend} {r['path']}: {r['errors']} failed requests" for r in paths if r["errors"]]
    return found + [f"{backend} {r['path']}: no successful request" for r in paths if not r["requests"]]

if national:
    for what in ("generate bundle", "bundle size", "duckdb load", "duckdb figures"):
        if what not in whats:
            problems.append(f"no '{what}' measurement")
    for backend in ("sqlite", "postgres"):
        for what in ("import", "database size"):
            if f"{backend} {what}" not in whats:
                problems.append(f"no '{backend} {what}' measurement")
        if len([r for r in rows if r.get("what") == f"{backend} icb report"]) != 2:
            problems.append(f"{backend}: not two ICB report runs")
        problems += web_problems(backend)
    problems += [f"{r['what']} exited {r['exit']}" for r in rows if r.get("exit", 0) != 0]
    if problems:
        print("bench/national smoke run failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"bench/national smoke run: {len(rows)} measurements, every step ran on SQLite and PostgreSQL, 0 failed requests")
    sys.exit(0)
for backend in ("sqlite", "postgres"):
    for what in ("import", "raw insert", "database size", "icb report"):
        if f"{backend} {what}" not in whats:
            problems.append(f"no '{backend} {what}' measurement")
    problems += web_problems(backend)
for what in ("duckdb load", "duckdb figures", "pandas load", "pandas figures", "generate bundle"):
    if what not in whats:
        problems.append(f"no '{what}' measurement")
problems += [f"{r['what']} exited {r['exit']}" for r in rows if r.get("exit", 0) != 0]
anchors = [r for r in rows if r.get("what") in ("duckdb figures", "pandas figures")]
if len({(r["referrals"], r["swemwbs_pairs"]) for r in anchors}) > 1:
    problems.append(f"the anchors disagree: {anchors}")
if problems:
    print("bench smoke run failed:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"bench smoke run: {len(rows)} measurements, every step ran on SQLite and PostgreSQL, 0 failed requests")
