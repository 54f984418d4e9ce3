#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Sign-in identity, end to end on the host: ucphonectl signin/signout
against a real ucphoned (degraded, no network), the stored file, restarts,
an unusable stored file, --signin-config, the raw control protocol, and
that the password shows up in no log line and no output. Prints TAP.

Usage: test_signin.py --ucphoned PATH --ucphonectl PATH
       test_signin.py --build BUILD_DIR
"""

import json
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import (CMD_TIMEOUT, Daemon, Tap, connect,  # noqa: E402
                         expect, reply_json, run_main,
                         sanitizer_reports)

PASSWORD = "Alice!Pass1 s3cr3t"
ADDRESS = "alice@corp.test"
USER = "CORP\\alice"


def main():
    return run_main(run_tests, "ucphoned-signin-")


def run_tests(tap, ucphoned, ctl_bin, workdir, daemons):
    outputs = []    # every ucphonectl stdout/stderr, checked for the password
    logs = []       # every daemon log, likewise

    def start(name="ucphoned", extra=()):
        d = Daemon(ucphoned, workdir, name, extra)
        daemons.append(d)
        d.wait_ready()
        return d

    def stop(d):
        rc, _ = d.stop()
        text = d.text()
        logs.append(text)
        expect(rc == 0, f"exit {rc}\n{text}")
        bad = sanitizer_reports(text)
        expect(not bad, f"sanitizer reports {bad}:\n{text}")

    def ctl(d, *argv, stdin=None):
        r = subprocess.run([ctl_bin, "--control", d.sock, *argv],
                           input=stdin, capture_output=True, text=True,
                           timeout=CMD_TIMEOUT)
        outputs.append(r.stdout + r.stderr)
        return r

    def status(d):
        r = ctl(d, "--json", "status")
        expect(r.returncode == 0, r.stderr)
        return json.loads(r.stdout)["identity"]

    state = {}

    def signin_stdin():
        d = state["d"] = start()
        expect(status(d) == {"signed_in": False}, f"{status(d)}")
        r = ctl(d, "signin", "--address", ADDRESS, "--user", USER,
                "--password-stdin", stdin=PASSWORD + "\n")
        expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        expect(r.stdout.strip() ==
               f"sign-in:      {ADDRESS} as {USER} (stored)", r.stdout)
        st = status(d)
        expect(st == {"signed_in": True, "address": ADDRESS, "user": USER,
                      "source": "stored"}, f"{st}")
        r = ctl(d, "status")
        expect(f"sign-in:      {ADDRESS} as {USER}" in r.stdout, r.stdout)
    tap.check("ucphonectl signin --password-stdin: status shows address + user",
              signin_stdin)

    def stored_0600():
        path = os.path.join(state["d"].state, "signin")
        mode = stat.S_IMODE(os.stat(path).st_mode)
        expect(mode == 0o600, f"mode {oct(mode)}")
        with open(path) as f:
            expect(f.read() == f"address={ADDRESS}\nuser={USER}\n"
                   f"password={PASSWORD}\n", "unexpected content")
        expect(sorted(os.listdir(state["d"].state)) == ["signin"],
               f"{os.listdir(state['d'].state)}")
    tap.check("<state>/signin is 0600 and alone (no temporary left)",
              stored_0600)

    def survives_restart():
        stop(state["d"])
        d = state["d"] = start()
        st = status(d)
        expect(st.get("signed_in") and st.get("address") == ADDRESS and
               st.get("user") == USER, f"{st}")
        expect('subsys=identity msg="signed in" address=alice@corp.test'
               in d.text(), d.text())
    tap.check("a restarted daemon is signed in from the stored file",
              survives_restart)

    def refused_signins():
        d = state["d"]
        r = ctl(d, "signin", "--address", "alice", "--user", USER,
                "--password-stdin", stdin="pw\n")
        expect(r.returncode == 1, f"exit {r.returncode}")
        expect("address must be user@domain" in r.stderr, r.stderr)
        r = ctl(d, "signin", "--address", ADDRESS, "--user", USER, PASSWORD)
        expect(r.returncode == 2, f"password as argument: exit {r.returncode}")
        expect(PASSWORD not in r.stderr, "usage error echoes the argument")
        r = ctl(d, "signin", "--address", ADDRESS, "--user", USER,
                "--password-stdin", stdin="")
        expect(r.returncode == 1, f"empty password: exit {r.returncode}")
        st = status(d)
        expect(st.get("address") == ADDRESS, f"identity changed: {st}")
    tap.check("bad sign-ins (address, password as argument, empty) change "
              "nothing", refused_signins)

    def password_file_and_signout():
        d = state["d"]
        pw = os.path.join(workdir, "pw")
        with open(pw, "w") as f:
            f.write("Bob!Pass1\n")
        r = ctl(d, "signin", "--address", "bob@corp.test", "--user", "bob",
                "--password-file", pw)
        expect(r.returncode == 0, r.stderr)
        with open(os.path.join(d.state, "signin")) as f:
            expect("password=Bob!Pass1\n" in f.read(), "not stored")
        r = ctl(d, "signout")
        expect(r.returncode == 0 and r.stdout.strip() == "signed out",
               f"{r.returncode} {r.stdout} {r.stderr}")
        expect(not os.path.exists(os.path.join(d.state, "signin")),
               "stored file left after signout")
        expect(status(d) == {"signed_in": False}, f"{status(d)}")
        r = ctl(d, "signout")
        expect(r.returncode == 0, "second signout failed")
    tap.check("--password-file; signout removes the stored file",
              password_file_and_signout)

    def raw_protocol():
        d = state["d"]
        # the signin request, then the connection dropped before the password
        with connect(d.sock) as s:
            s.send(json.dumps({"command": "signin", "address": ADDRESS,
                               "user": USER}).encode())
        # a password with a NUL byte
        with connect(d.sock) as s:
            s.send(json.dumps({"command": "signin", "address": ADDRESS,
                               "user": USER}).encode())
            s.send(b"pass\0word")
            rep = reply_json(s.recv(1 << 16))
            expect(not rep["ok"] and "without NUL" in rep["error"], f"{rep}")
        # a password in the JSON is refused, not stored
        with connect(d.sock) as s:
            s.send(json.dumps({"command": "signin", "address": ADDRESS,
                               "user": USER, "password": "x"}).encode())
            rep = reply_json(s.recv(1 << 16))
            expect(not rep["ok"] and rep["error"] ==
                   'unknown field "password"', f"{rep}")
        expect(status(d) == {"signed_in": False}, f"{status(d)}")
        expect(d.proc.poll() is None, "daemon died")
    tap.check("raw protocol: dropped, NUL and JSON passwords are refused",
              raw_protocol)

    def corrupt_file_kept():
        d = state["d"]
        stop(d)
        path = os.path.join(d.state, "signin")
        with open(path, "w") as f:
            f.write(f"address={ADDRESS}\nuser={USER}\npassw0rd={PASSWORD}\n")
        os.chmod(path, 0o600)
        d = state["d"] = start()
        st = status(d)
        expect(st.get("signed_in") is False and "line 3: unknown key" in
               st.get("error", ""), f"{st}")
        expect('msg="stored sign-in unusable; signed out until the next '
               'sign-in"' in d.text(), d.text())
        expect(os.path.exists(path), "unusable file removed")
        r = ctl(d, "signin", "--address", ADDRESS, "--user", USER,
                "--password-stdin", stdin=PASSWORD)
        expect(r.returncode == 0, r.stderr)
        expect(os.path.exists(path + ".corrupt"), "not moved aside")
        expect("error" not in status(d), f"{status(d)}")
        r = ctl(d, "signout")
        expect(sorted(os.listdir(d.state)) == [], f"{os.listdir(d.state)}")
        stop(d)
    tap.check("an unusable stored file: clear error, signed out, kept; the "
              "next sign-in moves it aside", corrupt_file_kept)

    def config_file():
        conf = os.path.join(workdir, "signin.conf")
        with open(conf, "w") as f:
            f.write(f"# provisioned\naddress={ADDRESS}\nuser={USER}\n"
                    f"password={PASSWORD}\n")
        os.chmod(conf, 0o600)
        d = start("conf", ["--signin-config", conf])
        st = status(d)
        expect(st == {"signed_in": True, "address": ADDRESS, "user": USER,
                      "source": "config"}, f"{st}")
        expect(not os.path.exists(os.path.join(d.state, "signin")),
               "config copied into the state dir")
        stop(d)
        with open(conf, "w") as f:
            f.write(f"address={ADDRESS}\nuser={USER}\n")
        bad = Daemon(ucphoned, workdir, "badconf", ["--signin-config", conf])
        daemons.append(bad)
        rc = bad.proc.wait(CMD_TIMEOUT)
        text = bad.text()
        logs.append(text)
        expect(rc != 0, "started with a bad config")
        expect('msg="sign-in config rejected"' in text and
               'reason="missing password"' in text, text)
    tap.check("--signin-config FILE signs in; a bad one stops the start "
              "with the reason", config_file)

    def password_nowhere():
        for i, text in enumerate(logs):
            expect(PASSWORD not in text and "Alice!Pass1" not in text,
                   f"password in daemon log {i}")
            expect("Bob!Pass1" not in text, f"password in daemon log {i}")
        for text in outputs:
            expect(PASSWORD not in text and "Bob!Pass1" not in text,
                   f"password in ucphonectl output: {text}")
        expect(len(logs) >= 4 and len(outputs) >= 10, "too little checked")
    tap.check("the password is in no daemon log and no ucphonectl output",
              password_nowhere)


if __name__ == "__main__":
    sys.exit(main())
