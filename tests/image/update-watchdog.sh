#!/bin/bash
# An update whose ucphoned cannot start is rolled back without a power
# cycle: on a slot on trial the boot arms the kernel watchdog (softdog on
# the virtual dev board, /etc/init.d/rcS), only a running ucphoned pets it
# (--watchdog), so each boot of the broken slot ends in a watchdog reboot,
# the initramfs's boot selector counts the try, and after the last one the
# phone is back on its good slot, whose `ucphonectl update status` names
# the failed update.
#  1. The factory phone (slot a) installs, with `rauc install`, a bundle of
#     its own root whose /etc/default/ucphoned gives ucphoned an option it
#     does not know (it exits at once, every time init starts it); ucphoned
#     reboots into it by itself.
#  2. Slot b boots on trial three times; each time nothing pets the
#     watchdog and QEMU sees the guest reset (it runs with -no-reboot: the
#     reset ends it, the test boots it again, as the board would restart).
#  3. Slot a boots again; b failed, a good; update status says so.
# The watchdog's timeout is 30 s here (/etc/default/watchdog on the data
# partition's /etc overlay, read by rcS). eth0 sits alone on a bridge in a
# namespace of this test's own (no DHCP: slot a is good without it). TAP;
# ~5-10 min under TCG.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-wdt.XXXXXX")
ns=ucpwdt$$
t0=$SECONDS
step() { echo "# [$((SECONDS - t0)) s] $*"; }
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		tail -n 30 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	ip netns del "$ns" 2>/dev/null
	rm -rf "$scratch" "${IMAGE_DIR:-}"
}
trap cleanup EXIT
bail() { not_ok "$1"; echo "1..$n"; exit 1; }

env_out=$("$repo/scripts/build-image.sh" --print-env 2>"$scratch/build.log") || {
	sed 's/^/# /' "$scratch/build.log" | tail -n 20
	bail "the phone image builds"
}
eval "$env_out"
cp --sparse=always "$DISK" "$scratch/disk.img"

mkdir -p "$scratch/upd" "$scratch/broken/etc/default"
echo 'UCPHONED_OPTS="--interface eth0 --no-such-option"' \
	>"$scratch/broken/etc/default/ucphoned"
step "making the bundle whose ucphoned cannot start"
"$repo/scripts/make-update-bundle.sh" --root "$ROOT" --fast --overlay "$scratch/broken" \
	1.0.522.103 "$scratch/upd/broken.raucb" >/dev/null 2>"$scratch/bundle.log" || {
	sed 's/^/# /' "$scratch/bundle.log" | tail -n 20
	bail "the bundle is made"
}
mksquashfs "$scratch/upd" "$scratch/upd.sqfs" -noappend -quiet -no-progress \
	-noI -noD -noF -noX -all-root >/dev/null || bail "the bundle's disk"
step "bundle ready"
ip netns add "$ns" && ip -n "$ns" link add br0 type bridge && ip -n "$ns" link set br0 up ||
	bail "a namespace with a bridge for eth0"

boot() {
	image_stop
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	image_boot --disk "$scratch/disk.img" --persist --net "$ns:br0" \
		--drive "$scratch/upd.sqfs" --timeout 900
	image_wait_ready 240
}
where() {
	guest 'echo "$(cat /data/.booted-slot) $(paste -sd" " /data/boot/state)"' 20
}
ujs() { guest 'ucphonectl --json update status' 20 | jq -c "$1" 2>/dev/null; }

step "boot 1: factory"
boot || bail "the factory image boots"
check "ucphoned runs and pets the watchdog (softdog, armed by its open)" \
	guest_wait 'ucphonectl info >/dev/null && grep -q "petting the watchdog" /var/log/ucphoned.log' 90
check "a good slot's boot does not arm it (no reboot loop without a daemon)" \
	eval '! grep -q "ucphone-boot: watchdog armed" "$IMAGE_CONSOLE"'
# a shorter timeout for the test, on the data partition's /etc
guest 'echo WATCHDOG_TIMEOUT=30 >/etc/default/watchdog && sync' >/dev/null
# a healthy daemon keeps the phone up past the timeout (the boot's 60 s)
sleep 70
check "a healthy phone is not reset by the watchdog (70 s)" eval 'kill -0 "$IMAGE_PID"'
guest 'mkdir -p /run/upd && mount -t squashfs -o ro /dev/vdb /run/upd' >/dev/null
step "install the bundle"
out=$(guest 'rauc install /run/upd/broken.raucb 2>&1; echo "rc=$?"' 600)
check "rauc install writes b" eval '[[ $out == *"rc=0" ]]'
check "ucphoned reboots into it" image_wait_exit 180

seq=''
for try in 1 2 3; do
	step "trial boot $try of b"
	tb=$SECONDS
	boot || { not_ok "trial boot $try"; break; }
	seq="$seq$(guest 'cat /data/.booted-slot' 20) "
	# ucphoned exits at every start: nothing pets the watchdog
	check "trial boot $try: the boot armed the watchdog" \
		eval 'grep -q "ucphone-boot: watchdog armed (slot b on trial)" "$IMAGE_CONSOLE"'
	if image_wait_exit 240; then
		echo "# trial boot $try: reset by the watchdog $((SECONDS - tb)) s after QEMU started"
	else
		not_ok "trial boot $try: the watchdog resets the phone"
		break
	fi
done
step "boot after the trials"
boot || bail "the phone boots after the failed trials"
seq="$seq$(guest 'cat /data/.booted-slot' 20)"
check "b, b, b reset by the watchdog, then a (rollback, no power cycle): $seq" \
	test "$seq" = "b b b a"
got=$(where)
check "b failed, a good and first: $got" \
	eval '[[ $got == "a ORDER=a b a_OK=1 "*"b_OK=0 b_TRY=0 FAILED=b" ]]'
guest_wait 'ucphonectl info >/dev/null' 90
check "update status: the failed update is slot b, 1.0.522.103, rolled back after its trial" \
	test "$(ujs .failed_update.slot) $(ujs .failed_update.version) $(ujs .failed_update.stage)" = \
	'"b" "1.0.522.103" "trial"'
reason=$(ujs .failed_update.reason)
check "and why: $reason" eval '[[ $reason == *"never ran"* ]]'
guest 'ucphonectl update status' 20 | sed 's/^/# /'
step "done"
echo "1..$n"
[ "$fails" -eq 0 ]
