#!/bin/bash
# Sets up a fresh Debian 12 machine and runs every ucphone test:
# kernel style, userspace unit tests (plain and under ASan/UBSan), daemon
# integration, kernel kselftests inside the QEMU VM, the phone image in
# QEMU, and the real-server testbed. Ends with one line
# "N passed, N failed, N skipped" and exits non-zero when anything failed.
#
#   scripts/test.sh            everything
#   scripts/test.sh unit vm    only the named stages (see STAGES below)
#
# How the stages are arranged (the whole suite within 25 minutes on two
# cores is the goal): the build (setup) and the stages with timing
# assertions (unit, vm, testbed, asan) run in the foreground, one at a
# time, in that order. The stages without timing assertions (compiles,
# fuzzing from seeds, the image and update tests, whose waits are hang
# guards) run from the end of setup on, in two lanes beside the
# foreground, at the lowest CPU priority (nice 19, SCHED_IDLE), so that
# they take only the CPU the foreground leaves idle (the real-time media
# tests and the testbed's calls mostly wait):
#   lane 1: the vm stage's kernel and initramfs, style, the asan build,
#           package, fuzz, image
#   lane 2: the phone images, update (mostly waiting on the phone's trial
#           time, so in a lane of its own)
# (image's and update's guests with hang guards 4 times longer). vm and
# testbed wait for style (its sparse pass rebuilds the modules' objects),
# vm also for its kernel and initramfs, asan's tests for the asan build;
# the lanes' guests (package's arm64 boot, image's and update's tests, not
# the builds) wait for the vm stage, whose guests take both cores (the
# image's screen console test, with timing checks, is the vm stage's). The
# lanes' verdicts print at the end. UCPHONE_TEST_SERIAL=1 runs every stage
# on its own, in STAGES order.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
logs=$repo/build/test-logs
passed=0 failed=0 skipped=0
failed_names=()

STAGES=(setup style unit asan fuzz vm image update package testbed)
# The foreground stages, in their order; every other stage runs in a lane.
FOREGROUND=(setup unit vm testbed asan)
# The lanes: each a list of stages run one after the other; the lanes run
# side by side. vm-prep, asan-build and image-build are steps of other
# stages made ahead (vm's kernel and initramfs, asan's compile: its tests
# stay in the foreground, the images). update (mostly waiting on the
# phone's trial time) has a lane of its own, so that its waits leave the
# CPU to the other lane.
LANES=("vm-prep style asan-build package fuzz image" "image-build update")

say() { printf '\n=== %s\n' "$*"; }

# Adds a TAP log's verdicts to the totals; a stage that printed no verdict
# but failed counts as one failure.
count_tap() {
	local stage=$1 log=$2 rc=$3 p f s
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $stage exited $rc without a failing test: see $log"
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" -gt 0 ] && failed_names+=("$stage")
	printf '%s: %d passed, %d failed, %d skipped (%s)\n' "$stage" "$p" "$f" "$s" "$log"
}

# Runs a stage command, keeping its whole output in a log and showing the
# verdict lines as they come.
run_stage() {
	local stage=$1 log=$logs/$1.log rc start
	shift
	say "$stage"
	start=$(date +%s)
	# Each command of the stage is traced into its log with the stage's
	# seconds so far ("# +[12s] tests/vm/..."): where the time goes.
	(
		PS4='# +[${SECONDS}s] ' SECONDS=0
		set -x
		"$@"
	) >"$log" 2>&1
	rc=$?
	grep -E '^(not )?ok [0-9]+' "$log" | sed 's/^/  /'
	[ "$rc" -ne 0 ] && tail -n 30 "$log" | sed 's/^/  | /'
	count_tap "$stage" "$log" "$rc"
	echo "$stage took $(($(date +%s) - start)) s"
}

# The kernel modules (one make job) build while Meson builds the userspace.
stage_setup() {
	local kpid krc=0 urc=0
	scripts/install-deps.sh || return 1
	make modules test-modules &
	kpid=$!
	{ scripts/extract-linux-source.sh && make userspace; } || urc=1
	wait "$kpid" || krc=1
	[ "$krc" = 0 ] || echo "# the kernel modules do not build"
	[ "$urc" = 0 ] || echo "# the userspace does not build"
	[ "$krc" = 0 ] && [ "$urc" = 0 ] &&
		echo "ok 1 - build: kernel modules and userspace"
}

