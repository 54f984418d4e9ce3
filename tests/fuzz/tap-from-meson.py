#!/usr/bin/python3
"""Prints one TAP verdict per fuzz target from Meson's JSON test log, with
the number of inputs libFuzzer ran, so scripts/test.sh counts targets."""
import json
import re
import sys

n = 0
with open(sys.argv[1]) as log:
    for line in log:
        t = json.loads(line)
        n += 1
        runs = re.search(r"stat::number_of_executed_units:\s*(\d+)",
                         (t.get("stdout") or "") + (t.get("stderr") or ""))
        what = f"{t['name']}: {runs.group(1)} inputs" if runs else t["name"]
        verdict = "ok" if t["result"] == "OK" else "not ok"
        print(f"{verdict} {n} - {what}")
print(f"1..{n}")
