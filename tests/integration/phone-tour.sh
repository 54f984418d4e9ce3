#!/bin/bash
# The README's run command without a terminal, on the bed that is up: it
# boots the phone image, signs in, presses a key, calls bob from the keypad
# (hook up, 2001#) with SRTP in ucphone-srtp.ko, measures the audio both
# ways and hangs up (scripts/phone.sh --testbed-running </dev/null). TAP;
# its output as comments. ~2.5 min.
#   phone-tour.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
echo "TAP version 13"
out=$(mktemp "${TMPDIR:-/tmp}/ucphone-tour.XXXXXX")
t0=$SECONDS
"$repo/scripts/phone.sh" --testbed-running </dev/null >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
n=0 fails=0
check() {
	n=$((n + 1))
	if grep -q -- "$2" "$out"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fails=$((fails + 1)); fi
}
check "the phone signs in" "signin -> Registered"
check "a key press on the simulated keypad reaches the daemon" "key 5 pressed on the simulated keypad: {"
check "bob answers the call dialled on the keypad, SRTP in the kernel" "tour: connected to .* in the kernel (ucphone-srtp)"
check "the card played bob's tone" "tour: the ES8311 card played bob's 1 kHz tone"
check "bob heard the phone's microphone" "tour: bob heard the phone's microphone"
check "the hook hangs up" "tour: after hanging up: idle"
n=$((n + 1))
if [ "$rc" = 0 ]; then echo "ok $n - the run command exits 0 ($((SECONDS - t0)) s)"; else
	echo "not ok $n - the run command exits 0 (it exited $rc)"; fails=$((fails + 1)); fi
rm -f "$out"
echo "1..$n"
[ "$fails" -eq 0 ]
