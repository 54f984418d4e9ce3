#!/bin/sh
# Inside the test VM (started by run-kselftests.sh): run each kernel test
# program (build/tests/kselftest/*_test), then each scenario script in
# tests/vm/guest.d/ (called with the build folder, printing TAP), then check
# that the kernel logged no warning. Exit status: the number of failures.
build=${1:-build}
failed=0

for test in "$build"/tests/kselftest/*_test; do
	[ -x "$test" ] || continue
	echo "# kselftest: ${test##*/}"
	"$test" || failed=$((failed + 1))
done

# Scenario scripts (TAP) that need the VM: the daemon with the modules...
for script in tests/vm/guest.d/*.sh; do
	[ -x "$script" ] || continue
	echo "# guest scenario: ${script##*/}"
	"$script" "$build" || failed=$((failed + 1))
done

# panic_on_warn stops the VM on a WARN; other splats only print.
echo "TAP version 13"
echo "1..1"
if dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|UBSAN:|refcount_t:|list_add corruption|list_del corruption' >/tmp/splat; then
	cat /tmp/splat | sed 's/^/# /'
	echo "not ok 1 - kernel log has no warning, bug or oops"
	failed=$((failed + 1))
else
	echo "ok 1 - kernel log has no warning, bug or oops"
fi
exit $failed
