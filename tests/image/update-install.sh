#!/bin/bash
# An update installed with RAUC in the VM, end to end on the phone's own
# pieces: the image's RAUC service on its system bus, the custom backend,
# the initramfs's boot selector, ucphoned's slot watcher.
#  1. The factory phone (1.0.199.123, slot a) installs a signed verity
#     bundle of 1.0.522.101 (scripts/make-update-bundle.sh) with
#     `rauc install`: written into slot b, b put first on trial; ucphoned
#     sees the installed update and reboots by itself (idle, window any).
#  2. b boots and reports 1.0.522.101; its network comes up (DHCP from
#     this test's dnsmasq, no sign-in configured) within the trial time, so
#     ucphoned marks b good (`rauc status mark-good`).
#  3. A bundle whose root never gets a network (its ucphoned asks DHCP
#     with a vendor class the network ignores: a broken config) goes into
#     a: a boots on trial three times, each time ucphoned gives up after
#     the trial time and reboots, then the selector returns to b, and
#     `ucphonectl status` names the failed update: slot a, its version,
#     why.
#  4. A bundle with a flipped payload byte is refused by the write (dm-
#     verity), leaves a bad, and b still boots next.
# The trial time is 1 minute here (`ucphone-config set update-trial-min 1`,
# on the data partition so every slot reads it). No testbed: eth0 sits on a
# bridge in a namespace of this test's own. TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"

ns=ucpupd$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-upd.XXXXXX")
t0=$SECONDS
step() { echo "# [$((SECONDS - t0)) s] $*"; }
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		tail -n 30 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	[ ! -s "$scratch/dnsmasq.pid" ] || kill "$(cat "$scratch/dnsmasq.pid")" 2>/dev/null
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

# The bundles: a good 1.0.522.101, one whose ucphoned asks DHCP as
# "ucphone-broken" (this network ignores it), and a tampered copy.
mkdir -p "$scratch/upd" "$scratch/broken/etc/default"
echo 'UCPHONED_OPTS="--interface eth0 --vendor-class ucphone-broken"' \
	>"$scratch/broken/etc/default/ucphoned"
step "making bundles"
"$repo/scripts/make-update-bundle.sh" --root "$ROOT" --fast 1.0.522.101 "$scratch/upd/good.raucb" \
	>"$scratch/good.env" 2>"$scratch/bundle.log" &&
"$repo/scripts/make-update-bundle.sh" --root "$ROOT" --fast --overlay "$scratch/broken" 1.0.522.102 \
	"$scratch/upd/broken.raucb" >/dev/null 2>>"$scratch/bundle.log" || {
	sed 's/^/# /' "$scratch/bundle.log" | tail -n 20
	bail "update bundles are made"
}
cp "$scratch/upd/good.raucb" "$scratch/upd/tampered.raucb"
# a byte in the middle of the root image (the payload, not the signature)
off=$(($(stat -c %s "$scratch/upd/tampered.raucb") / 3))
b=$(od -An -tu1 -j "$off" -N1 "$scratch/upd/tampered.raucb" | tr -d ' ')
printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
	dd of="$scratch/upd/tampered.raucb" bs=1 seek="$off" conv=notrunc status=none
mksquashfs "$scratch/upd" "$scratch/upd.sqfs" -noappend -quiet -no-progress \
	-noI -noD -noF -noX -all-root >/dev/null || bail "the bundles' disk"
step "bundles ready"

ip netns add "$ns" && ip -n "$ns" link add br0 type bridge &&
	ip -n "$ns" addr add 10.98.0.1/24 dev br0 && ip -n "$ns" link set br0 up ||
	bail "a namespace with a bridge for eth0"
ip netns exec "$ns" dnsmasq --conf-file=/dev/null --port=0 --interface=br0 \
	--bind-interfaces --dhcp-range=10.98.0.10,10.98.0.99,12h --no-ping --dhcp-authoritative \
	--dhcp-vendorclass=set:broken,ucphone-broken --dhcp-ignore=tag:broken \
	--dhcp-leasefile="$scratch/leases" --pid-file="$scratch/dnsmasq.pid" ||
	bail "dnsmasq on the test's bridge"

boot() {
	image_stop
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	image_boot --disk "$scratch/disk.img" --persist --net "$ns:br0" \
		--drive "$scratch/upd.sqfs" --timeout 900
	image_wait_ready 180 && guest_wait 'ucphonectl info >/dev/null' 90
}
# "<booted slot> <state file on one line>"
where() {
	guest 'echo "$(cat /data/.booted-slot) $(paste -sd" " /data/boot/state)"' 20
}
sw() { guest 'ucphonectl --json status' 20 | jq -c ".software$1" 2>/dev/null; }
mount_upd='mkdir -p /run/upd && { mountpoint -q /run/upd || mount -t squashfs -o ro /dev/vdb /run/upd; }'

step "boot 1: factory"
boot || bail "the factory image boots"
check "factory: slot a, version 1.0.199.123" \
	test "$(sw .version) $(sw .booted_slot)" = '"1.0.199.123" "a"'
