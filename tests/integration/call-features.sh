#!/bin/bash
# The phone's call features against the bed's baresip bob (1 kHz) and carol (1500 Hz)
# through kamailio: forwarding always (302 + Contact: bob's baresip follows it to carol,
# whose recording has bob's 1 kHz tone), Do Not Disturb (bob gets 486), forwarding on no
# answer after 3 s, the call log after each (missed count in status, cleared by looking),
# microphone mute (bob's recording: tone, silence, tone again, by measurement), the LAST
# key redialling bob, voice mail (the message-summary subscription accepted by the
# registrar, NOTIFYs from a scripted voice-mail server: counts and light in status, a
# thousand-line body, a bad body answered 400; VOICEMAIL calls the provisioned URI), the
# rules and log kept across a daemon restart, and the log file never torn by kill -9 of
# the daemon at random instants (20 times).
#   call-features.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
# shellcheck source=lib/calls.sh
. "$(dirname "$0")/lib/calls.sh"
KAM_LOG=$TB_RUN/log/kamailio.log
# kam_mark; ...; kam_saw TEXT SECONDS: the registrar logged TEXT after the mark
kam_mark() { KAM_MARK=$(stat -c %s "$KAM_LOG"); }
kam_saw() {
  local i
  for i in $(seq $(( $2 * 10 ))); do
    tail -c +$(( KAM_MARK + 1 )) "$KAM_LOG" | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
trap hang_up_peers EXIT
echo "TAP version 13"

use_test_card 1000
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "signed in" signin
check "registered" sip_is registered 30
newest() { ctl calllog --json | jq -r ".calls[0].$1"; }

# forwarding always: 302 Moved Temporarily, Contact <sip:carol@corp.test>; bob's baresip
# follows it and carol, answering, hears bob's 1 kHz tone
check "forward always carol" quiet ctl forward always carol
check "status shows it" test "$(js .phone.forwarding.always)" = carol
before=$(carol_dec)
kam_mark
bob dial "sip:$TB_USER_ADDRESS"
check "bob's baresip followed the 302: its INVITE to carol" kam_saw "REQ INVITE sip:carol@corp.test" 10
check "the phone never rang" test "$(cjs .state)" = idle
newcarol() { [ -n "$(carol_dec)" ] && [ "$(carol_dec)" != "$before" ]; }
waitfor() { local i; for i in $(seq $(( $1 * 10 ))); do "${@:2}" && return 0; sleep 0.1; done; return 1; }
check "bob's call reached carol (she records a new call)" waitfor 10 newcarol
sleep 6
bob hangup
sleep 1
echo "# carol heard: $(tone_ok "$(carol_dec)" --freq 1000 --seconds 4 2>&1)"
check "carol's recording has bob's 1 kHz tone" tone_ok "$(carol_dec)" --freq 1000 --seconds 4
check "status: 1 missed call" test "$(js .phone.missed_calls)" = 1
check "call log: a missed call from bob, forwarded to carol" \
  test "$(newest kind)/$(newest uri)/$(newest outcome)" = "missed/sip:bob@corp.test/forwarded to sip:carol@corp.test"
check "forward always off" quiet ctl forward always off

# Do Not Disturb: 486
check "dnd on" quiet ctl dnd on
check "status: dnd" test "$(js .phone.dnd)" = true
bob_mark
bob dial "sip:$TB_USER_ADDRESS"
check "DND: bob got 486 Busy Here" bob_saw "486 Busy Here" 10
check "DND: the phone never rang" test "$(cjs .state)" = idle
check "call log: missed, busy" test "$(newest kind)/$(newest outcome)" = "missed/busy"
check "dnd off" quiet ctl dnd off

# no answer after 3 s: the phone rings, then 302 to carol
check "forward noanswer carol 3" quiet ctl forward noanswer carol 3
before=$(carol_dec)
kam_mark
bob dial "sip:$TB_USER_ADDRESS"
check "no answer: the phone rings" call_is ringing-in 10
t0=$(date +%s%N)
check "no answer: idle again (302 sent)" call_is idle 6
echo "# the phone rang $(( ($(date +%s%N) - t0) / 1000000 )) ms after the test saw it ringing (rule: 3 s)"
check "no answer: bob's baresip followed the 302 to carol" kam_saw "REQ INVITE sip:carol@corp.test" 10
check "no answer: carol took bob's call" waitfor 10 newcarol
sleep 2
bob hangup
check "status: 1 missed call since the last look" test "$(js .phone.missed_calls)" = 1
echo "# newest entry: $(ctl calllog --json | jq -c '.calls[0]')"
check "call log: forwarded on no answer" test "$(newest outcome)" = "forwarded to sip:carol@corp.test"
check "forward off" quiet ctl forward off
ctl calllog > "$W/calllog.txt"
sed 's/^/# /' "$W/calllog.txt"
check "looking at the log clears the missed count" test "$(js .phone.missed_calls)" = 0

# mute: bob hears the phone's 1 kHz tone, silence while muted, the tone again; RTP flows on
bob_mark
check "dial bob" quiet ctl dial bob
check "connected" call_is connected 10
sleep 4
sent=$(cjs '.calls[0].rtp_sent')
check "mute" quiet ctl mute
check "status: muted" test "$(js .phone.muted)" = true
sleep 4
check "RTP keeps flowing while muted ($sent -> $(cjs '.calls[0].rtp_sent'))" \
  test "$(cjs '.calls[0].rtp_sent')" -gt $(( sent + 150 ))
check "unmute (mute again toggles)" quiet ctl mute
check "status: live" test "$(js .phone.muted)" = false
sleep 4
check "hang up" quiet ctl hangup
check "idle" call_is idle 5
sleep 0.5
win=$(python3 "$LIB/tone_windows.py" "$(bob_dec)" --freq 1000)
echo "# bob heard, per 250 ms (1 tone, 0 silence): $win"
check "bob heard: tone >= 2 s, silence >= 2 s, tone >= 2 s again" \
  grep -Eq '1{8,}[^1]{0,2}0{8,}[^0]{0,2}1{8,}' <<< "$win"
check "call log: placed to bob, answered, >= 10 s" \
  test "$(newest kind)/$(newest uri)/$(newest outcome)/$(( $(newest duration_s) >= 10 ))" = "placed/sip:bob@corp.test/answered/1"

# LAST redials the last number dialled
check "press last" quiet ctl press last
check "redial: connected" call_is connected 10
check "redial: the far end is bob" test "$(cjs '.calls[0].far_end')" = "sip:bob@corp.test"
check "hang up" quiet ctl hangup
check "idle" call_is idle 5

# voice mail: the subscription, NOTIFYs from the scripted voice-mail server
check "voice mail: message-summary subscription active" wait_js '.sip.voicemail.state == "active"' 10
check "the registrar saw the SUBSCRIBE" grep -q "MWI-SUBSCRIBE alice@corp.test expires=3600" "$KAM_LOG"
notify() {
  printf "$1" > "$W/mwi-body"
  ip netns exec "$TB_NS_PEER" python3 "$LIB/mwi_notify.py" "$TB_SRV_IP" "$TB_CA_PEM" \
    "$TB_DOMAIN" "sip:$TB_USER_ADDRESS" "$W/mwi-body"
}
check "NOTIFY 2 new, 8 old (1 urgent): answered 200" \
  test "$(notify 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@corp.test\r\nVoice-Message: 2/8 (1/0)\r\n')" = "NOTIFY answered 200"
check "status: the message light on, 2 new, 8 old" \
  test "$(js '[.sip.voicemail.waiting, .sip.voicemail.new, .sip.voicemail.old, .sip.voicemail.urgent_new] | map(tostring) | join(",")')" = "true,2,8,1"
check "a body that does not parse: 400" \
  test "$(notify 'Messages-Waiting: perhaps\r\nVoice-Message: x/y\r\n')" = "NOTIFY answered 400"
check "and the counts stay" test "$(js .sip.voicemail.new)" = 2
{ printf 'Messages-Waiting: no\r\n'; for i in $(seq 1000); do printf 'X:%d\r\n' "$i"; done
  printf 'Voice-Message: 0/10\r\n'; } > "$W/mwi-1000"   # 1002 lines, under kamailio's 16 KB TLS read buffer
check "a thousand-line body: answered 200" test "$(ip netns exec "$TB_NS_PEER" python3 "$LIB/mwi_notify.py" \
  "$TB_SRV_IP" "$TB_CA_PEM" "$TB_DOMAIN" "sip:$TB_USER_ADDRESS" "$W/mwi-1000")" = "NOTIFY answered 200"
check "status: the light off, 0 new, 10 old" \
  test "$(js '[.sip.voicemail.waiting, .sip.voicemail.new, .sip.voicemail.old] | map(tostring) | join(",")')" = "false,0,10"
check "the phone still registered" sip_is registered 3
# VOICEMAIL calls the provisioned voicemailUri (here the phone's own address: it ends busy)
vm=$(js '.sip.provisioning.values.voicemailUri')
check "press voicemail" quiet ctl press voicemail
check "the voice-mail call ends" call_is idle 10
check "call log: placed to the provisioned $vm" test "$(newest kind)/$(newest uri)" = "placed/$vm"

# click-to-call needs Exchange (exchange.sh); the log and rules survive a restart
check "forward busy kept" quiet ctl forward busy sip:carol@corp.test
count=$(ctl calllog --json | jq '.calls | length')
daemon_stop
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "restart: signed in again" sip_is registered 30
check "restart: the call log kept its $count calls" test "$(ctl calllog --json | jq '.calls | length')" = "$count"
check "restart: the busy rule kept" test "$(js .phone.forwarding.busy)" = sip:carol@corp.test
check "the log file is whole JSON in the state directory" jq -e '.calls | length > 0' "$W/state/calllog.json"

# the log cut mid-write: 20 times, bob calls (DND on: 486, an entry written) and the daemon
# is killed (SIGKILL) at a random instant 0-400 ms later; the file always parses whole and
# never loses an entry
check "dnd on (for the kill loop)" quiet ctl dnd on
daemon_stop
prev=$(jq '.calls | length' "$W/state/calllog.json")
torn=0 lost=0 up=0 grew=0
for i in $(seq 20); do
  daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
  if sip_is registered 30; then
    up=$((up + 1))
    bob dial "sip:$TB_USER_ADDRESS"
    sleep "0.$(( RANDOM % 4 ))$(( RANDOM % 10 ))"
  fi
  kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
  bob hangup 2>/dev/null
  if count=$(jq -e '.calls | length' "$W/state/calllog.json" 2>/dev/null); then
    [ "$count" -ge "$prev" ] || lost=$((lost + 1))
    [ "$count" -gt "$prev" ] && grew=$((grew + 1))
    prev=$count
  else
    torn=$((torn + 1))
  fi
done
echo "# kill loop: $up of 20 rounds registered, the log grew in $grew, $prev entries at the end"
check "kill -9 x20: the log file parsed whole every time" test "$torn" -eq 0
check "kill -9 x20: no entry ever lost" test "$lost" -eq 0
check "kill -9 x20: calls were logged in between" test "$grew" -gt 0
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
check "after the kills: signed in again" sip_is registered 30
check "after the kills: the daemon reads the log ($prev entries)" \
  test "$(ctl calllog --json | jq '.calls | length')" = "$prev"
check "dnd off" quiet ctl dnd off
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
