#!/bin/bash
# The phone's receive path under a bad network: a call to the bed's bob through the
# test-only impairment bridge (tests/bench/quality/impair_bridge.py) at 5 % random loss
# and 40 ms jitter both ways, 10 s of espeak-ng speech: what the phone's earpiece plays
# has no gap over 60 ms and nothing played twice (measured by tests/bench/quality/qmeter
# against the sent speech), and the jitter buffer's delay is reported.
#   quality-impair.sh BUILD_DIR
QUALITY_CHECK=1 exec "$(dirname "$0")/../bench/quality.sh" "$@"
