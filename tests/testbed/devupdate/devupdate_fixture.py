#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Stands in for the Office Communications Server 2007 R2 Device Update web
service (no real one exists outside Windows): answers the phone's POST to
/RequestHandler/ucdevice.upx in the format of userspace/lib/update/README.md
and serves the images CPE.nbt with their CMS signatures CPE.cat for the
seed's three versions, 1.0.199.123, 1.0.522.101 and 3.5.6907.35, from
/DeviceUpdateFiles_Int/UCPhone/Polycom/<model>/A/<version>/. nginx
(HTTPS, the bed's web certificate, also named ucupdates-r2.corp.test) hands
it the requests on 127.0.0.1:8089. Images and signatures are made by
devupdate.sh at start with a test vendor key (openssl cms -sign -binary
-outform DER), so nothing signed is kept in the repository.

Offers: always 3.5.6907.35 and 1.0.522.101 together (the phone must take
the stepping stone first). The case file switches what goes wrong:
  default        as above
  cut-once       the first image download without a Range stops halfway
                 (the connection is closed), then the case becomes default
  stall-once     the first image download without a Range sends half and
                 then nothing for 120 s (a test stops the phone meanwhile)
  bad-signature  CPE.cat signed by a key the phone's vendor root never issued
  tampered       CPE.nbt with one byte flipped, CPE.cat the genuine one
  truncated      CPE.nbt cut to half its length, no Size announced
  wrong-size     Size announced 1000 bytes more than the image
  other-model    the modules say Model CX800
  downgrade      only 1.0.199.123 is offered
  oversized      3.5.6907.35 and 1.0.522.101 as a 3 MiB image, no Size
  none           no module
Each request is one JSON line in --log (method, host, path, range, the
device fields of a POST, status, bytes sent).
"""

import argparse
import json
import os
import re
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSIONS = ("1.0.199.123", "1.0.522.101", "3.5.6907.35")
BASE = "/DeviceUpdateFiles_Int/UCPhone/Polycom"
LOCK = threading.Lock()


def read_case(path):
    try:
        with open(path) as f:
            return f.read().strip() or "default"
    except OSError:
        return "default"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "OCS-DeviceUpdate-standin/1.0"

    def log_message(self, fmt, *args):
        pass

    def record(self, **kv):
        kv.update(method=self.command, path=self.path,
                  host=self.headers.get("Host", ""),
                  range=self.headers.get("Range", ""),
                  credentials=bool(self.headers.get("Authorization")))
        with LOCK, open(self.server.args.log, "a") as f:
            f.write(json.dumps(kv) + "\n")

    def send(self, code, body, ctype="text/xml; charset=utf-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        raw = self.rfile.read(min(n, 65536))
        fields = {}
        try:
            root = ET.fromstring(raw)
            for el in root.iter():
                if el.text and el.text.strip() and len(el) == 0:
                    fields[el.tag] = el.text.strip()
        except ET.ParseError:
            self.record(status=400, error="request not XML")
            return self.send(400, b"<error/>")
        if self.path != "/RequestHandler/ucdevice.upx":
            self.record(status=404)
            return self.send(404, b"<error/>")
        case = read_case(self.server.args.case_file)
        body = self.answer(case, fields.get("Model", "CX700")).encode()
        self.record(status=200, case=case, request=fields)
        self.send(200, body)

    def module(self, version, model, case):
        size = os.path.getsize(self.image_file(version, case))
        size_xml = f"<Size>{size}</Size>"
        if case in ("truncated", "oversized"):
            size_xml = ""
        elif case == "wrong-size":
            size_xml = f"<Size>{size + 1000}</Size>"
        shown = "CX800" if case == "other-model" else model
        return (f"<Module><Model>{shown}</Model><Version>{version}</Version>"
                f"<FileName>CPE.nbt</FileName>"
                f"<SignatureFileName>CPE.cat</SignatureFileName>"
                f"<DescriptFile>CPE_desc.xml</DescriptFile>"
                f"<BaseURL>{BASE}/{model}/A/{version}/</BaseURL>{size_xml}"
                f"</Module>")

    def answer(self, case, model):
        if case == "none":
            offers = ()
        elif case == "downgrade":
            offers = ("1.0.199.123",)
        else:
            offers = ("3.5.6907.35", "1.0.522.101")
        mods = "".join(self.module(v, model, case) for v in offers)
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f"<UpdateResponse><Modules>{mods}</Modules></UpdateResponse>\n")

    def image_file(self, version, case):
        d = self.server.args.dir
        name = {"tampered": "tampered.nbt", "truncated": "truncated.nbt",
                "oversized": "oversized.nbt"}.get(case, "CPE.nbt")
        return os.path.join(d, version, name)

    def do_GET(self):
        m = re.fullmatch(BASE + r"/([A-Za-z0-9]+)/A/([0-9.]+)/(CPE\.nbt|CPE\.cat)",
                         self.path)
        if not m or m.group(2) not in VERSIONS:
            self.record(status=404)
            return self.send(404, b"not found", "text/plain")
        case = read_case(self.server.args.case_file)
        version, name = m.group(2), m.group(3)
        if name == "CPE.cat":
            path = os.path.join(self.server.args.dir, version,
                                "bad.cat" if case == "bad-signature" else "CPE.cat")
        else:
            path = self.image_file(version, case)
        with open(path, "rb") as f:
            data = f.read()
        start = 0
        rng = self.headers.get("Range", "")
        if rng:
            r = re.fullmatch(r"bytes=(\d+)-", rng)
            if not r or int(r.group(1)) >= len(data):
                self.record(status=416)
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start = int(r.group(1))
        part = data[start:]
        cut = (name == "CPE.nbt" and not rng and case in ("cut-once", "stall-once"))
        self.send_response(206 if rng else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Accept-Ranges", "bytes")
        if rng:
            self.send_header("Content-Range",
                             f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if not cut:
            self.wfile.write(part)
            self.record(status=206 if rng else 200, bytes=len(part), case=case)
            return
        half = len(part) // 2
        self.wfile.write(part[:half])
        self.wfile.flush()
        # once: the next download is whole
        with open(self.server.args.case_file, "w") as f:
            f.write("default\n")
        self.record(status=200, bytes=half, case=case, cut=True)
        if case == "stall-once":
            time.sleep(120)
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:8089")
    ap.add_argument("--dir", required=True, help="<version>/CPE.nbt, CPE.cat, ...")
    ap.add_argument("--case-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    srv = ThreadingHTTPServer((host, int(port)), Handler)
    srv.daemon_threads = True
    srv.args = args
    print(f"devupdate fixture on {args.listen}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
