#!/bin/bash
# Calls between the phone (alice) and the bed's baresip bob through kamailio over TLS:
# alice calls bob and bob calls alice, SRTP both ways, PCMU and PCMA in turn, a 1 kHz tone
# each way checked by measurement (Goertzel: >= 90% of the energy at 1 kHz, no gap over
# 40 ms in 10 s), DTMF from `ucphonectl dtmf` received by bob, BYE from either end,
# CANCEL while ringing, 486 when the phone is busy, and bob without SRTP refused with a
# clear error and no plain media.
#   call-baresip.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
# shellcheck source=lib/calls.sh
. "$(dirname "$0")/lib/calls.sh"
cleanup_calls() {
  bob hangup 2>/dev/null
  bob_account_restore
  "$TB_DIR/kamailio.sh" start bob >/dev/null 2>&1   # after the MKI peer took his place
  cleanup
}
trap cleanup_calls EXIT
echo "TAP version 13"

use_test_card 1000
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap --codecs PCMU,PCMA
check "signed in" signin
check "registered" sip_is registered 30

# one call to bob with a codec, 12 s of tone, DTMF, hang-up from the phone
call_bob() {
  local codec=$1 dec suite heard
  bob_mark
  phone_heard_reset
  check "$codec: ucphonectl dial bob" quiet ctl dial bob
  check "$codec: connected" call_is connected 10
  check "$codec: bob runs SRTP" bob_saw "SRTP is Enabled" 5
  check "$codec: the phone's codec is $codec" test "$(cjs '.calls[0].codec')" = "$codec"
  suite=$(cjs '.calls[0].srtp_suite')
  check "$codec: the phone runs SRTP ($suite, kernel: $(cjs '.calls[0].srtp_in_kernel'))" \
    test "$(cjs '.calls[0].srtp')" = true
  sleep 4
  check "$codec: ucphonectl dtmf 15#" quiet ctl dtmf '15#'
  check "$codec: bob received the digits" bob_saw "received event: '#'" 5
  sleep 8
  echo "# $codec call: $(cjs '.calls[0] | {setup_ms, first_audio_ms, rtp_sent, rtp_received, lost, late, jitter_ms, rtt_ms, jitter_buffer_ms, srtp_path}' | tr -d '\n ')"
  check "$codec: ucphonectl hangup (BYE from the phone)" quiet ctl hangup
  check "$codec: idle again" call_is idle 5
  sleep 0.5
  dec=$(bob_dec)
  echo "# bob heard: $(tone_ok "$dec" 2>&1)"
  check "$codec: bob heard the phone's 1 kHz tone, no gap over 40 ms in 10 s" tone_ok "$dec"
  heard=$(phone_heard)
  echo "# the phone heard: $(tone_ok "$heard" 2>&1)"
  check "$codec: the phone heard bob's 1 kHz tone, no gap over 40 ms in 10 s" tone_ok "$heard"
}

call_bob PCMU
bob_account 's/audio_codecs=[^;]*/audio_codecs=PCMA/'
call_bob PCMA
bob_account_restore

# bob calls the phone: it rings, `answer` takes it, bob's BYE ends it
bob_mark
bob dial "sip:$TB_USER_ADDRESS"
check "bob calls: the phone rings" call_is ringing-in 10
far_end_is_bob() { [[ "$(cjs '.calls[0].far_end')" == *bob@* ]]; }
check "the far end is bob" far_end_is_bob
check "ucphonectl answer" quiet ctl answer
check "connected" call_is connected 5
check "bob's side is up, SRTP" bob_saw "SRTP is Enabled" 5
sleep 2
# bob holds (re-INVITE a=sendonly) and resumes (a=sendrecv): the phone follows
bob hold
check "bob holds: the phone says held" call_is held 5
check "the media direction follows ($(cjs '.calls[0].media_direction'))" \
  test "$(cjs '.calls[0].media_direction')" = recvonly
bob resume
check "bob resumes: connected again" call_is connected 5
bob hangup
check "bob hangs up (BYE from bob): idle" call_is idle 5

# CANCEL while ringing
bob_mark
bob dial "sip:$TB_USER_ADDRESS"
check "bob calls again: rings" call_is ringing-in 10
bob hangup
check "bob cancels: idle, the reason kept" call_is idle 5
check "the phone answered the INVITE 487 ($(cjs .last_error))" test "$(cjs .last_status)" = 487

# the phone busy (off hook, dialling): 486
ctl press offhook >/dev/null
check "off hook: dialling" call_is dialling 3
bob_mark
bob dial "sip:$TB_USER_ADDRESS"
check "a call while the phone is busy gets 486" bob_saw "486 Busy Here" 5
ctl press onhook >/dev/null
check "on hook: idle" call_is idle 3

# dialling from the keypad: off hook, digits, the 4 s inter-digit timeout sends
# sip:123@corp.test, which kamailio does not know (404): the reason is kept
ctl press offhook >/dev/null
for k in 1 2 3; do ctl press "$k" >/dev/null; done
check "keypad: 3 digits collected" test "$(cjs .digits)" = 123
check "keypad: sent after the 4 s timeout, refused 404" \
  wait_calls '.last_status == 404' 10
ctl press onhook >/dev/null
check "keypad: on hook, idle" call_is idle 3

# bob without SRTP: the phone (srtp=mandatory) refuses his plain offer with 488, and its own
# SAVP offer gets no plain-RTP call either
bob_account 's/;mediaenc=[^;]*//'
bob_mark
bob dial "sip:$TB_USER_ADDRESS"
check "bob's plain RTP offer: the phone answers 488" bob_saw "488 Not Acceptable Here" 5
check "and never rings" call_is idle 1
ctl dial bob >/dev/null
check "calling bob without SRTP ends" call_is idle 10
check "with a clear error ($(cjs .last_error), $(cjs .last_status))" \
  test "$(cjs .last_status)" -ge 400
check "no media stream ran" test "$(cjs '.calls | length')" -eq 0
bob_account_restore

# An OCS/Lync-style offer, key with lifetime and MKI (inline:KEY|2^31|1:1), from a
# scripted far end registered as bob in his place: the call sets up with SRTP (the
# script sends no media: audio with MKI is the media engine's own test)
"$TB_DIR/kamailio.sh" stop bob >/dev/null
ip netns exec "$TB_NS_PEER" python3 "$LIB/mki_peer.py" "$TB_SRV_IP" "$TB_CA_PEM" \
  "$TB_PEER_USER" "$(cat "$TB_PEER_PASS_FILE")" "$TB_DOMAIN" "sip:$TB_USER_ADDRESS" 6 > "$W/mki.out" 2>&1 &
mki=$!
check "MKI offer: the phone rings" call_is ringing-in 10
ctl answer >/dev/null
check "MKI offer: connected" call_is connected 5
check "MKI offer: SRTP runs" test "$(cjs '.calls[0].srtp')" = true
wait "$mki"; rc=$?
sed 's/^/# mki peer: /' "$W/mki.out"
check "MKI offer: answered 200" grep -q 'INVITE answered 200' "$W/mki.out"
check "MKI offer: the answer's key carries a 1-byte MKI too" grep -q '|1:1' "$W/mki.out"
check "MKI offer: the far end ended the call cleanly" test "$rc" -eq 0
check "MKI offer: idle after the call" call_is idle 10
"$TB_DIR/kamailio.sh" start bob >/dev/null

check "the phone still works: registered" sip_is registered 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
