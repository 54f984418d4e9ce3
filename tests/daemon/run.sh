#!/bin/sh
# Integration tests of ucphoned + ucphonectl on the host (degraded mode:
# no ucphone module). Prints TAP; exits non-zero if a test failed.
#   tests/daemon/run.sh [BUILD_DIR]      (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
python3 "$here/test_daemon.py" --build "$build" && python3 "$here/test_signin.py" --build "$build" && python3 "$here/test_diag.py" --build "$build"
