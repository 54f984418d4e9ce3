#!/bin/bash
# Boots the test VM with the ucphone modules and prints the SRTP benchmark
# table (tests/bench/srtp/srtp_bench.c). Build first: make && make userspace.
#
# A board's udev loads the CPU's accelerated crypto drivers at boot (the
# modules whose aliases match /sys/devices/system/cpu/modalias: AES-NI,
# SHA-NI/AVX2 here, the ARMv8 crypto extensions on a phone); the test VM
# has no udev, and without them the kernel would run SRTP on its generic C
# AES and SHA-1 while libsrtp2 and OpenSSL use the CPU's instructions.
# So the guest loads them first, as coldplug would, and says which.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
build=${1:-build}
coldplug='for m in $(modprobe -R "$(cat /sys/devices/system/cpu/modalias)" 2>/dev/null | sort -u); do
	case $(modinfo -n "$m") in */arch/*/crypto/*) modprobe "$m" && printf "%s " "$m" ;; esac
done'
exec tests/vm/run.sh --module kernel/core/ucphone.ko \
	--module kernel/srtp/ucphone-srtp.ko --timeout 900 -- \
	sh -c "echo \"CPU crypto drivers loaded: \$($coldplug)\" &&
		modprobe ucphone-srtp && $build/tests/bench/srtp/srtp_bench &&
		grep -A1 -E '^name +: (ctr\\(aes\\)|hmac\\(sha1\\))\$' /proc/crypto | grep driver"
