#!/bin/bash
# The image's systemd variant (scripts/build-image.sh --init systemd): the
# same root with systemd as init and udev, booted in QEMU. Checked: PID 1
# is systemd, ucphoned.service (the unit meson installs) is active and its
# daemon answers, ucphone-ui.service runs the screen, the board's drivers
# bound through udev's modalias loading, and Restart=: after ucphoned is killed systemd starts it again
# (NRestarts counts it). The phone's default image runs busybox init
# (image/README.md says why); this keeps the unit for systemd boards
# working. No testbed: eth0 sits on a bridge of this test's own. TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"
ns=ucpsd$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-sd.XXXXXX")
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		guest 'systemctl --failed --no-pager; journalctl -b -u ucphoned --no-pager | tail -n 15' 20 2>/dev/null |
			sed 's/^/# guest: /'
		tail -n 20 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	ip netns del "$ns" 2>/dev/null
	rm -rf "$scratch" "${IMAGE_DIR:-}"
}
trap cleanup EXIT

env_out=$("$repo/scripts/build-image.sh" --init systemd --print-env 2>"$scratch/build.log") || {
	sed 's/^/# /' "$scratch/build.log" | tail -n 20
	not_ok "the systemd image builds"
	echo "1..$n"
	exit 1
}
eval "$env_out"
ok "the systemd image builds ($((ROOT_SIZE / 1048576)) MiB root)"
ip netns add "$ns" && ip -n "$ns" link add br0 type bridge && ip -n "$ns" link set br0 up

image_boot --disk "$DISK" --net "$ns:br0" --timeout 400
check "boots to the service console" image_wait_ready 180
pid1_exe=$(guest 'readlink /proc/1/exe' 20)
check "PID 1 is systemd ($pid1_exe)" eval '[[ $pid1_exe == */lib/systemd/systemd ]]'
check "ucphoned.service is active" guest_wait 'systemctl is-active -q ucphoned' 90
check "ucphoned answers" guest_wait 'ucphonectl info >/dev/null' 30
check "ucphone-ui.service is active (the screen, on the board's screen console)" \
	guest_wait 'systemctl is-active -q ucphone-ui && pidof ucphone-ui >/dev/null' 60
bound() { guest_wait "test -e /sys/bus/platform/drivers/$1/$1" 60; }
check "udev loaded ucphone-keypad by modalias: bound" bound ucphone-keypad
check "udev loaded ucphone-reset by modalias: bound" bound ucphone-reset
pid1=$(guest 'systemctl show --no-pager -p MainPID --value ucphoned' 20)
guest 'kill -KILL $(systemctl show -p MainPID --value ucphoned)' 20 >/dev/null
check "Restart=: systemd starts ucphoned again after a kill" \
	guest_wait "p=\$(systemctl show -p MainPID --value ucphoned) && [ \"\$p\" != 0 ] &&
		[ \"\$p\" != '$pid1' ] && systemctl is-active -q ucphoned && ucphonectl info >/dev/null" 60
check "and counts the restart" eval '[ "$(guest "systemctl show --no-pager -p NRestarts --value ucphoned" 20)" -ge 1 ]'
echo "1..$n"
[ "$fails" -eq 0 ]
