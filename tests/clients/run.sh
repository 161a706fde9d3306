#!/usr/bin/env bash
# Real-client suite: drives fresh Heralds with the unmodified Python confluent-kafka client:
# an open one, and access-controlled ones (HTTP Basic, a static API token, OAUTHBEARER through
# the loopback test IdP in tests/idp/, whose own tests run here too). A skipped test fails.
# Needs a built binary (HERALD_BIN, default target/debug/herald); builds nothing itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

bin="${HERALD_BIN:-target/debug/herald}"
case "$bin" in
  /*) bin_path="$bin" ;;
  *) bin_path="$repo/$bin" ;;
esac
if [[ ! -x "$bin_path" ]]; then
  echo "run.sh: Herald binary not found or not executable at $bin_path" >&2
  echo "run.sh: build it first (cargo build) or point HERALD_BIN at it" >&2
  exit 2
fi
export HERALD_BIN="$bin_path"
# keep the source tree clean of __pycache__/
export PYTHONDONTWRITEBYTECODE=1

venv="${TMPDIR:-/tmp}/herald-clients-venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"

status=0
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
  -p fail_on_skip -rs tests/clients tests/idp "$@" || status=$?
if [[ $status -eq 5 ]]; then
  echo "run.sh: pytest collected no tests" >&2
  exit 1
fi
exit $status
