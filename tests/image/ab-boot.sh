#!/bin/bash
# The A/B boot selector in the VM (the initramfs's /init with
# bootstate.sh, RAUC's custom backend /usr/lib/rauc/ucphone-backend): the
# factory phone boots slot a; an update into slot b driven the way RAUC
# does it (set-state b bad, the write, set-primary b) boots b next, on
# trial, and b stays, uncounted, once confirmed (set-state b good, what
# `rauc status mark-good` calls); an update into a that never confirms
# boots a three times, then the phone returns to b by itself and names a
# as failed. No testbed. TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-ab.XXXXXX")
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		grep -a 'ucphone-initramfs' "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
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

# boot [boot-image.sh options]: power on, wait for the service console,
# set got="<booted slot> <root device> <state file, one line>" (not a
# command substitution: the running guest belongs to this shell).
boot() {
	image_stop
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	image_boot --disk "$scratch/disk.img" --persist --timeout 300 "$@"
	got='no console'
	image_wait_ready 120 || return 1
	got=$(guest 'echo "$(cat /data/.booted-slot) $(awk "\$2 == \"/\" { print \$1 }" /proc/mounts) $(paste -sd" " /data/boot/state)"' 20)
}
backend() { guest "/usr/lib/rauc/ucphone-backend $*" 20; }

boot
check "factory: slot a from /dev/vda1, the factory state written: $got" \
	eval '[[ $got == "a /dev/vda1 ORDER=a b a_OK=1 a_TRY=3 b_OK=1 b_TRY=3 FAILED="* ]]'
check "the initramfs said what it chose" grep -q 'boot selector: slot a' "$IMAGE_CONSOLE"

# An update into b, as RAUC installs it through the custom backend.
backend set-state b bad >/dev/null
check "the slot being written is bad" test "$(backend get-state b)" = bad
# (The factory disk holds the same root in both slots: RAUC's write itself
# is not repeated here; under TCG it takes minutes.)
backend set-primary b >/dev/null
check "after set-primary b, b boots next" test "$(backend get-primary)" = b
boot
check "slot switch: b from /dev/vda2: $got" eval '[[ $got == "b /dev/vda2 ORDER=b a "* ]]'
check "the phone's programs run from b" guest 'ucphoned --version >/dev/null' 60
backend set-state b good >/dev/null
boot
check "confirmed, b boots again, uncounted: $got" eval '[[ $got == "b /dev/vda2 "*"b_OK=1 b_TRY=3"* ]]'
backend set-state b good >/dev/null

# An update into a that never confirms: three trial boots, then back to b.
backend set-state a bad >/dev/null
backend set-primary a >/dev/null
seq=''
for _ in 1 2 3 4; do
	boot
	seq="$seq${seq:+ }${got%% *}"
done
check "never confirmed: a, a, a, then b (rollback): $seq" test "$seq" = "a a a b"
check "the state names a as failed, b good and first: $got" \
	eval '[[ $got == "b /dev/vda2 ORDER=b a a_OK=0 a_TRY=0 b_OK=1 "*"FAILED=a" ]]'
check "the backend says a is bad" test "$(backend get-state a)" = bad
boot --slot a
check "ucphone_slot=a on the command line forces a, no try counted: $got" \
	eval '[[ $got == "a /dev/vda1 ORDER=b a a_OK=0 a_TRY=0 "* ]]'
echo "1..$n"
[ "$fails" -eq 0 ]
