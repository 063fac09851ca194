#!/usr/bin/env bash
# HTTP load benchmark: CrampCds (Release) against a bare minimal API that parses the same body and returns a
# fixed card, measured in the same run with wrk (Debian's package). Prints throughput ratios and latencies,
# the fetch-on-miss latency against a FHIR stub that answers after 50 ms, and the service's working set.
# Then a soak: order-sign under the same load for [soak seconds, default 300], the working set sampled every 30 s.
# Usage: tests/CrampCds.Benchmarks/load.sh [seconds per run, default 15] [soak seconds, default 300; 0 skips it]
# The service's SQLite store goes to a temporary directory on the same disk (CRAMPCDS_BENCH_STORE_DIR to move it).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
soak=${2:-300}
connections=32
work=$(mktemp -d)
store=${CRAMPCDS_BENCH_STORE_DIR:-$work}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; rm -f "$store"/crampcds-bench-$$.db*; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
dotnet build -c Release -v q src/CrampCds.Api >/dev/null
dotnet build -c Release -v q tests/CrampCds.Benchmarks >/dev/null
bench="dotnet tests/CrampCds.Benchmarks/bin/Release/net10.0/CrampCds.Benchmarks.dll"
api="dotnet src/CrampCds.Api/bin/Release/net10.0/CrampCds.Api.dll"
$bench bodies "$work/bodies" >/dev/null

wait_for() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }

# The service in Production mode, prefetch-complete requests, no FHIR server, JWT not required.
start_service() {
  env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:5181 \
    CrampCds__Cards__Path="$PWD/cds-cards" CrampCds__Auth__RequireJwt=false CrampCds__Limits__RequestsPerMinute=0 \
    ConnectionStrings__Feedback="Data Source=$store/crampcds-bench-$$.db" CrampCds__Feedback__PatientHashKey=bench-key \
    Serilog__MinimumLevel__Default=Warning "$@" $api >"$work/service.log" 2>&1 &
  pids+=($!); service_pid=$!
  wait_for http://127.0.0.1:5181/health/live
}

rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }

run_wrk() { # url body [seconds] [connections] -> "requests/s p50 p99"
  cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$2", "rb"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
  local c=${4:-$connections}
  wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"${3:-$seconds}s" -s "$work/post.lua" "$1" | awk '/^RESULT/ { print $2, $3, $4 }'
}

$bench bare --urls http://127.0.0.1:5182 >"$work/bare.log" 2>&1 &
pids+=($!)
start_service
wait_for_bare() { for _ in $(seq 1 100); do curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"hook":"x"}' http://127.0.0.1:5182/cds-services/x && return 0; sleep 0.2; done; exit 1; }
wait_for_bare

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; ${seconds}s per run, $connections connections"
printf "%-14s %12s %12s %7s %9s %9s %14s\n" hook "crampcds r/s" "bare r/s" ratio "p50 ms" "p99 ms" "bare p50/p99"
for hook in patient-view order-select order-sign; do
  # Warm both up (JIT tiers, pools) before measuring.
  run_wrk "http://127.0.0.1:5182/cds-services/x" "$work/bodies/$hook.json" 3 >/dev/null
  run_wrk "http://127.0.0.1:5181/cds-services/crampcds-$hook" "$work/bodies/$hook.json" 3 >/dev/null
  read -r bare_rps bare_p50 bare_p99 < <(run_wrk "http://127.0.0.1:5182/cds-services/x" "$work/bodies/$hook.json")
  read -r rps p50 p99 < <(run_wrk "http://127.0.0.1:5181/cds-services/crampcds-$hook" "$work/bodies/$hook.json")
  printf "%-14s %12.0f %12.0f %7.2f %9.2f %9.2f %6.2f/%-7.2f\n" "$hook" "$rps" "$bare_rps" "$(echo "$rps / $bare_rps" | bc -l)" "$p50" "$p99" "$bare_p50" "$bare_p99"
done
echo "working set under load: $(rss_mb "$service_pid") MB"
# One call at a time: the latency a single EHR sees when nothing queues ahead of its call (at 32 connections a 452 KB
# patient-view waits behind the 31 others: its latency there is the queue's, 32 / throughput).
for hook in patient-view order-select order-sign; do
  read -r _ p50 p99 < <(run_wrk "http://127.0.0.1:5181/cds-services/crampcds-$hook" "$work/bodies/$hook.json" 5 1)
  printf "%-14s one connection: p50 %.2f ms, p99 %.2f ms\n" "$hook" "$p50" "$p99"
