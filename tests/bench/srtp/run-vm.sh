#!/bin/bash
# Boots the test VM with the ucphone modules and prints the SRTP benchmark
# table (tests/bench/srtp/srtp_bench.c). Build first: make && make userspace.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
build=${1:-build}
exec tests/vm/run.sh --module kernel/core/ucphone.ko \
	--module kernel/srtp/ucphone-srtp.ko --timeout 600 -- \
	sh -c "modprobe ucphone-srtp && $build/tests/bench/srtp/srtp_bench"
