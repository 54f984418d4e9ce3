#!/bin/bash
# A wrong password: a clear error, and no retry storm (at most 2 REGISTERs, the challenged
# one and the answer, over ~10 s); new credentials are tried at once and sign in.
#   signin-password.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap signin_cleanup EXIT
echo "TAP version 13"

printf 'Not-Alice!9' > "$W/wrong.pass"
c0=$(registers "$TB_KAMAILIO_LOG")
daemon_start
signin "$W/wrong.pass"
t0=$(date +%s)
check "wrong password: registration fails" sip_is failed 40
check "with a clear error" test "$(js .sip.error)" = "Wrong password or user name (401 Unauthorized)"
sleep $(( t0 + 10 - $(date +%s) > 0 ? t0 + 10 - $(date +%s) : 0 ))
sent=$(( $(registers "$TB_KAMAILIO_LOG") - c0 ))
check "no retry storm: $sent REGISTERs in 10 s (<= 2)" test "$sent" -le 2
check "one auth failure counted, still failed" test "$(js '[.sip.auth_failures, .sip.state] | @tsv')" = "$(printf '1\tfailed')"
check "the wrong password is not in the log" bash -c '! grep -qF "Not-Alice" "$1"' _ "$W/daemon.log"

signin
check "the right password: signs in at once" sip_is registered 10
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
