#!/usr/bin/env bash
# Runs every fuzz target in turn (never in parallel) for SECONDS seconds each (default 60).
# Logs go to LOG_DIR (default /tmp/herald-fuzz-logs); crashes to fuzz/artifacts/<target>/.
# Usage: fuzz/run_all.sh [SECONDS] [TARGET...]
# NO_BUILD=1 runs the binaries already built (by `cargo fuzz build`) as they are: useful while
# src/ keeps changing under a shared checkout, where `cargo fuzz run` would rebuild each time.
set -u
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(avro_parse avro_decode avro_compat protobuf_parse protobuf_compat
             json_schema_parse json_schema_compat)
fi
log_dir="${LOG_DIR:-/tmp/herald-fuzz-logs}"
mkdir -p "$log_dir"
export RUSTC_BOOTSTRAP=1
status=0
for target in "${targets[@]}"; do
    echo "== $target (${seconds}s)"
    flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10)
    if [ -n "${NO_BUILD:-}" ]; then
        mkdir -p "artifacts/$target" "corpus/$target"
        run=(target/x86_64-unknown-linux-gnu/release/"$target"
             -artifact_prefix="$PWD/artifacts/$target/" "${flags[@]}" "corpus/$target")
    else
        run=(cargo fuzz run "$target" -- "${flags[@]}")
    fi
    "${run[@]}" >"$log_dir/$target.log" 2>&1 || { echo "   $target stopped with a finding"; status=1; }
    grep -E "^#[0-9]+ +DONE|^Done [0-9]+ runs" "$log_dir/$target.log" | tail -2
done
exit $status
