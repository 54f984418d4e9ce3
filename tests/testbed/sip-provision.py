#!/usr/bin/python3
"""sip-provision.py: one in-band provisioning SUBSCRIBE, as the phone sends it (protocols
brief 7), over TLS with the server certificate verified, answering a Digest challenge
(MD5 or SHA-256, qop=auth). Prints the final response (status line, headers, body).
Run inside a namespace:

  sip-provision.py IP NAME CAFILE USER PASSWORD_FILE DOMAIN

Exit status: 0 a final response arrived (whatever its code), 3 the TLS handshake failed
(certificate not validated: "certificate verify failed" on stderr), 1 anything else.
A smoke-test tool, independent of the daemon's own SIP code on purpose."""
import hashlib
import os
import random
import re
import socket
import ssl
import sys

BODY = ('<provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/'
        'provisioninggrouplist"><provisioningGroup name="ServerConfiguration"/>'
        '<provisioningGroup name="meetingPolicy"/><provisioningGroup name="ucPolicy"/>'
        '</provisioningGroupList>')


def read_response(conn):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError('connection closed')
        data += chunk
    head, rest = data.split(b'\r\n\r\n', 1)
    text = head.decode()
    m = re.search(r'^(?:Content-Length|l):\s*(\d+)', text, re.I | re.M)
    length = int(m.group(1)) if m else 0
    while len(rest) < length:
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError('connection closed in body')
        rest += chunk
    return text, rest[:length].decode()


def digest(challenge, user, password, method, uri):
    params = dict((k.lower(), v1 or v2) for k, v1, v2 in
                  re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', challenge))
    algo = params.get('algorithm', 'MD5').upper()
    h = {'MD5': hashlib.md5, 'SHA-256': hashlib.sha256}[algo]
    H = lambda s: h(s.encode()).hexdigest()
    ha1 = H(f'{user}:{params["realm"]}:{password}')
    ha2 = H(f'{method}:{uri}')
    out = (f'Digest username="{user}", realm="{params["realm"]}", '
           f'nonce="{params["nonce"]}", uri="{uri}", algorithm={algo}')
    if 'auth' in [q.strip() for q in params.get('qop', '').split(',')]:
        cnonce = '%08x' % random.getrandbits(32)
        resp = H(f'{ha1}:{params["nonce"]}:00000001:{cnonce}:auth:{ha2}')
        out += f', qop=auth, nc=00000001, cnonce="{cnonce}"'
    else:
        resp = H(f'{ha1}:{params["nonce"]}:{ha2}')
    out += f', response="{resp}"'
    if 'opaque' in params:
        out += f', opaque="{params["opaque"]}"'
    return out


def main():
    ip, name, cafile, user, pass_file, domain = sys.argv[1:7]
    with open(pass_file) as f:
        password = f.read()
    ctx = ssl.create_default_context(cafile=cafile)
    raw = socket.create_connection((ip, 5061), timeout=5)
    try:
        conn = ctx.wrap_socket(raw, server_hostname=name)
    except ssl.SSLCertVerificationError as e:
        print(f'TLS: {e.verify_message}: certificate verify failed', file=sys.stderr)
        return 3
    me, port = conn.getsockname()[:2]
    aor = f'sip:{user}@{domain}'
    call_id, tag = f'prov-{os.getpid()}-{random.getrandbits(32):x}', f'{random.getrandbits(32):x}'
    auth = auth_hdr = None
    for cseq in (1, 2):
        hdrs = [f'SUBSCRIBE {aor} SIP/2.0',
                f'Via: SIP/2.0/TLS {me}:{port};branch=z9hG4bK{random.getrandbits(48):x};rport',
                'Max-Forwards: 70', f'From: <{aor}>;tag={tag}', f'To: <{aor}>',
                f'Call-ID: {call_id}', f'CSeq: {cseq} SUBSCRIBE',
                f'Contact: <sip:{me}:{port};transport=tls>',
                'Event: vnd-microsoft-provisioning-v2',
                'Accept: application/vnd-microsoft-roaming-provisioning-v2+xml',
                'Supported: com.microsoft.autoextend, ms-benotify, ms-piggyback-first-notify',
                'Expires: 0', 'Content-Type: application/vnd-microsoft-roaming-provisioning-v2+xml',
                f'Content-Length: {len(BODY)}']
        if auth:
            hdrs.append(f'{auth_hdr}: {auth}')
        conn.sendall(('\r\n'.join(hdrs) + '\r\n\r\n' + BODY).encode())
        while True:
            head, body = read_response(conn)
            code = int(head.split(' ', 2)[1])
            if code >= 200:
                break
        # kamailio challenges REGISTER with 401, everything else with 407
        if code in (401, 407) and not auth:
            challenge = 'WWW-Authenticate' if code == 401 else 'Proxy-Authenticate'
            auth_hdr = 'Authorization' if code == 401 else 'Proxy-Authorization'
            m = re.search(rf'^{challenge}:\s*(.*)$', head, re.I | re.M)
            auth = digest(m.group(1), user, password, 'SUBSCRIBE', aor)
            continue
        break
    print(head)
    print()
    print(body)
    conn.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
