#!/bin/bash
# The phone image on the testbed: QEMU boots the disk image alone
# (scripts/build-image.sh, scripts/boot-image.sh; no host files), its eth0 on
# the bed's switch. Checked through the board's service console: the root is
# the read-only squashfs of slot a with the data partition and /etc overlay,
# the drivers of the virtual dev board (keypad, reset, ES8311, card) bound
# by modalias, ucphoned started and restarted by init, a DHCP lease, sign-in
# as alice to Registered, and a key press on the simulated keypad (a
# gpio-sim line pulled) reaching `ucphonectl events`. TAP; ~1-2 min.
#   image-boot.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
TB_DIR=$repo/tests/testbed
# shellcheck source=/dev/null
. "${UCPHONE_TESTBED_RUN:-$TB_DIR/run}/env"
# shellcheck source=../image/lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
status_js() { guest 'ucphonectl --json status' 20 | jq -r "$1" 2>/dev/null; }
wait_status() {
	local deadline=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$deadline" ]; do
		guest 'ucphonectl --json status' 20 2>/dev/null | jq -e "$1" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		guest 'tail -n 40 /var/log/ucphoned.log' 10 2>/dev/null | sed 's/^/# ucphoned: /'
		tail -n 30 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
		sed 's/^/# boot-image: /' "$IMAGE_DIR/boot.err" 2>/dev/null | tail -n 5
	fi
	image_stop
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
}
trap cleanup EXIT
echo "TAP version 13"

env_out=$("$repo/scripts/build-image.sh" --print-env 2>"${TMPDIR:-/tmp}/image-build.$$.log") || {
	sed 's/^/# /' "${TMPDIR:-/tmp}/image-build.$$.log" | tail -n 20
	rm -f "${TMPDIR:-/tmp}/image-build.$$.log"
	not_ok "the phone image builds"
	echo "1..$n"
	exit 1
}
rm -f "${TMPDIR:-/tmp}/image-build.$$.log"
eval "$env_out"
check "the root image is under 64 MiB ($((ROOT_SIZE / 1048576)) MiB, sha256 ${ROOT_SHA256:0:16})" \
	test "$ROOT_SIZE" -lt $((64 * 1048576))

image_boot --disk "$DISK" --net "$TB_NS_SW:br0" --timeout 600
check "the phone boots from its disk image to the service console" image_wait_ready 120
check "/ is slot a's squashfs, read-only" \
	guest 'grep -q "^/dev/vda1 / squashfs ro," /proc/mounts'
check "the data partition holds /etc's overlay and /var/lib/ucphone" \
	guest 'grep -q "^/dev/vda3 /data ext4 rw" /proc/mounts && grep -q "^overlay /etc overlay" /proc/mounts && grep -q " /var/lib/ucphone ext4 rw" /proc/mounts'
check "nothing of the build machine: no /usr/local, no apt, no compiler" \
	guest '! [ -e /usr/local/sbin ] && ! [ -e /usr/bin/apt ] && ! [ -e /usr/bin/gcc ]'
check "ucphone modules live in /lib/modules/\$(uname -r)/extra with depmod's index" \
	guest 'test -f /lib/modules/$(uname -r)/extra/ucphone-keypad.ko && grep -q "^extra/ucphone-keypad.ko:" /lib/modules/$(uname -r)/modules.dep'
# The drivers load by modalias (mdev + modprobe), as on a board; mdev may
# still be working through the board's uevents when the console is up.
bound() { guest_wait "test -e /sys/bus/$1/drivers/$2/$3" 60; }
check "ucphone-keypad bound to the board's keypad" bound platform ucphone-keypad ucphone-keypad
check "ucphone-reset bound to the board's reset button" bound platform ucphone-reset ucphone-reset
check "ucphone-es8311 bound to the ES8311 on i2c-stub" \
	guest_wait 'ls /sys/bus/i2c/drivers/ucphone-es8311/ | grep -q "^[0-9]*-0018$"' 60
check "the ucphone sound card is up" guest_wait 'grep -q ucphone /proc/asound/cards' 60
check "ucphoned runs and answers" guest_wait 'ucphonectl info >/dev/null' 30

pid1=$(guest 'pidof ucphoned')
guest 'kill -KILL $(pidof ucphoned)' >/dev/null
check "init restarts ucphoned after it is killed" \
	guest_wait "p=\$(pidof ucphoned) && [ \"\$p\" != '$pid1' ] && ucphonectl info >/dev/null" 30

check "DHCP: eth0 gets a lease from the bed" wait_status '.dhcp.state == "bound"' 60
# The password goes in on the service console's stdin, never on a command line.
pass=$(cat "$TB_USER_PASS_FILE")
guest "ucphonectl signin --address '$TB_USER_ADDRESS' --user '${TB_USER_DOMAIN_USER//\'/}' --password-stdin <<'EOF'
$pass
EOF" 30 >/dev/null
unset pass
check "signs in as alice: Registered" wait_status '.sip.state == "registered"' 120
check "the identity is on the data partition, 0600" \
	guest '[ "$(stat -c %a /data/ucphone/signin)" = 600 ]'

# Key 5 (row 1, column 1: kpd-sim line 7), pressed and released.
guest 'ucphonectl --json events >/tmp/events 2>&1 & echo $! >/tmp/events.pid' >/dev/null
sleep 1
guest 'b=/sys/kernel/config/gpio-sim/ucphone-kpd
l=/sys/devices/platform/$(cat $b/dev_name)/$(cat $b/bank0/chip_name)/sim_gpio7/pull
echo pull-up >$l; sleep 0.3; echo pull-down >$l' >/dev/null
check "a key press on the simulated keypad reaches ucphonectl events" \
	guest_wait 'grep -q "\"event\": *\"key\".*\"code\": *6" /tmp/events' 15
guest 'kill $(cat /tmp/events.pid)' >/dev/null

echo "1..$n"
[ "$fails" -eq 0 ]
