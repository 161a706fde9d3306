#!/usr/bin/env bash
# Start-up time and memory of Herald with many schema versions, on SQLite and PostgreSQL,
# plus warm reads by id spread over three PostgreSQL nodes. See BENCHMARKS.md.
#
#   bash bench/startup.sh            # 100,000 versions
#   VERSIONS=20000 bash bench/startup.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VERSIONS=${VERSIONS:-100000}
SUBJECTS=${SUBJECTS:-1000}
READ_SECONDS=${READ_SECONDS:-10}

cargo build --release --quiet --bin herald --example populate
HERALD=$ROOT/target/release/herald
POPULATE=$ROOT/target/release/examples/populate
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-startup.XXXXXX")
chmod 755 "$WORK"
PIDS=()
PGDATA_DIR=""
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [[ -n $PGDATA_DIR ]]; then runuser -u postgres -- pg_ctl -D "$PGDATA_DIR" stop -m immediate >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts herald on DATABASE_URL and waits until it is ready; sets NODE_MS (time to ready),
# NODE_PID and NODE_PORT. Runs in this shell so the cleanup trap knows the process.
start_node() {
    local url=$1 t0 t1
    NODE_PORT=$(free_port)
    t0=$(date +%s%N)
    "$HERALD" serve --listen "127.0.0.1:$NODE_PORT" --database "$url" >"$WORK/herald-$NODE_PORT.log" 2>&1 &
    NODE_PID=$!
    PIDS+=("$NODE_PID")
    until curl -sf "http://127.0.0.1:$NODE_PORT/health/ready" >/dev/null 2>&1; do
        kill -0 "$NODE_PID" 2>/dev/null || { echo "herald died:" >&2; cat "$WORK/herald-$NODE_PORT.log" >&2; exit 1; }
        sleep 0.01
    done
    t1=$(date +%s%N)
    NODE_MS=$(( (t1 - t0) / 1000000 ))
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# Reads every id once over one keep-alive connection (fills the cache); prints the ms it
# took and fails if any id did not answer 200.
read_all_ids() {
    python3 - "$1" "$VERSIONS" <<'PY'
import http.client, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)
started = time.monotonic()
for schema_id in range(1, count + 1):
    conn.request("GET", f"/schemas/ids/{schema_id}")
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"id {schema_id}: HTTP {response.status}")
print(int((time.monotonic() - started) * 1000))
PY
}

measure() {
    local name=$1 url=$2
    echo "bench: populating $name with $VERSIONS versions" >&2
    "$POPULATE" "$url" "$VERSIONS" "$SUBJECTS"
    start_node "$url"
    local ms=$NODE_MS pid=$NODE_PID port=$NODE_PORT idle
    idle=$(rss_mb "$pid")
    echo "bench: $name ready in $ms ms, RSS $idle MB; reading all ids" >&2
    local read_ms
    read_ms=$(read_all_ids "$port")
    local warm
    warm=$(rss_mb "$pid")
    echo "| $name | $VERSIONS | $ms ms | $idle MB | $warm MB (after reading all $VERSIONS ids once, $read_ms ms) |"
    kill "$pid"
}

echo "| backend | versions | start to ready | RSS when ready | RSS with every id cached |"
echo "|---|---:|---:|---:|---|"
measure SQLite "sqlite://$WORK/herald.db"

# A throwaway PostgreSQL cluster from the local binaries.
PG_BIN=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | head -1)")
export PATH="$PG_BIN:$PATH"
PGDATA_DIR="$WORK/pg"
mkdir -p "$PGDATA_DIR" && chown postgres "$PGDATA_DIR"
PGPORT=$(free_port)
runuser -u postgres -- initdb -D "$PGDATA_DIR" -A trust -U postgres >/dev/null
runuser -u postgres -- pg_ctl -D "$PGDATA_DIR" -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA_DIR" -l "$PGDATA_DIR/log" -w start >/dev/null
PG_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
measure PostgreSQL "$PG_URL"

# Warm reads by id through three nodes on the same PostgreSQL database.
if command -v wrk >/dev/null 2>&1; then
    NODES=()
    for _ in 1 2 3; do
        start_node "$PG_URL"
        NODES+=("$NODE_PORT")
        seq 1 1000 | xargs -P 4 -I{} curl -s -o /dev/null "http://127.0.0.1:$NODE_PORT/schemas/ids/{}"
    done
    echo
    echo "Three nodes on one PostgreSQL database, warm GET /schemas/ids/{id} (ids 1-1000), ${READ_SECONDS}s, one wrk per node run together (client and servers share the 2 cores):"
    echo
    echo "| node | requests/s | p50 | p99 |"
    echo "|---|---:|---:|---:|"
    cat > "$WORK/ids.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/schemas/ids/" .. ((n % 1000) + 1))
end
LUA
    WRKS=()
    for port in "${NODES[@]}"; do
        wrk -t1 -c16 -d"${READ_SECONDS}s" --latency -s "$WORK/ids.lua" "http://127.0.0.1:$port" >"$WORK/wrk-$port.txt" 2>&1 &
        WRKS+=($!)
    done
    wait "${WRKS[@]}"
    total=0
    for port in "${NODES[@]}"; do
        rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-$port.txt")
        p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk-$port.txt")
        p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk-$port.txt")
        total=$((total + rps))
        echo "| 127.0.0.1:$port | $rps | $p50 | $p99 |"
    done
    echo "| all three | $total | | |"
else
    echo "bench: wrk not installed (apt-get install wrk): three-node read benchmark skipped" >&2
fi
