#!/usr/bin/env python3
# Checks a recording for a steady tone, by measurement: a Goertzel filter at
# the tone's frequency over 20 ms frames (and 5 ms frames for gaps).
#   tone_check.py WAV [--freq 1000] [--seconds 10] [--max-gap-ms 40] [--within-db 10]
# Finds the first frame where the tone starts, then over the next SECONDS:
# the share of the signal's energy at FREQ (>= 0.9 passes), the level, and the
# longest run of 5 ms frames without the tone (<= MAX-GAP-MS passes).
# Prints one line of figures; exit 0 when the recording passes, 1 when not.
import argparse
import math
import sys

from tone_lib import goertzel_power, read_mono


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("--freq", type=float, default=1000.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--max-gap-ms", type=float, default=40.0)
    # a recording whose level changes on purpose (paths with their own
    # gains) counts the tone as there within more than 10 dB of its loudest
    ap.add_argument("--within-db", type=float, default=10.0)
    a = ap.parse_args()
    try:
        rate, x = read_mono(a.wav)
    except ValueError as e:
        print(e)
        return 1
    small = int(rate * 0.005)
    frames = [x[i:i + small] for i in range(0, len(x) - small + 1, small)]
    if not frames:
        print("empty recording")
        return 1
    tone = [goertzel_power(f, rate, a.freq) for f in frames]
    total = [sum(v * v for v in f) / len(f) for f in frames]
    # the tone is "there" in a frame when its power is within 10 dB (or
    # --within-db) of the loudest frames' tone power (a dropout or silence is
    # far below)
    ref = sorted(tone)[int(len(tone) * 0.9)]
    if ref < 1e-6:
        print("no %g Hz tone at all (tone power %.2e)" % (a.freq, ref))
        return 1
    present = [t > ref / 10.0 ** (a.within_db / 10.0) for t in tone]
    start = present.index(True)
    n = int(a.seconds / 0.005)
    window = present[start:start + n]
    if len(window) < n:
        print("tone lasts %.2f s after its start, wanted %.1f s" %
              (len(present[start:]) * 0.005, a.seconds))
        return 1
    gap = run = 0
    for p in window:
        run = 0 if p else run + 1
        gap = max(gap, run)
    gap_ms = gap * 5.0
    share = sum(tone[start:start + n]) / max(sum(total[start:start + n]), 1e-12)
    rms = math.sqrt(sum(total[start:start + n]) / n)
    ok = share >= 0.9 and gap_ms <= a.max_gap_ms
    print("freq=%g start=%.3fs share=%.3f rms=%.3f longest_gap_ms=%.0f %s" %
          (a.freq, start * 0.005, share, rms, gap_ms, "PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
