#!/bin/bash
# Call benchmarks: the phone (ucphoned as alice) against a baresip 1.0 caller (a second
# baresip on alice's account, aubridge player, aufile source: never alsa,null), both calling
# the bed's bob through the same kamailio over TLS with G.711 SRTP, measured side by side
# in one run. Prints a table of figures and ratios (ucphone / baresip); asserts nothing.
#  (a) call setup: INVITE sent (the caller's first large TLS record to kamailio after the
#      dial) -> first RTP packet from bob at the caller, both from tcpdump timestamps in
#      the caller's namespace, BENCH_TRIALS calls each; for ucphone also its own
#      INVITE -> 200 (setup_ms) and media start -> first frame played (first_audio_ms).
#  (b) CPU per call: utime+stime of the caller's process (/proc/PID/stat) over a
#      BENCH_SECONDS call, and instructions from `perf stat` when the host can count them.
#  (c) media thread: heap allocations per 20 ms frame (the phone's own counter; on the host
#      SRTP runs in Debian's libsrtp2, whose allocations are counted, not hidden) and
#      send-time jitter: stddev and p99 of the intervals between the caller's RTP packets.
# BENCH_SECONDS: length of the CPU call (default 20; 60 for the full measurement).
#   /work/wt/tools/tb-run tests/bench/call/call-bench.sh
set -uo pipefail
BENCH_SECONDS=${BENCH_SECONDS:-20}
BENCH_TRIALS=${BENCH_TRIALS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../integration/lib/phone-daemon.sh
. "$HERE/../../integration/lib/phone-daemon.sh"
# shellcheck source=../../integration/lib/signin.sh
. "$HERE/../../integration/lib/signin.sh"
# shellcheck source=../../integration/lib/calls.sh
. "$HERE/../../integration/lib/calls.sh"
ALICE_PID=
cleanup_bench() {
  [ -z "$ALICE_PID" ] || { kill -TERM "$ALICE_PID" 2>/dev/null; wait "$ALICE_PID" 2>/dev/null; }
  cleanup
}
trap cleanup_bench EXIT
say() { echo "# $*" >&2; }

ALSA_CONF=$BUILD/tests/media/asound.conf
[ -f "$ALSA_CONF" ] || { echo "no $ALSA_CONF (build tests/media)"; exit 1; }
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$ALSA_CONF
export UCPHONE_TEST_A_IN=$W/phone-mic.raw UCPHONE_TEST_A_OUT=$W/phone-earpiece.raw
sox -q -n -r 8000 -c 1 -b 16 -e signed -t raw "$UCPHONE_TEST_A_IN" synth 600 sine 1000 vol 0.5
BOB_RTP='src host 10.77.0.3 and src portrange 10000-10100'

# first_rtp_start NS FILTER OUT: tcpdump in NS (epoch timestamps) into OUT, once no RTP
# of a previous call flows any more
first_rtp_start() {
  : > "$3"
  ip netns exec "$1" tcpdump -i any -n -tt -l "$2" >> "$3" 2> "$3.err" &
  TCPDUMP=$!
  for _ in $(seq 50); do grep -q listening "$3.err" && break; sleep 0.05; done
  # the previous call's media must have stopped: a quiet second before the dial
  for _ in $(seq 10); do
    sleep 1
    grep -q UDP "$3" || return 0
    : > "$3"
  done
}
# setup_ms OUT T0: INVITE sent (first TLS record to port 5061 after T0) -> first RTP after it
setup_ms() {
  local i t
  for i in $(seq 100); do
    t=$(awk -v t0="$2" '$1 > t0 && / > [0-9.]+\.5061: / && !inv {inv = $1}
                        $1 > t0 && inv && /UDP/ {printf "%.1f", ($1 - inv) * 1000; exit}' "$1")
    [ -n "$t" ] && break
    sleep 0.1
  done
  kill "$TCPDUMP" 2>/dev/null; wait "$TCPDUMP" 2>/dev/null
  echo "$t"
}
# cpu_s PID: utime+stime in seconds
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# perf_insns PID SECONDS OUT: instructions over SECONDS, or n/a
perf_insns() {
  perf stat -x, -e instructions -p "$1" -o "$3" -- sleep "$2" >/dev/null 2>&1
  awk -F, '/instructions/ {print ($1 ~ /^[0-9]+$/) ? $1 : "n/a"; found=1} END {if (!found) print "n/a"}' "$3"
}
# send_intervals FILE DIR: "stddev_ms p99_ms n" of the intervals between the packets of a
# tcpdump -tt -i any file seen in direction DIR (Out on eth0; loopback shows only In)
send_intervals() {
  awk -v dir="$2" '$3 == dir {print $1}' "$1" | python3 -c '
import statistics, sys
t = [float(x) for x in sys.stdin if x.strip()]
d = sorted((b - a) * 1000 for a, b in zip(t, t[1:]))
if len(d) < 10:
    print("n/a n/a %d" % len(d)); sys.exit()
print("%.3f %.3f %d" % (statistics.pstdev(d), d[min(len(d) - 1, int(len(d) * 0.99))], len(d)))'
}
mean() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print("%.1f" % (sum(v)/len(v)) if v else "n/a")' "$@"; }
ratio() { python3 -c 'import sys
try: print("%.2fx" % (float(sys.argv[1]) / float(sys.argv[2])))
except (ValueError, ZeroDivisionError): print("n/a")' "$1" "$2"; }

# ---------------- ucphone ----------------
daemon_start --audio-playback ucphone_test_a_play --audio-capture ucphone_test_a_cap
signin || { echo "the phone did not sign in"; exit 1; }
sip_is registered 30 || { echo "the phone did not register"; exit 1; }
sleep 1
U_SETUP=() U_INT=()
for i in $(seq "$BENCH_TRIALS"); do
  first_rtp_start "$TB_NS_PHONE" "(udp and $BOB_RTP) or (tcp dst port 5061 and greater 400)" "$W/u-first.$i"
  t0=$(date +%s.%N)
  ctl dial bob >/dev/null
  ms=$(setup_ms "$W/u-first.$i" "$t0")
  call_is connected 10
  sleep 0.5
  U_INT+=("$(cjs '.calls[0] | "\(.setup_ms) \(.first_audio_ms)"')")
  [ -n "$ms" ] && U_SETUP+=("$ms")
  say "ucphone call $i: INVITE sent -> first RTP ${ms:-?} ms (its own setup_ms first_audio_ms: ${U_INT[-1]})"
  ctl hangup >/dev/null
  call_is idle 10
  sleep 2
done

ctl dial bob >/dev/null
call_is connected 10
sleep 1
ip netns exec "$TB_NS_PHONE" tcpdump -i any -n -tt -l "udp and dst host 10.77.0.3 and dst portrange 10000-10100 and greater 100" \
  > "$W/u-sends" 2>/dev/null &
TD=$!
c0=$(cpu_s "$DAEMON_PID")
U_INSNS=$(perf_insns "$DAEMON_PID" "$BENCH_SECONDS" "$W/u-perf")
[ "$U_INSNS" = n/a ] && sleep "$BENCH_SECONDS"
c1=$(cpu_s "$DAEMON_PID")
kill "$TD" 2>/dev/null; wait "$TD" 2>/dev/null
U_CPU=$(python3 -c "print('%.3f' % ($c1 - $c0))")
U_STATS=$(cjs '.calls[0] | "\(.rtp_sent) \(.media_thread_allocs) \(.srtp_path)"')
U_JIT=$(send_intervals "$W/u-sends" Out)
say "ucphone ${BENCH_SECONDS} s call: cpu ${U_CPU} s, insns $U_INSNS, rtp_sent allocs path: $U_STATS, send jitter: $U_JIT"
ctl hangup >/dev/null
call_is idle 10
daemon_stop

# ---------------- baresip (alice's account, second baresip in the peer namespace) ----------------
AD=$W/alice-baresip
mkdir -p "$AD"
sed -e "s#@RUN@#$TB_RUN#g" -e 's#^sip_listen.*#sip_listen\t\t10.77.0.3:5066#' \
    -e 's#^rtp_ports.*#rtp_ports\t\t10400-10500#' -e 's#^ctrl_tcp_listen.*#ctrl_tcp_listen\t\t127.0.0.1:4447#' \
    -e '/sndfile/d' -e '/^snd_path/d' "$TB_DIR/baresip/bob/config.in" > "$AD/config"
printf '<sip:alice@%s;transport=tls>;auth_pass=%s;outbound="sip:sip.%s:5061;transport=tls";mediaenc=srtp-mand;regint=300;audio_codecs=PCMU\n' \
  "$TB_DOMAIN" "$(cat "$TB_USER_PASS_FILE")" "$TB_DOMAIN" > "$AD/accounts"
ip netns exec "$TB_NS_PEER" baresip -f "$AD" </dev/null > "$W/alice-baresip.log" 2>&1 &
ALICE_PID=$!
for _ in $(seq 100); do grep -q '200 OK' "$W/alice-baresip.log" && break; sleep 0.1; done
grep -q '200 OK' "$W/alice-baresip.log" || { echo "baresip alice did not register"; tail "$W/alice-baresip.log"; exit 1; }
sleep 1
B_SETUP=()
DIAL="python3 $HERE/baresip_dial.py 127.0.0.1:4447 sip:bob@$TB_DOMAIN"
for i in $(seq "$BENCH_TRIALS"); do
  first_rtp_start "$TB_NS_PEER" "(udp and src portrange 10000-10100 and dst portrange 10400-10500) or (tcp dst port 5061 and greater 400)" "$W/b-first.$i"
  ip netns exec "$TB_NS_PEER" $DIAL 1.5 > "$W/b-dial.$i" 2>&1
  t0=$(awk '$1 == "t0" {print $2}' "$W/b-dial.$i")
  ms=$(setup_ms "$W/b-first.$i" "$t0")
  [ -n "$ms" ] && B_SETUP+=("$ms")
  say "baresip call $i: INVITE sent -> first RTP ${ms:-?} ms"
  sleep 2
done

ip netns exec "$TB_NS_PEER" $DIAL "$((BENCH_SECONDS + 2))" > "$W/b-dial.cpu" 2>&1 &
DP=$!
for _ in $(seq 100); do grep -q established "$W/b-dial.cpu" && break; sleep 0.1; done
sleep 1
ip netns exec "$TB_NS_PEER" tcpdump -i any -n -tt -l "udp and src portrange 10400-10500 and dst portrange 10000-10100 and greater 100" \
  > "$W/b-sends" 2>/dev/null &
TD=$!
c0=$(cpu_s "$ALICE_PID")
B_INSNS=$(perf_insns "$ALICE_PID" "$BENCH_SECONDS" "$W/b-perf")
[ "$B_INSNS" = n/a ] && sleep "$BENCH_SECONDS"
c1=$(cpu_s "$ALICE_PID")
kill "$TD" 2>/dev/null; wait "$TD" 2>/dev/null
wait "$DP"
B_CPU=$(python3 -c "print('%.3f' % ($c1 - $c0))")
B_JIT=$(send_intervals "$W/b-sends" In)
say "baresip ${BENCH_SECONDS} s call: cpu ${B_CPU} s, insns $B_INSNS, send jitter: $B_JIT"

# ---------------- the table ----------------
U_S=$(mean "${U_SETUP[@]}") B_S=$(mean "${B_SETUP[@]}")
read -r u_sent u_allocs u_path <<<"$U_STATS"
read -r u_sd u_p99 _ <<<"$U_JIT"
read -r b_sd b_p99 _ <<<"$B_JIT"
u_apf=$(python3 -c "print('%.2f' % ($u_allocs / $u_sent))" 2>/dev/null || echo n/a)
echo
echo "Call benchmarks: ucphone vs baresip 1.0 calling bob through kamailio/TLS, G.711 SRTP, one run"
printf '%-44s %14s %14s %10s %s\n' metric ucphone baresip ratio goal
printf '%-44s %14s %14s %10s %s\n' "(a) INVITE -> first RTP from bob, ms (mean/$BENCH_TRIALS)" "$U_S" "$B_S" "$(ratio "$U_S" "$B_S")" "<= 1.0x"
printf '%-44s %14s %14s %10s %s\n' "(b) CPU time of a ${BENCH_SECONDS} s call, s" "$U_CPU" "$B_CPU" "$(ratio "$U_CPU" "$B_CPU")" "<= 0.5x"
printf '%-44s %14s %14s %10s %s\n' "(b) instructions (perf stat)" "$U_INSNS" "$B_INSNS" "$(ratio "$U_INSNS" "$B_INSNS")" ""
printf '%-44s %14s %14s %10s %s\n' "(c) send interval stddev, ms" "$u_sd" "$b_sd" "$(ratio "$u_sd" "$b_sd")" ""
printf '%-44s %14s %14s %10s %s\n' "(c) send interval p99, ms" "$u_p99" "$b_p99" "$(ratio "$u_p99" "$b_p99")" ""
printf '%-44s %14s %14s %10s %s\n' "(c) media-thread heap allocs per frame" "$u_apf" "-" "" "0 (kernel/plain); counted on $u_path"
echo "ucphone's own: setup_ms first_audio_ms per call: ${U_INT[*]}"
exit 0
