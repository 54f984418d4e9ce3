#!/bin/bash
# Runs the host-side tests Meson knows (unit tests, daemon integration) in
# build folder $1 and prints every test case's TAP verdict line, so the
# suite counts test cases, not programs.
set -uo pipefail
dir=${1:?usage: run-meson-tests.sh BUILD_DIR}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
meson test -C "$dir" --print-errorlogs --num-processes 2
rc=$?
grep -E '^(not )?ok [0-9]+' "$dir/meson-logs/testlog.txt"
exit $rc
