#!/usr/bin/env bash
# The web under load on an imported bench database (called by bench/backend.sh): adds the bench's
# accounts, serves, and measures the /healthz anchor, then the pages and API reads.
# Usage: bench/web.sh sqlite|postgres DATABASE_URL WORK_FOLDER
# Prints one JSON object per path on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 url=$2 work=$3
seconds=${BENCH_SECONDS:-20}
concurrency=${BENCH_CONCURRENCY:-50}
linkwork=${BENCH_LINKWORK:-target/release/linkwork}
password="bench password for everyone"
note() { echo "bench ($kind): $*" >&2; }

# The load tool is built once, before serving, and its binary run: cargo is not asked again
# mid-run (an edited source would otherwise be rebuilt between two paths).
load_tool=$(cargo bench -q --profile "${BENCH_PROFILE:-release}" -p linkwork --bench web_load --no-run --message-format=json \
  | python3 -c 'import json, sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable") and m["target"]["name"] == "web_load"][-1])')

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
load() { "$load_tool" --base "$base" --concurrency "$concurrency" --seconds "$seconds" "$@" | sed "s/^{/{\"backend\": \"$kind\", /"; }

note "web load: the anchor, then pages and API reads ($concurrency clients, $seconds s each)"
load --path /healthz
load --login "manager@bench.test:$password" --path /caseload --path /triage --path "/referrals/$referral" --path "/directory?need=loneliness"
load --login "commissioner@bench.test:$password" --path /dashboard
load --token "$token" --path /api/referrals --path "/api/referrals/$referral"
