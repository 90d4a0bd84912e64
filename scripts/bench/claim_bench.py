#!/usr/bin/env python3
"""Claims a fixed number of open claim-mode tasks, C connections at once, and
prints {"claims", "seconds", "rps", "p50", "p99", "statuses"} as one JSON line
(latencies in ms, measured per request on keep-alive connections).
  claim_bench.py --url URL --state DIR --claims N [--connections 8]
A fixed count, not a fixed time as wrk would do: every successful claim uses up
an open task, and the smallest growth step (1,000 tasks) has only a few hundred.
With fewer open claim tasks left, it claims those (the count is in "claims").
Claimants are the seeded members (every skill, never the owner); the tasks come
from DIR/ids.txt, and DIR/claimed.txt remembers the ones used. Stdlib only."""
import argparse, json, os, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_fast import Client  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--claims", type=int, required=True)
    ap.add_argument("--connections", type=int, default=8)
    a = ap.parse_args()
    claimed_path = os.path.join(a.state, "claimed.txt")
    used = set(open(claimed_path).read().split()) if os.path.exists(claimed_path) else set()
    pool = [line.split()[0] for line in open(os.path.join(a.state, "ids.txt"))
            if line.split()[1:3] == ["claim", "public"] and line.split()[0] not in used]
    pool = pool[-a.claims:]  # the newest: the rows a growing table added last
    tokens = [t.strip() for t in open(os.path.join(a.state, "members.txt")) if t.strip()]
    # Small growth steps may hold fewer open claim tasks than asked for (the post
    # measurements add tasks too): claim what there is, and say so in "claims".
    if len(pool) < min(a.claims, 20) or not tokens:
        sys.exit("claim_bench: only %d unclaimed claim tasks (need %d) or no members" % (len(pool), a.claims))
    lock = threading.Lock()
    latencies, statuses = [], {}
    nxt = [0]

    def worker(slot):
        client = Client(a.url)
        token = tokens[slot % len(tokens)]
        while True:
            with lock:
                if nxt[0] >= len(pool):
                    return
                tid = pool[nxt[0]]
                nxt[0] += 1
            t0 = time.perf_counter()
            status, _ = client.call("POST", "/api/agent/tasks/%s/claim" % tid, {}, token)
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                statuses[str(status)] = statuses.get(str(status), 0) + 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,)) for s in range(a.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    with open(claimed_path, "a") as f:
        f.write("\n".join(pool) + "\n")
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100.0 * len(latencies)))], 3)
    print(json.dumps({"claims": len(latencies), "seconds": round(seconds, 3),
                      "rps": round(len(latencies) / seconds, 1), "p50": pct(50), "p99": pct(99),
                      "statuses": statuses}))


if __name__ == "__main__":
    main()
