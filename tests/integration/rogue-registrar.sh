#!/bin/bash
# A rogue DNS on the phone's LAN points the first registrar SRV at a server of its own,
# registrar.evil.test, whose certificate comes from a CA the phone trusts (the only root in
# --ca-bundle: "any public CA"). Strict DNS naming (RFC 5922 s4): a registrar named by DNS
# is used only inside the SIP domain (or a --trusted-server-domain), so the phone skips it,
# says why, and signs in on the domain's own registrar: no REGISTER (so no Digest answer)
# reaches the rogue. A target inside the domain whose certificate names another host fails
# its handshake (the certificate is checked against the SRV target). A provisioned
# --trusted-server-domain evil.test lets the same server be used. The rogue registrar is
# `openssl s_server` in the peer's namespace: it logs whatever the phone sends.
#   rogue-registrar.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
ROGUE_PID=
rogue_stop() { [ -z "$ROGUE_PID" ] || { kill "$ROGUE_PID" 2>/dev/null; wait "$ROGUE_PID" 2>/dev/null; ROGUE_PID=; }; }
trap 'rogue_stop; cleanup' EXIT
echo "TAP version 13"
D=$TB_DOMAIN ROGUE_PORT=5071

# The rogue's PKI: a root the phone trusts and a certificate for the attacker's own name.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/ca.key" \
  -out "$W/ca.pem" -days 30 -subj "/CN=Any Public CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/evil.key" \
  -out "$W/evil.csr" -subj "/CN=registrar.evil.test" 2>/dev/null
printf 'subjectAltName=DNS:registrar.evil.test\nextendedKeyUsage=serverAuth\n' > "$W/evil.ext"
openssl x509 -req -in "$W/evil.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial \
  -days 30 -extfile "$W/evil.ext" -out "$W/evil.pem" 2>/dev/null
verifies() { openssl verify -CAfile "$W/ca.pem" -verify_hostname registrar.evil.test "$W/evil.pem" >/dev/null 2>&1; }
check "the rogue certificate verifies for registrar.evil.test under the trusted CA" verifies

# s_server logs what arrives while its stdin stays open (a FIFO held by this shell).
mkfifo "$W/rogue.in"
exec 7<>"$W/rogue.in"
ip netns exec "$TB_NS_PEER" openssl s_server -accept "$TB_PEER_IP:$ROGUE_PORT" \
  -cert "$W/evil.pem" -key "$W/evil.key" -quiet < "$W/rogue.in" > "$W/rogue.log" 2>&1 &
ROGUE_PID=$!
rogue_registers() { grep -c '^REGISTER ' "$W/rogue.log" 2>/dev/null || true; }

# dns TARGET: _sipinternaltls._tcp (first in the seed's order) -> TARGET on the rogue's
# port; _sip._tls still names the domain's own registrar.
dns() {
  grep -v '^srv-host=_sipinternaltls' "$("$TB_DIR/dnsmasq.sh" conf)" > "$W/rogue.conf"
  cat >> "$W/rogue.conf" <<EOC
srv-host=_sipinternaltls._tcp.$D,$1,$ROGUE_PORT,0,0
host-record=registrar.evil.test,$TB_PEER_IP
host-record=rogue.$D,$TB_PEER_IP
EOC
  "$TB_DIR/dnsmasq.sh" restart "$W/rogue.conf" >/dev/null || not_ok "dnsmasq restart"
}

dns registrar.evil.test
daemon_start --ca-bundle "$W/ca.pem"
check "ucphonectl signin accepted" signin
check "signs in on the domain's own registrar" sip_is registered 40
check "registrar is sip.$D:5061" test "$(js .sip.registrar)" = "$TB_SIP_HOST:$TB_SIP_TLS_PORT"
check "status says why the SRV target was skipped" \
  test "$(js '.dns.skipped[0]')" = "registrar.evil.test is not in $D"
check "no registrar outside $D in the list" \
  test "$(js '[.dns.registrars[].host | select(endswith(".'"$D"'") | not)] | length')" = 0
check "no REGISTER (no Digest answer) reached registrar.evil.test" test "$(rogue_registers)" = 0

# Inside the domain by name, but the certificate is registrar.evil.test's: refused.
daemon_stop
dns "rogue.$D"
c0=$(rogue_registers)
daemon_start --ca-bundle "$W/ca.pem"
check "rogue.$D (in the domain, wrong certificate): signs in on sip.$D instead" sip_is registered 40
check "rogue.$D was tried first and its certificate refused for that name" \
  grep -q 'rogue\.corp\.test.*\(certificate\|verif\|hostname\)' "$W/daemon.log"
check "no REGISTER reached the rogue with the wrong name" test "$(rogue_registers)" = "$c0"

# An administrator who provisions evil.test as a trusted server domain gets it used.
daemon_stop
dns registrar.evil.test
c0=$(rogue_registers)
daemon_start --ca-bundle "$W/ca.pem" --trusted-server-domain evil.test
check "--trusted-server-domain evil.test: the phone registers there" \
  bash -c 'for i in $(seq 100); do [ "$(grep -c "^REGISTER " "$1")" -gt "$2" ] && exit 0; sleep 0.1; done; exit 1' \
  _ "$W/rogue.log" "$c0"
daemon_stop
rogue_stop
exec 7>&-

echo "1..$n"
[ "$fails" -eq 0 ]
