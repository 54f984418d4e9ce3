#!/bin/bash
# Sets up a fresh Debian 12 machine and runs every ucphone test:
# kernel style, userspace unit tests (plain and under ASan/UBSan), daemon
# integration, kernel kselftests inside the QEMU VM, and the real-server
# testbed. Ends with one line "N passed, N failed, N skipped" and exits
# non-zero when anything failed.
#
#   scripts/test.sh            everything
#   scripts/test.sh unit vm    only the named stages (see STAGES below)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
logs=$repo/build/test-logs
passed=0 failed=0 skipped=0
failed_names=()

STAGES=(setup style unit asan fuzz vm package testbed)
# Stages without timing assertions (compiles, fuzzing from seeds, a boot
# with a hang guard only) run beside the testbed, which mostly waits on
# real-time calls: at the lowest CPU priority (nice 19, SCHED_IDLE), so
# that they take only the CPU the testbed leaves idle. Their verdicts print
# after the testbed's.
# UCPHONE_TEST_SERIAL=1 runs every stage on its own.
BESIDE_TESTBED=(package fuzz)

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

stage_setup() {
	scripts/install-deps.sh &&
	scripts/extract-linux-source.sh &&
	make modules test-modules &&
	make userspace &&
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

stage_asan() {
	[ -f build-asan/build.ninja ] ||
		meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan && tests/run-meson-tests.sh build-asan
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

# The kernel tests in one VM, the phone's screens on a VM display, the image.
stage_vm() {
	local rc=0
	tests/vm/run-kselftests.sh || rc=1
	tests/ui/test_ui_vm.py build || rc=1
	# The phone image: A/B slot switch and rollback, power cuts during
	# settings writes, the systemd variant's unit.
	tests/image/ab-boot.sh || rc=1
	# three cuts keep the suite short; `tests/image/power-cut.sh 20` for a long loop
	tests/image/power-cut.sh 3 || rc=1
	# An update installed with RAUC, booted, confirmed; a broken one rolled
	# back; power cuts during install, slot switch and first boot (three in
	# the suite; `tests/image/update-power-cut.sh 20` for a long loop).
	tests/image/update-install.sh || rc=1
	tests/image/update-power-cut.sh 3 || rc=1
	# an update whose daemon cannot start: rolled back by the watchdog
	tests/image/update-watchdog.sh || rc=1
	tests/image/systemd-boot.sh || rc=1
	tests/image/screen.sh || rc=1
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

# beside_start STAGE...: runs the stages one after the other in the
# background at nice 19; beside_wait shows their output and counts them.
beside_pid=''
beside_start() {
	(
		renice -n 19 -p "$BASHPID" >/dev/null
		# SCHED_IDLE where allowed: never preempts the testbed's servers
		chrt --idle -p 0 "$BASHPID" 2>/dev/null
		passed=0 failed=0 skipped=0 failed_names=()
		for stage in "$@"; do
			run_stage "$stage" "stage_$stage"
		done
		echo "$passed $failed $skipped ${failed_names[*]}" >"$logs/beside.counts"
	) >"$logs/beside.out" 2>&1 &
	beside_pid=$!
}
beside_wait() {
	local p=0 f=1 s=0 names=beside
	[ -n "$beside_pid" ] || return 0
	wait "$beside_pid"
	beside_pid=''
	cat "$logs/beside.out"
	[ -f "$logs/beside.counts" ] && read -r p f s names <"$logs/beside.counts"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	# shellcheck disable=SC2206 # stage names are words
	[ -z "$names" ] || failed_names+=($names)
}

main() {
	local stages=("$@") stage t0 beside=() later_testbed=0
	[ ${#stages[@]} -eq 0 ] && stages=("${STAGES[@]}")
	mkdir -p "$logs"
	rm -f "$logs/beside.out" "$logs/beside.counts"
	t0=$(date +%s)
	for stage in "${stages[@]}"; do
		if ! declare -F "stage_$stage" >/dev/null; then
			echo "unknown stage '$stage' (stages: ${STAGES[*]})" >&2
			exit 2
		fi
	done
	for stage in "${stages[@]}"; do
		later_testbed=0
		[[ " ${stages[*]} " == *" $stage "*"testbed "* ]] && later_testbed=1
		if [ "$later_testbed" = 1 ] && [ "${UCPHONE_TEST_SERIAL:-0}" = 0 ] &&
			[[ " ${BESIDE_TESTBED[*]} " == *" $stage "* ]]; then
			beside+=("$stage")
			continue
		fi
		if [ "$stage" = testbed ] && [ ${#beside[@]} -gt 0 ]; then
			# in BESIDE_TESTBED's order (the package's guest boot first)
			mapfile -t beside < <(printf '%s\n' "${BESIDE_TESTBED[@]}" |
				grep -Fxf <(printf '%s\n' "${beside[@]}"))
			echo
			echo "(beside the testbed, at idle priority: ${beside[*]})"
			beside_start "${beside[@]}"
		fi
		run_stage "$stage" "stage_$stage"
		[ "$stage" = testbed ] && beside_wait
		# Nothing else can run without a build.
		if [ "$stage" = setup ] && [ "$failed" -gt 0 ]; then
			break
		fi
	done
	echo
	echo "total time $(($(date +%s) - t0)) s"
	[ ${#failed_names[@]} -gt 0 ] && echo "failing stages: ${failed_names[*]}"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
