#!/usr/bin/env python3
# What tone_check.py, tone_segments.py and tone_windows.py measure with: a
# 16-bit PCM recording read as mono samples in [-1, 1) (the first channel),
# and the Goertzel filter's power at one frequency, plain or Hann-windowed.
import math
import struct
import wave


def read_mono(path):
    """(rate, samples) of a 16-bit PCM WAV; ValueError for anything else
    (no file, not a WAV, another sample width)."""
    try:
        with wave.open(path, "rb") as w:
            if w.getsampwidth() != 2:
                raise ValueError("not 16-bit PCM")
            rate, ch = w.getframerate(), w.getnchannels()
            raw = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as e:
        raise ValueError("no recording to measure: %s" % e) from None
    x = struct.unpack("<%dh" % (len(raw) // 2), raw)[::ch]
    return rate, [v / 32768.0 for v in x]


def goertzel_power(samples, rate, freq):
    """The power of a sine at freq in samples (A^2/2 for amplitude A)."""
    k = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    return (s1 * s1 + s2 * s2 - k * s1 * s2) * 2.0 / len(samples) ** 2


def goertzel_power_hann(samples, rate, freq):
    """The same, Hann-windowed, so that a loud tone elsewhere (1 kHz next to
    440 Hz) does not leak into it."""
    n = len(samples)
    w = [0.5 - 0.5 * math.cos(2.0 * math.pi * i / (n - 1)) for i in range(n)]
    k = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x, wi in zip(samples, w):
        s0 = x * wi + k * s1 - s2
        s2, s1 = s1, s0
    return (s1 * s1 + s2 * s2 - k * s1 * s2) * 2.0 / sum(w) ** 2
