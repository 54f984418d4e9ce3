#!/bin/sh
# shellcheck disable=SC2154  # udhcpc passes interface, ip, mask... in the environment
# busybox udhcpc hook for smoke.sh: appends every event's environment to $UDHCPC_ENV_OUT
# and configures the interface itself (never /etc/resolv.conf: that file is the host's).
echo "=== event $1" >> "$UDHCPC_ENV_OUT"
env | sort | grep -vE '^(PWD|SHLVL|_|HOME|PATH|TERM|OLDPWD|UDHCPC_ENV_OUT)=' >> "$UDHCPC_ENV_OUT"
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew) ip addr replace "$ip/${mask:-24}" dev "$interface" ;;
esac
exit 0
