#!/bin/bash
# down.sh: stop the test bed. Safe to run when nothing (or only part of it) is up.
#  1. SIGTERM each started server in reverse start order (baresip before kamailio: it
#     unregisters on the way out), each to its whole process group, waiting for it to exit;
#  2. SIGKILL whatever still lives in our namespaces (stragglers, udhcpc, a phone daemon);
#  3. delete the namespaces (that removes the veths and the bridge), and unmount
#     /run/netns if up.sh was the one that created that mount.
# Logs stay in the run directory for post-mortems; up.sh wipes them on the next start.
set -uo pipefail   # no -e: keep cleaning up past any single failure
. "$(dirname "$0")/common.sh"

# proc PID -> "state pgrp starttime" (fields 3, 5, 22 of /proc/PID/stat), or fail
proc() {
  local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }; set -- $s; echo "$1 $3 ${20}"
}
# gone PID: exited, or a zombie waiting for its (re)parent to reap it
gone() { local p; p=$(proc "$1") || return 0; [ "${p%% *}" = Z ]; }

if [ -f "$TB_RUN/$TB_MARK" ] && [ "$(cat "$TB_RUN/$TB_MARK")" != "$TB_PREFIX" ]; then
  echo "down: $TB_RUN belongs to bed '$(cat "$TB_RUN/$TB_MARK")', not '$TB_PREFIX'; set UCPHONE_TESTBED_RUN" >&2
  exit 1
fi
stopped=0 killed=0
if [ -f "$TB_RUN/pids" ]; then
  while read -r name pid start; do
    p=$(proc "$pid") || continue
    set -- $p
    [ "$3" = "$start" ] || continue          # that PID now belongs to someone else
    [ "$1" = Z ] && continue
    # each server was started with setsid: its PID is its process group
    if [ "$2" = "$pid" ]; then kill -TERM -- "-$pid"; else kill -TERM "$pid"; fi 2>/dev/null
    for _ in $(seq 100); do gone "$pid" && break; sleep 0.05; done
    if gone "$pid"; then stopped=$((stopped + 1))
    else echo "down: $name ($pid) ignored SIGTERM for 5 s: SIGKILL"; kill -KILL -- "-$pid" "$pid" 2>/dev/null
    fi
  done < <(tac "$TB_RUN/pids")
fi

# anything left inside our namespaces is ours too (children, udhcpc, provisioning...)
for ns in $TB_NS_PHONE $TB_NS_SRV $TB_NS_AD $TB_NS_PEER $TB_NS_SW; do
  [ -e "/run/netns/$ns" ] || continue
  for pid in $(ip netns pids "$ns" 2>/dev/null); do
    echo "down: SIGKILL straggler in $ns: $pid $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-60)"
    kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
  done
done

# Orphaned servers are reaped by PID 1; where PID 1 reaps lazily (this sandbox: ~2 s),
# wait for it so that a `ps` right after down.sh shows nothing of ours, not even <defunct>.
if [ -f "$TB_RUN/pids" ]; then
  for _ in $(seq 100); do
    left=0
    while read -r name pid start; do
      p=$(proc "$pid") && [ "${p##* }" = "$start" ] && left=1
    done < "$TB_RUN/pids"
    [ $left = 0 ] && break; sleep 0.05
  done
  mv "$TB_RUN/pids" "$TB_RUN/pids.last"
fi

for ns in $TB_NS_PHONE $TB_NS_SRV $TB_NS_AD $TB_NS_PEER $TB_NS_SW; do
  [ -e "/run/netns/$ns" ] || continue
  ip netns del "$ns" || { umount -l "/run/netns/$ns"; rm -f "/run/netns/$ns"; }
done
# iproute2 turns /run/netns into a shared bind mount on first use; undo it if we made it
if [ -f "$TB_RUN/netns-mount-ours" ] && mountpoint -q /run/netns && [ -z "$(ls -A /run/netns)" ]; then
  umount /run/netns && rmdir /run/netns 2>/dev/null
  rm -f "$TB_RUN/netns-mount-ours"
fi
echo "down: stopped $stopped servers, killed $killed stragglers; namespaces $TB_PREFIX-* removed"
