#!/bin/bash
# Extract from Debian's linux-source-6.1 tarball only the upstream files
# ucphone builds against: the kselftest headers and runner, the ALSA mixer
# test, checkpatch and its data files, gpio-sim's sources, and the SPI panel
# driver boards build out of tree (scripts/build-panel-mipi-dbi.sh). They
# live in the cache, never in the repo.
#
#   scripts/extract-linux-source.sh              extract (idempotent, stamped)
#   scripts/extract-linux-source.sh --print-dir  extract, then print the root
#                                                (it holds tools/, scripts/...)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${UCPHONE_CACHE:-$repo/.cache}
dest=$cache/linux-source
tarball=/usr/src/linux-source-6.1.tar.xz

members=(
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest_module.h
	'tools/testing/selftests/kselftest/*'
	'tools/testing/selftests/alsa/*'
	tools/testing/selftests/lib.mk # included by alsa/Makefile
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	drivers/gpio/gpio-sim.c
	drivers/gpio/gpiolib.h
	kernel/irq/irq_sim.c
	drivers/gpu/drm/tiny/panel-mipi-dbi.c
	drivers/gpu/drm/drm_mipi_dbi.c
	drivers/gpu/drm/drm_gem_dma_helper.c
	drivers/gpu/drm/drm_fb_dma_helper.c
)

print_dir=0
case "${1:-}" in
'') ;;
--print-dir) print_dir=1 ;;
*) echo "usage: $0 [--print-dir]" >&2; exit 2 ;;
esac

die() { echo "extract-linux-source: error: $*" >&2; exit 1; }

[ -f "$tarball" ] || die "$tarball is missing (run scripts/install-deps.sh)"

# Re-extract when the tarball (a new linux-source-6.1) or this list changes.
stamp="$(stat -c '%s %Y' "$tarball") $(printf '%s\n' "${members[@]}" | sha256sum)"

mkdir -p "$cache"
exec 9>"$cache/.linux-source.lock"
flock 9

if [ "$(cat "$dest/.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "extract-linux-source: extracting from $tarball" >&2
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	# One pass over the ~130 MB xz (~8 s); the tarball's top folder is dropped.
	tar -xJf "$tarball" -C "$dest.tmp" --strip-components=1 --wildcards \
		"${members[@]/#/linux-source-6.1/}"
	for m in "${members[@]}"; do
		compgen -G "$dest.tmp/$m" >/dev/null || die "$m is not in $tarball"
	done
	echo "$stamp" >"$dest.tmp/.stamp"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
fi

[ "$print_dir" = 0 ] || echo "$dest"
