#!/usr/bin/env bash
# Browser crawl of the portal: starts `herald serve --demo` on a free port with a fresh
# SQLite database, crawls it in headless Debian Chromium (crawl.mjs), stops the server and
# exits with the crawl's status.
#
#   bash tests/browser/run.sh [BINARY]
#
# BINARY defaults to target/debug/herald (built with `cargo build` only when missing; a
# given path is never built). Screenshots and summary.json go to $BROWSER_SHOTS_DIR
# (default target/browser-shots). Set BROWSER_SELF_TEST=1 to run `crawl.mjs --self-test`
# first. Needs node >= 20 and npm; installs Debian's chromium when missing and root.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

say() { echo "browser/run.sh: $*" >&2; }
loud() {
  echo "################################################################################" >&2
  for line in "$@"; do echo "## $line" >&2; done
  echo "################################################################################" >&2
}

# --- the binary -------------------------------------------------------------------------
if [[ $# -ge 1 ]]; then
  case "$1" in
    /*) bin="$1" ;;
    *) bin="$PWD/$1" ;;
  esac
  if [[ ! -x "$bin" ]]; then
    say "Herald binary not found or not executable at $bin"
    exit 2
  fi
else
  bin="$repo/target/debug/herald"
  if [[ ! -x "$bin" ]]; then
    say "no $bin yet: cargo build"
    cargo build --bin herald
  fi
fi

# --- the browser and node ---------------------------------------------------------------
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "no $chromium: installing Debian's chromium package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if [[ ! -x "$chromium" ]]; then
    loud "THE BROWSER TEST CANNOT RUN: no Chromium at $chromium." \
      "Install Debian's chromium package as root (apt-get install -y chromium)," \
      "or point CHROMIUM at a Chromium binary."
    exit 2
  fi
fi
export CHROMIUM="$chromium"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    loud "THE BROWSER TEST CANNOT RUN: no $tool on PATH (needs Node.js >= 20 with npm)."
    exit 2
  fi
done

# Dependencies: `npm ci` when node_modules is missing or older than the lockfile.
if [[ ! -f "$here/node_modules/.package-lock.json" \
  || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" \
  || "$here/package.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  say "npm ci in tests/browser"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

if [[ "${BROWSER_SELF_TEST:-0}" == 1 ]]; then
  say "self-test: the crawler must flag planted problems"
  (cd "$here" && timeout 300 node crawl.mjs --self-test)
fi

# --- the server -------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/herald-browser-XXXXXX")"
log="$work/herald.log"
server_pid=""
show_log() {
  say "server log ($log), last 200 lines:"
  tail -n 200 "$log" >&2 || true
}
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # Bounded: about 10 s for a clean shutdown, then SIGKILL.
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f "$log" ]]; then show_log; fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Locked down by default, as an organisation runs it: an access file with one
# administrator (a fresh password and session key per run) and no anonymous grant. The
# crawl signs in through the portal's form, crawls as that person, then asks for every URL
# again without a session (crawl.mjs, anonymousSeesNothing). BROWSER_OPEN=1 crawls an
# open Herald (no access file) instead.
auth_args=()
if [[ "${BROWSER_OPEN:-0}" != 1 ]]; then
  password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  hash="$(printf '%s\n' "$password" | "$bin" auth hash-password)"
  key="$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
  cat >"$work/access.yaml" <<EOF
users:
  - name: architect
    password_hash: "$hash"
session:
  key: "$key"
grants:
  - to: user:architect
    role: admin
    on: "*"
EOF
  auth_args=(--auth-config "$work/access.yaml")
  export CRAWL_SIGN_IN="architect:$password"
  say "locked down: the crawl signs in as architect (BROWSER_OPEN=1 for an open Herald)"
fi

# Port 0: the kernel picks a free port and the server logs the address it bound.
NO_COLOR=1 HERALD_LOG="${HERALD_LOG:-info}" \
  "$bin" serve --demo --listen 127.0.0.1:0 --database "sqlite://$work/herald.db" \
  "${auth_args[@]}" >"$log" 2>&1 &
server_pid=$!

address=""
ready=""
for _ in $(seq 1 300); do # at most 60 s
  if ! kill -0 "$server_pid" 2>/dev/null; then
    say "the server exited before it was ready"
    exit 1
  fi
  if [[ -z "$address" ]]; then
    address="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'listen=127\.0\.0\.1:[0-9]\+' | head -n 1 | cut -d= -f2 || true)"
  fi
  if [[ -n "$address" ]] && node -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    ' "http://$address/health/ready"; then
    ready=1
    break
  fi
  sleep 0.2
done
if [[ -z "$ready" ]]; then
  say "the server was not ready within 60 s (address: ${address:-not logged})"
  exit 1
fi
say "Herald (demo landscape) is ready at http://$address"

# --- the crawl --------------------------------------------------------------------------
out="${BROWSER_SHOTS_DIR:-$repo/target/browser-shots}"
case "$out" in /*) ;; *) out="$repo/$out" ;; esac
status=0
(cd "$here" && timeout 1500 node crawl.mjs --base "http://$address" --out "$out") || status=$?
if [[ $status -ne 0 ]]; then
  say "the crawl failed (exit $status); screenshots and summary.json in $out"
fi
exit $status
