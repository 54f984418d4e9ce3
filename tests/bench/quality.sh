#!/bin/bash
# Call quality under network impairment, ucphone against baresip, side by side.
# Runs as a testbed test (through tb-run):
#   /work/wt/tools/tb-run tests/bench/quality.sh            # short: clean, 5 % loss, 40 ms jitter; PCMU
#   QUALITY_FULL=1 /work/wt/tools/tb-run tests/bench/quality.sh   # every profile and codec
#   QUALITY_CHECK=1 ...: the suite's assertion (see tests/integration/quality-impair.sh)
#
# bob (baresip, the bed's far end) plays espeak-ng speech and records what he hears; the
# caller's microphone plays the same speech. The caller is first the phone (ucphoned on
# the host's paced ALSA test card, what its earpiece plays written to a file), then a
# baresip "alice" in the phone's namespace (aufile source, sndfile recorder). Between
# the phone's namespace and the bed's switch sits tests/bench/quality/impair_bridge.py
# with the profile's seeded loss/burst/jitter/reorder/skew, both directions; the rest
# of the bed is untouched. Each call lasts QUALITY_CALL_S (10) seconds of speech.
#
# Per profile, codec, caller and direction one row:
#   heard-by  who received: "caller" (the phone's earpiece or alice's recording: the
#             receiver under test) or "bob" (what bob recorded from the caller)
#   lsd_db    log-spectral distance after alignment (lower is better)
#   segsnr    segmental SNR in dB after alignment (higher is better)
#   gaps      silences over 20 ms where speech was sent; gap_max_ms the longest
#   twice     samples played twice; skipped: sent speech never played (dropped, not concealed)
#   jb mean/p95  the phone's jitter-buffer delay from `ucphonectl calls --json`, sampled
#             every 0.5 s (playout delay added by the receiver); baresip: its own
#             configured buffer (jitter_buffer_delay, frames), it reports no live figure
# qmeter (tests/bench/quality/qmeter.c) documents the measure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../integration/lib/phone-daemon.sh
. "$ROOT/tests/integration/lib/phone-daemon.sh"
# shellcheck source=../integration/lib/signin.sh
. "$ROOT/tests/integration/lib/signin.sh"
# shellcheck source=../integration/lib/calls.sh
. "$ROOT/tests/integration/lib/calls.sh"
# shellcheck source=quality/impair.sh
. "$ROOT/tests/bench/quality/impair.sh"
QMETER=$BUILD/tests/bench/quality/qmeter
CALL_S=${QUALITY_CALL_S:-10}
BOB_TONE=$TB_RUN/baresip/tone.wav
ALICE_IP=10.77.0.50
ALICE_CTRL=127.0.0.1:4450
# the phone's card rate in the bench (its default); the earpiece is recorded at it
EAR_RATE=${QUALITY_CARD_RATE:-16000}

declare -A PROFILE=(
  [clean]="clean" [loss5]="loss 5" [burst10]="burst 10 3" [jitter40]="jitter 40"
  [reorder3]="reorder 3" [skew200]="skew 200" [loss5+jitter40]="loss 5 jitter 40"
)
# bob's account names for a codec (forced on his side)
declare -A BOB_CODEC=([PCMU]=PCMU [PCMA]=PCMA [G722]=G722/16000/1 [opus]=opus/48000/2)
if [ -n "${QUALITY_CHECK:-}" ]; then
  PROFILES=("loss5+jitter40"); CODECS=(PCMU); CALLERS=(ucphone)
elif [ -n "${QUALITY_FULL:-}" ]; then
  PROFILES=(clean loss5 burst10 jitter40 reorder3 skew200); CODECS=(PCMU PCMA G722 opus)
  CALLERS=(ucphone baresip)
else
  PROFILES=(clean loss5 jitter40); CODECS=(PCMU); CALLERS=(ucphone baresip)
fi
# narrowed by hand: QUALITY_PROFILES="loss5 burst10" QUALITY_CODECS="PCMU G722"
[ -z "${QUALITY_PROFILES:-}" ] || read -ra PROFILES <<<"$QUALITY_PROFILES"
[ -z "${QUALITY_CODECS:-}" ] || read -ra CODECS <<<"$QUALITY_CODECS"
# the recordings and the table stay in the bed's run folder for a second look
KEEP=$TB_RUN/quality
rm -rf "$KEEP" && mkdir -p "$KEEP"

