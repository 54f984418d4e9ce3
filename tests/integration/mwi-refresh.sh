#!/bin/bash
# The voice-mail subscription refreshed in its dialog on the bed: kamailio's voice-mail
# stand-in grants message-summary subscriptions 60 s (kamailio.sh mwi-expires 60), the
# phone subscribes once signed in and, at 80 % of the grant (48 s), refreshes inside the
# subscription's dialog: the 2xx's Contact as Request-URI, the To tag, the same Call-ID
# and From tag, a higher CSeq. The registrar must answer that refresh 200 (not 404) and
# the phone must not start a new dialog: one Call-ID in every MWI-SUBSCRIBE it logged.
# TAP; ~65 s (the 48 s wait takes most of it).
#   mwi-refresh.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
KAM_LOG=$TB_RUN/log/kamailio.log
cleanup_mwi() {
	"$TB_DIR/kamailio.sh" mwi-expires 0 2>/dev/null
	cleanup
}
trap cleanup_mwi EXIT
echo "TAP version 13"

KAM_MARK=$(stat -c %s "$KAM_LOG")
# the MWI-SUBSCRIBE lines the registrar logged for alice since the mark
mwi_lines() { tail -c +$((KAM_MARK + 1)) "$KAM_LOG" | grep "MWI-SUBSCRIBE alice@corp.test "; }
# field NAME LINE: the value after "NAME=" in a logged line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# in-dialog SUBSCRIBEs to the stand-in since the mark (Request-URI its Contact)
indialog_subscribes() {
	tail -c +$((KAM_MARK + 1)) "$KAM_LOG" | grep -c "REQ SUBSCRIBE sip:$TB_SRV_IP:5061" || true
}
waitfor() { local i; for i in $(seq $(($1 * 10))); do "${@:2}" && return 0; sleep 0.1; done; return 1; }
two_lines() { [ "$(mwi_lines | wc -l)" -ge 2 ]; }

check "the voice-mail stand-in grants 60 s" "$TB_DIR/kamailio.sh" mwi-expires 60
daemon_start
check "signed in" signin
check "registered" sip_is registered 30
check "voice mail: subscription active" wait_js '.sip.voicemail.state == "active"' 15
check "the phone keeps the granted 60 s" test "$(js .sip.voicemail.expires_s)" = 60
t0=$SECONDS
check "the refresh reaches the voice-mail stand-in within 60 s" waitfor 60 two_lines
echo "# refresh after $((SECONDS - t0)) s of the subscription (80 % of 60 s: 48 s)"
first=$(mwi_lines | sed -n 1p)
second=$(mwi_lines | sed -n 2p)
echo "# first:   ${first#*MWI-SUBSCRIBE }"
echo "# refresh: ${second#*MWI-SUBSCRIBE }"
check "the first SUBSCRIBE had no To tag" test "$(field to-tag "$first")" = "<null>"
check "the refresh carries the To tag" test -n "$(field to-tag "$second")" -a \
	"$(field to-tag "$second")" != "<null>"
check "the refresh goes to the 2xx's Contact (sip:$TB_SRV_IP:5061;transport=tls)" \
	test "$(field ruri "$second")" = "sip:$TB_SRV_IP:5061;transport=tls"
check "the refresh keeps the Call-ID" test -n "$(field call-id "$first")" -a \
	"$(field call-id "$first")" = "$(field call-id "$second")"
check "the refresh's CSeq is higher ($(field cseq "$first") -> $(field cseq "$second"))" \
	test "$(field cseq "$second")" -gt "$(field cseq "$first")"
check "the phone logged the refresh" wait_for_log "voice-mail subscription refreshed" 5
check "the phone did not subscribe anew" \
	eval '! grep -q "voice-mail subscription lost" "$W/daemon.log"'
check "the subscription stays active, 60 s granted again" \
	wait_js '.sip.voicemail.state == "active" and .sip.voicemail.expires_s == 60' 5
sleep 1
check "every MWI-SUBSCRIBE in one dialog (one Call-ID)" \
	test "$(mwi_lines | sed 's/.* call-id=\([^ ]*\).*/\1/' | sort -u | wc -l)" = 1
check "one in-dialog SUBSCRIBE to the stand-in, no 404 and retry ($(indialog_subscribes))" \
	test "$(indialog_subscribes)" = 1
daemon_stop
echo "1..$n"
[ "$fails" -eq 0 ]
