#!/bin/bash
# Inside the test VM (tests/ui/test_ui_vm.py --flow reset): the seed's hard
# reset seen on the screen. ucphoned (degraded, no network) and ucphone-ui
# on the KMS display; the reset button is a gpio-sim line held while
# ucphone-reset probes ("power applied with the button down"). Released
# half-way across the boot bar: a normal start, nothing wiped. Held until
# the bar goes all the way across: hard reset, wipe, the white calibration
# screen; OK and a letter pressed on the keypad (gpio-sim matrix lines,
# read by ucphone-ui from the keypad's evdev device) lead on to the sign-in
# entry. After each screen is drawn it writes $UCPHONE_VM_OUT/ready-NAME
# and waits for the host's shot-NAME. TAP.
set -u
build=${1:-build}
daemon=$build/userspace/daemon/ucphoned
ctl=$build/userspace/ctl/ucphonectl
ui=$build/userspace/ui/ucphone-ui
bank=/sys/kernel/config/gpio-sim/ucphone-kpd
drv=/sys/bus/platform/drivers/ucphone-reset
hold_ms=4000
work=$(mktemp -d)
control=$work/control
state=$work/state
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
wait_for() { local i; for i in $(seq 1 "${2:-300}"); do eval "$1" && return 0; sleep 0.1; done; return 1; }
shot() {
	local done="$UCPHONE_VM_OUT/shot-$1"

	touch "$UCPHONE_VM_OUT/ready-$1"
	wait_for "[ -e '$done' ]" 600
}
drew() { grep -c "drew $1" "$work/ui.log"; }
# The keypad's evdev device, by its input name.
keypad_evdev() {
	local d
	for d in /sys/class/input/input*; do
		[ "$(cat "$d/name" 2>/dev/null)" = ucphone-keypad ] || continue
		for e in "$d"/event*; do
			[ -e "$e" ] && echo "/dev/input/${e##*/}" && return 0
		done
	done
	return 1
}
# A key of the matrix (row, column; the board has 6 columns), pressed briefly.
key() {
	local kl=/sys/devices/platform/$(cat "$bank/dev_name")/$(cat "$bank/bank0/chip_name")/sim_gpio$(($1 * 6 + $2))/pull
	echo pull-up >"$kl"
	sleep 0.3
	echo pull-down >"$kl"
	sleep 0.3
}

cleanup() {
	[ -n "${ui_pid:-}" ] && kill "$ui_pid" 2>/dev/null && wait "$ui_pid" 2>/dev/null
	[ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rmmod ucphone-keypad ucphone-reset ucphone-test-board 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
if ! [ -d "$bank" ]; then
	modprobe gpio-sim
	mkdir -p "$bank/bank0"
	echo 26 >"$bank/bank0/num_lines"
	echo kpd-sim >"$bank/bank0/label"
	echo 1 >"$bank/live"
fi
line=/sys/devices/platform/$(cat "$bank/dev_name")/$(cat "$bank/bank0/chip_name")/sim_gpio25/pull
echo pull-down >"$line"
modprobe bochs
modprobe evdev	# no udev here to load it for the keypad
modprobe ucphone-keypad && modprobe ucphone-reset &&
	modprobe ucphone-test-board reset_hold_ms=$hold_ms
mkdir -p "$state"
printf 'address=alice@example.com\nuser=EXAMPLE\\alice\npassword=secret\n' >"$state/signin"
chmod 600 "$state/signin"
"$daemon" -c "$control" -S "$state" >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
wait_for '[ -S "$control" ]'
wait_for '[ -e /dev/dri/card0 ]'
evdev=$(keypad_evdev)
TZ=UTC "$ui" --renderer drm --verbose --control "$control" ${evdev:+--input "$evdev"} \
	2>>"$work/ui.log" &
ui_pid=$!
wait_for '[ "$(drew boot)" -gt 0 ]'

# Power applied with the button down, released half-way across the bar.
echo ucphone-reset >"$drv/unbind"
echo pull-up >"$line"
echo ucphone-reset >"$drv/bind"
wait_for 'grep -Eq "drew boot progress (4|5)[0-9][0-9]$" "$work/ui.log"'
check "held from power-on, the boot bar fills over the hold window" \
	grep -Eq "drew boot progress (4|5)[0-9][0-9]$" "$work/ui.log"
echo pull-down >"$line"
sleep 1
check "screen: released half-way" shot released-early
sleep $((hold_ms / 1000))
check "released early: a normal start, the sign-in kept" test -s "$state/signin"
check "released early: no hard reset screen" sh -c "! grep -q 'drew hard-reset' '$work/ui.log'"

# Held all the way across.
: >"$work/ui.log"
echo ucphone-reset >"$drv/unbind"
echo pull-up >"$line"
echo ucphone-reset >"$drv/bind"
wait_for 'grep -Eq "drew boot progress (2|3)[0-9][0-9]$" "$work/ui.log"'
check "screen: the bar on its way across" shot reset-holding
check "held to the end: the hard reset screen" wait_for '[ "$(drew hard-reset)" -gt 0 ]' 300
# the bar was drawn full before the hard reset screen
full=$(sed -n '/drew hard-reset/q;p' "$work/ui.log" | grep -Eo 'drew boot progress [0-9]+' |
	awk '{ if ($4 > m) m = $4 } END { print m + 0 }')
# (redrawn every 200 ms tick: within 10 % of a 4 s window on a loaded host)
check "the bar reached the right edge ($full/1000) before the hard reset" test "$full" -ge 900
shot hard-reset-screen >/dev/null
# The hard reset screen lasts only while the wipe runs: a screendump taken
# after the calibration screen was drawn shows that one instead.
if [ "$(drew calibration)" -gt 0 ]; then
	touch "$UCPHONE_VM_OUT/stale-hard-reset-screen"
fi
echo pull-down >"$line"
check "the white calibration screen after the hard reset" \
	wait_for '[ "$(drew calibration)" -gt 0 ]' 600
check "screen: calibration" shot reset-calibration
check "the hard reset wiped the sign-in" test ! -e "$state/signin"

check "the keypad's evdev device is found ($evdev)" test -n "$evdev"
[ -n "$evdev" ] || grep -H . /sys/class/input/*/name | sed 's/^/# /' 
key 3 4	# OK
check "OK on the keypad leaves the calibration screen for the sign-in" \
	wait_for '[ "$(drew signin)" -gt 0 ]' 300
key 0 1	# 2: a
key 0 2	# 3: d (another key: "a" kept whatever the timing)
sleep 1.5
check "screen: sign-in typed on the keypad" shot keypad-signin
echo "1..$n"
if [ "$failed" -gt 0 ]; then
	sed 's/^/# ui: /' "$work/ui.log" | tail -30
	sed 's/^/# daemon: /' "$work/daemon.log" | tail -20
fi
exit $((failed > 0))
