#!/bin/bash
# A fake domain controller on the phone's LAN: DNS names it first for _ldap._tcp, port 636
# is closed, and it relays ports 389 (LDAP) and 88 (Kerberos) to the real DC while it
# records every byte the phone sends. The phone must never give it the password in a form
# that reveals it: no simple bind over plain LDAP (before: alice@corp.test and the password
# in clear in the bind request); Kerberos pre-authentication and the GSSAPI bind carry no
# password, and the fake DC cannot prove it is ldap/fake-dc (no such principal): no root
# is learned from it, status says why. The real DC (second in SRV order) then gives the
# root over Kerberos-authenticated LDAP.
#   rogue-dc.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/trust.sh
. "$(dirname "$0")/lib/trust.sh"
RELAY_PID=
trap '[ -z "$RELAY_PID" ] || kill "$RELAY_PID" 2>/dev/null; cleanup' EXIT
echo "TAP version 13"
D=$TB_DOMAIN

# The fake DC: a recording TCP relay (python3) in the peer's namespace.
cat > "$W/relay.py" <<'EOP'
import socket, socketserver, sys, threading
listen, upstream, capture = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
def pipe(a, b, record):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            if record:
                with lock, open(capture, 'ab') as f:
                    f.write(d)
            b.sendall(d)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass
def serve(port):
    class Relay(socketserver.BaseRequestHandler):
        def handle(self):
            up = socket.create_connection((upstream, port))
            t = threading.Thread(target=pipe, args=(up, self.request, False))
            t.start()
            pipe(self.request, up, True)
            t.join()
            up.close()
    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True
    Server((listen, port), Relay).serve_forever()
for p in (389, 88):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
EOP
: > "$W/capture.bin"
ip netns exec "$TB_NS_PEER" python3 "$W/relay.py" "$TB_PEER_IP" "$TB_AD_IP" "$W/capture.bin" &
RELAY_PID=$!
grep -v '^srv-host=_ldap._tcp.corp.test,' "$("$TB_DIR/dnsmasq.sh" conf)" > "$W/fake.conf"
cat >> "$W/fake.conf" <<EOC
host-record=fake-dc.$D,$TB_PEER_IP
srv-host=_ldap._tcp.$D,fake-dc.$D,389,0,100
srv-host=_ldap._tcp.$D,dc1.$D,389,10,100
EOC
"$TB_DIR/dnsmasq.sh" restart "$W/fake.conf" >/dev/null || not_ok "dnsmasq with a fake DC"
# port 636 on the fake DC: closed (nothing listens in the peer's namespace)

daemon_start
check "lease bound" wait_js '.dhcp.state == "bound"' 10
signin || not_ok "ucphonectl signin"
check "root learned, from the real DC, over Kerberos-authenticated LDAP" \
  wait_js '(.trust.learned | length) == 1 and .trust.learned[0].source == "ldap dc1.'"$D"' (Kerberos)" and .trust.learned[0].learned_by == "Kerberos-authenticated LDAP" and .trust.learned[0].sha256 == "'"$CA_FP"'"' 30
check "the fake DC was tried first and refused" wait_for_log 'msg="domain controller failed" dc=fake-dc.'"$D" 1
check "the fake DC received bytes from the phone (Kerberos through it)" test -s "$W/capture.bin"
check "the password is nowhere in what the fake DC received" \
  bash -c '! grep -aqF -- "$(cat "$1")" "$2"' _ "$TB_USER_PASS_FILE" "$W/capture.bin"
check "no simple bind reached the fake DC (no bind DN alice@corp.test / CORP\\alice in clear)" \
  bash -c '! grep -aqiE "alice@corp\.test|CORP.alice" "$1"' _ "$W/capture.bin"
check "the password is in no log line" no_secret "$W/daemon.log"
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
