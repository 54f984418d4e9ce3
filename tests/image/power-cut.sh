#!/bin/bash
# Power cuts while the phone writes its settings: QEMU is killed (SIGKILL,
# at a random instant) while, in the guest, `ucphone-config set` rewrites
# /etc/ucphone/ucphoned.conf (the /etc overlay on the data partition) and
# `ucphonectl signin` has ucphoned rewrite its sign-in identity in
# /var/lib/ucphone, each in a loop. After every cut the phone boots again
# and the config must pass ucphoned's own parser with its other lines
# intact and hold the last value the guest reported written, or the one
# after it (old or new, never a mix); the daemon must load the identity
# it last stored or the next one, with no error. No testbed: eth0 sits
# on a bridge in a namespace of this test's own. TAP.
#   tests/image/power-cut.sh [CUTS]      default 5 (POWER_CUTS=N too)
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cuts=${1:-${POWER_CUTS:-5}}
[[ $cuts =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [CUTS]" >&2; exit 2; }
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"

ns=ucpcut$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-cut.XXXXXX")
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		tail -n 20 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	ip netns del "$ns" 2>/dev/null
	rm -rf "$scratch" "${IMAGE_DIR:-}"
}
trap cleanup EXIT

env_out=$("$repo/scripts/build-image.sh" --print-env 2>"$scratch/build.log") || {
	sed 's/^/# /' "$scratch/build.log" | tail -n 20
	not_ok "the phone image builds"
	echo "1..$n"
	exit 1
}
eval "$env_out"
cp --sparse=always "$DISK" "$scratch/disk.img"
ip netns add "$ns" && ip -n "$ns" link add br0 type bridge && ip -n "$ns" link set br0 up || {
	not_ok "a namespace with a bridge for eth0"
	echo "1..$n"
	exit 1
}

boot() {
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	image_boot --disk "$scratch/disk.img" --persist --net "$ns:br0" --timeout 300
	image_wait_ready 120 && guest_wait 'ucphonectl info >/dev/null' 60
}
# The last "pc: KIND N" the guest printed on its console before the cut.
last_written() {
	sed -n "s/^pc: $1 \([0-9]*\)\$/\1/p" "$IMAGE_CONSOLE" | tail -n 1
}

check "first boot" boot
guest 'ucphone-config set log-level info && ucphone-config set sip-expires 600' >/dev/null
check "ucphone-config writes a setting and the daemon re-reads it" \
	test "$(guest 'ucphone-config get sip-expires')" = 600
check "a bad value is refused and the file kept" eval \
	'! guest "ucphone-config set sip-expires banana >/dev/null 2>&1" &&
	test "$(guest "ucphone-config get sip-expires")" = 600'
cfg=0 id=0
for cut in $(seq 1 "$cuts"); do
	# Both writers from where the last boot found them; each reports a
	# write once it returned (the file in place and flushed).
	guest "(i=$cfg; while i=\$((i + 1)); do ucphone-config set sip-expires \$((600 + i)) 2>/dev/null &&
		echo \"pc: cfg \$i\" >/dev/console; done) >/dev/null 2>&1 &
	(i=$id; while i=\$((i + 1)); do echo pw | ucphonectl signin --address user\$i@cut.example \\
		--user 'CUT\\user'\$i --password-stdin >/dev/null 2>&1 &&
		echo \"pc: id \$i\" >/dev/console; done) >/dev/null 2>&1 &" >/dev/null
	sleep "$((1 + RANDOM % 3)).$((RANDOM % 10))"
	image_cut
	wcfg=$(last_written cfg) wid=$(last_written id)
	wcfg=${wcfg:-$cfg} wid=${wid:-$id}
	if ! boot; then
		not_ok "cut $cut: the phone boots again"
		break
	fi
	got=$(guest 'ucphoned --config /etc/ucphone/ucphoned.conf --version >/dev/null && ucphone-config get log-level && ucphone-config get sip-expires' 20 |
		paste -sd' ')
	v=${got#info }
	check "cut $cut: the config parses, log-level intact, sip-expires written $((600 + wcfg)) -> $got" \
		eval '[[ $got =~ ^info\ [0-9]+$ ]] && [ $((v - 600)) -ge "$wcfg" ] && [ $((v - 600)) -le $((wcfg + 1)) ]'
	cfg=$((v - 600))
	js=$(guest 'ucphonectl --json status' 20)
	addr=$(jq -r '.identity.address // "none"' <<<"$js" 2>/dev/null)
	err=$(jq -r '.identity.error // ""' <<<"$js" 2>/dev/null)
	m=${addr#user}
	m=${m%@cut.example}
	check "cut $cut: the identity loads, written user$wid -> $addr${err:+ ($err)}" \
		eval '[ -z "$err" ] && { { [ "$addr" = none ] && [ "$wid" = 0 ]; } ||
		{ [[ $m =~ ^[0-9]+$ ]] && [ "$m" -ge "$wid" ] && [ "$m" -le $((wid + 1)) ]; }; }'
	[[ $m =~ ^[0-9]+$ ]] && id=$m
	[[ $cfg =~ ^[0-9]+$ ]] || cfg=$wcfg
done
echo "# $cuts cuts; config written $cfg times, identity $id times"
echo "1..$n"
[ "$fails" -eq 0 ]
