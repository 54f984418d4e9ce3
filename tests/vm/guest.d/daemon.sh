#!/bin/bash
# ucphoned against the real ucphone modules, inside the test VM: it finds
# the family, lists bound drivers, streams kernel events to `ucphonectl
# events`, and follows the module being unloaded and loaded again. TAP.
set -u
build=${1:-build}
daemon=$build/userspace/daemon/ucphoned
ctl=$build/userspace/ctl/ucphonectl
emit=/sys/kernel/debug/ucphone-test-source/emit
work=$(mktemp -d)
control=$work/control
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
info_json() { "$ctl" --control "$control" --json info; }
# A field of the info JSON, e.g. jq_field kernel.available
field() {
	info_json | python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(json.dumps(v))' "$1"
}
wait_for() { local i; for i in $(seq 1 50); do eval "$1" && return 0; sleep 0.1; done; return 1; }

cleanup() {
	[ -n "${events_pid:-}" ] && kill "$events_pid" 2>/dev/null
	[ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..9"
modprobe ucphone
"$daemon" -c "$control" -S "$work/state" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
wait_for '[ -S "$control" ]'

check "daemon finds the ucphone family" wait_for '[ "$(field kernel.available)" = true ]'
uapi=$(sed -n 's/^#define UCPHONE_GENL_VERSION \([0-9]*\)$/\1/p' include/uapi/linux/ucphone.h)
check "info reports UAPI $uapi (the header's) and the running kernel" \
	test "$(field kernel.uapi)/$(field kernel.release)" = "$uapi/\"$(uname -r)\""

modprobe ucphone-test-source
check "info lists a driver once it binds" \
	wait_for 'info_json | grep -q "\"name\": *\"ucphone-test-source\""'

"$ctl" --control "$control" --json events >"$work/events" 2>&1 &
events_pid=$!
sleep 0.5
echo "key 2 1" >"$emit"
echo "hook off" >"$emit"
echo "reset soft 300" >"$emit"
check "a key press reaches ucphonectl events" \
	wait_for 'grep -q "\"event\": *\"key\".*\"code\": *2" "$work/events"'
check "hook and reset events follow in order" \
	wait_for 'grep -A1 "\"event\": *\"hook\"" "$work/events" | grep -q "reset-button"'

rmmod ucphone_test_source
rmmod ucphone
check "daemon notices the module going away" \
	wait_for '[ "$(field kernel.available)" = false ]'
info_quiet() { info_json >/dev/null; }
check "daemon keeps answering while degraded" info_quiet

modprobe ucphone-test-source
echo "key 3 0" >"$emit"
check "daemon picks the module up again and streams its events" \
	wait_for 'grep -q "\"code\": *3" "$work/events"'

kill -TERM "$daemon_pid"
wait "$daemon_pid"
rc=$?
daemon_pid=
check "SIGTERM stops the daemon cleanly" test "$rc" = 0
if [ "$failed" -gt 0 ]; then
	sed 's/^/# daemon: /' "$work/daemon.log"
	sed 's/^/# events: /' "$work/events"
fi
exit $((failed > 0))
