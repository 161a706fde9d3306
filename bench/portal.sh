#!/usr/bin/env bash
# Portal pages with the demo landscape plus 10,000 more subjects: time per page, measured on
# loopback over one keep-alive connection (an upper bound of the server time), server pinned
# to one core and the client on the other. See BENCHMARKS.md.
#
#   bash bench/portal.sh                 # 10,000 extra subjects, 200 requests per page
#   SUBJECTS=100000 bash bench/portal.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SUBJECTS=${SUBJECTS:-10000}
REQUESTS=${REQUESTS:-200}

cargo build --release --quiet --bin herald --example populate
HERALD=$ROOT/target/release/herald
POPULATE=$ROOT/target/release/examples/populate
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-portal.XXXXXX")
PID=""
cleanup() {
    [[ -n $PID ]] && kill "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DB="sqlite://$WORK/portal.db"

start() {
    taskset -c 0 "$HERALD" serve --listen "127.0.0.1:$PORT" --database "$DB" "$@" >>"$WORK/herald.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 500); do
        curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0
        kill -0 "$PID" 2>/dev/null || { cat "$WORK/herald.log" >&2; exit 1; }
        sleep 0.02
    done
    echo "herald did not get ready" >&2
    exit 1
}

# The demo first (it loads only into an empty database), then the extra subjects.
start --demo
kill "$PID"
wait "$PID" 2>/dev/null || true
"$POPULATE" "$DB" "$SUBJECTS" "$SUBJECTS" >/dev/null
start

taskset -c 1 python3 - "$PORT" "$REQUESTS" <<'PY'
import http.client, statistics, sys, time
port, requests = int(sys.argv[1]), int(sys.argv[2])
pages = [
    ("home", "/ui/"),
    ("subjects, page 1", "/ui/subjects"),
    ("subjects, page 100", "/ui/subjects?page=100"),
    ("subjects, filtered", "/ui/subjects?name=bench-99&format=AVRO"),
    ("subject (Avro, 3 versions)", "/ui/subjects/customers.customer-profiles-value"),
    ("subject (Protobuf)", "/ui/subjects/shop.payments.v1.PaymentAuthorized"),
    ("diff", "/ui/subjects/customers.customer-profiles-value/diff?from=1&to=3"),
    ("schema by id", "/ui/schemas/1"),
    ("topics", "/ui/topics"),
    ("topic", "/ui/topics/orders.order-events"),
    ("applications", "/ui/applications"),
    ("application", "/ui/applications/order-service"),
    ("events", "/ui/events"),
    ("event (deprecated)", "/ui/events/OrderShipped"),
    ("domain", "/ui/domains/orders"),
    ("team", "/ui/teams/checkout-team"),
    ("search: email", "/ui/search?q=email"),
    ("fields tagged PII", "/ui/catalog/fields?tag=PII"),
]
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path):
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)
print(f"{'page':32} {'status':>6} {'KiB':>6} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
worst = 0.0
for name, path in pages:
    started = time.perf_counter()
    status, size = get(path)  # cold: fills caches, parses schemas, builds the field index
    first = (time.perf_counter() - started) * 1000
    for _ in range(3):
        get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        status, size = get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    worst = max(worst, p95)
    print(f"{name:32} {status:>6} {size/1024:>6.1f} {first:>9.1f} {statistics.median(times):>8.2f} {p95:>8.2f} {times[-1]:>8.2f}")
    if status != 200:
        sys.exit(f"{path} answered {status}")
print(f"slowest p95: {worst:.2f} ms (budget 50 ms)")
PY
