#!/bin/sh
# srtp_flow (userspace/media) on ucphone-srtp.ko, inside the test VM: the
# assertions the host runs on libsrtp2 (tests/unit/test_srtp_flow.c), here
# against the kernel, so both backends behave the same. TAP.
build=${1:-build}
modprobe ucphone-srtp || { echo "1..1"; echo "not ok 1 - modprobe ucphone-srtp"; exit 1; }
UCPHONE_SRTP_FLOW=kernel "$build/tests/unit/test_srtp_flow"
rc=$?
rmmod ucphone_srtp
exit $rc
