#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ucphone-ui's terminal renderer under tmux: each screen's capture-pane text.

The control socket is fake_control.py's stand-in for ucphoned's. Keys come as
the daemon's key events, as ucphone-ui reads them when it has no evdev
device. Prints TAP; --save DIR keeps each screen's text, --png DIR also
draws each screen as a PNG (the same drawing as on a KMS display).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_control import (FakeDaemon, REGISTERED, CONTACTS, CALLLOG,  # noqa: E402
                          VOICEMAIL, call_event)

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=''):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}")
        if not ok:
            self.failed += 1
            for line in detail.splitlines():
                print('# ' + line)
        sys.stdout.flush()


def lists_and_prompts(daemon, expect, tap):
    """Idle indicators, the three lists, dialling from them, the call prompts."""
    def dialled(want):
        deadline = time.monotonic() + 5
        while want not in daemon.dialled and time.monotonic() < deadline:
            time.sleep(0.1)
        tap.check(want in daemon.dialled, f'dialled {want}', repr(daemon.dialled))
        daemon.dialled.clear()

    daemon.status = dict(REGISTERED, phone={
        'dnd': True, 'muted': False, 'missed_calls': 1,
        'forwarding': {'always': '2002', 'busy': None, 'noanswer': None}},
        sip={'state': 'registered', 'status_text': 'Registered',
             'voicemail': {'waiting': True, 'new': 2, 'old': 1}})
    expect('idle-dnd', 'DND FWD [M]', 'Do not disturb', '1 missed call',
           '2 new voice messages')
    daemon.status = dict(daemon.status, phone=dict(daemon.status['phone'], dnd=False))
    expect('idle-forward', 'FWD [M]', 'Forwarding to 2002', absent=('DND',))

    daemon.lists = {'contacts': CONTACTS, 'calllog': CALLLOG, 'voicemail': VOICEMAIL}
    daemon.key('DIRECTORY')
    expect('contacts', 'Contacts  1/4', '>Alice Smith', 'Bob Jones', 'Dave Brown',
           '+1 555 0101')
    daemon.key('VOLDOWN')
    daemon.key('DOWN')
    expect('contacts-scrolled', 'Contacts  3/4', '>Carol White')
    daemon.key('VOLUP')
    expect('contacts-up', 'Contacts  2/4', '>Bob Jones')
    daemon.key('OK')
    dialled('sip:2001@corp.test')
    expect('contact-dialled', 'Registered', absent=('Alice',))

    daemon.key('DIRECTORY')
    daemon.key('DIRECTORY')
    expect('calllog', 'Call log  1/2', '>Carol White', 'missed', '2001@corp.test', 'out')
    daemon.key('DOWN')
    daemon.key('OK')
    dialled('sip:2001@corp.test')

    for _ in range(3):
        daemon.key('DIRECTORY')
    expect('voicemail', 'Voice mail  2 new', '>Bob Jones', 'new 0:42', 'Carol White')
    daemon.key('DIRECTORY')
    expect('lists-closed', 'Registered', absent=('Voice mail',))

    for k in '200':
        daemon.key(k)
    expect('dialling-matches', '200_', 'Bob Jones', 'Carol White', absent=('Alice',))
    daemon.key('VOLDOWN')
    daemon.key('VOLDOWN')
    expect('dialling-match-chosen', '>Carol White', 'OK Dial')
    daemon.key('OK')
    dialled('sip:2002@corp.test')
    daemon.event({'event': 'hook', 'hook': 'on'})
    for k in '227':            # C-A-R on the letter keys
        daemon.key(k)
    expect('dialling-by-name', '227_', 'Carol White', absent=('Bob',))
    daemon.event({'event': 'hook', 'hook': 'on'})
    expect('dialling-cancelled', 'Registered', absent=('227',))

    bob = {'state': 'connected', 'far_end': 'Bob Jones', 'codec': 'G722', 'srtp': True,
           'line': 0, 'active': True}
    carol = {'state': 'ringing-in', 'far_end': 'Carol White', 'line': 1, 'active': False}
    daemon.event(call_event([bob, carol], call_waiting=True))
    expect('call-waiting', 'In call', 'Bob Jones', 'Waiting: Carol White (OK answers)',
           'OK Answer')
    daemon.event(call_event([dict(bob, far_end='Carol White'),
                             dict(bob, state='held', hold='phone', active=False, line=1)]))
    expect('call-held-other', 'Carol White', 'Held: Bob Jones (OK swaps)', 'OK Swap')
    daemon.event(call_event([dict(bob, hold='far end')]))
    expect('held-by-far-end', 'Held by the far end', 'Bob Jones')
    daemon.status = dict(daemon.status, phone=dict(daemon.status['phone'], muted=True))
    daemon.event(call_event([dict(bob, state='held', hold='phone')]))
    expect('on-hold-muted', 'On hold', 'MUTE', 'Muted', 'Resume', 'Unmute')
    daemon.status = dict(daemon.status, phone=dict(daemon.status['phone'], muted=False))
    daemon.event(call_event([dict(bob, transfer='in progress')]))
    expect('transferring', 'Transferring...', absent=('MUTE',))
    daemon.event(call_event([bob], last_error='transfer failed (486)', last_status=486))
    expect('transfer-failed', 'Transfer failed (486)')
    daemon.event(call_event([bob, dict(bob, far_end='Carol White', line=1, active=False)],
                            conference=True))
    expect('conference', 'Conference', 'Bob Jones', 'Carol White', absent=('Held',))
    daemon.event(call_event([]))
    daemon.status = REGISTERED
    expect('after-calls', 'Registered', absent=('Conference', 'missed'))


