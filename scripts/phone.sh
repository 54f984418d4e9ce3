#!/bin/bash
# Sets up a fresh Debian 12 machine, builds ucphone and boots the phone:
# Debian's kernel in QEMU with the ucphone modules installed as on a board
# (/lib/modules/<ver>/extra, loaded with modprobe), ucphoned started, and
# `ucphonectl info` shown. From a terminal you then get a shell on the
# phone (`ucphonectl info`, `ucphonectl events`); `exit` powers it off.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

scripts/install-deps.sh
scripts/extract-linux-source.sh >/dev/null
make -s modules userspace

modules=()
while IFS= read -r ko; do
	modules+=(--module "$ko")
done < <(find kernel -name '*.ko' | sort)

interactive=()
[ -t 0 ] && [ -t 1 ] && interactive=(--interactive)
exec tests/vm/run.sh "${modules[@]}" "${interactive[@]}" -- scripts/phone-boot.sh build