stage_style() {
	local rc=0
	scripts/check-kernel-style.sh || rc=1
	tests/dts/check.sh || rc=1
	scripts/check-include-direction.sh || rc=1
	return $rc
}

# Unit tests and the daemon's integration test (degraded: no module on the host).
stage_unit() { tests/run-meson-tests.sh build; }

asan_build() {
	[ -f build-asan/build.ninja ] ||
		meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan
}
stage_asan() {
	# (a no-op when a lane made the build)
	asan_build && tests/run-meson-tests.sh build-asan
}

# Every libFuzzer target (clang), built and run briefly from its seeds: a
# parser change that crashes on a known input, or no longer builds, fails
# here. Longer runs: FUZZ_SECONDS=600 meson test -C build-fuzz --suite fuzz.
stage_fuzz() {
	[ -f build-fuzz/build.ninja ] ||
		CC=clang meson setup build-fuzz -Dfuzz=true || return 1
	ninja -C build-fuzz fuzz || return 1
	FUZZ_SECONDS=${FUZZ_SECONDS:-5} meson test -C build-fuzz --suite fuzz \
		--num-processes 2 --print-errorlogs
	local rc=$?
	tests/fuzz/tap-from-meson.py build-fuzz/meson-logs/testlog.json
	return $rc
}

# What the vm stage's guests boot (Debian's kernel, the initramfs, gpio-sim
# for the keypad tests), fetched and built ahead in a lane.
vm_prep() {
	tests/vm/prepare.sh && tests/kmod/gpio-sim/build.sh
}

# The kernel tests in one VM, the phone's screens on a VM display and on
# the image's screen console (its redraw times are measured: a foreground
# test).
stage_vm() {
	local rc=0
	tests/vm/run-kselftests.sh || rc=1
	tests/ui/test_ui_vm.py build || rc=1
	tests/image/screen.sh || rc=1
	return $rc
}

# In a lane, a stage's guests start once the vm stage's (two cores' worth)
# are done: a guest starved for minutes would outlast its hang guards or
# the phone's update trial time.
lane_guests() {
	[ -z "${UCPHONE_LANE:-}" ] || fg_wait_for "$logs/vm.done"
}

# The phone images, built ahead in a lane: the busybox one before the vm
# stage's screen console test asks for it, the systemd variant (for the
# image stage) after it,
# early in the testbed, so that no build holds the image lock (the
# foreground's image tests wait on it) for long. Cached by their inputs;
# the stages repeat it, a no-op once made.
image_build() {
	scripts/build-image.sh >/dev/null || return 1
	in_list image "${stages[@]}" || return 0
	lane_guests
	scripts/build-image.sh --init systemd >/dev/null
}

# The phone image in QEMU, no testbed: A/B slot switch and rollback, power
# cuts during settings writes, the systemd variant's units. In a lane its guests run at idle priority: every wait of
# tests/image/lib.sh is a hang guard, made UCPHONE_IMAGE_SLOW times longer.
stage_image() {
	local rc=0
	image_build || rc=1
	lane_guests
	tests/image/ab-boot.sh || rc=1
	# three cuts keep the suite short; `tests/image/power-cut.sh 20` for a long loop
	tests/image/power-cut.sh 3 || rc=1
	tests/image/systemd-boot.sh || rc=1
	return $rc
}

# Updates of the phone image in QEMU, no testbed: one installed with RAUC,
# booted, confirmed, a broken one rolled back after its trial time; power
# cuts during install, slot switch and first boot (three in the suite;
# `tests/image/update-power-cut.sh 20` for a long loop). Hang guards as in
# the image stage.
stage_update() {
	local rc=0
	scripts/build-image.sh >/dev/null || rc=1
	lane_guests
	tests/image/update-install.sh || rc=1
	tests/image/update-power-cut.sh 3 || rc=1
	# an update whose daemon cannot start: rolled back by the watchdog
	tests/image/update-watchdog.sh || rc=1
	return $rc
}

