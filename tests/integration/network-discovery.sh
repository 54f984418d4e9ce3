#!/bin/bash
# ucphoned's registrar discovery against the bed's dnsmasq, in the seed's order: SRV
# _sipinternaltls._tcp, _sip._tls, _sipinternal._tcp, then A sipinternal, sip, sipexternal
# (5061, 443), each failed name retried with each DNS suffix appended. Records are removed
# one by one and the first entry of the list must move to the next fallback, down to the
# last A record (found only with a suffix appended); with nothing left the daemon reports
# a clear error and retries with back-off.
#   network-discovery.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
trap cleanup EXIT
echo "TAP version 13"
base=$("$TB_DIR/dnsmasq.sh" conf)
D=$TB_DOMAIN

# Every registrar record the seed knows, on top of the bed's zone (without its own SIP ones).
conf=$W/all.conf
grep -v -e '^srv-host=_sip' -e '^host-record=sip\.' "$base" > "$conf"
cat >> "$conf" <<EOC
srv-host=_sipinternaltls._tcp.$D,pool1.$D,5061,0,0
srv-host=_sip._tls.$D,pool2.$D,5061,0,0
srv-host=_sipinternal._tcp.$D,pool3.$D,5060,0,0
host-record=sipinternal.$D,$TB_SRV_IP
host-record=sip.$D,$TB_SRV_IP
host-record=sipexternal.$D.$D,$TB_SRV_IP
EOC
# round NAME PATTERN-TO-REMOVE...: restart dnsmasq without the patterns, rerun discovery
round() {
  local p
  for p in "$@"; do sed -i "/$p/d" "$conf"; done
  "$TB_DIR/dnsmasq.sh" restart "$conf" >/dev/null || not_ok "dnsmasq restart"
  daemon_stop
  : > "$W/daemon.log"
  qlog_from=$(wc -l < "$TB_RUN/dnsmasq/dnsmasq.log")
  daemon_start
  wait_js '.dns.discovery == "done" or .dns.discovery == "failed"' 10
}
# the registrar names the daemon asked dnsmasq since the round began, in order (c-ares asks
# again once when dnsmasq refuses a name outside its zone: adjacent repeats folded)
queries() {
  tail -n +"$((qlog_from + 1))" "$TB_RUN/dnsmasq/dnsmasq.log" | grep -o 'query\[[A-Z]*\] [^ ]*' |
    awk '{print $2}' | grep -E '^_?sip' | uniq | tr '\n' ' '
}
first() { js '.dns.registrars[0] | "\(.host):\(.port)/\(.transport) \(.source)"'; }

t0=$(date +%s%N)
round '^$'
check "all records: SRV _sipinternaltls._tcp first" test "$(first)" = "pool1.$D:5061/tls srv _sipinternaltls._tcp.$D"
check "then _sip._tls, _sipinternal._tcp (tcp), then the A records in seed order" \
  test "$(js '[.dns.registrars[] | "\(.host):\(.port)/\(.transport)"] | join(" ")')" = \
  "pool1.$D:5061/tls pool2.$D:5061/tls pool3.$D:5060/tcp sipinternal.$D:5061/tls sipinternal.$D:443/tls sip.$D:5061/tls sip.$D:443/tls sipexternal.$D.$D:5061/tls sipexternal.$D.$D:443/tls"
echo "# bound -> registrar list: $(js .dns.discovery_ms) ms; link-up -> bound: $(js .dhcp.link_to_bound_ms) ms"

round "_sipinternaltls"
check "without _sipinternaltls: SRV _sip._tls first" test "$(first)" = "pool2.$D:5061/tls srv _sip._tls.$D"
round "_sip\._tls"
check "without _sip._tls: SRV _sipinternal._tcp first (TCP)" test "$(first)" = "pool3.$D:5060/tcp srv _sipinternal._tcp.$D"
round "_sipinternal\._tcp"
check "without SRV: A sipinternal:5061, then :443" \
  test "$(js '[.dns.registrars[0:2][] | "\(.host):\(.port)"] | join(" ")')" = "sipinternal.$D:5061 sipinternal.$D:443"
round "^host-record=sipinternal"
check "without sipinternal: A sip:5061" test "$(first)" = "sip.$D:5061/tls a sip.$D"
round "^host-record=sip\.$D"
check "without sip: the last A record, sipexternal, found with the suffix appended" \
  test "$(first)" = "sipexternal.$D.$D:5061/tls a sipexternal.$D.$D"
round "^host-record=sipexternal"
want=
for name in _sipinternaltls._tcp _sip._tls _sipinternal._tcp sipinternal sip sipexternal; do
  want+="$name.$D $name.$D.$D $name.$D.test "
done
got=$(queries)
check "every name asked in the seed's order, each retried with each suffix (option 119 order)" \
  test "${got:0:${#want}}" = "$want"
check "NXDOMAIN everywhere: discovery failed with a clear error" \
  test "$(js '[.dns.discovery, (.dns.registrars | length), (.dns.error | test("no registrar found"))] | @tsv')" = "$(printf 'failed\t0\ttrue')"
check "retried with back-off (5 s, then 10 s)" wait_js '.dns.runs >= 2 and .dns.retry_in_s == 10' 9
daemon_stop
echo "# discovery rounds took $(( ($(date +%s%N) - t0) / 1000000 )) ms"

echo "1..$n"
[ "$fails" -eq 0 ]
