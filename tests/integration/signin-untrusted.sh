#!/bin/bash
# A registrar whose certificate comes from a CA that nothing the phone trusts vouches for:
# the phone shows exactly "Cannot validate server certificate" and sends kamailio nothing
# (no REGISTER in its log); once the bed's own certificate is back, it signs in by itself.
#   signin-untrusted.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"

# Only sip.corp.test answers TLS, with a certificate from the throw-away CA.
"$TB_KAMAILIO_SH" untrusted >/dev/null || not_ok "kamailio.sh untrusted"
"$TB_KAMAILIO_SH" stop sip2 >/dev/null || not_ok "kamailio.sh stop sip2"
c1=$(registers "$TB_KAMAILIO_LOG") c2=$(registers "$TB_KAMAILIO2_LOG")

daemon_start
check "ucphonectl signin accepted" signin
check "registration fails" sip_is failed 40
check "status says exactly \"Cannot validate server certificate\"" \
  test "$(js '[.sip.error, .sip.status_text] | @tsv')" = "$(printf 'Cannot validate server certificate\tCannot validate server certificate')"
# the text a person reads: `ucphonectl status` without --json
human_has() { ctl status | grep -qxF -- "$1"; }
check "ucphonectl status (text) says it on the registration line" \
  human_has "sip:          Cannot validate server certificate (failed)"
check "and on its error line" human_has "sip error:    Cannot validate server certificate"
check "the daemon's log says it too" grep -qF 'error="Cannot validate server certificate"' "$W/daemon.log"
check "kamailio received no REGISTER" test "$(registers "$TB_KAMAILIO_LOG")" -eq "$c1"
check "and no other SIP request from the phone" test "$(js .sip.transport.requests_sent)" -eq 0
check "the second registrar none either" test "$(registers "$TB_KAMAILIO2_LOG")" -eq "$c2"

"$TB_KAMAILIO_SH" trusted >/dev/null
check "the bed's certificate back: signs in on its next retry" sip_is registered 30
check "and the error is gone" test "$(js '.sip.error // "none"')" = none
registered_text() {
  local t; t=$(ctl status)
  grep -qxF "sip:          Registered (registered)" <<<"$t" &&
    grep -qE "^registrar:    $TB_SIP_HOST:5061, expires [0-9]+ s \([0-9]+ s left\)$" <<<"$t" &&
    ! grep -q "Cannot validate" <<<"$t"
}
check "ucphonectl status (text): Registered, the registrar and its expiry, no error" registered_text
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
