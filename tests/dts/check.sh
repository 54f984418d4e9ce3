#!/bin/bash
# Device-tree sources: every overlay under dts/overlays compiles with
# `dtc -@` without a single warning, every binding under dts/bindings is
# well-formed YAML naming its compatible, and every compatible an overlay
# uses is one a ucphone driver matches. Panels: each panel-mipi-dbi node's
# firmware (its first compatible, dts/panels/NAME.txt) compiles with
# scripts/mipi-dbi-fw.py, and panel-mipi-dbi with its helpers builds out of
# tree for the host's Debian kernel (scripts/build-panel-mipi-dbi.sh; skipped
# without kernel headers). Prints TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

mapfile -t overlays < <(ls dts/overlays/*.dts 2>/dev/null)
mapfile -t bindings < <(ls dts/bindings/*/*.yaml 2>/dev/null)
echo "TAP version 13"
mapfile -t panels < <(grep -ho 'compatible = "[^"]*", "panel-mipi-dbi-spi"' dts/overlays/*.dts |
	cut -d'"' -f2 | sort -u)
echo "1..$((${#overlays[@]} * 2 + ${#bindings[@]} + ${#panels[@]} + 2))"

for dts in "${overlays[@]}"; do
	name=$(basename "$dts" .dts)
	if dtc -@ -I dts -O dtb -o "$out/$name.dtbo" "$dts" 2>"$out/$name.err" &&
		! [ -s "$out/$name.err" ]; then
		ok "dtc compiles $dts with no warning"
	else
		sed 's/^/# /' "$out/$name.err"
		not_ok "dtc compiles $dts with no warning"
	fi
	missing=
	for compat in $(grep -o 'compatible = "ucphone,[^"]*"' "$dts" | cut -d'"' -f2); do
		grep -rqF "\"$compat\"" kernel/ || missing="$missing $compat"
	done
	if [ -z "$missing" ]; then
		ok "$dts: every ucphone compatible has a driver"
	else
		echo "# no driver matches:$missing"
		not_ok "$dts: every ucphone compatible has a driver"
	fi
done

for yaml in "${bindings[@]}"; do
	if python3 - "$yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
compat = doc["properties"]["compatible"]["const"]
assert doc["$id"].endswith("/" + compat + ".yaml#"), "$id does not match"
for key in ("title", "description", "required", "examples"):
    assert key in doc, key + " missing"
PY
	then
		ok "$yaml is a well-formed binding"
	else
		not_ok "$yaml is a well-formed binding"
	fi
done
for panel in "${panels[@]}"; do
	if [ -f "dts/panels/$panel.txt" ] &&
		python3 scripts/mipi-dbi-fw.py "dts/panels/$panel.txt" "$out/$panel.bin" &&
		[ "$(head -c 8 "$out/$panel.bin")" = "MIPI DBI" ]; then
		ok "panel $panel: dts/panels/$panel.txt compiles to its firmware ($(stat -c %s "$out/$panel.bin") bytes)"
	else
		not_ok "panel $panel: dts/panels/$panel.txt compiles to its firmware"
	fi
done

kdir=/lib/modules/$(ls -1 /lib/modules 2>/dev/null | sort -V | tail -n1)/build
if ! [ -f "$kdir/.config" ]; then
	ok "panel-mipi-dbi builds out of tree # SKIP no kernel headers"
elif mods=$(scripts/build-panel-mipi-dbi.sh 2>"$out/panel.err") &&
	modinfo -F alias $(grep panel-mipi-dbi.ko <<<"$mods") | grep -qx 'of:N\*T\*Cpanel-mipi-dbi-spi'; then
	ok "panel-mipi-dbi builds out of tree: $(echo "$mods" | xargs -n1 basename | xargs)"
else
	sed 's/^/# /' "$out/panel.err" | tail -20
	not_ok "panel-mipi-dbi builds out of tree"
fi
# the Pi's kernel: Debian's arm64 headers (tests/arm64/cross-build.sh unpacks them)
arm64=$(ls -d "${UCPHONE_CACHE:-$repo/.cache}"/arm64/headers-*/usr/src/linux-headers-*-arm64 \
	2>/dev/null | head -n1)
if [ -z "$arm64" ] || ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	ok "panel-mipi-dbi builds for Debian's arm64 kernel # SKIP no arm64 headers or cross compiler"
elif mods=$(KDIR=$arm64 ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	scripts/build-panel-mipi-dbi.sh 2>"$out/panel-arm64.err") &&
	modinfo -F vermagic $(grep panel-mipi-dbi.ko <<<"$mods") | grep -q aarch64; then
	ok "panel-mipi-dbi builds for Debian's arm64 kernel: $(echo "$mods" | xargs -n1 basename | xargs)"
else
	sed 's/^/# /' "$out/panel-arm64.err" | tail -20
	not_ok "panel-mipi-dbi builds for Debian's arm64 kernel"
fi
exit $((failed > 0))
