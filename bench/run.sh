#!/usr/bin/env bash
# Reproducible HTTP benchmark of Herald against the machine's ceilings (a raw hyper
# HTTP/1 loop and a bare axum server, examples/ceiling.rs), optionally beside a second
# Herald binary (an older build, or one without a layer) in the same run. Loopback only,
# bounded durations. See BENCHMARKS.md.
#
#   bash bench/run.sh
#
# Knobs (environment):
#   BENCH_SECONDS=10      measured duration of each scenario
#   BENCH_WARMUP=3        warm-up duration before each scenario (discarded)
#   BENCH_CONNECTIONS=32  wrk connections
#   BENCH_PIN=1           1: server pinned to the last core, wrk (1 thread) to core 0
#                         0: no pinning, wrk with BENCH_THREADS threads, all cores shared
#   BENCH_THREADS         wrk threads (default 1 when pinned, 2 otherwise)
#   BENCH_SCHEMAS=100     schemas seeded before the read scenarios
#   BENCH_ROUNDS=3        read scenarios (and the ceiling) are run this many times,
#                         alternating; the median round is reported
#   BENCH_OUT=bench-results/latest.md
#   BENCH_BASELINE_BIN    path of another herald binary to measure side by side (its
#                         reads alternate with this build's in every round)
#   BENCH_BASELINE_LABEL  how the report names it (default: baseline)
#   BENCH_BASELINE_ARGS   extra `herald serve` flags for the baseline (e.g. the same binary
#                         with `--usage-tracking false`: a layer's cost, side by side)
#   BENCH_AUTH=1          also a Herald under an access file: warm by-id reads with HTTP
#                         Basic, an API token and an OIDC JWT (principals reading every
#                         subject), and one with a prefix grant (checked per id, off the
#                         fast lane), in the same rounds as the open Herald
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PIN=${BENCH_PIN:-1}
SCHEMAS=${BENCH_SCHEMAS:-100}
ROUNDS=${BENCH_ROUNDS:-3}
OUT=${BENCH_OUT:-bench-results/latest.md}
NCPU=$(nproc)
if [[ $PIN == 1 && $NCPU -lt 2 ]]; then
    echo "bench: BENCH_PIN=1 needs 2 cores; falling back to BENCH_PIN=0" >&2
    PIN=0
fi
if [[ $PIN == 1 ]]; then
    THREADS=${BENCH_THREADS:-1}
    SERVER_CPUS=$((NCPU - 1))
    if [[ $NCPU -gt 2 ]]; then SERVER_CPUS="1-$((NCPU - 1))"; fi
    SERVER_PREFIX=(taskset -c "$SERVER_CPUS")
    WRK_PREFIX=(taskset -c 0)
    METHOD="server on CPU $SERVER_CPUS, wrk ($THREADS thread) on CPU 0"
else
    THREADS=${BENCH_THREADS:-2}
    SERVER_PREFIX=()
    WRK_PREFIX=()
    METHOD="no pinning: server and wrk ($THREADS threads) share all $NCPU CPUs"
fi
MEDIA=application/vnd.schemaregistry.v1+json

# --- tools -----------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    echo "bench: installing wrk" >&2
    SUDO=()
    if [[ $(id -u) != 0 ]]; then SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq wrk
fi
for tool in curl taskset ss; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is required" >&2; exit 1; }
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: building (release)" >&2
cargo build --release --quiet --bin herald --example ceiling --example mint_jwt
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
TARGET_DIR=${TARGET_DIR:-$ROOT/target}
HERALD_BIN=$TARGET_DIR/release/herald
CEILING_BIN=$TARGET_DIR/release/examples/ceiling
MINT_JWT_BIN=$TARGET_DIR/release/examples/mint_jwt

# --- servers ---------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-bench.XXXXXX")
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if [[ -z $(ss -Htln "sport = :$port") ]]; then
            echo "$port"
            return 0
        fi
    done
    echo "bench: no free port found" >&2
    return 1
}

