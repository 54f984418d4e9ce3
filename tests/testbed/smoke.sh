#!/bin/bash
# smoke.sh: check, FROM THE PHONE NAMESPACE, that every server of the bed answers the way
# the phone will ask it (protocols brief 1-7). Output is TAP; exit status 1 on any failure.
# The phone's eth0 gets a DHCP lease for the duration of the run and is left address-less
# at the end (lease released), ready for the daemon. Run it on an idle bed: it takes eth0.
set -uo pipefail   # no -e: a failing check is reported, not fatal
. "$(dirname "$0")/common.sh"
[ -f "$TB_RUN/env" ] || { echo "Bail out! no $TB_RUN/env: run up.sh first"; exit 1; }
. "$TB_RUN/env"
S=$TB_RUN/smoke; rm -rf "$S"; mkdir -p "$S"
PH() { ip netns exec "$TB_NS_PHONE" "$@"; }
# LDAPS: the DC refuses a simple bind on plain LDAP (strong auth required, AD's default)
export LDAPTLS_CACERT=$TB_CA_PEM
LDAPAUTH=(-x -H "$TB_LDAPS_URI" -D "$TB_USER@$TB_DOMAIN" -y "$TB_USER_PASS_FILE")
CA_FP=$(openssl x509 -in "$TB_CA_PEM" -noout -fingerprint -sha256)
# lease VAR: a variable the udhcpc hook recorded at the last "bound" event
lease() { sed -n '/^=== event bound/,$p' "$S/udhcpc.env" | sed -n "s/^$1=//p" | tail -1; }
# a name as the phone resolves it: through the DNS server DHCP hands out (test 1 checks it)
resolve() { PH dig +short +time=1 +tries=2 "@$TB_DNS" "$1" A | head -1; }

UDHCPC_PID='' ALICE_PID=''
cleanup() {
  # SIGTERM to udhcpc -R: it sends DHCPRELEASE and its deconfig hook flushes eth0
  [ -n "$UDHCPC_PID" ] && stop "$UDHCPC_PID"
  [ -n "$ALICE_PID" ] && stop "$ALICE_PID"
  ip -n "$TB_NS_PHONE" addr flush dev eth0 2>/dev/null
  UDHCPC_PID='' ALICE_PID=''
}
trap cleanup EXIT

