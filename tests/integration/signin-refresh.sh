#!/bin/bash
# A registrar granting a short lifetime: kamailio's registrar max_expires set to 12 s at run
# time (kamailio.sh max-expires). The phone asks for an hour, keeps the 12 s it is granted
# and refreshes before the binding lapses: each refreshing REGISTER finds the binding its
# Call-ID made still alive (kamailio's registered(), logged per REGISTER), and sip's
# location table, read every 0.5 s, never lacks alice. ~35 s
#   signin-refresh.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"
GRANT=12 WATCH=30
# a refresh at half the lifetime: about 2 * WATCH / GRANT of them while watching
MIN_REFRESHES=$((2 * WATCH / GRANT - 1))

"$TB_KAMAILIO_SH" max-expires "$GRANT" || not_ok "kamailio.sh max-expires $GRANT"
# bindings alice kept from earlier tests would answer for her in the location table
"$TB_KAMAILIO_SH" forget "$TB_USER"
kam0=$(wc -l < "$TB_KAMAILIO_LOG")
daemon_start
check "ucphonectl signin accepted" signin
check "registered" sip_is registered 40
PHONE_IP=$(phone_addr); PHONE_IP=${PHONE_IP%/*}
check "the registrar's lifetime is kept: expires = $GRANT s" test "$(js .sip.expires)" = "$GRANT"

reads=0 lost=0
end=$((SECONDS + WATCH))
while [ "$SECONDS" -lt "$end" ]; do
  reads=$((reads + 1))
  [ "$("$TB_KAMAILIO_SH" ttl "$TB_USER")" -gt 0 ] || { lost=$((lost + 1)); echo "# read $reads: alice not in the location table"; }
  sleep 0.5
done
check "sip's location table held alice at each of $reads reads over $WATCH s" test "$lost" = 0

# BINDING lines for the phone's REGISTERs: the first makes the binding, every later one
# (a refresh) must find it alive
bindings() { tail -n "+$((kam0 + 1))" "$TB_KAMAILIO_LOG" | grep "BINDING $TB_USER .* from $PHONE_IP:" | awk '{print $(NF-2)}'; }
refreshes_alive() {
  local b; b=$(bindings)
  echo "# kamailio, per REGISTER: $(tr '\n' ' ' <<<"$b")"
  [ "$(head -n1 <<<"$b")" = absent ] && ! tail -n +2 <<<"$b" | grep -qv alive &&
    [ "$(grep -c alive <<<"$b")" -ge $MIN_REFRESHES ]
}
check "each refresh found the binding alive (>= $MIN_REFRESHES refreshes in $WATCH s)" refreshes_alive
check "the phone counted its refreshes and stayed registered" \
  test "$(js "(.sip.refreshes >= $MIN_REFRESHES) and .sip.state == \"registered\"")" = true
signout
check "sign-out: un-REGISTER, alice gone from the table" sip_is idle 10
check "alice gone from the location table after the un-REGISTER" \
  test "$("$TB_KAMAILIO_SH" ttl "$TB_USER")" = 0
daemon_stop
"$TB_KAMAILIO_SH" max-expires 0 || not_ok "kamailio.sh max-expires 0"

echo "1..$n"
[ "$fails" -eq 0 ]
