#!/bin/bash
# Call waiting with the bed's two baresip far ends through kamailio over TLS (SRTP):
# the phone is in a call with bob (1 kHz); carol (1500 Hz) calls: her call rings on a
# second line with the call-waiting tone over bob's audio and a "call_waiting" event;
# `answer` holds bob and takes carol; `swap` goes back to bob (carol held); hanging up
# bob leaves carol held, `resume` takes her back. What the phone's earpiece plays is
# measured at each step (Goertzel at 1000, 1500 and 440 Hz). With --call-waiting off,
# carol's call during bob's is refused 486 Busy Here.
#   call-waiting.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
# shellcheck source=lib/calls.sh
. "$(dirname "$0")/lib/calls.sh"
trap hang_up_peers EXIT
echo "TAP version 13"

use_test_card 1000
line_state() { cjs "[.calls[] | select(.far_end | test(\"$1\"))][0].state"; }
line_is() {
  local end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(line_state "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# measure LABEL FREQ START:END:WANT...: one recording check, figures printed
measure() {
  local label=$1 f=$2 out rc; shift 2
  out=$(segs "$(ear_wav)" --freq "$f" "$@"); rc=$?
  echo "$out" | sed "s/^/# $label: /"
  check "$label" test "$rc" -eq 0
}

daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "signed in" signin
check "registered" sip_is registered 30

truncate -s 0 "$UCPHONE_TEST_A_OUT" 2>/dev/null || true
check "ucphonectl dial bob" quiet ctl dial bob
check "connected to bob" call_is connected 10
sleep 3
carol_mark
w0=$(ear_at)
carol dial "sip:$TB_USER_ADDRESS"
check "carol calls during bob's call: call waiting" wait_calls '.call_waiting == true' 10
w1=$(ear_at)
check "her call rings on a second line" test "$(line_state carol)" = ringing-in
check "bob's call stays connected and active" \
  test "$(cjs '.calls[0].active and (.calls[0].far_end | test("bob"))')" = true
check "carol hears ringback (180 from the phone)" carol_saw "180 Ringing" 5
sleep 3
w2=$(ear_at)
check "ucphonectl answer: takes carol" quiet ctl answer
check "carol connected" line_is carol connected 5
check "bob on hold" line_is bob on-hold 5
check "carol's call is the active one" \
  test "$(cjs '.calls[0].active and (.calls[0].far_end | test("carol"))')" = true
a0=$(ear_at)
sleep 6
a1=$(ear_at)
check "ucphonectl swap: back to bob" quiet ctl swap
check "bob connected" line_is bob connected 5
check "carol on hold" line_is carol on-hold 5
s0=$(ear_at)
sleep 6
s1=$(ear_at)
check "hang up bob" quiet ctl hangup
check "carol is left, still held" call_is on-hold 5
check "ucphonectl resume: carol back" quiet ctl resume
check "carol connected again" call_is connected 5
r0=$(ear_at)
sleep 5
r1=$(ear_at)
check "hang up carol" quiet ctl hangup
check "idle" call_is idle 5
sleep 0.5
echo "# earpiece marks (s): carol calls $w0-$w1, answered $w2, carol $a0-$a1, bob $s0-$s1, carol $r0-$r1"
measure "bob's 1 kHz until carol is answered" 1000 "$(plus "$w0" -2):$w2:on"
measure "the call-waiting tone (440 Hz) over it" 440 "$(plus "$w1" -1):$(plus "$w2" 0.3):some" \
  "$(plus "$w0" -2.5):$(plus "$w0" -0.5):off"
measure "after answer: carol's 1500 Hz" 1500 "$(plus "$a0" 1.5):$a1:on"
measure "after answer: not bob's 1 kHz (held)" 1000 "$(plus "$a0" 1.5):$a1:off"
measure "after swap: bob's 1 kHz" 1000 "$(plus "$s0" 1.5):$s1:on"
measure "after swap: not carol's 1500 Hz (held)" 1500 "$(plus "$s0" 1.5):$s1:off"
measure "after resume: carol's 1500 Hz" 1500 "$(plus "$r0" 1.5):$r1:on"
daemon_stop

# call waiting off: carol's call during bob's gets 486
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap \
  --call-waiting off
check "call-waiting off: registered" sip_is registered 30
check "dial bob" quiet ctl dial bob
check "connected to bob" call_is connected 10
carol_mark
carol dial "sip:$TB_USER_ADDRESS"
check "carol's call is refused 486 Busy Here" carol_saw "486 Busy Here" 10
check "one call only" test "$(cjs '.calls | length')" -eq 1
check "bob's call goes on" call_is connected 1
ctl hangup >/dev/null
check "idle" call_is idle 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
