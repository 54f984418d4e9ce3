#!/bin/bash
# Hold and resume against the bed's baresip bob through kamailio over TLS (SRTP):
#  - the phone holds (`ucphonectl hold`, the HOLD key's CLI): re-INVITE a=sendonly,
#    bob answers recvonly; bob's 1 kHz tone stops in the phone's earpiece and the phone's
#    own 1 kHz stops reaching bob (no RTP sent), while RTCP goes on; `resume` brings both
#    back. Measured with Goertzel over time segments of both recordings.
#  - the HOLD key itself (`press hold`) toggles hold and resume.
#  - bob holds the phone (baresip `hold`): the phone says held, the tone stops in its
#    earpiece; the phone holding too offers a=inactive; bob's resume and the phone's
#    resume bring the tone back.
#   call-hold.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
# shellcheck source=lib/calls.sh
. "$(dirname "$0")/lib/calls.sh"
cleanup_hold() {
  bob hangup 2>/dev/null
  cleanup
}
trap cleanup_hold EXIT
refused() { ! "$@" >/dev/null 2>&1; }
echo "TAP version 13"

use_test_card 1000
# seconds since T0 (bob's recording starts when his call does)
t0() { T0=$(date +%s.%N); }
since() { echo "scale=2; $(date +%s.%N) - $T0" | bc; }
num() { cjs "$1"; }

daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "signed in" signin
check "registered" sip_is registered 30

# ---- the phone holds bob ----
bob_mark
truncate -s 0 "$UCPHONE_TEST_A_OUT" 2>/dev/null || true
check "ucphonectl dial bob" quiet ctl dial bob
check "connected" call_is connected 10
t0
e0=$(ear_at)
sleep 5
check "ucphonectl hold" quiet ctl hold
check "on hold" call_is on-hold 5
e1=$(ear_at); b1=$(since)
check "bob got the re-INVITE" bob_saw "got re-INVITE" 5
check "the call view says the phone holds it" test "$(cjs '.calls[0].hold')" = phone
check "the hold offer said sendonly ($(cjs '.calls[0].media_direction'))" \
  test "$(cjs '.calls[0].media_direction')" = sendonly
sleep 1
rtp1=$(num '.calls[0].rtp_sent'); rtcp1=$(num '.calls[0].rtcp_sent')
sleep 6
rtp2=$(num '.calls[0].rtp_sent'); rtcp2=$(num '.calls[0].rtcp_sent')
echo "# on hold for 6 s: rtp_sent $rtp1 -> $rtp2, rtcp_sent $rtcp1 -> $rtcp2"
check "held: no RTP sent" test "$rtp2" -eq "$rtp1"
check "held: RTCP goes on" test "$rtcp2" -gt "$rtcp1"
check "hold again: refused, already on hold" refused ctl hold
# RTP packets bob received from the phone (his RTCP member line: "psent=N rcvd=M")
bob_rcvd() {
  ip netns exec "$TB_NS_PEER" python3 "$LIB/baresip_ctrl.py" "$TB_PEER_CTRL" audio_debug |
    grep -o 'rcvd=[0-9]*' | head -n 1 | cut -d= -f2
}
r1=$(bob_rcvd)
check "ucphonectl resume" quiet ctl resume
check "connected again" call_is connected 5
e2=$(ear_at); b2=$(since)
sleep 6
r2=$(bob_rcvd)
echo "# bob received $r1 RTP packets until the resume, $r2 six seconds after it"
check "bob receives the phone's RTP again after the resume" test "$r2" -ge $(( r1 + 200 ))
e3=$(ear_at); b3=$(since)
# the HOLD key: press hold holds, press hold again resumes
check "HOLD key: pressed" quiet ctl press hold
check "HOLD key: state on-hold" call_is on-hold 5
check "HOLD key again: resumed" quiet ctl press hold
check "HOLD key again: connected" call_is connected 5
check "hangup" quiet ctl hangup
check "idle" call_is idle 5
sleep 0.5
ear=$(ear_wav)
echo "# marks (s): earpiece connect $e0 hold $e1 resume $e2 end $e3; bob hold $b1 resume $b2 end $b3"
out=$(segs "$ear" --freq 1000 "$(plus "$e0" 2):$e1:on" "$(plus "$e1" 1.5):$(plus "$e2" -0.3):off" \
  "$(plus "$e2" 1.5):$e3:on"); rc=$?
echo "$out" | sed 's/^/# phone earpiece: /'
check "the phone: bob's 1 kHz before the hold, silence on hold, back after resume" test "$rc" -eq 0
dec=$(bob_dec)
out=$(segs "$dec" --freq 1000 "1:$(plus "$b1" -0.5):on"); rc=$?
echo "$out" | sed 's/^/# bob heard: /'
check "bob heard the phone's 1 kHz before the hold" test "$rc" -eq 0
# baresip 1.0.0's recorder stops for good at a hold (testbed brief): what bob received
# after it shows in his RTP counters instead
echo "# bob's recording lasts $(soxi -D "$dec") s; hold at $b1 s"
check "bob's recording stopped at the hold" \
  python3 -c "import sys; sys.exit(not abs(float('$(soxi -D "$dec")') - $b1) < 1.5)"

# ---- bob holds the phone ----
bob_mark
truncate -s 0 "$UCPHONE_TEST_A_OUT" 2>/dev/null || true
bob dial "sip:$TB_USER_ADDRESS"
check "bob calls: rings" call_is ringing-in 10
check "answer" quiet ctl answer
check "connected" call_is connected 5
f0=$(ear_at)
sleep 4
bob hold
check "bob holds: the phone says held" call_is held 5
f1=$(ear_at)
check "the call view says the far end holds it" test "$(cjs '.calls[0].hold')" = "far end"
sleep 4
rtp1=$(num '.calls[0].rtp_sent')
sleep 3
rtp2=$(num '.calls[0].rtp_sent')
check "held by bob: the phone sends no RTP ($rtp1 -> $rtp2)" test "$rtp2" -eq "$rtp1"
check "the phone holds too" quiet ctl hold
check "on hold (both)" call_is on-hold 5
check "the phone's offer was a=inactive ($(cjs '.calls[0].media_direction'))" \
  test "$(cjs '.calls[0].media_direction')" = inactive
check "the call view says both hold it" test "$(cjs '.calls[0].hold')" = both
bob resume
check "bob resumes: still on hold by the phone" wait_calls '.calls[0].hold == "phone"' 5
check "the phone resumes" quiet ctl resume
check "connected" call_is connected 5
f2=$(ear_at)
sleep 6
f3=$(ear_at)
bob hangup
check "bob hangs up: idle" call_is idle 5
ear=$(ear_wav)
echo "# marks (s): earpiece connect $f0 held $f1 resumed $f2 end $f3"
out=$(segs "$ear" --freq 1000 "$(plus "$f0" 2):$(plus "$f1" -0.3):on" \
  "$(plus "$f1" 1.5):$(plus "$f2" -0.3):off" "$(plus "$f2" 1.5):$f3:on"); rc=$?
echo "$out" | sed 's/^/# phone earpiece: /'
check "the phone: bob's tone, silence while held, back after both resumed" test "$rc" -eq 0

check "the phone still works: registered" sip_is registered 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