wait_up() { # pid url
    for _ in $(seq 1 100); do
        if ! kill -0 "$1" 2>/dev/null; then
            echo "bench: server for $2 exited; log:" >&2
            cat "$WORK"/*.log >&2 || true
            return 1
        fi
        if curl -fsS -o /dev/null "$2" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench: $2 did not come up" >&2
    return 1
}

start_herald() { # binary name [serve flags...] -> sets STARTED_PID and STARTED_URL
    local port binary=$1 name=$2
    shift 2
    port=$(free_port)
    HERALD_LOG=warn "${SERVER_PREFIX[@]}" "$binary" serve \
        --listen "127.0.0.1:$port" --database "sqlite://$WORK/$name.db" "$@" \
        >"$WORK/$name.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    STARTED_URL=http://127.0.0.1:$port
    wait_up "$STARTED_PID" "$STARTED_URL/health/live"
}

start_ceiling() { # mode -> sets STARTED_PID and STARTED_URL
    local port
    port=$(free_port)
    "${SERVER_PREFIX[@]}" "$CEILING_BIN" --listen "127.0.0.1:$port" --mode "$1" \
        >"$WORK/ceiling-$1.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    STARTED_URL=http://127.0.0.1:$port
    wait_up "$STARTED_PID" "$STARTED_URL/"
}

start_herald "$HERALD_BIN" herald
HERALD_PID=$STARTED_PID HERALD=$STARTED_URL
BASELINE_LABEL=${BENCH_BASELINE_LABEL:-baseline}
if [[ -n ${BENCH_BASELINE_BIN:-} ]]; then
    # shellcheck disable=SC2086 # the flags are words on purpose
    start_herald "$BENCH_BASELINE_BIN" baseline ${BENCH_BASELINE_ARGS:-}
    BASELINE_PID=$STARTED_PID BASELINE=$STARTED_URL
fi
if [[ ${BENCH_AUTH:-0} == 1 ]]; then
    # Principals: `bench` (Basic), `bench-token` (API token), `bench-jwt` (OIDC) read every
    # subject; `bench-prefix` (Basic) reads only subjects starting `bench-`; `seeder` writes.
    hash() { printf '%s\n' "$1" | "$HERALD_BIN" auth hash-password; }
    TOKEN_OUT=$("$HERALD_BIN" auth token --name bench-token --groups readers)
    BENCH_TOKEN=$(grep '^hrd_' <<<"$TOKEN_OUT")
    BENCH_JWT=$("$MINT_JWT_BIN" "$WORK/jwks.json" https://bench.idp herald bench-jwt readers)
    cat >"$WORK/access.yaml" <<YAML
users:
  - name: bench
    password_hash: "$(hash bench-pw)"
    groups: [readers]
  - name: bench-prefix
    password_hash: "$(hash prefix-pw)"
  - name: seeder
    password_hash: "$(hash seeder-pw)"
tokens:
$(sed -n '/^  - name/,$p' <<<"$TOKEN_OUT")
oidc:
  issuer: https://bench.idp
  audience: herald
  jwks_file: $WORK/jwks.json
grants:
  - to: group:readers
    role: read
    on: "*"
  - to: user:bench-prefix
    role: read
    on: subject-prefix:bench-
  - to: user:seeder
    role: write
    on: "*"
YAML
    start_herald "$HERALD_BIN" herald-auth --auth-config "$WORK/access.yaml"
    AUTH_PID=$STARTED_PID AUTH=$STARTED_URL
    basic_header() { printf 'Basic %s' "$(printf '%s' "$1" | base64 -w0)"; }
    BASIC_HEADER=$(basic_header bench:bench-pw)
    PREFIX_HEADER=$(basic_header bench-prefix:prefix-pw)
    SEED_HEADER=$(basic_header seeder:seeder-pw)
fi
start_ceiling axum
CEILING_PID=$STARTED_PID CEILING=$STARTED_URL
start_ceiling hyper
HYPER_PID=$STARTED_PID HYPER=$STARTED_URL

# --- seed ------------------------------------------------------------------------------
# Schema i: a small record, so `GET /schemas/ids/{id}` answers ~150 bytes (as the ceiling).
schema_body() { # i -> {"schema": "..."} request body
    printf '{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"Bench%d\\",\\"namespace\\":\\"herald.bench\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"long\\"},{\\"name\\":\\"f%d\\",\\"type\\":\\"string\\"}]}"}' "$1" "$1"
}

seed() { # url [authorization] -> the ids, space-separated
    local i answer id ids=() auth=()
    if [[ -n ${2:-} ]]; then auth=(-H "Authorization: $2"); fi
    for ((i = 0; i < SCHEMAS; i++)); do
        answer=$(curl -fsS -X POST -H "Content-Type: $MEDIA" "${auth[@]}" \
            --data "$(schema_body "$i")" "$1/subjects/bench-$i/versions")
        id=$(sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' <<<"$answer")
        [[ -n $id ]] || { echo "bench: unexpected answer: $answer" >&2; exit 1; }
        ids+=("$id")
    done
    echo "${ids[*]}"
}

echo "bench: seeding $SCHEMAS schemas" >&2
read -r -a IDS <<<"$(seed "$HERALD")"
if [[ -n ${BASELINE:-} ]]; then
    # Same schemas in the same order: the same ids, so one script drives both.
    [[ "$(seed "$BASELINE")" == "${IDS[*]}" ]] || {
        echo "bench: the baseline allocated different ids" >&2
        exit 1
    }
fi
if [[ -n ${AUTH:-} ]]; then
    [[ "$(seed "$AUTH" "$SEED_HEADER")" == "${IDS[*]}" ]] || {
        echo "bench: the access-controlled Herald allocated different ids" >&2
        exit 1
    }
fi
SAMPLE_BYTES=$(curl -fsS "$HERALD/schemas/ids/${IDS[0]}" | wc -c)
CEILING_BYTES=$(curl -fsS "$CEILING/" | wc -c)
HYPER_BYTES=$(curl -fsS "$HYPER/" | wc -c)
LATEST_BYTES=$(curl -fsS "$HERALD/subjects/bench-0/versions/latest" | wc -c)

# --- wrk scripts -----------------------------------------------------------------------
# Every script ends with the same `done`, which prints one machine-readable line.
DONE_LUA='
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
'
# Lua tables must be non-empty; `{1,2,3}`.
ID_LIST=$(IFS=,; echo "${IDS[*]}")

cat >"$WORK/ids.lua" <<LUA
local ids = {$ID_LIST}
local n = #ids
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/schemas/ids/" .. ids[(i % n) + 1])
end
$DONE_LUA
LUA

cat >"$WORK/latest.lua" <<LUA
local n = $SCHEMAS
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/subjects/bench-" .. (i % n) .. "/versions/latest")
end
$DONE_LUA
LUA

# The same reads with credentials (one script per Authorization header).
authorized_ids() { # header -> script path on stdout
    local file
    file="$WORK/ids-$RANDOM.lua"
    {
        printf 'wrk.headers["Authorization"] = "%s"\n' "$1"
        cat "$WORK/ids.lua"
    } >"$file"
    echo "$file"
}
if [[ -n ${AUTH:-} ]]; then
    IDS_BASIC=$(authorized_ids "$BASIC_HEADER")
    IDS_TOKEN=$(authorized_ids "Bearer $BENCH_TOKEN")
    IDS_JWT=$(authorized_ids "Bearer $BENCH_JWT")
    IDS_PREFIX=$(authorized_ids "$PREFIX_HEADER")
    for script in "$IDS_BASIC" "$IDS_TOKEN" "$IDS_JWT" "$IDS_PREFIX"; do
        header=$(sed -n 's/^wrk.headers\["Authorization"\] = "\(.*\)"$/\1/p' "$script")
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $header" \
            "$AUTH/schemas/ids/${IDS[0]}")
        [[ $code == 200 ]] || { echo "bench: $script answered $code" >&2; exit 1; }
    done
fi

# Re-registering schema 0 under its own subject: always answers the existing id.
EXISTING_BODY=$(schema_body 0 | sed 's/\\/\\\\/g; s/"/\\"/g')
cat >"$WORK/reregister.lua" <<LUA
wrk.method = "POST"
wrk.path = "/subjects/bench-0/versions"
wrk.headers["Content-Type"] = "$MEDIA"
wrk.body = "$EXISTING_BODY"
$DONE_LUA
LUA

# A brand-new schema under a brand-new subject on every request. `tag` (an argument)
# separates the warm-up from the measured run; each wrk thread gets its own number.
cat >"$WORK/register.lua" <<LUA
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local tag, counter = "x", 0
init = function(args)
  tag = args[1] or "x"
end
request = function()
  counter = counter + 1
  local name = string.format("New_%s_%d_%d", tag, tid, counter)
  local body = '{"schema":"{\\\\"type\\\\":\\\\"record\\\\",\\\\"name\\\\":\\\\"' .. name ..
    '\\\\",\\\\"namespace\\\\":\\\\"herald.bench\\\\",\\\\"fields\\\\":[{\\\\"name\\\\":\\\\"id\\\\",' ..
    '\\\\"type\\\\":\\\\"long\\\\"},{\\\\"name\\\\":\\\\"v' .. counter .. '\\\\",\\\\"type\\\\":\\\\"string\\\\"}]}"}'
  return wrk.format("POST", "/subjects/" .. name .. "/versions",
    {["Content-Type"] = "$MEDIA"}, body)
end
$DONE_LUA
LUA

# --- run -------------------------------------------------------------------------------
cpu_ticks() { # pid -> utime+stime of the whole process, in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat"
}
CLK_TCK=$(getconf CLK_TCK)

declare -A RPS P50 P99 ERRS CPU
run_wrk() { # name url script pid [tag]
    local name=$1 url=$2 script=$3 pid=$4 tag=${5:-run}
    echo "bench: $name (warm-up ${WARMUP}s, then ${SECONDS_PER_RUN}s)" >&2
    if [[ $WARMUP -gt 0 ]]; then
        "${WRK_PREFIX[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" \
            "$url" -- "warm$RANDOM" >/dev/null
    fi
    local before after output line
    before=$(cpu_ticks "$pid")
    output=$("${WRK_PREFIX[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" \
        --latency -s "$script" "$url" -- "$tag$RANDOM")
    after=$(cpu_ticks "$pid")
    printf '%s\n' "$output" >"$WORK/$name.wrk.txt"
    line=$(grep '^BENCH_RESULT' <<<"$output") || {
        echo "bench: no result from wrk for $name:" >&2
        printf '%s\n' "$output" >&2
        exit 1
    }
    read -r _ requests duration p50 p99 status_errors socket_errors <<<"$line"
    RPS[$name]=$(awk -v r="$requests" -v d="$duration" 'BEGIN {printf "%.0f", r / (d / 1e6)}')
    P50[$name]=$p50
    P99[$name]=$p99
    ERRS[$name]=$((status_errors + socket_errors))
    # Server CPU time per request, in microseconds.
    CPU[$name]=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v r="$requests" \
        'BEGIN {printf "%.1f", (r > 0 ? t / hz * 1e6 / r : 0)}')
}

# Keeps, under `name`, the round with the median requests/s (and notes the spread).
declare -A SPREAD
pick_median() { # name rounds
    local name=$1 rounds=$2 r median
    median=$(for ((r = 1; r <= rounds; r++)); do echo "${RPS[$name.$r]} $r"; done |
        sort -n | awk '{line[NR] = $2} END {print line[int((NR + 1) / 2)]}')
    RPS[$name]=${RPS[$name.$median]}
    P50[$name]=${P50[$name.$median]}
    P99[$name]=${P99[$name.$median]}
    CPU[$name]=${CPU[$name.$median]}
    ERRS[$name]=0
    SPREAD[$name]=""
    for ((r = 1; r <= rounds; r++)); do
        ERRS[$name]=$((ERRS[$name] + ERRS[$name.$r]))
        SPREAD[$name]+="${SPREAD[$name]:+ / }${RPS[$name.$r]}"
    done
}

# Reads: the ceiling and Herald alternate, ROUNDS times, so that a disturbance (another
# process, the hypervisor) hits both alike; the median round is reported.
READS=(hyper ceiling ids latest)
if [[ -n ${BASELINE:-} ]]; then READS+=(base_ids base_latest); fi
if [[ -n ${AUTH:-} ]]; then READS+=(auth_basic auth_token auth_jwt auth_prefix); fi
for ((round = 1; round <= ROUNDS; round++)); do
    run_wrk "hyper.$round" "$HYPER" "$WORK/ids.lua" "$HYPER_PID"
    run_wrk "ceiling.$round" "$CEILING" "$WORK/ids.lua" "$CEILING_PID"
    run_wrk "ids.$round" "$HERALD" "$WORK/ids.lua" "$HERALD_PID"
    if [[ -n ${BASELINE:-} ]]; then
        run_wrk "base_ids.$round" "$BASELINE" "$WORK/ids.lua" "$BASELINE_PID"
    fi
    if [[ -n ${AUTH:-} ]]; then
        run_wrk "auth_basic.$round" "$AUTH" "$IDS_BASIC" "$AUTH_PID"
        run_wrk "auth_token.$round" "$AUTH" "$IDS_TOKEN" "$AUTH_PID"
        run_wrk "auth_jwt.$round" "$AUTH" "$IDS_JWT" "$AUTH_PID"
        run_wrk "auth_prefix.$round" "$AUTH" "$IDS_PREFIX" "$AUTH_PID"
    fi
    run_wrk "latest.$round" "$HERALD" "$WORK/latest.lua" "$HERALD_PID"
    if [[ -n ${BASELINE:-} ]]; then
        run_wrk "base_latest.$round" "$BASELINE" "$WORK/latest.lua" "$BASELINE_PID"
    fi
done
for name in "${READS[@]}"; do pick_median "$name" "$ROUNDS"; done
# Writes last: they bump the registry generation (which empties the read caches).
run_wrk reregister "$HERALD" "$WORK/reregister.lua" "$HERALD_PID"
run_wrk register "$HERALD" "$WORK/register.lua" "$HERALD_PID"
if [[ -n ${BASELINE:-} ]]; then
    run_wrk base_reregister "$BASELINE" "$WORK/reregister.lua" "$BASELINE_PID"
    run_wrk base_register "$BASELINE" "$WORK/register.lua" "$BASELINE_PID"
fi

# --- report ----------------------------------------------------------------------------
ms() { awk -v us="$1" 'BEGIN {printf "%.2f ms", us / 1000}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f %%", 100 * a / b}'; }
row() { # name label ratio?
    local name=$1 label=$2 ratio=${3:-} vs_hyper="–" vs_axum="–"
    if [[ -n $ratio ]]; then
        vs_hyper=$(pct "${RPS[$name]}" "${RPS[hyper]}")
        vs_axum=$(pct "${RPS[$name]}" "${RPS[ceiling]}")
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "${RPS[$name]}" \
        "$(ms "${P50[$name]}")" "$(ms "${P99[$name]}")" "${CPU[$name]}" "$vs_hyper" \
        "$vs_axum" "${ERRS[$name]}"
}

spread_line() {
    local name line=""
    for name in "${READS[@]}"; do line+="${line:+; }$name ${SPREAD[$name]}"; done
    echo "$line"
}

mkdir -p "$(dirname "$OUT")"
{
    echo "## Herald benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
    if [[ -n ${BASELINE:-} ]]; then
        echo "- $BASELINE_LABEL: $BENCH_BASELINE_BIN ${BENCH_BASELINE_ARGS:-}, measured in the same run (rounds alternate)"
    fi
    echo "- machine: $NCPU CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
    echo "- method: $METHOD; wrk -c$CONNECTIONS, ${WARMUP}s warm-up + ${SECONDS_PER_RUN}s per scenario"
    echo "- reads: median of $ROUNDS alternating rounds; requests/s of each round: $(spread_line)"
    echo "- load average before the run: $LOAD_BEFORE"
    echo "- bodies: ceilings ${HYPER_BYTES} B (hyper) and ${CEILING_BYTES} B (axum), /schemas/ids ${SAMPLE_BYTES} B, versions/latest ${LATEST_BYTES} B; $SCHEMAS schemas seeded"
    echo
    echo "| scenario | requests/s | p50 | p99 | server CPU µs/req | vs raw hyper | vs bare axum | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    row hyper "a1. ceiling: raw hyper HTTP/1, constant JSON"
    row ceiling "a2. ceiling: bare axum, constant JSON"
    row ids "b. GET /schemas/ids/{id} (warm)" ratio
    if [[ -n ${AUTH:-} ]]; then
        row auth_basic "b1. access file, HTTP Basic: GET /schemas/ids/{id} (warm)" ratio
        row auth_token "b2. access file, API token: GET /schemas/ids/{id} (warm)" ratio
        row auth_jwt "b3. access file, OIDC JWT: GET /schemas/ids/{id} (warm)" ratio
        row auth_prefix "b4. access file, Basic, prefix grant (routed): GET /schemas/ids/{id}" ratio
    fi
    row latest "c. GET /subjects/{s}/versions/latest (warm)" ratio
    row reregister "e. POST existing schema (re-register)"
    row register "d. POST new schema, new subject"
    if [[ -n ${BASELINE:-} ]]; then
        row base_ids "b. $BASELINE_LABEL: GET /schemas/ids/{id} (warm)" ratio
        row base_latest "c. $BASELINE_LABEL: GET /subjects/{s}/versions/latest (warm)" ratio
        row base_reregister "e. $BASELINE_LABEL: POST existing schema"
        row base_register "d. $BASELINE_LABEL: POST new schema, new subject"
    fi
    if [[ -n ${AUTH:-} ]]; then
        echo
        echo "- warm by-id with an access file, vs the open Herald (b): Basic $(pct "${RPS[auth_basic]}" "${RPS[ids]}"), API token $(pct "${RPS[auth_token]}" "${RPS[ids]}"), OIDC JWT $(pct "${RPS[auth_jwt]}" "${RPS[ids]}"), prefix grant $(pct "${RPS[auth_prefix]}" "${RPS[ids]}")"
    fi
} | tee "$OUT"
echo >&2
echo "bench: written to $OUT (raw wrk outputs were in $WORK, removed on exit)" >&2
