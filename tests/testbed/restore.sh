#!/bin/bash
# restore.sh: put back whatever a test switched with kamailio.sh or samba-ca.sh, so the next
# test finds the bed's defaults: sip on its own certificate, both registrars, bob and carol running,
# the certificationAuthority object in AD. Does nothing (and costs one LDAP search) when
# all is as up.sh left it. dnsmasq has its own `dnsmasq.sh restart`.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# the OCS stand-in (ocs.sh) holds sip's port while it runs
"$TB_DIR/ocs.sh" stop
# the Device Update stand-in runs only for its test
"$TB_DIR/devupdate.sh" stop
if [ "$(cat "$TB_RUN/kamailio/cert" 2>/dev/null || echo sip)" != sip ]; then
  echo "restore: sip back on its own certificate"
  "$TB_DIR/kamailio.sh" trusted
elif ! alive kamailio; then
  echo "restore: starting sip"
  "$TB_DIR/kamailio.sh" start sip
else
  for peer in bob carol; do
    if ! alive "baresip-$peer"; then
      echo "restore: starting $peer"
      "$TB_DIR/kamailio.sh" start "$peer"
    fi
  done
fi
# a registration lifetime cap left by a test (kamailio.sh max-expires)
cap=$(alive kamailio && kamcmd -s "unix:$TB_RUN/kamailio/ctl.sock" cfg.get registrar max_expires 2>/dev/null || true)
if [[ $cap =~ ^[0-9]+$ ]] && [ "$cap" != 0 ]; then
  echo "restore: sip grants the lifetimes asked for again"
  "$TB_DIR/kamailio.sh" max-expires 0
fi
# a voice-mail lifetime left by a test (kamailio.sh mwi-expires)
mwi=$(alive kamailio && kamcmd -s "unix:$TB_RUN/kamailio/ctl.sock" htable.get cfg mwi_expires 2>/dev/null |
  awk '$1 == "value:" { print $2 }' || true)
if [[ $mwi =~ ^[0-9]+$ ]] && [ "$mwi" != 0 ]; then
  echo "restore: sip grants voice-mail subscriptions 3600 s again"
  "$TB_DIR/kamailio.sh" mwi-expires 0
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
