#!/bin/bash
# SIP call corners against the phone (alice) through kamailio over TLS, with scripted far
# ends registered as bob in his place:
# - offers the phone cannot run (no common codec, an SRTP suite it lacks, plain RTP under
#   srtp=mandatory, bad keys, 50 crypto lines, port 0, video only, a 6 KB body) and
#   malformed SDP get 400 or 488 (RFC 3264), with a Warning header (RFC 3261 20.43) on a
#   488 saying why, never a 200 then a BYE; the phone stays idle and registered;
# - an OCS/Lync-style offer (inline:KEY|2^31|1:1) whose far end also sends and receives
#   SRTP with the MKI in every packet (tests/media/srtp_tone_peer, on libsrtp2): a 770 Hz
#   tone reaches the phone's earpiece and the phone's 1 kHz microphone tone reaches the
#   far end, both checked by measurement (Goertzel), through the phone's libsrtp2 path;
# - the phone calling a scripted bob that answers 422 (Min-SE 3600), a reliable 183
#   (100rel) from one fork, 180 from another, then 200 from both: the INVITE is retried
#   with the Min-SE, the 183 PRACKed, the first 200 makes the call, the second is ACKed
#   and sent BYE.
#   call-corners.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
# shellcheck source=lib/calls.sh
. "$(dirname "$0")/lib/calls.sh"
cleanup_corners() {
  "$TB_DIR/kamailio.sh" start bob >/dev/null 2>&1   # after the scripted peers took his place
  cleanup
}
trap cleanup_corners EXIT
echo "TAP version 13"

PEER_PROG=$BUILD/tests/media/srtp_tone_peer
[ -x "$PEER_PROG" ] || { echo "1..0 # SKIP no $PEER_PROG (build tests/media)"; exit 0; }
use_test_card 1000
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "signed in" signin
check "registered" sip_is registered 30
"$TB_DIR/kamailio.sh" stop bob >/dev/null
peer() { ip netns exec "$TB_NS_PEER" python3 "$LIB/$1" "$TB_SRV_IP" "$TB_CA_PEM" \
  "$TB_PEER_USER" "$(cat "$TB_PEER_PASS_FILE")" "$TB_DOMAIN" "sip:$TB_USER_ADDRESS" "${@:2}"; }