# Packaging for real boards: dkms.conf builds the modules against Debian's
# kernel headers; they cross-build for arm64 against Debian's arm64 headers
# and bind from the arm64 board's device tree; the A/B boot state logic.
# (The phone image boots on the testbed: testbed stage.)
stage_package() {
	local rc=0
	tests/dkms/build.sh || rc=1
	tests/arm64/cross-build.sh || rc=1
	tests/arm64/boot-dt.sh || rc=1
	tests/image/bootstate.sh || rc=1
	return $rc
}

# The real servers, once up for every integration test: the smoke test,
# then each tests/integration/*.sh (TAP; the bed's names and addresses are
# in ${UCPHONE_TESTBED_RUN:-tests/testbed/run}/env).
stage_testbed() {
	local rc=0 test
	# Namespace names (and run state) per checkout, so that two checkouts on
	# one machine can test at once.
	export UCPHONE_TB_PREFIX=${UCPHONE_TB_PREFIX:-tb$(printf %s "$repo" | md5sum | cut -c1-4)}
	export UCPHONE_TESTBED_RUN=${UCPHONE_TESTBED_RUN:-$repo/tests/testbed/run-$UCPHONE_TB_PREFIX}
	if tests/testbed/up.sh; then
		tests/testbed/smoke.sh || rc=1
		for test in tests/integration/*.sh; do
			[ -x "$test" ] || continue
			echo "# integration: ${test##*/}"
			"$test" "$repo/build" || rc=1
		done
	else
		rc=1
	fi
	tests/testbed/down.sh
	return $rc
}

# lane_start NAME STAGE...: runs the stages one after the other in the
# background at nice 19 under SCHED_IDLE; lane_wait NAME shows their output
# and counts them. "asan-build" (asan_build), "vm-prep" (vm_prep) and
# "image-build" (image_build) are steps of a stage made ahead, logged in
# STEP.log, with no verdict of their own (the stage repeats them: a no-op
# once made, their errors shown there).
# After each stage the lane touches STAGE.done in the logs.
declare -A lane_pid=()
lane_names=()
lane_start() {
	local name=$1
	shift
	(
		renice -n 19 -p "$BASHPID" >/dev/null
		# SCHED_IDLE where allowed: never preempts the foreground stage
		chrt --idle -p 0 "$BASHPID" 2>/dev/null
		# a guest beside another stage runs slower: longer hang guards
		export UCPHONE_IMAGE_SLOW=${UCPHONE_IMAGE_SLOW:-4} UCPHONE_LANE=$name
		passed=0 failed=0 skipped=0 failed_names=()
		for stage in "$@"; do
			case $stage in
			# the image takes the modules style's sparse pass rebuilds
			image-build | image | update) lane_wait_for "$logs/style.done" ;;
			# its arm64 guest has a hang guard (see lane_guests)
			package) fg_wait_for "$logs/vm.done" ;;
			esac
			if [[ $stage == *-* ]]; then
				(PS4='# +[${SECONDS}s] ' SECONDS=0; set -x; "${stage/-/_}") >"$logs/$stage.log" 2>&1
			else
				run_stage "$stage" "stage_$stage"
			fi
			touch "$logs/$stage.done"
		done
		echo "$passed $failed $skipped ${failed_names[*]}" >"$logs/lane-$name.counts"
	) >"$logs/lane-$name.out" 2>&1 &
	lane_pid[$name]=$!
	lane_names+=("$name")
	echo "(beside, at idle priority: $*)"
}
lane_wait() {
	local name=$1 p=0 f=1 s=0 names=$1
	[ -n "${lane_pid[$name]:-}" ] || return 0
	wait "${lane_pid[$name]}"
	unset "lane_pid[$name]"
	cat "$logs/lane-$name.out"
	[ -f "$logs/lane-$name.counts" ] && read -r p f s names <"$logs/lane-$name.counts"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	# shellcheck disable=SC2206 # stage names are words
	[ -z "$names" ] || failed_names+=($names)
}
# Waits until FILE exists or the foreground (this script) has ended.
fg_wait_for() {
	while ! [ -e "$1" ] && kill -0 $$ 2>/dev/null; do sleep 1; done
}
# Waits until FILE exists or no lane is left that could make it.
lane_wait_for() {
	local n p
	while ! [ -e "$1" ]; do
		n=0
		for p in "${lane_pid[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done
		[ "$n" -gt 0 ] || return 0
		sleep 1
	done
}

