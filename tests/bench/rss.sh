#!/bin/bash
# Resident memory of ucphoned per state: "idle" (no network: no --interface) and, with the
# testbed up (tests/testbed/up.sh), "registered"
# (DHCP, discovery, Kerberos root CA lookup, TLS, REGISTER 200 on the bed's kamailio),
# sampled once the phone is idle again: root CA discovery and the Exchange sync that
# sign-in starts are over (at most 30 s).
# Prints one line per state: STATE VmRSS_KiB RssAnon_KiB RssFile_KiB mapped_libraries;
# with RSS_DETAIL=1 also the threads and the largest mappings by Rss (smaps), as comments.
#   rss.sh BUILD_DIR [registered]
set -uo pipefail
BUILD=$(cd "${1:?usage: rss.sh BUILD_DIR [registered]}" && pwd)
W=$(mktemp -d /tmp/ucphone-rss.XXXXXX)
PID=
trap '[ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }; rm -rf "$W"' EXIT

sample() {
  local s=/proc/$PID/status
  printf '%-11s %8s %8s %8s %4s\n' "$1" "$(awk '/^VmRSS/ {print $2}' "$s")" \
    "$(awk '/^RssAnon/ {print $2}' "$s")" "$(awk '/^RssFile/ {print $2}' "$s")" \
    "$(awk '$6 ~ /\.so/ {print $6}' "/proc/$PID/maps" | sort -u | wc -l)"
  [ -n "${RSS_DETAIL:-}" ] || return 0
  echo "# $1: threads $(awk '/^Threads/ {print $2}' "/proc/$PID/status"), largest mappings (KiB):"
  awk '/^[0-9a-f]+-/ {name = $6 == "" ? "[anon]" : $6} /^Rss:/ {rss[name] += $2}
       END {for (n in rss) print rss[n], n}' "/proc/$PID/smaps" | sort -rn | head -n 25 |
    sed 's/^/#   /'
}
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=; }

printf '%-11s %8s %8s %8s %4s\n' state rss_kib anon_kib file_kib libs
"$BUILD/userspace/daemon/ucphoned" -c "$W/control" -S "$W/state" -q 2>/dev/null &
PID=$!
sleep 2
sample idle
stop

if [ "${2:-}" = registered ]; then
  TB_DIR=$(cd "$(dirname "$0")/../testbed" && pwd)
  # shellcheck source=/dev/null
  . "${UCPHONE_TESTBED_RUN:-$TB_DIR/run}/env"
  ctl() { ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" "$@"; }
  rm -rf "$W/state"
  ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/daemon/ucphoned" -c "$W/control" \
    -S "$W/state" -i eth0 -q 2>/dev/null &
  PID=$!
  sleep 1
  ctl signin --address "$TB_USER_ADDRESS" --user "$TB_USER_DOMAIN_USER" \
    --password-file "$TB_USER_PASS_FILE" >/dev/null
  for _ in $(seq 300); do
    [ "$(ctl status --json 2>/dev/null | jq -r .sip.state)" = registered ] && break
    sleep 0.1
  done
  sleep 2
  for _ in $(seq 300); do
    ctl status --json 2>/dev/null | jq -e '.trust.discovery == "idle" and
      ((.exchange.state // "idle") | IN("discovering", "synchronising") | not)' >/dev/null && break
    sleep 0.1
  done
  if [ "$(ctl status --json | jq -r .sip.state)" = registered ]; then
    sample registered
  else
    echo "registered  (not registered: $(ctl status --json | jq -r .sip.status_text))"
  fi
  stop
  ip -n "$TB_NS_PHONE" -4 addr flush dev eth0 2>/dev/null
fi
