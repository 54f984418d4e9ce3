#!/bin/bash
# dnsmasq.sh: stop, start or restart the bed's dnsmasq (DHCP + DNS), for tests that need
# the server gone or running another configuration. Keeps run/pids right for down.sh.
#   dnsmasq.sh stop
#   dnsmasq.sh start [CONF]      CONF: a full dnsmasq config (default: the bed's own)
#   dnsmasq.sh restart [CONF]
#   dnsmasq.sh conf              print the path of the bed's own rendered config
# Tests derive CONF from the bed's own (grep -v lines, append lines) and must end with
# `dnsmasq.sh restart` so that the scripts after them find the default server.
set -euo pipefail
. "$(dirname "$0")/common.sh"
DEFAULT_CONF=$TB_RUN/dnsmasq/dnsmasq.conf

current() { awk '$1 == "dnsmasq" { p = $2 " " $3 } END { if (p) print p }' "$TB_RUN/pids"; }

do_stop() {
  local pid start
  read -r pid start <<<"$(current)" || true
  [ -n "${pid:-}" ] || return 0
  [ "$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null | awk '{print $20}')" = "$start" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 100); do
    [ -e "/proc/$pid" ] || return 0
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
    sleep 0.05
  done
  echo "dnsmasq.sh: dnsmasq ($pid) did not stop" >&2
  return 1
}

do_start() {
  local conf=${1:-$DEFAULT_CONF} pid st
  setsid ip netns exec "$TB_NS_SRV" dnsmasq -C "$conf" </dev/null >>"$TB_RUN/log/dnsmasq.log" 2>&1 &
  pid=$!
  st=$(cut -d')' -f2- "/proc/$pid/stat" | awk '{print $20}')
  # in place: down.sh stops servers in reverse start order, and DNS must outlive bob (he
  # looks the registrar up to unregister; without DNS he hangs until SIGKILL)
  if grep -q '^dnsmasq ' "$TB_RUN/pids"; then
    sed -i "s|^dnsmasq .*|dnsmasq $pid $st|" "$TB_RUN/pids"
  else
    echo "dnsmasq $pid $st" >> "$TB_RUN/pids"
  fi
  TB_WATCH=$pid TB_WAIT=10 waitfor "dnsmasq DNS on $TB_SRV_IP:53" ip netns exec "$TB_NS_SRV" \
    dig +short +time=1 +tries=1 "@$TB_SRV_IP" ntp.corp.test A
}

case ${1:-} in
  stop) do_stop ;;
  start) do_start "${2:-}" ;;
  restart) do_stop; do_start "${2:-}" ;;
  conf) echo "$DEFAULT_CONF" ;;
  *) echo "usage: dnsmasq.sh stop|start [CONF]|restart [CONF]|conf" >&2; exit 2 ;;
esac
