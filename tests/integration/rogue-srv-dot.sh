#!/bin/bash
# A rogue DNS answers every SRV name the phone asks with target "." (RFC 2782: the service
# is decidedly not available at this domain; dnsmasq's srv-host= without a target): no
# registrar, NTP server or domain controller may come from such an answer. Registrar
# discovery goes on to the seed's next step (the A record sip.<domain>), the time comes
# from the fallback server, and root CA discovery says that the domain has no DC.
#   rogue-srv-dot.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/trust.sh
. "$(dirname "$0")/lib/trust.sh"
trap cleanup EXIT
echo "TAP version 13"
D=$TB_DOMAIN

conf=$W/dot.conf
grep -v -e '^srv-host=_sip' -e '^srv-host=_ntp' -e '^srv-host=_ldap' \
  -e '^dhcp-option=option:ntp-server' "$("$TB_DIR/dnsmasq.sh" conf)" > "$conf"
cat >> "$conf" <<EOC
srv-host=_sipinternaltls._tcp.$D
srv-host=_sip._tls.$D
srv-host=_sipinternal._tcp.$D
srv-host=_ntp._udp.$D
srv-host=_ldap._tcp.$D
EOC
"$TB_DIR/dnsmasq.sh" restart "$conf" >/dev/null || not_ok "dnsmasq restart"
answer=$(ip netns exec "$TB_NS_SRV" dig +short +time=1 +tries=2 "@$TB_SRV_IP" "_sip._tls.$D" SRV)
echo "# dnsmasq: _sip._tls.$D SRV $answer"
check "dnsmasq answers SRV with target \".\"" test "$answer" = "0 0 1 ."

daemon_start --ntp-fallback "ntp.$D"
wait_js '.dns.discovery == "done" or .dns.discovery == "failed"' 10
check "no registrar with an empty host or from an SRV answer" \
  test "$(js '[.dns.registrars[] | select(.host == "" or .host == "." or (.source | startswith("srv")))] | length')" = 0
check "discovery went on to the A records: sip.$D:5061 first" \
  test "$(js '.dns.registrars[0] | "\(.host):\(.port) \(.source)"')" = "sip.$D:5061 a sip.$D"
check "NTP: the SRV answer names no server, the fallback serves the time" \
  wait_js '.time.source == "fallback" and .time.synchronised' 10
check "NTP: no SRV source with an empty name" \
  test "$(js '[.time.source_name // empty | select(. == "" or . == ".")] | length')" = 0
check "ucphonectl signin accepted" signin
check "root CA discovery: no domain controller from the \".\" answer" \
  wait_js '.trust.error // "" | test("no domain controller: SRV _ldap._tcp.'"$D"' names no server")' 10
check "no DC with an empty name was tried" \
  test "$(js '.trust.dc // "none"')" != ""
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
