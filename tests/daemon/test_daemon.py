#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Integration tests of ucphoned and ucphonectl on the host.

The host kernel has no ucphone module, so the daemon runs degraded; these
tests cover everything that does not need the kernel side: the control
socket, the CLI, robustness against bad clients, single-instance locking
and clean shutdown. Prints TAP; exits non-zero if any test failed.

Usage: test_daemon.py --ucphoned PATH --ucphonectl PATH
       test_daemon.py --build BUILD_DIR
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import traceback

# Sanitizer builds start slowly; nothing here should take this long.
START_TIMEOUT = 10.0
CMD_TIMEOUT = 10.0
SO_SNDBUFFORCE = 32
# The software version: the project's three parts and the build number.
VERSION_RE = r"0\.1\.0\.\d+"


def uapi_version():
    """UCPHONE_GENL_VERSION from the kernel/daemon contract, which the
    programs print as "(UAPI N)"."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "../../include/uapi/linux/ucphone.h")
    with open(header) as f:
        m = re.search(r"^#define UCPHONE_GENL_VERSION (\d+)$", f.read(), re.M)
    return int(m.group(1))


UAPI = uapi_version()


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        print("TAP version 13", flush=True)

    def check(self, name, fn):
        self.n += 1
        try:
            fn()
        except Exception as e:  # one failure must not stop the others
            self.failed += 1
            print(f"not ok {self.n} - {name}")
            for line in (str(e) or traceback.format_exc()).splitlines():
                print(f"# {line}")
            sys.stdout.flush()
            return
        print(f"ok {self.n} - {name}", flush=True)

    def finish(self):
        print(f"1..{self.n}")
        print(f"# {self.n - self.failed} passed, {self.failed} failed",
              flush=True)
        return 1 if self.failed else 0


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


class Daemon:
    """One ucphoned with its own socket and state dir, stderr to a file."""

    def __init__(self, binary, workdir, name="ucphoned", extra=(), env=None):
        self.sock = os.path.join(workdir, name + ".sock")
        self.state = os.path.join(workdir, name + "-state")
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "-c", self.sock, "-S", self.state, "-v", *extra],
            stdout=self.log, stderr=self.log,
            env=None if env is None else {**os.environ, **env})

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"ucphoned exited {self.proc.returncode}:\n" + self.text())
            try:
                with connect(self.sock):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("ucphoned did not open its socket\n" +
                             self.text())

    def text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=2.0):
        """Returns (exit code, seconds taken)."""
        start = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"ucphoned still running {timeout} s "
                                 "after the signal")
        finally:
            self.log.close()
        return rc, time.monotonic() - start

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        # Blocking: a full listen backlog makes a non-blocking AF_UNIX
        # connect fail with EAGAIN instead of waiting its turn.
        s.connect(path)
    except OSError:
        s.close()
        raise
    s.settimeout(CMD_TIMEOUT)
    return s


def request(path, payload):
    """Sends one raw message; returns the reply (bytes; b"" if closed)."""
    with connect(path) as s:
        s.send(payload)
        return s.recv(1 << 16)


def reply_json(raw):
    expect(raw, "connection closed without a reply")
    return json.loads(raw)


def run_ctl(ctl, *args, env=None):
    return subprocess.run([ctl, *args], capture_output=True, text=True,
                          timeout=CMD_TIMEOUT, env=env)


def sanitizer_reports(text):
    markers = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
               "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")
    return [m for m in markers if m in text]


def run_main(run_tests, workdir_prefix):
    """Parses the binaries' paths, runs run_tests(tap, ucphoned, ucphonectl,
    workdir, daemons) in a scratch folder, kills what it started, and
    returns the TAP exit status. Shared by every daemon test script."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", help="Meson build directory")
    ap.add_argument("--ucphoned")
    ap.add_argument("--ucphonectl")
    args = ap.parse_args()
    if args.build:
        args.ucphoned = args.ucphoned or os.path.join(
            args.build, "userspace/daemon/ucphoned")
        args.ucphonectl = args.ucphonectl or os.path.join(
            args.build, "userspace/ctl/ucphonectl")
    if not args.ucphoned or not args.ucphonectl:
        ap.error("give --build or both --ucphoned and --ucphonectl")
    for b in (args.ucphoned, args.ucphonectl):
        if not os.access(b, os.X_OK):
            ap.error(f"{b}: not an executable (build first)")

    tap = Tap()
    workdir = tempfile.mkdtemp(prefix=workdir_prefix)
    daemons = []
    try:
        run_tests(tap, args.ucphoned, args.ucphonectl, workdir, daemons)
    finally:
        for d in daemons:
            d.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    return tap.finish()


