#!/usr/bin/env bash
# One backend's run of the benchmark (called by bench/run and bench/national): import the bundle,
# measure the database's size and the ICB report, then the web under load beside the /healthz
# anchor (bench/web.sh).
# Usage: bench/backend.sh sqlite|postgres BUNDLE_FOLDER WORK_FOLDER
# Prints one JSON object per measurement on stdout (collected by the caller).
# BENCH_RAW_INSERT=0 skips the import's floor (a raw insert of every row again: minutes and a
# second database's disk at the national size); BENCH_REPORT_RUNS runs the report more than once
# (a cold and a warm run); BENCH_DB_NAME names the SQLite file in WORK_FOLDER (bench.db), which
# BENCH_KEEP_DB=0 removes at the end; the report is written to WORK_FOLDER/report-KIND.json
# (BENCH_REPORT_SUFFIX added before .json).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 bundle=$2 work=$3
linkwork=${BENCH_LINKWORK:-target/release/linkwork}
db="$work/${BENCH_DB_NAME:-bench.db}"

if [ "$kind" = sqlite ]; then
  rm -f "$db" "$db-wal" "$db-shm"
  url="sqlite://$db"
  [ "${BENCH_KEEP_DB:-1}" = 0 ] && trap 'rm -f "$db" "$db-wal" "$db-shm"' EXIT
else
  url=${LINKWORK_TEST_POSTGRES_URL:?run through scripts/with-postgres}
fi
note() { echo "bench ($kind): $*" >&2; }
measure() { local label=$1; shift; bench/measure.py "$kind $label" "$@" 2> >(tail -n 1 >&3) ; }
exec 3>&1

note "importing the bundle"
measure import "$linkwork" import bundle "$bundle" --database "$url" >/dev/null
if [ "$kind" = sqlite ]; then
  bytes=$(stat -c %s "$db")
else
  bytes=$(psql "$url" -Atc "SELECT pg_database_size(current_database())")
fi

if [ "${BENCH_RAW_INSERT:-1}" = 1 ]; then
  note "the import's floor: a raw batched insert of the same rows into an empty database"
  if [ "$kind" = sqlite ]; then
    rm -f "$work/raw.db" "$work/raw.db-wal" "$work/raw.db-shm"
    raw_url="sqlite://$work/raw.db"
  else
    psql "$url" -qc "DROP DATABASE IF EXISTS linkwork_bench_raw" -c "CREATE DATABASE linkwork_bench_raw"
    raw_url="${url%/*}/linkwork_bench_raw"
  fi
  cargo bench -q --profile "${BENCH_PROFILE:-release}" -p linkwork --bench bundle_import -- --bundle "$bundle" --database "$raw_url" \
    | python3 -c 'import json, sys; r = json.loads(sys.stdin.read()); r["what"] = sys.argv[1] + " raw insert"; print(json.dumps(r))' "$kind"
  if [ "$kind" = sqlite ]; then rm -f "$work/raw.db" "$work/raw.db-wal" "$work/raw.db-shm"; else psql "$url" -qc "DROP DATABASE linkwork_bench_raw"; fi
fi
echo "{\"what\": \"$kind database size\", \"bytes\": $bytes}"

for run in $(seq 1 "${BENCH_REPORT_RUNS:-1}"); do
  note "the ICB report (run $run)"
  measure "icb report" "$linkwork" report --database "$url" --from 2020-04-01 --to "$(date +%F)" --scope icb:QSY --format json --out "$work/report-$kind${BENCH_REPORT_SUFFIX:-}.json" >/dev/null
done

bench/web.sh "$kind" "$url" "$work"
