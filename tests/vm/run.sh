#!/bin/bash
# Run one command in a throwaway QEMU guest booted on Debian's kernel, with the
# host's root as the guest's root (read-only) and the given modules installed
# in /lib/modules/$KVER/extra so `modprobe NAME` works as on a board.
#
#   tests/vm/run.sh [--module FILE.ko]... [--timeout SEC] [--interactive]
#                   [--log FILE] [--net NETNS:BRIDGE] [--display DEVICE]
#                   -- COMMAND [ARGS...]
#
# --net gives the guest an eth0 (virtio-net) plugged into BRIDGE inside
# network namespace NETNS (the testbed's switch), through a tap device that
# lives and dies in that namespace: the phone joins the test network as a
# real phone joins its LAN, and nothing touches the host's interfaces.
# --display gives the guest a screen (a QEMU device such as
# bochs-display,xres=320,yres=240) and the host a QMP socket,
# <out folder>/qmp.sock, for screendumps.
# The command runs as root in the repo's root directory, with UCPHONE_VM=1 and
# UCPHONE_VM_OUT=<a fresh writable folder, the same path on host and guest>.
# Exit status: the command's own; 124 on timeout (default 600 s, none with
# --interactive unless given); 125 when the kernel panicked, oopsed, printed a
# WARNING or BUG, or the VM failed before the command could report.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
vm=${UCPHONE_CACHE:-$repo/.cache}/vm

usage() {
	sed -n '6,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,3\}//' >&2
	exit 2
}
say() { echo "run.sh: $*" >&2; }
die() { say "error: $*"; exit 125; }