def main():
    return run_main(run_tests, "ucphoned-test-")


def run_tests(tap, ucphoned, ctl, workdir, daemons):
    d = Daemon(ucphoned, workdir)
    daemons.append(d)

    def starts():
        d.wait_ready()
        st = os.lstat(d.sock)
        expect(stat.S_ISSOCK(st.st_mode), "control path is not a socket")
        expect(stat.S_IMODE(st.st_mode) == 0o660,
               f"socket mode {oct(stat.S_IMODE(st.st_mode))}, want 0o660")
        st = os.stat(d.state)
        expect(stat.S_ISDIR(st.st_mode), "state dir missing")
        expect(stat.S_IMODE(st.st_mode) == 0o700,
               f"state dir mode {oct(stat.S_IMODE(st.st_mode))}, want 0o700")
    tap.check("daemon starts with a temp socket (0660) and state dir (0700)",
              starts)

    def says_degraded_once():
        line = ('level=warning subsys=kernel msg="ucphone family not found; '
                'running degraded (no phone hardware)"')
        # The socket opens before the kernel link looks: on a loaded host
        # the warning may come a moment after wait_ready().
        deadline = time.monotonic() + START_TIMEOUT
        while line not in d.text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = d.text()
        expect(text.count(line) == 1,
               f"want the degraded warning once, log:\n{text}")
    tap.check("daemon warns once that it runs degraded", says_degraded_once)

    def ctl_info_degraded():
        r = run_ctl(ctl, "--control", d.sock, "info")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        lines = r.stdout.splitlines()
        expect(re.match(rf"ucphoned {VERSION_RE} \(UAPI \d+\)", lines[0]),
               r.stdout)
        expect("kernel:  unavailable (ucphone module not loaded; running "
               "degraded)" in lines, r.stdout)
    tap.check("ucphonectl info says degraded and exits 0", ctl_info_degraded)

    def ctl_info_json():
        r = run_ctl(ctl, "--control", d.sock, "--json", "info")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        expect(r.stdout.count("\n") == 1, "not one line")
        tool = subprocess.run([sys.executable, "-m", "json.tool"],
                              input=r.stdout, capture_output=True, text=True)
        expect(tool.returncode == 0, f"json.tool: {tool.stderr}")
        info = json.loads(r.stdout)
        expect(re.fullmatch(VERSION_RE, info["daemon"]["version"]), info)
        expect(isinstance(info["daemon"]["uapi"], int), info)
        expect(info["daemon"]["control"] == d.sock, info)
        expect(info["daemon"]["state_dir"] == d.state, info)
        expect(info["daemon"]["pid"] == d.proc.pid, info)
        expect(info["kernel"]["available"] is False, info)
        expect("reason" in info["kernel"], info)
        k = info["counters"]["kernel"]
        for key in ("events_received", "events_lost", "overruns",
                    "malformed", "family_appeared", "family_vanished"):
            expect(isinstance(k.get(key), int), f"counters.kernel.{key}")
        c = info["counters"]["control"]
        for key in ("clients", "requests", "bad_requests", "slow_dropped"):
            expect(isinstance(c.get(key), int), f"counters.control.{key}")
    tap.check("ucphonectl --json info is one line of JSON with the fields",
              ctl_info_json)

    def ctl_env():
        env = dict(os.environ, UCPHONE_CONTROL=d.sock)
        r = run_ctl(ctl, "info", env=env)
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    tap.check("ucphonectl finds the socket through $UCPHONE_CONTROL",
              ctl_env)

    def ctl_unknown_command():
        r = run_ctl(ctl, "--control", d.sock, "frobnicate")
        expect(r.returncode == 1, f"exit {r.returncode}, want 1")
        expect('unknown command "frobnicate"' in r.stderr, r.stderr)
    tap.check("unknown command: exit 1 with the daemon's error",
              ctl_unknown_command)

    def ctl_no_daemon():
        path = os.path.join(workdir, "nobody-home.sock")
        r = run_ctl(ctl, "--control", path, "info")
        expect(r.returncode == 3, f"exit {r.returncode}, want 3")
        expect(path in r.stderr, f"message does not name the path: "
               f"{r.stderr}")
    tap.check("no daemon: exit 3 naming the socket path", ctl_no_daemon)

    def ctl_usage():
        for argv, want in ((["help"], 0), (["version"], 0), ([], 2),
                           (["--bogus", "info"], 2), (["info", "x"], 2)):
            r = run_ctl(ctl, "--control", d.sock, *argv)
            expect(r.returncode == want,
                   f"{argv}: exit {r.returncode}, want {want}")
    tap.check("ucphonectl help/version exit 0, usage errors exit 2",
              ctl_usage)

    def ctl_version():
        # The phone's software version is the running daemon's.
        r = run_ctl(ctl, "--control", d.sock, "version")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        lines = r.stdout.splitlines()
        expect(len(lines) == 2, r.stdout)
        expect(re.fullmatch(rf"ucphonectl {VERSION_RE} \(UAPI \d+\)",
                            lines[0]), r.stdout)
        expect(re.fullmatch(rf"ucphoned {VERSION_RE} \(UAPI \d+\)",
                            lines[1]), r.stdout)
        r = run_ctl(ctl, "--control", d.sock, "--json", "version")
        v = json.loads(r.stdout)
        expect(v["ucphoned"]["version"] == v["ucphonectl"]["version"], v)
        expect(v["ucphoned"]["pid"] == d.proc.pid, v)
        # No daemon: ucphonectl's own still printed, exit 3 naming it.
        path = os.path.join(workdir, "nobody-home.sock")
        r = run_ctl(ctl, "--control", path, "version")
        expect(r.returncode == 3, f"exit {r.returncode}, want 3")
        expect(re.fullmatch(rf"ucphonectl {VERSION_RE} \(UAPI \d+\)\n",
                            r.stdout), r.stdout)
        expect(path in r.stderr, r.stderr)
    tap.check("ucphonectl version: its own and the daemon's, four parts",
              ctl_version)

    def daemon_cli():
        r = subprocess.run([ucphoned, "--version"], capture_output=True,
                           text=True, timeout=CMD_TIMEOUT)
        expect(r.returncode == 0 and
               re.fullmatch(rf"ucphoned {VERSION_RE} \(UAPI \d+\)\n",
                            r.stdout), r.stdout)
        r = subprocess.run([ucphoned, "--help"], capture_output=True,
                           text=True, timeout=CMD_TIMEOUT)
        expect(r.returncode == 0 and "--state-dir" in r.stdout, r.stdout)
        r = subprocess.run([ucphoned, "--nonsense"], capture_output=True,
                           text=True, timeout=CMD_TIMEOUT)
        expect(r.returncode == 2, f"exit {r.returncode}, want 2")
    tap.check("ucphoned --version/--help exit 0, bad option exits 2",
              daemon_cli)

    def garbage():
        for payload in (b"\x00\xff\xfe garbage \x01",
                        b"not json", b"{", b"[1,2]", b'{"command":1}',
                        b'{"command":"info","x":true}', b"\xff" * 4096):
            rep = reply_json(request(d.sock, payload))
            expect(rep["ok"] is False and rep["error"],
                   f"{payload[:20]!r}: {rep}")
        info = reply_json(request(d.sock, b'{"command":"info"}'))
        expect(info["ok"] is True, info)
    tap.check("garbage and wrong types get an error reply; info still works",
              garbage)

    def one_mebibyte():
        with connect(d.sock) as s:
            try:
                s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20)
            except OSError:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            s.send(b"{" + b" " * ((1 << 20) - 2) + b"}")
            raw = s.recv(1 << 16)
        if raw:
            rep = json.loads(raw)
            expect(rep["ok"] is False and "too large" in rep["error"], rep)
        info = reply_json(request(d.sock, b'{"command":"info"}'))
        expect(info["ok"] is True, info)
        c = info["result"]["counters"]["control"]
        expect(c["bad_requests"] >= 8, c)
    tap.check("a 1 MiB message is refused; the daemon still answers",
              one_mebibyte)

    def hang_ups():
        # Connects and leaves; sends and leaves before the reply; sends
        # many requests without reading.
        connect(d.sock).close()
        with connect(d.sock) as s:
            s.send(b'{"command":"info"}')
        with connect(d.sock) as s:
            for _ in range(50):
                try:
                    s.send(b'{"command":"info"}', socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
        r = run_ctl(ctl, "--control", d.sock, "info")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    tap.check("clients that hang up mid-way do not disturb the daemon",
              hang_ups)

    def several_requests_one_connection():
        with connect(d.sock) as s:
            for _ in range(3):
                s.send(b'{"command":"info"}')
                expect(json.loads(s.recv(1 << 16))["ok"] is True, "reply")
    tap.check("several requests on one connection", several_requests_one_connection)

    def events_subscription():
        with connect(d.sock) as s:
            s.send(b'{"command":"events"}')
            rep = json.loads(s.recv(1 << 16))
            expect(rep == {"ok": True, "result": {"subscribed": True}}, rep)
            info = reply_json(request(d.sock, b'{"command":"info"}'))
            c = info["result"]["counters"]["control"]
            expect(c["subscribers"] == 1, c)
            # Degraded: no kernel, so no events; the stream stays open.
            s.settimeout(0.3)
            try:
                extra = s.recv(1 << 16)
                expect(False, f"unexpected message {extra!r}")
            except socket.timeout:
                pass
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            info = reply_json(request(d.sock, b'{"command":"info"}'))
            if info["result"]["counters"]["control"]["subscribers"] == 0:
                break
            expect(time.monotonic() < deadline, f"still subscribed: {info}")
            time.sleep(0.05)
    tap.check("events: subscribed reply, stream stays open, unsubscribe on "
              "close", events_subscription)

    def ctl_events_until_interrupted():
        p = subprocess.Popen([ctl, "--control", d.sock, "events"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                info = reply_json(request(d.sock, b'{"command":"info"}'))
                if info["result"]["counters"]["control"]["subscribers"]:
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("ucphonectl events never subscribed")
            expect(p.poll() is None, "ucphonectl events exited early")
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=CMD_TIMEOUT)
            expect(p.returncode == 0, f"exit {p.returncode}: {err}")
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
    tap.check("ucphonectl events streams until interrupted, then exits 0",
              ctl_events_until_interrupted)

    def too_many_clients():
        held = []
        try:
            for _ in range(64):
                held.append(connect(d.sock))
            time.sleep(0.2)
            with connect(d.sock) as s:
                raw = s.recv(1 << 16)
            rep = json.loads(raw)
            expect(rep == {"ok": False, "error": "too many clients"}, rep)
        finally:
            for s in held:
                s.close()
        time.sleep(0.2)
        r = run_ctl(ctl, "--control", d.sock, "info")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    tap.check("the 65th client is refused politely; service resumes",
              too_many_clients)

    def second_daemon_refuses():
        r = subprocess.run([ucphoned, "-c", d.sock, "-S", d.state],
                           capture_output=True, text=True,
                           timeout=CMD_TIMEOUT)
        expect(r.returncode != 0, "second daemon started")
        expect("already running" in r.stderr, r.stderr)
        r = run_ctl(ctl, "--control", d.sock, "info")
        expect(r.returncode == 0, "first daemon stopped answering")
        expect(os.path.exists(d.sock), "second daemon removed the socket")
    tap.check("a second daemon on the same socket refuses, exit non-zero",
              second_daemon_refuses)

    def sighup_reloads():
        d.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + CMD_TIMEOUT
        while time.monotonic() < deadline and \
                'msg="configuration reloaded"' not in d.text():
            time.sleep(0.05)
        expect(d.proc.poll() is None, "SIGHUP stopped the daemon")
        expect('msg="configuration reloaded"' in d.text(),
               "SIGHUP did not reload the configuration")
    tap.check("SIGHUP reloads the configuration, the daemon runs on",
              sighup_reloads)

    def sigterm_clean():
        rc, took = d.stop(signal.SIGTERM, timeout=2.0)
        expect(rc == 0, f"exit {rc}, want 0\n{d.text()}")
        expect(took < 2.0, f"took {took:.2f} s")
        expect(not os.path.exists(d.sock), "socket file left behind")
        bad = sanitizer_reports(d.text())
        expect(not bad, f"sanitizer reports {bad}:\n{d.text()}")
    tap.check("SIGTERM: exit 0 within 2 s, socket removed, sanitizers clean",
              sigterm_clean)

    def stale_socket_replaced():
        path = os.path.join(workdir, "stale.sock")
        old = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        old.bind(path)
        old.close()  # the file stays; nobody listens: a crash's leftover
        d2 = Daemon(ucphoned, workdir, "stale")
        daemons.append(d2)
        expect(d2.sock == path, "path mix-up")
        d2.wait_ready()
        expect("removed stale control socket" in d2.text(), d2.text())
        rc, _ = d2.stop(signal.SIGINT)
        expect(rc == 0, f"SIGINT: exit {rc}")
        expect(not sanitizer_reports(d2.text()), d2.text())
    tap.check("a stale socket is replaced; SIGINT exits 0", stale_socket_replaced)

    def refuses_non_socket():
        path = os.path.join(workdir, "file.sock")
        with open(path, "w") as f:
            f.write("precious")
        r = subprocess.run([ucphoned, "-c", path, "-S",
                            os.path.join(workdir, "file-state")],
                           capture_output=True, text=True,
                           timeout=CMD_TIMEOUT)
        expect(r.returncode != 0, "started over a regular file")
        expect("not a socket" in r.stderr, r.stderr)
        with open(path) as f:
            expect(f.read() == "precious", "file clobbered")
    tap.check("a regular file at the socket path is left alone",
              refuses_non_socket)

    def tightens_state_dir():
        state = os.path.join(workdir, "loose-state")  # Daemon's naming
        os.mkdir(state)
        os.chmod(state, 0o755)
        d4 = Daemon(ucphoned, workdir, "loose")
        expect(d4.state == state, "path mix-up")
        daemons.append(d4)
        d4.wait_ready()
        mode = stat.S_IMODE(os.stat(d4.state).st_mode)
        expect(mode == 0o700, f"state dir mode {oct(mode)}")
        rc, _ = d4.stop()
        expect(rc == 0, f"exit {rc}")
    tap.check("an existing state dir is made private (0700)",
              tightens_state_dir)

    def calls_start_with_the_card():
        # A board's sound card may come after ucphoned: here the test card's
        # microphone file is missing at start, so the card cannot open.
        conf = os.path.join(os.path.dirname(ucphoned),
                            "../../tests/media/asound.conf")
        expect(os.path.exists(conf), f"no {conf} (build tests/media)")
        mic = os.path.join(workdir, "late-mic.raw")
        # Calls need a network interface: a veth pair in a namespace of
        # the daemon's own (DHCP on it finds no server; nothing leaves).
        if os.geteuid() != 0:
            raise AssertionError("needs root for a network namespace")
        wrapper = os.path.join(workdir, "in-own-netns")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec unshare -n sh -c 'ip link add ph0 type "
                    "veth peer name ph1 && ip link set ph0 up && "
                    "ip link set ph1 up && exec \"$0\" \"$@\" "
                    "--interface ph0' \"$UCPHONED\" \"$@\"\n")
        os.chmod(wrapper, 0o755)
        d5 = Daemon(wrapper, workdir, "late-card",
                    extra=("--audio-playback", "ucphone_test_a_play",
                           "--audio-capture", "ucphone_test_a_cap"),
                    env={"ALSA_CONFIG_PATH":
                         "/usr/share/alsa/alsa.conf:" + conf,
                         "UCPHONED": ucphoned,
                         "UCPHONE_TEST_A_IN": mic,
                         "UCPHONE_TEST_A_OUT": os.devnull})
        daemons.append(d5)
        d5.wait_ready()

        def calls():
            r = run_ctl(ctl, "--control", d5.sock, "--json", "calls")
            return json.loads(r.stdout) if r.returncode == 0 else {}
        deadline = time.monotonic() + START_TIMEOUT
        while "calls unavailable" not in d5.text() and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        expect("calls unavailable" in d5.text(), d5.text())
        expect("state" not in calls(), f"calls without a card: {calls()}")
        with open(mic, "wb") as f:
            f.write(bytes(16000))
        deadline = time.monotonic() + 10
        while calls().get("state") != "idle" and time.monotonic() < deadline:
            time.sleep(0.1)
        expect(calls().get("state") == "idle",
               f"calls did not start with the card: {calls()}\n{d5.text()}")
        expect("sound path ready: calls available" in d5.text(), d5.text())
        rc, _ = d5.stop()
        expect(rc == 0, f"exit {rc}")
    tap.check("calls start once the sound card can be opened, without a "
              "restart", calls_start_with_the_card)


if __name__ == "__main__":
    sys.exit(main())
