#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ucphone-ui's terminal when nobody reads it (the dev board's screen console
with no host attached), and when a terminal attaches late.

- The terminal is a pipe kept full: the screen keeps running (it asks the
  daemon for its status, OK on a contact dials it) while its frames are
  dropped; once the pipe drains, what comes out is whole frames only (a
  frame begun is finished first, never cut by the next) and the last one is
  the whole CURRENT screen, not the boot screen it could not show. Twice:
  40x12 (a frame fits in the pipe's atomic write: dropped whole) and
  200x60 (larger: a frame goes out in part and is finished first).
- On a pty in raw mode, Ctrl-L typed on the terminal redraws the whole
  screen at once although nothing changed.
The control socket is fake_control.py's. Prints TAP.
"""
import argparse
import fcntl
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_control import FakeDaemon, REGISTERED, CONTACTS  # noqa: E402

BOOT = {'identity': {'signed_in': True}, 'dhcp': {'address': '192.0.2.10'},
        'sip': {'state': 'idle', 'status_text': 'Waiting for time'}}
n = failed = 0


def check(ok, name, detail=''):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {name}")
    if not ok:
        failed += 1
        for line in str(detail).splitlines()[-20:]:
            print('# ' + line)
    sys.stdout.flush()


def wait_for(cond, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def read_for(fd, seconds, until=None):
    """What fd gives in SECONDS (or until `until` is in it)."""
    data = b''
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            if until and until in data:
                break
    return data


def frames(data):
    """The frames in data: each must open with ESC 7 (after the first
    one's clear) and close with ESC 8, with no other frame inside."""
    out, bad = [], []
    for piece in data.split(b'\x1b8')[:-1]:
        body = piece[4:] if piece.startswith(b'\x1b[2J') else piece
        if not body.startswith(b'\x1b7') or b'\x1b7' in body[2:]:
            bad.append(piece[:60])
        out.append(piece)
    if not data.endswith(b'\x1b8'):
        bad.append(b'(ends inside a frame) ' + data[-60:])
    return out, bad


def rows_of(frame, height):
    return {int(r) for r in re.findall(rb'\x1b\[(\d+);1H', frame)} >= set(range(1, height + 1))


def full_pipe(ui, sock, daemon, cols, rows, leave):
    """The UI on a pipe nobody reads; LEAVE bytes of room made at the start."""
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETFL, os.O_NONBLOCK)
    junk = 0
    for size in (65536, 4096, 1):
        while True:
            try:
                junk += os.write(w, b'J' * size)
            except BlockingIOError:
                break
    if leave:
        junk -= len(os.read(r, leave))
    fcntl.fcntl(w, fcntl.F_SETFL, 0)
    daemon.status = BOOT
    daemon.dialled.clear()
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([ui, '--control', sock, '--size', f'{cols}x{rows}', '--verbose'],
                            stdin=subprocess.DEVNULL, stdout=w, stderr=err)
    os.close(w)
    tag = f'{cols}x{rows}'
    try:
        time.sleep(1.5)                 # boot screens it cannot show
        daemon.status = REGISTERED
        daemon.lists = {'contacts': CONTACTS}
        asked = daemon.status_asked
        check(wait_for(lambda: daemon.status_asked >= asked + 2, 5),
              f'{tag}: with the terminal full the screen keeps asking the daemon')
        time.sleep(0.5)
        daemon.key('DIRECTORY')
        time.sleep(0.5)
        daemon.key('OK')
        check(wait_for(lambda: 'sip:alice@corp.test' in daemon.dialled, 5),
              f'{tag}: and acts on keys (OK on a contact dials it)', repr(daemon.dialled))
        time.sleep(1.5)                 # the list closes; idle again
        check(proc.poll() is None, f'{tag}: ucphone-ui still runs')
        got = 0
        while got < junk:
            chunk = os.read(r, min(65536, junk - got))
            if not chunk:
                break
            got += len(chunk)
        t0 = time.monotonic()
        data = read_for(r, 3, until=b'Redial')
        took = time.monotonic() - t0
        data += read_for(r, 0.5)
        fl, bad = frames(data)
        last = fl[-1] if fl else b''
        text = re.sub(rb'\x1b(\[[0-9;?]*[A-Za-z]|[78])', b'\n', data).decode(errors='replace')
        check(not bad and fl, f'{tag}: once the pipe drains only whole frames come ({len(fl)})',
              repr(bad) + '\n' + text)
        check(rows_of(last, rows) and b'Registered' in last and b'alice@corp.test' in last
              and b'Redial' in last,
              f'{tag}: the last is the whole current screen (idle, every row), '
              f'{took:.2f} s after the drain', text)
        # only a frame already begun before the drain may be the boot screen
        later = b''.join(fl[1 if leave else 0:])
        check(b'Starting' not in later and b'Setting time' not in later,
              f'{tag}: no stale boot screen drawn after the drain', text)
    finally:
        proc.terminate()
        proc.wait()
        os.close(r)
        err.seek(0)
        log = err.read().decode(errors='replace')
        check('takes frames again' in log, f'{tag}: the screen saw the terminal take frames again',
              log)


def ctrl_l(ui, sock, daemon):
    master, slave = pty.openpty()
    tty.setraw(slave)
    daemon.status = REGISTERED
    proc = subprocess.Popen([ui, '--control', sock, '--size', '40x12'],
                            stdin=slave, stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    try:
        data = read_for(master, 10, until=b'Redial')
        check(b'Redial' in data, 'pty: the idle screen is drawn', data[-200:])
        read_for(master, 1)             # settled
        os.write(master, b'\x0c')
        t0 = time.monotonic()
        data = read_for(master, 2, until=b'\x1b[12;1H')
        data += read_for(master, 0.3)
        fl, bad = frames(data)
        check(fl and rows_of(fl[0], 12) and b'Registered' in fl[0],
              f'pty: Ctrl-L redraws the whole screen ({time.monotonic() - t0:.2f} s)',
              repr(data[:300]))
    finally:
        proc.terminate()
        proc.wait()
        os.close(master)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ui', required=True)
    args = ap.parse_args()
    print('TAP version 13')
    work = tempfile.mkdtemp(prefix='ucphone-ui-w-')
    sock = os.path.join(work, 'control')
    daemon = FakeDaemon(sock)
    try:
        full_pipe(args.ui, sock, daemon, 40, 12, 0)
        full_pipe(args.ui, sock, daemon, 200, 60, 8192)
        ctrl_l(args.ui, sock, daemon)
    finally:
        daemon.close()
        os.rmdir(work)
    print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
