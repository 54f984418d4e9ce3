#!/bin/bash
# The A/B boot state on its own (no VM, a second): the initramfs's boot
# selector and RAUC's custom backend (image/rootfs/usr/lib/ucphone/
# bootstate.sh, image/rootfs/usr/lib/rauc/ucphone-backend) run by busybox
# sh on a scratch state file, as on the phone. Checked: the factory state,
# an install (set-state bad, set-primary) then three trial boots and the
# rollback with the failed slot named, a confirmed slot keeping its tries,
# a damaged file read as the factory state, bad arguments refused with the
# file untouched, and no temporary left behind. TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=$repo/image/rootfs
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"
sh=$(command -v busybox >/dev/null && echo "busybox sh" || echo sh)
w=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-bootstate.XXXXXX")
trap 'rm -rf "$w"' EXIT
export UCPHONE_BOOTSTATE=$w/boot/state
# The backend sources /usr/lib/ucphone/bootstate.sh: point it at the repo.
sed "s|/usr/lib/ucphone/bootstate.sh|$root/usr/lib/ucphone/bootstate.sh|" \
	"$root/usr/lib/rauc/ucphone-backend" >"$w/backend"
backend() { $sh "$w/backend" "$@"; }
# One boot: what the initramfs does before mounting the root (a missing
# or damaged state written back as the factory one).
boot() {
	$sh -c 'BOOTSTATE=$1; . "$2"; mkdir -p "${BOOTSTATE%/*}"; { [ -f "$BOOTSTATE" ] && bootstate_load; } || { bootstate_defaults; bootstate_save; }; bootstate_select; echo "$BOOT_SLOT"' \
		boot "$UCPHONE_BOOTSTATE" "$root/usr/lib/ucphone/bootstate.sh"
}
field() { sed -n "s/^$1=//p" "$UCPHONE_BOOTSTATE"; }

check "factory: no state file, slot a boots" test "$(boot)" = a
seq=$(for _ in 1 2 3 4; do boot; done | paste -sd' ')
check "a good slot boots without counting its boots: $seq" test "$seq" = "a a a a"
check "get-primary says a, both slots good" \
	test "$(backend get-primary) $(backend get-state a) $(backend get-state b)" = "a good good"

# An install into b, as RAUC drives it: b bad while written, then primary.
backend set-state b bad
check "a slot being written is bad: never selected" test "$(boot) $(backend get-state b)" = "a bad"
backend set-primary b
check "after set-primary b: b boots first, on trial" \
	test "$(backend get-primary) $(field b_OK) $(field b_TRY)" = "b 2 3"
seq=$(for _ in 1 2 3 4; do boot; done | paste -sd' ')
check "never confirmed: b boots three times, then a (rollback): $seq" test "$seq" = "b b b a"
check "the failed slot is bad and named; a is first again" \
	test "$(backend get-state b) $(field FAILED) $(field ORDER)" = "bad b a b"

# A second install that confirms.
backend set-primary b
check "set-primary clears the failure of that slot" test -z "$(field FAILED)"
boot >/dev/null
backend set-state b good
seq=$(for _ in 1 2 3 4; do boot; done | paste -sd' ')
check "a confirmed slot keeps booting, uncounted: $seq" test "$seq $(field b_OK)" = "b b b b 1"

cp "$UCPHONE_BOOTSTATE" "$w/before"
check "bad arguments are refused" eval '! backend set-state c good 2>/dev/null &&
	! backend set-state a maybe 2>/dev/null && ! backend set-primary 2>/dev/null &&
	! backend frobnicate 2>/dev/null'
check "and leave the state as it was" cmp -s "$w/before" "$UCPHONE_BOOTSTATE"
check "no temporary left" test ! -e "$UCPHONE_BOOTSTATE.tmp"

printf 'ORDER=b c\na_OK=1\n' >"$UCPHONE_BOOTSTATE"
check "the backend refuses to act on a damaged file" eval '! backend set-primary b 2>/dev/null'
check "a damaged state file: the factory order, slot a" test "$(boot 2>/dev/null)" = a
check "which the initramfs writes back as the factory state" test "$(field ORDER) $(field a_OK)" = "a b 1"
printf 'ORDER=a b\na_OK=1\na_TRY=3\nb_OK=0\nb_TRY=0\nFAILED=b\n' >"$UCPHONE_BOOTSTATE"
backend set-state b bad
check "a new install into the failed slot (set-state bad) clears FAILED" \
	test "$(field FAILED) $(field b_OK)" = " 0"
printf 'ORDER=b a\na_OK=1\na_TRY=3\nb_OK=0\nb_TRY=0\nFAILED=\n' >"$UCPHONE_BOOTSTATE"
check "b bad, a good: a boots" test "$(boot)" = a
printf 'ORDER=a b\na_OK=0\na_TRY=0\nb_OK=0\nb_TRY=0\nFAILED=\n' >"$UCPHONE_BOOTSTATE"
check "no good slot left: the first of the order still boots" test "$(boot)" = a
echo "1..$n"
[ "$fails" -eq 0 ]
