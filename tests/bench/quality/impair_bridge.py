#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Test-only network impairment: a two-port Ethernet bridge in userspace.

Stands in for Linux netem (sch_netem), which the test host's kernel lacks.
It runs inside the testbed's switch namespace between the phone's veth and
the bridge, forwards every frame both ways over AF_PACKET sockets, and
impairs only RTP/RTCP (UDP, neither port below 1024 nor 5060-5069), so
DHCP, DNS and SIP pass untouched:

  loss P          random loss, P in percent
  burst P LEN     Gilbert-Elliott loss: P percent on average, bursts of LEN
                  packets on average (lost in the bad state, kept in the good)
  jitter MS       each packet delayed uniformly in [0, 2*MS] ms, order kept
  reorder P       P percent of packets held back by 45 ms (overtaken by the
                  next two 20 ms packets)
  dup P           P percent of packets sent twice
  skew PPM        the sender's clock runs PPM parts per million slow: packet
                  k leaves at first + (arrival - first) * (1 + PPM/1e6)
  clean           nothing

Several may be combined ("loss 5 jitter 40"). Every decision comes from a
random.Random seeded with --seed, so a profile replays the same packet
fate for the same packet order. Both directions get the profile, each with
its own generator. Counters go to --stats (JSON) on SIGTERM.

  impair_bridge.py --a IFACE --b IFACE [--seed N] [--stats FILE] PROFILE...
"""
import argparse
import array
import heapq
import json
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def parse_profile(words):
    prof = {}
    i = 0
    takes = {"loss": 1, "burst": 2, "jitter": 1, "reorder": 1, "dup": 1, "skew": 1, "clean": 0}
    while i < len(words):
        w = words[i]
        if w not in takes:
            raise SystemExit(f"impair_bridge: unknown impairment '{w}'")
        n = takes[w]
        if len(words) - i - 1 < n:
            raise SystemExit(f"impair_bridge: '{w}' needs {n} value(s)")
        try:
            prof[w] = [float(v) for v in words[i + 1:i + 1 + n]]
        except ValueError:
            raise SystemExit(f"impair_bridge: bad value for '{w}'")
        i += 1 + n
    return prof


def _sum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(array.array("H", bytes(data)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def fix_checksum(frame):
    """TCP/UDP checksums over IPv4 filled in: a local sender's veth leaves them
    to an offload (CHECKSUM_PARTIAL) that a frame read from a packet socket
    no longer carries."""
    if len(frame) < 34 or struct.unpack_from("!H", frame, 12)[0] != 0x0800:
        return frame
    ip = 14
    ihl = (frame[ip] & 0x0F) * 4
    proto = frame[ip + 9]
    total = struct.unpack_from("!H", frame, ip + 2)[0]
    frag = struct.unpack_from("!H", frame, ip + 6)[0] & 0x3FFF
    if proto not in (6, 17) or frag or total > len(frame) - ip:
        return frame
    seg = ip + ihl
    seglen = total - ihl
    off = seg + (16 if proto == 6 else 6)
    if seglen < (20 if proto == 6 else 8):
        return frame
    f = bytearray(frame)
    f[off:off + 2] = b"\0\0"
    pseudo = bytes(f[ip + 12:ip + 20]) + struct.pack("!BBH", 0, proto, seglen)
    c = ~_sum16(pseudo + bytes(f[seg:seg + seglen])) & 0xFFFF
    if proto == 17 and c == 0:
        c = 0xFFFF
    f[off:off + 2] = struct.pack("=H", c)
    return bytes(f)


def is_media(frame):
    """UDP over IPv4 (optionally 802.1Q), both ports >= 1024, not SIP."""
    off = 12
    etype = struct.unpack_from("!H", frame, off)[0]
    if etype == 0x8100:
        off += 4
        etype = struct.unpack_from("!H", frame, off)[0]
    if etype != 0x0800 or len(frame) < off + 2 + 20 + 8:
        return False
    ip = off + 2
    ihl = (frame[ip] & 0x0F) * 4
    if frame[ip + 9] != 17:
        return False
    sport, dport = struct.unpack_from("!HH", frame, ip + ihl)
    for p in (sport, dport):
        if p < 1024 or 5060 <= p <= 5069:
            return False
    return True


class Direction:
    def __init__(self, prof, seed):
        self.prof = prof
        self.rng = random.Random(seed)
        self.bad = False
        self.first = None
        self.last_release = 0.0
        self.stats = {"media": 0, "dropped": 0, "duplicated": 0, "reordered": 0,
                      "delayed_ms_max": 0.0}

    def fate(self, now):
        """Release times for one media packet (empty: lost)."""
        p, r = self.prof, self.rng
        self.stats["media"] += 1
        if "loss" in p and r.random() * 100 < p["loss"][0]:
            self.stats["dropped"] += 1
            return []
        if "burst" in p:
            avg, blen = p["burst"][0] / 100, max(p["burst"][1], 1.0)
            to_good = 1.0 / blen
            to_bad = to_good * avg / (1 - avg)
            self.bad = (r.random() >= to_good) if self.bad else (r.random() < to_bad)
            if self.bad:
                self.stats["dropped"] += 1
                return []
        t = now
        if "skew" in p:
            if self.first is None:
                self.first = now
            t = self.first + (now - self.first) * (1 + p["skew"][0] * 1e-6)
        if "jitter" in p:
            t += r.uniform(0, 2 * p["jitter"][0]) / 1000
            t = max(t, self.last_release)
        if "reorder" in p and r.random() * 100 < p["reorder"][0]:
            t += 0.045
            self.stats["reordered"] += 1
        else:
            self.last_release = max(self.last_release, t)
        self.stats["delayed_ms_max"] = max(self.stats["delayed_ms_max"], (t - now) * 1000)
        out = [t]
        if "dup" in p and r.random() * 100 < p["dup"][0]:
            self.stats["duplicated"] += 1
            out.append(t + 0.001)
        return out


def open_port(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, 0))
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stats")
    ap.add_argument("profile", nargs="*")
    args = ap.parse_args()
    prof = parse_profile(args.profile or ["clean"])
    sa, sb = open_port(args.a), open_port(args.b)
    dirs = {sa: (sb, Direction(prof, args.seed)), sb: (sa, Direction(prof, args.seed + 1))}
    queue = []      # (release time, serial, out socket, frame)
    serial = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except OSError:
                pass
        timeout = max(0.0, queue[0][0] - now) if queue else 0.2
        try:
            ready, _, _ = select.select([sa, sb], [], [], min(timeout, 0.2))
        except InterruptedError:
            continue
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65536)
                except (BlockingIOError, InterruptedError):
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                frame = fix_checksum(frame)
                out, d = dirs[s]
                now = time.monotonic()
                if not is_media(frame) or "clean" in prof and len(prof) == 1:
                    try:
                        out.send(frame)
                    except OSError:
                        pass
                    continue
                for t in d.fate(now):
                    serial += 1
                    heapq.heappush(queue, (t, serial, out, frame))
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump({"a_to_b": dirs[sa][1].stats, "b_to_a": dirs[sb][1].stats,
                       "profile": args.profile}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
