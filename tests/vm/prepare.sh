#!/bin/bash
# Fetch and lay out what the test VM boots: Debian's kernel image matching the
# installed linux-headers-amd64 (so modules built against the headers load),
# its modules with depmod data, a static busybox, and an initramfs holding
# busybox, the modules needed to mount the host's root over 9p and an overlay,
# and /init (tests/vm/init.sh).
#
# Idempotent: everything is cached under ${UCPHONE_CACHE:-<repo>/.cache}/vm and
# stamped, so a second call only hashes init.sh and returns.
#
#   tests/vm/prepare.sh              prepare, report progress on stderr
#   tests/vm/prepare.sh --print-env  prepare, then print KVER= VMLINUZ= VMLINUX=
#                                    INITRD= MODDIR= lines on stdout (for eval)
#
# UCPHONE_KVER=<version> picks another kernel than linux-headers-amd64's.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
vm=${UCPHONE_CACHE:-$repo/.cache}/vm

print_env=0
case "${1:-}" in
'') ;;
--print-env) print_env=1 ;;
*) echo "usage: $0 [--print-env]" >&2; exit 2 ;;
esac

log() { echo "prepare: $*" >&2; }
die() { echo "prepare: error: $*" >&2; exit 1; }

# The kernel version is the one the headers package builds modules for.
kver_of_headers() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		die "linux-headers-amd64 is not installed (run scripts/install-deps.sh)"
	dep=${dep%% *}
	dep=${dep#linux-headers-}
	[ -n "$dep" ] || die "cannot read the kernel version from linux-headers-amd64"
	echo "$dep"
}

# Download into the current directory the first of the packages "$@" that apt
# knows; update the lists once if it knows none (a fresh machine may never have
# run apt-get update).
apt_fetch() {
	local p try
	for try in 1 2; do
		for p in "$@"; do
			if apt-cache show "$p" >/dev/null 2>&1; then
				apt-get download -q -o APT::Sandbox::User=root "$p" >&2
				return
			fi
		done
		[ "$try" = 2 ] || apt-get update -q >&2 || return 1
	done
	return 1
}

# Unpack the xz-compressed vmlinux inside bzImage $1 into $2; fail unless it
# has a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, 0x12). A subshell without
# pipefail: tail and readelf may die of SIGPIPE once xz or grep has enough.
pvh_from_bzimage() (
	set +o pipefail
	off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$1" | head -n1 | cut -d: -f1)
	[ -n "$off" ] || exit 1
	tail -c +$((off + 1)) "$1" | xz -dc --single-stream >"$2" 2>/dev/null || exit 1
	LC_ALL=C readelf -n "$2" 2>/dev/null | grep -q '(0x00000012)'
)

KVER=${UCPHONE_KVER:-$(kver_of_headers)}
kdir=$vm/kernel-$KVER
VMLINUZ=$kdir/boot/vmlinuz-$KVER
VMLINUX=$kdir/boot/vmlinux-$KVER
MODDIR=$kdir/lib/modules/$KVER
BUSYBOX=$vm/busybox
INITRD=$vm/initramfs-$KVER.cpio.gz

mkdir -p "$vm"
# Several test runs may start at once (CI, parallel engineers): one builder.
exec 9>"$vm/.lock"
flock 9