ALICE_PID=
cleanup_quality() {
  impair_off
  [ -z "$ALICE_PID" ] || { kill -TERM "$ALICE_PID" 2>/dev/null; wait "$ALICE_PID" 2>/dev/null; }
  ip -n "$TB_NS_PHONE" -4 addr flush dev eth0 2>/dev/null
  [ -f "$BOB_TONE.bed" ] && mv "$BOB_TONE.bed" "$BOB_TONE"
  bob hangup 2>/dev/null
  bob_account_restore
  cleanup
}
trap cleanup_quality EXIT
echo "TAP version 13"

# --- speech: espeak-ng sentences, 8 kHz mono; bob sends it, the callers' microphones too
i=0
for s in "The quick brown fox jumps over the lazy dog." \
         "Please call me back about the quarterly budget before noon." \
         "Seven, eight, nine: the conference bridge opens at half past three." \
         "We could hear each other clearly until the network started to drop packets."; do
  espeak-ng -v en -s 150 -w "$W/s$i.wav" "$s"; i=$((i + 1))
done
sox -q "$W"/s[0-9].wav -r 8000 -c 1 -b 16 -e signed "$W/speech1.wav"
# 20 rounds (about 4 minutes): outlasts every call (aufile hangs up at its end)
sox -q "$W/speech1.wav" "$W/speech.wav" repeat 19
sox -q "$W/speech.wav" -t raw "$W/speech.raw"
check "speech made ($(soxi -D "$W/speech.wav") s)" test -s "$W/speech.raw"
cp "$BOB_TONE" "$BOB_TONE.bed"
cp "$W/speech.wav" "$BOB_TONE"

# --- measuring
declare -a ROWS=()
to_raw() { sox -q "$1" -r 8000 -c 1 -b 16 -e signed -t raw "$2" 2>/dev/null; }
# measure LABEL WAV_OR_RAW: one row's figures
measure() {
  local f=$2 raw=$W/m.raw
  case "$f" in
    *.wav) to_raw "$f" "$raw" || { echo "lag_ms=nan lsd_db=nan segsnr=nan gaps=nan gap_max_ms=nan twice=nan frames=0"; return; } ;;
    *) cp "$f" "$raw" ;;
  esac
  cp "$raw" "$KEEP/$1.raw"
  "$QMETER" "$W/speech.raw" "$raw" || true
}
kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
row() {  # PROFILE CODEC CALLER HEARD-BY QMETER_LINE JB_MEAN JB_P95
  ROWS+=("$(printf '%-10s %-5s %-8s %-7s %7s %7s %5s %6s %6s %7s %8s %8s' "$1" "$2" "$3" "$4" \
    "$(kv lsd_db "$5")" "$(kv segsnr "$5")" "$(kv gaps "$5")" "$(kv gap_max_ms "$5")" \
    "$(kv twice "$5")" "$(kv skipped "$5")" "$6" "$7")")
}
stats_mean_p95() {  # numbers on stdin -> "mean p95"
  sort -n | awk '{a[NR]=$1; s+=$1} END {if (!NR) {print "- -"; exit}
    i=int(0.95*NR+0.5); if (i<1) i=1; if (i>NR) i=NR; printf "%.0f %.0f\n", s/NR, a[i]}'
}

