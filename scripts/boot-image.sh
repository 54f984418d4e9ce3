#!/bin/bash
# Boots the phone's disk image (scripts/build-image.sh) in QEMU (TCG,
# x86_64) as the virtual dev board: the kernel and initramfs are the ones
# in the booted root slot's /boot (QEMU loads them directly, as a board's
# boot loader would), the disk is the only thing the guest gets.
#
#   scripts/boot-image.sh [--disk FILE] [--slot a|b] [--persist]
#                         [--net NETNS:BRIDGE] [--service DIR]
#                         [--interactive] [--timeout SEC] [--log FILE]
#                         [--append KERNEL-ARGS] [--drive FILE]
#
# --disk      the disk image (default: build it with scripts/build-image.sh)
# --persist   write to the disk image itself; by default the guest's writes
#             go to a throwaway overlay, so each boot is a factory-new phone
# --net       eth0 (virtio-net) plugged into BRIDGE inside network namespace
#             NETNS (the testbed's switch) through a tap living in NETNS
# --service   make DIR/svc.in and DIR/svc.out, the service console (hvc0):
#             write shell command lines to svc.in, read their output from
#             svc.out (tests/image/lib.sh does this); and DIR/screen.sock,
#             the screen console (hvc1, org.ucphone.screen): ucphone-ui's
#             text screen when the board has no display (scripts/phone.sh)
# --interactive  the serial console (kernel log and a root shell) on this
#             terminal; Ctrl-A x quits QEMU
# --append   more kernel command line (initcall_debug, a module option...)
# --drive    FILE as a second, read-only disk (/dev/vdb): a test hands the
#            guest update bundles this way
# The serial console is copied to --log (default: stdout only). Exit status:
# QEMU's (0 after the guest powers off), 124 on timeout.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${UCPHONE_CACHE:-$repo/.cache}/image

usage() { sed -n '7,10p' "$0" | sed 's/^# \{0,3\}//' >&2; exit 2; }
say() { echo "boot-image: $*" >&2; }
die() { say "error: $*"; exit 125; }

disk='' slot='' persist=0 net='' service='' interactive=0 timeout_s=0 log='' append='' extra=''
while [ $# -gt 0 ]; do
	case $1 in
	--disk) [ $# -ge 2 ] || usage; disk=$2; shift 2 ;;
	--slot) [ $# -ge 2 ] && [[ $2 == [ab] ]] || usage; slot=$2; shift 2 ;;
	--persist) persist=1; shift ;;
	--net) [ $# -ge 2 ] && [[ $2 == ?*:?* ]] || usage; net=$2; shift 2 ;;
	--service) [ $# -ge 2 ] || usage; service=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--timeout) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || usage; timeout_s=$2; shift 2 ;;
	--log) [ $# -ge 2 ] || usage; log=$2; shift 2 ;;
	--append) [ $# -ge 2 ] || usage; append=$2; shift 2 ;;
	--drive) [ $# -ge 2 ] && [ -f "$2" ] || usage; extra=$2; shift 2 ;;
	*) usage ;;
	esac
done
if [ "$interactive" = 1 ] && ! [ -t 0 ]; then
	say "warning: --interactive needs a terminal on stdin; running without"
	interactive=0
fi
if [ -z "$disk" ]; then
	eval "$("$repo/scripts/build-image.sh" --print-env)"
	disk=$DISK
fi
[ -f "$disk" ] || die "no disk image $disk"

