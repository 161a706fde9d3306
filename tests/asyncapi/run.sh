#!/usr/bin/env bash
# Validates AsyncAPI documents with the official AsyncAPI parser (see validate.mjs).
#
#   tests/asyncapi/run.sh FILE...                       JSON or YAML files
#   tests/asyncapi/run.sh --url http://127.0.0.1:8081   a running Herald's documents
#
# Installs the pinned dependencies (package-lock.json) into tests/asyncapi/node_modules
# first, unless that exact lock file is already installed. Install scripts are not run:
# no dependency needs one, and the only one there is (@scarf/scarf) is a telemetry ping.
# `--prefer-offline` lets a warmed npm cache stand in for the registry.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/node_modules/.herald-installed-lock.json"

if ! cmp -s "$here/package-lock.json" "$stamp" 2>/dev/null; then
    (
        cd "$here"
        SCARF_ANALYTICS=false npm ci --no-audit --no-fund --ignore-scripts --prefer-offline
    ) >&2
    cp "$here/package-lock.json" "$stamp"
fi

exec node "$here/validate.mjs" "$@"
