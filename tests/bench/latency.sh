#!/bin/bash
# The mouth-to-ear latency the phone adds, per codec and card rate, as a table
# (tests/bench/latency/latency.c says how each figure is measured). No testbed:
# the media engine on the paced test card, this host's loopback.
#   tests/bench/latency.sh [BUILD]         (LATENCY_S: seconds per row, default 10)
# A row whose run saw an xrun (the host too loaded to keep the card fed) is run
# again, up to three times, and marked when it never ran clean.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$BUILD/tests/media/asound.conf
secs=${LATENCY_S:-10}
echo "| codec | card Hz | capture -> wire mean ms | max | packet in -> playout (without the jitter buffer) mean ms | max | jitter buffer mean ms | phone-added (both) ms | bursts sent/played | xruns |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for rate in ${LATENCY_RATES:-8000 16000 48000}; do
  for codec in ${LATENCY_CODECS:-PCMU G722 opus}; do
    for try in 1 2 3; do
      row=$(nice -n 5 "$BUILD/tests/bench/latency/latency" "$codec" "$rate" "$secs") || row=""
      xr=$(printf '%s' "$row" | awk -F'|' '{gsub(/ /,"",$11); print $11}')
      [ -n "$row" ] && [ "$xr" = "0" ] && break
    done
    [ -n "$row" ] && [ "$xr" != "0" ] && row="$row (xruns: host loaded)"
    echo "${row:-| $codec | $rate | failed |}"
  done
done
