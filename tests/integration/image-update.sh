#!/bin/bash
# The seed's stepping-stone upgrade, end to end, on the phone image in QEMU
# on the testbed: "it is not possible to upgrade directly from 1.0.199.123
# to 3.5.6907.35". The Device Update stand-in (tests/testbed/devupdate.sh)
# serves real RAUC bundles of the phone's own root (scripts/make-update-
# bundle.sh: the image's root with only /usr/lib/ucphone/version changed)
# as CPE.nbt, each with CPE.cat, a CMS signature by the image's vendor key
# (scripts/vendor-keys.sh), and offers 3.5.6907.35 and 1.0.522.101 together
# from the start.
#  1. The factory phone (1.0.199.123, slot a) signs in as alice; at sign-in
#     it asks the provisioned update URL, takes 1.0.522.101 (never the
#     direct jump), downloads it, checks the signature against its vendor
#     root, `rauc install`s it into slot b and reboots into it by itself.
#  2. Slot b reports 1.0.522.101 on trial, registers, is marked good; only
#     then it asks again (no update while on trial), takes 3.5.6907.35,
#     installs it into slot a and reboots.
#  3. Slot a reports 3.5.6907.35, is marked good, and `ucphonectl update
#     status` says it is installed and up to date.
# Each step's time is printed. TAP; ~5-10 min under TCG.
#   image-update.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
TB_DIR=$repo/tests/testbed
# shellcheck source=/dev/null
. "${UCPHONE_TESTBED_RUN:-$TB_DIR/run}/env"
# shellcheck source=../image/lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
D=$TB_RUN/devupdate
LOG=$D/requests.log
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-imgupd.XXXXXX")
t0=$SECONDS
step() { echo "# [$((SECONDS - t0)) s] $*"; }
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		guest 'tail -n 30 /var/log/ucphoned.log' 10 2>/dev/null | sed 's/^/# ucphoned: /'
		tail -n 20 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	# the stand-in's own test images come back at its next start
	"$TB_DIR/devupdate.sh" reset 2>/dev/null
	rm -rf "$scratch" "${IMAGE_DIR:-}"
}
trap cleanup EXIT
bail() { not_ok "$1"; echo "1..$n"; exit 1; }
echo "TAP version 13"

env_out=$("$repo/scripts/build-image.sh" --print-env 2>"$scratch/build.log") || {
	sed 's/^/# /' "$scratch/build.log" | tail -n 20
	bail "the phone image builds"
}
eval "$env_out"
eval "$("$repo/scripts/vendor-keys.sh" --print-env)"
cp --sparse=always "$DISK" "$scratch/disk.img"

step "bundles of the image's root: 1.0.522.101 and 3.5.6907.35"
for v in 1.0.522.101 3.5.6907.35; do
	"$repo/scripts/make-update-bundle.sh" --root "$ROOT" --fast "$v" "$scratch/$v.raucb" \
		>"$scratch/$v.env" 2>>"$scratch/bundle.log" || {
		sed 's/^/# /' "$scratch/bundle.log" | tail -n 20
		bail "update bundle $v is made"
	}
done
step "bundles ready ($(stat -c %s "$scratch/1.0.522.101.raucb") and $(stat -c %s "$scratch/3.5.6907.35.raucb") bytes)"
"$TB_DIR/devupdate.sh" start >/dev/null || bail "the Device Update stand-in starts"
for v in 1.0.522.101 3.5.6907.35; do
	"$TB_DIR/devupdate.sh" serve "$v" "$scratch/$v.raucb" "$VENDOR_CERT" "$VENDOR_KEY" ||
		bail "the stand-in serves bundle $v signed with the vendor key"
done
ok "the stand-in serves both bundles as CPE.nbt, signed with the image's vendor key"

boot() {
	image_stop
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	image_boot --disk "$scratch/disk.img" --persist --net "$TB_NS_SW:br0" --timeout 1200
	image_wait_ready 240 && guest_wait 'ucphonectl info >/dev/null' 90
}
ujs() { guest 'ucphonectl --json update status' 20 | jq -c "$1" 2>/dev/null; }
wait_js() {
	local deadline=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$deadline" ]; do
		guest 'ucphonectl --json status' 20 2>/dev/null | jq -e "$1" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}
