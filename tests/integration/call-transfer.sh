#!/bin/bash
# Transfer with the bed's two baresip far ends through kamailio over TLS (SRTP):
#  - blind transfer phone -> bob -> carol: `ucphonectl transfer carol` sends REFER; bob
#    (baresip) calls carol and NOTIFYs 200; the phone hangs up; bob and carol then talk:
#    bob's 1 kHz is measured in carol's recording and carol's 1500 Hz in bob's.
#  - attended transfer: bob held, a consultation call to carol on a second line, then
#    `ucphonectl transfer --attended`: bob gets a REFER whose Refer-To carries Replaces
#    naming the phone's call with carol; both of the phone's calls end and bob and carol
#    talk (tones measured in both recordings).
#  - the phone transferred by bob (baresip `transfer`): the REFER makes the phone call
#    carol, its NOTIFY 200 lets bob hang up, and the phone's earpiece plays carol's
#    1500 Hz while carol records the phone's 1 kHz.
#   call-transfer.sh BUILD_DIR
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
newest_after() { [ -n "$2" ] && [ "$2" != "$1" ]; }

daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "signed in" signin
check "registered" sip_is registered 30

# ---- blind transfer: phone -> bob -> carol ----
check "dial bob" quiet ctl dial bob
check "connected to bob" call_is connected 10
sleep 2
bob_mark
old_bob=$(bob_dec); old_carol=$(carol_dec)
check "ucphonectl transfer carol" quiet ctl transfer carol
check "bob got the REFER and transfers" bob_saw "transferring call" 5
check "the phone hangs up once carol answered: idle" call_is idle 15
check "the phone says transferred ($(cjs .last_error))" test "$(cjs .last_error)" = transferred
sleep 8
bob hangup
sleep 1
bd=$(bob_dec); cd=$(carol_dec)
check "bob has a new recording (his call to carol)" newest_after "$old_bob" "$bd"
check "carol has a new recording" newest_after "$old_carol" "$cd"
measure "carol heard bob's 1 kHz" "$cd" 1000 "1:6:on"
measure "bob heard carol's 1500 Hz" "$bd" 1500 "1:6:on"

# ---- attended transfer: bob held, a consultation call to carol, then TRANSFER ----
check "attended: dial bob" quiet ctl dial bob
check "attended: connected to bob" call_is connected 10
check "attended: hold bob" quiet ctl hold
check "attended: bob on hold" call_is on-hold 5
check "attended: dial carol (second line)" quiet ctl dial carol
check "attended: connected to carol, bob still held" \
  wait_calls '.state == "connected" and (.calls | length == 2)' 10
sleep 2
bob_mark
old_bob=$(bob_dec); old_carol=$(carol_dec)
check "ucphonectl transfer --attended" quiet ctl transfer --attended
check "bob got the REFER with Replaces" bob_saw "Replaces" 5
check "both of the phone's calls end: idle" call_is idle 15
sleep 8
bob hangup
sleep 1
bd=$(bob_dec); cd=$(carol_dec)
check "attended: bob has a new recording" newest_after "$old_bob" "$bd"
measure "attended: carol heard bob's 1 kHz" "$cd" 1000 "1:6:on"
measure "attended: bob heard carol's 1500 Hz" "$bd" 1500 "1:6:on"
carol hangup

# ---- the phone transferred by bob ----
truncate -s 0 "$UCPHONE_TEST_A_OUT" 2>/dev/null || true
check "dial bob again" quiet ctl dial bob
check "connected to bob" call_is connected 10
sleep 2
old_carol=$(carol_dec)
bob_mark
bob transfer "sip:carol@corp.test"
check "bob's REFER: the phone calls carol, connected" \
  wait_calls '.state == "connected" and (.calls[0].far_end | test("carol"))' 15
check "bob hung up after the 200 NOTIFY: one call left" wait_calls '.calls | length == 1' 10
e0=$(ear_at)
sleep 6
e1=$(ear_at)
check "hang up carol" quiet ctl hangup
check "idle" call_is idle 5
sleep 0.5
measure "the phone's earpiece: carol's 1500 Hz" "$(ear_wav)" 1500 "$(plus "$e0" 1):$e1:on"
measure "the phone's earpiece: no bob (1 kHz) after the transfer" "$(ear_wav)" 1000 "$(plus "$e0" 1):$e1:off"
cd=$(carol_dec)
check "carol has a new recording" newest_after "$old_carol" "$cd"
measure "carol heard the phone's 1 kHz" "$cd" 1000 "1:5:on"

check "the phone still works: registered" sip_is registered 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
