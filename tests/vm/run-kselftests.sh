#!/bin/bash
# Runs every kernel test in one VM boot: the kselftest programs under
# build/tests/kselftest and the daemon-with-modules test, with the ucphone
# modules installed as a board has them. Prints the tests' TAP; exits
# non-zero on any failure, kernel WARN or oops.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
build=${1:-build}

modules=()
while IFS= read -r ko; do
	modules+=(--module "$ko")
done < <(find kernel tests/kmod -name '*.ko' | sort)
# gpio-sim for the keypad tests: built from linux-source at test time.
modules+=(--module "$(tests/kmod/gpio-sim/build.sh)")
[ ${#modules[@]} -gt 0 ] || { echo "no kernel modules built: run make first" >&2; exit 1; }

exec tests/vm/run.sh "${modules[@]}" --timeout 900 -- tests/vm/guest-tests.sh "$build"
