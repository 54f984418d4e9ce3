#!/bin/bash
# Makes a RAUC update bundle (verity format) of the phone's root for a
# given software version: the root of the image scripts/build-image.sh
# builds, with /usr/lib/ucphone/version saying VERSION (what the booted
# slot then reports) and, optionally, files laid over it, signed with the
# vendor's update key (scripts/vendor-keys.sh) whose CA is the image's
# RAUC keyring. The bundle's compatible is the image's
# (/etc/rauc/system.conf).
#
#   scripts/make-update-bundle.sh [--root FILE] [--overlay DIR] [--fast]
#                                 VERSION OUT.raucb
#
# --root FILE    the root squashfs to start from (default: the image's,
#                built or reused by scripts/build-image.sh)
# --overlay DIR  copy DIR's tree over the root (a test's broken config...)
# --fast         zstd level 3 instead of the image's 19 (tests: the root
#                is made in seconds instead of minutes)
# Bundles are kept in ${UCPHONE_CACHE:-.cache}/bundles by what went in
# (root, version, overlay, signing certificate), so a second call is a copy.
# Prints the bundle's root sha256 and size (ROOT_SHA256= ROOT_SIZE= VERSION=
# SLOT_SHA256= lines).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${UCPHONE_CACHE:-$repo/.cache}

usage() { sed -n 10,11p "$0" | sed 's/^# \{0,3\}//' >&2; exit 2; }
die() { echo "make-update-bundle: error: $*" >&2; exit 1; }
overlay='' level=19 root=''
while [ $# -gt 0 ]; do
	case $1 in
	--overlay) [ $# -ge 2 ] && [ -d "$2" ] || usage; overlay=$(realpath "$2"); shift 2 ;;
	--fast) level=3; shift ;;
	--root) [ $# -ge 2 ] && [ -f "$2" ] || usage; root=$(realpath "$2"); shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
version=$1 out=$2
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version '$version' is not four numbers"

if [ -n "$root" ]; then
	ROOT=$root
	ROOT_SHA256=$(sha256sum <"$ROOT" | cut -c1-64)
else
	eval "$("$repo/scripts/build-image.sh" --print-env)"
fi
eval "$("$repo/scripts/vendor-keys.sh" --print-env)"
compatible=$(sed -n 's/^compatible=//p' "$repo/image/rootfs/etc/rauc/system.conf" | head -n1)
[ -n "$compatible" ] || die "no compatible= in image/rootfs/etc/rauc/system.conf"
slot_bytes=$(awk '/^SLOT_MIB=/ { sub(/^SLOT_MIB=/, "", $1); print $1 * 1048576 }' "$repo/scripts/build-image.sh")

key=$( (echo "$version $level $compatible"; echo "$ROOT_SHA256"; sha256sum "$0" "$VENDOR_CERT"
	[ -z "$overlay" ] || (cd "$overlay" && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 -r sha256sum; find . -print0 | LC_ALL=C sort -z | xargs -0 -r stat -c '%n %a')
	) | sha256sum | cut -c1-16)
mkdir -p "$cache/bundles"
exec 9>"$cache/bundles/.lock"
flock 9
kept=$cache/bundles/$key
if ! [ -f "$kept/bundle.raucb" ]; then
	work=$(mktemp -d "$cache/bundles/.work.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	echo "make-update-bundle: $version from root $ROOT_SHA256" >&2
	unsquashfs -q -n -d "$work/root" "$ROOT" >&2 || die "unsquashfs failed"
	[ -z "$overlay" ] || cp -a "$overlay/." "$work/root/"
	echo "$version" >"$work/root/usr/lib/ucphone/version"
	mkdir -p "$work/in"
	find "$work/root" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
	nice -n 10 mksquashfs "$work/root" "$work/in/rootfs.img" -noappend -quiet -no-progress \
		-comp zstd -Xcompression-level "$level" -all-root -no-xattrs -processors 2 >&2 ||
		die "mksquashfs failed"
	size=$(stat -c %s "$work/in/rootfs.img")
	[ "$size" -le "$slot_bytes" ] || die "the root ($size bytes) does not fit a slot ($slot_bytes)"
	# rauc bundle rewrites the manifest in place: written fresh each time.
	cat >"$work/in/manifest.raucm" <<EOF
[update]
compatible=$compatible
version=$version
description=ucphone $version

[bundle]
format=verity

[image.rootfs]
filename=rootfs.img
EOF
	rauc bundle --cert="$VENDOR_CERT" --key="$VENDOR_KEY" "$work/in" "$work/bundle.raucb" >&2 ||
		die "rauc bundle failed"
	rauc info --keyring="$VENDOR_CA" "$work/bundle.raucb" >/dev/null 2>&1 ||
		die "the bundle does not verify against the vendor keyring"
	# SLOT_SHA256: of the squashfs's own bytes (bytes_used, unpadded), what
	# a slot holding this root hashes to (tests compare slots with it).
	used=$(od -An -tu8 -j40 -N8 "$work/in/rootfs.img" | tr -d ' ')
	printf 'ROOT_SHA256=%s\nROOT_SIZE=%s\nVERSION=%s\nSLOT_SHA256=%s\n' \
		"$(sha256sum <"$work/in/rootfs.img" | cut -c1-64)" "$size" "$version" \
		"$(head -c "$used" "$work/in/rootfs.img" | sha256sum | cut -c1-64)" >"$work/manifest"
	rm -rf "$kept"
	mkdir -p "$kept"
	mv "$work/bundle.raucb" "$work/manifest" "$kept/"
fi
cp "$kept/bundle.raucb" "$out.tmp"
mv "$out.tmp" "$out"
cat "$kept/manifest"