modules=() timeout_s='' interactive=0 log='' net='' display=''
while [ $# -gt 0 ]; do
	case $1 in
	--module) [ $# -ge 2 ] || usage; modules+=("$2"); shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--log) [ $# -ge 2 ] || usage; log=$2; shift 2 ;;
	--net) [ $# -ge 2 ] && [[ $2 == ?*:?* ]] || usage; net=$2; shift 2 ;;
	--display) [ $# -ge 2 ] || usage; display=$2; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
if [ $# -eq 0 ]; then
	[ "$interactive" = 1 ] || usage
	set -- true
fi
if [ "$interactive" = 1 ] && ! [ -t 0 ]; then
	say "warning: --interactive needs a tty on stdin; running without a shell"
	interactive=0
fi
[ -n "$timeout_s" ] || { [ "$interactive" = 1 ] && timeout_s=0 || timeout_s=600; }
[[ $timeout_s =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds, not '$timeout_s'"
for m in "${modules[@]}"; do
	[[ $m == *.ko ]] && [ -f "$m" ] || die "--module $m: not a .ko file"
done

eval "$("$here/prepare.sh" --print-env)"

# A fresh out folder per run; keep the last 10 for post-mortems.
mkdir -p "$vm/runs"
find "$vm/runs" -mindepth 1 -maxdepth 1 -type d | sort | head -n -9 | xargs -r -d '\n' rm -rf
out=$(mktemp -d "$vm/runs/$(date +%Y%m%d-%H%M%S).XXXX")
log=${log:-$out/console.log}
: >"$log"

# The modules go to /lib/modules/$KVER/extra with a fresh depmod index, so
# modprobe finds them by name and alias as on a board. depmod runs here, with
# the same kmod on the same tree, because in the guest (9p under TCG) it takes
# ~45 s against ~1 s here. The guest copies this tree over its own.
if [ ${#modules[@]} -gt 0 ]; then
	tree=$out/modroot/lib/modules/$KVER
	mkdir -p "$tree/extra"
	for m in "${modules[@]}"; do
		[ ! -e "$tree/extra/${m##*/}" ] || die "two modules named ${m##*/}"
		cp "$m" "$tree/extra/"
	done
	for f in kernel modules.order modules.builtin modules.builtin.modinfo; do
		ln -s "$MODDIR/$f" "$tree/$f"
	done
	depmod -b "$out/modroot" "$KVER" || die "depmod failed"
	find "$tree" -maxdepth 1 -type l -delete
fi

# POSIX single-quoting, so the guest's sh reads back exactly these strings.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
	printf '# what tests/vm/run.sh asked for; sourced by the guest init\n'
	printf 'OUT=%s\nWORKDIR=%s\nMODDIR=%s\n' "$(q "$out")" "$(q "$repo")" "$(q "$MODDIR")"
	printf 'INTERACTIVE=%s\nTERM=%s\n' "$interactive" "$(q "${TERM:-linux}")"
	printf 'NET=%s\n' "$([ -n "$net" ] && echo 1 || echo 0)"
	size=$( [ -t 0 ] && stty size 2>/dev/null || echo 24 80)
	printf 'ROWS=%s\nCOLS=%s\n' "${size% *}" "${size#* }"
} >"$out/vm.env"
{
	printf '# the command given to tests/vm/run.sh\nexec'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	printf '\n'
} >"$out/cmd"

# The console: plain stdio for batch runs (stdin is /dev/null); for a user,
# Ctrl-C belongs to the guest and Ctrl-A x quits.
exec 3</dev/null
serial=(-serial stdio)
if [ "$interactive" = 1 ]; then
	exec 3<&0
	serial=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con)
fi

qemu=(
	qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024
	-nodefaults -nographic -no-reboot -monitor none "${serial[@]}"
	-pidfile "$out/qemu.pid"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	# qboot boots the PVH ELF fast and, unlike SeaBIOS, writes no escape
	# sequences (screen clear, line wrap off) to the serial console.
	-bios /usr/share/qemu/qboot.rom
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot
	-fsdev "local,id=out,path=$out,security_model=none"
	-device virtio-9p-pci,fsdev=out,mount_tag=out
	-kernel "$VMLINUX" -initrd "$INITRD"
	# loglevel=5 keeps KERN_WARNING, so a WARN's splat reaches the log.
	-append "console=ttyS0 loglevel=5 trace_clock=global panic=-1 oops=panic panic_on_warn=1"
)

if [ -n "$display" ]; then
	qemu+=(-device "$display" -display none
		-qmp "unix:$out/qmp.sock,server=on,wait=off")
fi

# The tap is named after the run so that parallel VMs never collide.
netns='' tap=''
if [ -n "$net" ]; then
	netns=${net%%:*} bridge=${net#*:}
	ip netns pids "$netns" >/dev/null 2>&1 || die "--net: no network namespace $netns"
	tap=ucvm$(printf %s "$out" | md5sum | cut -c1-6)
	ip -n "$netns" tuntap add dev "$tap" mode tap || die "--net: cannot add a tap in $netns"
	ip -n "$netns" link set "$tap" master "$bridge" up || {
		ip -n "$netns" link del "$tap"
		die "--net: no bridge $bridge in $netns"
	}
	# A fixed, locally administered MAC per run keeps DHCP leases apart.
	mac=52:54:00:$(printf %s "$out" | md5sum | sed 's/\(..\)\(..\)\(..\).*/\1:\2:\3/')
	qemu+=(-netdev "tap,id=lan,ifname=$tap,script=no,downscript=no"
		-device "virtio-net-pci,netdev=lan,mac=$mac")
	qemu=(ip netns exec "$netns" "${qemu[@]}")
fi

qpid='' teepid=''
cleanup() {
	local p
	[ -z "$qpid" ] || kill -TERM "$qpid" 2>/dev/null || true
	p=$(cat "$out/qemu.pid" 2>/dev/null) || p=''
	if [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = qemu-system-x86 ]; then
		sleep 1
		kill -KILL "$p" 2>/dev/null || true
	fi
	[ -z "$teepid" ] || kill "$teepid" 2>/dev/null || true
	[ -z "$tap" ] || ip -n "$netns" link del "$tap" 2>/dev/null || true
	rm -f "$out/console.fifo"
	[ "$interactive" = 0 ] || ! [ -t 0 ] || stty sane 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

say "out folder $out"
# tee reads a FIFO, so the QEMU job below is a plain child whose pid we know
# and whose wait a signal can interrupt (the traps then stop it).
mkfifo "$out/console.fifo"
tee -a "$log" <"$out/console.fifo" &
teepid=$!
timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" <&3 >"$out/console.fifo" 2>&1 &
qpid=$!
qrc=0
wait "$qpid" || qrc=$?
qpid=''
wait "$teepid" || true
teepid=''

rc=$(cat "$out/rc" 2>/dev/null) || rc=''
trouble=$(grep -aE '\[ *[0-9]+\.[0-9]+\] (WARNING:|BUG:|Oops|Kernel panic|general protection fault)' "$log" | head -n 5) || true
if [ -n "$trouble" ]; then
	printf '%s\n' "$trouble" >&2
	say "kernel panic or WARN in the guest; see $log"
	exit 125
fi
if [ -n "$rc" ] && [ "$qrc" = $(((rc << 1 | 1) & 255)) ]; then
	exit "$rc"
fi
if [ -n "$rc" ] && [ "$qrc" = 0 ] && [ "$interactive" = 1 ]; then
	exit "$rc" # the user quit QEMU (Ctrl-A x) from the guest shell
fi
case $qrc in
124 | 137) say "timed out after $timeout_s s; see $log"; exit 124 ;;
0) say "kernel panic or WARN in the guest; see $log"; exit 125 ;;
*) say "the VM stopped before the command reported (QEMU exit $qrc); see $log"; exit 125 ;;
esac
