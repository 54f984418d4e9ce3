#!/bin/bash
# Exchange after sign-in, against the bed's Exchange 2007 SP1 stand-in (testbed/exchange/)
# behind nginx: Autodiscover in the seed's order read from the fixture's and nginx's logs
# (https://<SMTP domain>, https://autodiscover.<SMTP domain>, then the http GET that must
# redirect to https), each redirect kind, the redirect limit, a loop, http without a redirect
# refused, a certificate from an unknown CA ("Cannot validate server certificate" and the
# URL), a refused password (one clear error, no retry storm); then EWS: 260 contacts over 3
# pages, a contact without any number, names beyond ASCII end to end, voice mail, missed
# calls and the call log of "Conversation History", click-to-call dialling a contact (Bob's SIP
# address reaches the bed's baresip bob through the call manager); the directory searched by
# name (ResolveNames), a voice message's recording fetched only when asked (GetItem, then
# GetAttachment) and checked by its tone; the cache in the state directory, read at the next
# start, gone after sign-out with the recording.
#   exchange.sh BUILD_DIR        (run it under `flock /work/wt/testbed.lock`)
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
trap cleanup EXIT
echo "TAP version 13"
CTL() { ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" "$@"; }
EXSH=$TB_EXCHANGE_SH
AD=/autodiscover/autodiscover.xml
mark() { wc -l < "$TB_EXCHANGE_LOG"; }
# since MARK: the fixture's Autodiscover lines as "URL METHOD CODE", repeats (401 probes) folded
ad_since() { tail -n +$(( $1 + 1 )) "$TB_EXCHANGE_LOG" | awk '$2 == "ad" { print $4, $3, $8 }' | uniq; }
ad_hosts_since() { tail -n +$(( $1 + 1 )) "$TB_EXCHANGE_LOG" | awk '$2 == "ad" { print $3, $4 }' | uniq; }
ex_wait() { wait_js ".exchange.state == \"$1\"" "${2:-20}"; }
ex_error() { js '.exchange.error // ""'; }
# relog CASE: sign out and in again with the fixture on CASE (provisioning gives the
# address again, so discovery starts over); prints the fixture log mark taken before
relog() {
  phone_signout >/dev/null
  wait_js '.exchange.state == "idle"' 10
  "$EXSH" case "$1"
  M=$(mark); NG=$(wc -l < "$TB_NGINX_ACCESS_LOG")
  phone_signin >/dev/null
}

"$EXSH" reset
M=$(mark); NG=$(wc -l < "$TB_NGINX_ACCESS_LOG")
# a sound path for click-to-call: the media engine on the test's paced file PCMs
ALSA_CONF=$BUILD/tests/media/asound.conf
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$ALSA_CONF
export UCPHONE_TEST_A_IN=$W/phone-mic.raw UCPHONE_TEST_A_OUT=$W/phone-earpiece.raw
sox -q -n -r 8000 -c 1 -b 16 -e signed -t raw "$UCPHONE_TEST_A_IN" synth 120 sine 1000 vol 0.5
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
wait_js '.dhcp.state == "bound"' 10
phone_signin >/dev/null
# --- 1. default: corp.test is a web site (404), autodiscover.corp.test answers
check "signed in, Exchange found and synchronised" ex_wait ready 30
expect=$(printf '%s\n' "POST https://corp.test 404" "POST https://autodiscover.corp.test 401" \
  "POST https://autodiscover.corp.test 200")
check "fixture log: https://corp.test first, then https://autodiscover.corp.test" \
  test "$(ad_since "$M")" = "$expect"
ngx=$(tail -n +$((NG + 1)) "$TB_NGINX_ACCESS_LOG" | grep -F "$AD" | awk '{print $4, $5}' | uniq)
check "nginx log: the same order" test "$ngx" = "$(printf '%s\n' "https://corp.test \"POST" \
  "https://autodiscover.corp.test \"POST")"
check "status: the two steps and their answers" test "$(js '[.exchange.autodiscover.steps[] | .url + " " + .result] | join("|")')" = \
  "https://corp.test$AD HTTP 404|https://autodiscover.corp.test$AD settings"
check "EwsUrl (EXCH, EXPR), UMUrl, OABUrl, display name" test "$(js '.exchange.autodiscover | [.ews_url, .ews_url_external, .um_url, (.oab_url | test("^https://web.corp.test/OAB/")), .display_name] | @tsv')" = \
  "$(printf 'https://web.corp.test/EWS/Exchange.asmx\thttps://web.corp.test/EWS/Exchange.asmx\thttps://web.corp.test/UnifiedMessaging/Service.asmx\ttrue\tAlice Ängström')"
