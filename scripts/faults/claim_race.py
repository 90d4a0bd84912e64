#!/usr/bin/env python3
"""The claim race at scale (driven by scripts/claim-race.sh).

Publishers post N claim-mode tasks; C worker clients (own accounts, own keep-alive
connections, one thread each) race for them in rounds. Each round every client is
given one task, every task of the round at least 4 clients, chosen at random; a
barrier releases all clients of the round at once. Passes when no task has two
winners (from the clients' replies and from the server's contracts read back through
the API), every task is claimed, no 5xx, no transport error and the ledger verifies.

Python threads suffice here: each request spends its time in the server (the GIL is
released while a thread waits on its socket), and the script measures how close the
contenders' requests really were (send spread, overlap with the winner) and prints it,
so a race that degenerated into a queue would show."""
import argparse
import collections
import json
import math
import random
import sys
import threading
import time

import tdclient as td

BUDGET_CENTS = 50           # 0.50 CREDITS per task
TASKS_PER_PUBLISHER = 1000  # 500 of each publisher's 1000 granted credits
MIN_CONTENDERS = 4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--database", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--tasks", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--record", default=None, help="write one JSON line per task: winners and the others' answers")
    a = ap.parse_args()
    if a.clients < MIN_CONTENDERS or a.tasks < 1:
        sys.exit("need at least %d clients and 1 task" % MIN_CONTENDERS)
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 31)
    rng = random.Random(seed)
    print("seed %d (rerun with --seed %d)" % (seed, seed), flush=True)

    server = td.Server(a.binary, a.database, a.workdir + "/server.log", a.workdir + "/server.pid")
    server.start()
    port = lambda: server.port  # noqa: E731
    failures = []
    try:
        run(a, rng, server, port, failures)
    finally:
        clean = server.stop()
    if not clean:
        failures.append("the server did not exit cleanly on SIGTERM")
    ok, figures, text = td.verify_ledger(a.binary, a.database)
    print("ledger (admin verify-ledger): %s; accounts %d, transfers %d, sum %s" % (
        "balanced" if ok else "NOT BALANCED", figures.get("accounts", -1), figures.get("transfers", -1),
        figures.get("sum")))
    if not ok:
        failures.append("verify-ledger:\n" + text)
    if failures:
        print("\nFAIL (%d problems)" % len(failures))
        for f in failures[:40]:
            print("  - " + f)
        if len(failures) > 40:
            print("  ... and %d more" % (len(failures) - 40))
        return 1
    print("\nPASS: every task has exactly one winner, on the clients' side and the server's")
    return 0


