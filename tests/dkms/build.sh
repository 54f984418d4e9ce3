#!/bin/bash
# dkms.conf works: `dkms add` + `dkms build` of the repo's kernel modules
# against Debian's kernel headers (linux-headers-amd64's version, or the
# one given), in a scratch DKMS and source tree (the host's /var/lib/dkms
# and /usr/src stay untouched). Checks that every module of dkms.conf was
# built, for that kernel, without a compiler warning. TAP.
#   tests/dkms/build.sh [KERNEL-VERSION]
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"

kver=${1:-}
if [ -z "$kver" ]; then
	kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed 's/^linux-headers-\([^ ,]*\).*/\1/')
fi
[ -n "$kver" ] && [ -d "/usr/src/linux-headers-$kver" ] || {
	echo "not ok 1 - no kernel headers for '$kver' (install linux-headers-amd64)"
	exit 1
}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src/ucphone-$version
mkdir -p "$src" "$tmp/tree"
# The module sources as committed (no build products of this checkout).
git ls-files -z dkms.conf Kbuild kernel include | cpio -0 -pdm --quiet "$src"
dkms=(--sourcetree "$tmp/src" --dkmstree "$tmp/tree" -m ucphone -v "$version")

check "dkms add takes the tree (dkms.conf parses)" \
	eval 'dkms add "${dkms[@]}" >"$tmp/add.log" 2>&1'
log=$tmp/tree/ucphone/$version/$kver/$(uname -m)/log/make.log
start=$SECONDS
if nice -n 10 dkms build "${dkms[@]}" -k "$kver" >"$tmp/build.log" 2>&1; then
	ok "dkms build against the $kver headers ($((SECONDS - start)) s)"
else
	not_ok "dkms build against the $kver headers"
	sed 's/^/# /' "$tmp/build.log" | tail -n 30
	tail -n 30 "$log" 2>/dev/null | sed 's/^/# make: /'
fi
built=$tmp/tree/ucphone/$version/$kver/$(uname -m)/module
for m in $(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' dkms.conf); do
	f=$(ls "$built/$m.ko"* 2>/dev/null | head -n1)
	check "$m.ko built for $kver" eval '[ -n "$f" ] && [ "$(modinfo -F vermagic "$f" | cut -d" " -f1)" = "$kver" ]'
done
check "no compiler warning in the build log" \
	eval '[ -f "$log" ] && ! grep -E "warning:|error:" "$log"'
echo "1..$n"
[ "$fails" -eq 0 ]
