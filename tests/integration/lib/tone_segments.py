#!/usr/bin/env python3
# Checks, by measurement, when a recording carries a tone and when it is silent:
# a Goertzel filter (Hann window) at FREQ over 20 ms frames, a frame "has the tone" when the
# tone's level is above -40 dBFS (a tone at -6 dBFS through G.711 is about -9).
#   tone_segments.py WAV --freq 1000 START:END:on|off [...]
# START/END in seconds from the start of the file (END may be "end"). "on" passes
# when >= 90% of the segment's frames have the tone, "off" when <= 5% do, "some"
# when at least 100 ms of it does (a cadenced tone such as call waiting's).
# Prints one line per segment; exit 0 when every segment passes.
import argparse
import math
import sys

from tone_lib import goertzel_power_hann as goertzel_power, read_mono


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("--freq", type=float, default=1000.0)
    ap.add_argument("segments", nargs="+")
    a = ap.parse_args()
    try:
        rate, x = read_mono(a.wav)
    except ValueError as e:
        print(e)
        return 1
    flen = int(rate * 0.02)
    # a sine of amplitude A has Goertzel power A^2/2; -40 dBFS amplitude = 0.01
    thresh = 0.01 ** 2 / 2
    dur = len(x) / rate
    ok_all = True
    for seg in a.segments:
        s, e, want = seg.split(":")
        s = float(s)
        e = dur if e == "end" else min(float(e), dur)
        i0, i1 = int(s * rate), int(e * rate)
        frames = [x[i:i + flen] for i in range(i0, i1 - flen + 1, flen)]
        if len(frames) < 10:
            print("%.1f-%.1fs: too short (file %.1f s) FAIL" % (s, e, dur))
            ok_all = False
            continue
        have = sum(1 for f in frames if goertzel_power(f, rate, a.freq) > thresh)
        frac = have / len(frames)
        rms = math.sqrt(sum(v * v for f in frames for v in f) / (len(frames) * flen))
        if want == "on":
            ok = frac >= 0.9
        elif want == "some":
            ok = have >= 5
        else:
            ok = frac <= 0.05
        ok_all &= ok
        print("%.1f-%.1fs want %s: %g Hz in %.0f%% of frames, rms %.3f %s" %
              (s, e, want, a.freq, 100 * frac, rms, "PASS" if ok else "FAIL"))
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
