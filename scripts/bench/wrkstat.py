#!/usr/bin/env python3
"""Reads wrk --latency output files and prints one JSON object per file
(requests, seconds, rps, p50/p90/p99 in ms, non2xx, socketErrors).
  wrkstat.py FILE...            one JSON line per file, keyed by "file"
Used by load-mixed.sh and bench-growth.sh; stdlib only."""
import json, os, re, sys


def ms(value, unit):
    v = float(value)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v * 60000 if unit == "m" else v


def parse(text):
    out = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    out["requests"] = int(m.group(1)) if m else 0
    out["seconds"] = ms(m.group(2), m.group(3)) / 1000 if m else 0
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else 0.0
    for p in (50, 90, 99):
        m = re.search(r"^\s+%d(?:\.000)?%%\s+([\d.]+)(us|ms|s|m)\s*$" % p, text, re.M)
        out["p%d" % p] = ms(m.group(1), m.group(2)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socketErrors"] = sum(int(x) for x in m.groups()) if m else 0
    # Lines our lua scripts print from done(): "status <code> <count>".
    out["statuses"] = {s: int(n) for s, n in re.findall(r"^status (\d{3}) (\d+)$", text, re.M)}
    return out


if __name__ == "__main__":
    for f in sys.argv[1:]:
        r = parse(open(f).read())
        r["file"] = os.path.basename(f)
        print(json.dumps(r))
