#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The daemon's configuration file, end to end on the host: every long
option is a key, the command line overrides the file, bad keys and values
name file:line and stop the start, and a reload (ucphonectl reload or
SIGHUP) applies what it can at once, reports the rest, and changes nothing
when the new file is bad. Prints TAP.

Usage: test_config.py --ucphoned PATH --ucphonectl PATH
       test_config.py --build BUILD_DIR
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import (CMD_TIMEOUT, Daemon, connect,  # noqa: E402
                         expect, reply_json, run_ctl, run_main,
                         sanitizer_reports)


def main():
    return run_main(run_tests, "ucphoned-config-")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def wait_for(what, fn, timeout=CMD_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def run_daemon_once(ucphoned, *args):
    return subprocess.run([ucphoned, *args], capture_output=True, text=True,
                          timeout=CMD_TIMEOUT)


class FileDaemon(Daemon):
    """A ucphoned configured by a file; only --config on its command line
    unless extra says more."""

    def __init__(self, binary, workdir, conf, name, extra=()):
        self.sock = os.path.join(workdir, name + ".sock")
        self.state = os.path.join(workdir, name + "-state")
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([binary, "--config", conf, *extra],
                                     stdout=self.log, stderr=self.log)


def run_tests(tap, ucphoned, ctl, workdir, daemons):
    conf = os.path.join(workdir, "ucphoned.conf")
    sock = os.path.join(workdir, "phone.sock")
    state = os.path.join(workdir, "phone-state")
    other_state = os.path.join(workdir, "other-state")

    def info(path):
        r = run_ctl(ctl, "--control", path, "--json", "info")
        expect(r.returncode == 0, r.stderr)
        return json.loads(r.stdout)

    d = None

    def file_configures():
        nonlocal d
        write(conf, "# the phone's settings\n"
                    f"control = {sock}\n"
                    f"state-dir = \"{state}\"\n"
                    "\n"
                    "   log-level = info\n"
                    "reset-long-press = hard\n"
                    "set-clock = no\n")
        d = FileDaemon(ucphoned, workdir, conf, "phone")
        daemons.append(d)
        d.wait_ready()
        i = info(sock)
        expect(i["daemon"]["state_dir"] == state if "daemon" in i
               else i.get("state_dir") == state, f"state dir not from the file: {i}")
        expect(os.path.isdir(state), "state dir from the file not created")
        expect(f"config={conf}" in d.text() or conf in d.text(),
               "the log does not name the file read")
    tap.check("the file's keys configure the daemon (control, state-dir)",
              file_configures)

    def cmdline_overrides():
        sock2 = os.path.join(workdir, "other.sock")
        d2 = FileDaemon(ucphoned, workdir, conf, "other",
                        extra=("-c", sock2, "-S", other_state))
        daemons.append(d2)
        d2.sock = sock2
        d2.wait_ready()
        expect(os.path.isdir(other_state), "command line state dir unused")
        rc, _ = d2.stop()
        expect(rc == 0, f"exit {rc}")
    tap.check("the command line overrides the file", cmdline_overrides)

    def bad_files_refused():
        cases = [
            ("interface = eth0\nbogus-key = 1\n", r":2: unknown key 'bogus-key'"),
            ("sip-expires = 0\n", r":1: sip-expires wants 1-86400 seconds"),
            ("set-clock = maybe\n", r":1: set-clock wants yes or no"),
            ("just words\n", r":1: expected 'key = value'"),
            ("help = yes\n", r":1: unknown key 'help'"),
            ("sip-domain = \"corp.test\n", r":1: unterminated quote"),
            ("a = " + "x" * 2000 + "\n", r":1: line longer than 1024 bytes"),
        ]
        bad = os.path.join(workdir, "bad.conf")
        for text, want in cases:
            write(bad, text)
            r = run_daemon_once(ucphoned, "--config", bad, "-c",
                                os.path.join(workdir, "x.sock"), "-S",
                                os.path.join(workdir, "x-state"))
            expect(r.returncode == 2, f"{text[:30]!r}: exit {r.returncode}")
            expect(re.search(re.escape(bad) + want, r.stderr),
                   f"{text[:30]!r}: stderr {r.stderr!r}, want {want}")
        with open(bad, "wb") as f:
            f.write(b"interface = eth0\n\0\n")
        r = run_daemon_once(ucphoned, "--config", bad)
        expect(r.returncode == 2 and "NUL" in r.stderr, r.stderr)
        r = run_daemon_once(ucphoned, "--config",
                            os.path.join(workdir, "missing.conf"))
        expect(r.returncode == 2 and "No such file" in r.stderr, r.stderr)
        expect(not os.path.exists(os.path.join(workdir, "x-state")),
               "a refused configuration still created the state dir")
    tap.check("bad keys, values and files: exit 2 naming file:line, "
              "nothing started", bad_files_refused)

    def reload_applies_and_reports():
        expect('level=debug' not in d.text(), "debug lines before reload")
        write(conf, f"control = {sock}\n"
                    f"state-dir = {state}\n"
                    "log-level = debug\n"
                    "reset-long-press = soft\n"
                    "sip-expires = 600\n")
        r = run_ctl(ctl, "--control", sock, "reload")
        expect(r.returncode == 0, r.stderr)
        expect(re.search(r"applied now:.*log-level", r.stdout) and
               "reset-long-press" in r.stdout, r.stdout)
        expect(re.search(r"kept until restart: sip-expires", r.stdout),
               r.stdout)
        r = run_ctl(ctl, "--control", sock, "--json", "reload")
        res = json.loads(r.stdout)
        expect(res["applied"] == [] and res["restart_needed"] ==
               ["sip-expires"], res)
        run_ctl(ctl, "--control", sock, "info")
        wait_for("a debug line", lambda: "level=debug" in d.text())
    tap.check("reload applies live settings at once and names the ones "
              "kept until a restart", reload_applies_and_reports)

    def bad_reload_changes_nothing():
        write(conf, f"control = {sock}\nlog-level = loud\n")
        r = run_ctl(ctl, "--control", sock, "reload")
        expect(r.returncode == 1, f"exit {r.returncode}")
        expect(f"{conf}:2: log-level wants error, warning, info or debug"
               in r.stderr, r.stderr)
        expect(d.proc.poll() is None, "a bad reload stopped the daemon")
        before = d.text().count("level=debug")
        run_ctl(ctl, "--control", sock, "info")
        wait_for("debug still on", lambda: d.text().count("level=debug") >
                 before)
    tap.check("a bad file on reload: clear error, settings unchanged",
              bad_reload_changes_nothing)

    def sighup_reloads():
        write(conf, f"control = {sock}\nstate-dir = {state}\n"
                    "log-level = warning\n")
        d.proc.send_signal(signal.SIGHUP)
        wait_for("the reload line",
                 lambda: 'msg="configuration reloaded"' in d.text())
        mark = len(d.text())
        run_ctl(ctl, "--control", sock, "info")
        time.sleep(0.2)
        expect("level=debug" not in d.text()[mark:] and
               "level=info" not in d.text()[mark:],
               "log level not lowered by SIGHUP")
    tap.check("SIGHUP reloads the file", sighup_reloads)

    def clean_exit():
        rc, _ = d.stop()
        expect(rc == 0, f"exit {rc}")
        bad = sanitizer_reports(d.text())
        expect(not bad, f"sanitizer reports {bad}")
    tap.check("stops cleanly, sanitizers clean", clean_exit)


if __name__ == "__main__":
    sys.exit(main())
