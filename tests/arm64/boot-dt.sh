#!/bin/bash
# The phone's arm64 device-tree board: qemu-system-aarch64 `virt` (TCG,
# cortex-a53) boots Debian's arm64 kernel (linux-image-<abi>-arm64, the
# ABI of this machine's amd64 headers, unpacked into the cache from this
# machine's Debian apt sources) with QEMU's own device tree completed by
# dts/overlays/ucphone-virt-arm64-overlay.dts (fdtoverlay), and a small
# initramfs holding the cross-built ucphone modules
# (tests/arm64/cross-build.sh), gpio-sim cross-built from linux-source
# (Debian's kernel lacks it) and the Debian modules they need. The
# initramfs loads drivers only by the modalias of the devices the tree
# describes, as udev would; checked: ucphone-keypad and ucphone-reset
# bound to their DT nodes, ucphone-srtp loaded for its node, the reset
# button's press (a gpio-sim line pulled) reported by the reset driver. Bounded: the guest has 110 s. Skipped, with the reason,
# when the arm64 kernel cannot be fetched or a tool is missing. TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
cache=${UCPHONE_CACHE:-$repo/.cache}/arm64-boot
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
skip() { echo "ok 1 - # SKIP $1"; echo "1..1"; exit 0; }
echo "TAP version 13"

for tool in qemu-system-aarch64 dtc fdtoverlay aarch64-linux-gnu-gcc mmdebstrap depmod; do
	command -v "$tool" >/dev/null || skip "no $tool (run scripts/install-deps.sh)"
done
amd64=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed 's/^linux-headers-\([^ ,]*\).*/\1/')
[ -n "$amd64" ] || skip "no linux-headers-amd64 to take the kernel ABI from"
kver=${amd64%-amd64}-arm64

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
# Debian's arm64 kernel and static busybox, unpacked (the host's dpkg is
# not touched: no foreign architecture is added).
kdir=$cache/kernel-$kver
if ! [ -f "$kdir/.done" ]; then
	rm -rf "$cache"/kernel-* "$cache/root.tmp"
	mirrors=()
	while read -r site rel comp; do
		mirrors+=("deb $site $rel $comp")
	done < <(apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT)' \
		'Created-By: Packages' 'Architecture: amd64' | grep -i debian | sort -u)
	if ! nice -n 10 mmdebstrap --mode=root --variant=extract --architectures=arm64 --quiet \
		--include="linux-image-$kver,busybox-static" \
		"$(. /etc/os-release && echo "$VERSION_CODENAME")" "$cache/root.tmp" "${mirrors[@]}" \
		>"$cache/fetch.log" 2>&1; then
		skip "cannot fetch linux-image-$kver:arm64 (see $cache/fetch.log)"
	fi
	mkdir -p "$kdir/lib"
	mv "$cache/root.tmp/boot/vmlinuz-$kver" "$kdir/vmlinuz"
	mv "$cache/root.tmp/lib/modules" "$kdir/lib/"
	mv "$cache/root.tmp/bin/busybox" "$kdir/busybox"
	rm -rf "$cache/root.tmp"
	touch "$kdir/.done"
fi
check "Debian's arm64 kernel $kver and busybox, unpacked in the cache" \
	test -f "$kdir/vmlinuz" -a -f "$kdir/busybox"

# The ucphone modules for arm64, and gpio-sim.
if ! tests/arm64/cross-build.sh >"$cache/cross-build.log" 2>&1; then
	grep -q SKIP "$cache/cross-build.log" &&
		skip "the modules do not cross-build here: $(grep SKIP "$cache/cross-build.log" | head -n1)"
	sed 's/^/# /' "$cache/cross-build.log" | grep -v '^# ok' | tail -n 20
	not_ok "the ucphone modules cross-build for arm64"
	echo "1..$n"
	exit 1
fi
mods=${UCPHONE_CACHE:-$repo/.cache}/arm64/modules
headers=${UCPHONE_CACHE:-$repo/.cache}/arm64/headers-$kver/usr/src/linux-headers-$kver
src=$(scripts/extract-linux-source.sh --print-dir)
sim=$cache/gpio-sim
rm -rf "$sim"
mkdir -p "$sim"
cp "$src/drivers/gpio/gpio-sim.c" "$sim/gpio-sim-main.c"
cp "$src/drivers/gpio/gpiolib.h" "$sim/gpiolib.h"
# As tests/kmod/gpio-sim/build.sh: irq_sim.c reaches no unexported symbol.
sed 's/handle_simple_irq(irq_to_desc(irqnum))/generic_handle_irq(irqnum)/' \
	"$src/kernel/irq/irq_sim.c" >"$sim/irq_sim.c"
printf 'obj-m += gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' >"$sim/Kbuild"
check "gpio-sim cross-builds for arm64" eval 'nice -n 10 make -s -C "$headers" ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- M="$sim" -j2 modules >"$cache/gpio-sim.log" 2>&1'

