#!/bin/bash
# The verified-LDAPS lookup, the way ucphoned runs it when a DC offers neither Kerberos nor
# NTLM: ucphone-ca-fetch (mode=ldaps) in the phone's namespace against the bed's Samba DC.
# With the bed's root among the roots the phone already trusts, the DC's certificate
# validates for dc1.corp.test, the simple bind goes over TLS and the root comes back with
# the DC's certificate (lib/pki/ca_answer.h's format); with roots that do not sign it, or
# for a name the certificate does not carry, the helper stops after the handshake: no bind,
# "does not validate", transport_failed (the daemon then says the password is not sent).
# A wrong password is refused by the DC (bind_refused). The password is zeroed in the helper
# and never printed.
#   trust-ldaps.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/trust.sh
. "$(dirname "$0")/lib/trust.sh"
trap cleanup EXIT
echo "TAP version 13"
HELPER=$BUILD/userspace/daemon/ucphone-ca-fetch
B64_CA=$(base64 -w0 "$TB_CA_DER")

# fetch HOST BUNDLE TRUST PASSWORD_FILE: the helper's answer
fetch() {
  printf 'mode=ldaps\nhost=%s\naddr=%s\nport=636\nuser=%s\nbundle=%s\n%spassword=%s' \
    "$1" "$TB_AD_IP" "$TB_USER_DOMAIN_USER" "$2" "${3:+trust=$3
}" "$(cat "$4")" |
    timeout 20 ip netns exec "$TB_NS_PHONE" "$HELPER"
}

check "ucphoned links no libldap, SASL, GnuTLS or libcurl (ldd): every LDAP step runs in the helper" \
  bash -c '! ldd "$1" | grep -qE "libldap|liblber|libsasl2|libgnutls|libcurl"' _ "$BUILD/userspace/daemon/ucphoned"
check "the helper does link libldap" bash -c 'ldd "$1" | grep -q libldap' _ "$HELPER"

# The daemon holds the lease (the phone's address) and is not signed in: no lookup of its own.
daemon_start
check "lease bound (the phone's namespace reaches the DC)" wait_js '.dhcp.state == "bound"' 10

fetch "dc1.$TB_DOMAIN" "" "$B64_CA" "$TB_USER_PASS_FILE" > "$W/good.txt"
check "learned root trusted: how=ldaps, the bed's root learned" \
  bash -c 'grep -qx how=ldaps "$1" && grep "^root=" "$1" | cut -d= -f2- | base64 -d |
    openssl x509 -inform der -noout -fingerprint -sha256 | grep -qF "$2"' _ "$W/good.txt" "$CA_FP"
check "the DC's LDAPS certificate comes back (dc=, for dc1.$TB_DOMAIN)" \
  bash -c 'grep "^dc=" "$1" | cut -d= -f2- | base64 -d | openssl x509 -inform der -noout -ext subjectAltName -subject | grep -qi "dc1"' _ "$W/good.txt"
check "no error" bash -c '! grep -q "^error=" "$1"' _ "$W/good.txt"

fetch "dc1.$TB_DOMAIN" /etc/ssl/certs/ca-certificates.crt "" "$TB_USER_PASS_FILE" > "$W/public.txt"
check "only the public bundle: the certificate does not validate, no bind, transport_failed" \
  bash -c 'grep -q "^error=LDAPS certificate of dc1.corp.test does not validate" "$1" &&
    grep -qx transport_failed=1 "$1" && ! grep -q "^root=" "$1" && grep -q "^dc=" "$1"' _ "$W/public.txt"

fetch "other.$TB_DOMAIN" "" "$B64_CA" "$TB_USER_PASS_FILE" > "$W/name.txt"
check "a name the certificate does not carry: does not validate (hostname mismatch)" \
  bash -c 'grep -q "^error=LDAPS certificate of other.corp.test does not validate (hostname mismatch)" "$1" &&
    grep -qx transport_failed=1 "$1"' _ "$W/name.txt"

printf 'not-the-password' > "$W/wrong"
fetch "dc1.$TB_DOMAIN" "" "$B64_CA" "$W/wrong" > "$W/wrong.txt"
check "a wrong password over verified LDAPS: refused by the DC (bind_refused)" \
  bash -c 'grep -qx bind_refused=1 "$1" && grep -q "^error=LDAP bind as" "$1"' _ "$W/wrong.txt"
check "the password is in no answer" no_secret "$W/good.txt" "$W/public.txt" "$W/name.txt"
for f in good public name wrong; do sed -E -e "s/^(dc|chain|root)=(.{16}).*/\1=\2.../" -e "s/^/# $f: /" "$W/$f.txt" | cut -c1-200; done
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
