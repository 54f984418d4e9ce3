#!/bin/bash
# Device-tree sources: every overlay under dts/overlays compiles with
# `dtc -@` without a single warning, every binding under dts/bindings is
# well-formed YAML naming its compatible, and every compatible an overlay
# uses is one a ucphone driver matches. Prints TAP.
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
echo "1..$((${#overlays[@]} * 2 + ${#bindings[@]}))"

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
exit $((failed > 0))
