#!/bin/bash
# A wrong password: a clear error, and no retry storm. On a new phone the directory refuses
# the LDAP bind first (no root learned, so no TLS session, no REGISTER at all); on a phone
# that knows its root, kamailio's Digest refuses it: at most 2 REGISTERs (the challenged one
# and the answer) over ~10 s. New credentials are tried at once and sign in.
#   signin-password.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"

printf 'Not-Alice!9' > "$W/wrong.pass"
c0=$(registers "$TB_KAMAILIO_LOG")
daemon_start
check "new phone, wrong password: ucphonectl signin accepted" signin "$W/wrong.pass"
check "the directory refuses it: a clear error" \
  wait_js '.sip.status_text == "Wrong password or user name (the directory refused the sign-in)"' 30
check "no REGISTER reached kamailio" test "$(registers "$TB_KAMAILIO_LOG")" -eq "$c0"

check "the right password: signs in (the root is learned)" signin
check "registered" sip_is registered 30

c0=$(registers "$TB_KAMAILIO_LOG")
check "wrong password again: ucphonectl signin accepted" signin "$W/wrong.pass"
t0=$(date +%s)
check "kamailio refuses it: registration fails" sip_is failed 30
check "with a clear error" test "$(js .sip.error)" = "Wrong password or user name (401 Unauthorized)"
sleep $(( t0 + 10 - $(date +%s) > 0 ? t0 + 10 - $(date +%s) : 0 ))
sent=$(( $(registers "$TB_KAMAILIO_LOG") - c0 ))
check "no retry storm: $sent REGISTERs in 10 s (<= 2)" test "$sent" -le 2
check "one auth failure counted, still failed" test "$(js '[.sip.auth_failures, .sip.state] | @tsv')" = "$(printf '1\tfailed')"
check "the wrong password is not in the log" bash -c '! grep -qF "Not-Alice" "$1"' _ "$W/daemon.log"

check "the right password again: ucphonectl signin accepted" signin
check "signs in at once" sip_is registered 10
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
