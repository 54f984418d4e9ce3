#!/bin/bash
# exchange.sh: switch the Exchange fixture's behaviour and the apex certificate, for the
# Exchange tests. Everything it changes, `exchange.sh reset` (and restore.sh) puts back.
#   exchange.sh case NAME   the fixture's case (see exchange/exchange_fixture.py's header:
#                           default apex redirect-addr redirect-url redirect-loop
#                           redirect-many redirect-http-url http-redirect
#                           http-no-redirect none password-changed
#                           certsrv-basic certsrv-open)
#   exchange.sh case        print the current case
#   exchange.sh untrusted   https://corp.test/ serves a corp.test certificate from the
#                           throw-away CA (pki/untrusted-ca.pem) that no directory publishes
#   exchange.sh trusted     the apex back on its certificate from the bed's CA
#   exchange.sh reset       case default + trusted
set -euo pipefail
. "$(dirname "$0")/common.sh"

cert() {
  cp "$TB_RUN/pki/$1-chain.pem" "$TB_RUN/nginx/apex-chain.pem"
  cp "$TB_RUN/pki/$1.key" "$TB_RUN/nginx/apex.key"
  # nginx rereads its configuration and certificates on SIGHUP, keeping its PID
  kill -HUP "$(cat "$TB_RUN/nginx/nginx.pid")"
  echo "$2" > "$TB_RUN/exchange/cert"
  # the old workers finish; the next handshake gets the new certificate
  local i
  for i in $(seq 60); do
    if ip netns exec "$TB_NS_SRV" openssl s_client -connect "$TB_SRV_IP:443" -servername corp.test \
        </dev/null 2>/dev/null | openssl x509 -noout -issuer 2>/dev/null |
        grep -q "$([ "$2" = trusted ] && echo corp-DC1-CA || echo Untrusted-Throwaway-CA)"; then
      return 0
    fi
    sleep 0.05
  done
  echo "exchange.sh: nginx did not take the $2 certificate" >&2; return 1
}

case "${1:-}" in
  case)
    if [ $# -ge 2 ]; then echo "$2" > "$TB_RUN/exchange/case"; else cat "$TB_RUN/exchange/case"; fi ;;
  untrusted) cert apex-untrusted untrusted ;;
  trusted) cert apex trusted ;;
  reset)
    echo default > "$TB_RUN/exchange/case"
    [ "$(cat "$TB_RUN/exchange/cert" 2>/dev/null)" = trusted ] || cert apex trusted ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
