#!/bin/bash
# sip-options.sh HOST URI: send one SIP OPTIONS for URI to HOST:5060 over TCP, print the
# response's status line and headers. Run it inside a namespace (ip netns exec NS ...).
# A registered far end answers itself (Server: baresip...); kamailio says 404 otherwise.
set -euo pipefail
host=$1 uri=$2
exec 3<>"/dev/tcp/$host/5060"
me=$(ip -4 -o route get "$host" | sed -n 's/.* src \([0-9.]*\).*/\1/p')
printf '%s\r\n' "OPTIONS $uri SIP/2.0" "Via: SIP/2.0/TCP $me;branch=z9hG4bK-opt$$;rport" \
  "Max-Forwards: 5" "From: <sip:probe@corp.test>;tag=p$$" "To: <$uri>" \
  "Call-ID: opt-$$-$RANDOM@$me" "CSeq: 1 OPTIONS" "Content-Length: 0" "" >&3
while IFS= read -r -t 3 line <&3 && [ "$line" != $'\r' ]; do printf '%s\n' "${line%$'\r'}"; done