# --- ucphone as the caller
ucphone_runs() {
  local prof codec got jb heard dec line
  local calls=$(( ${#CODECS[@]} * ${#PROFILES[@]} + 1 ))
  ALSA_CONF=$BUILD/tests/media/asound.conf
  export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$ALSA_CONF
  # the microphone's file is read on from call to call (not rewound): 30 s of speech
  # per call, or the later calls send silence
  sox -q "$W/speech1.wav" -t raw "$W/mic.raw" \
    repeat $(( calls * 30 / $(soxi -D "$W/speech1.wav" | cut -d. -f1) + 1 ))
  # the earpiece recorded at the card's rate and taken to 8 kHz by sox (which filters):
  # alsa-lib's plug converts without an anti-alias filter and folds G.722's and Opus's
  # 4-8 kHz band into the measured one
  export UCPHONE_TEST_A_IN=$W/mic.raw UCPHONE_TEST_WA_OUT=$W/earpiece.raw
  daemon_start --audio-rate "$EAR_RATE" --audio-playback ucphone_test_wa_play \
    --audio-capture ucphone_test_a_cap
  check "ucphone: signed in" signin
  check "ucphone: registered" sip_is registered 30
  for codec in "${CODECS[@]}"; do
    bob_account "s|audio_codecs=[^;]*|audio_codecs=${BOB_CODEC[$codec]}|"
    for prof in "${PROFILES[@]}"; do
      # shellcheck disable=SC2086
      impair_on "$W/impair-$prof.json" 7 ${PROFILE[$prof]}
      bob_mark
      ctl dial bob >/dev/null
      if ! call_is connected 10; then
        ROWS+=("$(printf '%-10s %-5s %-8s %s' "$prof" "$codec" ucphone "no call: $(cjs .last_error) (codec not offered by this build?)")")
        grep -v subsys=control "$W/daemon.log" | tail -n 8 | sed 's/^/# /'
        ctl hangup >/dev/null 2>&1; call_is idle 5
        impair_off
        continue
      fi
      truncate -s 0 "$W/earpiece.raw"
      got=$(cjs '.calls[0].codec')
      : > "$W/jb"
      for _ in $(seq $((CALL_S * 2))); do
        cjs '.calls[0].jitter_buffer_ms // empty' >> "$W/jb"
        sleep 0.5
      done
      echo "# ucphone $prof $codec: $(cjs '.calls[0] | {codec, rtp_received, lost, late, duplicates, jitter_ms, jitter_buffer_ms, media_thread_allocs}' | tr -d '\n ')"
      ctl hangup >/dev/null
      call_is idle 5
      impair_off
      sleep 0.5
      jb=$(stats_mean_p95 < "$W/jb")
      sox -q -t raw -r "$EAR_RATE" -e signed -b 16 -c 1 "$W/earpiece.raw" \
        -r 8000 -t raw "$W/heard-$prof-$codec.raw"
      line=$(measure "ucphone-$prof-$codec-caller" "$W/heard-$prof-$codec.raw")
      row "$prof" "$got" ucphone caller "$line" ${jb}
      LAST_CALLER_LINE=$line
      dec=$(bob_dec)
      row "$prof" "$got" ucphone bob "$(measure "ucphone-$prof-$codec-bob" "$dec")" - -
      echo "# impairment: $(cat "$W/impair-$prof.json" 2>/dev/null)"
      if [ -n "${QUALITY_CHECK:-}" ]; then
        check "5 % loss + 40 ms jitter: the phone played no gap over 60 ms ($line)" \
          test "$(kv gap_max_ms "$line")" -le 60
        check "5 % loss + 40 ms jitter: nothing played twice" test "$(kv twice "$line")" = 0
        check "5 % loss + 40 ms jitter: the speech is recognisable (segSNR > 5 dB)" \
          awk -v v="$(kv segsnr "$line")" 'BEGIN {exit !(v > 5)}'
        check "the jitter buffer's delay was reported (mean/p95 $jb ms)" test "$jb" != "- -"
      fi
    done
  done
  if [ -n "${QUALITY_CHECK:-}" ]; then
    # the speaker key in a call switches the speakerphone's echo canceller on
    ctl dial bob >/dev/null
    check "a call for the speaker key" call_is connected 10
    check "before the speaker key: no echo canceller (echo path delay 0)" \
      test "$(cjs '.calls[0].echo_delay_ms')" = 0
    ctl press speaker >/dev/null
    check "speaker key: the echo canceller runs on the card's measured delay" \
      wait_calls '.calls[0].echo_delay_ms > 0' 5
    echo "# speakerphone: echo path delay $(cjs '.calls[0].echo_delay_ms') ms"
    ctl hangup >/dev/null
    call_is idle 5
  fi
  daemon_stop
  ip -n "$TB_NS_PHONE" -4 addr flush dev eth0
}

# --- baresip as the caller, alice in the phone's namespace on a fixed address
alice_config() {
  mkdir -p "$W/alice" "$W/alice-rec"
  cat > "$W/alice/config" <<EOF
poll_method		epoll
sip_listen		$ALICE_IP:5060
sip_cafile		$TB_CA_PEM
dns_server		$TB_SRV_IP:53
call_local_timeout	120
audio_player		aubridge,play
audio_source		aufile,$W/speech.wav
audio_alert		aubridge,alert
ausrc_srate		8000
ausrc_channels		1
rtp_ports		10400-10500
rtcp_mux		no
jitter_buffer_delay	5-10
rtp_stats		yes
module_path		/usr/lib/baresip/modules
module			g711.so
module			g722.so
module			opus.so
module			aufile.so
module			aubridge.so
module			srtp.so
module			sndfile.so
snd_path		$W/alice-rec
module_app		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		$ALICE_CTRL
EOF
  printf '<sip:alice@corp.test;transport=tls>;auth_pass=%s;outbound="sip:sip.corp.test:5061;transport=tls";mediaenc=srtp-mand;regint=300;audio_codecs=%s\n' \
    "$(cat "$TB_USER_PASS_FILE")" "$1" > "$W/alice/accounts"
}
alice() { ip netns exec "$TB_NS_PHONE" python3 "$LIB/baresip_ctrl.py" "$ALICE_CTRL" "$@" >/dev/null; }
alice_start() {
  : > "$W/alice.log"
  ip netns exec "$TB_NS_PHONE" baresip -f "$W/alice" >> "$W/alice.log" 2>&1 &
  ALICE_PID=$!
  # alice@corp.test is the phone's account too: the 200 OK may list more than one
  # binding; registered means the registrar holds alice's own contact among them
  for _ in $(seq 100); do
    grep -Eq '\[[0-9]+ bindings?\]' "$W/alice.log" && break
    sleep 0.1
  done
  kamcmd -s "unix:$TB_RUN/kamailio/ctl.sock" ul.lookup location "alice@$TB_DOMAIN" \
    > "$W/alice.bindings" 2>&1
  grep -q "Address: sip:[^@ ]*@$ALICE_IP[:;>]" "$W/alice.bindings" && return 0
  sed 's/^/# registrar: /' "$W/alice.bindings"
  return 1
}
alice_stop() {
  [ -n "$ALICE_PID" ] || return 0
  kill -TERM "$ALICE_PID" 2>/dev/null
  wait "$ALICE_PID" 2>/dev/null
  ALICE_PID=
}
baresip_runs() {
  local prof codec dec heard jbcfg
  ip -n "$TB_NS_PHONE" addr add "$ALICE_IP/24" dev eth0
  jbcfg="$(( 5 * 20 ))-$(( 10 * 20 ))"
  for codec in "${CODECS[@]}"; do
    bob_account "s|audio_codecs=[^;]*|audio_codecs=${BOB_CODEC[$codec]}|"
    alice_config "${BOB_CODEC[$codec]}"
    if ! alice_start; then
      check "baresip alice registered ($codec)" false
      tail -n 15 "$W/alice.log" | sed 's/^/# alice: /'
      alice_stop
      continue
    fi
    for prof in "${PROFILES[@]}"; do
      # shellcheck disable=SC2086
      impair_on "$W/impair-b-$prof.json" 7 ${PROFILE[$prof]}
      bob_mark
      rm -f "$W"/alice-rec/*
      alice dial "sip:bob@corp.test"
      if ! bob_saw "SRTP is Enabled" 10; then
        ROWS+=("$(printf '%-10s %-5s %-8s %s' "$prof" "$codec" baresip "no call")")
        alice hangup; impair_off; continue
      fi
      sleep "$CALL_S"
      alice hangup
      sleep 0.5
      impair_off
      heard=$(ls -t "$W"/alice-rec/dump-*-dec.wav 2>/dev/null | head -n 1)
      row "$prof" "$codec" baresip caller "$(measure "baresip-$prof-$codec-caller" "$heard")" "cfg $jbcfg" ""
      dec=$(bob_dec)
      row "$prof" "$codec" baresip bob "$(measure "baresip-$prof-$codec-bob" "$dec")" - -
    done
    alice_stop
  done
  ip -n "$TB_NS_PHONE" -4 addr flush dev eth0
}

for c in "${CALLERS[@]}"; do
  case $c in
    ucphone) ucphone_runs ;;
    baresip) baresip_runs ;;
  esac
done

echo "# call quality: ${CALL_S} s of espeak-ng speech per call through the impairment bridge"
echo "# (qmeter: LSD dB lower is better, segSNR dB higher is better; gaps > 20 ms; samples played twice;"
echo "#  jb: the receiver's jitter-buffer delay ms, mean and p95)"
printf '# %-10s %-5s %-8s %-7s %7s %7s %5s %6s %6s %7s %8s %8s\n' profile codec caller heard-by \
  lsd_db segsnr gaps gapmax twice skipped jb_mean jb_p95 | tee "$KEEP/table.txt"
for r in "${ROWS[@]}"; do echo "# $r"; done | tee -a "$KEEP/table.txt"
echo "1..$n"
[ "$fails" -eq 0 ]
