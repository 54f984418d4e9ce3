#!/bin/bash
# Builds the phone image for the virtual dev board (QEMU x86_64): a
# read-only squashfs root made from Debian packages (mmdebstrap, on this
# machine's Debian apt sources) holding ucphoned, ucphonectl and the UCM
# files (`meson install --destdir`), Debian's kernel with only the modules
# the phone needs plus the ucphone modules in /lib/modules/<ver>/extra
# (depmod run for that tree), and an initramfs; then a GPT disk image with
# two root slots (root-a, root-b) and a data partition. See image/README.md.
#
#   scripts/build-image.sh              build (or reuse), print hash and size
#   scripts/build-image.sh --print-env  also print DISK= ROOT= ROOT_SHA256=
#                                       ROOT_SIZE= KVER= lines (for eval)
#   scripts/build-image.sh --force      rebuild even if no input changed
#                                       (twice in a row: the same sha256)
#   scripts/build-image.sh --init systemd  the systemd variant (systemd as
#                                       init, udev, ucphoned.service), kept
#                                       beside the busybox image
#
# Reproducible: the same inputs (sources, built binaries, Debian packages,
# SOURCE_DATE_EPOCH, which defaults to the last commit of image/ and this
# script) give the same root image, byte for byte; the image is cached under
# ${UCPHONE_CACHE:-.cache}/image and rebuilt only when an input changed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${UCPHONE_CACHE:-$repo/.cache}/image
def=$repo/image

print_env=0 force=0 init=busybox
while [ $# -gt 0 ]; do
	case $1 in
	--print-env) print_env=1; shift ;;
	--force) force=1; shift ;;
	--init) [ $# -ge 2 ] && [[ $2 == busybox || $2 == systemd ]] ||
		{ echo "usage: $0 [--init busybox|systemd] [--print-env | --force]" >&2; exit 2; }
		init=$2; shift 2 ;;
	*) echo "usage: $0 [--init busybox|systemd] [--print-env | --force]" >&2; exit 2 ;;
	esac
done
# The systemd variant's packages and files come on top of the phone's.
variant=''
[ "$init" = busybox ] || variant=-$init

log() { echo "build-image: $*" >&2; }
die() { echo "build-image: error: $*" >&2; exit 1; }

