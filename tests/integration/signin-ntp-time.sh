#!/bin/bash
# Certificates are judged at NTP time, not at the phone's own clock:
#  1. the bed's NTP agrees with the clock: sign-in has its sample, signs in;
#  2. NTP says 2040 (a second, real chronyd in the peer's namespace: `chronyd -x` never
#     touches the host clock, and `manual` + `chronyc settime` moves only the time it
#     serves); option 42 points at it. In 2040 the registrar's certificate (825 days) has
#     expired: no REGISTER leaves the phone, status says the certificate is not valid at
#     the phone's time, and the DC's LDAPS certificate is judged the same way;
#  3. no time source at all: sign-in waits --time-wait-s for the first sample, then
#     signs in on the system clock and says so.
#   signin-ntp-time.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
CHRONY_PID=
stop_chrony() {
  [ -n "$CHRONY_PID" ] || return 0
  kill -TERM "$CHRONY_PID" 2>/dev/null
  wait "$CHRONY_PID" 2>/dev/null
  CHRONY_PID=
}
trap 'stop_chrony; cleanup' EXIT
echo "TAP version 13"
base=$("$TB_DIR/dnsmasq.sh" conf)

# --- 1. the bed as it is
daemon_start
check "ucphonectl signin accepted" signin
check "signs in with the bed's NTP" sip_is registered 40
check "sign-in had NTP time; certificates checked at the system clock (offset < 1 s)" \
  test "$(js '[.sip.time, .time.certificates_checked_at] | @tsv')" = "$(printf 'ntp\tsystem-clock')"
daemon_stop

# --- 2. NTP says 2040
mkdir -m 700 "$W/chrony"
cat > "$W/chrony/chrony.conf" <<EOC
# stands in for a time server whose clock is wrong: serves 2040 (settime below)
local stratum 8
manual
allow 10.77.0.0/24
bindaddress $TB_PEER_IP
port 123
cmdport 0
bindcmdaddress $W/chrony/chronyd.sock
pidfile $W/chrony/chronyd.pid
driftfile $W/chrony/drift
logdir $W/chrony
EOC
ip netns exec "$TB_NS_PEER" chronyd -x -d -u root -f "$W/chrony/chrony.conf" >"$W/chrony/log" 2>&1 &
CHRONY_PID=$!
set2040() {
  local i
  for i in $(seq 50); do
    ip netns exec "$TB_NS_PEER" chronyc -h "$W/chrony/chronyd.sock" settime "Jan 1, 2040 00:00:00" 2>/dev/null |
      grep -q '200 OK' && return 0
    sleep 0.1
  done
  return 1
}
check "a real chronyd serves 2040 from the peer's namespace" set2040
conf=$W/ntp2040.conf
sed '/^dhcp-option=option:ntp-server/d' "$base" > "$conf"
echo "dhcp-option=option:ntp-server,$TB_PEER_IP" >> "$conf"
"$TB_DIR/dnsmasq.sh" restart "$conf" || not_ok "dnsmasq with option 42 -> the 2040 server"
rm -f "$W/state/dhcp-lease-eth0"
c1=$(registers "$TB_KAMAILIO_LOG") c2=$(registers "$TB_KAMAILIO2_LOG")
daemon_start
check "NTP (option 42) says the clock is 13 years slow" \
  wait_js '.time.synchronised and .time.offset_us > 400000000000000 and .time.certificates_checked_at == "ntp-time"' 10
check "the registrar's certificate is expired at NTP time: not registered, status says why" \
  wait_js '.sip.state == "failed" and (.sip.status_text | (startswith("Cannot validate server certificate (") and contains("certificate has expired: not valid at the phone'"'"'s time 2040-01-01T")))' 20
echo "# status_text: $(js .sip.status_text)"
check "the error stays the seed's text" test "$(js .sip.error)" = "Cannot validate server certificate"
check "the DC was reached with Kerberos (no LDAPS certificate to judge)" \
  wait_js ".trust.dc_tls == \"none: Kerberos (SASL GSSAPI, sealed) LDAP to dc1.$TB_DOMAIN\"" 10
check "no REGISTER reached either registrar" \
  test "$(registers "$TB_KAMAILIO_LOG") $(registers "$TB_KAMAILIO2_LOG")" = "$c1 $c2"
daemon_stop
stop_chrony

# --- 3. no time source: a bounded wait, then the system clock
conf=$W/nontp.conf
sed '/^dhcp-option=option:ntp-server/d; /^srv-host=_ntp\._udp/d' "$base" > "$conf"
"$TB_DIR/dnsmasq.sh" restart "$conf" || not_ok "dnsmasq without NTP"
rm -f "$W/state/dhcp-lease-eth0"
: > "$W/daemon.log"
daemon_start --time-wait-s 3 --ntp-fallback ntp-nowhere.invalid
check "no NTP: sign-in waits for time" \
  wait_js '.sip.waiting_for == "time (NTP)" and .sip.status_text == "Waiting for time"' 15
check "after --time-wait-s: signs in on the system clock" sip_is registered 15
check "status and log say the system clock was used" \
  bash -c '[ "$1" = "system clock: no NTP answer in time" ] && grep -qF "checking certificates against the system clock" "$2"' _ \
  "$(js .sip.time)" "$W/daemon.log"
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