# the update's state; a check that failed before the trust store knew the
# bed's root (the power-on check, before sign-in) is not the one waited for
wait_update() {
	local deadline=$((SECONDS + $2)) s
	while [ "$SECONDS" -lt "$deadline" ]; do
		s=$(ujs .state)
		[ "$s" = "\"$1\"" ] && return 0
		sleep 2
	done
	echo "# update: $(ujs .)"
	return 1
}
# installed, or already rebooting into it: the phone reboots as soon as an
# update is installed and it is idle, which a loaded guest's slow console
# may not catch in between
wait_installed() {
	local deadline=$((SECONDS + $1))
	while [ "$SECONDS" -lt "$deadline" ]; do
		kill -0 "$IMAGE_PID" 2>/dev/null || return 0
		[ "$(ujs .state)" = '"installed"' ] && return 0
		sleep 2
	done
	echo "# update: $(ujs .)"
	return 1
}
# a download cut by a slow guest resumes with a Range request (206)
# The stand-in's request log is the bed's (device-update.sh before this test
# fetches 3.5.6907.35 too): only what was asked since this test began counts.
since() { tail -n +$((LOG_MARK + 1)) "$LOG" 2>/dev/null; }
gets() { since | jq -r 'select(.method == "GET" and (.status == 200 or .status == 206)) | .path' 2>/dev/null; }

LOG_MARK=$(wc -l < "$LOG" 2>/dev/null || echo 0)
step "boot 1: factory"
tb=$SECONDS
boot || bail "the factory image boots"
check "factory: slot a, version 1.0.199.123" \
	wait_js '.software.version == "1.0.199.123" and .software.booted_slot == "a"' 60
check "DHCP lease from the bed" wait_js '.dhcp.state == "bound"' 90
pass=$(cat "$TB_USER_PASS_FILE")
guest "ucphonectl signin --address '$TB_USER_ADDRESS' --user '${TB_USER_DOMAIN_USER//\'/}' --password-stdin <<'EOF'
$pass
EOF" 30 >/dev/null
unset pass
check "signs in as alice: Registered" wait_js '.sip.state == "registered"' 180
step "signed in; the sign-in check takes the stepping stone"
check "1.0.522.101 downloaded, signature verified, installed by RAUC" wait_installed 600
got=$(gets)
check "downloaded 1.0.522.101's CPE.nbt and CPE.cat, nothing of 3.5.6907.35" \
	eval '[[ $got == *"/1.0.522.101/CPE.nbt"* && $got == *"/1.0.522.101/CPE.cat"* && $got != *3.5.6907.35* ]]'
post=$(since | jq -c 'select(.method == "POST")' | tail -n 1)
check "asked the provisioned URL (web.corp.test) as 1.0.199.123" \
	test "$(jq -r '[.host, .request.Version] | @tsv' <<<"$post")" = "$(printf 'web.corp.test\t1.0.199.123')"
check "the phone reboots into the update by itself" image_wait_exit 180
step "step 1 done in $((SECONDS - tb)) s"

step "boot 2: 1.0.522.101"
tb=$SECONDS
boot || bail "slot b boots"
check "RAUC wrote slot b: the installer succeeded" \
	guest_wait 'grep -q "bundle.version=1.0.522.101" /data/rauc/central.raucs' 60
check "slot b reports 1.0.522.101, on trial" \
	wait_js '.software.version == "1.0.522.101" and .software.booted_slot == "b"' 60
check "registers again (the identity is on the data partition) and is marked good" \
	wait_js '.software.trial == "confirmed"' 300
check "then takes 3.5.6907.35 and installs it" wait_installed 600
got=$(gets)
check "downloaded 3.5.6907.35's CPE.nbt and CPE.cat" \
	eval '[[ $got == *"/3.5.6907.35/CPE.nbt"* && $got == *"/3.5.6907.35/CPE.cat"* ]]'
post=$(since | jq -c 'select(.method == "POST")' | tail -n 1)
check "asked as 1.0.522.101" test "$(jq -r .request.Version <<<"$post")" = 1.0.522.101
check "the phone reboots into it" image_wait_exit 180
step "step 2 done in $((SECONDS - tb)) s"

step "boot 3: 3.5.6907.35"
tb=$SECONDS
boot || bail "slot a boots the final version"
check "RAUC wrote slot a: the installer succeeded" \
	guest_wait 'grep -q "bundle.version=3.5.6907.35" /data/rauc/central.raucs' 60
check "slot a reports 3.5.6907.35" \
	wait_js '.software.version == "3.5.6907.35" and .software.booted_slot == "a"' 60
check "registers and is marked good" wait_js '.software.trial == "confirmed"' 300
check "update status: up to date at 3.5.6907.35" eval 'wait_update up-to-date 180 &&
	[ "$(ujs .installed)" = "\"3.5.6907.35\"" ]'
guest 'ucphonectl update status' 20 | sed 's/^/# /'
guest 'ucphonectl status' 20 | grep -E '^(software|slot|next)' | sed 's/^/# /'
check "no failed update" test "$(ujs .failed_update)" = null
step "boot 3 done in $((SECONDS - tb)) s; total $((SECONDS - t0)) s"
echo "1..$n"
[ "$fails" -eq 0 ]