if [ ! -e "$kdir/.done" ]; then
	log "fetching the kernel image for $KVER"
	rm -rf "$kdir" "$kdir.tmp" "$vm/debs"
	mkdir -p "$vm/debs" "$kdir.tmp"
	(cd "$vm/debs" &&
		apt_fetch "linux-image-$KVER-unsigned" "linux-image-$KVER") ||
		die "cannot download linux-image-$KVER(-unsigned) with apt-get"
	dpkg-deb -x "$vm"/debs/linux-image-*.deb "$kdir.tmp"
	[ -f "$kdir.tmp/boot/vmlinuz-$KVER" ] || die "no vmlinuz-$KVER in the image package"
	# As linux-headers does on a real install, so `make -C /lib/modules/$KVER/build`
	# works inside the guest too.
	ln -sfn "/usr/src/linux-headers-$KVER" "$kdir.tmp/lib/modules/$KVER/build"
	depmod -b "$kdir.tmp" "$KVER"
	# The uncompressed ELF boots through its PVH entry: under TCG that skips
	# ~5 s of BIOS loading and xz decompression per boot.
	pvh_from_bzimage "$kdir.tmp/boot/vmlinuz-$KVER" "$kdir.tmp/boot/vmlinux-$KVER" || {
		log "warning: no PVH ELF in vmlinuz-$KVER; booting the bzImage (slower)"
		rm -f "$kdir.tmp/boot/vmlinux-$KVER"
	}
	rm -rf "$vm/debs"
	touch "$kdir.tmp/.done"
	mv "$kdir.tmp" "$kdir"
fi

if [ ! -x "$BUSYBOX" ]; then
	# Take the binary from the .deb: the installed /bin/busybox is the
	# dynamic one as soon as the `busybox` package is installed too.
	log "fetching busybox-static"
	rm -rf "$vm/bb.tmp"
	mkdir -p "$vm/bb.tmp"
	(cd "$vm/bb.tmp" && apt_fetch busybox-static) ||
		die "cannot download busybox-static with apt-get"
	dpkg-deb -x "$vm"/bb.tmp/busybox-static_*.deb "$vm/bb.tmp/x"
	if LC_ALL=C readelf -l "$vm/bb.tmp/x/bin/busybox" 2>/dev/null | grep -q 'program interpreter'; then
		die "busybox from busybox-static is not static"
	fi
	mv "$vm/bb.tmp/x/bin/busybox" "$BUSYBOX"
	rm -rf "$vm/bb.tmp"
fi

# The initramfs depends on init.sh, this script, the kernel and busybox.
want=$(cat "$here/init.sh" "$here/prepare.sh" | sha256sum)
want="$KVER ${want%% *} $(stat -c %s.%Y "$BUSYBOX")"
if [ ! -f "$INITRD" ] || [ "$(cat "$INITRD.hash" 2>/dev/null)" != "$want" ]; then
	log "building the initramfs"
	stage=$vm/initramfs.tmp
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,host,out,lib/modules}
	cp "$BUSYBOX" "$stage/bin/busybox"
	for applet in $("$BUSYBOX" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
	done
	ln -s bin "$stage/sbin"
	install -m 755 "$here/init.sh" "$stage/init"
	# The transport (virtio_pci, 9pnet_virtio) is not a dependency of 9p, so
	# name it; configfs too, mounted as on a board (a modprobe in the guest
	# costs ~2 s). modprobe prints the chains in load order, with repeats.
	modprobe -d "$kdir" -S "$KVER" --show-depends -a \
		virtio_pci 9pnet_virtio 9p overlay configfs |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$vm/initramfs.mods"
	[ -s "$vm/initramfs.mods" ] || die "modprobe found none of the 9p/overlay modules"
	while read -r ko; do
		cp "$ko" "$stage/lib/modules/"
		basename "$ko" >>"$stage/lib/modules/load.order"
	done <"$vm/initramfs.mods"
	rm -f "$vm/initramfs.mods"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 >"$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	echo "$want" >"$INITRD.hash"
	rm -rf "$stage"
fi

# VMLINUX (what QEMU should boot) is VMLINUZ where no PVH ELF could be made.
[ -f "$VMLINUX" ] || VMLINUX=$VMLINUZ
if [ "$print_env" = 1 ]; then
	printf 'KVER=%q\nVMLINUZ=%q\nVMLINUX=%q\nINITRD=%q\nMODDIR=%q\n' \
		"$KVER" "$VMLINUZ" "$VMLINUX" "$INITRD" "$MODDIR"
fi