check "RAUC's service runs and knows the booted slot" \
	eval 'guest_wait "rauc status 2>&1 | grep -q \"Booted from: rootfs.0 (a)\"" 60'
guest 'ucphone-config set update-trial-min 1' >/dev/null
check "the trial time is a setting (1 min here)" \
	test "$(guest 'ucphone-config get update-trial-min')" = 1
guest "$mount_upd" >/dev/null

step "install 1.0.522.101"
t=$SECONDS
out=$(guest 'rauc install /run/upd/good.raucb 2>&1; echo "rc=$?"' 600)
check "rauc install writes b ($((SECONDS - t)) s)" eval '[[ $out == *"rc=0" ]]'
echo "$out" | tail -n 3 | sed 's/^/# /'
got=$(where)
check "b is next, on trial with 3 tries: $got" \
	eval '[[ $got == "a ORDER=b a a_OK=1 a_TRY=3 b_OK=2 b_TRY=3 FAILED=" ]]'
step "waiting for the phone to reboot into the update by itself"
check "ucphoned reboots into the update (idle, window any)" image_wait_exit 120

step "boot 2: the update"
boot || bail "the updated slot boots"
check "slot b reports 1.0.522.101, on trial" \
	test "$(sw .version) $(sw .booted_slot)" = '"1.0.522.101" "b"'
check "its network comes up and ucphoned marks b good" \
	guest_wait 'grep -q "^b_OK=1" /data/boot/state' 150
got=$(where)
check "b confirmed, a kept as the fallback: $got" \
	eval '[[ $got == "b ORDER=b a a_OK=1 a_TRY=3 b_OK=1 b_TRY=3 FAILED=" ]]'
# the daemon hears of the mark's end at its next tick (3 s): ask until then
sw_is() { local i; for i in $(seq 1 "$3"); do [ "$(sw "$1")" = "$2" ] && return 0; sleep 1; done; return 1; }
check "status: b confirmed" sw_is .trial '"confirmed"' 20
rs=$(guest 'rauc status 2>&1; cat /data/rauc/central.raucs' 60)
check "RAUC booted from b and recorded the version it wrote" \
	eval '[[ $rs == *"Booted from: rootfs.1 (b)"* && $rs == *"bundle.version=1.0.522.101"* ]]'
guest 'ucphonectl status' 20 | grep -E '^(software|slot|next)' | sed 's/^/# /'

step "install the bundle that never gets a network (1.0.522.102) into a"
guest "$mount_upd" >/dev/null
out=$(guest 'rauc install /run/upd/broken.raucb 2>&1; echo "rc=$?"' 600)
check "rauc install writes a" eval '[[ $out == *"rc=0" ]]'
check "ucphoned reboots into it" image_wait_exit 120
seq=''
for try in 1 2 3; do
	step "trial boot $try of a"
	boot || { not_ok "trial boot $try"; break; }
	seq="$seq$(guest 'cat /data/.booted-slot' 20) "
	# no lease: ucphoned gives up after the trial time and reboots
	image_wait_exit 240 || { not_ok "trial boot $try: ucphoned gives up and reboots"; break; }
done
step "boot after the trials"
boot || bail "the phone boots after the failed trials"
seq="$seq$(guest 'cat /data/.booted-slot' 20)"
check "never healthy: a, a, a, then b (rollback): $seq" test "$seq" = "a a a b"
got=$(where)
check "a failed, b good and first: $got" \
	eval '[[ $got == "b ORDER=b a a_OK=0 a_TRY=0 b_OK=1 b_TRY=3 FAILED=a" ]]'
check "status names the failed update: slot a, 1.0.522.102" \
	test "$(sw .failed_update.slot) $(sw .failed_update.version)" = '"a" "1.0.522.102"'
reason=$(sw .failed_update.reason)
# Why, in the phone's words: the last trial boot's note, "ran ucphoned,
# never proved itself" (or "did not prove itself within its trial time"),
# and the condition it was waiting for.
check "and why: $reason" eval '[[ $reason == *"prove"*"itself"*"no DHCP lease"* ]]'
st=$(guest 'ucphonectl status' 20)
check "ucphonectl status says it in words" \
	eval '[[ $st == *"update failed: slot a, version 1.0.522.102"* ]]'
check "b still runs 1.0.522.101" test "$(sw .version)" = '"1.0.522.101"'

step "a tampered bundle"
guest "$mount_upd" >/dev/null
out=$(guest 'rauc install /run/upd/tampered.raucb 2>&1; echo "rc=$?"' 600)
check "a flipped payload byte: the install fails" eval '[[ $out != *"rc=0" ]]'
echo "$out" | grep -i -m2 'error\|fail' | sed 's/^/# /'
got=$(where)
check "a is bad, b stays next: $got" \
	eval '[[ $got == "b ORDER=b a a_OK=0 a_TRY=0 b_OK=1 "* ]]'
check "status: slot a not bootable, no version claimed" \
	test "$(sw '.slots[0].state') $(sw '.slots[0].version')" = '"bad" null'
step "done"
echo "1..$n"
[ "$fails" -eq 0 ]
