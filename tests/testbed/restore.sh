#!/bin/bash
# restore.sh: put back whatever a test switched with kamailio.sh or samba-ca.sh, so the next
# test finds the bed's defaults: sip on its own certificate, both registrars and bob running,
# the certificationAuthority object in AD. Does nothing (and costs one LDAP search) when
# all is as up.sh left it. dnsmasq has its own `dnsmasq.sh restart`.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ "$(cat "$TB_RUN/kamailio/cert" 2>/dev/null || echo sip)" != sip ]; then
  echo "restore: sip back on its own certificate"
  "$TB_DIR/kamailio.sh" trusted
elif ! alive kamailio; then
  echo "restore: starting sip"
  "$TB_DIR/kamailio.sh" start sip
elif ! alive baresip-bob; then
  echo "restore: starting bob"
  "$TB_DIR/kamailio.sh" start bob
fi
if ! alive kamailio2; then
  echo "restore: starting sip2"
  "$TB_DIR/kamailio.sh" start sip2
fi
if [ "$("$TB_DIR/samba-ca.sh" status)" != present ]; then
  echo "restore: certificationAuthority object back in AD"
  "$TB_DIR/samba-ca.sh" restore
fi
if [ "$(cat "$TB_RUN/exchange/case" 2>/dev/null || echo default)" != default ] ||
   [ "$(cat "$TB_RUN/exchange/cert" 2>/dev/null || echo trusted)" != trusted ]; then
  echo "restore: Exchange fixture back to its default case and certificate"
  "$TB_DIR/exchange.sh" reset
fi
