#!/bin/bash
# The phone calls the bed's baresip bob once per codec (bob's account allows only that
# one: opus, G.722, PCMU, PCMA), then bob calls the phone with Opus: SRTP through
# kamailio over TLS, a 1 kHz tone each way checked by measurement (Goertzel: >= 90 % of
# the energy at 1 kHz, no gap over 40 ms in 8 s), the codec both ends agreed, and the
# phone's jitter-buffer and concealment figures from `ucphonectl calls --json`.
#   call-codecs.sh BUILD_DIR
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
  cleanup
}
trap cleanup_calls EXIT
echo "TAP version 13"

use_test_card 1000
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap \
  --codecs opus,G722,PCMU,PCMA
check "signed in" signin
check "registered" sip_is registered 30

stats() {
  cjs '.calls[0] | {codec, rtp_sent, rtp_received, lost, late, duplicates, jitter_ms,
       jitter_buffer_ms, jitter_buffer_target_ms, lost_at_playout, concealed,
       jitter_buffer_peak_jitter_ms, jitter_buffer_dropped, jitter_buffer_stretched,
       fec_recovered, comfort_noise_frames, media_thread_allocs}' | tr -d '\n '
}

# checks the tone both ways after a call
tones() {
  local codec=$1 dec heard
  dec=$(bob_dec)
  echo "# $codec: bob heard ($(basename "$dec")): $(tone_ok "$dec" --seconds 8 2>&1)"
  check "$codec: bob heard the phone's 1 kHz tone, no gap over 40 ms" tone_ok "$dec" --seconds 8
  heard=$(phone_heard)
  echo "# $codec: the phone heard: $(tone_ok "$heard" --seconds 8 2>&1)"
  check "$codec: the phone heard bob's 1 kHz tone, no gap over 40 ms" tone_ok "$heard" --seconds 8
}

# call_bob CODEC BOB_CODECS: bob allows only BOB_CODECS, the phone calls him
call_bob() {
  local codec=$1
  bob_account "s#audio_codecs=[^;]*#audio_codecs=$2#"
  bob_mark
  phone_heard_reset
  check "$codec: ucphonectl dial bob" quiet ctl dial bob
  check "$codec: connected" call_is connected 10
  check "$codec: bob runs SRTP" bob_saw "SRTP is Enabled" 5
  check "$codec: the phone's codec is $codec ($(cjs '.calls[0].codec'))" \
    test "$(cjs '.calls[0].codec')" = "$codec"
  sleep 10
  echo "# $codec call: $(stats)"
  check "$codec: the jitter buffer reports its target" \
    test "$(cjs '.calls[0].jitter_buffer_target_ms')" -gt 0
  check "$codec: ucphonectl hangup" quiet ctl hangup
  check "$codec: idle again" call_is idle 5
  sleep 0.5
  tones "$codec"
}

call_bob opus opus/48000/2
call_bob G722 G722/16000/1
call_bob PCMU PCMU
call_bob PCMA PCMA

# bob calls the phone offering Opus only: the phone answers with Opus
bob_account 's#audio_codecs=[^;]*#audio_codecs=opus/48000/2#'
bob_mark
bob dial "sip:$TB_USER_ADDRESS"
check "bob calls (opus): the phone rings" call_is ringing-in 10
check "ucphonectl answer" quiet ctl answer
check "connected" call_is connected 5
# the ring tone (1000 + 1200 Hz) played until the answer, then the first
# packets fill the jitter buffer (tens of ms of silence between the two, as
# on any phone): measure the call from half a second after the answer
sleep 0.5
phone_heard_reset
check "answered with opus ($(cjs '.calls[0].codec'))" test "$(cjs '.calls[0].codec')" = opus
sleep 10
echo "# opus answered: $(stats)"
bob hangup
check "bob hangs up: idle" call_is idle 5
sleep 0.5
tones "opus (answered)"
bob_account_restore

check "the phone still works: registered" sip_is registered 5
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
