#!/usr/bin/env python3
# Drives baresip's ctrl_tcp module (netstring-framed JSON, "LEN:JSON,"): sends
# one command and prints the JSON response (events that arrive first are skipped).
#   baresip_ctrl.py HOST:PORT COMMAND [PARAMS]
import json
import socket
import sys


def read_netstring(sock, buf):
    while True:
        colon = buf.find(b":")
        if colon > 0:
            n = int(buf[:colon])
            if len(buf) >= colon + 1 + n + 1:
                msg = buf[colon + 1:colon + 1 + n]
                return json.loads(msg), buf[colon + 1 + n + 1:]
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("baresip closed the control connection")
        buf += chunk


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    cmd = {"command": sys.argv[2], "token": "t1"}
    if len(sys.argv) > 3:
        cmd["params"] = sys.argv[3]
    data = json.dumps(cmd).encode()
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"%d:%s," % (len(data), data))
        buf = b""
        while True:
            msg, buf = read_netstring(s, buf)
            if msg.get("response"):
                print(json.dumps(msg))
                return 0 if msg.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