DISC_MS=$(js .exchange.autodiscover.ms)
SYNC_MS=$(js .exchange.last_sync_ms)
echo "# discovery $DISC_MS ms (2 URLs), EWS sync $SYNC_MS ms ($(js .exchange.contacts) contacts, 3+1 FindItem pages, FindFolder, 1 call-log page)"
pages=$(tail -n +$((M + 1)) "$TB_EXCHANGE_LOG" | grep -o 'FindItem contacts offset=[0-9]* max=[0-9]*' | uniq | tr '\n' '|')
check "contacts paged: offsets 0, 100, 200 of 100" test "$pages" = \
  "FindItem contacts offset=0 max=100|FindItem contacts offset=100 max=100|FindItem contacts offset=200 max=100|"

# the fixture offers NTLM and Basic (NTLM once the DC's winbindd answers): libcurl takes NTLM
if grep -q "NTLM through the DC's winbindd: yes" "$TB_EXCHANGE_LOG"; then
  check "NTLM offered and used, checked by the DC (ntlm_auth/winbindd)" bash -c \
    'tail -n +$(( $1 + 1 )) "$2" | grep -q "settings for alice@corp.test (NTLM "' _ "$M" "$TB_EXCHANGE_LOG"
else
  ok "NTLM # SKIP the DC's winbindd does not answer: Basic only"
fi

# --- 2. what the phone shows
check "ucphonectl contacts: 260 contacts" bash -c 'tail -n 1 <(ip netns exec "$1" "$2" -c "$3" contacts) | grep -qx "260 contacts"' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
CTL contacts --json > "$W/contacts.json"
check "contacts --json: all 260, each with its index" test "$(jq '[.total, (.contacts | length), ([.contacts[].index] == [range(260)])] | @tsv' -r "$W/contacts.json")" = "$(printf '260\t260\ttrue')"
check "Bob: work, mobile, e-mail and SIP address" test "$(jq -r '.contacts[] | select(.name == "Bob Builder") | [.work, .mobile, .email, .sip] | @tsv' "$W/contacts.json")" = \
  "$(printf '+1 (425) 555-0101\t+1 425 555 0199\tbob@corp.test\tsip:bob@corp.test')"
check "a contact with no phone number is listed, without numbers" test "$(jq -c '.contacts[] | select(.name == "Nadia Nophone") | [.work, .mobile, .home, .email]' "$W/contacts.json")" = '[null,null,null,"nadia@corp.test"]'
check "shown as such" bash -c 'ip netns exec "$1" "$2" -c "$3" contacts Nadia | grep -q "(no phone number)"' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
check "non-ASCII names intact (UTF-8 end to end)" test "$(jq -r '[.contacts[] | select(.name == "Zoë Łukasiewicz" or .name == "山田 太郎") | .name + "/" + (.company // "")] | join(",")' "$W/contacts.json")" = "Zoë Łukasiewicz/,山田 太郎/株式会社コープ"
check "search is case-insensitive and finds by e-mail" test "$(CTL contacts --json BOB@CORP | jq -r '[.contacts[].name] | join(",")')" = "Bob Builder"
check "the terminal gets UTF-8 names" bash -c 'ip netns exec "$1" "$2" -c "$3" contacts "Łukasiewicz" | grep -qF "Zoë Łukasiewicz"' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
CTL voicemail --json > "$W/vm.json"
check "voice mail: 2 messages, newest first, sender/time/duration/read" test "$(jq -r '[.voicemail[] | [.from, .from_address // "", .received, .duration_s, .read] | @tsv] | join("|")' "$W/vm.json")" = \
  "$(printf 'Bob Builder\tbob@corp.test\t2026-12-06T09:15:02Z\t32\tfalse|山田 太郎\t\t2026-12-05T17:42:10Z\t7\ttrue')"
check "missed calls (call history): 2" test "$(jq -r '[.missed_calls[].from] | join(",")' "$W/vm.json")" = "Zoë Łukasiewicz,+14255550123"
check "call history from Conversation History (FindFolder, then FindItem on its id): 2 calls" \
  test "$(jq -r '[.calls[] | .from + "/" + .received] | join(",")' "$W/vm.json")" = \
  "Bob Builder/2026-12-06T10:02:11Z,Søren Kierkegård/2026-12-05T15:30:00Z"
check "status: 1 unread voice mail" test "$(js .exchange.unread_voicemail)" = 1

