#!/bin/bash
# Power cuts during an update (QEMU killed, SIGKILL): in turn
#   install    at a random instant while `rauc install` writes the other
#              slot (bundle mounted through dm-verity, slot marked bad,
#              written, activated)
#   switch     right after the install returned: the backend's
#              set-primary is on the disk, ucphoned is rebooting the phone
#              into it (rcK, the reboot)
#   firstboot  at a random instant of the new slot's first boot on trial
#              (initramfs counting the try, init, ucphoned, the mark-good)
# After every cut the phone must boot a slot whose bytes are one of the
# roots it was given (factory, 1.0.522.101, 3.5.6907.35: sha256 of the
# slot's squashfs), never a half-written one, and `ucphonectl status` must
# tell each slot's truth: the state the boot selector keeps, and for every
# slot it calls good, on trial or failed, the version whose root the slot
# really holds; a bad slot gets no version. How often RAUC's own status file
# alone would have called a bad slot "ok" is counted. Bundles alternate
# between the two versions so a slot always changes. Cut points and times
# are printed. No testbed: eth0 on a bridge of the test's own with dnsmasq,
# no sign-in (an updated slot proves itself by its DHCP lease). TAP.
#   tests/image/update-power-cut.sh [CUTS]   default 3 (UPDATE_CUTS=N too)
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cuts=${1:-${UPDATE_CUTS:-3}}
[[ $cuts =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [CUTS]" >&2; exit 2; }
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"

ns=ucpupc$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-upc.XXXXXX")
t0=$SECONDS
note() { echo "# [$((SECONDS - t0)) s] $*"; }
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
sq_sha() {
	local used
	used=$(od -An -tu8 -j40 -N8 "$1" | tr -d ' ')
	head -c "$used" "$1" | sha256sum | cut -c1-64
}
declare -A SHA_OF=([factory]=$(sq_sha "$ROOT") [1.0.199.123]=$(sq_sha "$ROOT"))
mkdir -p "$scratch/upd"
for v in 1.0.522.101 3.5.6907.35; do
	out=$("$repo/scripts/make-update-bundle.sh" --root "$ROOT" --fast "$v" "$scratch/upd/$v.raucb" \
		2>"$scratch/bundle.log") || {
		sed 's/^/# /' "$scratch/bundle.log" | tail -n 20
		bail "the $v bundle is made"
	}
	SHA_OF[$v]=$(sed -n 's/^SLOT_SHA256=//p' <<<"$out")
done
mksquashfs "$scratch/upd" "$scratch/upd.sqfs" -noappend -quiet -no-progress \
	-noI -noD -noF -noX -all-root >/dev/null || bail "the bundles' disk"
ip netns add "$ns" && ip -n "$ns" link add br0 type bridge &&
	ip -n "$ns" addr add 10.97.0.1/24 dev br0 && ip -n "$ns" link set br0 up ||
	bail "a namespace with a bridge for eth0"
ip netns exec "$ns" dnsmasq --conf-file=/dev/null --port=0 --interface=br0 \
	--bind-interfaces --dhcp-range=10.97.0.10,10.97.0.99,12h --no-ping --dhcp-authoritative \
	--dhcp-leasefile="$scratch/leases" --pid-file="$scratch/dnsmasq.pid" ||
	bail "dnsmasq on the test's bridge"

start() {
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	image_boot --disk "$scratch/disk.img" --persist --net "$ns:br0" \
		--drive "$scratch/upd.sqfs" --timeout 900
}
boot() {
	image_stop
	start
	image_wait_ready 180 && guest_wait 'ucphonectl --json status | grep -q "\"software\""' 90
}

# The truth, measured in the guest: for each slot its state line and the
# sha256 of its squashfs (a good or trial slot only: a bad one may hold
# anything), then ucphoned's status and RAUC's record.
measure='for s in a b; do d=/dev/vda1; [ $s = b ] && d=/dev/vda2
	ok=$(sed -n "s/^${s}_OK=//p" /data/boot/state)
	if [ "$ok" != 0 ]; then u=$(od -An -tu8 -j40 -N8 $d | tr -d " ")
		echo "sha $s $(head -c "$u" $d | sha256sum | cut -c1-64)"; fi; done'
verify() {
	local label=$1 booted js sha s state ver lies
	booted=$(guest 'cat /data/.booted-slot' 20)
	guest "$measure" 120 >"$scratch/measure" || true
	js=$(guest 'ucphonectl --json status' 20 | jq -c .software 2>/dev/null)
	local good=1 why=''
	for s in a b; do
		sha=$(sed -n "s/^sha $s //p" "$scratch/measure")
		state=$(jq -r ".slots[] | select(.slot == \"$s\") | .state" <<<"$js")
		ver=$(jq -r ".slots[] | select(.slot == \"$s\") | .version // \"\"" <<<"$js")
		case $state in
		bad)
			[ -z "$ver" ] || { good=0; why="$why $s bad but version $ver;"; }
			[ "$s" != "$booted" ] || { good=0; why="$why booted bad slot $s;"; } ;;
		good | trial | failed)
			if [ -z "$sha" ] || [ "${SHA_OF[$ver]:-x}" != "$sha" ]; then
				good=0
				why="$why $s ($state) says $ver, holds ${sha:0:12};"
			fi ;;
		*) good=0; why="$why $s state '$state';" ;;
		esac
	done
	# the booted slot: one of the roots given, never a half-written one
	sha=$(sed -n "s/^sha $booted //p" "$scratch/measure")
	local known=0
	for v in "${!SHA_OF[@]}"; do [ "${SHA_OF[$v]}" = "$sha" ] && known=1; done
	[ "$known" = 1 ] || { good=0; why="$why booted $booted holds an unknown root ${sha:0:12};"; }
	check "$label: booted $booted $(jq -r .version <<<"$js"); slots $(jq -r '[.slots[] | .slot + "=" + .state + ":" + (.version // "-")] | join(" ")' <<<"$js")${why:+ -- $why}" \
		test "$good" = 1
	# RAUC's record alone: a bad slot it still calls ok
	lies=$(guest 'for i in 0 1; do s=a; [ $i = 1 ] && s=b
		[ "$(sed -n "s/^${s}_OK=//p" /data/boot/state)" = 0 ] &&
		sed -n "/^\[slot.rootfs.$i\]/,/^\[/p" /data/rauc/central.raucs 2>/dev/null |
		grep -q "^status=ok" && echo "$s"; done' 20 | paste -sd' ')
	[ -z "$lies" ] || { rauc_lies=$((rauc_lies + 1)); note "RAUC's status file alone calls bad slot(s) $lies ok"; }
	BOOTED=$booted VERSION=$(jq -r .version <<<"$js")
}

rauc_lies=0
note "boot 0 (factory)"
boot || bail "the factory image boots"
guest 'ucphone-config set update-trial-min 1' >/dev/null
verify "before any cut"
guest 'mkdir -p /run/upd && mount -t squashfs -o ro /dev/vdb /run/upd' >/dev/null
# One full install first: how long the write takes here (the install
# phase's cut falls in it).
t=$SECONDS
guest 'rauc install /run/upd/1.0.522.101.raucb >/dev/null 2>&1' 600
install_s=$((SECONDS - t))
note "a whole install took $install_s s"
image_wait_exit 120 || image_cut
boot || bail "the phone boots the update"
verify "after a whole install"
guest_wait 'grep -q "^${BOOTED}_OK=1" /data/boot/state' 150 || true

phases=(install switch firstboot)
log=()
for cut in $(seq 1 "$cuts"); do
	phase=${phases[$(((cut - 1) % 3))]}
	target=1.0.522.101
	[ "$VERSION" != 1.0.522.101 ] || target=3.5.6907.35
	guest 'mountpoint -q /run/upd || { mkdir -p /run/upd && mount -t squashfs -o ro /dev/vdb /run/upd; }' >/dev/null
	case $phase in
	install)
		delay=$((RANDOM % (install_s > 1 ? install_s : 2))).$((RANDOM % 10))
		guest "(rauc install /run/upd/$target.raucb >/dev/console 2>&1 &)" >/dev/null
		sleep "$delay"
		image_cut
		what="into rauc install of $target" ;;
	switch)
		guest "rauc install /run/upd/$target.raucb >/dev/null 2>&1" 600
		# ucphoned notices the activated slot within its 3 s tick, then
		# init runs rcK and reboots: the cut falls before, in or after that
		delay=$((RANDOM % 4)).$((RANDOM % 10))
		sleep "$delay"
		if kill -0 "$IMAGE_PID" 2>/dev/null; then
			image_cut
			what="after rauc install of $target returned"
		else
			image_wait_exit 5
			what="after install of $target: rebooted before the cut"
		fi ;;
	firstboot)
		guest "rauc install /run/upd/$target.raucb >/dev/null 2>&1" 600
		image_wait_exit 120 || image_cut
		start
		# initramfs ~5 s, ucphoned ~35 s, lease and mark-good ~45-60 s in
		delay=$((5 + RANDOM % 55)).$((RANDOM % 10))
		sleep "$delay"
		image_cut
		what="into the first boot of $target"
		# where it was: the last boot line on the console
		what="$what ($(grep -a -o 'ucphone-initramfs: boot selector: slot [ab]\|ucphone-boot: [a-z ]*[0-9.]*' \
			"$IMAGE_CONSOLE" 2>/dev/null | tail -n 1))" ;;
	esac
	note "cut $cut ($phase): ${delay} s $what"
	log+=("cut $cut $phase ${delay}s $what")
	if ! boot; then
		not_ok "cut $cut ($phase, ${delay} s): the phone boots again"
		break
	fi
	verify "cut $cut ($phase, ${delay} s)"
	# a slot on trial proves itself before the next cut (or is left)
	guest_wait "! grep -q '^${BOOTED}_OK=2' /data/boot/state" 150 || true
done
note "cut points:"
printf '#   %s\n' "${log[@]}"
note "RAUC's status file alone would have called a bad slot ok after $rauc_lies of the boots"
echo "1..$n"
[ "$fails" -eq 0 ]
