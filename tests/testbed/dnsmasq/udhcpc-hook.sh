#!/bin/sh
# shellcheck disable=SC2154  # udhcpc passes interface, ip, mask... in the environment
# busybox udhcpc hook for smoke.sh: appends every event's environment to $UDHCPC_ENV_OUT
# and configures the interface itself (never /etc/resolv.conf: that file is the host's).
# The interface is configured first and the event's record lands in one write, so a
# reader that sees "=== event bound" sees the whole lease and an address on eth0.
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew) ip addr replace "$ip/${mask:-24}" dev "$interface" ;;
esac
record="$UDHCPC_ENV_OUT.$$"
{
  echo "=== event $1"
  env | sort | grep -vE '^(PWD|SHLVL|_|HOME|PATH|TERM|OLDPWD|UDHCPC_ENV_OUT)='
} > "$record"
cat "$record" >> "$UDHCPC_ENV_OUT"
rm -f "$record"
exit 0
