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
# From a terminal you are left at the phone: a status line (registration,
# the phone's clock, the call) and its keys: digits, * and # and named keys
# (h hook, s speaker, o hold, t transfer, ...) press the simulated keypad's
# gpio-sim lines, the path of a real key press, so lifting the hook (h) and
# dialling 2001# calls the bed's bob; ":CMD" runs CMD on the phone's shell
# (":ucphonectl dial bob"); q powers off and stops the testbed. Without a
# terminal it runs a tour: sign in, a key press, a call to bob from the
# keypad with SRTP in ucphone-srtp.ko and the audio measured both ways (the
# card's test I2S bus and bob's recording), hang up; it prints the outcome
# and exits 0 when all of it worked.
#   scripts/phone.sh [--testbed-running]
# --testbed-running: use the bed already up in $UCPHONE_TESTBED_RUN (a test
# run's) and leave it up; no package or source set-up either.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
own_bed=1
case "${1:-}" in
'') ;;
--testbed-running) own_bed=0 ;;
*) echo "usage: $0 [--testbed-running]" >&2; exit 2 ;;
esac

if [ "$own_bed" = 1 ]; then
	scripts/install-deps.sh
	scripts/extract-linux-source.sh >/dev/null
	# A bed of its own, so the phone can run beside a test run.
	export UCPHONE_TB_PREFIX=${UCPHONE_TB_PREFIX:-ph}
	export UCPHONE_TESTBED_RUN=${UCPHONE_TESTBED_RUN:-$repo/tests/testbed/run-$UCPHONE_TB_PREFIX}
fi
eval "$(scripts/build-image.sh --print-env)"
# shellcheck source=../tests/image/lib.sh
. tests/image/lib.sh
cleanup() {
	image_stop 2>/dev/null || true
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	[ "$own_bed" = 0 ] || tests/testbed/down.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT
[ "$own_bed" = 0 ] || tests/testbed/up.sh
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

# The phone from here on: failures are reported, not fatal.
set +e
# shellcheck source=phone-keys.sh
. scripts/phone-keys.sh
say "booting the phone image ($((ROOT_SIZE / 1048576)) MiB root, sha256 ${ROOT_SHA256:0:16})"
image_boot --disk "$DISK" --net "$TB_NS_SW:br0" --timeout 0
rc=0
provision || rc=1

if [ -t 0 ] && [ -t 1 ]; then
	# The phone on this terminal: its keys and a status line. The kernel's
	# console (ttyS0) goes to a log.
	say "the phone's serial console is logged to $IMAGE_CONSOLE"
	# The board's microphone hears 1 kHz: bob's recordings
	# ($UCPHONE_TESTBED_RUN/baresip/rec-bob) hold what the phone sent.
	board_feed_tone
	phone_keys
	say "powering off"
	exit 0
fi

# A key on the simulated keypad: 5 (row 1, column 1; kpd-sim line 7).
guest 'ucphonectl --json events >/tmp/events 2>&1 & echo $! >/tmp/events.pid' >/dev/null
sleep 1
board_press 5
if guest_wait 'grep -q "\"code\": *6" /tmp/events' 15; then
	say "key 5 pressed on the simulated keypad: $(guest 'grep -m1 "\"code\": *6" /tmp/events')"
else
	say "key 5 pressed on the simulated keypad: no event reached ucphonectl"
	rc=1
fi
guest 'kill $(cat /tmp/events.pid)' >/dev/null || true
# The tour: a call to bob from the keypad, its audio measured.
if [ "$rc" = 0 ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-tour.XXXXXX")
	phone_tour tests/integration/lib/tone_check.py "$UCPHONE_TESTBED_RUN/baresip/rec-bob" "$work" ||
		rc=1
	rm -rf "$work"
fi
[ "$rc" = 0 ] && say "the tour passed" || say "the tour failed"
say "powering off; the daemon logs to /var/log/ucphoned.log on the phone"
exit "$rc"
