#!/usr/bin/env python3
# Places one call from a baresip over its ctrl_tcp module (netstring JSON) and times it:
# prints "t0 EPOCH" just before the dial command goes out, "established EPOCH" on
# CALL_ESTABLISHED, holds the call HOLD_S seconds, hangs up, prints "closed EPOCH".
#   baresip_dial.py HOST:PORT URI HOLD_S
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../integration/lib"))
from baresip_ctrl import read_netstring  # noqa: E402


def send(s, command, params=None, token="t"):
    cmd = {"command": command, "token": token}
    if params:
        cmd["params"] = params
    data = json.dumps(cmd).encode()
    s.sendall(b"%d:%s," % (len(data), data))


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    uri, hold = sys.argv[2], float(sys.argv[3])
    with socket.create_connection((host, int(port)), timeout=30) as s:
        buf = b""
        print("t0 %.6f" % time.time(), flush=True)
        send(s, "dial", uri, "d")
        while True:
            msg, buf = read_netstring(s, buf)
            if msg.get("event") and msg.get("type") == "CALL_ESTABLISHED":
                print("established %.6f" % time.time(), flush=True)
                break
            if msg.get("event") and msg.get("type") == "CALL_CLOSED":
                print("closed-early %s" % msg.get("param", ""), flush=True)
                return 1
        time.sleep(hold)
        send(s, "hangup", None, "h")
        # wait until the call is really gone (else calls pile up in the caller)
        s.settimeout(5)
        while True:
            msg, buf = read_netstring(s, buf)
            if msg.get("event") and msg.get("type") == "CALL_CLOSED":
                break
        print("closed %.6f" % time.time(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
