#!/bin/bash
# pki.sh DIR: make the private test PKI in DIR: a root CA (the one the phone must discover
# over LDAP / certsrv) and the server certificates it signs: sip, sip2 (the second
# registrar), web, dc1. Plus a throw-away CA "untrusted-ca" that nobody publishes, and a
# sip.corp.test certificate from it (sip-untrusted), for `kamailio.sh untrusted`. Fresh keys
# on every start, never committed. RSA 2048 + SHA-256: what an enterprise CA of the era issues.
set -euo pipefail
d=$1; mkdir -p "$d"; cd "$d"; umask 077
# RSA key generation dominates the run time: make the three keys in parallel
keys="ca sip sip2 web dc1 untrusted-ca sip-untrusted apex apex-untrusted"
for k in $keys; do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $k.key 2>/dev/null & done
wait; for k in $keys; do [ -s $k.key ]; done
openssl req -x509 -new -key ca.key -sha256 -days 3650 -out ca.pem \
  -subj "/DC=test/DC=corp/CN=corp-DC1-CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl x509 -in ca.pem -outform DER -out ca.der
openssl req -x509 -new -key untrusted-ca.key -sha256 -days 3650 -out untrusted-ca.pem \
  -subj "/DC=test/DC=elsewhere/CN=Untrusted-Throwaway-CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
# issue NAME CN SANS [CA]: CA defaults to the bed's root "ca"
issue() {
  local ca=${4:-ca}
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' "$3" > "$1.ext"
  openssl x509 -req -sha256 -days 825 -in "$1.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  cat "$1.pem" "$ca.pem" > "$1-chain.pem"       # servers send leaf + root
  rm -f "$1.csr" "$1.ext"
}
issue sip sip.corp.test "DNS:sip.corp.test,IP:10.77.0.1"
issue sip2 sip2.corp.test "DNS:sip2.corp.test,IP:10.77.0.4"
# same names as sip, wrong issuer: what a phone must refuse ("Cannot validate server certificate")
issue sip-untrusted sip.corp.test "DNS:sip.corp.test,IP:10.77.0.1" untrusted-ca
issue web web.corp.test "DNS:web.corp.test,DNS:autodiscover.corp.test,DNS:ucupdates-r2.corp.test,IP:10.77.0.1"
# corp.test itself (the SMTP domain's apex, first Autodiscover URL), and the same name from the
# throw-away CA (`exchange.sh untrusted`): "Cannot validate server certificate"
issue apex corp.test "DNS:corp.test,IP:10.77.0.1"
issue apex-untrusted corp.test "DNS:corp.test,IP:10.77.0.1" untrusted-ca
# the DC's LDAPS/StartTLS certificate (else samba spends ~3 s making a self-signed one)
issue dc1 dc1.corp.test "DNS:dc1.corp.test,DNS:corp.test,IP:10.77.0.2"
chmod 644 ./*.pem ca.der                        # certs public; keys stay 0600 (servers start as root)
