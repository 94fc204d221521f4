#!/usr/bin/env python3
"""Writes docs/performance.md (on stdout) from bench/run's raw results: one JSON object per line,
and, when given, bench/national's results at the national size.
Usage: python3 bench/report.py RESULTS.jsonl REFERRALS [NATIONAL_RESULTS.jsonl]"""
import json
import pathlib, os, platform, subprocess, sys, datetime

results_path, referrals = sys.argv[1], int(sys.argv[2])
national_path = sys.argv[3] if len(sys.argv) > 3 else None

def read_rows(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows

rows = read_rows(results_path)
national = read_rows(national_path) if national_path else []

def find(what, among=None):
    return next((r for r in (rows if among is None else among) if r.get("what") == what), None)

def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"

def memory_gib():
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            return int(line.split()[1]) / 1024 / 1024
    return 0

def rustc():
    return subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()

def measured(path, among):
    """The day the results were written (the file's time), and the commit they ran, if recorded."""
    day = datetime.date.fromtimestamp(os.path.getmtime(path)).isoformat()
    commit = find("commit", among)
    return f"{day} at commit {commit['commit']}" if commit else day

def mb(b):
    return f"{b / 1e6:,.0f} MB"

out = []
w = out.append
w("# Performance")
w("")
w("Written by `bench/run` (issue 14). A benchmark, not a test: the figures describe this machine on")
w("this day; compare runs on the same machine only. Re-run with `bench/run [REFERRALS]` (and")
w("`bench/national` for the national size).")
w("")
w("## Machine and data")
w("")
w(f"- Measured {measured(results_path, rows)} on {os.cpu_count()} cores ({cpu()}), {memory_gib():.0f} GiB, {platform.system()} {platform.release()}; {rustc()}; {'debug build (a smoke run: its speeds mean nothing)' if os.environ.get('BENCH_PROFILE') == 'dev' else 'release build'}.")
bundle = find("bundle size")
w(f"- A synthetic bundle of {referrals:,} referrals (`linkwork generate bundle --referrals {referrals}`): {mb(bundle['bytes']) if bundle else '?'} of CSV.")
w("")
w("## Storage, import and the ICB report")
w("")
w("| | SQLite | PostgreSQL | target |")
w("|---|---|---|---|")
def cell(kind, what, fmt):
    r = find(f"{kind} {what}")
    return fmt(r) if r else "not measured"
size = lambda r: f"{mb(r['bytes'])} ({r['bytes'] / bundle['bytes']:.1f}× the CSV)" if bundle else mb(r["bytes"])
timed = lambda r: f"{r['seconds']:.1f} s, peak {r['peak_mib']:.0f} MiB" + ("" if r.get("exit", 0) == 0 else f" (exit {r['exit']})")
w(f"| database size | {cell('sqlite', 'database size', size)} | {cell('postgres', 'database size', size)} | ≤ 2× the CSV |")
def import_cell(kind):
    imported, raw = find(f"{kind} import"), find(f"{kind} raw insert")
    if not imported:
        return "not measured"
    text = timed(imported)
    if raw and raw.get("rows"):
        rate = raw["rows"] / imported["seconds"]
        text += f"; {rate:,.0f} rows/s, {100 * raw['seconds'] / imported['seconds']:.0f}% of a raw batched insert's rate (that insert: {raw['seconds']:.1f} s)"
    return text
w(f"| import the bundle | {import_cell('sqlite')} | {import_cell('postgres')} | ≥ 50% of a raw batched insert of the same rows into an empty database, measured in the same run (`crates/linkwork/benches/bundle_import.rs`) |")
w(f"| ICB report (JSON) | {cell('sqlite', 'icb report', timed)} | {cell('postgres', 'icb report', timed)} | ≤ 1 s at 100,000 referrals; < 400 MiB |")
duck_load, duck_figures = find("duckdb load"), find("duckdb figures")
if duck_load and duck_figures:
    w(f"| anchor: DuckDB, the core figures from the same CSV | {duck_figures['seconds']:.2f} s after a {duck_load['seconds']:.1f} s load (`bench/duckdb_anchor.py`) | | faster than this at 1.2 M referrals |")
pandas_load, pandas_figures = find("pandas load"), find("pandas figures")
if pandas_load and pandas_figures:
    agree = duck_figures and all(pandas_figures[k] == duck_figures[k] for k in ("referrals", "swemwbs_pairs"))
    check = "the same counts as DuckDB's" if agree else "COUNTS DIFFER FROM DUCKDB'S"
    w(f"| anchor: pandas, the same figures | {pandas_figures['seconds']:.2f} s after a {pandas_load['seconds']:.1f} s load, peak {pandas_figures['peak_mib']:.0f} MiB; {check} (`bench/pandas_anchor.py`) | | |")
gen = find("generate bundle")
if gen:
    w(f"| generate the bundle | {timed(gen)} | | flat memory |")
w("")
w("## The web under load")
w("")
w("Each path is requested by every client in turn until its time is up; a request still running then")
w("is waited for, so a slow path's run lasts longer than its share. The caseload, triage, person and")
w("directory pages and the API reads are the first PCN's, as its manager (API: a manager's token); the")
w("dashboard is the ICB's, as its commissioner. Errors are requests that failed or timed out. The")
w("first request is one request alone before the load: what the first visitor waits (the dashboard")
w("computed before its figures are kept; a page's queries before the database's cache is warm).")
w("")
def web_tables(among):
    for kind, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        web = [r for r in among if r.get("backend") == kind and "path" in r]
        if not web:
            continue
        anchor = next((r for r in web if r["path"] == "/healthz"), None)
        w(f"### {name}: {web[0]['concurrency']} concurrent clients, {web[0]['seconds']:.0f} s a path")
        w("")
        w("| path | first request ms | req/s | share of /healthz | p50 ms | p99 ms | errors | page KB |")
        w("|---|---|---|---|---|---|---|---|")
        for r in web:
            share = f"{100 * r['req_per_s'] / anchor['req_per_s']:.1f}%" if anchor and r is not anchor else "anchor"
            rate = f"{r['req_per_s']:,.0f}" if r["req_per_s"] >= 10 else f"{r['req_per_s']:.2f}"
            first = f"{r['first_ms']:,.1f}" if r.get("first_ms") is not None else "failed"
            w(f"| `{r['path']}` | {first} | {rate} | {share} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | {r['mean_kb']:.1f} |")
        w("")
web_tables(rows)
w("Targets (issue 14): p99 under 50 ms for the caseload, person, triage, directory search and")
w("dashboard pages and the main API reads; mixed-read throughput at least 25% of `/healthz`.")
w("")
changes = pathlib.Path(__file__).with_name("changes.md")
if changes.exists():
    w(changes.read_text().rstrip())
    w("")
def national_section():
    n = find("national referrals", national)
    n_bundle = find("bundle size", national)
    w(f"## The national size: {n['referrals']:,} referrals in one ICB (`bench/national`)")
    w("")
    w(f"Measured {measured(national_path, national)} by `bench/national`, one step at a time on the same")
    w("machine, each database imported, measured and removed in turn; the web under load as above.")
    w("")
    w("| | SQLite | PostgreSQL | anchor or target |")
    w("|---|---|---|---|")
    gen = find("generate bundle", national)
    if gen:
        when = " (measured when the bundle was generated, by an earlier run)" if gen.get("earlier") else ""
        w(f"| generate the bundle | {timed(gen)}; {mb(n_bundle['bytes'])} of CSV{when} | | flat memory |")
    def both(what, fmt):
        return " | ".join(fmt(r) if r else "not measured" for r in (find(f"{kind} {what}", national) for kind in ("sqlite", "postgres")))
    w(f"| import the bundle | {both('import', timed)} | |")
    if n_bundle:
        of_csv = lambda r: f"{mb(r['bytes'])} ({r['bytes'] / n_bundle['bytes']:.1f}× the CSV)"
        w(f"| database size | {both('database size', of_csv)} | ≤ 2× the CSV |")
    d_load, d_figures = find("duckdb load", national), find("duckdb figures", national)
    anchor = f"DuckDB: the core figures in {d_figures['seconds']:.2f} s after a {d_load['seconds']:.1f} s load from the CSV; " if d_load and d_figures else ""
    reports = {kind: [r for r in national if r.get("what") == f"{kind} icb report"] for kind in ("sqlite", "postgres")}
    for i, run in enumerate(("first", "second")):
        cells = " | ".join(timed(reports[k][i]) if len(reports[k]) > i else "not measured" for k in ("sqlite", "postgres"))
        w(f"| ICB report (JSON), {run} run | {cells} | {anchor if i == 0 else ''}target: faster than DuckDB, < 400 MiB |")
    w("")
    web_tables(national)

if national:
    national_section()
missing = []
if not find("pandas figures"):
    missing.append("pandas computing the same figures (`bench/pandas_anchor.py`): this run predates it.")
if not national:
    missing.append("The national size (`bench/national`).")
if missing:
    w("## Not measured yet")
    w("")
    out.extend(f"- {m}" for m in missing)
    w("")
print("\n".join(out))
