#!/bin/bash
# The reset button end to end, inside the test VM: gpio-sim lines pulled
# like a finger on the button, ucphone-reset reporting, ucphoned acting.
# A short press restarts the daemon's services (re-exec, state kept); a
# long press while running does the same by default, never a wipe; the
# button held while the driver probes ("at power-on") wipes credentials,
# certificates and configuration and restarts factory-new; with nobody
# listening the kernel only logs the press. TAP.
set -u
build=${1:-build}
daemon=$build/userspace/daemon/ucphoned
ctl=$build/userspace/ctl/ucphonectl
bank=/sys/kernel/config/gpio-sim/ucphone-kpd
drv=/sys/bus/platform/drivers/ucphone-reset
hold_ms=500
work=$(mktemp -d)
control=$work/control
state=$work/state
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
wait_for() { local i; for i in $(seq 1 80); do eval "$1" && return 0; sleep 0.1; done; return 1; }

cleanup() {
	[ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rmmod ucphone-keypad ucphone-reset ucphone-test-board 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# The same bank the keypad kselftest uses; made here if it is not there.
if ! [ -d "$bank" ]; then
	modprobe gpio-sim
	mkdir -p "$bank/bank0"
	echo 26 >"$bank/bank0/num_lines"
	echo kpd-sim >"$bank/bank0/label"
	echo 1 >"$bank/live"
fi
line=/sys/devices/platform/$(cat "$bank/dev_name")/$(cat "$bank/bank0/chip_name")/sim_gpio25/pull
press() { echo pull-up >"$line"; sleep "$1"; echo pull-down >"$line"; }
provision() {
	mkdir -p "$state/certs"
	echo 'sip:alice@example.com secret' >"$state/credentials"
	echo '-----BEGIN CERTIFICATE-----' >"$state/certs/root-ca.pem"
	echo '<phone/>' >"$state/config.xml"
	# the sign-in identity as `ucphonectl signin` stores it (daemon/trust/identity.c)
	printf 'address=alice@example.com\nuser=EXAMPLE\\alice\npassword=secret\n' >"$state/signin"
	chmod 600 "$state/signin"
}
signed_in() { "$ctl" --control "$control" --json status 2>/dev/null | grep -q "\"signed_in\":$1"; }
starts() { grep -c 'msg="started"' "$work/daemon.log"; }
start_daemon() {
	"$daemon" -c "$control" -S "$state" "$@" >>"$work/daemon.log" 2>&1 &
	daemon_pid=$!
	wait_for '[ -S "$control" ] && "$ctl" --control "$control" --json info 2>/dev/null | grep -q "\"available\": *true"'
}
stop_daemon() { kill "$daemon_pid"; wait "$daemon_pid"; daemon_pid=; rm -f "$control"; }

echo "TAP version 13"
echo "1..11"
echo pull-down >"$line"
modprobe ucphone-keypad && modprobe ucphone-reset &&
	modprobe ucphone-test-board reset_hold_ms=$hold_ms

dmesg -c >/dev/null
press 0.1
check "with no daemon the kernel logs the press and does nothing" \
	wait_for 'dmesg | grep -q "no daemon listening; reset press ignored"'

start_daemon
provision
before=$(starts)
dmesg -c >/dev/null
press 0.15
check "a short press restarts the daemon's services in the same process" \
	wait_for '[ "$(starts)" -gt "$before" ] && grep -q "action=soft" "$work/daemon.log" && kill -0 "$daemon_pid"'
check "the daemon was listening: no kernel fallback" \
	sh -c '! dmesg | grep -q "no daemon listening"'
check "a soft reset keeps credentials, certificates and configuration" \
	test -s "$state/credentials" -a -s "$state/certs/root-ca.pem" -a -s "$state/config.xml"
wait_for '[ -S "$control" ]'
check "after a soft reset the phone is signed in from the stored identity" \
	wait_for 'signed_in true'

before=$(starts)
press $(awk "BEGIN { print 2 * $hold_ms / 1000 }")
wait_for '[ "$(starts)" -gt "$before" ]'
check "a long press while running is a soft reset by default, not a wipe" \
	test -s "$state/credentials" -a -s "$state/config.xml"

# Held while "power is applied": the driver probes with the button down.
wait_for '[ -S "$control" ]'
before=$(starts)
echo ucphone-reset >"$drv/unbind"
echo pull-up >"$line"
echo ucphone-reset >"$drv/bind"
check "held at power-on past the hold time, the daemon restarts" \
	wait_for '[ "$(starts)" -gt "$before" ]'
echo pull-down >"$line"
check "hard reset wiped credentials, certificates and configuration" \
	test -d "$state" -a -z "$(ls -A "$state")"
check "the phone came back factory-new and answers" \
	wait_for '"$ctl" --control "$control" --json info >/dev/null 2>&1'
check "after the hard reset the phone is signed out" \
	wait_for 'signed_in false'

# The long-press policy, configured to wipe.
stop_daemon
provision
start_daemon --reset-long-press=hard --reset-long-press-ms=$hold_ms
before=$(starts)
press $(awk "BEGIN { print 2 * $hold_ms / 1000 }")
wait_for '[ "$(starts)" -gt "$before" ]'
check "--reset-long-press=hard makes a long press wipe" \
	test -d "$state" -a -z "$(ls -A "$state")"
stop_daemon
if [ "$failed" -gt 0 ]; then
	sed 's/^/# daemon: /' "$work/daemon.log"
	dmesg | tail -20 | sed 's/^/# dmesg: /'
fi
exit $((failed > 0))
