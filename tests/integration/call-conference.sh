#!/bin/bash
# Three-way conference with the phone as the bridge, against the bed's two baresip far
# ends through kamailio over TLS (SRTP): bob plays 1 kHz, carol 1500 Hz, the phone's
# microphone 500 Hz.
#  - the phone calls bob, holds him, calls carol, `ucphonectl conference`: bob is taken
#    off hold (re-INVITE sendrecv) and both calls are mixed by the phone. Carol's
#    recording has bob's 1 kHz and the phone's 500 Hz; the phone's earpiece plays both
#    far ends and not its own microphone. `calls --json` says conference.
#    Carol hangs up: bob and the phone go on as a normal call (the earpiece has bob's
#    1 kHz, no conference in `calls`).
#  - the same with the parties swapped (the NEW CALL key holds carol and opens a second
#    line, bob dialled from the keypad as 2001#, the CONFERENCE key): bob's recording
#    has carol's 1500 Hz. (baresip 1.0.0 stops its recording at a hold, so each far end's
#    hearing is measured on the run where it was not the held one.)
#  - HOLD on a conference holds both calls, resume takes both back.
#   call-conference.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
# shellcheck source=lib/calls.sh
. "$(dirname "$0")/lib/calls.sh"
trap hang_up_peers EXIT
echo "TAP version 13"

use_test_card 500
# the seconds of a recording (wav)
wav_len() { soxi -D "$1" 2>/dev/null || echo 0; }
newest_after() { [ -n "$2" ] && [ "$2" != "$1" ]; }

daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "signed in" signin
check "registered" sip_is registered 30

# ---- bob held, carol called, conference ----
check "dial bob" quiet ctl dial bob
check "connected to bob" call_is connected 10
check "hold bob" quiet ctl hold
check "bob on hold" call_is on-hold 5
old_carol=$(carol_dec)
check "dial carol (second line)" quiet ctl dial carol
check "connected to carol, bob held" \
  wait_calls '.state == "connected" and (.calls | length == 2)' 10
sleep 3
check "ucphonectl conference" quiet ctl conference
check "calls: conference, both connected and joined" \
  wait_calls '.conference == true and ([.calls[] | select(.state == "connected" and .conference == true)] | length == 2)' 10
e0=$(ear_at)
sleep 7
e1=$(ear_at)
check "carol hangs up" carol hangup
check "bob stays: one call, connected, no conference" \
  wait_calls '.state == "connected" and (.calls | length == 1) and (.conference | not) and (.calls[0].far_end | test("bob"))' 10
e2=$(ear_at)
sleep 5
e3=$(ear_at)
cd=$(carol_dec)
check "carol has a new recording" newest_after "$old_carol" "$cd"
# carol's recording starts at her answer; the conference began about 1 s later
cl=$(wav_len "$cd")
cs=$(echo "scale=2; $cl - 6" | bc)
measure "before the conference carol hears the phone, not bob" "$cd" 1000 "0.5:2.5:off"
measure "before the conference carol hears the phone's 500 Hz" "$cd" 500 "0.5:2.5:on"
measure "carol heard bob's 1 kHz through the phone" "$cd" 1000 "$cs:$(plus "$cl" -0.5):on"
measure "carol heard the phone's 500 Hz" "$cd" 500 "$cs:$(plus "$cl" -0.5):on"
measure "carol never heard her own 1500 Hz back" "$cd" 1500 "0.5:$(plus "$cl" -0.5):off"
measure "the earpiece during the conference: bob's 1 kHz" "$(ear_wav)" 1000 "$(plus "$e0" 1.5):$e1:on"
measure "the earpiece during the conference: carol's 1500 Hz" "$(ear_wav)" 1500 "$(plus "$e0" 1.5):$e1:on"
measure "the earpiece during the conference: not the phone's own 500 Hz" "$(ear_wav)" 500 "$(plus "$e0" 1.5):$e1:off"
measure "after carol left: the earpiece has bob's 1 kHz" "$(ear_wav)" 1000 "$(plus "$e2" 1):$e3:on"
measure "after carol left: no carol" "$(ear_wav)" 1500 "$(plus "$e2" 1):$e3:off"
rtp0=$(cjs '.calls[0].rtp_sent')
sleep 1
rtp1=$(cjs '.calls[0].rtp_sent')
check "after carol left: the phone still sends to bob ($rtp0 -> $rtp1)" test "${rtp1:-0}" -gt "${rtp0:-0}"
check "hang up bob" quiet ctl hangup
check "idle" call_is idle 10

# ---- carol held, bob called, conference; HOLD holds both ----
check "dial carol" quiet ctl dial carol
check "connected to carol" call_is connected 10
check "NEW CALL key" quiet ctl press newcall
check "carol on hold, a second line dialling" \
  wait_calls '.state == "dialling" and ([.calls[] | select(.state == "on-hold")] | length == 1)' 10
old_bob=$(bob_dec)
keyed() { for k in "$@"; do ctl press "$k" >/dev/null || return 1; done; }
check "keypad 2001# on the second line" keyed 2 0 0 1 '#'
check "connected to bob, carol held" \
  wait_calls '.state == "connected" and (.calls | length == 2)' 10
sleep 3
check "CONFERENCE key" quiet ctl press conference
check "conference: both connected and joined" \
  wait_calls '.conference == true and ([.calls[] | select(.state == "connected" and .conference == true)] | length == 2)' 10
sleep 7
check "hold: both calls on hold" quiet ctl hold
check "both on hold, still a conference" \
  wait_calls '.conference == true and ([.calls[] | select(.state == "on-hold")] | length == 2)' 10
check "resume: both back" quiet ctl resume
check "both connected again" \
  wait_calls '.conference == true and ([.calls[] | select(.state == "connected")] | length == 2)' 10
check "hang up the active call" quiet ctl hangup
check "one call left, no conference" wait_calls '(.calls | length == 1) and (.conference | not)' 10
check "hang up the other" quiet ctl hangup
check "idle" call_is idle 10
bd=$(bob_dec)
check "bob has a new recording" newest_after "$old_bob" "$bd"
bl=$(wav_len "$bd")
# bob's recording stops at the phone's hold (baresip 1.0.0): the last 4.5 s of the 7 s
# before it (carol's own sending restarts after her resume's re-INVITE)
measure "bob heard carol's 1500 Hz through the phone" "$bd" 1500 "$(plus "$bl" -5):$(plus "$bl" -0.5):on"
measure "bob heard the phone's 500 Hz" "$bd" 500 "$(plus "$bl" -5):$(plus "$bl" -0.5):on"
measure "before the conference bob heard no carol" "$bd" 1500 "0.5:2.5:off"
measure "bob never heard his own 1 kHz back" "$bd" 1000 "0.5:$(plus "$bl" -0.5):off"

check "the phone still works: registered" sip_is registered 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
