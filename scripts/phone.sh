#!/bin/bash
# Sets up a fresh Debian 12 machine, builds ucphone and runs the phone:
# the local testbed (real DHCP/DNS, NTP, Active Directory, web and SIP
# servers in network namespaces) comes up, then the phone boots in QEMU on
# Debian's kernel with the ucphone modules installed as on a board
# (/lib/modules/<ver>/extra, loaded with modprobe), its eth0 plugged into
# the testbed's switch. ucphoned brings the network up with zero touch
# (DHCP, DNS SRV discovery, NTP), signs in as the bed's alice (root CA from
# AD, TLS, REGISTER, provisioning) and `ucphonectl info` / `status` show
# what it learned. From a terminal you then get a shell on the phone; `exit`
# powers it off and the testbed is stopped.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

scripts/install-deps.sh
scripts/extract-linux-source.sh >/dev/null
make -s modules userspace

# A bed of its own, so the phone can run beside a test run.
export UCPHONE_TB_PREFIX=${UCPHONE_TB_PREFIX:-ph}
export UCPHONE_TESTBED_RUN=${UCPHONE_TESTBED_RUN:-$repo/tests/testbed/run-$UCPHONE_TB_PREFIX}
trap 'tests/testbed/down.sh >/dev/null 2>&1 || true' EXIT
tests/testbed/up.sh
# shellcheck source=/dev/null
. "$UCPHONE_TESTBED_RUN/env"

modules=()
while IFS= read -r ko; do
	modules+=(--module "$ko")
done < <(find kernel -name '*.ko' | sort)

interactive=()
[ -t 0 ] && [ -t 1 ] && interactive=(--interactive)
tests/vm/run.sh "${modules[@]}" "${interactive[@]}" --net "$TB_NS_SW:br0" \
	-- scripts/phone-boot.sh build "$TB_USER_ADDRESS" "$TB_USER_DOMAIN_USER" \
	"$TB_USER_PASS_FILE"