def run(a, rng, server, port, failures):
    n_pub = math.ceil(a.tasks / TASKS_PER_PUBLISHER)
    t0 = time.perf_counter()
    publishers = td.register_many(port, ["race_pub%d" % i for i in range(n_pub)], ["publishing"])
    workers = td.register_many(port, ["racer%d" % i for i in range(a.clients)], ["race", "other"])
    print("registered %d publishers and %d worker clients in %.1f s" % (
        n_pub, a.clients, time.perf_counter() - t0), flush=True)

    # Post the tasks, one thread per publisher.
    t0 = time.perf_counter()
    owner_of, tasks_of = {}, collections.defaultdict(list)
    lock = threading.Lock()
    post_errors = []

    def post(pi):
        p = publishers[pi]
        c = td.Client(port, p["token"])
        count = min(TASKS_PER_PUBLISHER, a.tasks - pi * TASKS_PER_PUBLISHER)
        for i in range(count):
            r = c.call("POST", "/api/agent/tasks", {
                "title": "Race task %d.%d" % (pi, i),
                "description": "Claim me if you can: first come, first served.",
                "mode": "claim", "skillsTags": ["race"],
                "budgetAmount": BUDGET_CENTS / 100, "budgetCurrency": "CREDITS"})
            if r.status != 201:
                with lock:
                    post_errors.append(r.describe("post task"))
                return
            with lock:
                tid = r.entity_id("task")
                owner_of[tid] = pi
                tasks_of[pi].append(tid)
    threads = [threading.Thread(target=post, args=(i,)) for i in range(n_pub)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if post_errors:
        failures.extend(post_errors[:5])
        return
    print("posted %d claim tasks (%.2f CREDITS each) in %.1f s" % (
        len(owner_of), BUDGET_CENTS / 100, time.perf_counter() - t0), flush=True)

    # The schedule: rounds of G tasks, each round partitions all clients into G groups of
    # at least MIN_CONTENDERS, at random.
    task_ids = list(owner_of)
    rng.shuffle(task_ids)
    per_round = max(1, a.clients // (MIN_CONTENDERS + 1))
    rounds = []
    for start in range(0, len(task_ids), per_round):
        batch = task_ids[start:start + per_round]
        clients = list(range(a.clients))
        rng.shuffle(clients)
        assign = {}
        for gi, tid in enumerate(batch):  # MIN_CONTENDERS each first
            for c in clients[gi * MIN_CONTENDERS:(gi + 1) * MIN_CONTENDERS]:
                assign[c] = tid
        for c in clients[len(batch) * MIN_CONTENDERS:]:  # the rest at random
            assign[c] = rng.choice(batch)
        rounds.append(assign)

    # attempts[task] = [(client, status, code, sent, done)]
    attempts = collections.defaultdict(list)
    transport = []
    barrier = threading.Barrier(a.clients)
    round_start = [0.0] * len(rounds)

    def race(ci):
        c = td.Client(port, workers[ci]["token"])
        mine = []
        for ri, assign in enumerate(rounds):
            tid = assign[ci]
            barrier.wait(timeout=120)
            try:
                r = c.call("POST", "/api/agent/tasks/%s/claim" % tid, {})
                mine.append((tid, ci, r.status, r.code(), r.sent, r.done))
            except td.TransportError as e:
                mine.append((tid, ci, 0, str(e), time.perf_counter(), time.perf_counter()))
        with lock:
            for tid, *rest in mine:
                if rest[1] == 0:
                    transport.append("%s client %d: %s" % (tid, ci, rest[2]))
                attempts[tid].append(tuple(rest))

    print("racing: %d clients, %d rounds of %d tasks, >= %d contenders per task" % (
        a.clients, len(rounds), per_round, MIN_CONTENDERS), flush=True)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=race, args=(i,)) for i in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.perf_counter() - t0

    # The clients' side.
    winners_of = {}
    losers = collections.Counter()
    latencies, spreads, overlapped, contenders = [], [], 0, []
    by_round_sent = collections.defaultdict(list)
    task_round = {tid: ri for ri, assign in enumerate(rounds) for tid in assign.values()}
    double, unclaimed, server_errors, unexpected = [], [], 0, []
    for tid in task_ids:
        at = attempts.get(tid, [])
        contenders.append(len(at))
        wins = [x for x in at if x[1] == 201]
        winners_of[tid] = [x[0] for x in wins]
        for ci, status, code, sent, done in at:
            latencies.append((done - sent) * 1000)
            by_round_sent[task_round[tid]].append(sent)
            if status >= 500:
                server_errors += 1
            if status != 201:
                losers["%d %s" % (status, code)] += 1
                if status != 0 and not (status == 409 and code == "TASK_NOT_OPEN"):
                    unexpected.append("%s client %d: %d %s" % (tid, ci, status, code))
        if len(wins) > 1:
            double.append(tid)
        if not wins:
            unclaimed.append(tid)
        if wins:
            w_done = wins[0][4]
            # Every contender sent before the winner had its answer: they really raced.
            if all(x[3] <= w_done for x in at):
                overlapped += 1
    if a.record:
        with open(a.record, "w") as f:
            for tid in task_ids:
                at = attempts.get(tid, [])
                f.write(json.dumps({"task": tid, "round": task_round[tid],
                                    "winners": [workers[x[0]]["handle"] for x in at if x[1] == 201],
                                    "others": [[workers[x[0]]["handle"], x[1], x[2]] for x in at if x[1] != 201]})
                        + "\n")
        print("per-task record written to %s" % a.record)
    for sents in by_round_sent.values():
        spreads.append((max(sents) - min(sents)) * 1000)

    n_att = sum(contenders)
    print("\n== clients' side")
    print("attempts %d over %d tasks (contenders per task: min %d, mean %.2f, max %d)" % (
        n_att, len(task_ids), min(contenders), n_att / len(task_ids), max(contenders)))
    print("winners  %d (tasks with 1 winner %d, with 2+ winners %d, unclaimed %d)" % (
        sum(len(w) for w in winners_of.values()), sum(1 for w in winners_of.values() if len(w) == 1),
        len(double), len(unclaimed)))
    print("losers   " + ", ".join("%s: %d" % kv for kv in sorted(losers.items())))
    print("5xx %d, transport errors %d" % (server_errors, len(transport)))
    print("duration %.1f s, %.0f claims/s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
        duration, n_att / duration, td.percentile(latencies, 50), td.percentile(latencies, 99),
        max(latencies)))
    print("contention: send spread within a round p50 %.2f ms, p99 %.2f ms; tasks where every "
          "contender sent before the winner had its answer: %d of %d (%.1f%%)" % (
              td.percentile(spreads, 50), td.percentile(spreads, 99), overlapped, len(task_ids),
              100.0 * overlapped / len(task_ids)))
    for tid in double[:10]:
        failures.append("task %s has %d winners on the clients' side" % (tid, len(winners_of[tid])))
    if double:
        failures.append("%d tasks with two or more winners (clients' side)" % len(double))
    if unclaimed:
        failures.append("%d tasks nobody won, e.g. %s" % (len(unclaimed), unclaimed[0]))
    if server_errors:
        failures.append("%d 5xx answers" % server_errors)
    failures.extend(transport[:10])
    if transport:
        failures.append("%d transport errors" % len(transport))
    failures.extend(unexpected[:10])
    if unexpected:
        failures.append("%d unexpected loser answers (not 409 TASK_NOT_OPEN)" % len(unexpected))

    # The server's side, read back through the API.
    t0 = time.perf_counter()
    check_server_side(a, port, publishers, workers, tasks_of, winners_of, failures)
    print("server-side check read back in %.1f s" % (time.perf_counter() - t0))


