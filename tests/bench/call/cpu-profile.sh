#!/bin/bash
# Where ucphoned's cycles go during a G.711 SRTP call to the bed's bob: per-thread CPU
# time, a perf cpu-clock profile (call graph), context switches and a syscall census.
# A diagnosis aid; asserts nothing.
#   /work/wt/tools/tb-run tests/bench/call/cpu-profile.sh
set -uo pipefail
PROFILE_SECONDS=${PROFILE_SECONDS:-15}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../integration/lib/phone-daemon.sh
. "$HERE/../../integration/lib/phone-daemon.sh"
# shellcheck source=../../integration/lib/signin.sh
. "$HERE/../../integration/lib/signin.sh"
# shellcheck source=../../integration/lib/calls.sh
. "$HERE/../../integration/lib/calls.sh"
trap cleanup EXIT
OUT=${PROFILE_OUT:-/tmp/ucphone-cpu-profile}
mkdir -p "$OUT"
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$BUILD/tests/media/asound.conf
export UCPHONE_TEST_A_IN=$W/mic.raw UCPHONE_TEST_A_OUT=/dev/null
sox -q -n -r 8000 -c 1 -b 16 -e signed -t raw "$UCPHONE_TEST_A_IN" synth 120 sine 1000 vol 0.5
daemon_start --audio-playback ${PROFILE_PLAY:-ucphone_bench_play} --audio-capture ${PROFILE_CAP:-ucphone_bench_cap} ${PROFILE_ARGS:-}
signin && sip_is registered 30 || { echo "not registered"; exit 1; }
sleep 1
threads() {
  for t in /proc/"$DAEMON_PID"/task/*; do
    printf '%s %s %s %s %s\n' "${t##*/}" "$(cat "$t/comm")" "$(awk '{print $14 + $15, $14, $15}' "$t/stat")"
  done
}
idle0=$(threads); sleep 5; idle1=$(threads)
echo "# idle 5 s, ticks per thread:"; join <(echo "$idle0" | sort) <(echo "$idle1" | sort) | awk '{print "#  ", $2, $7 - $3}'
ctl dial bob >/dev/null
call_is connected 10 || { echo "no call"; exit 1; }
sleep 1
t0=$(threads)
perf stat -e task-clock,context-switches,cpu-migrations,page-faults -p "$DAEMON_PID" -o "$OUT/stat.txt" -- sleep 5
strace -f -c -p "$DAEMON_PID" -o "$OUT/strace.txt" &
st=$!
sleep 5
kill -INT "$st"; wait "$st" 2>/dev/null
strace -tt -p "$DAEMON_PID" -o "$OUT/strace-main.txt" &
st=$!
sleep 2
kill -INT "$st"; wait "$st" 2>/dev/null
perf record -F ${PROFILE_HZ:-499} -g -e cpu-clock -p "$DAEMON_PID" -o "$OUT/perf.data" -- sleep "$PROFILE_SECONDS" 2>/dev/null
t1=$(threads)
echo "# call $((PROFILE_SECONDS + 5)) s, ticks per thread (user, system):"
join <(echo "$t0" | sort) <(echo "$t1" | sort) | awk '{print "#  ", $2, $7 - $3, "(" $8 - $4 ", " $9 - $5 ")"}'
cjs '.calls[0] | "# rtp_sent \(.rtp_sent) srtp_path \(.srtp_path) allocs \(.media_thread_allocs)"'
ctl hangup >/dev/null
call_is idle 10
sed 's/^/# /' "$OUT/stat.txt"
head -40 "$OUT/strace.txt" | sed 's/^/# /'
echo "# main thread, 2 s of syscalls:"; awk '{print $2}' "$OUT/strace-main.txt" | sed 's/(.*//' | sort | uniq -c | sort -rn | head | sed 's/^/# /'
perf report -i "$OUT/perf.data" --no-children --sort comm,dso,sym --stdio 2>/dev/null | grep -v '^$' | head -150 > "$OUT/report.txt"
perf report -i "$OUT/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30 | sed 's/^/# /'
perf report -i "$OUT/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 | sed 's/^/# /'
cp "$W/daemon.log" "$OUT/daemon.log"
chmod -R a+rX "$OUT"
exit 0
