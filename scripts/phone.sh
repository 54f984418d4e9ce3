#!/bin/bash
# Sets up a fresh Debian 12 machine, builds ucphone and runs the phone:
# the local testbed (real DHCP/DNS, NTP, Active Directory, web and SIP
# servers in network namespaces) comes up, then the phone image
# (image/README.md: Debian root, busybox init, the ucphone modules loaded by
# modalias, ucphoned supervised by init) boots in QEMU from its disk image
# as a virtual dev board, its eth0 plugged into the testbed's switch.
# ucphoned brings the network up with zero touch (DHCP, DNS SRV discovery,
# NTP) and the phone is signed in as the bed's alice (root CA from AD, TLS,
# REGISTER, provisioning); `ucphonectl info` / `status` show what it learned.
# From a terminal you are left on the phone's serial console (a root shell;
# `poweroff` or Ctrl-A x ends it, and the testbed is stopped). Without a
# terminal it signs in, presses a key on the simulated keypad, prints the
# outcome and powers off; the exit status says whether it registered.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

scripts/install-deps.sh
scripts/extract-linux-source.sh >/dev/null
eval "$(scripts/build-image.sh --print-env)"

# A bed of its own, so the phone can run beside a test run.
export UCPHONE_TB_PREFIX=${UCPHONE_TB_PREFIX:-ph}
export UCPHONE_TESTBED_RUN=${UCPHONE_TESTBED_RUN:-$repo/tests/testbed/run-$UCPHONE_TB_PREFIX}
# shellcheck source=../tests/image/lib.sh
. tests/image/lib.sh
helper=''
cleanup() {
	[ -z "$helper" ] || kill "$helper" 2>/dev/null || true
	image_stop 2>/dev/null || true
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	tests/testbed/down.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT
tests/testbed/up.sh
# shellcheck source=/dev/null
. "$UCPHONE_TESTBED_RUN/env"

say() { printf 'phone: %s\n' "$*"; }
status_js() { guest 'ucphonectl --json status' 20 2>/dev/null | jq -r "$1" 2>/dev/null; }
wait_status() {
	local deadline=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$deadline" ]; do
		guest 'ucphonectl --json status' 20 2>/dev/null | jq -e "$1" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# What the phone's owner does on a new phone: wait for the network, sign in
# (the password goes in on the service console's stdin, never on a command
# line), then look at what the phone learned. Prints; 0 when registered.
provision() {
	local t0 pass
	image_wait_ready 180 || { say "the phone did not boot"; return 1; }
	guest_wait 'ucphonectl info >/dev/null' 60 || { say "ucphoned does not answer"; return 1; }
	if wait_status '.dhcp.state == "bound"' 60; then
		say "network up: $(status_js '.dhcp.address') from DHCP"
	else
		say "no DHCP lease yet"
	fi
	t0=$SECONDS
	pass=$(cat "$TB_USER_PASS_FILE")
	guest "ucphonectl signin --address '$TB_USER_ADDRESS' --user '$TB_USER_DOMAIN_USER' --password-stdin <<'EOF'
$pass
EOF" 30 || say "signin failed"
	pass=''
	wait_status '.sip.status_text | test("^(Registered|Wrong)")' 120 || true
	say "signin -> $(status_js .sip.status_text) after $((SECONDS - t0)) s"
	echo
	guest 'ucphonectl info'
	echo
	guest 'ucphonectl status'
	echo
	[ "$(status_js .sip.state)" = registered ]
}

if [ -t 0 ] && [ -t 1 ]; then
	# QEMU's serial console on this terminal; the sign-in runs beside it
	# on the service console and prints here (CR LF: the terminal is raw).
	IMAGE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-phone.XXXXXX")
	IMAGE_T0=$((${EPOCHREALTIME/./} / 1000))
	say "booting the phone; its serial console follows (Ctrl-A x quits QEMU)"
	(
		sleep 1
		provision 2>&1 | sed 's/$/\r/'
		printf 'phone: press Enter for the phone shell\r\n'
	) &
	helper=$!
	rc=0
	scripts/boot-image.sh --disk "$DISK" --net "$TB_NS_SW:br0" --service "$IMAGE_DIR" \
		--interactive || rc=$?
	exit "$rc"
fi

say "booting the phone image ($((ROOT_SIZE / 1048576)) MiB root, sha256 ${ROOT_SHA256:0:16})"
image_boot --disk "$DISK" --net "$TB_NS_SW:br0" --timeout 900
rc=0
provision || rc=1
# A key on the simulated keypad: 5 (row 1, column 1; kpd-sim line 7).
guest 'ucphonectl --json events >/tmp/events 2>&1 & echo $! >/tmp/events.pid' >/dev/null
sleep 1
guest 'b=/sys/kernel/config/gpio-sim/ucphone-kpd
l=/sys/devices/platform/$(cat $b/dev_name)/$(cat $b/bank0/chip_name)/sim_gpio7/pull
echo pull-up >$l; sleep 0.3; echo pull-down >$l' >/dev/null
if guest_wait 'grep -q "\"code\": *6" /tmp/events' 15; then
	say "key 5 pressed on the simulated keypad: $(guest 'grep -m1 "\"code\": *6" /tmp/events')"
else
	say "key 5 pressed on the simulated keypad: no event reached ucphonectl"
	rc=1
fi
guest 'kill $(cat /tmp/events.pid)' >/dev/null || true
say "powering off; the daemon logs to /var/log/ucphoned.log on the phone"
exit "$rc"
