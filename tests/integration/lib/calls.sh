# shellcheck shell=bash
# Sourced by the call tests after phone-daemon.sh and signin.sh: drive the bed's baresip
# bob over ctrl_tcp, read the phone's `calls`, find recordings, check tones by measurement.
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOB_LOG=$TB_RUN/log/baresip-bob.log
BOB_REC=$TB_RUN/baresip/rec-bob
BOB_ACCOUNTS=$TB_RUN/baresip/bob/accounts

# bob COMMAND [PARAMS]: one ctrl_tcp command (dial, hangup, accept, ...)
bob() { ip netns exec "$TB_NS_PEER" python3 "$LIB/baresip_ctrl.py" "$TB_PEER_CTRL" "$@" >/dev/null; }
calls() { ctl calls --json 2>/dev/null; }
cjs() { calls | jq -r "$1" 2>/dev/null; }
# call_is STATE SECONDS: until the phone's call state is STATE
call_is() {
  local end=$(( $(date +%s%N) / 1000000 + $2 * 1000 ))
  while (( $(date +%s%N) / 1000000 < end )); do
    [ "$(cjs .state)" = "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
# wait_calls JQ SECONDS: until the jq expression holds on `calls`
wait_calls() {
  local end=$(( $(date +%s%N) / 1000000 + $2 * 1000 ))
  while (( $(date +%s%N) / 1000000 < end )); do
    calls | jq -e "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
# bob_mark; ...; bob_saw TEXT SECONDS: bob logged TEXT after the mark
bob_mark() { BOB_MARK=$(stat -c %s "$BOB_LOG"); }
bob_saw() {
  local i
  for i in $(seq $(( $2 * 10 ))); do
    tail -c +$(( BOB_MARK + 1 )) "$BOB_LOG" | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
# bob's newest recording of what he heard
bob_dec() { ls -t "$BOB_REC"/dump-*-dec.wav 2>/dev/null | head -n 1; }
# bob_account SETTINGS: restart bob with his account line's parameters changed
# (sed expression on the accounts file); bob_account_restore puts the bed's back
bob_account() {
  [ -f "$BOB_ACCOUNTS.bed" ] || cp "$BOB_ACCOUNTS" "$BOB_ACCOUNTS.bed"
  sed -e "$1" "$BOB_ACCOUNTS.bed" > "$BOB_ACCOUNTS"
  "$TB_DIR/kamailio.sh" restart bob >/dev/null
}
bob_account_restore() {
  [ -f "$BOB_ACCOUNTS.bed" ] || return 0
  mv "$BOB_ACCOUNTS.bed" "$BOB_ACCOUNTS"
  "$TB_DIR/kamailio.sh" restart bob >/dev/null
}
tone_ok() { python3 "$LIB/tone_check.py" "$@"; }

# carol, the bed's second far end, like bob
CAROL_LOG=$TB_RUN/log/baresip-carol.log
CAROL_REC=$TB_RUN/baresip/rec-carol
carol() { ip netns exec "$TB_NS_PEER" python3 "$LIB/baresip_ctrl.py" "$TB_PEER2_CTRL" "$@" >/dev/null; }
carol_dec() { ls -t "$CAROL_REC"/dump-*-dec.wav 2>/dev/null | head -n 1; }
carol_mark() { CAROL_MARK=$(stat -c %s "$CAROL_LOG"); }
carol_saw() {
  local i
  for i in $(seq $(( $2 * 10 ))); do
    tail -c +$(( CAROL_MARK + 1 )) "$CAROL_LOG" | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
# on exit: no far end left in a call, then the phone's own cleanup
hang_up_peers() {
  bob hangup 2>/dev/null
  carol hangup 2>/dev/null
  cleanup
}
quiet() { "$@" >/dev/null; }
plus() { echo "scale=2; $1 + $2" | bc; }
segs() { python3 "$LIB/tone_segments.py" "$@"; }
# measure LABEL WAV FREQ START:END:WANT...: tone segments of a recording, one check
measure() {
  local label=$1 wav=$2 f=$3 out rc; shift 3
  out=$(python3 "$LIB/tone_segments.py" "$wav" --freq "$f" "$@"); rc=$?
  echo "$out" | sed "s/^/# $label: /"
  check "$label" test "$rc" -eq 0
}

# use_test_card FREQ: the phone's sound card on this host is the media engine's own
# ALSA code on the file plugin over a real-time paced PCM (tests/media/asound.conf): its
# microphone hears a FREQ Hz tone and what its earpiece plays is written
# to $UCPHONE_TEST_A_OUT. Skips the whole test when tests/media is not built.
use_test_card() {
  ALSA_CONF=$BUILD/tests/media/asound.conf
  [ -f "$ALSA_CONF" ] || { echo "1..0 # SKIP no $ALSA_CONF (build tests/media)"; exit 0; }
  export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$ALSA_CONF
  export UCPHONE_TEST_A_IN=$W/phone-mic.raw UCPHONE_TEST_A_OUT=$W/phone-earpiece.raw
  sox -q -n -r 8000 -c 1 -b 16 -e signed -t raw "$UCPHONE_TEST_A_IN" synth 600 sine "$1" vol 0.5
}
# the earpiece file grows in real time while a call runs: its size marks a moment
ear_at() { echo "scale=2; $(stat -c %s "$UCPHONE_TEST_A_OUT" 2>/dev/null || echo 0) / 16000" | bc; }
# ear_wav: all the earpiece played, as a wav
ear_wav() {
  sox -q -t raw -r 8000 -e signed -b 16 -c 1 "$UCPHONE_TEST_A_OUT" "$W/ear.wav" 2>/dev/null
  echo "$W/ear.wav"
}
# phone_heard: what the earpiece played since the last phone_heard_reset, as a wav
phone_heard_reset() { truncate -s 0 "$UCPHONE_TEST_A_OUT" 2>/dev/null || true; }
phone_heard() {
  sox -q -t raw -r 8000 -e signed -b 16 -c 1 "$UCPHONE_TEST_A_OUT" "$W/phone-heard.wav" 2>/dev/null
  echo "$W/phone-heard.wav"
}
