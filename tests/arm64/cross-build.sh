#!/bin/bash
# The phone's kernel modules cross-built for arm64 boards: Debian's arm64
# kernel headers (linux-headers-<abi>-arm64, the same ABI as the amd64
# headers installed here) unpacked into the cache with mmdebstrap from this
# machine's Debian apt sources (the host's dpkg is not touched: no foreign
# architecture is added), Debian's amd64 kbuild tools in place of the arm64
# ones (linux-kbuild-6.1 is Multi-Arch: foreign), gcc-aarch64-linux-gnu.
# Built in a scratch copy of the sources, so the amd64 build stays as it is.
# Checks every module is an AArch64 object for that kernel and the build
# printed no warning. Skipped, with the reason, when the headers cannot be
# fetched. TAP.
#   tests/arm64/cross-build.sh        modules end up in .cache/arm64/modules
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
cache=${UCPHONE_CACHE:-$repo/.cache}/arm64
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"

amd64=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed 's/^linux-headers-\([^ ,]*\).*/\1/')
kver=${amd64%-amd64}-arm64
kbuild=/usr/lib/linux-kbuild-$(echo "$kver" | cut -d. -f1-2 | cut -d- -f1)
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! [ -d "$kbuild" ]; then
	echo "ok 1 - # SKIP no gcc-aarch64-linux-gnu or $kbuild (run scripts/install-deps.sh)"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
headers=$cache/headers-$kver
if ! [ -f "$headers/.done" ]; then
	rm -rf "$cache"/headers-* "$cache/headers.tmp"
	mirrors=()
	while read -r site rel comp; do
		mirrors+=("deb $site $rel $comp")
	done < <(apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT)' \
		'Created-By: Packages' 'Architecture: amd64' | grep -i debian | sort -u)
	if ! nice -n 10 mmdebstrap --mode=root --variant=extract --architectures=arm64 --quiet \
		--include="linux-headers-$kver" "$(. /etc/os-release && echo "$VERSION_CODENAME")" "$cache/headers.tmp" "${mirrors[@]}" \
		>"$cache/fetch.log" 2>&1; then
		echo "ok 1 - # SKIP cannot fetch linux-headers-$kver:arm64 (see $cache/fetch.log)"
		exit 0
	fi
	# Keep the headers only; the arm64 kbuild binaries cannot run here:
	# the host's amd64 linux-kbuild of the same version stands in.
	mkdir -p "$headers/usr/src" "$headers/usr/lib"
	mv "$cache/headers.tmp/usr/src/linux-headers-$kver" \
		"$cache/headers.tmp/usr/src/linux-headers-${kver%-arm64}-common" "$headers/usr/src/"
	ln -s "$kbuild" "$headers/usr/lib/${kbuild##*/}"
	rm -rf "$cache/headers.tmp"
	touch "$headers/.done"
fi
check "Debian's arm64 headers for $kver, unpacked in the cache" \
	test -f "$headers/usr/src/linux-headers-$kver/Module.symvers"

src=$cache/src
out=$cache/modules
rm -rf "$src" "$out"
mkdir -p "$src" "$out"
git ls-files -z Kbuild kernel include | cpio -0 -pdm --quiet "$src"
if nice -n 10 make -s -C "$headers/usr/src/linux-headers-$kver" ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- M="$src" -j2 modules >"$cache/build.log" 2>&1; then
	ok "the modules cross-build for arm64 with gcc-aarch64-linux-gnu"
else
	not_ok "the modules cross-build for arm64 with gcc-aarch64-linux-gnu"
	sed 's/^/# /' "$cache/build.log" | tail -n 30
fi
check "no compiler warning" eval '! grep -E "warning:|error:" "$cache/build.log"'
count=0
while IFS= read -r ko; do
	count=$((count + 1))
	cp "$ko" "$out/"
	m=${ko##*/}
	check "$m: AArch64, vermagic $kver" eval \
		'LC_ALL=C readelf -h "$ko" | grep -q "Machine: *AArch64" &&
		[ "$(modinfo -F vermagic "$ko" | cut -d" " -f1)" = "$kver" ]'
done < <(find "$src/kernel" -name '*.ko' | sort)
check "all six modules built ($count)" test "$count" -eq 6
echo "1..$n"
[ "$fails" -eq 0 ]
