#!/bin/bash
# Call benchmarks: the phone (ucphoned as alice) against a baresip 1.0 caller (a second
# baresip on alice's account), both calling the bed's bob through the same kamailio over
# TLS, measured side by side in one run. Prints a table of figures and ratios
# (ucphone / baresip); asserts nothing.
#
# The comparison is made fair this way:
#  - the same call: PCMU (ucphone --codecs PCMU, baresip ;audio_codecs=PCMU), SRTP
#    AES_CM_128_HMAC_SHA1_80 (the only suite baresip offers; ucphone offers it first and
#    bob takes the first he supports), printed in the table from each caller's own report;
#  - the same network path: the baresip caller runs in the phone's namespace on the
#    phone's address once ucphoned has stopped (its packets cross the bed's switch as the
#    phone's do; in bob's namespace they would go over loopback);
#  - the same kind of audio device: baresip reads its microphone from a file (aufile) and
#    plays into its aubridge player (no sound card; its alsa,null player would burn a whole
#    core); ucphone opens the ALSA PCMs ucphone_bench_cap / ucphone_bench_play
#    (tests/media/asound.conf: pcm_paced.c, a clock-paced card whose microphone plays a
#    file read in 64 KiB blocks and whose earpiece plays into nothing; no file plugin);
#  - SRTP in userspace on both: on this host the phone's SRTP runs in Debian's libsrtp2
#    (the ucphone-srtp.ko module is the phone's real path; it runs in the VM image);
#  - the same measures, taken the same way for both processes.
#
#  (a) call setup, BENCH_TRIALS calls each, median and spread (min-max): from the INVITE
#      on the wire (the caller's first TLS record of INVITE size, > 500 bytes, to kamailio
#      after the dial) to the first RTP packet from bob at the caller, and to the caller's
#      own first RTP packet, all from one tcpdump in the caller's namespace (kernel
#      timestamps, one clock for both callers). The TLS record sizes seen are logged on
#      stderr so the match can be checked. ucphone also reports its own first_audio_ms
#      (media start -> first frame played).
#  (b) CPU per call over BENCH_SECONDS of an established call: on-CPU time of all the
#      caller's threads from the scheduler (/proc/PID/task/*/schedstat, nanoseconds: the
#      figure the goal is judged on), utime+stime (/proc/PID/stat: sampled at the clock
#      tick; once it read baresip's threads, which wake every 4 ms, at 4x), and instructions
#      from `perf stat` when the host can count them (a VM without a PMU cannot: n/a).
#  (c) media thread: heap allocations per 20 ms frame (the phone's own counter; Debian's
#      libsrtp2 allocates per packet, counted, not hidden) and send-time jitter (stddev
#      and p99 of the intervals between the caller's RTP packets).
# BENCH_SECONDS: length of the measured call (default 60); BENCH_TRIALS (default 7);
# BENCH_ONLY=ucphone skips baresip (a quicker look); logs and captures are left in
# BENCH_OUT (default /tmp/ucphone-call-bench).
#   /work/wt/tools/tb-run tests/bench/call/call-bench.sh
set -uo pipefail
BENCH_SECONDS=${BENCH_SECONDS:-60}
BENCH_TRIALS=${BENCH_TRIALS:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../integration/lib/phone-daemon.sh
. "$HERE/../../integration/lib/phone-daemon.sh"
# shellcheck source=../../integration/lib/signin.sh
. "$HERE/../../integration/lib/signin.sh"
# shellcheck source=../../integration/lib/calls.sh
. "$HERE/../../integration/lib/calls.sh"
ALICE_PID=
BENCH_OUT=${BENCH_OUT:-/tmp/ucphone-call-bench}
cleanup_bench() {
  [ -z "$ALICE_PID" ] || { kill -TERM "$ALICE_PID" 2>/dev/null; wait "$ALICE_PID" 2>/dev/null; }
  # the logs and captures stay for a look afterwards
  rm -rf "$BENCH_OUT" && mkdir -p "$BENCH_OUT" && cp -a "$W"/. "$BENCH_OUT"/ 2>/dev/null
  cleanup
}
trap cleanup_bench EXIT
say() { echo "# $*" >&2; }

ALSA_CONF=$BUILD/tests/media/asound.conf
[ -f "$ALSA_CONF" ] || { echo "no $ALSA_CONF (build tests/media)"; exit 1; }
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$ALSA_CONF
export UCPHONE_TEST_A_IN=$W/phone-mic.raw
sox -q -n -r 8000 -c 1 -b 16 -e signed -t raw "$UCPHONE_TEST_A_IN" synth 30 sine 1000 vol 0.5

# capture_start NS FILTER OUT: tcpdump in NS (kernel timestamps, epoch) into OUT, once no
# RTP of a previous call flows any more
capture_start() {
  : > "$3"
  ip netns exec "$1" tcpdump -i any -n -tt -l "$2" >> "$3" 2> "$3.err" &
  TCPDUMP=$!
  for _ in $(seq 50); do grep -q listening "$3.err" && break; sleep 0.05; done
  for _ in $(seq 10); do
    sleep 1
    grep -q UDP "$3" || return 0
    : > "$3"
  done
}
# setup_ms OUT T0: "to_bob_rtp to_own_rtp sizes": INVITE on the wire (the first packet
# to port 5061 after T0 carrying more than 500 bytes of TLS; bob answers only after it,
# so his own TLS records to kamailio come later) -> first RTP from bob (his ports
# 10000-10100) and -> the caller's first RTP to bob; sizes: the TLS payload sizes sent after T0
# up to the INVITE (to check the match)
setup_ms() {
  local i t=
  for i in $(seq 100); do
    t=$(awk -v t0="$2" '
      function len() { for (i = 1; i < NF; i++) if ($i == "length") return $(i + 1) + 0; return 0 }
      $1 <= t0 { next }
      / > [0-9.]+\.5061: / { if (!inv) { sizes = sizes len() ","; if (len() > 500) inv = $1 } next }
      !inv { next }
      !/UDP/ || $NF + 0 < 100 { next }     # RTP only: not DNS, not a 16-byte RTCP PING
      /IP 10\.77\.0\.3\.100[0-9][0-9] > / && !bob { bob = $1 }
      / > 10\.77\.0\.3\.100[0-9][0-9]: / && !own { own = $1 }
      bob && own { printf "%.1f %.1f %s", (bob - inv) * 1000, (own - inv) * 1000, sizes; exit }' "$1")
    [ -n "$t" ] && break
    sleep 0.1
  done
  kill "$TCPDUMP" 2>/dev/null; wait "$TCPDUMP" 2>/dev/null
  echo "$t"
}
# cpu_ticks PID: utime+stime in seconds; cpu_sched PID: on-CPU seconds of all its threads
cpu_ticks() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"; }
cpu_sched() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.4f", s / 1e9}'; }
# perf_insns PID SECONDS OUT: instructions over SECONDS, or n/a
perf_insns() {
  perf stat -x, -e instructions -p "$1" -o "$3" -- sleep "$2" >/dev/null 2>&1
  awk -F, '/instructions/ {print ($1 ~ /^[0-9]+$/) ? $1 : "n/a"; found=1} END {if (!found) print "n/a"}' "$3"
}
# measure PID: "sched_s ticks_s insns" over BENCH_SECONDS
measure() {
  local s0 s1 t0 t1 ins
  s0=$(cpu_sched "$1"); t0=$(cpu_ticks "$1")
  ins=$(perf_insns "$1" "$BENCH_SECONDS" "$W/perf.$1")	# runs BENCH_SECONDS either way
  s1=$(cpu_sched "$1"); t1=$(cpu_ticks "$1")
  python3 -c "print('%.3f %.3f' % ($s1 - $s0, $t1 - $t0))" | tr '\n' ' '
  echo "$ins"
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
# stats VALUES...: "median min-max"
stats() { python3 -c 'import statistics, sys
v = [float(x) for x in sys.argv[1:]]
print("%.1f %.1f-%.1f" % (statistics.median(v), min(v), max(v)) if v else "n/a n/a")' "$@"; }
ratio() { python3 -c 'import sys
try: print("%.2fx" % (float(sys.argv[1]) / float(sys.argv[2])))
except (ValueError, ZeroDivisionError): print("n/a")' "$1" "$2"; }

# ---------------- ucphone ----------------
daemon_start --audio-playback ucphone_bench_play --audio-capture ucphone_bench_cap --codecs PCMU
signin || { echo "the phone did not sign in"; exit 1; }
sip_is registered 30 || { echo "the phone did not register"; exit 1; }
sleep 1
U_BOB=() U_OWN=() U_INT=()
for i in $(seq "$BENCH_TRIALS"); do
  capture_start "$TB_NS_PHONE" "udp or (tcp dst port 5061 and greater 100)" "$W/u-first.$i"
  t0=$(date +%s.%N)
  ctl dial bob >/dev/null
  read -r bob own sizes <<<"$(setup_ms "$W/u-first.$i" "$t0")"
  call_is connected 10
  sleep 0.5
  U_INT+=("$(cjs '.calls[0].first_audio_ms')")
  [ -n "${bob:-}" ] && U_BOB+=("$bob") U_OWN+=("$own")
  say "ucphone call $i: INVITE -> bob's first RTP ${bob:-?} ms, -> own first RTP ${own:-?} ms (TLS sizes up to the INVITE: ${sizes:-?}; first_audio_ms ${U_INT[-1]})"
  ctl hangup >/dev/null
  call_is idle 10
  sleep 1
done

ctl dial bob >/dev/null
call_is connected 10
sleep 2
ip netns exec "$TB_NS_PHONE" tcpdump -i any -n -tt -l "udp and dst host 10.77.0.3 and dst portrange 10000-10100 and greater 100" \
  > "$W/u-sends" 2>/dev/null &
TD=$!
read -r U_SCHED U_TICKS U_INSNS <<<"$(measure "$DAEMON_PID")"
kill "$TD" 2>/dev/null; wait "$TD" 2>/dev/null
U_STATS=$(cjs '.calls[0] | "\(.frames // .rtp_sent) \(.media_thread_allocs) \(.srtp_path) \(.codec) \(.srtp_suite)"')
U_JIT=$(send_intervals "$W/u-sends" Out)
say "ucphone ${BENCH_SECONDS} s call: on-CPU ${U_SCHED} s, ticks ${U_TICKS} s, insns $U_INSNS; frames allocs path codec suite: $U_STATS; send jitter: $U_JIT"
ctl hangup >/dev/null
call_is idle 10
PHONE_CIDR=$(phone_addr)
daemon_stop

[ "${BENCH_ONLY:-}" = ucphone ] && exit 0
# ---------------- baresip (alice's account, in the phone's namespace) ----------------
# On the phone's address, so that its SIP and RTP take the phone's path through the
# bed's switch (bob's own namespace would carry them over loopback: a cheaper path).
# (the address ucphoned had: it gives its lease back when it stops)
[ -n "$PHONE_CIDR" ] || { echo "the phone had no address"; exit 1; }
PHONE_IP=${PHONE_CIDR%/*}
[ -n "$(phone_addr)" ] || ip -n "$TB_NS_PHONE" addr add "$PHONE_CIDR" dev eth0
ip -n "$TB_NS_PHONE" link set lo up
AD=$W/alice-baresip
mkdir -p "$AD"
sed -e "s#@RUN@#$TB_RUN#g" -e "s#^sip_listen.*#sip_listen\t\t$PHONE_IP:5066#" \
    -e 's#^rtp_ports.*#rtp_ports\t\t10400-10500#' -e 's#^ctrl_tcp_listen.*#ctrl_tcp_listen\t\t127.0.0.1:4447#' \
    -e '/sndfile/d' -e '/^snd_path/d' "$TB_DIR/baresip/bob/config.in" > "$AD/config"
printf '<sip:alice@%s;transport=tls>;auth_pass=%s;outbound="sip:sip.%s:5061;transport=tls";mediaenc=srtp-mand;regint=300;audio_codecs=PCMU\n' \
  "$TB_DOMAIN" "$(cat "$TB_USER_PASS_FILE")" "$TB_DOMAIN" > "$AD/accounts"
ip netns exec "$TB_NS_PHONE" baresip -f "$AD" </dev/null > "$W/alice-baresip.log" 2>&1 &
ALICE_PID=$!
for _ in $(seq 100); do grep -q '200 OK' "$W/alice-baresip.log" && break; sleep 0.1; done
grep -q '200 OK' "$W/alice-baresip.log" || { echo "baresip alice did not register"; tail "$W/alice-baresip.log"; exit 1; }
sleep 1
B_BOB=() B_OWN=()
DIAL="python3 $HERE/baresip_dial.py 127.0.0.1:4447 sip:bob@$TB_DOMAIN"
for i in $(seq "$BENCH_TRIALS"); do
  capture_start "$TB_NS_PHONE" "(udp and portrange 10400-10500) or (tcp dst port 5061 and greater 100)" "$W/b-first.$i"
  ip netns exec "$TB_NS_PHONE" $DIAL 1.5 > "$W/b-dial.$i" 2>&1
  t0=$(awk '$1 == "t0" {print $2}' "$W/b-dial.$i")
  read -r bob own sizes <<<"$(setup_ms "$W/b-first.$i" "$t0")"
  [ -n "${bob:-}" ] && B_BOB+=("$bob") B_OWN+=("$own")
  say "baresip call $i: INVITE -> bob's first RTP ${bob:-?} ms, -> own first RTP ${own:-?} ms (TLS sizes up to the INVITE: ${sizes:-?})"
  sleep 1
done

ip netns exec "$TB_NS_PHONE" $DIAL "$((BENCH_SECONDS + 4))" > "$W/b-dial.cpu" 2>&1 &
DP=$!
for _ in $(seq 100); do grep -q established "$W/b-dial.cpu" && break; sleep 0.1; done
sleep 2
ip netns exec "$TB_NS_PHONE" tcpdump -i any -n -tt -l "udp and src portrange 10400-10500 and dst portrange 10000-10100 and greater 100" \
  > "$W/b-sends" 2>/dev/null &
TD=$!
read -r B_SCHED B_TICKS B_INSNS <<<"$(measure "$ALICE_PID")"
kill "$TD" 2>/dev/null; wait "$TD" 2>/dev/null
wait "$DP"
B_JIT=$(send_intervals "$W/b-sends" Out)
B_SUITE=$(grep -o 'cryptosuite=[A-Z0-9_]*' "$W/alice-baresip.log" | tail -n 1 | cut -d= -f2)
B_CODEC=$(grep -o 'Set audio encoder: [A-Za-z0-9]*' "$W/alice-baresip.log" | tail -n 1 | awk '{print $4}')
say "baresip ${BENCH_SECONDS} s call: on-CPU ${B_SCHED} s, ticks ${B_TICKS} s, insns $B_INSNS, codec ${B_CODEC:-?} suite ${B_SUITE:-?}, send jitter: $B_JIT"

# ---------------- the table ----------------
read -r u_frames u_allocs u_path u_codec u_suite <<<"$U_STATS"
read -r u_sd u_p99 _ <<<"$U_JIT"
read -r b_sd b_p99 _ <<<"$B_JIT"
read -r ubm ubs <<<"$(stats "${U_BOB[@]}")"
read -r bbm bbs <<<"$(stats "${B_BOB[@]}")"
read -r uom uos <<<"$(stats "${U_OWN[@]}")"
read -r bom bos <<<"$(stats "${B_OWN[@]}")"
u_apf=$(python3 -c "print('%.2f' % ($u_allocs / $u_frames))" 2>/dev/null || echo n/a)
row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
echo
echo "Call benchmarks: ucphone vs baresip 1.0 calling bob through kamailio/TLS, one run"
echo "ucphone: $u_codec, $u_suite, SRTP in $u_path; baresip: ${B_CODEC:-?}, ${B_SUITE:-?}, SRTP in libre"
row metric ucphone baresip ratio goal
row --- --- --- --- ---
row "(a) INVITE -> first RTP from bob, ms, median of ${#U_BOB[@]}/${#B_BOB[@]}" "$ubm" "$bbm" "$(ratio "$ubm" "$bbm")" "<= 1.0x"
row "(a)   spread (min-max), ms" "$ubs" "$bbs" "" ""
row "(a) INVITE -> caller's first RTP, ms, median" "$uom" "$bom" "$(ratio "$uom" "$bom")" ""
row "(a)   spread (min-max), ms" "$uos" "$bos" "" ""
row "(b) on-CPU time of a ${BENCH_SECONDS} s call (schedstat), s" "$U_SCHED" "$B_SCHED" "$(ratio "$U_SCHED" "$B_SCHED")" "<= 0.5x"
row "(b) utime+stime of the call (clock ticks), s" "$U_TICKS" "$B_TICKS" "$(ratio "$U_TICKS" "$B_TICKS")" ""
row "(b) instructions (perf stat)" "$U_INSNS" "$B_INSNS" "$(ratio "$U_INSNS" "$B_INSNS")" ""
row "(c) send interval stddev, ms" "$u_sd" "$b_sd" "$(ratio "$u_sd" "$b_sd")" ""
row "(c) send interval p99, ms" "$u_p99" "$b_p99" "$(ratio "$u_p99" "$b_p99")" ""
row "(c) media-thread heap allocations per frame" "$u_apf" "-" "" "0 with ucphone-srtp.ko; counted on $u_path"
echo "ucphone's own first_audio_ms (media start -> first frame played) per call: ${U_INT[*]}"
exit 0
