#!/usr/bin/env python3
"""Diffs two scrapes of the server's /metrics and prints, per route family,
requests, req/s, p50 and p99 (from the latency histogram buckets, interpolated
linearly inside a bucket as Prometheus's histogram_quantile does, so a figure is
only as fine as the buckets: 1, 5, 10, 25, 50, 100, 250 ms ...), 4xx and 5xx.
  metrics_diff.py BEFORE AFTER SECONDS [--json OUT]
Exits 3 when the server answered any 5xx between the two scrapes. Stdlib only."""
import json, re, sys

# Route pattern (method, regex on the pattern) -> family. First match wins.
FAMILIES = [
    ("browse", "GET", r"^/api/tasks$"),
    ("task detail", "GET", r"^/api/(agent/)?tasks/:id$"),
    ("post task", "POST", r"^/api/agent/tasks$"),
    ("claims", None, r"/claim$|/applications"),
    ("bids", None, r"/bids|/counter-offers"),
    ("submissions", None, r"/submissions"),
    ("decisions", None, r"/decision$|/reviews$"),
    ("disputes", None, r"disputes"),
    ("contracts", None, r"^/api/agent/contracts"),
    ("wallet", None, r"^/api/agent/wallet"),
    ("notifications", None, r"^/api/agent/(notifications|events)"),
    ("auth", None, r"^/api/agent/(register|login)$"),
    ("other tasks", None, r"^/api/(agent/)?tasks"),
    ("metrics", None, r"^/metrics$"),
]
LINE = re.compile(r'^(taskdesk_http_[a-z_]+)\{([^}]*)\}\s+(\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def family(method, route):
    for name, m, rx in FAMILIES:
        if (m is None or m == method) and re.search(rx, route):
            return name
    return "other"


def load(path):
    buckets, statuses = {}, {}
    for line in open(path):
        m = LINE.match(line.strip())
        if not m:
            continue
        labels = dict(LABEL.findall(m.group(2)))
        key = (labels.get("method", ""), labels.get("route", ""))
        value = float(m.group(3))
        if m.group(1) == "taskdesk_http_request_duration_seconds_bucket":
            le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
            buckets[(key, le)] = value
        elif m.group(1) == "taskdesk_http_requests_total":
            statuses[(key, int(labels["status"]))] = value
    return buckets, statuses


def quantile(q, cumulative):
    """cumulative: sorted [(le, count)] for one family. Returns seconds or None."""
    total = cumulative[-1][1] if cumulative else 0
    if total <= 0:
        return None
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in cumulative:
        if c >= rank:
            if le == float("inf"):
                return prev_le  # beyond the last bound: report the bound, as Prometheus does
            return prev_le + (le - prev_le) * ((rank - prev_c) / (c - prev_c) if c > prev_c else 0)
        prev_le, prev_c = le, c
    return prev_le


def main():
    before, after, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    b_buckets, b_status = load(before)
    a_buckets, a_status = load(after)
    fam = {}
    for (key, le), v in a_buckets.items():
        d = v - b_buckets.get((key, le), 0)
        f = fam.setdefault(family(*key), {"buckets": {}, "status": {}})
        f["buckets"][le] = f["buckets"].get(le, 0) + d
    for (key, st), v in a_status.items():
        d = v - b_status.get((key, st), 0)
        if d:
            f = fam.setdefault(family(*key), {"buckets": {}, "status": {}})
            f["status"][st] = f["status"].get(st, 0) + d
    rows, five = [], 0
    for name, f in fam.items():
        cum = sorted(f["buckets"].items())
        n = cum[-1][1] if cum else 0
        if n <= 0:
            continue
        p50, p99 = quantile(0.5, cum), quantile(0.99, cum)
        c4 = sum(v for s, v in f["status"].items() if 400 <= s < 500)
        c5 = sum(v for s, v in f["status"].items() if s >= 500)
        five += c5
        rows.append({"family": name, "requests": int(n), "rps": n / seconds,
                     "p50ms": p50 * 1000 if p50 is not None else None,
                     "p99ms": p99 * 1000 if p99 is not None else None,
                     "4xx": int(c4), "5xx": int(c5),
                     "statuses": {str(s): int(v) for s, v in sorted(f["status"].items())}})
    rows.sort(key=lambda r: -r["requests"])
    print("%-14s %9s %8s %9s %9s %7s %5s" % ("family", "requests", "req/s", "p50 ms", "p99 ms", "4xx", "5xx"))
    for r in rows:
        print("%-14s %9d %8.1f %9.2f %9.2f %7d %5d" % (r["family"], r["requests"], r["rps"], r["p50ms"],
                                                      r["p99ms"], r["4xx"], r["5xx"]))
    if "--json" in sys.argv:
        json.dump(rows, open(sys.argv[sys.argv.index("--json") + 1], "w"))
    if five:
        print("!! the server answered %d 5xx responses" % five)
        sys.exit(3)


if __name__ == "__main__":
    main()
