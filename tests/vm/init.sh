#!/bin/sh
# PID 1 of the ucphone test VM (busybox sh, in the initramfs prepare.sh builds).
#
# The guest runs the host's own root, read-only over 9p, so binaries built on
# the host run unchanged; only /lib/modules/$KVER is the guest kernel's (an
# overlay, so extra/ is writable). run.sh shares a writable "out" folder that
# carries vm.env (the settings), cmd (the command) and modroot/ (the modules
# and their depmod index) in, and rc (the command's exit code) back. The
# verdict also goes to QEMU's isa-debug-exit port, never through the console:
# the console is only a log.
export PATH=/bin

say() { echo "ucphone-vm: $*"; }

# isa-debug-exit at port 0xf4 (244): QEMU exits with (code << 1) | 1.
debug_exit() {
	sync
	printf "$(printf '\\%03o' "$1")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
	poweroff -f # only without the device; QEMU then exits 0, read as a failure
}

# No rc file is written, so the host knows the command never ran.
die() {
	say "FAILED: $*"
	debug_exit 125
}

uptime_s() { read -r up _ </proc/uptime && echo "$up"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

KVER=$(uname -r)
while read -r ko; do
	insmod "/lib/modules/$ko" || die "insmod $ko"
done </lib/modules/load.order
# gpio-sim and friends need configfs, mounted as on a board.
mount -t configfs configfs /sys/kernel/config

p9=trans=virtio,version=9p2000.L,msize=512000
# No cache on the out share: what the guest writes must reach the host at once.
mount -t 9p -o "$p9" out /out || die "cannot mount the out share"
[ -r /out/vm.env ] || die "no vm.env in the out share"
# Sets OUT (host path of the share), WORKDIR, MODDIR, INTERACTIVE, TERM, ROWS, COLS.
. /out/vm.env

mount -t 9p -o "$p9,ro,cache=loose" hostroot /host || die "cannot mount the host root"

# The guest kernel's modules, writable through a tmpfs upper layer. The host
# has /lib/modules/$KVER (linux-headers' build link); if not, make room for it.
mkdir -p /modrw
mount -t tmpfs tmpfs /modrw
mkdir -p /modrw/upper /modrw/work
if [ ! -d "/host/lib/modules/$KVER" ]; then
	mount -t tmpfs tmpfs /host/lib/modules && mkdir "/host/lib/modules/$KVER"
fi
mount -t overlay overlay \
	-o "lowerdir=/host$MODDIR,upperdir=/modrw/upper,workdir=/modrw/work" \
	"/host/lib/modules/$KVER" || die "cannot mount the modules overlay"

# Fresh tmpfs on /tmp, /run and /var/tmp, as on a board. The repo is held
# aside and put back, so a checkout under /tmp (a CI clone) stays visible.
mkdir -p /repo
mount --bind "/host$WORKDIR" /repo || die "cannot find the repo $WORKDIR"
for d in /tmp /run /var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs "/host$d" || die "cannot mount a tmpfs on $d"
done
mkdir -p "/host$WORKDIR" 2>/dev/null
mount --move /repo "/host$WORKDIR" || die "cannot put the repo back at $WORKDIR"

# The out share at the same path as on the host, so paths mean the same inside.
mkdir -p "/host$OUT" 2>/dev/null
mount --bind /out "/host$OUT" || die "cannot bind the out share to $OUT"

for d in proc sys dev; do
	mount --rbind "/$d" "/host/$d" || die "cannot bind /$d"
done

# Modules the kernel asks for (request_module, fs-configfs...) come from the
# chroot's tree, not from the initramfs.
cat >/bin/modprobe-host <<'EOF'
#!/bin/sh
exec chroot /host /sbin/modprobe "$@"
EOF
chmod 755 /bin/modprobe-host
echo /bin/modprobe-host >/proc/sys/kernel/modprobe

hostname ucphone-vm
ip link set lo up
# With run.sh --net the guest has a virtio-net NIC; no udev here to load its
# driver, so do what coldplug would. The daemon configures eth0 itself.
if [ "${NET:-0}" = 1 ]; then
	chroot /host /sbin/modprobe virtio_net || say "warning: no virtio_net"
fi

# The modules asked for, with the depmod index run.sh made for them.
if [ -d "/out/modroot/lib/modules/$KVER" ]; then
	cp -R "/out/modroot/lib/modules/$KVER/." "/host/lib/modules/$KVER/" ||
		die "cannot install the modules"
fi

# Runs its arguments in the host root with a clean, board-like environment,
# starting in WORKDIR. A script rather than a function so setsid can exec it.
#
# The host root becomes the real root of a mount namespace of the command's
# own (switch_root's move onto /, then chroot into it), not a plain chroot:
# the kernel refuses user namespaces to a chrooted process, and the tests
# must be able to try what any user can (unshare -Urn). PID 1 keeps the
# initramfs, which it needs to report the verdict.
cat >/bin/in-host <<'EOF'
#!/bin/sh
. /out/vm.env
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM="$TERM" LANG=C.UTF-8 PS1='\u@\h:\w\$ ' \
	UCPHONE_VM=1 UCPHONE_VM_OUT="$OUT" \
	unshare -m --propagation private /bin/sh -c \
	'cd /host && mount --move . / && exec chroot . /bin/sh -c '\''cd "$1" || exit 125; shift; exec "$@"'\'' sh "$@"' \
	sh "$WORKDIR" "$@"
EOF
chmod 755 /bin/in-host

say "running the command ($(uptime_s) s after boot)"
in-host /bin/sh "$OUT/cmd" </dev/null
rc=$?
echo "$rc" >/out/rc
say "command exited with $rc"

if [ "$INTERACTIVE" = 1 ]; then
	say "starting a shell in the guest; leave it (exit or Ctrl-D) to stop the VM"
	stty -F /dev/ttyS0 rows "$ROWS" cols "$COLS" 2>/dev/null
	# --norc: the host's ~/.bashrc expects a writable home.
	setsid cttyhack in-host /bin/bash --norc -i
	say "shell exited"
fi

debug_exit "$rc"
