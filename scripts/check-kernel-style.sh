#!/bin/bash
# Kernel code must be clean under checkpatch --strict (from linux-source)
# and sparse (make C=1, via Kbuild). Prints TAP; exits non-zero on a finding.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
src=$("$repo/scripts/extract-linux-source.sh" --print-dir)
kdir=${KDIR:-/lib/modules/$(ls -1 /lib/modules | sort -V | tail -n1)/build}

mapfile -t files < <(cd "$repo" && git ls-files -co --exclude-standard \
	'kernel/*.c' 'kernel/*.h' 'include/uapi/*.h' 'tests/kmod/*.c' | sort -u)

echo "TAP version 13"
echo "1..2"
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# --no-tree: checkpatch runs outside a kernel tree; its data files sit beside it.
if (cd "$repo" && perl "$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
	--terse --show-types --ignore FILE_PATH_CHANGES \
	-f "${files[@]}") >"$out" 2>&1; then
	echo "ok 1 - checkpatch --strict: ${#files[@]} files clean"
else
	sed 's/^/# /' "$out"
	echo "not ok 1 - checkpatch --strict"
	fail=1
fi

# Sparse needs a full rebuild of the objects it checks (C=2 checks all).
if make -s -C "$kdir" M="$repo" C=2 CF="-D__CHECK_ENDIAN__" modules >"$out" 2>&1 &&
	make -s -C "$kdir" M="$repo/tests/kmod" C=2 CF="-D__CHECK_ENDIAN__" \
		KBUILD_EXTRA_SYMBOLS="$repo/Module.symvers" modules >>"$out" 2>&1 &&
	! grep -E 'warning:|error:' "$out" >/dev/null; then
	echo "ok 2 - sparse (make C=2) clean"
else
	sed 's/^/# /' "$out"
	echo "not ok 2 - sparse (make C=2)"
	fail=1
fi
exit $fail
