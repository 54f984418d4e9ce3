#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The troubleshooting bundle and the software version, end to end on the
host: a real ucphoned (degraded, no network) signed in with a known
password, `ucphonectl diag` writes one tar.gz that python's tarfile opens,
with every member the manual page lists, the daemon's recent log and the
four-part version; no member holds the password in any spelling, nor the
bytes of a secret in the state directory; a daemon that cannot be reached
still gets a bundle; a bundle that cannot be written leaves nothing behind.
Prints TAP.

Usage: test_diag.py --ucphoned PATH --ucphonectl PATH
       test_diag.py --build BUILD_DIR
"""

import base64
import binascii
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import (CMD_TIMEOUT, Daemon, expect,  # noqa: E402
                         run_main, sanitizer_reports)

PASSWORD = "Diag!Pass9 t0p-s3cret"
ADDRESS = "alice@corp.test"
USER = "CORP\\alice"
VERSION_RE = r"0\.1\.0\.\d+"
MEMBERS = ("README.txt", "version.txt", "uname.txt", "info.json",
           "counters.json", "status.json", "lease.json", "registrars.json",
           "certificates.json", "daemon.log", "kernel.log")


def main():
    return run_main(run_tests, "ucphoned-diag-")


def spellings(secret):
    """The secret as bytes in every form a leak could take."""
    b = secret if isinstance(secret, bytes) else secret.encode()
    out = {b, base64.b64encode(b), binascii.hexlify(b),
           binascii.hexlify(b).upper(), urllib.parse.quote(b).encode(),
           json.dumps(b.decode(errors="replace"))[1:-1].encode()}
    return {s for s in out if len(s) >= 6}


def open_bundle(path):
    """{member name (without the top folder): bytes}, and the folder."""
    members = {}
    with tarfile.open(path, "r:gz") as tar:
        tops = set()
        for m in tar.getmembers():
            expect(m.isfile(), f"{m.name}: not a regular file")
            top, _, name = m.name.partition("/")
            tops.add(top)
            members[name] = tar.extractfile(m).read()
    expect(len(tops) == 1, f"members under {tops}")
    return members, tops.pop()


def run_tests(tap, ucphoned, ctl_bin, workdir, daemons):
    state = {}

    def ctl(d_sock, *argv, stdin=None, env=None):
        return subprocess.run([ctl_bin, "--control", d_sock, *argv],
                              input=stdin, capture_output=True, text=True,
                              timeout=CMD_TIMEOUT, env=env)

    def bundle_written():
        d = state["d"] = Daemon(ucphoned, workdir)
        daemons.append(d)
        d.wait_ready()
        r = ctl(d.sock, "signin", "--address", ADDRESS, "--user", USER,
                "--password-stdin", stdin=PASSWORD + "\n")
        expect(r.returncode == 0, f"signin: {r.stderr}")
        # Some lines for the ring, one with the refused reason.
        ctl(d.sock, "signin", "--address", "nobody", "--user", "x",
            "--password-stdin", stdin="wrong-one\n")
        out = os.path.join(workdir, "bundle.tar.gz")
        r = ctl(d.sock, "diag", "--output", out)
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        expect(r.stdout.strip() == out, r.stdout)
        expect(sorted(os.listdir(workdir)).count("bundle.tar.gz") == 1 and
               not [f for f in os.listdir(workdir)
                    if f.startswith("bundle.tar.gz.")],
               f"temporary left: {os.listdir(workdir)}")
        members, top = open_bundle(out)
        state["members"] = members
        expect(re.fullmatch(r"ucphone-diag-\d{8}T\d{6}Z", top), top)
        missing = [m for m in MEMBERS if m not in members]
        expect(not missing, f"missing members {missing}: {list(members)}")
    tap.check("ucphonectl diag --output writes one tar.gz with every member",
              bundle_written)

    def bundle_contents():
        m = state["members"]
        d = state["d"]
        version = m["version.txt"].decode()
        expect(re.search(rf"^software version: {VERSION_RE}$", version,
                         re.M), version)
        expect(re.search(rf"^ucphonectl: {VERSION_RE} \(UAPI \d+\)$",
                         version, re.M), version)
        expect(m["uname.txt"].decode().split()[2] == os.uname().release,
               m["uname.txt"])
        info = json.loads(m["info.json"])
        expect(info["daemon"]["pid"] == d.proc.pid, info)
        counters = json.loads(m["counters.json"])
        expect("kernel" in counters and "control" in counters, counters)
        status = json.loads(m["status.json"])
        expect(status["identity"] == {"signed_in": True, "address": ADDRESS,
                                      "user": USER, "source": "stored"},
               status)
        # Without --interface the daemon has no lease: said, not hidden.
        expect("missing" in json.loads(m["lease.json"]), m["lease.json"])
        expect("missing" in json.loads(m["registrars.json"]),
               m["registrars.json"])
        json.loads(m["certificates.json"])
        log = m["daemon.log"].decode()
        expect('subsys=identity msg="signed in" address=alice@corp.test'
               in log, log)
        expect('msg="sign-in refused"' in log, log)
        expect(re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
                         r"level=info subsys=main msg=\"started\" "
                         rf"version={VERSION_RE} ", log, re.M), log)
        expect(m["kernel.log"].startswith(b"#") or b"ucphone" in
               m["kernel.log"], m["kernel.log"][:200])
    tap.check("the bundle holds the version, uname, info, counters, status, "
              "identity as address + user, daemon log", bundle_contents)

    def no_secret():
        d = state["d"]
        needles = spellings(PASSWORD)
        # Every file of the state directory that holds a secret, whole and
        # by its secret lines.
        for root, _, files in os.walk(d.state):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    data = fh.read()
                if b"password" in data or b"PRIVATE KEY" in data:
                    needles.add(data)
                    for line in data.splitlines():
                        if line.startswith(b"password="):
                            needles |= spellings(line)
        expect(len(needles) >= 6, f"too few needles: {needles}")
        found = [(name, n) for name, data in state["members"].items()
                 for n in needles if n in data]
        expect(not found, f"secret in the bundle: {found}")
        for name, data in state["members"].items():
            expect(b"PRIVATE KEY" not in data, f"a private key in {name}")
    tap.check("no member holds the password (plain, base64, hex, quoted) "
              "nor the state directory's secrets", no_secret)

    def default_path_and_replace():
        d = state["d"]
        tmp = os.path.join(workdir, "tmpdir")
        os.mkdir(tmp)
        env = dict(os.environ, TMPDIR=tmp)
        r = ctl(d.sock, "diag", env=env)
        expect(r.returncode == 0, r.stderr)
        path = r.stdout.strip()
        expect(os.path.dirname(path) == tmp and re.fullmatch(
            r"ucphone-diag-\d{8}T\d{6}Z\.tar\.gz", os.path.basename(path)),
            path)
        expect(os.stat(path).st_mode & 0o777 == 0o600,
               oct(os.stat(path).st_mode))
        open_bundle(path)
        # An existing file is replaced whole.
        out = os.path.join(workdir, "bundle.tar.gz")
        with open(out, "wb") as f:
            f.write(b"old junk")
        r = ctl(d.sock, "diag", "-o", out)
        expect(r.returncode == 0, r.stderr)
        open_bundle(out)
    tap.check("default path under $TMPDIR (0600); an old file is replaced "
              "whole", default_path_and_replace)

    def cannot_write():
        d = state["d"]
        out = os.path.join(workdir, "no-such-dir", "b.tar.gz")
        r = ctl(d.sock, "diag", "--output", out)
        expect(r.returncode == 1, f"exit {r.returncode}")
        expect("no-such-dir" in r.stderr, r.stderr)
        expect(not os.path.exists(os.path.dirname(out)), "dir created")
        r = ctl(d.sock, "diag", "--output")
        expect(r.returncode == 2, f"no FILE: exit {r.returncode}")
        r = ctl(d.sock, "diag", "extra")
        expect(r.returncode == 2, f"extra argument: exit {r.returncode}")
    tap.check("unwritable path: exit 1 naming it; usage errors exit 2",
              cannot_write)

    def many_lines_fit():
        d = state["d"]
        # Each refused sign-in is a log line: more than the ring keeps.
        for i in range(270):
            ctl(d.sock, "signin", "--address", f"n{i}", "--user", "u",
                "--password-stdin", stdin="pw\n")
        ctl(d.sock, "signout")
        out = os.path.join(workdir, "full.tar.gz")
        r = ctl(d.sock, "diag", "-o", out)
        expect(r.returncode == 0, r.stderr)
        members, _ = open_bundle(out)
        log = members["daemon.log"].decode().splitlines()
        head = re.match(r"# the daemon's last (\d+) log lines of (\d+) "
                        r"\((\d+) left out for room\)", log[0])
        expect(head, log[0])
        kept, total, omitted = map(int, head.groups())
        expect(kept == len(log) - 1 and 0 < kept <= 256, log[0])
        expect(total > 270 and kept == 256, log[0])
        expect(kept + omitted <= 256, log[0])
        expect('msg="signed out"' in log[-1], log[-1])
    tap.check("a full log ring: the newest 256 lines at most, the rest "
              "counted", many_lines_fit)

    def no_daemon():
        out = os.path.join(workdir, "alone.tar.gz")
        path = os.path.join(workdir, "nobody-home.sock")
        r = ctl(path, "diag", "-o", out)
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        expect(path in r.stderr and "no part of the daemon" in r.stderr,
               r.stderr)
        members, _ = open_bundle(out)
        expect(b"software version: unknown" in members["version.txt"],
               members["version.txt"])
        expect("missing" in json.loads(members["status.json"]),
               members["status.json"])
    tap.check("no daemon: a bundle of the local side, with a warning",
              no_daemon)

    def daemon_clean():
        d = state["d"]
        rc, _ = d.stop()
        text = d.text()
        expect(rc == 0, f"exit {rc}")
        expect(not sanitizer_reports(text), text)
        for n in spellings(PASSWORD):
            expect(n not in text.encode(), "password in the daemon's log")
    tap.check("the daemon exits cleanly, no sanitizer report, no password "
              "in its log", daemon_clean)


if __name__ == "__main__":
    sys.exit(main())
