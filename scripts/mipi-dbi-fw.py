#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turns a panel's init commands (dts/panels/*.txt: "command 0xCC 0xPP ...",
"sleep MS", '#' comments) into the firmware file panel-mipi-dbi loads: the
15-byte magic "MIPI DBI" + zeros, format version 1, then per command its
byte, its parameter count and the parameters; a sleep is command 0x00 with
one parameter, the milliseconds (drivers/gpu/drm/tiny/panel-mipi-dbi.c).

  scripts/mipi-dbi-fw.py PANEL.txt OUT.bin
A bad line is reported with its number and nothing is written.
"""
import os
import sys


def compile_commands(text):
    out = bytearray(b'MIPI DBI' + bytes(7) + bytes([1]))
    for n, raw in enumerate(text.splitlines(), 1):
        words = raw.split('#', 1)[0].split()
        if not words:
            continue
        try:
            if words[0] == 'sleep' and len(words) == 2:
                ms = int(words[1], 0)
                if not 0 <= ms <= 255:
                    raise ValueError('a sleep is 0-255 ms')
                out += bytes([0, 1, ms])
            elif words[0] == 'command' and len(words) >= 2:
                vals = [int(w, 0) for w in words[1:]]
                if any(not 0 <= v <= 255 for v in vals) or len(vals) > 256:
                    raise ValueError('bytes are 0-255, at most 255 parameters')
                out += bytes([vals[0], len(vals) - 1] + vals[1:])
            else:
                raise ValueError('want "command BYTE [PARAM...]" or "sleep MS"')
        except ValueError as e:
            raise SystemExit(f'mipi-dbi-fw: line {n}: {e}: {raw.strip()}')
    if len(out) < 18:
        raise SystemExit('mipi-dbi-fw: no command')
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: mipi-dbi-fw.py PANEL.txt OUT.bin")
    with open(sys.argv[1]) as f:
        data = compile_commands(f.read())
    tmp = sys.argv[2] + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, sys.argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main())