def check_server_side(a, port, publishers, workers, tasks_of, winners_of, failures):
    profile_to_client = {w["id"]: i for i, w in enumerate(workers)}
    contracts_per_task = collections.defaultdict(list)
    assigned, still_open, wallet_bad = 0, 0, 0
    for pi, p in enumerate(publishers):
        c = td.Client(port, p["token"])
        for ct in td.pages(c, "/api/agent/contracts?role=buyer", "contracts", p["token"]):
            contracts_per_task[ct.get("taskId")].append(ct)
        mine = set(tasks_of[pi])
        for t in td.pages(c, "/api/agent/tasks?status=assigned", "tasks", p["token"]):
            assigned += t["id"] in mine
        still_open += len(td.pages(c, "/api/agent/tasks?status=open", "tasks", p["token"]))
        w = td.wallet(c, p["token"])
        n = len(tasks_of[pi])
        if w != (td.GRANT_CENTS - n * BUDGET_CENTS, 0, n * BUDGET_CENTS):
            wallet_bad += 1
            failures.append("publisher %d wallet %s, expected %s" % (
                pi, w, (td.GRANT_CENTS - n * BUDGET_CENTS, 0, n * BUDGET_CENTS)))
    one, none, many, mismatch = 0, 0, 0, 0
    for tid, wins in winners_of.items():
        cts = contracts_per_task.get(tid, [])
        if len(cts) == 1:
            one += 1
            ct = cts[0]
            seller = ct.get("seller", {}).get("id")
            if len(wins) != 1 or profile_to_client.get(seller) != wins[0] or ct.get("kind") != "claim" \
                    or td.cents(ct.get("priceAmount")) != BUDGET_CENTS:
                mismatch += 1
                if mismatch <= 10:
                    failures.append("task %s: contract seller/kind/price %s/%s/%s, clients saw winners %s" % (
                        tid, seller, ct.get("kind"), ct.get("priceAmount"), wins))
        elif not cts:
            none += 1
        else:
            many += 1
            if many <= 10:
                failures.append("task %s has %d contracts on the server" % (tid, len(cts)))
    # And from the winners' side: each client holds exactly the contracts it won.
    won = collections.Counter(w[0] for w in winners_of.values() if len(w) == 1)
    seller_total, seller_bad = 0, 0
    for ci, wk in enumerate(workers):
        c = td.Client(port, wk["token"])
        n = len(td.pages(c, "/api/agent/contracts?role=seller", "contracts", wk["token"]))
        seller_total += n
        if n != won[ci]:
            seller_bad += 1
            failures.append("client %d holds %d contracts, won %d" % (ci, n, won[ci]))
    print("\n== server's side (through the API)")
    print("tasks with exactly one contract %d, none %d, two or more %d; contract/winner mismatches %d" % (
        one, none, many, mismatch))
    print("tasks assigned %d of %d, still open %d; publisher wallets wrong %d; "
          "contracts held by winners %d (clients with a wrong count %d)" % (
              assigned, len(winners_of), still_open, wallet_bad, seller_total, seller_bad))
    if none:
        failures.append("%d tasks without a contract on the server" % none)
    if many:
        failures.append("%d tasks with two or more contracts on the server" % many)
    if assigned != len(winners_of) or still_open:
        failures.append("%d tasks assigned, %d still open (of %d)" % (assigned, still_open, len(winners_of)))


if __name__ == "__main__":
    sys.exit(main())
