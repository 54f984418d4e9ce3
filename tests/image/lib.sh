# shellcheck shell=bash
# Drives a phone booted from its disk image (scripts/boot-image.sh) through
# the board's service console, for the image test and the boot benchmark.
# Source it, then:
#   image_boot [boot-image.sh options...]   boot in the background; sets
#                                           IMAGE_DIR, IMAGE_CONSOLE (log)
#   image_wait_ready SECONDS                wait for the service console
#   guest 'COMMAND LINE' [SECONDS]          run it in the guest's shell; its
#                                           output on stdout, its exit status
#   image_stop                              power off (kill QEMU if it hangs)
# Console lines are stamped on arrival: IMAGE_DIR/console.stamped holds
# "<seconds since image_boot> <line>"; IMAGE_QEMU_T is when QEMU started.
# Every wait above is a hang guard, not a measurement: UCPHONE_IMAGE_SLOW=N
# (a whole number, default 1) makes them N times longer, for a guest that
# runs beside other work at idle CPU priority (scripts/test.sh does so).

IMAGE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGE_DIR='' IMAGE_CONSOLE='' IMAGE_PID='' IMAGE_T0='' IMAGE_QEMU_T=''
IMAGE_SLOW=${UCPHONE_IMAGE_SLOW:-1}
[[ $IMAGE_SLOW =~ ^[1-9][0-9]*$ ]] || IMAGE_SLOW=1

# Seconds since image_boot, to the millisecond. A script that starts
# scripts/boot-image.sh --service itself sets IMAGE_DIR and IMAGE_T0.
image_elapsed() {
	local now=${EPOCHREALTIME/./}
	local d=$((now / 1000 - IMAGE_T0))
	printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

image_boot() {
	local a prev='' args=()
	# QEMU's own time limit (--timeout SEC) is a hang guard too.
	for a in "$@"; do
		[ "$prev" = --timeout ] && [[ $a =~ ^[0-9]+$ ]] && a=$((a * IMAGE_SLOW))
		args+=("$a") prev=$a
	done
	set -- "${args[@]}"
	IMAGE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-image.XXXXXX")
	IMAGE_CONSOLE=$IMAGE_DIR/console.log
	IMAGE_T0=$((${EPOCHREALTIME/./} / 1000))
	# boot-image.sh makes the FIFOs; it runs in its own process group so
	# that image_stop can end it and QEMU together.
	setsid "$IMAGE_REPO/scripts/boot-image.sh" --service "$IMAGE_DIR" "$@" \
		</dev/null 2>"$IMAGE_DIR/boot.err" |
		while IFS= read -r line; do
			line=${line%$'\r'}
			printf '%s\n' "$line" >>"$IMAGE_CONSOLE"
			printf '%s %s\n' "$(image_elapsed)" "$line" >>"$IMAGE_DIR/console.stamped"
		done &
	IMAGE_PID=$!
}

# The FIFOs exist once boot-image.sh got past the image build.
image_open() {
	local i
	for i in $(seq 1 $((1200 * IMAGE_SLOW))); do
		[ -p "$IMAGE_DIR/svc.out" ] && [ -s "$IMAGE_DIR/qemu.pid" ] && break
		[ -z "$IMAGE_PID" ] || kill -0 "$IMAGE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	# When QEMU started (its pid file appeared), for the boot benchmark.
	IMAGE_QEMU_T=$(image_elapsed)
	# Read-write opens of a FIFO never block.
	exec {IMAGE_IN}<>"$IMAGE_DIR/svc.in" {IMAGE_OUT}<>"$IMAGE_DIR/svc.out"
	IMAGE_PARTIAL=''
}

# image_readline: one whole console line into $line (status 0), or status 1
# after a second without one. What arrived of an unfinished line is kept for
# the next call: under a loaded TCG guest a line can come in pieces, and
# read's timeout must not cut a marker in two.
image_readline() {
	local part=''
	if IFS= read -r -t 1 -u "$IMAGE_OUT" part; then
		line=$IMAGE_PARTIAL$part
		IMAGE_PARTIAL=''
		line=${line%$'\r'}
		return 0
	fi
	IMAGE_PARTIAL=$IMAGE_PARTIAL$part
	return 1
}

image_wait_ready() {
	local deadline=$((SECONDS + $1 * IMAGE_SLOW)) line
	image_open || return 1
	while [ "$SECONDS" -lt "$deadline" ]; do
		image_readline || continue
		[ "$line" = "ucphone-service-console: ready" ] && return 0
	done
	return 1
}

# guest 'CMD' [TIMEOUT]: the marker carries a nonce so that output which
# happens to look like a marker is not taken for one.
guest() {
	local cmd=$1 timeout=${2:-60} nonce line deadline
	nonce=$RANDOM$RANDOM
	printf '%s\necho "@@done-%s $?"\n' "$cmd" "$nonce" 1>&"$IMAGE_IN"
	deadline=$((SECONDS + timeout * IMAGE_SLOW))
	while [ "$SECONDS" -lt "$deadline" ]; do
		image_readline || continue
		case $line in
		"@@done-$nonce "*) return "${line##* }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
	echo "guest: no answer within $timeout s to: ${cmd%%$'\n'*}" >&2
	return 124
}

# guest_wait 'CMD' SECONDS: until CMD succeeds in the guest, quietly.
guest_wait() {
	local deadline=$((SECONDS + $2 * IMAGE_SLOW))
	while [ "$SECONDS" -lt "$deadline" ]; do
		guest "$1" 20 >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

image_stop() {
	local pid i
	[ -n "$IMAGE_PID" ] || return 0
	printf 'poweroff\n' 1>&"$IMAGE_IN" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$IMAGE_PID" 2>/dev/null || break
		sleep 0.1
	done
	pid=$(cat "$IMAGE_DIR/qemu.pid" 2>/dev/null) || pid=''
	if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ]; then
		kill -TERM "$pid" 2>/dev/null
		sleep 1
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$IMAGE_PID" 2>/dev/null
	IMAGE_PID=''
	# (the group's 2> ends with it; a bare exec would keep it for good)
	{ exec {IMAGE_IN}>&- {IMAGE_OUT}<&-; } 2>/dev/null
}

# image_wait_exit SECONDS: the guest powers off or reboots by itself
# (QEMU runs with -no-reboot, so a reboot ends it); status 1 if it still
# runs after SECONDS.
image_wait_exit() {
	local deadline=$((SECONDS + $1 * IMAGE_SLOW))
	[ -n "$IMAGE_PID" ] || return 0
	while kill -0 "$IMAGE_PID" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 1
	done
	wait "$IMAGE_PID" 2>/dev/null
	IMAGE_PID=''
	{ exec {IMAGE_IN}>&- {IMAGE_OUT}<&-; } 2>/dev/null
	return 0
}

# image_cut: the power cut: QEMU killed at once (SIGKILL), whatever the
# guest was writing. What the guest had handed to its virtual disk is in
# the disk image; what was still in its page cache is lost.
image_cut() {
	local pid
	[ -n "$IMAGE_PID" ] || return 0
	pid=$(cat "$IMAGE_DIR/qemu.pid" 2>/dev/null) || pid=''
	if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ]; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$IMAGE_PID" 2>/dev/null
	IMAGE_PID=''
	# (the group's 2> ends with it; a bare exec would keep it for good)
	{ exec {IMAGE_IN}>&- {IMAGE_OUT}<&-; } 2>/dev/null
}
