#!/usr/bin/env python3
"""sip_replay.py HOST:PORT FILE [REGEX REPLACEMENT]: sends the SIP request in FILE over a
new TLS connection (no certificate check: this is the attacker's side), with REGEX
replaced once in it if given, and prints the status code of the first final answer."""
import re
import socket
import ssl
import sys

host, port = sys.argv[1].rsplit(":", 1)
raw = open(sys.argv[2], "rb").read()
if len(sys.argv) > 4:
    raw, n = re.subn(sys.argv[3].encode(), sys.argv[4].encode(), raw, count=1, flags=re.M)
    if n != 1:
        sys.exit("sip_replay: %r not found" % sys.argv[3])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with socket.create_connection((host, int(port)), timeout=5) as s:
    with ctx.wrap_socket(s) as t:
        t.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = t.recv(65536)
            if not chunk:
                break
            data += chunk
print(data.split(b" ", 2)[1].decode() if data.startswith(b"SIP/2.0 ") else "none")