# The initramfs: busybox, the modules the tree's devices need with
# depmod's indexes (modprobe resolves each modalias), /init.
w=$cache/run
rm -rf "$w"
mkdir -p "$w/tree/lib/modules/$kver/extra" "$w/ird"/{bin,dev,proc,sys,lib/modules/"$kver"}
ln -s "$kdir/lib/modules/$kver/kernel" "$w/tree/lib/modules/$kver/kernel"
cp "$kdir/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$w/tree/lib/modules/$kver/"
cp "$mods"/*.ko "$sim/gpio-sim.ko" "$w/tree/lib/modules/$kver/extra/"
depmod -b "$w/tree" "$kver"
want="ucphone-keypad ucphone-reset ucphone-srtp gpio-sim"
# shellcheck disable=SC2086 # module names are words
list=$(modprobe -d "$w/tree" -S "$kver" --show-depends -a $want |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }') || list=''
for ko in $list; do
	rel=${ko#"$w/tree/lib/modules/$kver/"}
	rel=${rel#"$kdir/lib/modules/$kver/"}
	mkdir -p "$w/ird/lib/modules/$kver/$(dirname "$rel")"
	cp "$ko" "$w/ird/lib/modules/$kver/$rel"
done
cp "$kdir/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$w/ird/lib/modules/$kver/"
depmod -b "$w/ird" "$kver"
cp "$kdir/busybox" "$w/ird/bin/busybox"
for applet in sh mount cat ls grep modprobe sleep poweroff echo find readlink basename dmesg head; do
	ln -s busybox "$w/ird/bin/$applet"
done
cat >"$w/ird/init" <<'INIT'
#!/bin/sh
# The arm64 board's first process: drivers by modalias only, then report.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "arm64-dt: $*"; }
say "kernel $(cat /proc/sys/kernel/osrelease) up $(cut -d' ' -f1 /proc/uptime) s"
# Twice: gpio-sim's lines must exist before the keypad's probe can finish
# (a deferred probe is retried when gpio-sim binds).
for pass in 1 2; do
	find /sys/devices -name modalias -type f | while read -r f; do
		a=$(cat "$f") && [ -n "$a" ] && modprobe -q "$a" 2>/dev/null
	done
	sleep 1
done
for d in ucphone-keypad ucphone-reset; do
	for l in /sys/bus/platform/drivers/$d/*; do
		[ -L "$l" ] && [ -e "$l/of_node" ] &&
			say "bound $d $(basename "$l") of_node $(basename "$(readlink "$l/of_node")")"
	done
done
grep -q '^ucphone_srtp ' /proc/modules && say "loaded ucphone_srtp"
# The reset button: gpio-sim line 25 pulled up (pressed), then released;
# the reset driver reports the press (a soft reset asked for).
line=$(ls -d /sys/devices/platform/gpio-sim/gpiochip*/sim_gpio25 2>/dev/null | head -n1)
if [ -n "$line" ]; then
	echo 0 >/sys/module/ucphone_reset/parameters/fallback_restart_ms 2>/dev/null
	echo pull-up >"$line/pull"
	sleep 0.5
	echo pull-down >"$line/pull"
	sleep 0.5
	dmesg | grep -q 'soft reset asked for' && say "reset press reached ucphone-reset"
fi
say "done"
poweroff -f
INIT
chmod 755 "$w/ird/init"
(cd "$w/ird" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$w/initrd.gz"

# QEMU's tree for this machine, completed by the phone's fragment.
qemu=(qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 1 -m 512 -nographic -nodefaults
	-serial stdio -monitor none -no-reboot)
"${qemu[@]}" -machine dumpdtb="$w/virt.dtb" >/dev/null 2>&1
dtc -@ -q -I dts -O dtb -o "$w/ucphone.dtbo" dts/overlays/ucphone-virt-arm64-overlay.dts
check "the phone's fragment applies to QEMU's virt tree (fdtoverlay)" \
	fdtoverlay -i "$w/virt.dtb" -o "$w/board.dtb" "$w/ucphone.dtbo"
check "the initramfs holds the drivers the tree needs ($(echo "$list" | wc -w) modules)" \
	eval 'ls "$w/ird/lib/modules/$kver/extra/" | grep -q ucphone-keypad.ko'

t0=$SECONDS
timeout -k 5 110 nice -n 5 "${qemu[@]}" -kernel "$kdir/vmlinuz" -initrd "$w/initrd.gz" \
	-dtb "$w/board.dtb" -append "console=ttyAMA0 panic=-1 loglevel=4" </dev/null \
	>"$w/console.log" 2>&1
echo "# guest ran $((SECONDS - t0)) s under TCG"
grep -a 'arm64-dt:' "$w/console.log" | tr -d '\r' | sed 's/^/# /'
con() { grep -aq "arm64-dt: $1" "$w/console.log"; }
check "Debian's arm64 kernel boots on virt under TCG" con "kernel $kver"
check "ucphone-keypad binds to the tree's keypad node" con "bound ucphone-keypad .* of_node keypad"
check "ucphone-reset binds to the tree's reset-button node" con "bound ucphone-reset .* of_node reset-button"
check "ucphone-srtp loads for the tree's srtp node" con "loaded ucphone_srtp"
check "a reset press (gpio-sim line 25) reaches ucphone-reset" con "reset press reached"
check "the guest finished" con done
if [ "$fails" -gt 0 ]; then
	grep -aiE 'ucphone|gpio|error|fail|warn' "$w/console.log" | tr -d '\r' | tail -n 20 | sed 's/^/# console: /'
fi
echo "1..$n"
[ "$fails" -eq 0 ]
