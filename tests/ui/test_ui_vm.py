#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ucphone-ui on a KMS display in the test VM (bochs-display 320x240).

Two flows, each one VM boot. "screens": vm_flow.py walks the screens on a
fake control socket. "reset": vm_reset.sh holds the reset button (gpio-sim)
from power-on with the real ucphoned and ucphone-reset: released half-way,
then held through the bar. This takes a QMP screendump of each screen the
guest announces, compares it with docs/screens/NAME.png by RMSE (a
perceptual tolerance: the clock and call timer may differ, the layout may
not), and checks regions without OCR: the boot bar's filled fraction, the
lock icon in the SRTP call, the white calibration screen. The guest's own
TAP lines are counted here too.

A third flow, "virtio", walks the same screens on virtio-gpu, which shows
only what ucphone-ui flushes (drmModeDirtyFB on the parts redrawn), against
the same references; in that VM the SPI panel driver built out of tree
(scripts/build-panel-mipi-dbi.sh) is loaded into Debian's kernel too.

  tests/ui/test_ui_vm.py [BUILD_DIR] [--flow screens|reset|virtio|all] [--update]
(--update: write new references from the bochs flows). Prints TAP.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
REFS = os.path.join(REPO, 'docs', 'screens')
W, H = 320, 240
TOLERANCE = 0.06        # normalised RMSE against the reference
SCREENS_FLOW = ['boot-network', 'boot-time', 'boot-certificates', 'boot-signing-in',
                'signin', 'idle', 'dialling', 'in-call', 'incoming', 'missed',
                'update-checking', 'update-downloading', 'update-installing',
                'update-failed', 'update-restarting', 'idle-indicators', 'contacts', 'contacts-scrolled', 'calllog',
                'voicemail', 'dialling-matches', 'call-waiting', 'conference',
                'error', 'hard-reset', 'calibration']
FLOWS = {
    'screens': {
        'command': ['python3', 'tests/ui/vm_flow.py'],
        'modules': False,
        'screens': SCREENS_FLOW,
        'no_reference': [],
    },
    'virtio': {
        'command': ['python3', 'tests/ui/vm_flow.py', '--driver', 'virtio-gpu',
                    '--load', 'panel-mipi-dbi'],
        'display': f'virtio-gpu-pci,xres={W},yres={H}',
        'modules': 'panel',
        'screens': SCREENS_FLOW,
        'no_reference': [],
        'references_from': 'screens',
    },
    'reset': {
        'command': ['tests/ui/vm_reset.sh'],
        'modules': True,
        'screens': ['released-early', 'reset-holding', 'hard-reset-screen',
                    'reset-calibration', 'keypad-signin'],
        # the bar moves while the shot is taken: a region check instead
        'no_reference': ['reset-holding'],
    },
}
# the boot bar's filled fraction: (lowest, highest)
BAR = {'boot-network': (0.18, 0.22), 'boot-time': (0.38, 0.42),
       'boot-certificates': (0.58, 0.62), 'boot-signing-in': (0.78, 0.82),
       'reset-holding': (0.15, 0.65), 'update-downloading': (0.40, 0.44)}
GREEN = (46, 153, 61)
TITLE_BG = (28, 64, 110)      # draw.c: the title bar, and the chosen list entry


def qmp_screendump(sock_path, png):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    f = s.makefile('rw')

    def cmd(obj):
        f.write(json.dumps(obj) + '\n')
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if 'event' not in reply and 'QMP' not in reply:
                return reply

    json.loads(f.readline())  # the greeting
    cmd({'execute': 'qmp_capabilities'})
    reply = cmd({'execute': 'screendump',
                 'arguments': {'filename': png, 'format': 'png'}})
    s.close()
    return 'return' in reply


def pixels(png, x, y, w, h):
    """RGB tuples of a region (ImageMagick's txt: format)."""
    out = subprocess.run(['convert', png, '-crop', f'{w}x{h}+{x}+{y}', '+repage',
                          '-depth', '8', 'txt:-'], capture_output=True, text=True).stdout
    px = []
    for line in out.splitlines()[1:]:
        rgb = line.split('(', 1)[1].split(')', 1)[0].split(',')[:3]
        px.append(tuple(int(float(v)) for v in rgb))
    return px


def near(p, c, tol=40):
    return all(abs(a - b) <= tol for a, b in zip(p, c))


def rmse(a, b):
    r = subprocess.run(['compare', '-metric', 'RMSE', a, b, 'null:'],
                       capture_output=True, text=True)
    try:
        return float(r.stderr.split('(')[1].split(')')[0])
    except (IndexError, ValueError):
        return 1.0


def vm_modules():
    """The ucphone modules and gpio-sim, as tests/vm/run-kselftests.sh has them."""
    mods = []
    for top in ('kernel', 'tests/kmod'):
        for d, _, files in os.walk(os.path.join(REPO, top)):
            mods += [os.path.join(d, f) for f in files if f.endswith('.ko')]
    sim = subprocess.run([os.path.join(REPO, 'tests/kmod/gpio-sim/build.sh')],
                         capture_output=True, text=True, cwd=REPO)
    mods.append(sim.stdout.strip())
    args = []
    for m in sorted(set(mods)):
        args += ['--module', m]
    return args


