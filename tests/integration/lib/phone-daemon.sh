# shellcheck shell=bash
# Sourced by the network integration tests with the Meson build folder as $1: loads the
# bed's env, runs ucphoned in the phone's namespace and reads its `status`, signs in
# (phone_signin); cleans up on exit, the bed's switches (testbed/restore.sh) included.
BUILD=$(cd "${1:?usage: ${0##*/} BUILD_DIR}" && pwd)
TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../testbed" && pwd)
# shellcheck source=/dev/null
. "${UCPHONE_TESTBED_RUN:-$TB_DIR/run}/env"
W=$(mktemp -d /tmp/ucphone-it.XXXXXX)
DAEMON_PID=
n=0 fails=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
# check DESC CMD...: one TAP verdict
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d" "status: $(status | head -c 2000)"; fi; }

daemon_start() {
  ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/daemon/ucphoned" -c "$W/control" \
    -S "$W/state" -i eth0 -v "$@" >>"$W/daemon.log" 2>&1 &
  DAEMON_PID=$!
}
# Stops the daemon; an exit other than 0 (a sanitizer report, a crash) is a failure.
daemon_stop() {
  local rc
  [ -n "$DAEMON_PID" ] || return 0
  kill -TERM "$DAEMON_PID" 2>/dev/null
  wait "$DAEMON_PID" 2>/dev/null
  rc=$?
  DAEMON_PID=
  [ "$rc" -eq 0 ] || not_ok "ucphoned exited $rc" "$(grep -v 'subsys=control' "$W/daemon.log" | tail -n 30)"
}
status() { ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" status --json 2>/dev/null; }
# js JQ: one value from the status
js() { status | jq -r "$1" 2>/dev/null; }
# wait_js JQ SECONDS: until the jq expression is true
wait_js() {
  local end=$(( $(date +%s%N) / 1000000 + $2 * 1000 ))
  while (( $(date +%s%N) / 1000000 < end )); do
    status | jq -e "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
# wait_for_log TEXT SECONDS: until the daemon has logged TEXT
wait_for_log() {
  local i
  for i in $(seq $(( $2 * 10 ))); do grep -qF "$1" "$W/daemon.log" && return 0; sleep 0.1; done
  return 1
}
# phone_signin [ADDRESS USER PASSWORD_FILE]: ucphonectl signin, the bed's alice by default
phone_signin() {
  ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" signin \
    --address "${1:-$TB_USER_ADDRESS}" --user "${2:-$TB_USER_DOMAIN_USER}" \
    --password-file "${3:-$TB_USER_PASS_FILE}"
}
phone_signout() { ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" signout; }
phone_addr() { ip -n "$TB_NS_PHONE" -4 -o addr show dev eth0 | awk '{print $4}'; }
phone_default() { ip -n "$TB_NS_PHONE" -4 route show default; }

# Leaves the bed as found: no daemon, eth0 without address, dnsmasq on its own config.
cleanup() {
  daemon_stop
  ip -n "$TB_NS_PHONE" -4 addr flush dev eth0 2>/dev/null
  [ -z "${PEER_EXTRA:-}" ] || ip -n "$TB_NS_PEER" addr del "$PEER_EXTRA/24" dev eth0
  "$TB_DIR/dnsmasq.sh" restart >/dev/null || echo "# cannot restore dnsmasq"
  # registrars, certificates, the CA object: back to the bed's defaults (no-op if untouched)
  "$TB_DIR/restore.sh" | sed 's/^/# /' || echo "# cannot restore the bed"
  if [ "$fails" -gt 0 ]; then echo "# daemon log tail:"; tail -n 40 "$W/daemon.log" | sed 's/^/#   /'; fi
  rm -rf "$W"
}