# The image's date: the last commit of its definition (else of the repo).
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct -- image scripts/build-image.sh 2>/dev/null) || true
	[ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null) || true
	[ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=0
fi
export SOURCE_DATE_EPOCH
# Slot and data partition sizes (MiB).
# The data partition also holds a downloaded update (a bundle is about the
# size of the root) beside the settings.
SLOT_MIB=128 DATA_MIB=160

mkdir -p "$cache"
exec 8>"$cache/.lock"
flock 8

# --- Inputs: the modules, the userspace, Debian's kernel ----------------
nice -n 10 make -s modules test-modules >&2 || die "kernel modules do not build"
gpio_sim=$(tests/kmod/gpio-sim/build.sh) || die "gpio-sim does not build"
eval "$(tests/vm/prepare.sh --print-env)"
BUSYBOX_STATIC=${UCPHONE_CACHE:-$repo/.cache}/vm/busybox

# The phone's userspace: the same Meson project as `make userspace`, in a
# build folder of its own with the phone's prefix (/usr) and source paths
# made relative, so binaries do not depend on where the repo is.
ubuild=$repo/build-image
if ! [ -f "$ubuild/build.ninja" ]; then
	meson setup "$ubuild" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		-Dc_args="-ffile-prefix-map=$repo/=" >&2 || die "meson setup failed"
fi
# Every program meson installs (the daemon, its root CA helper, the CLI,
# the screen), not the tests.
nice -n 10 ninja -C "$ubuild" -j2 userspace/daemon/ucphoned \
	userspace/daemon/ucphone-ca-fetch userspace/ctl/ucphonectl \
	userspace/ui/ucphone-ui >&2 ||
	die "the userspace does not build"
work=$cache/work
rm -rf "$work"
mkdir -p "$work"
meson install -C "$ubuild" --no-rebuild --quiet --strip --destdir "$work/userspace" >&2 ||
	die "meson install failed"

# --- The Debian packages ---------------------------------------------------
# This machine's Debian sources with their downloaded lists: apt in
# mmdebstrap reads the same lists (no download) and so picks the same
# versions the host would.
debian_sources() {
	local site rel comp file inrel
	apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT) $(FILENAME)' \
		'Created-By: Packages' 'Architecture: amd64' |
		while read -r site rel comp file; do
			inrel=${file%%_dists_*}_dists_${rel//\//_}_InRelease
			[ -f "$inrel" ] && grep -q '^Origin: Debian$' "$inrel" || continue
			echo "$site $rel $comp $inrel"
		done | sort -u
}
mapfile -t sources < <(debian_sources)
[ ${#sources[@]} -gt 0 ] ||
	die "no Debian apt sources with downloaded lists (run apt-get update)"
mirrors=() suite=''
for s in "${sources[@]}"; do
	read -r site rel comp _ <<<"$s"
	mirrors+=("deb $site $rel $comp")
	# bookworm, not bookworm-updates or bookworm-security
	[[ $rel == *-* ]] || suite=$rel
done
[ -n "$suite" ] || die "no main Debian suite among the apt sources"

# The libraries the binaries link, by package (dpkg knows their files).
# One dpkg -S for all of them: each call reads dpkg's whole file list
# (~0.3 s of CPU), and the image build runs before every image test.
lib_packages() {
	local f so p sos owners
	sos=$( (for f in "$work/userspace/usr/sbin/ucphoned" "$work/userspace/usr/bin/ucphonectl" \
		 "$work/userspace/usr/sbin/ucphone-ca-fetch" "$work/userspace/usr/bin/ucphone-ui"; do
		[ -e "$f" ] || continue
		LC_ALL=C objdump -p "$f" | awk '$1 == "NEEDED" { print $2 }'
	done
	# ucphoned loads these with dlopen() when it needs them (net/curl_lazy.c,
	# media/srtp_lazy.c): no NEEDED entry names them.
	echo libcurl.so.4 libsrtp2.so.1 | tr ' ' '\n'
	) | sort -u)
	# "package[, package]: path" lines, for the paths dpkg has
	owners=$(for so in $sos; do
		echo "/lib/x86_64-linux-gnu/$so" "/usr/lib/x86_64-linux-gnu/$so"
	done | xargs -r dpkg -S 2>/dev/null)
	for so in $sos; do
		# /lib's owner first, as dpkg -S answers in the order asked
		p=$(awk -v a="/lib/x86_64-linux-gnu/$so" -v b="/usr/lib/x86_64-linux-gnu/$so" '
			$NF == a { print; found = 1; exit }
			$NF == b && !alt { alt = $0 }
			END { if (!found && alt != "") print alt }' <<<"$owners" | cut -d: -f1)
		[ -n "$p" ] || { echo "build-image: error: no Debian package has $so" >&2; return 1; }
		echo "$p"
	done
}
libs=$(lib_packages) || exit 1
packages=$( (cat "$def/packages" ${variant:+"$def/$init/packages"} | grep -v '^#' |
	awk 'NF { print $1 }'; echo "$libs") | sort -u)
debian_key=$( (echo "$packages"; printf '%s\n' "${mirrors[@]}"
	for s in "${sources[@]}"; do sha256sum <"${s##* }"; done
	mmdebstrap --version) | sha256sum | cut -c1-16)
# (the busybox root as debian-KEY, a variant's as debian-VARIANT-KEY)
debian=$cache/debian$variant-$debian_key

if ! [ -f "$debian/.done" ]; then
	log "unpacking Debian packages into a root (mmdebstrap, extract variant)"
	if [ -n "$variant" ]; then
		rm -rf "$cache"/debian"$variant"-* "$cache/debian.tmp"
	else
		for d in "$cache"/debian-*; do
			[[ ${d##*/} =~ ^debian-[0-9a-f]{16}$ ]] && rm -rf "$d"
		done
		rm -rf "$cache/debian.tmp"
	fi
	mkdir -p "$cache/debs"
	# Downloaded packages are kept in .cache/image/debs for the next build.
	nice -n 10 mmdebstrap --mode=root --variant=extract --skip=update --quiet \
		--include="$(echo "$packages" | paste -sd,)" \
		--setup-hook='mkdir -p "$1/var/lib/apt/lists" "$1/var/cache/apt/archives"' \
		--setup-hook='sync-in /var/lib/apt/lists /var/lib/apt/lists' \
		--setup-hook="sync-in $cache/debs /var/cache/apt/archives" \
		--extract-hook="sync-out /var/cache/apt/archives $cache/debs" \
		"$suite" "$cache/debian.tmp" "${mirrors[@]}" >&2 ||
		die "mmdebstrap failed"
	touch "$cache/debian.tmp/.done"
	mv "$cache/debian.tmp" "$debian"
fi

# RAUC, the binary alone: Debian's rauc package depends on systemd (for its
# unit), which the busybox phone does not run; its libraries are in
# image/packages, its configuration, D-Bus policy and service in rootfs/.
rauc_deb=$( (cd "$cache/debs" && ls rauc_*_amd64.deb 2>/dev/null | tail -n1) || true)
want_rauc=$(apt-cache policy rauc | awk '$1 == "Candidate:" { print $2 }')
if [ -z "$rauc_deb" ] || [[ $rauc_deb != "rauc_${want_rauc//:/%3a}_amd64.deb" ]]; then
	log "downloading Debian's rauc $want_rauc"
	rm -f "$cache"/debs/rauc_*.deb
	(cd "$cache/debs" && apt-get download -q "rauc=$want_rauc" >&2) || die "apt-get download rauc failed"
	rauc_deb=$(cd "$cache/debs" && ls rauc_*_amd64.deb | tail -n1)
fi
rauc_deb=$cache/debs/$rauc_deb
# The vendor's update keyring (the CA that signs bundles and update images).
vendor_dir=$("$repo/scripts/vendor-keys.sh") || die "no vendor keys"
vendor_ca=$vendor_dir/ca.cert.pem
# The software version this image installs as (bundles made from it by
# scripts/make-update-bundle.sh carry their own).
image_version=${UCPHONE_IMAGE_VERSION:-$(grep -v '^#' "$def/version" | awk 'NF { print $1; exit }')}
[[ $image_version =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
	die "image version '$image_version' is not four numbers (image/version)"

# --- The kernel modules the image carries ---------------------------------
# Every ucphone module (product drivers, the virtual board's models,
# gpio-sim) goes to extra/; from Debian's tree only what image/modules
# names and what any of those depend on.
extra=()
while IFS= read -r ko; do extra+=("$ko"); done < <(find kernel tests/kmod -name '*.ko' | sort)
extra+=("$gpio_sim")
full=$work/fullmods
mkdir -p "$full/lib/modules/$KVER/extra"
cp "${extra[@]}" "$full/lib/modules/$KVER/extra/"
for f in kernel modules.order modules.builtin modules.builtin.modinfo; do
	ln -s "$MODDIR/$f" "$full/lib/modules/$KVER/$f"
done
depmod -b "$full" "$KVER" || die "depmod failed"
names() { basename -a "$@" | sed 's/\.ko$//'; }
want_mods=$( (names "${extra[@]}"; grep -v '^#' "$def/modules" | awk 'NF { print $NF }') | sort -u)
initrd_mods=$(awk '$1 == "initramfs" { print $2 }' "$def/modules")
show_deps() {
	# shellcheck disable=SC2086 # module names are words
	modprobe -d "$full" -S "$KVER" --show-depends -a $1 |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}
mods=$(show_deps "$want_mods") || die "modprobe --show-depends failed"
initrd_list=$(show_deps "$initrd_mods") || die "modprobe --show-depends failed"

# --- Has anything changed? ------------------------------------------------
tree_hash() { (cd "$1" && find . -print0 | LC_ALL=C sort -z |
	xargs -0 -r stat -c '%n %a %s' && find . -type f -print0 |
	LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum | cut -c1-64; }
key_inputs() {
	echo "epoch $SOURCE_DATE_EPOCH slots $SLOT_MIB $DATA_MIB kver $KVER debian $debian_key init $init"
	echo "version $image_version"
	sha256sum "$0" tests/vm/prepare.sh "$def/version" "$rauc_deb" "$vendor_ca" | cut -c1-64
	# What goes into the image from image/ (not its README).
	tree_hash "$def/rootfs"
	tree_hash "$def/initramfs"
	tree_hash "$def/systemd"
	sha256sum "$def/packages" "$def/modules" | cut -c1-64
	tree_hash "$work/userspace"
	echo "$mods" | sed "s|^$full/lib/modules/$KVER/||; s|^$MODDIR/||" | sort
	sha256sum "${extra[@]}" "$VMLINUZ" "$BUSYBOX_STATIC" | cut -c1-64
}
key_inputs >"$work/key.inputs"
key=$(sha256sum <"$work/key.inputs" | cut -c1-64)
out=$cache/out$variant

report() {
	. "$out/manifest"
	log "root image $out/root.sqfs: sha256 $ROOT_SHA256, $ROOT_SIZE bytes ($((ROOT_SIZE / 1048576)) MiB)"
	log "disk image $out/disk.img: slots root-a root-b ($SLOT_MIB MiB each), data ($DATA_MIB MiB)"
	if [ "$print_env" = 1 ]; then
		printf 'DISK=%q\nROOT=%q\nROOT_SHA256=%s\nROOT_SIZE=%s\nKVER=%q\n' \
			"$out/disk.img" "$out/root.sqfs" "$ROOT_SHA256" "$ROOT_SIZE" "$KVER"
	fi
}
if [ "$force" = 0 ] && [ -f "$out/manifest" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	log "inputs unchanged: reusing the image"
	rm -rf "$work"
	report
	exit 0
fi

# --- The root file system -------------------------------------------------
log "assembling the root"
root=$work/root
cp -a "$debian" "$root"
rm -f "$root/.done"
# Nothing of the build machine (mmdebstrap copies its resolv.conf and
# hostname) and nothing a phone does not read.
rm -rf "${root:?}"/etc/apt "$root"/var/lib/apt "$root"/var/cache/* "$root"/var/log/* \
	"$root"/var/lib/dpkg "$root"/etc/resolv.conf "$root"/etc/hostname \
	"$root"/usr/share/{doc,man,info,locale,lintian,gdb,bug,bash-completion} \
	"$root"/dev/* "$root"/tmp/*
# The public CA bundle, as update-ca-certificates would write it.
mkdir -p "$root/etc/ssl/certs"
find "$root/usr/share/ca-certificates" -name '*.crt' -print0 | LC_ALL=C sort -z |
	xargs -0 cat >"$root/etc/ssl/certs/ca-certificates.crt"
# busybox's applets, where no package provides the command.
for applet in $(chroot "$root" /bin/busybox --list-full); do
	name=${applet##*/}
	[ -e "$root/bin/$name" ] || [ -e "$root/sbin/$name" ] ||
		[ -e "$root/usr/bin/$name" ] || [ -e "$root/usr/sbin/$name" ] ||
		{ mkdir -p "$root/${applet%/*}" && ln -s /bin/busybox "$root/$applet"; }
done
# The phone's own files, then the userspace as meson installs it.
cp -a "$def/rootfs/." "$root/"
chmod 640 "$root/etc/shadow"
dpkg-deb --fsys-tarfile "$rauc_deb" | tar -x -C "$root" ./usr/bin/rauc || die "no rauc in $rauc_deb"
install -m 644 "$vendor_ca" "$root/etc/rauc/keyring.pem"
# the same root checks an update image's outer CMS signature (ucphoned
# --update-vendor-root's default)
install -D -m 644 "$vendor_ca" "$root/etc/ucphone/update-vendor-root.pem"
echo "$image_version" >"$root/usr/lib/ucphone/version"
cp -a "$work/userspace/." "$root/"
if [ "$init" = systemd ]; then
	# systemd as /sbin/init (systemd-sysv), udev for modalias loading, the
	# daemon's unit as meson installs it, the board and the service
	# console as units; eth0 keeps its kernel name (no predictable names:
	# the daemon's options say eth0).
	cp -a "$def/systemd/." "$root/"
	rm -f "$root/packages" "$root/etc/inittab"
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants" "$root/etc/systemd/network"
	# the system bus by socket activation (Debian's dbus.socket), RAUC's
	# service as a unit of the phone's (systemd/)
	mkdir -p "$root/etc/systemd/system/sockets.target.wants"
	ln -sfn /lib/systemd/system/dbus.socket "$root/etc/systemd/system/sockets.target.wants/dbus.socket"
	for unit in ucphoned.service ucphone-ui.service ucphone-board.service \
		ucphone-service-console.service rauc.service; do
		unit_path=/etc/systemd/system/$unit
		[ -e "$root$unit_path" ] || unit_path=/usr/lib/systemd/system/$unit
		[ -e "$root$unit_path" ] || die "no unit $unit in the root"
		ln -sfn "$unit_path" "$root/etc/systemd/system/multi-user.target.wants/$unit"
	done
	ln -sfn /dev/null "$root/etc/systemd/network/99-default.link"
	# hvc0 is the service console's, not a login prompt's.
	ln -sfn /dev/null "$root/etc/systemd/system/serial-getty@hvc0.service"
	# systemd makes the machine id at first boot, on the data partition.
	: >"$root/etc/machine-id"
fi
mkdir -p "$root"/{proc,sys,dev,run,tmp,data,root,var/lib/ucphone,var/log,var/tmp}
chmod 700 "$root/root" "$root/var/lib/ucphone"
# /var/run is /run, as on any Debian system (the system bus socket's
# compiled-in path, /var/run/dbus/system_bus_socket, lands on the tmpfs).
rm -rf "${root:?}/var/run"
ln -s /run "$root/var/run"
chmod 1777 "$root/tmp" "$root/var/tmp"
# /etc/resolv.conf: the phone has no resolver of its own; ucphoned takes
# its DNS servers from DHCP.
: >"$root/etc/resolv.conf"
# The kernel, its chosen modules with depmod's index, the ucphone modules.
mkdir -p "$root/boot" "$root/lib/modules/$KVER"
cp "$VMLINUZ" "$root/boot/vmlinuz-$KVER"
echo "$mods" | while read -r ko; do
	rel=${ko#"$full/lib/modules/$KVER/"}
	[ "$rel" != "$ko" ] || rel=${ko#"$MODDIR/"}
	mkdir -p "$root/lib/modules/$KVER/$(dirname "$rel")"
	cp "$ko" "$root/lib/modules/$KVER/$rel"
done
# As `make modules_install INSTALL_MOD_STRIP=1`: no debug info (which
# would also carry this checkout's paths).
strip --strip-debug "$root/lib/modules/$KVER"/extra/*.ko
cp "$MODDIR"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$KVER/"
depmod -b "$root" "$KVER" || die "depmod failed"
ldconfig -r "$root"
rm -rf "$root/var/cache/ldconfig" # inode numbers and times of this build

# The initramfs: static busybox, the modules that mount the root, /init.
ird=$work/initramfs
mkdir -p "$ird"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$BUSYBOX_STATIC" "$ird/bin/busybox"
for applet in $("$BUSYBOX_STATIC" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$ird/bin/$applet"
done
install -m 755 "$def/initramfs/init" "$ird/init"
# The boot selector's state file code, the same the root's RAUC backend uses.
mkdir -p "$ird/lib/ucphone"
cp "$def/rootfs/usr/lib/ucphone/bootstate.sh" "$ird/lib/ucphone/"
echo "$initrd_list" | while read -r ko; do
	cp "$ko" "$ird/lib/modules/"
	basename "$ko" >>"$ird/lib/modules/load.order"
done
find "$ird" "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -n -9 >"$root/boot/initrd.img-$KVER"
touch -h -d "@$SOURCE_DATE_EPOCH" "$root/boot/initrd.img-$KVER" "$root/boot"

# mksquashfs takes its timestamps from SOURCE_DATE_EPOCH. zstd, not xz:
# every file the phone reads at boot (init, modprobe, ucphoned's ~60
# libraries) is decompressed on first use, and under TCG xz made the cold
# start of ucphoned alone cost ~1.5 s; zstd reads ~6 times faster for a
# root ~10% larger.
log "making the squashfs root"
nice -n 10 mksquashfs "$root" "$work/root.sqfs" -noappend -quiet -no-progress \
	-comp zstd -Xcompression-level 19 \
	-all-root -no-xattrs -processors 2 >&2 || die "mksquashfs failed"
root_size=$(stat -c %s "$work/root.sqfs")
[ "$root_size" -le $((SLOT_MIB * 1048576)) ] ||
	die "the root ($root_size bytes) does not fit a $SLOT_MIB MiB slot"

# --- The disk image ---------------------------------------------------------
# GPT, fixed identifiers: 1 MiB | root-a | root-b | data. The factory image
# boots slot a; slot b holds the same root until an update writes it.
log "making the disk image"
disk=$work/disk.img
total=$((1 + 2 * SLOT_MIB + DATA_MIB + 1))
truncate -s "${total}M" "$disk"
sfdisk --quiet --no-reread --no-tell-kernel "$disk" >&2 <<EOF || die "sfdisk failed"
label: gpt
label-id: 8A4C1D3E-0000-4000-8000-0000000000AB
first-lba: 2048
start=1MiB, size=${SLOT_MIB}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=8A4C1D3E-0001-4000-8000-0000000000A1, name=root-a
size=${SLOT_MIB}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=8A4C1D3E-0002-4000-8000-0000000000B2, name=root-b
size=${DATA_MIB}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=8A4C1D3E-0003-4000-8000-0000000000D3, name=data
EOF
for slot_mib in 1 $((1 + SLOT_MIB)); do
	dd if="$work/root.sqfs" of="$disk" bs=1M seek="$slot_mib" conv=notrunc,sparse status=none
done
# The data partition: an empty ext4, made reproducibly.
data=$work/data.ext4
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L data \
	-U 8a4c1d3e-0003-4000-8000-0000000000d3 \
	-E hash_seed=8a4c1d3e-0004-4000-8000-000000000000,lazy_itable_init=0 "$data" "${DATA_MIB}M" >/dev/null || die "mkfs.ext4 failed"
dd if="$data" of="$disk" bs=1M seek=$((1 + 2 * SLOT_MIB)) conv=notrunc,sparse status=none

root_sha=$(sha256sum "$work/root.sqfs" | cut -c1-64)
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
mv "$work/root.sqfs" "$disk" "$out.tmp/"
printf 'ROOT_SHA256=%s\nROOT_SIZE=%s\nKVER=%s\nSOURCE_DATE_EPOCH=%s\n' \
	"$root_sha" "$root_size" "$KVER" "$SOURCE_DATE_EPOCH" >"$out.tmp/manifest"
echo "$key" >"$out.tmp/key"
mv "$work/key.inputs" "$out.tmp/"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
report
