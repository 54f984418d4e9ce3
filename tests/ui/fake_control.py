#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A fake of ucphoned's control socket, for ucphone-ui's tests.

It stands in for the daemon's control socket (control_proto.h; no real
server speaks it): status replies from a dict the test changes, events
pushed to subscribers, the sign-in's two messages recorded (the password's
length only). Keys are sent as the daemon's key events, which ucphone-ui
reads when it has no evdev device.
"""
import json
import os
import socket
import threading

KEY = {str(d): 1 + d for d in range(1, 10)}
KEY['0'] = 11
KEY.update({'*': 0x20a, '#': 0x20b, 'OK': 0x160})  # KEY_NUMERIC_STAR/POUND, KEY_OK
# KEY_ADDRESSBOOK (DIRECTORY), KEY_VOLUMEUP/DOWN (scroll on the CX700 keypad), arrows
KEY.update({'DIRECTORY': 0x1ad, 'VOLUP': 115, 'VOLDOWN': 114, 'UP': 103, 'DOWN': 108})


class FakeDaemon:
    """Stands in for ucphoned's control socket (AF_UNIX SOCK_SEQPACKET)."""

    def __init__(self, path):
        self.path = path
        self.status = {}
        self.subscribers = []
        self.conns = []
        self.signins = []
        self.dialled = []
        self.requests = []
        self.status_asked = 0
        # the replies of `contacts`, `calllog` and `voicemail` (as the daemon's)
        self.lists = {}
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.bind(path)
        self.sock.listen(8)
        self.running = True
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.conns.append(conn)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            while True:
                msg = conn.recv(65536)
                if not msg:
                    return
                req = json.loads(msg)
                cmd = req.get('command')
                if cmd == 'status':
                    with self.lock:
                        self.status_asked += 1
                        reply = {'ok': True, 'result': self.status}
                    conn.send(json.dumps(reply).encode())
                elif cmd == 'events':
                    conn.send(b'{"ok":true,"result":{}}')
                    with self.lock:
                        self.subscribers.append(conn)
                elif cmd == 'signin':
                    pw = conn.recv(256)
                    with self.lock:
                        self.signins.append((req['address'], req['user'], len(pw)))
                    conn.send(json.dumps({'ok': True, 'result': {
                        'signed_in': True, 'address': req['address'],
                        'user': req['user']}}).encode())
                elif cmd in ('contacts', 'calllog', 'voicemail'):
                    with self.lock:
                        self.requests.append(cmd)
                        result = self.lists.get(cmd)
                    conn.send(json.dumps({'ok': True, 'result': result} if result is not None
                                         else {'ok': False, 'error': 'Exchange not available'}
                                         ).encode())
                elif cmd == 'dial':
                    with self.lock:
                        self.dialled.append(req.get('target'))
                    conn.send(b'{"ok":true,"result":{}}')
                else:
                    conn.send(b'{"ok":false,"error":"unknown command"}')
        except OSError:
            return

    def event(self, ev):
        with self.lock:
            for c in list(self.subscribers):
                try:
                    c.send(json.dumps(ev).encode())
                except OSError:
                    self.subscribers.remove(c)

    def key(self, name):
        self.event({'event': 'key', 'code': KEY[name], 'pressed': True})
        self.event({'event': 'key', 'code': KEY[name], 'pressed': False})

    def close(self):
        self.running = False
        with self.lock:
            for c in self.conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.subscribers = []
            self.conns = []
        self.sock.close()
        if os.path.exists(self.path):
            os.unlink(self.path)


REGISTERED = {
    'identity': {'signed_in': True, 'address': 'alice@corp.test'},
    'dhcp': {'address': '192.0.2.10'}, 'time': {'synchronised': True},
    'trust': {'state': 'done'},
    'sip': {'state': 'registered', 'status_text': 'Registered'},
}

# The daemon's replies to `contacts`, `calllog` and `voicemail`, as it sends them.
CONTACTS = {'total': 4, 'contacts': [
    {'name': 'Alice Smith', 'sip': 'sip:alice@corp.test', 'work': '+1 555 0101'},
    {'name': 'Bob Jones', 'sip': 'sip:2001@corp.test', 'work': '2001'},
    {'name': 'Carol White', 'sip': 'sip:2002@corp.test', 'work': '2002'},
    {'name': 'Dave Brown', 'mobile': '+1 555 0199'}]}
CALLLOG = {'missed': 1, 'calls': [
    {'start': 1796558400, 'duration_s': 0, 'kind': 'missed', 'name': 'Carol White',
     'uri': 'sip:2002@corp.test', 'outcome': 'not answered'},
    {'start': 1796554800, 'duration_s': 65, 'kind': 'placed', 'name': '',
     'uri': 'sip:2001@corp.test', 'outcome': 'answered'}]}
VOICEMAIL = {'voicemail': [
    {'from': 'Bob Jones', 'from_address': '2001@corp.test', 'subject': 'Voice mail',
     'received': '2026-12-06T10:00:00Z', 'duration_s': 42, 'read': False},
    {'from': 'Carol White', 'from_address': '2002@corp.test', 'subject': 'Voice mail',
     'received': '2026-12-05T09:00:00Z', 'duration_s': 7, 'read': True}],
    'voicemail_total': 2}


def call_event(calls, **top):
    ev = {'state': calls[0]['state'] if calls else 'idle', 'calls': calls}
    ev.update(top)
    return {'event': 'call', 'call': ev}
