#!/bin/bash
# Root CA discovery's second way and its failures (ucphoned's trust.c), against the bed's
# Samba DC and nginx, in the phone's namespace: with the certificationAuthority object
# removed from AD, the root comes from the pKIEnrollmentService's dNSHostName and
# certsrv/certnew.p7b, fetched by the ucphone-ca-fetch helper with HTTP Negotiate (a Kerberos
# ticket for HTTP/web from the DC's KDC, checked by the stand-in with the keytab exported
# from Samba; NTLM without a KDC is trust-no-kdc.sh); a wrong password gives the DC's clear refusal once, with no retry
# until the identity changes, and signing in again with the right one learns the root.
#   trust-certsrv.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/trust.sh
. "$(dirname "$0")/lib/trust.sh"
# The bed's fixture log is shared by every test on the bed (signin-certsrv.sh
# before this one fetches with NTLM when its winbindd answers first): each
# check reads only what was appended since this test began.
mark=$(wc -l < "$TB_EXCHANGE_LOG")
since_mark() { tail -n +$((mark + 1)) "$TB_EXCHANGE_LOG"; }
export -f since_mark; export mark TB_EXCHANGE_LOG
restore_ca() { "$TB_SAMBA_CA_SH" restore || echo "# cannot restore the certificationAuthority object"; }
trap 'restore_ca; cleanup' EXIT
echo "TAP version 13"

# --- 1. no certificationAuthority object: certsrv
"$TB_SAMBA_CA_SH" remove || not_ok "samba-ca.sh remove"
check "the services' keytab exported from Samba (HTTP/web.$TB_DOMAIN)" \
  bash -c 'for i in $(seq 100); do [ -s "$1" ] && exit 0; sleep 0.1; done; exit 1' _ "$TB_RUN/samba/services.keytab"
check "certificationAuthority object gone from AD" test "$("$TB_SAMBA_CA_SH" status)" = absent
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
if wait_js '.trust.state == "done" and (.trust.learned | length) == 1' 15; then
  ok "root learned through certsrv ($(js .trust.last_discovery_ms) ms from lease+identity to root)"
else
  not_ok "root learned through certsrv"
fi
check "source: certsrv on the enrollment service's dNSHostName, signed in with Kerberos" \
  test "$(js '.trust.learned[0] | "\(.source)|\(.learned_by)"')" = "certsrv web.$TB_DOMAIN (Kerberos)|Kerberos-authenticated certsrv"
# What reached the web server: a Kerberos ticket for HTTP/web, never Basic, never the password
check "certsrv: Negotiate with alice's Kerberos ticket answered the root" \
  bash -c 'since_mark | grep -q "$1"' _ 'certsrv http://web.'"$TB_DOMAIN"' GET /certsrv/certnew.p7b.* -> 200 Negotiate alice@'"$TB_REALM"' (Kerberos)'
check "certsrv: no NTLM while the KDC answers" \
  bash -c '! since_mark | grep -q "certsrv .*-> 200 NTLM"'
check "the daemon holds no certsrv HTTP: the GET ran in ucphone-ca-fetch" \
  wait_for_log 'msg="root CA helper started" dc=dc1.'"$TB_DOMAIN"' step=certsrv' 1
check "certsrv: no Basic header reached the server" bash -c '! since_mark | grep -q "certsrv .*refused: Basic"'
check "certsrv: the password is in no server or daemon log" \
  bash -c '! grep -qF "$(cat "$1")" "$2" "$3" "$4"' _ "$TB_USER_PASS_FILE" "$TB_EXCHANGE_LOG" \
  "$TB_NGINX_ACCESS_LOG" "$W/daemon.log"
check "fingerprint is the bed's root CA" test "$(js '.trust.learned[0].sha256')" = "$CA_FP"
check "one bind, one certsrv GET" \
  test "$(js '[.trust.ldap_binds, .trust.certsrv_fetches] | @tsv')" = "$(printf '1\t1')"
check "log: no cACertificate, enrollment service tried" \
  wait_for_log 'msg="no cACertificate root; trying the enrollment service" dc=dc1.'"$TB_DOMAIN"' host=web.'"$TB_DOMAIN" 1
check "persisted" test "$(file_fp "$ROOTS")" = "$CA_FP"
daemon_stop
restore_ca

# --- 1b. a certsrv asking for Basic gets no password; one asking for nothing is labelled so
"$TB_SAMBA_CA_SH" remove || not_ok "samba-ca.sh remove"
"$TB_EXCHANGE_SH" case certsrv-basic >/dev/null || not_ok "exchange.sh case certsrv-basic"
rm -rf "$W/state"
: > "$W/daemon.log"
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
check "certsrv asking for Basic only: no root, the 401 in the error" \
  wait_js '(.trust.learned | length) == 0 and (.trust.error // "" | test("certsrv answered HTTP 401"))' 15
check "certsrv asking for Basic only: it got no Basic header" \
  bash -c 'since_mark | grep -q "certsrv .*Basic only; got: " && ! since_mark | grep -q "certsrv .*got: Basic"'
daemon_stop
"$TB_EXCHANGE_SH" case certsrv-open >/dev/null || not_ok "exchange.sh case certsrv-open"
rm -rf "$W/state"
: > "$W/daemon.log"
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
check "certsrv serving without credentials: the root is labelled unauthenticated HTTP" \
  wait_js '(.trust.learned | length) == 1 and .trust.learned[0].source == "certsrv web.'"$TB_DOMAIN"'" and .trust.learned[0].learned_by == "certsrv (unauthenticated HTTP)"' 15
daemon_stop
"$TB_EXCHANGE_SH" case default >/dev/null || not_ok "exchange.sh case default"
restore_ca

# --- 2. wrong password: the DC's refusal, once
rm -rf "$W/state"
: > "$W/daemon.log"
printf 'Not!Her!Password' > "$W/wrong.pass"
daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin "$W/wrong.pass" || not_ok "ucphonectl signin (wrong password)"
check "clear error: the DC's KDC refused the credentials (Kerberos pre-authentication)" \
  wait_js '.trust.state == "done" and .trust.credentials_refused and (.trust.error | test("^Kerberos sign-in as alice@CORP.TEST at CORP.TEST .* failed: Preauthentication failed"))' 10
check "log has the same refusal" wait_for_log 'msg="root CA discovery failed" error="Kerberos sign-in as alice@CORP.TEST' 2
sleep 4
check "no retry storm: one bind in 4 s, no retry scheduled, no root" \
  test "$(js '[.trust.ldap_binds, .trust.retry_in_s, (.trust.learned | length)] | @tsv')" = "$(printf '1\t\t0')"
check "the wrong password is in no log line or status" \
  bash -c "! grep -qF 'Not!Her!Password' '$W/daemon.log' && ! ip netns exec '$TB_NS_PHONE' '$BUILD/userspace/ctl/ucphonectl' -c '$W/control' status --json | grep -qF 'Not!Her!Password'"

# --- 3. the right password: the identity change restarts discovery
signin || not_ok "ucphonectl signin (right password)"
check "signing in again learns the root over LDAP" \
  wait_js '(.trust.learned | length) == 1 and .trust.learned[0].source == "ldap dc1.'"$TB_DOMAIN"' (Kerberos)" and (.trust.credentials_refused | not) and .trust.error == null' 15
check "two binds in all" test "$(js .trust.ldap_binds)" = 2
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
