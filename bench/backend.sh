#!/usr/bin/env bash
# One backend's run of the benchmark (called by bench/run): import the bundle, measure the
# database's size and the ICB report, then the web under load beside the /healthz anchor.
# Usage: bench/backend.sh sqlite|postgres BUNDLE_FOLDER WORK_FOLDER
# Prints one JSON object per measurement on stdout (collected by bench/run).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 bundle=$2 work=$3
seconds=${BENCH_SECONDS:-20}
concurrency=${BENCH_CONCURRENCY:-50}
linkwork=${BENCH_LINKWORK:-target/release/linkwork}
password="bench password for everyone"

if [ "$kind" = sqlite ]; then
  rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"
  url="sqlite://$work/bench.db"
else
  url=${LINKWORK_TEST_POSTGRES_URL:?run through scripts/with-postgres}
fi
note() { echo "bench ($kind): $*" >&2; }
measure() { local label=$1; shift; bench/measure.py "$kind $label" "$@" 2> >(tail -n 1 >&3) ; }
exec 3>&1

note "importing the bundle"
measure import "$linkwork" import bundle "$bundle" --database "$url" >/dev/null
if [ "$kind" = sqlite ]; then
  bytes=$(stat -c %s "$work/bench.db")
else
  bytes=$(psql "$url" -Atc "SELECT pg_database_size(current_database())")
fi

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
echo "{\"what\": \"$kind database size\", \"bytes\": $bytes}"

note "the ICB report"
measure "icb report" "$linkwork" report --database "$url" --from 2020-04-01 --to "$(date +%F)" --scope icb:QSY --format json --out "$work/report-$kind.json" >/dev/null

note "accounts for the web run"
for who in "manager manager@bench.test U90000" "commissioner commissioner@bench.test QSY" "link_worker lw@bench.test U90000"; do
  set -- $who
  echo "$password" | "$linkwork" user add --database "$url" --role "$1" --email "$2" --org "$3" --password-stdin >/dev/null
done
token=$("$linkwork" token create --database "$url" --org U90000 --role manager --label bench)  # stdout holds only the secret

note "serving"
"$linkwork" serve --database "$url" --bind 127.0.0.1:0 --insecure-cookies >"$work/serve-$kind.out" 2>"$work/serve-$kind.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  base=$(grep -Eo 'running at http://[0-9.:]+' "$work/serve-$kind.out" | head -n 1 | sed 's/running at //' || true)
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { note "the server did not start"; cat "$work/serve-$kind.log" >&2; exit 1; }
referral=$(curl -s -H "Authorization: Bearer $token" "$base/api/referrals" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["referral_id"])')
load() { cargo bench -q --profile "${BENCH_PROFILE:-release}" -p linkwork --bench web_load -- --base "$base" --concurrency "$concurrency" --seconds "$seconds" "$@" | sed "s/^{/{\"backend\": \"$kind\", /"; }

note "web load: the anchor, then pages and API reads ($concurrency clients, $seconds s each)"
load --path /healthz
load --login "manager@bench.test:$password" --path /caseload --path /triage --path "/referrals/$referral" --path "/directory?need=loneliness"
load --login "commissioner@bench.test:$password" --path /dashboard
load --token "$token" --path /api/referrals --path "/api/referrals/$referral"
