#!/usr/bin/env bash
# Validates every AsyncAPI document Herald exports for the demo landscape (the whole
# catalog and each application) with the official parser (validate.mjs).
#
#   bash tests/asyncapi/check-demo.sh [BINARY]      # default target/debug/herald
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${1:-$repo/target/debug/herald}"
[[ -x "$bin" ]] || { echo "check-demo.sh: no Herald binary at $bin (cargo build first)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/herald-asyncapi.XXXXXX")"
pid=""
cleanup() {
    [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
(cd "$repo" && exec "$bin" serve --demo --listen "127.0.0.1:$port" --database "sqlite://$work/demo.db") \
    >"$work/herald.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/herald.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "Herald did not get ready" >&2; cat "$work/herald.log" >&2; exit 1; }
status=0
bash "$here/run.sh" --url "http://127.0.0.1:$port" || status=$?
[[ $status -eq 0 ]] || cat "$work/herald.log" >&2
exit $status