# ---- offers the phone cannot run, and malformed ones ----
peer bad_offers.py > "$W/bad.out" 2>&1; rc=$?
sed 's/^/# bad offers: /' "$W/bad.out"
check "the scripted far end got a final answer to every offer" test "$rc" -eq 0
# case expected-status [warning text]
verdict() {
  local line
  line=$(grep "^$1 " "$W/bad.out")
  check "$1: answered $2" test "$(echo "$line" | cut -d' ' -f2)" = "$2"
  [ $# -gt 2 ] && check "$1: the Warning says why ($3)" grep -q "^$1 $2 $3" <<<"$line"
  return 0
}
verdict no-m-line 488 '304 .*"no audio stream offered"'
verdict not-sdp 400
verdict unknown-codecs-only 488 '305 .*"no common codec"'
verdict aead-256-only 488 '399 .*"no acceptable a=crypto line"'
verdict plain-rtp 488 '399 .*"plain RTP offered; the phone requires SRTP"'
verdict bad-base64-key 488 '399 '
verdict short-key 488 '399 '
verdict fifty-crypto-lines 488 '399 .*"SDP body too large"'
verdict port-0 488 '304 .*"no audio stream offered"'
verdict video-only 488 '304 '
verdict huge-body 488 '399 .*"SDP body too large"'
check "no refused offer ever rang or ran media" test "$(cjs .state)" = idle
check "no 200 was sent for a refused offer" bash -c "! grep -E '^(no-m-line|not-sdp|unknown|aead|plain|bad|short|fifty|port|video|huge)[^ ]* 200' '$W/bad.out'"
check "still registered after the bad offers" sip_is registered 5

# ---- MKI audio both ways ----
truncate -s 0 "$UCPHONE_TEST_A_OUT"
peer mki_peer.py 10 "$PEER_PROG" "$W/far-heard.raw" 770 > "$W/mki.out" 2>&1 &
mki=$!
check "MKI call: the phone rings" call_is ringing-in 10
ctl answer >/dev/null
check "MKI call: connected" call_is connected 5
check "MKI call: SRTP runs" test "$(cjs '.calls[0].srtp')" = true
path=$(cjs '.calls[0].srtp_path')
sleep 4
echo "# MKI call: $(cjs '.calls[0] | {codec, srtp_suite, srtp_path, rtp_sent, rtp_received, srtp_failures, lost}' | tr -d '\n ')"
check "MKI call: SRTP runs on the host's libsrtp2 path ($path)" test "$(cjs '.calls[0].srtp_in_kernel')" = false
check "MKI call: the phone decrypts the far end's MKI packets (no SRTP failures)" \
  test "$(cjs '.calls[0].srtp_failures')" = 0
wait "$mki"; rc=$?
sed 's/^/# mki peer: /' "$W/mki.out"
check "MKI call: the far end's media ran (sent all, decrypted the phone's)" test "$rc" -eq 0
check "MKI call: the far end decrypted every packet (no SRTP failures)" grep -q 'srtp_failures 0 ' "$W/mki.out"
sox -q -t raw -r 8000 -e signed -b 16 -c 1 "$W/far-heard.raw" "$W/far-heard.wav" 2>/dev/null
check "MKI call: the far end heard the phone's 1 kHz ($(tone_ok "$W/far-heard.wav" --freq 1000 --seconds 6))" \
  tone_ok "$W/far-heard.wav" --freq 1000 --seconds 6
sox -q -t raw -r 8000 -e signed -b 16 -c 1 "$UCPHONE_TEST_A_OUT" "$W/phone-heard.wav" 2>/dev/null
# the scripted sender is a plain process without real-time scheduling: on a loaded host
# its packets can come in bursts, so this direction checks that MKI audio passes, with
# gaps up to 200 ms (the 40 ms bound is call-baresip.sh's, with a real far end)
check "MKI call: the phone's earpiece played the far end's 770 Hz ($(tone_ok "$W/phone-heard.wav" --freq 770 --seconds 6 --max-gap-ms 200))" \
  tone_ok "$W/phone-heard.wav" --freq 770 --seconds 6 --max-gap-ms 200
check "MKI call: idle after the far end's BYE" call_is idle 10

# ---- the phone calls a scripted bob: 422, a reliable 18x, a forked answer ----
ip netns exec "$TB_NS_PEER" python3 "$LIB/uas_corners.py" "$TB_SRV_IP" "$TB_CA_PEM" \
  "$TB_PEER_USER" "$(cat "$TB_PEER_PASS_FILE")" "$TB_DOMAIN" > "$W/uas.out" 2>&1 &
uas=$!
for _ in $(seq 50); do grep -q '^registered' "$W/uas.out" && break; sleep 0.1; done
ctl dial bob >/dev/null
check "forked call: connected" call_is connected 10
sleep 2
check "forked call: still up after the losing fork's 200" call_is connected 1
ctl hangup >/dev/null
wait "$uas"; rc=$?
sed 's/^/# scripted bob: /' "$W/uas.out"
check "forked call: the far end saw the whole exchange" test "$rc" -eq 0
check "the INVITE says Supported: 100rel" grep -q '^invite1 .*supported=.*100rel' "$W/uas.out"
check "422: retried once with Session-Expires and Min-SE 3600" grep -q '^invite2 se=3600 minse=3600 ' "$W/uas.out"
check "100rel: the reliable 183 was PRACKed in fork A's early dialog" \
  grep -Eq '^prack rack=1 [0-9]+ INVITE totag=forkA' "$W/uas.out"
check "fork A's 200 ACKed" grep -q '^ack totag=forkA' "$W/uas.out"
check "fork B's later 200 ACKed" grep -q '^ack totag=forkB' "$W/uas.out"
check "fork B's later 200 sent BYE" grep -q '^bye totag=forkB' "$W/uas.out"
check "the call stayed with fork A (hung up there)" grep -q '^bye totag=forkA (the call' "$W/uas.out"
check "forked call: idle after" call_is idle 10

"$TB_DIR/kamailio.sh" start bob >/dev/null
check "the phone still works: registered" sip_is registered 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