# The slot's squashfs, cut out of the disk image by its GPT entry; its
# /boot holds the kernel and the initramfs. Without --slot they come from
# root-a (the board's boot files) and the initramfs's boot selector picks
# the root slot; --slot forces one, kernel and root.
read -r start size < <(sfdisk -J "$disk" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    if p.get("name") == sys.argv[1]:
        print(p["start"], p["size"])' "root-${slot:-a}") || die "no partition root-${slot:-a} in $disk"
mkdir -p "$cache/boot"
exec 7>"$cache/boot/.lock"
flock 7
# Known disk (same file, size and time, same slot): its boot files are cached.
seen=$cache/boot/seen-$(printf '%s %s %s' "$(realpath "$disk")" "$(stat -c '%s %Y' "$disk")" "${slot:-a}" |
	sha256sum | cut -c1-16)
if [ -L "$seen" ] && [ -f "$(readlink "$seen")/.done" ]; then
	boot=$(readlink "$seen")
else
	slot_img=$cache/boot/slot.sqfs
	dd if="$disk" of="$slot_img" bs=512 skip="$start" count="$size" status=none
	# The squashfs's own length (bytes_used, at byte 40 of its superblock).
	used=$(od -An -tu8 -j40 -N8 "$slot_img" | tr -d ' ')
	[[ $used =~ ^[0-9]+$ ]] && [ "$used" -gt 0 ] || die "root-${slot:-a} holds no squashfs"
	truncate -s "$used" "$slot_img"
	sum=$(sha256sum "$slot_img" | cut -c1-16)
	boot=$cache/boot/$sum
	if ! [ -f "$boot/.done" ]; then
		rm -rf "${cache:?}"/boot/*/ "$boot"
		mkdir -p "$boot"
		kernel=$(unsquashfs -l "$slot_img" 2>/dev/null | sed -n 's|^squashfs-root/boot/\(vmlinuz-.*\)|\1|p' | head -n1)
		initrd=$(unsquashfs -l "$slot_img" 2>/dev/null | sed -n 's|^squashfs-root/boot/\(initrd.img-.*\)|\1|p' | head -n1)
		[ -n "$kernel" ] && [ -n "$initrd" ] || die "root-${slot:-a} has no /boot/vmlinuz-* and initrd.img-*"
		unsquashfs -cat "$slot_img" "boot/$kernel" >"$boot/vmlinuz"
		unsquashfs -cat "$slot_img" "boot/$initrd" >"$boot/initrd.img"
		# QEMU boots the kernel's uncompressed ELF through its PVH entry, the
		# same kernel with ~5 s less of firmware and decompression under TCG.
		(
			set +o pipefail
			off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$boot/vmlinuz" | head -n1 | cut -d: -f1)
			[ -n "$off" ] || exit 1
			tail -c +$((off + 1)) "$boot/vmlinuz" | xz -dc --single-stream >"$boot/vmlinux" 2>/dev/null
			LC_ALL=C readelf -n "$boot/vmlinux" 2>/dev/null | grep -q '(0x00000012)'
		) || { say "no PVH entry in the kernel: booting the bzImage"; rm -f "$boot/vmlinux"; }
		touch "$boot/.done"
	fi
	rm -f "$slot_img"
	find "$cache/boot" -maxdepth 1 -name 'seen-*' -type l -delete
	ln -s "$boot" "$seen"
fi
exec 7>&-
kernel=$boot/vmlinuz
[ -f "$boot/vmlinux" ] && kernel=$boot/vmlinux

if [ "$persist" = 1 ]; then
	drive="file=$disk,format=raw,if=virtio,cache=writeback"
else
	drive="file=$disk,format=raw,if=virtio,cache=unsafe,snapshot=on"
fi

serial=(-serial stdio)
# shellcheck disable=SC2054 # QEMU's option values have commas
if [ "$interactive" = 1 ]; then
	serial=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con)
fi
qemu=(
	qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024
	-nodefaults -nographic -no-reboot -monitor none "${serial[@]}"
	-bios /usr/share/qemu/qboot.rom
	-kernel "$kernel" -initrd "$boot/initrd.img"
	-append "console=ttyS0 loglevel=5 ${slot:+ucphone_slot=$slot }panic=-1${append:+ $append}"
	-drive "$drive"
	-device virtio-serial-pci
)
[ -z "$extra" ] || qemu+=(-drive "file=$extra,format=raw,if=virtio,readonly=on")
if [ -n "$service" ]; then
	mkdir -p "$service"
	rm -f "$service/svc.in" "$service/svc.out"
	mkfifo "$service/svc.in" "$service/svc.out"
	qemu+=(-chardev "pipe,id=svc,path=$service/svc" -device virtconsole,chardev=svc
		-chardev "socket,id=scr,path=$service/screen.sock,server=on,wait=off"
		-device virtconsole,chardev=scr,name=org.ucphone.screen
		-pidfile "$service/qemu.pid")
fi

netns='' tap=''
cleanup() {
	[ -z "$tap" ] || ip -n "$netns" link del "$tap" 2>/dev/null || true
	[ "$interactive" = 0 ] || stty sane 2>/dev/null || true
}
trap cleanup EXIT
if [ -n "$net" ]; then
	netns=${net%%:*} bridge=${net#*:}
	ip netns pids "$netns" >/dev/null 2>&1 || die "--net: no network namespace $netns"
	id=$(printf '%s %s' "$$" "$(date +%s%N)" | md5sum)
	tap=ucim${id:0:6}
	ip -n "$netns" tuntap add dev "$tap" mode tap || die "--net: cannot add a tap in $netns"
	ip -n "$netns" link set "$tap" master "$bridge" up || die "--net: no bridge $bridge in $netns"
	qemu+=(-netdev "tap,id=lan,ifname=$tap,script=no,downscript=no"
		-device "virtio-net-pci,netdev=lan,mac=52:54:00:${id:6:2}:${id:8:2}:${id:10:2}")
	qemu=(ip netns exec "$netns" "${qemu[@]}")
fi

rc=0
if [ "$interactive" = 1 ]; then
	if [ -n "$log" ]; then
		timeout --foreground "$timeout_s" "${qemu[@]}" | tee "$log" || rc=$?
	else
		timeout --foreground "$timeout_s" "${qemu[@]}" || rc=$?
	fi
elif [ -n "$log" ]; then
	timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tee "$log" || rc=$?
else
	timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 || rc=$?
fi
[ "$rc" != 124 ] || say "timed out after $timeout_s s"
exit "$rc"
