#!/bin/bash
# Builds upstream gpio-sim (with the interrupt simulator it needs) out of
# tree from linux-source-6.1, for the test VM: Debian's kernel lacks
# CONFIG_GPIO_SIM. The sources stay in the cache, never in the repo.
#
#   tests/kmod/gpio-sim/build.sh     prints the path of gpio-sim.ko
#
# One change to upstream: irq_sim.c calls irq_to_desc(), which modules
# cannot reach; generic_handle_irq() does the same for this caller.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
src=$("$repo/scripts/extract-linux-source.sh" --print-dir)
kdir=${KDIR:-/lib/modules/$(ls -1 /lib/modules | sort -V | tail -n1)/build}
out=${UCPHONE_CACHE:-$repo/.cache}/gpio-sim

mkdir -p "$out"
# The kernel tests and the image build (which may run beside them) both ask.
exec 8>"$out/.lock"
flock 8
if [ -f "$out/gpio-sim.ko" ] && [ "$out/gpio-sim.ko" -nt "$src/drivers/gpio/gpio-sim.c" ] &&
	[ "$out/gpio-sim.ko" -nt "$0" ]; then
	echo "$out/gpio-sim.ko"
	exit 0
fi
cp "$src/drivers/gpio/gpio-sim.c" "$out/gpio-sim-main.c"
cp "$src/drivers/gpio/gpiolib.h" "$out/gpiolib.h"
sed 's/handle_simple_irq(irq_to_desc(irqnum))/generic_handle_irq(irqnum)/' \
	"$src/kernel/irq/irq_sim.c" >"$out/irq_sim.c"
grep -q 'generic_handle_irq(irqnum)' "$out/irq_sim.c" ||
	{ echo "gpio-sim: irq_sim.c fix did not apply" >&2; exit 1; }
printf 'obj-m += gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' >"$out/Kbuild"
make -s -C "$kdir" M="$out" modules >&2
echo "$out/gpio-sim.ko"
