#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The manual pages render without a warning, and they document what the
programs do: every long option of ucphoned is in ucphoned(8) and, unless it
is command-line only, a key in ucphoned.conf(5); every command in
ucphonectl's help is in ucphonectl(1). Prints TAP.

Usage: test_man.py --ucphoned PATH --ucphonectl PATH --man-dir DIR
"""

import argparse
import os
import re
import subprocess
import sys

CMDLINE_ONLY = {"config", "help", "version", "foreground"}


def render(page):
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8",
               MAN_KEEP_FORMATTING="0")
    r = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", page],
                       capture_output=True, text=True, env=env, timeout=60)
    return r


def man_text(page):
    """The page as a person reads it, formatting dropped."""
    r = render(page)
    return re.sub(r".\x08", "", r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ucphoned", required=True)
    ap.add_argument("--ucphonectl", required=True)
    ap.add_argument("--man-dir", required=True)
    args = ap.parse_args()
    pages = {p: os.path.join(args.man_dir, p)
             for p in ("ucphoned.8", "ucphoned.conf.5", "ucphonectl.1")}
    n = failed = 0
    print("TAP version 13")

    def check(name, ok, detail=""):
        nonlocal n, failed
        n += 1
        if ok:
            print(f"ok {n} - {name}")
        else:
            failed += 1
            print(f"not ok {n} - {name}")
            for line in detail.splitlines()[:20]:
                print(f"# {line}")

    for name, path in pages.items():
        r = render(path)
        check(f"{name} renders with man -l, no warning",
              r.returncode == 0 and not r.stderr.strip() and
              len(r.stdout) > 500, r.stderr)

    helptext = subprocess.run([args.ucphoned, "--help"], capture_output=True,
                              text=True, timeout=30).stdout
    opts = sorted(set(re.findall(r"--([a-z][a-z0-9-]+)", helptext)))
    daemon_page = man_text(pages["ucphoned.8"])
    conf_page = man_text(pages["ucphoned.conf.5"])
    missing = [o for o in opts if f"--{o}" not in daemon_page]
    check("every ucphoned option is in ucphoned(8)", not missing and opts,
          f"missing: {missing}")
    keys = [o for o in opts if o not in CMDLINE_ONLY]
    missing = [k for k in keys
               if not re.search(r"^\s*" + re.escape(k) + r"\s*=", conf_page,
                                re.M)]
    check("every setting is a key in ucphoned.conf(5)", not missing,
          f"missing: {missing}")

    ctl_help = subprocess.run([args.ucphonectl, "help"], capture_output=True,
                              text=True, timeout=30).stdout
    section = ctl_help.split("Commands:", 1)[-1].split("Other commands", 1)[0]
    commands = re.findall(r"^  ([a-z][a-z-]+)", section, re.M)
    ctl_page = man_text(pages["ucphonectl.1"])
    missing = [c for c in commands
               if not re.search(r"^\s*" + re.escape(c) + r"\b", ctl_page,
                                re.M)]
    check("every ucphonectl command is in ucphonectl(1)",
          not missing and commands, f"missing: {missing}")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