def update_flow(daemon, expect):
    """The daemon's update events: checking, the download, installing, a
    failure (a key puts it away), the restart into the installed update."""
    def update(state, **kw):
        daemon.event(dict({'event': 'update', 'state': state, 'last_error': ''}, **kw))

    update('checking')
    expect('update-checking', 'Software update', 'Checking for updates')
    update('downloading', offered='3.5.6907.35', bytes=0, speed_bps=0)
    update('downloading', offered='3.5.6907.35', bytes=4200, total=10000, percent=42)
    expect('update-downloading', 'Downloading update 42 %', 'Version 3.5.6907.35',
           '[############', ' 42%')
    update('verifying', offered='3.5.6907.35', percent=100)
    update('installing', offered='3.5.6907.35')
    expect('update-installing', 'Installing update', 'Do not unplug the phone',
           absent=('%',))
    update('failed', offered='3.5.6907.35', last_error='installer exited 1')
    expect('update-failed', 'Update failed: installer exited 1', 'OK')
    daemon.key('OK')
    expect('update-failed-closed', 'Registered', absent=('Update failed',))
    update('installed', pending_restart='3.5.6907.35', percent=100)
    saved = daemon.status
    daemon.status = dict(saved, update={'state': 'installed',
                                        'pending_restart': '3.5.6907.35'},
                         software={'reboot_pending': 'rebooting now'})
    expect('update-restarting', 'Restarting to finish the update', 'Version 3.5.6907.35')
    daemon.status = saved
    update('up-to-date')
    expect('update-done', 'Registered', '1 missed call', absent=('update',))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ui', required=True)
    ap.add_argument('--save')
    ap.add_argument('--png', help='also draw each screen as DIR/SCREEN.png (the KMS drawing)')
    ap.add_argument('--png-size', default='320x240', help='WxH of those pictures')
    args = ap.parse_args()
    if not shutil.which('tmux'):
        print('1..0 # SKIP tmux not installed')
        return 0
    work = tempfile.mkdtemp(prefix='ucphone-ui-')
    sock = os.path.join(work, 'control')
    tmux = ['tmux', '-S', os.path.join(work, 'tmux.sock')]
    tap = Tap()
    print('TAP version 13')
    daemon = FakeDaemon(sock)

    def screen():
        return subprocess.run(tmux + ['capture-pane', '-p', '-t', 'ui'],
                              capture_output=True, text=True).stdout

    def expect(name, *texts, absent=()):
        deadline = time.monotonic() + 10
        text = ''
        while time.monotonic() < deadline:
            text = screen()
            if all(t in text for t in texts) and not any(a in text for a in absent):
                break
            time.sleep(0.1)
        ok = all(t in text for t in texts) and not any(a in text for a in absent)
        tap.check(ok, f'{name}: shows {", ".join(repr(t) for t in texts)}', text)
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            with open(os.path.join(args.save, name + '.txt'), 'w') as f:
                f.write(text)
        return text

    subprocess.run(tmux + ['new-session', '-d', '-s', 'ui', '-x', '40', '-y', '12',
                           f'{args.ui} --control {sock} --size 40x12'], check=True)
    pictures = None
    if args.png:
        os.makedirs(args.png, exist_ok=True)
        pictures = subprocess.Popen([args.ui, '--control', sock, '--renderer', 'png',
                                     '--png-dir', args.png, '--size', args.png_size])
    try:
        daemon.status = {'identity': {'signed_in': True}, 'dhcp': {'address': '192.0.2.10'},
                         'sip': {'state': 'idle', 'status_text': 'Waiting for time'}}
        expect('boot', 'Starting', 'Setting time', '[##########', '40%')

        daemon.status = {'identity': {'signed_in': False}, 'sip': {'state': 'idle'}}
        expect('signin', 'Sign in', 'Address')
        for k in '22#':        # "b", then the next field
            daemon.key(k)
        for k in '2':
            daemon.key(k)
        time.sleep(1.3)        # the multi-tap timeout keeps the letter
        for k in '3#79':       # user "ad", password "pw"
            daemon.key(k)
        time.sleep(1.3)
        expect('signin-entry', 'Address  b', 'User     ad', 'Password **_')
        daemon.key('OK')
        deadline = time.monotonic() + 5
        while not daemon.signins and time.monotonic() < deadline:
            time.sleep(0.1)
        # (twice with --png: that second screen signs in too)
        tap.check(daemon.signins and set(daemon.signins) == {('b', 'ad', 2)},
                  'signin: the entry reached the daemon (password as its own message)',
                  repr(daemon.signins))

        daemon.status = REGISTERED
        expect('idle', 'alice@corp.test', 'Registered', 'Redial')

        daemon.event({'event': 'hook', 'hook': 'off'})
        for k in '204':
            daemon.key(k)
        expect('dialling', 'Dial', '204_')

        daemon.event({'event': 'call', 'call': {'state': 'connected', 'calls': [
                      {'state': 'connected', 'far_end': 'Bob', 'codec': 'PCMU',
                       'srtp': True}]}})
        expect('in-call', 'In call', 'Bob', 'PCMU, encrypted (SRTP)', '[LOCK]', '00:00:0')
        daemon.event({'event': 'call', 'call': {'state': 'idle', 'calls': []}})
        daemon.event({'event': 'call', 'call': {'state': 'ringing-in', 'calls': [
                      {'state': 'ringing-in', 'far_end': 'sip:carol@corp.test'}]}})
        expect('incoming', 'Incoming call', 'sip:carol@corp.test', 'Answer')
        daemon.event({'event': 'call', 'call': {'state': 'idle', 'calls': []}})
        expect('missed', 'Registered', '1 missed call')

        update_flow(daemon, expect)

        lists_and_prompts(daemon, expect, tap)

        daemon.status = dict(REGISTERED, sip={
            'state': 'failed',
            'status_text': 'Cannot validate server certificate (sip.corp.test: expired)'})
        expect('error', 'Cannot validate server certificate')

        daemon.event({'event': 'reset-button', 'reset': 'hard', 'hold_ms': 5000,
                      'at_power_on': True})
        expect('hard-reset', 'Factory reset')
        daemon.close()                 # the daemon wipes and restarts
        time.sleep(1.5)
        daemon = FakeDaemon(sock)
        daemon.status = {'identity': {'signed_in': False}, 'sip': {'state': 'idle'}}
        expect('calibration', '--+--', 'Press OK to start', absent=('Sign in',))
        daemon.key('OK')
        expect('after-calibration', 'Sign in')
    finally:
        subprocess.run(tmux + ['kill-server'], capture_output=True)
        if pictures:
            pictures.terminate()
            pictures.wait()
        daemon.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f'1..{tap.n}')
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