# directory search and voice-message recordings
TONE=$(dirname "$0")/lib/tone_check.py
check "no recording fetched before it is asked for" bash -c '! ls "$1"/voicemail-recording.* 2>/dev/null' _ "$W/state"
M=$(mark)
CTL directory --json carol > "$W/dir.json"
check "directory carol: Carol Carter from the address list, SIP address and work number" \
  test "$(jq -r '[.matches[] | [.name, .sip, .work] | @tsv] | join("|")' "$W/dir.json")" = "$(printf 'Carol Carter\tsip:carol@corp.test\t2002')"
check "...asked with ResolveNames" bash -c 'tail -n +$(( $1 + 1 )) "$2" | grep -qF "ResolveNames '"'"'carol'"'"': 1"' _ "$M" "$TB_EXCHANGE_LOG"
check "directory bob: two matches, the one without contact data by its mailbox" \
  test "$(CTL directory --json bob | jq -r '[.matches[] | .name + "/" + (.email // "")] | join(",")')" = "Bob Builder/bob@corp.test,Bobbie Ørsted/bobbie@corp.test"
check "directory: no match is an empty list, exit 0" \
  test "$(CTL directory nosuchperson | tail -n 1)" = '0 in the directory match "nosuchperson"'
check "directory: a name with control characters is refused, exit 1" bash -c \
  'ip netns exec "$1" "$2" -c "$3" directory "$(printf "a\tb")" 2>/dev/null; [ $? = 1 ]' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
out=$(CTL --json voicemail-fetch 1)
check "voicemail-fetch 1: stored as voicemail-recording.wav ($(jq -c '[.bytes, .content_type]' <<<"$out"))" \
  test "$(jq -r .file <<<"$out")" = "$W/state/voicemail-recording.wav"
check "...GetItem for its attachments, then GetAttachment" test "$(tail -n +$((M + 1)) "$TB_EXCHANGE_LOG" | grep -oE 'GetItem message [0-9]+|GetAttachment recording of message [0-9]+' | tr '\n' '|')" = \
  "GetItem message 0|GetAttachment recording of message 0|"
check "...it is Bob's message: an 800 Hz tone throughout" python3 "$TONE" "$W/state/voicemail-recording.wav" --freq 800 --seconds 2.5
CTL voicemail-fetch 2 >/dev/null
check "voicemail-fetch 2: the next message's recording (1200 Hz) replaces it" python3 "$TONE" "$W/state/voicemail-recording.wav" --freq 1200 --seconds 2.5
check "voicemail-fetch 9: no such message, exit 1" bash -c \
  'ip netns exec "$1" "$2" -c "$3" voicemail-fetch 9 2>&1 | grep -q "no such voice message"' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
call_state() { CTL calls --json | jq -r .state; }
call_is() { local i; for i in $(seq $(( $2 * 10 ))); do [ "$(call_state)" = "$1" ] && return 0; sleep 0.1; done; return 1; }
out=$(CTL call-contact Bob)
starts() { [[ "$1" == "$2"* ]]; }
check "call-contact Bob: dials his SIP address ($out)" starts "$out" "calling sip:bob@corp.test  (Bob Builder, sip): "
check "call-contact Bob: the call to the bed's bob is connected" call_is connected 15
check "call-contact Bob: its far end is bob" test "$(CTL calls --json | jq -r '.calls[0].far_end')" = sip:bob@corp.test
CTL hangup >/dev/null
check "hung up" call_is idle 5
out=$(CTL call-contact 'bob builder' mobile)
check "call-contact 'bob builder' mobile: dials the tel URI's number ($out)" \
  starts "$out" "calling tel:+14255550199  (Bob Builder, mobile): "
CTL hangup >/dev/null 2>&1
check "idle again" call_is idle 10
check "the call went to the number at the SIP domain (call log)" \
  test "$(CTL calllog --json | jq -r '.calls[0].uri')" = "sip:+14255550199@corp.test"
idx=$(jq -r '.contacts[] | select(.name == "山田 太郎") | .index' "$W/contacts.json")
check "call-contact by index ($idx): work number" test "$(CTL --json call-contact "$idx" | jq -r .uri)" = "tel:+81355550100"
CTL hangup >/dev/null 2>&1
check "idle again" call_is idle 10
check "call-contact Nadia: no number, exit 1" bash -c 'ip netns exec "$1" "$2" -c "$3" call-contact Nadia 2>&1; [ $? = 1 ]' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
check "cache in the state directory, 0600" test "$(stat -c %a "$W/state/exchange.json" 2>/dev/null)" = 600
check "the cache holds the contacts" test "$(jq '.contacts | length' "$W/state/exchange.json")" = 260
daemon_stop
daemon_start
check "restart: the cached contacts before any network" wait_js '.exchange.contacts == 260 and .exchange.from_cache == true' 10
check "...then synchronised again (the stored identity signs in)" wait_js '.exchange.state == "ready" and .exchange.from_cache == null' 30

