#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs in the test VM (tests/vm/run.sh --display ...): ucphone-ui on the
KMS display, fed by fake_control.py, through the phone's screens. After each
screen is drawn it writes $UCPHONE_VM_OUT/ready-NAME and waits for the
host's shot-NAME (a QMP screendump).
Usage: vm_flow.py [--driver bochs|virtio-gpu] [--load MODULE] BUILD_DIR
(virtio-gpu shows only what ucphone-ui flushes with drmModeDirtyFB;
--load also loads MODULE, with a TAP line saying whether it did.)
"""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_control import (FakeDaemon, REGISTERED, CONTACTS, CALLLOG,  # noqa: E402
                          VOICEMAIL, call_event)

OUT = os.environ['UCPHONE_VM_OUT']
SIGNED_IN = {'identity': {'signed_in': True, 'address': 'alice@corp.test'},
             'sip': {'state': 'idle'}}
ADDRESS = dict(SIGNED_IN, dhcp={'address': '192.0.2.10'})
TIME = dict(ADDRESS, time={'synchronised': True})
TRUST = dict(TIME, trust={'state': 'done'})
INDICATORS = dict(REGISTERED, phone={
    'dnd': True, 'muted': False, 'missed_calls': 1,
    'forwarding': {'always': '2002', 'busy': None, 'noanswer': None}},
    sip={'state': 'registered', 'status_text': 'Registered',
         'voicemail': {'waiting': True, 'new': 2, 'old': 1}})
BOB = {'state': 'connected', 'far_end': 'Bob Jones', 'codec': 'G722', 'srtp': True,
       'line': 0, 'active': True}
CAROL = {'state': 'ringing-in', 'far_end': 'Carol White', 'line': 1, 'active': False}


def log(msg):
    print(f'vm_flow: {msg}', flush=True)


class Ui:
    """ucphone-ui --verbose: remembers what it drew."""

    def __init__(self, binary, sock):
        self.drawn = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [binary, '--renderer', 'drm', '--verbose', '--control', sock],
            stderr=subprocess.PIPE, text=True, env=dict(os.environ, TZ='UTC'))
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.proc.stderr:
            sys.stdout.write(line)
            parts = line.split()
            if len(parts) == 5 and parts[1] == 'drew':
                with self.cond:
                    self.drawn.append((parts[2], int(parts[4])))
                    self.cond.notify_all()

    def mark(self):
        with self.cond:
            return len(self.drawn)

    def wait(self, since, screen, progress=None, timeout=30):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for s, p in self.drawn[since:]:
                    if s == screen and (progress is None or p == progress):
                        return True
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return False
                self.cond.wait(left)


def shot(name):
    open(os.path.join(OUT, 'ready-' + name), 'w').close()
    path = os.path.join(OUT, 'shot-' + name)
    deadline = time.monotonic() + 60
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return os.path.exists(path)


def main():
    args = sys.argv[1:]
    driver, load = 'bochs', None
    while len(args) >= 2 and args[0] in ('--driver', '--load'):
        if args[0] == '--driver':
            driver = args[1]
        else:
            load = args[1]
        args = args[2:]
    build = args[0] if args else 'build'
    subprocess.run(['modprobe', driver], check=True)
    if load:
        r = subprocess.run(['modprobe', load], capture_output=True, text=True)
        mod = load.replace('-', '_')
        loaded = any(line.split()[0] == mod for line in open('/proc/modules'))
        print(f"{'ok' if r.returncode == 0 and loaded else 'not ok'} 1 - {load} "
              f"loads into the running kernel{(': ' + r.stderr.strip()) if r.stderr else ''}",
              flush=True)
    for _ in range(100):
        if os.path.exists('/dev/dri/card0'):
            break
        time.sleep(0.1)
    os.makedirs('/run/ucphone-ui-test', exist_ok=True)
    sock = '/run/ucphone-ui-test/control'
    daemon = FakeDaemon(sock)
    daemon.status = SIGNED_IN
    ui = Ui(os.path.join(build, 'userspace/ui/ucphone-ui'), sock)

    def step(name, screen, action=None, progress=None):
        nonlocal daemon
        mark = ui.mark()
        if action:
            action()
        if not ui.wait(mark, screen, progress):
            log(f'{name}: {screen} never drawn')
            return False
        # a list is drawn "Loading..." first, then with the daemon's reply
        time.sleep(1.0 if screen in ('list', 'dialling') else 0.3)
        if not shot(name):
            log(f'{name}: no screendump from the host')
            return False
        log(f'{name}: shot')
        return True

    def set_status(st):
        return lambda: setattr(daemon, 'status', st)

    def keys(seq):
        def press():
            for k in seq:
                daemon.key(k)
        return press

    def update_event(state, **kw):
        return lambda: daemon.event(dict({'event': 'update', 'state': state,
                                          'last_error': ''}, **kw))

    def restart():
        nonlocal daemon
        daemon.close()
        time.sleep(1.5)
        daemon = FakeDaemon(sock)
        daemon.status = {'identity': {'signed_in': False}, 'sip': {'state': 'idle'}}

    flow = [
        ('boot-network', 'boot', None, 200),
        ('boot-time', 'boot', set_status(ADDRESS), 400),
        ('boot-certificates', 'boot', set_status(TIME), 600),
        ('boot-signing-in', 'boot', set_status(TRUST), 800),
        ('signin', 'signin', set_status({'identity': {'signed_in': False},
                                          'sip': {'state': 'idle'}}), None),
        ('idle', 'idle', set_status(REGISTERED), None),
        ('dialling', 'dialling', keys('204'), None),
        ('in-call', 'in-call', lambda: daemon.event(
            {'event': 'call', 'call': {'state': 'connected', 'calls': [
                {'state': 'connected', 'far_end': 'Bob', 'codec': 'PCMU',
                 'srtp': True}]}}), None),
        ('incoming', 'incoming', lambda: (
            daemon.event({'event': 'call', 'call': {'state': 'idle', 'calls': []}}),
            daemon.event({'event': 'call', 'call': {'state': 'ringing-in', 'calls': [
                {'state': 'ringing-in', 'far_end': 'sip:carol@corp.test'}]}})), None),
        ('missed', 'idle', lambda: daemon.event(
            {'event': 'call', 'call': {'state': 'idle', 'calls': []}}), None),
        ('update-checking', 'update', update_event('checking'), None),
        ('update-downloading', 'update', update_event(
            'downloading', offered='3.5.6907.35', bytes=4200, total=10000, percent=42),
         420),
        ('update-installing', 'update', update_event('installing', offered='3.5.6907.35'),
         None),
        ('update-failed', 'update', update_event(
            'failed', offered='3.5.6907.35', last_error='installer exited 1'), None),
        ('update-restarting', 'update', lambda: (
            update_event('installed', pending_restart='3.5.6907.35')(),
            set_status(dict(REGISTERED, update={'state': 'installed',
                                                'pending_restart': '3.5.6907.35'},
                            software={'reboot_pending': 'rebooting now'}))()), None),
        # (no "software" section: the installed update is not shown)
        ('idle-indicators', 'idle', set_status(INDICATORS), None),
        ('contacts', 'list', lambda: (
            setattr(daemon, 'lists', {'contacts': CONTACTS, 'calllog': CALLLOG,
                                      'voicemail': VOICEMAIL}),
            daemon.key('DIRECTORY')), None),
        ('contacts-scrolled', 'list', keys(['VOLDOWN', 'VOLDOWN']), None),
        ('calllog', 'list', keys(['DIRECTORY']), None),
        ('voicemail', 'list', keys(['DIRECTORY']), None),
        ('dialling-matches', 'dialling', keys(['DIRECTORY', '2', '0', '0', 'VOLDOWN']),
         None),
        ('call-waiting', 'in-call', lambda: daemon.event(
            call_event([BOB, CAROL], call_waiting=True)), None),
        ('conference', 'in-call', lambda: daemon.event(
            call_event([dict(BOB, far_end='Carol White'),
                        dict(BOB, line=1, active=False)], conference=True)), None),
        ('error', 'error', lambda: (
            daemon.event(call_event([])),
            set_status(dict(REGISTERED, sip={
                'state': 'failed',
                'status_text': 'Cannot validate server certificate'}))()), None),
        ('hard-reset', 'hard-reset', lambda: daemon.event(
            {'event': 'reset-button', 'reset': 'hard', 'hold_ms': 5000,
             'at_power_on': True}), None),
        ('calibration', 'calibration', restart, None),
    ]
    ok = True
    for name, screen, action, progress in flow:
        ok = step(name, screen, action, progress) and ok
    ui.proc.terminate()
    ui.proc.wait()
    daemon.close()
    open(os.path.join(OUT, 'flow-done'), 'w').close()
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
