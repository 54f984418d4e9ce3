#!/bin/bash
# ocs.sh: put the OCS stand-in (ocs/ocs_registrar.py: MS-SIPAE NTLM checked by the AD DC's
# winbindd) in the place of the bed's registrars, for the MS-SIPAE sign-in tests.
#   ocs.sh start [ARGS...]  stop kamailio sip and sip2, start the stand-in on sip.corp.test:5061
#                           (sip's certificate) with the fixture's extra ARGS
#   ocs.sh stop             stop the stand-in (restore.sh then brings the registrars back)
# Log: $TB_RUN/log/ocs.log; the last signed request: $TB_RUN/ocs/last-request.
set -euo pipefail
. "$(dirname "$0")/common.sh"

stop_ocs() {
  local pid start i
  read -r pid start <<<"$(awk '$1 == "ocs" { p = $2 " " $3 } END { if (p) print p }' "$TB_RUN/pids")" || true
  [ -n "${pid:-}" ] || return 0
  [ "$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null | awk '{print $20}')" = "$start" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do [ -e "/proc/$pid" ] || return 0; sleep 0.05; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

case "${1:-}" in
  start)
    shift
    stop_ocs
    "$TB_DIR/kamailio.sh" stop sip >/dev/null
    "$TB_DIR/kamailio.sh" stop sip2 >/dev/null
    mkdir -p "$TB_RUN/ocs"
    # NTLM answers go to the DC's winbindd (winbind-ns.sh shows libwbclient its socket)
    setsid ip netns exec "$TB_NS_SRV" env -u NTLM_USER_FILE "$TB_DIR/winbind-ns.sh" \
      python3 "$TB_DIR/ocs/ocs_registrar.py" \
      --listen "$TB_SRV_IP:5061" --cert "$TB_RUN/pki/sip-chain.pem" --key "$TB_RUN/pki/sip.key" \
      --target "sip.$TB_DOMAIN" --prov-body "$TB_DIR/kamailio/provisioning.xml" \
      --last-request "$TB_RUN/ocs/last-request" "$@" \
      </dev/null >>"$TB_RUN/log/ocs.log" 2>&1 &
    st=$(cut -d')' -f2- "/proc/$!/stat" | awk '{print $20}')
    sed -i '/^ocs /d' "$TB_RUN/pids"
    echo "ocs $! $st" >> "$TB_RUN/pids"
    TB_WATCH=$! waitfor "OCS stand-in on $TB_SRV_IP:5061" ip netns exec "$TB_NS_SRV" \
      bash -c "exec 3<>/dev/tcp/$TB_SRV_IP/5061"
    ;;
  stop) stop_ocs ;;
  *) echo "usage: ocs.sh start [ARGS...] | stop" >&2; exit 2 ;;
esac
