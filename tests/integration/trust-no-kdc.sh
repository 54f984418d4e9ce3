#!/bin/bash
# Root CA discovery when no KDC answers (ucphone-ca-fetch's NTLM way), against the bed's
# Samba DC and the web enrollment stand-in, in the phone's namespace with Kerberos (port 88
# to anywhere) refused by a routing rule: the directory lookup binds with SASL GSS-SPNEGO
# and a gss-ntlmssp credential (the DC checks the NTLM answer; integrity on every message
# after the bind), the certsrv GET signs in with HTTP NTLM; never a simple bind on plain
# LDAP, never Basic, the password in no log. With the KDC back, Kerberos again.
#   trust-no-kdc.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/trust.sh
. "$(dirname "$0")/lib/trust.sh"
kdc() { local p; for p in udp tcp; do ip -n "$TB_NS_PHONE" rule "$1" ipproto "$p" dport 88 prohibit 2>/dev/null; done; }
restore_ca() { "$TB_SAMBA_CA_SH" restore || echo "# cannot restore the certificationAuthority object"; }
trap 'kdc del; "$TB_EXCHANGE_SH" case default >/dev/null; restore_ca; cleanup' EXIT
echo "TAP version 13"

kdc add
check "the phone reaches no KDC (port 88 refused)" \
  bash -c '! ip netns exec "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/88" 2>/dev/null' _ "$TB_NS_PHONE" "$TB_AD_IP"

# --- 1. the directory with NTLM (SASL GSS-SPNEGO)
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
check "the phone (with its lease) still reaches the DC's LDAP" \
  ip netns exec "$TB_NS_PHONE" timeout 3 bash -c "exec 3<>/dev/tcp/$TB_AD_IP/389"
signin || not_ok "ucphonectl signin"
check "root learned from the directory without a KDC" \
  wait_js '.trust.state == "done" and (.trust.learned | length) == 1' 20
check "source: LDAP on dc1 signed in with NTLM" \
  test "$(js '.trust.learned[0] | "\(.source)|\(.learned_by)"')" = "ldap dc1.$TB_DOMAIN (NTLM)|NTLM-authenticated LDAP"
check "fingerprint is the bed's root CA" test "$(js '.trust.learned[0].sha256')" = "$CA_FP"
check "no verified-LDAPS simple bind was needed" \
  bash -c '! grep -q "no Kerberos LDAP on the DC" "$1"' _ "$W/daemon.log"
check "the password is in no daemon log" no_secret "$W/daemon.log"
daemon_stop

# --- 2. certsrv with HTTP NTLM
"$TB_SAMBA_CA_SH" remove || not_ok "samba-ca.sh remove"
rm -rf "$W/state"
: > "$W/daemon.log"
mark=$(wc -l < "$TB_EXCHANGE_LOG")
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
check "root learned through certsrv without a KDC" \
  wait_js '.trust.state == "done" and (.trust.learned | length) == 1' 20
check "source: certsrv signed in with NTLM" \
  test "$(js '.trust.learned[0] | "\(.source)|\(.learned_by)"')" = "certsrv web.$TB_DOMAIN (NTLM)|NTLM-authenticated certsrv"
check "certsrv: NTLM checked by the DC answered the root; no Negotiate, no Basic was sent" \
  bash -c 'tail -n +$(($2 + 1)) "$1" > "$3"; grep -q "certsrv http://web.* -> 200 NTLM" "$3" &&
           ! grep -qE "certsrv .*(Negotiate|Basic)" "$3"' _ "$TB_EXCHANGE_LOG" "$mark" "$W/exchange-2.log"
check "the password is in no server or daemon log" \
  no_secret "$W/daemon.log" "$TB_EXCHANGE_LOG" "$TB_NGINX_ACCESS_LOG"
daemon_stop

# --- 3. a rogue plain-HTTP certsrv asking for Basic gets no password, KDC or not
"$TB_EXCHANGE_SH" case certsrv-basic >/dev/null || not_ok "exchange.sh case certsrv-basic"
rm -rf "$W/state"
: > "$W/daemon.log"
mark=$(wc -l < "$TB_EXCHANGE_LOG")
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
check "certsrv asking for Basic only: no root, the 401 in the error" \
  wait_js '(.trust.learned | length) == 0 and (.trust.error // "" | test("certsrv answered HTTP 401"))' 20
check "certsrv asking for Basic only: it got no Basic header and no password" \
  bash -c 'tail -n +$(($2 + 1)) "$1" > "$3"; grep -q "certsrv .*Basic only; got: " "$3" &&
           ! grep -q "certsrv .*got: Basic" "$3"' _ "$TB_EXCHANGE_LOG" "$mark" "$W/exchange-3.log"
daemon_stop
"$TB_EXCHANGE_SH" case default >/dev/null

# --- 4. the KDC back: Kerberos again (certsrv by Negotiate)
kdc del
rm -rf "$W/state"
: > "$W/daemon.log"
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
check "with the KDC back: certsrv signed in with Kerberos" \
  wait_js '(.trust.learned | length) == 1 and .trust.learned[0].learned_by == "Kerberos-authenticated certsrv"' 20
daemon_stop
restore_ca

echo "1..$n"
[ "$fails" -eq 0 ]