t_dhcp() {   # DISCOVER..ACK with vendor class MS-UC-Client, asking for 15/42/43/119/120
  ip -n "$TB_NS_PHONE" addr flush dev eth0
  env -i PATH="$PATH" UDHCPC_ENV_OUT="$S/udhcpc.env" ip netns exec "$TB_NS_PHONE" \
    busybox udhcpc -i eth0 -f -R -t 5 -T 1 -V MS-UC-Client -O 15 -O 42 -O 43 -O 119 -O 120 \
    -s "$TB_DIR/dnsmasq/udhcpc-hook.sh" > "$S/udhcpc.log" 2>&1 &
  UDHCPC_PID=$!
  TB_WAIT=10 waitfor "DHCP lease" grep -q '^=== event bound' "$S/udhcpc.env" || return 1
  local ip; ip=$(lease ip); echo "lease $ip router $(lease router) dns $(lease dns)"
  [[ $ip == 10.77.0.1[0-9][0-9] ]] && [ "$(lease dns)" = "$TB_DNS" ] &&
    PH ip -4 addr show dev eth0 | grep -q "inet $ip/24"
}
t_opt15()  { lease domain; [ "$(lease domain)" = corp.test ]; }
t_opt42()  { lease ntpsrv; [ "$(lease ntpsrv)" = "$TB_NTP" ]; }
# option 119 arrives RFC 3397-compressed; udhcpc has already expanded it
t_opt119() { lease search; [ "$(lease search)" = "corp.test test" ]; }
t_opt120() { lease sipsrv; [ "$(lease sipsrv)" = sip.corp.test ]; }
t_opt43()  {   # TLVs (dnsmasq sends them in reverse order, then 0xff): sort before comparing
  local h c l got=; h=$(lease opt43); echo "opt43=$h"
  while [ ${#h} -ge 4 ]; do
    c=$((16#${h:0:2})); [ $c = 255 ] && break
    l=$((16#${h:2:2})); got+="$c=$(printf '%s' "${h:4:l*2}" | xxd -r -p)"$'\n'; h=${h:4+l*2}
  done
  got=$(printf '%s' "$got" | sort); echo "$got"
  [ "$got" = "$(printf '%s\n' 1=MS-UC-Client 2=https 3=web.corp.test 4=443 \
    5=/CertProv/CertProvisioningService.svc)" ]
}
t_srv() {   # two registrars: sip first (priority 10), sip2 for failover (priority 20)
  local a; a=$(PH dig +short +time=1 +tries=2 "@$TB_DNS" _sipinternaltls._tcp.corp.test SRV | sort)
  echo "$a"; [ "$a" = "$(printf '%s\n' "10 0 5061 sip.corp.test." "20 0 5061 sip2.corp.test.")" ]
}
t_zone() {   # the rest of what the phone looks up
  local r ok=0
  for r in _sip._tls _ntp._udp _ldap._tcp _ldap._tcp.dc._msdcs; do
    PH dig +short "@$TB_DNS" "$r.corp.test" SRV | grep -q . || { echo "no SRV $r"; ok=1; }
  done
  for r in sip sip2 ntp web autodiscover dc1 ucupdates-r2; do
    [ -n "$(resolve "$r.corp.test")" ] || { echo "no A $r"; ok=1; }
  done
  return $ok
}
t_ntp() {    # query only: sntp without -s/-S never sets the clock
  local a; a=$(PH sntp -t 2 "$TB_NTP" 2>&1); echo "$a"; grep -q " $TB_NTP s8 " <<< "$a"
}
t_ldap_ca() {   # simple bind as the user (anonymous is refused), DER cACertificate
  local b64 fp
  b64=$(PH ldapsearch -LLL -o ldif-wrap=no "${LDAPAUTH[@]}" -b "$TB_LDAP_CA_BASE" \
    '(objectCategory=certificationAuthority)' cACertificate | sed -n 's/^cACertificate:: //p')
  fp=$(printf '%s' "$b64" | base64 -d | openssl x509 -inform DER -noout -fingerprint -sha256)
  echo "$fp"; [ "$fp" = "$CA_FP" ]
}
t_ldap_enroll() {
  local h; h=$(PH ldapsearch -LLL "${LDAPAUTH[@]}" -b "$TB_CONFIG_DN" \
    '(objectCategory=pKIEnrollmentService)' dNSHostName | sed -n 's/^dNSHostName: //p')
  echo "dNSHostName=$h"; [ "$h" = web.corp.test ]
}
# p7b SCHEME PORT: certnew.p7b from the enrollment host (NTLM checked by the DC; 503 until
# its winbindd answers), must hold the test root CA
p7b() {
  local ip; ip=$(resolve web.corp.test)
  PH curl -sSf --cacert "$TB_CA_PEM" --resolve "web.corp.test:$2:$ip" -o "$S/certnew-$1.p7b" \
    --ntlm -u "$TB_USER:$(cat "$TB_USER_PASS_FILE")" --retry 10 --retry-delay 1 \
    "$1://web.corp.test/certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64" || return 1
  local fp; fp=$(openssl pkcs7 -in "$S/certnew-$1.p7b" -print_certs | openssl x509 -noout -fingerprint -sha256)
  echo "$fp"; [ "$fp" = "$CA_FP" ]
}
t_p7b_http()  { p7b http 80; }
t_p7b_https() { p7b https 443; }
t_autodiscover() {   # POST of the request XML, basic auth, certificate checked against the CA
  local ip; ip=$(resolve autodiscover.corp.test)
  PH curl -sSf --cacert "$TB_CA_PEM" --resolve "autodiscover.corp.test:443:$ip" \
    -u "$TB_USER:$(cat "$TB_USER_PASS_FILE")" -H 'Content-Type: text/xml' \
    --data-binary '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@corp.test</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>' \
    "$TB_AUTODISCOVER_URL" | grep -o '<EwsUrl>[^<]*</EwsUrl>' | head -1 | grep .
}
# tls NAME [CAFILE]: the name the phone looked up (SRV target) must be in the certificate
tls() {
  local out; out=$(PH openssl s_client -brief -connect "$(resolve "$1"):5061" \
    -servername "$1" -verify_hostname "$1" -CAfile "${2:-$TB_CA_PEM}" \
    -verify_return_error < /dev/null 2>&1)
  grep -E '^(Protocol|Peer cert|Verification)' <<< "$out"; grep -q '^Verification: OK' <<< "$out"
}
t_tls_sip() { tls sip.corp.test; }
t_tls_sip2() { tls sip2.corp.test; }
# prov NAME: the phone's provisioning SUBSCRIBE to NAME (digest, TLS verified); 200 + body
prov() {
  PH "$TB_DIR/sip-provision.py" "$(resolve "$1")" "$1" "$TB_CA_PEM" "$TB_USER" \
    "$TB_USER_PASS_FILE" "$TB_DOMAIN" > "$S/prov-$1.txt" 2>&1 || { cat "$S/prov-$1.txt"; return 1; }
  grep -E '^(SIP/2.0|Content-Type)' "$S/prov-$1.txt"
  head -1 "$S/prov-$1.txt" | grep -q '^SIP/2.0 200' &&
    grep -qi "^Content-Type: $TB_PROV_CONTENT_TYPE" "$S/prov-$1.txt" &&
    grep -q '<updatesServerInternalUrl>https://web.corp.test/RequestHandler/ucdevice.upx<' "$S/prov-$1.txt" &&
    grep -q '>alice@corp.test</property>' "$S/prov-$1.txt"
}
t_prov_sip() { prov sip.corp.test; }
t_prov_sip2() { prov sip2.corp.test; }
t_untrusted() {   # kamailio.sh untrusted: sip's certificate from a CA nobody published
  local rc=0 regs
  "$TB_KAMAILIO_SH" untrusted || return 1
  regs=$(grep -c 'REQ SUBSCRIBE' "$TB_KAMAILIO_LOG")
  PH "$TB_DIR/sip-provision.py" "$(resolve sip.corp.test)" sip.corp.test "$TB_CA_PEM" \
    "$TB_USER" "$TB_USER_PASS_FILE" "$TB_DOMAIN" > "$S/untrusted.txt" 2>&1
  [ $? = 3 ] || rc=1
  cat "$S/untrusted.txt"
  [ "$(grep -c 'REQ SUBSCRIBE' "$TB_KAMAILIO_LOG")" = "$regs" ] || { echo "a request got through"; rc=1; }
  tls sip.corp.test "$TB_UNTRUSTED_CA_PEM" || rc=1
  "$TB_KAMAILIO_SH" trusted || rc=1
  tls sip.corp.test || rc=1
  return $rc
}
t_failover() {   # kamailio.sh stop sip: sip2 still answers; start sip: bob is back on sip
  local rc=0
  "$TB_KAMAILIO_SH" stop sip || return 1
  PH timeout 3 bash -c "exec 3<>/dev/tcp/$TB_SIP_IP/5061" 2>/dev/null && { echo "sip still up"; rc=1; }
  prov sip2.corp.test || rc=1
  "$TB_KAMAILIO_SH" start sip || rc=1
  t_bob || rc=1
  return $rc
}
t_restore() {   # restore.sh puts back what tests switched
  local rc=0
  "$TB_KAMAILIO_SH" stop sip2 && "$TB_SAMBA_CA_SH" remove || return 1
  "$TB_DIR/restore.sh" || rc=1
  tls sip2.corp.test || rc=1
  t_ldap_ca || rc=1
  [ "$("$TB_DIR/restore.sh")" = "" ] || { echo "second restore.sh did something"; rc=1; }
  return $rc
}
t_samba_ca() {   # samba-ca.sh remove: only the pKIEnrollmentService path is left; restore
  local rc=0 n
  "$TB_SAMBA_CA_SH" remove || return 1
  n=$(PH ldapsearch -LLL "${LDAPAUTH[@]}" -b "$TB_CONFIG_DN" '(objectCategory=certificationAuthority)' dn | grep -c '^dn:')
  echo "certificationAuthority objects after remove: $n"; [ "$n" = 0 ] || rc=1
  t_ldap_enroll || rc=1
  "$TB_SAMBA_CA_SH" restore || rc=1
  t_ldap_ca || rc=1
  return $rc
}
t_register() {   # digest REGISTER over TLS by a baresip stand-in for the phone
  render "$TB_DIR/baresip/alice/config.in" "$S/alice/config"
  render "$TB_DIR/baresip/alice/accounts.in" "$S/alice/accounts"
  ip netns exec "$TB_NS_PHONE" baresip -f "$S/alice" > "$S/alice.log" 2>&1 &   # no function: $! must be baresip
  ALICE_PID=$!
  TB_WAIT=10 waitfor "alice REGISTER answered" grep -qE '\} [1-6][0-9][0-9] ' "$S/alice.log"
  grep -E '\} [1-6][0-9][0-9] ' "$S/alice.log"
  stop "$ALICE_PID"; ALICE_PID=''
  grep -q '} 200 OK' "$S/alice.log"
}
t_bob() {   # OPTIONS to sip:bob@corp.test: kamailio relays it to where bob registered
  PH "$TB_DIR/sip-options.sh" "$(resolve sip.corp.test)" "$TB_PEER_URI" > "$S/options.txt"
  grep -E '^(SIP/2.0|Server:)' "$S/options.txt"
  head -1 "$S/options.txt" | grep -q '^SIP/2.0 200' && grep -q '^Server: baresip' "$S/options.txt"
}
t_carol() {   # OPTIONS to sip:carol@corp.test: answered by her baresip
  PH "$TB_DIR/sip-options.sh" "$(resolve sip.corp.test)" "$TB_PEER2_URI" > "$S/options-carol.txt"
  head -1 "$S/options-carol.txt" | grep -q '^SIP/2.0 200' && grep -q '^Server: baresip' "$S/options-carol.txt"
}
t_release() {   # leave eth0 as the daemon expects it: no address
  cleanup
  grep -q '^=== event deconfig' <(sed -n '/^=== event bound/,$p' "$S/udhcpc.env") &&
    ! PH ip -4 addr show dev eth0 | grep -q inet
}

TESTS=(
  "t_dhcp|DHCP lease from dnsmasq (vendor class MS-UC-Client)"
  "t_opt15|DHCP option 15 domain name corp.test"
  "t_opt42|DHCP option 42 NTP server"
  "t_opt43|DHCP option 43 MS-UC-Client sub-options 1-5"
  "t_opt119|DHCP option 119 domain search list"
  "t_opt120|DHCP option 120 SIP server sip.corp.test"
  "t_srv|DNS SRV _sipinternaltls._tcp.corp.test -> sip.corp.test:5061 (10), sip2 (20)"
  "t_zone|DNS SRV _sip._tls/_ntp._udp/_ldap._tcp(.dc._msdcs) and A records"
  "t_ntp|NTP answer from chronyd, stratum 8 (sntp, clock untouched)"
  "t_ldap_ca|LDAP simple bind as alice, cACertificate is the test root CA"
  "t_ldap_enroll|LDAP pKIEnrollmentService dNSHostName web.corp.test"
  "t_p7b_http|HTTP certnew.p7b parses (openssl pkcs7), holds the root CA"
  "t_p7b_https|HTTPS certnew.p7b verified against the test CA"
  "t_autodiscover|HTTPS Autodiscover POST verified against the test CA"
  "t_tls_sip|TLS handshake to kamailio 5061 verified (sip.corp.test)"
  "t_tls_sip2|TLS handshake to the second kamailio verified (sip2.corp.test)"
  "t_prov_sip|provisioning SUBSCRIBE to self answered 200 + provisionGroupList (sip)"
  "t_prov_sip2|provisioning SUBSCRIBE to self answered 200 + provisionGroupList (sip2)"
  "t_register|digest REGISTER over TLS answered 200 (baresip alice)"
  "t_bob|bob registered: OPTIONS sip:bob@corp.test answered by baresip"
  "t_carol|carol registered: OPTIONS sip:carol@corp.test answered by baresip"
  "t_untrusted|kamailio.sh untrusted: certificate refused, no request reaches kamailio; trusted again"
  "t_failover|kamailio.sh stop sip: sip2 answers; start sip: bob registered again"
  "t_samba_ca|samba-ca.sh remove: no certificationAuthority, enrollment left; restore"
  "t_restore|restore.sh brings back a stopped registrar and the removed CA object, then idles"
  "t_release|DHCP lease released, phone eth0 left without address"
)
T0=$(now) fail=0 n=0
echo "TAP version 13"
echo "1..${#TESTS[@]}"
for t in "${TESTS[@]}"; do
  n=$((n + 1)) T=$(now)
  # not in $(...): the tests leave udhcpc / baresip PIDs behind for cleanup
  ${t%%|*} > "$S/test.out" 2>&1; rc=$? lines=2
  if [ $rc = 0 ]; then echo "ok $n - ${t#*|} ($(secs "$T") s)"
  else echo "not ok $n - ${t#*|} ($(secs "$T") s)"; fail=$((fail + 1)) lines=15; fi
  head -n $lines "$S/test.out" | sed 's/^/  # /'
done
echo "# smoke: $((n - fail))/$n passed in $(secs "$T0") s"
[ $fail = 0 ]