def panel_modules():
    """panel-mipi-dbi and its helpers, built for the VM's (the host's) kernel."""
    r = subprocess.run([os.path.join(REPO, 'scripts/build-panel-mipi-dbi.sh')],
                       capture_output=True, text=True, cwd=REPO)
    args = []
    for m in r.stdout.split():
        args += ['--module', m]
    return args


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    update = '--update' in sys.argv
    flows = ['screens', 'reset', 'virtio']
    for i, a in enumerate(sys.argv):
        if a == '--flow' and i + 1 < len(sys.argv) and sys.argv[i + 1] != 'all':
            flows = [sys.argv[i + 1]]
            args = [x for x in args if x != sys.argv[i + 1]]
    build = os.path.abspath(args[0] if args else os.path.join(REPO, 'build'))
    n = failed = 0

    def check(ok, name, detail=''):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} - {name}" + (f' # {detail}' if detail else ''))
        failed += 0 if ok else 1
        sys.stdout.flush()

    print('TAP version 13')
    if not shutil.which('compare'):
        print('1..0 # SKIP ImageMagick not installed')
        return 0
    for flow in flows:
        run_flow(flow, FLOWS[flow], build, update, check)
    print(f'1..{n}')
    return 1 if failed else 0


def run_flow(flow, cfg, build, update, check):
    SCREENS = cfg['screens']
    vm = subprocess.Popen(
        [os.path.join(REPO, 'tests/vm/run.sh'), '--timeout', '600',
         '--display', cfg.get('display', f'bochs-display,xres={W},yres={H}')]
        + (panel_modules() if cfg['modules'] == 'panel' else
           vm_modules() if cfg['modules'] else [])
        + ['--'] + cfg['command'] + [build],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = []
    log = []

    def read():
        for line in vm.stdout:
            log.append(line)
            if 'out folder ' in line and not out:
                out.append(line.split('out folder ', 1)[1].strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    shots = {}
    started = time.monotonic()
    while vm.poll() is None:
        if out:
            for name in SCREENS:
                ready = os.path.join(out[0], 'ready-' + name)
                if name in shots or not os.path.exists(ready):
                    continue
                png = os.path.join(out[0], name + '.png')
                ok = qmp_screendump(os.path.join(out[0], 'qmp.sock'), png)
                shots[name] = (png, time.monotonic() - started) if ok else None
                open(os.path.join(out[0], 'shot-' + name), 'w').close()
        time.sleep(0.05)
    reader.join(5)
    for line in log:
        m = re.match(r'^(not )?ok \d+ - (.*)', line.strip())
        if m:
            check(not m.group(1), f'{flow} (guest): {m.group(2)}')
    check(vm.returncode == 0, f'the {flow} flow ran in the VM',
          f'exit {vm.returncode}')
    if vm.returncode != 0:
        sys.stdout.write(''.join('# ' + line for line in log[-40:]))
    outdir = out[0] if out else ''
    chosen = {}
    for name in SCREENS:
        shot = shots.get(name)
        if not shot:
            check(False, f'{name}: screendump taken')
            continue
        png, at = shot
        ref = os.path.join(REFS, name + '.png')
        if update and name not in cfg['no_reference'] and 'references_from' not in cfg:
            subprocess.run(['convert', png, '-strip', '-define', 'png:compression-level=9',
                            ref], check=True)
        if name not in cfg['no_reference'] and not os.path.exists(ref):
            check(False, f'{name}: reference {ref} exists')
        elif os.path.exists(os.path.join(outdir, 'stale-' + name)):
            # a screen that lasts only a moment (the hard reset one, while
            # the wipe runs) can be gone before a loaded host's screendump
            check(True, f'{name}: looks like docs/screens/{name}.png',
                  'SKIP the next screen was drawn before the screendump')
        elif name not in cfg['no_reference']:
            diff = rmse(png, ref)
            check(diff <= TOLERANCE, f'{name}: looks like docs/screens/{name}.png '
                  f'(RMSE {diff:.4f} <= {TOLERANCE}, shot at {at:.1f} s)')
        if name in BAR:
            # the bar's inside (draw.c ui_draw_bar_rect), its middle row
            bx, by, bw, bh = 15, H * 55 // 100 + 2, W - 2 * (W // 24) - 4, H // 12 - 4
            row = pixels(png, bx, by + bh // 2, bw, 1)
            frac = sum(1 for p in row if near(p, GREEN)) / max(len(row), 1)
            lo, hi = BAR[name]
            check(lo <= frac <= hi,
                  f'{name}: boot bar filled {frac:.3f} (want {lo} to {hi})')
        if name in ('contacts', 'contacts-scrolled'):
            # the chosen entry's band, left of its text: a row lower once scrolled
            col = pixels(png, 8, H // 10, 1, H * 8 // 10)
            rows = [i for i, p in enumerate(col) if near(p, TITLE_BG, 12)]
            chosen[name] = rows[0] if rows else None
            check(bool(rows), f'{name}: an entry is shown chosen')
        if name == 'contacts-scrolled' and chosen.get('contacts') is not None \
                and chosen.get(name) is not None:
            moved = chosen[name] - chosen['contacts']
            check(moved >= 2 * H // 20,
                  f'contacts: two presses of VOLUME DOWN moved the choice down ({moved} px)')
        if name == 'in-call':
            box = pixels(png, W - W // 24 - 20, H // 10, 22, 22)
            check(sum(1 for p in box if near(p, GREEN)) >= 30,
                  'in-call: the SRTP lock is shown')
        if name in ('calibration', 'reset-calibration'):
            px = pixels(png, 0, 0, W, H // 10)
            check(all(near(p, (255, 255, 255), 2) for p in px),
                  'calibration: the screen is white to the top')
            centre = pixels(png, W // 2 - 2, H // 2 - 2, 5, 5)
            check(any(near(p, (20, 20, 20)) for p in centre),
                  'calibration: the plus sign is in the centre')


if __name__ == '__main__':
    sys.exit(main())