done
if (( soak > 0 )); then
  cat >"$work/soak.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/bodies/order-sign.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
  wrk -t2 -c"$connections" -d"${soak}s" -s "$work/soak.lua" http://127.0.0.1:5181/cds-services/crampcds-order-sign >/dev/null &
  soak_pid=$!
  samples=()
  for (( t = 30; t <= soak; t += 30 )); do sleep 30; samples+=("$(rss_mb "$service_pid")"); done
  wait "$soak_pid" || true
  echo "soak (order-sign, ${soak}s, 32 connections): working set every 30 s: ${samples[*]} MB; growth after the first minute: $(( samples[${#samples[@]}-1] - samples[1] )) MB"
fi
kill "$service_pid"
rm -f "$store"/crampcds-bench-$$.db*

# With JWT validation (ES384): every request carries its own token (a jti is accepted once); 4,000 a second of run
# (warm-up included) is twice what two cores can verify (ES384 verification is the ceiling, see README), so none repeats.
warm=3
$bench tokens http://127.0.0.1:5181/cds-services/crampcds-order-sign $(( (seconds + warm) * 4000 )) "$work/jwt" >/dev/null
start_service CrampCds__Auth__RequireJwt=true CrampCds__PublicBaseUrl=http://127.0.0.1:5181 \
  CrampCds__Auth__TrustedIssuers__0__Issuer=https://bench.crampcds.test \
  CrampCds__Auth__TrustedIssuers__0__JwksUrl=https://bench.crampcds.test/jwks.json \
  CrampCds__Auth__TrustedIssuers__0__JwksPath="$work/jwt/jwks.json"
cat >"$work/jwt.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/bodies/order-sign.json", "rb"); wrk.body = f:read("*a"); f:close()
local tokens = {}
for line in io.lines("$work/jwt/tokens.txt") do tokens[#tokens + 1] = line end
-- The warm-up uses the first tokens, the measurement those after them (TOKEN_OFFSET).
local next_token = tonumber(os.getenv("TOKEN_OFFSET") or "0")
request = function()
  next_token = next_token + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[(next_token % #tokens) + 1]
  return wrk.format()
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
LUA
read -r bare_rps _ _ < <(run_wrk "http://127.0.0.1:5182/cds-services/x" "$work/bodies/order-sign.json")
TOKEN_OFFSET=0 wrk -t1 -c"$connections" -d"${warm}s" -s "$work/jwt.lua" http://127.0.0.1:5181/cds-services/crampcds-order-sign >/dev/null
export TOKEN_OFFSET=$(( warm * 4000 ))
read -r rps p50 p99 errors < <(wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/jwt.lua" http://127.0.0.1:5181/cds-services/crampcds-order-sign | awk '/^RESULT/ { print $2, $3, $4, $5 }')
printf "%-14s %12.0f %12.0f %7.2f %9.2f %9.2f  (non-2xx: %s)\n" "order-sign+JWT" "$rps" "$bare_rps" "$(echo "$rps / $bare_rps" | bc -l)" "$p50" "$p99" "$errors"
kill "$service_pid"
# The floor under that row: the bare API checking each token's ES384 signature and nothing else.
$bench bare --urls http://127.0.0.1:5184 --jwks "$work/jwt/jwks.json" >"$work/bare-jwt.log" 2>&1 &
pids+=($!); bare_jwt_pid=$!
sleep 2
TOKEN_OFFSET=0 wrk -t1 -c"$connections" -d"${warm}s" -s "$work/jwt.lua" http://127.0.0.1:5184/cds-services/x >/dev/null
read -r jwt_bare_rps jwt_bare_p50 jwt_bare_p99 jwt_bare_errors < <(wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/jwt.lua" http://127.0.0.1:5184/cds-services/x | awk '/^RESULT/ { print $2, $3, $4, $5 }')
printf "%-14s %12s %12.0f %7.2f %9.2f %9.2f  (bare + ES384 signature check only; ours / it: %.2f; non-2xx: %s)\n" "bare+ES384" "" "$jwt_bare_rps" "$(echo "$jwt_bare_rps / $bare_rps" | bc -l)" "$jwt_bare_p50" "$jwt_bare_p99" "$(echo "$rps / $jwt_bare_rps" | bc -l)" "$jwt_bare_errors"
kill "$bare_jwt_pid"

# Fetch on miss: a patient-view with no prefetch against a FHIR server that answers every query after 50 ms.
$bench fhir-stub --urls http://127.0.0.1:5183 --delay-ms 50 >"$work/stub.log" 2>&1 &
pids+=($!)
start_service CrampCds__Fhir__AllowHttp=true CrampCds__Fhir__AllowedServers__0=http://127.0.0.1:5183/fhir
cat >"$work/miss.json" <<JSON
{"hook":"patient-view","hookInstance":"bench","fhirServer":"http://127.0.0.1:5183/fhir","context":{"userId":"Practitioner/b","patientId":"p1"}}
JSON
echo "fetch on miss (stub delay 50 ms): $($bench latency http://127.0.0.1:5181/cds-services/crampcds-patient-view "$work/miss.json" 200)"
