#!/bin/bash
# Two registrars by SRV priority (sip.corp.test 10, sip2.corp.test 20): registered on the
# first; the first killed, the phone registers on the second; the first back, the phone
# returns to it (failback tried every 3 s here, --sip-failback-s).
#   signin-failover.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"
# wait_for_file_count LOG N: until the registrar has logged more than N REGISTERs (5 s)
wait_for_file_count() {
  local i
  for i in $(seq 50); do [ "$(registers "$1")" -gt "$2" ] && return 0; sleep 0.1; done
  return 1
}

daemon_start --sip-failback-s 3
check "ucphonectl signin accepted" signin
check "registered on the priority-10 registrar" \
  wait_js ".sip.state == \"registered\" and .sip.registrar == \"$TB_SIP_HOST:5061\"" 40
c2=$(registers "$TB_KAMAILIO2_LOG")

"$TB_KAMAILIO_SH" stop sip >/dev/null || not_ok "kamailio.sh stop sip"
check "first registrar killed: registered on the second" \
  wait_js ".sip.state == \"registered\" and .sip.registrar == \"$TB_SIP2_HOST:5061\"" 20
check "the second registrar saw the REGISTERs" test "$(registers "$TB_KAMAILIO2_LOG")" -gt "$c2"
check "provisioned again there" wait_js '.sip.provisioning.state == "done"' 10

c2=$(registers "$TB_KAMAILIO2_LOG")
"$TB_KAMAILIO_SH" start sip >/dev/null
check "first registrar back: the phone returns to it" \
  wait_js ".sip.state == \"registered\" and .sip.registrar == \"$TB_SIP_HOST:5061\"" 20
check "an un-REGISTER for the binding on the second reaches it (best effort)" \
  wait_for_file_count "$TB_KAMAILIO2_LOG" "$c2"
check "one failover, one failback counted" test "$(js '.sip.failbacks >= 1 and .sip.failovers >= 1')" = true
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
