# shellcheck shell=bash
# Sourced by the quality tests after the bed's env is loaded: puts the test-only
# impairment bridge (tests/bench/quality/impair_bridge.py) between the phone's namespace and
# the bed's switch, inside the bed's own switch namespace, and takes it out again:
#   br0 -- imp-b ==veth== imp-a -- [impair_bridge.py] -- phone ==veth== tb-phone eth0
# Everything the phone's namespace (the phone, or a baresip there) sends or receives
# crosses it; only RTP/RTCP is impaired. The bed's eth0s send no GSO super-frames
# while it runs (gso_max_segs 1): the bridge forwards frames one by one.
IMPAIR_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/impair_bridge.py
IMPAIR_PID=

impair_gso() {
  local ns
  for ns in "$TB_NS_PHONE" "$TB_NS_SRV" "$TB_NS_AD" "$TB_NS_PEER"; do
    ip -n "$ns" link set dev eth0 gso_max_segs "$1"
  done
}

# impair_on STATS_FILE SEED WORDS...: the bridge in place with that profile
impair_on() {
  local stats=$1 seed=$2
  shift 2
  impair_off
  impair_gso 1
  ip -n "$TB_NS_SW" link add name imp-a type veth peer name imp-b
  ip -n "$TB_NS_SW" link set dev phone nomaster
  ip -n "$TB_NS_SW" link set dev imp-b master br0 up
  ip -n "$TB_NS_SW" link set dev imp-a promisc on up
  ip -n "$TB_NS_SW" link set dev phone promisc on
  ip netns exec "$TB_NS_SW" python3 "$IMPAIR_PY" --a phone --b imp-a --seed "$seed" \
    --stats "$stats" "$@" &
  IMPAIR_PID=$!
  sleep 0.5
  kill -0 "$IMPAIR_PID" 2>/dev/null
}

# impair_off: the bridge gone, the phone's port back on br0 (a no-op when not in place)
impair_off() {
  if [ -n "$IMPAIR_PID" ]; then
    kill -TERM "$IMPAIR_PID" 2>/dev/null
    wait "$IMPAIR_PID" 2>/dev/null
    IMPAIR_PID=
  fi
  if ip -n "$TB_NS_SW" link show dev imp-a >/dev/null 2>&1; then
    ip -n "$TB_NS_SW" link del dev imp-a
    ip -n "$TB_NS_SW" link set dev phone promisc off
    ip -n "$TB_NS_SW" link set dev phone master br0 up
    impair_gso 65535
  fi
}