# lanes_start LANE...: each LANE a list of stages, numbered from 1.
lanes_start() {
	local lane n=1
	for lane in "$@"; do
		# shellcheck disable=SC2086 # a lane is a list of stage names
		lane_start "$n" $lane
		n=$((n + 1))
	done
}

in_list() { local x=$1; shift; [[ " $* " == *" $x "* ]]; }

main() {
	local stages=("$@") stage t0 fg=() lanes=() lane l
	[ ${#stages[@]} -eq 0 ] && stages=("${STAGES[@]}")
	mkdir -p "$logs"
	rm -f "$logs"/lane-*.out "$logs"/lane-*.counts "$logs"/*.done "$logs"/{asan-build,vm-prep,image-build}.log
	t0=$(date +%s)
	for stage in "${stages[@]}"; do
		if ! declare -F "stage_$stage" >/dev/null; then
			echo "unknown stage '$stage' (stages: ${STAGES[*]})" >&2
			exit 2
		fi
	done
	# The foreground order and the lanes.
	if [ "${UCPHONE_TEST_SERIAL:-0}" != 0 ]; then
		fg=("${stages[@]}")
	else
		for stage in "${FOREGROUND[@]}"; do
			in_list "$stage" "${stages[@]}" && fg+=("$stage")
		done
		for lane in "${LANES[@]}"; do
			l=()
			for stage in $lane; do
				if [ "$stage" = image-build ]; then
					{ in_list vm "${stages[@]}" || in_list image "${stages[@]}" ||
						in_list update "${stages[@]}" || in_list testbed "${stages[@]}"; } &&
						l+=("$stage")
				elif [[ $stage == *-* ]]; then
					in_list "${stage%-*}" "${stages[@]}" && l+=("$stage")
				elif in_list "$stage" "${stages[@]}"; then
					l+=("$stage")
				fi
			done
			[ ${#l[@]} -eq 0 ] || lanes+=("${l[*]}")
		done
		# a stage named in neither list runs in the foreground, last
		for stage in "${stages[@]}"; do
			in_list "$stage" "${fg[@]}" "${LANES[@]}" || fg+=("$stage")
		done
	fi
	# With nothing in the foreground to run beside, all of it runs there.
	if [ ${#lanes[@]} -gt 0 ] && ! [[ " ${fg[*]} " =~ \ (unit|vm|testbed|asan)\  ]]; then
		fg=("${stages[@]}") lanes=()
	fi
	# What no lane makes is not waited for.
	in_list style "${lanes[@]}" || touch "$logs/style.done"
	in_list asan-build "${lanes[@]}" || touch "$logs/asan-build.done"
	in_list vm-prep "${lanes[@]}" || touch "$logs/vm-prep.done"
	in_list vm "${fg[@]}" || touch "$logs/vm.done"
	# With no setup to wait for, the lanes start at once.
	if [ ${#lanes[@]} -gt 0 ] && ! in_list setup "${fg[@]}"; then
		lanes_start "${lanes[@]}"
		lanes=()
	fi
	for stage in "${fg[@]}"; do
		case $stage in
		vm) lane_wait_for "$logs/style.done" && lane_wait_for "$logs/vm-prep.done" ;;
		testbed | image | update) lane_wait_for "$logs/style.done" ;;
		asan) lane_wait_for "$logs/asan-build.done" ;;
		esac
		run_stage "$stage" "stage_$stage"
		touch "$logs/$stage.done"
		# Nothing else can run without a build.
		if [ "$stage" = setup ] && [ "$failed" -gt 0 ]; then
			break
		fi
		if [ "$stage" = setup ] && [ ${#lanes[@]} -gt 0 ]; then
			echo
			lanes_start "${lanes[@]}"
		fi
	done
	# The lanes' verdicts.
	for lane in "${lane_names[@]}"; do lane_wait "$lane"; done
	echo
	echo "total time $(($(date +%s) - t0)) s"
	[ ${#failed_names[@]} -gt 0 ] && echo "failing stages: ${failed_names[*]}"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
