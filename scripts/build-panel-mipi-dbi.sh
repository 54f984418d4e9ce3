#!/bin/bash
# Builds the small SPI display driver a board's screen needs, out of tree
# from linux-source-6.1: Debian's 6.1 kernels (amd64 and arm64) set neither
# CONFIG_DRM_PANEL_MIPI_DBI nor CONFIG_DRM_MIPI_DBI. panel-mipi-dbi drives
# any MIPI DBI panel (ILI9341, ST7789V, ...) from a device-tree node and a
# firmware file of init commands (dts/panels/); drm_mipi_dbi is its helper.
# When the kernel also lacks CONFIG_DRM_GEM_DMA_HELPER (Debian's amd64
# does; arm64 has it), drm_dma_helper is built too. Sources stay in the
# cache, never in the repo; upstream's code is built unchanged.
#
#   scripts/build-panel-mipi-dbi.sh    prints the paths of the .ko files
#
# KDIR (default: the newest /lib/modules/*/build) picks the kernel; ARCH
# and CROSS_COMPILE pass through to kbuild for a board's kernel.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
src=$("$repo/scripts/extract-linux-source.sh" --print-dir)
kdir=${KDIR:-/lib/modules/$(ls -1 /lib/modules | sort -V | tail -n1)/build}
release=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || echo unknown)
out=${UCPHONE_CACHE:-$repo/.cache}/panel-mipi-dbi/${ARCH:-$(uname -m)}-$release-$(printf %s "$kdir" | md5sum | cut -c1-8)

[ -f "$kdir/.config" ] || { echo "build-panel-mipi-dbi: no kernel config in $kdir" >&2; exit 1; }
mkdir -p "$out"
if [ -f "$out/panel-mipi-dbi.ko" ] && [ "$out/panel-mipi-dbi.ko" -nt "$0" ] &&
	[ "$out/panel-mipi-dbi.ko" -nt "$src/drivers/gpu/drm/drm_mipi_dbi.c" ] &&
	[ "$out/panel-mipi-dbi.ko" -nt "$kdir/.config" ]; then
	for m in "$out"/*.ko; do echo "$m"; done
	exit 0
fi
cp "$src/drivers/gpu/drm/tiny/panel-mipi-dbi.c" "$src/drivers/gpu/drm/drm_mipi_dbi.c" "$out/"
kbuild='obj-m += drm_mipi_dbi.o panel-mipi-dbi.o\n'
mods=(drm_mipi_dbi panel-mipi-dbi)
if ! grep -q '^CONFIG_DRM_GEM_DMA_HELPER=[ym]' "$kdir/.config"; then
	cp "$src/drivers/gpu/drm/drm_gem_dma_helper.c" "$src/drivers/gpu/drm/drm_fb_dma_helper.c" "$out/"
	kbuild+='obj-m += drm_dma_helper.o\ndrm_dma_helper-y := drm_gem_dma_helper.o drm_fb_dma_helper.o\n'
	mods=(drm_dma_helper "${mods[@]}")
fi
# shellcheck disable=SC2059 # the format is ours
printf "$kbuild" >"$out/Kbuild"
make -s -C "$kdir" M="$out" modules >&2
for m in "${mods[@]}"; do
	echo "$out/$m.ko"
done
