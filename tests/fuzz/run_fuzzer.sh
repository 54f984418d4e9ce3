#!/bin/sh
# Runs one libFuzzer target for a while from its seeds, keeping what it
# finds in a working corpus of its own. Exits non-zero on a crash.
#   run_fuzzer.sh FUZZER WORK_CORPUS SEED_DIR [SEED_DIR...]
# FUZZ_SECONDS (default 20) sets the time.
set -eu
fuzzer=$1 work=$2
shift 2
mkdir -p "$work"
# Crash reproducers land next to the working corpus, not in the repo.
exec "$fuzzer" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work" "$@"
