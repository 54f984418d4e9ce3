#!/bin/bash
# How long the phone takes from QEMU start to registered, stage by stage,
# booting its disk image under TCG on the testbed (brought up here, with a
# prefix of its own, and down again at the end).
#
#   tests/bench/boot-stages.sh [RUNS]      (default 1 measured boot)
#   tb-run tests/bench/boot-stages.sh      on the bed tb-run brought up
#                                          (BOOT_STAGES_RUNS=N runs)
#
# A scratch copy of the disk image is booted once to sign in as the bed's
# alice (the identity lands on the data partition), then booted RUNS times
# the way a phone on a desk boots: with a stored identity. Each stage's
# time is when its mark reached the host, in seconds after QEMU started:
#   kernel      the kernel's first console line
#   initramfs   the initramfs's /init runs
#   init        busybox init runs the root's rcS
#   ucphoned    init starts ucphoned (rcS done: eth0's driver loaded)
#   board       the board's devices registered (beside ucphoned; their
#               drivers then load by modalias)
#   dhcp        `ucphonectl status` shows the lease bound
#   registered  `ucphonectl status` shows the registration
# (the last two are polled on the service console, ~0.3 s resolution).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
runs=${1:-1}
# tb-run passes its build folder: the bed is up already, and stays its.
own_bed=1
if [ -d "$runs" ]; then
	runs=${BOOT_STAGES_RUNS:-1}
	own_bed=0
fi
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS]" >&2; exit 2; }

export UCPHONE_TB_PREFIX=${UCPHONE_TB_PREFIX:-bn}
export UCPHONE_TESTBED_RUN=${UCPHONE_TESTBED_RUN:-$repo/tests/testbed/run-$UCPHONE_TB_PREFIX}
# shellcheck source=../image/lib.sh
. tests/image/lib.sh

eval "$(scripts/build-image.sh --print-env)"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-bench.XXXXXX")
cleanup() {
	image_stop
	[ "$own_bed" = 0 ] || tests/testbed/down.sh >/dev/null 2>&1 || true
	rm -rf "$scratch"
}
trap cleanup EXIT
cp --sparse=always "$DISK" "$scratch/disk.img"
if [ "$own_bed" = 1 ]; then
	tests/testbed/up.sh >"$scratch/up.log" 2>&1 || { tail -n 20 "$scratch/up.log" >&2; exit 1; }
fi
# shellcheck source=/dev/null
. "$UCPHONE_TESTBED_RUN/env"

status_is() { guest 'ucphonectl --json status' 20 2>/dev/null | jq -e "$1" >/dev/null 2>&1; }
# poll_until JQ SECONDS: prints when (after QEMU start) the status matched.
poll_until() {
	local deadline=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$deadline" ]; do
		if status_is "$1"; then
			awk -v a="$(image_elapsed)" -v b="$IMAGE_QEMU_T" 'BEGIN { printf "%.2f", a - b }'
			return 0
		fi
		sleep 0.2
	done
	echo never
	return 1
}
# mark TEXT: when the first console line containing TEXT arrived.
mark() {
	awk -v t="$1" -v b="$IMAGE_QEMU_T" 'index($0, t) { printf "%.2f", $1 - b; found = 1; exit }
		END { if (!found) printf "never" }' "$IMAGE_DIR/console.stamped"
}
first_line() {
	awk -v b="$IMAGE_QEMU_T" 'NF > 1 { printf "%.2f", $1 - b; exit }' "$IMAGE_DIR/console.stamped"
}

echo "bench: first boot: signing in as $TB_USER_ADDRESS (identity kept on the data partition)"
image_boot --disk "$scratch/disk.img" --persist --net "$TB_NS_SW:br0" --timeout 600
image_wait_ready 120 || { echo "bench: the phone did not boot" >&2; exit 1; }
guest_wait 'ucphonectl info >/dev/null' 30
pass=$(cat "$TB_USER_PASS_FILE")
guest "ucphonectl signin --address '$TB_USER_ADDRESS' --user '$TB_USER_DOMAIN_USER' --password-stdin <<'EOF'
$pass
EOF" 30 >/dev/null
unset pass
[ "$(poll_until '.sip.state == "registered"' 120)" != never ] ||
	{ echo "bench: the first boot did not register" >&2; exit 1; }
image_stop

printf '%-4s %8s %9s %6s %9s %6s %6s %10s\n' run kernel initramfs init ucphoned board dhcp registered
for run in $(seq 1 "$runs"); do
	image_boot --disk "$scratch/disk.img" --persist --net "$TB_NS_SW:br0" --timeout 600
	image_wait_ready 120 || { echo "bench: the phone did not boot" >&2; exit 1; }
	dhcp=$(poll_until '.dhcp.state == "bound"' 60) || true
	reg=$(poll_until '.sip.state == "registered"' 120) || true
	printf '%-4s %8s %9s %6s %9s %6s %6s %10s\n' "$run" "$(first_line)" \
		"$(mark 'ucphone-initramfs: start')" "$(mark 'ucphone-boot: init')" \
		"$(mark 'ucphone-boot: ucphoned start')" "$(mark 'ucphone-boot: board up')" \
		"$dhcp" "$reg"
	image_stop
done
echo "bench: seconds after QEMU started (TCG, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
