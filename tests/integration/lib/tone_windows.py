#!/usr/bin/env python3
# Where a recording has a tone and where it is silent, by measurement: per
# 250 ms window, a Goertzel filter at the tone's frequency gives its share of
# the window's energy.
#   tone_windows.py WAV [--freq 1000]
# Prints one character per window: 1 = the tone (RMS >= 0.03 and >= 80% of
# the energy at FREQ), 0 = silence (RMS < 0.005), ? = anything else.
import argparse
import math

from tone_lib import goertzel_power, read_mono


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("--freq", type=float, default=1000.0)
    a = ap.parse_args()
    try:
        rate, x = read_mono(a.wav)
    except ValueError as e:
        raise SystemExit(str(e))
    n = rate // 4
    out = []
    for i in range(0, len(x) - n + 1, n):
        win = x[i:i + n]
        ms = sum(v * v for v in win) / n
        rms = math.sqrt(ms)
        share = goertzel_power(win, rate, a.freq) / ms if ms > 0 else 0.0
        out.append("1" if rms >= 0.03 and share >= 0.8 else "0" if rms < 0.005 else "?")
    print("".join(out))


if __name__ == "__main__":
    main()