# --- 3. redirects
relog redirect-addr
check "redirectAddr: found for the new address" ex_wait ready 20
check "redirectAddr: started over at https://corp.test for alice.exch@corp.test" test "$(ad_since "$M" | awk '{print $2}' | uniq | tr '\n' ' ')" = \
  "https://corp.test https://autodiscover.corp.test https://corp.test https://autodiscover.corp.test "
check "redirectAddr: 1 redirect, now for the new address" test "$(js '.exchange.autodiscover | [.redirects, .address] | @tsv')" = "$(printf '1\talice.exch@corp.test')"
relog basic-only
check "Basic only offered: found with HTTP Basic over TLS" ex_wait ready 20
check "...the fixture saw Basic for CORP\\alice" bash -c \
  'tail -n +$(( $1 + 1 )) "$2" | grep -qF "settings for alice@corp.test (Basic CORP\\alice)"' _ "$M" "$TB_EXCHANGE_LOG"
relog redirect-url
check "redirectUrl: found at the URL it named" ex_wait ready 20
check "redirectUrl: POST to https://web.corp.test last" test "$(ad_since "$M" | tail -n 1)" = "POST https://web.corp.test 200"
relog http-redirect
check "http->https: found" ex_wait ready 20
check "http->https: GET http://autodiscover.corp.test after both https URLs, then POST to its https target" \
  test "$(ad_hosts_since "$M" | tr '\n' '|')" = "https://corp.test POST|https://autodiscover.corp.test POST|http://autodiscover.corp.test GET|https://web.corp.test POST|"
relog http-no-redirect
check "http answering without a redirect: refused, discovery fails" ex_wait failed 20
check "...with the step saying why" test "$(js '.exchange.autodiscover.steps[2].result')" = "HTTP 200 without a redirect to https: refused"
relog redirect-http-url
check "redirectUrl to http://: refused" wait_js '.exchange.state == "failed" and (.exchange.error | test("not https refused"))' 20
relog redirect-loop
check "redirect loop detected" wait_js '.exchange.state == "failed" and (.exchange.error | test("loop"))' 20
relog redirect-many
check "redirect limit: fails after 10" wait_js '.exchange.state == "failed" and .exchange.error == "more than 10 Autodiscover redirects"' 30
check "...having followed exactly 10" test "$(ad_since "$M" | grep -c '^POST https://web.corp.test 200')" = 10

# --- 4. certificates
"$EXSH" untrusted
relog default
check "apex with an unknown CA's certificate: skipped, found at autodiscover.corp.test" ex_wait ready 20
check "...the step says Cannot validate server certificate" test "$(js '.exchange.autodiscover.steps[0].result | startswith("Cannot validate server certificate")')" = true
check "...nothing reached the fixture from that step" test "$(ad_since "$M" | head -n 1)" = "POST https://autodiscover.corp.test 401"
relog none
check "only the untrusted URL answered: Cannot validate server certificate for that URL" wait_js \
  ".exchange.state == \"failed\" and .exchange.error == \"Cannot validate server certificate (https://corp.test$AD)\"" 20
"$EXSH" trusted

# --- 5. a refused password: one clear error, no retry storm
relog password-changed
check "refused credentials: one clear error" wait_js '.exchange.state == "failed" and .exchange.credentials_refused == true and (.exchange.error | startswith("Exchange refused the user name or password"))' 20
n0=$(mark); sleep 10
check "no retry in 10 s" test "$(mark)" = "$n0"
check "the password is in no log line" bash -c '! grep -qF "$(cat "$1")" "$2"' _ "$TB_USER_PASS_FILE" "$W/daemon.log"
"$EXSH" case default
check "exchange-sync on request tries again and succeeds" bash -c 'ip netns exec "$1" "$2" -c "$3" exchange-sync >/dev/null' _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
check "...ready" ex_wait ready 20

# --- 6. sign-out forgets the data; a wiped state directory has none
phone_signout >/dev/null
check "signed out: Exchange idle, no contacts" wait_js '.exchange.state == "idle" and .exchange.contacts == null' 10
check "signed out: the cache file is gone" test ! -e "$W/state/exchange.json"
check "signed out: the voice-message recording is gone" test ! -e "$W/state/voicemail-recording.wav"
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
