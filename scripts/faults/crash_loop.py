#!/usr/bin/env python3
"""The crash loop (driven by scripts/crash-loop.sh).

K client threads drive a write load that moves money (post, bid, hire, submit,
accept; claim; post and cancel; transfers between an operator and its delegated
agent), each write with its own Idempotency-Key. Each cycle the server is SIGKILLed
at a seeded random moment and restarted on the same database. After each restart:

- `admin verify-ledger` says balanced, the mint issued exactly the grants, and the
  fees account holds exactly the fees of the acknowledged accepts (plus the in-flight
  ones that landed);
- each thread reads its members' wallets (and tasksPosted) and compares them with a
  model built only from the answers it received, before and after retrying its
  unanswered write with the same Idempotency-Key: the retry must be replayed if the
  write had landed (then the wallets already showed its whole effect) and executed
  once if it had not, never twice;
- every entity acknowledged since the last restart (and a sample of older ones; all
  of them after the last cycle) is read back by id in a state at least as far along
  as the answers said, tasks with the escrow their state implies.

Each thread owns its members (an owner, a worker, the owner's delegated agent), so
its model is exact: at most one of its writes is ever in doubt."""
import argparse
import collections
import random
import sys
import threading
import time

import tdclient as td

FEE_PERCENT = 5
BID_BUDGET, BID_PRICE = 50, 40   # cents: post 0.50, hire at 0.40 (0.10 back to the owner)
CLAIM_BUDGET = 30
CANCEL_BUDGET = 50
TO_AGENT, FROM_AGENT = 25, 20
SAMPLE_OLD = 40                  # older acknowledgements re-read per thread per cycle
BARRIER_TIMEOUT = 120


def fee(c):
    return c * FEE_PERCENT // 100


class StopRun(Exception):
    pass


class Step:
    def __init__(self, name, method, path, body, role, want, delta=None, fees=0, posted=0, whole=None):
        self.name, self.method, self.path, self.body, self.role, self.want = name, method, path, body, role, want
        self.delta = delta or {}
        self.fees, self.posted = fees, posted
        self.whole = whole  # (kind, status set, escrow cents or None): what a landed write must have made
        self.key = None


class Coordinator:
    def __init__(self, threads):
        parties = threads + 1
        self.park = threading.Barrier(parties)
        self.verify_start = threading.Barrier(parties)
        self.verify_done = threading.Barrier(parties)
        self.resume = threading.Barrier(parties)
        self.port = 0
        self.cycle = 0
        self.kill_time = None
        self.final = False
        self.stop = False
        self.lock = threading.Lock()
        self.failures = []

    def fail(self, text):
        with self.lock:
            self.failures.append(text)

    def abort(self):
        for b in (self.park, self.verify_start, self.verify_done, self.resume):
            b.abort()


class Worker(threading.Thread):
    def __init__(self, idx, members, seed, coord, run_id):
        super().__init__(daemon=True)
        self.idx, self.m, self.coord, self.run_id = idx, members, coord, run_id
        self.rng = random.Random(seed)
        self.c = td.Client(lambda: coord.port)
        self.model = {r: [td.GRANT_CENTS if r != "A" else 0, 0, 0] for r in "OWA"}
        self.fees = 0
        self.posted = 0
        self.acks = []          # dicts: kind, id, allowed, escrow, cycle
        self.key_n = 0
        # per-cycle figures, read by the driver between the verify barriers
        self.acked = 0
        self.inflight = None    # (step, refused)
        self.landed = None
        self.fees_at_park = 0
        self.lost = 0
        self.checked = 0

    # ------------------------------------------------------------------ load
    def run(self):
        try:
            while not self.coord.stop:
                self.run_flow(self.pick_flow())
        except StopRun:
            return
        except threading.BrokenBarrierError:
            return
        except Exception as e:  # noqa: BLE001 (a bug in this script is a failure too)
            self.coord.fail("thread %d: %s: %s" % (self.idx, type(e).__name__, e))
            self.coord.abort()

    def pick_flow(self):
        o_avail, a_avail = self.model["O"][0], self.model["A"][0]
        choices = []
        if o_avail >= BID_BUDGET:
            choices += [self.flow_bid] * 35 + [self.flow_cancel] * 20
        if o_avail >= CLAIM_BUDGET:
            choices += [self.flow_claim] * 25
        if o_avail >= TO_AGENT:
            choices += [self.flow_to_agent] * 10
        if a_avail >= FROM_AGENT:
            choices += [self.flow_from_agent] * 10
        return self.rng.choice(choices) if choices else self.flow_idle

    def run_flow(self, flow):
        gen = flow()
        try:
            step = next(gen)
            while True:
                r = self.execute(step)
                if r is None:
                    gen.close()
                    return
                step = gen.send(r)
        except StopIteration:
            return

    def execute(self, step):
        self.key_n += 1
        step.key = "%s-t%d-%d" % (self.run_id, self.idx, self.key_n)
        try:
            r = self.c.call(step.method, step.path, step.body, token=self.m[step.role]["token"], idem=step.key)
        except td.TransportError as e:
            if self.coord.kill_time is None:
                self.coord.fail("thread %d: transport error while the server was up: %s" % (self.idx, e))
            return self.recover(step, e.refused)
        if r.status != step.want:
            self.coord.fail("thread %d cycle %d: %s" % (self.idx, self.coord.cycle, r.describe(step.name)))
            return None
        self.apply(step)
        self.acked += 1
        return r

    def apply(self, step):
        for role, (da, dp, de) in step.delta.items():
            w = self.model[role]
            w[0] += da
            w[1] += dp
            w[2] += de
        self.fees += step.fees
        self.posted += step.posted

    def ack(self, kind, eid, allowed, escrow=None):
        self.acks.append({"kind": kind, "id": eid, "allowed": set(allowed), "escrow": escrow,
                          "cycle": self.coord.cycle})
        return self.acks[-1]

    def tighten(self, a, allowed):
        a["allowed"] = set(allowed)

    # ------------------------------------------------------------------ flows
    def task_body(self, kind, budget, mode="bid"):
        return {"title": "Crash %s %d.%d" % (kind, self.idx, self.key_n),
                "description": "Survives a SIGKILL of the server.", "mode": mode,
                "skillsTags": ["crash"], "budgetAmount": budget / 100, "budgetCurrency": "CREDITS"}

    def flow_bid(self):
        b, p = BID_BUDGET, BID_PRICE
        r = yield Step("post task", "POST", "/api/agent/tasks", self.task_body("bid", b), "O", 201,
                       {"O": (-b, 0, b)}, posted=1, whole=("task", {"open"}, b))
        tid = r.entity_id("task")
        task = self.ack("task", tid, {"open", "assigned", "completed"}, {"open": b, "assigned": p, "completed": 0})
        r = yield Step("bid", "POST", "/api/agent/tasks/%s/bids" % tid,
                       {"proposedAmount": p / 100, "etaDays": 1, "approach": "Right away"}, "W", 201)
        bid_id = r.entity_id("bid")
        bid = self.ack("bid", bid_id, {"active", "accepted"})
        r = yield Step("hire", "POST", "/api/agent/contracts", {"taskId": tid, "bidId": bid_id}, "O", 201,
                       {"O": (b - p, 0, -(b - p))}, whole=("contract", {"in_progress"}, None))
        cid = r.entity_id("contract")
        self.tighten(task, {"assigned", "completed"})
        self.tighten(bid, {"accepted"})
        ctr = self.ack("contract", cid, {"in_progress", "submitted", "accepted"})
        yield from self.deliver_and_accept(ctr, task, p)

    def deliver_and_accept(self, ctr, task, price):
        cid = ctr["id"]
        yield Step("submit", "POST", "/api/agent/contracts/%s/submissions" % cid,
                   {"deliverableUrl": "https://example.com/crash/" + cid, "summaryText": "Delivered"}, "W", 201)
        self.tighten(ctr, {"submitted", "accepted"})
        yield Step("accept", "POST", "/api/agent/contracts/%s/decision" % cid, {"action": "accept", "rating": 5},
                   "O", 200, {"O": (0, 0, -price), "W": (0, price - fee(price), 0)}, fees=fee(price),
                   whole=("contract", {"accepted"}, None))
        self.tighten(ctr, {"accepted"})
        self.tighten(task, {"completed"})

    def flow_claim(self):
        b = CLAIM_BUDGET
        r = yield Step("post claim task", "POST", "/api/agent/tasks", self.task_body("claim", b, "claim"), "O", 201,
                       {"O": (-b, 0, b)}, posted=1, whole=("task", {"open"}, b))
        tid = r.entity_id("task")
        task = self.ack("task", tid, {"open", "assigned", "completed"}, {"open": b, "assigned": b, "completed": 0})
        r = yield Step("claim", "POST", "/api/agent/tasks/%s/claim" % tid, {}, "W", 201,
                       whole=("contract", {"in_progress"}, None))
        self.tighten(task, {"assigned", "completed"})
        ctr = self.ack("contract", r.entity_id("contract"), {"in_progress", "submitted", "accepted"})
        yield from self.deliver_and_accept(ctr, task, b)

    def flow_cancel(self):
        b = CANCEL_BUDGET
        r = yield Step("post task", "POST", "/api/agent/tasks", self.task_body("cancel", b), "O", 201,
                       {"O": (-b, 0, b)}, posted=1, whole=("task", {"open"}, b))
        tid = r.entity_id("task")
        task = self.ack("task", tid, {"open", "cancelled"}, {"open": b, "cancelled": 0})
        yield Step("cancel", "POST", "/api/agent/tasks/%s/cancel" % tid, {}, "O", 200, {"O": (b, 0, -b)},
                   whole=("task", {"cancelled"}, 0))
        self.tighten(task, {"cancelled"})

    def flow_to_agent(self):
        yield Step("transfer to agent", "POST", "/api/agent/wallet/transfers",
                   {"toProfileId": self.m["A"]["id"], "amount": TO_AGENT / 100, "memo": "float"}, "O", 201,
                   {"O": (-TO_AGENT, 0, 0), "A": (TO_AGENT, 0, 0)})

    def flow_from_agent(self):
        yield Step("transfer to operator", "POST", "/api/agent/wallet/transfers",
                   {"toProfileId": self.m["O"]["id"], "amount": FROM_AGENT / 100, "memo": "back"}, "A", 201,
                   {"A": (-FROM_AGENT, 0, 0), "O": (FROM_AGENT, 0, 0)})

    def flow_idle(self):
        # Out of credits: keep reading so the kill is still noticed.
        try:
            self.c.call("GET", "/api/agent/wallet", token=self.m["O"]["token"])
        except td.TransportError:
            self.recover(None, False)
        time.sleep(0.05)
        return
        yield  # a generator like the others

    # ------------------------------------------------------------------ after a kill
    def recover(self, step, refused):
        """Parks until the server is back, checks, retries `step` with its key; returns the
        retry's reply (None when the retry failed)."""
        self.c.close()
        self.inflight = (step, refused) if step else None
        self.fees_at_park = self.fees
        self.landed = None
        self.coord.park.wait(BARRIER_TIMEOUT)
        self.coord.verify_start.wait(BARRIER_TIMEOUT)
        reply = None
        try:
            reply = self.verify(step, refused)
        except td.TransportError as e:
            self.coord.fail("thread %d: transport error while checking after the restart: %s" % (self.idx, e))
        self.coord.verify_done.wait(BARRIER_TIMEOUT)
        self.coord.resume.wait(BARRIER_TIMEOUT)
        if self.coord.stop:
            raise StopRun()
        return reply

    def snapshot(self):
        w = {r: td.wallet(self.c, self.m[r]["token"]) for r in "OWA"}
        me = self.c.call("GET", "/api/agent/me", token=self.m["O"]["token"])
        posted = me.json().get("stats", {}).get("tasksPosted") if me.status == 200 else None
        return w, posted

    def expected(self, extra=None):
        w = {r: tuple(v) for r, v in self.model.items()}
        posted = self.posted
        if extra:
            for role, (da, dp, de) in extra.delta.items():
                a, p, e = w[role]
                w[role] = (a + da, p + dp, e + de)
            posted += extra.posted
        return w, posted

    def verify(self, step, refused):
        cyc = self.coord.cycle
        self.lost = 0
        self.checked = 0
        before = self.snapshot()
        reply, landed = None, False
        if step is not None:
            reply = self.c.call(step.method, step.path, step.body, token=self.m[step.role]["token"], idem=step.key)
            if reply.status != step.want:
                self.coord.fail("thread %d cycle %d: retry of the unanswered %s with its Idempotency-Key: %s" % (
                    self.idx, cyc, step.name, reply.describe("retry")))
                reply = None
            else:
                landed = reply.replayed()
                self.landed = landed
                if landed and refused:
                    self.coord.fail("thread %d cycle %d: a %s refused at connect was replayed as done" % (
                        self.idx, cyc, step.name))
        want = self.expected(step if landed else None)
        if before != want:
            self.lost += 1
            self.coord.fail("thread %d cycle %d: after the restart wallets/tasksPosted %s, expected %s "
                            "(unanswered %s %s)" % (self.idx, cyc, before, want,
                                                     step.name if step else "none",
                                                     "landed" if landed else "did not land"))
        if reply is not None:
            self.apply(step)
            self.acked += 1
            after = self.snapshot()
            if after != self.expected():
                self.lost += 1
                self.coord.fail("thread %d cycle %d: after the retry of %s (%s) wallets/tasksPosted %s, "
                                "expected %s" % (self.idx, cyc, step.name, "replayed" if landed else "executed",
                                                 after, self.expected()))
            if step.whole:
                kind, statuses, escrow = step.whole
                eid = reply.entity_id(kind)
                err = self.check_entity(kind, eid, statuses, {s: escrow for s in statuses} if escrow is not None
                                        else None)
                if err:
                    self.lost += 1
                    self.coord.fail("thread %d cycle %d: the %s %s is not whole: %s" % (
                        self.idx, cyc, step.name, "that landed" if landed else "retried", err))
        # Acknowledged entities: this cycle's, and a sample (all after the last cycle) of older ones.
        recent = [a for a in self.acks if a["cycle"] >= cyc]
        older = [a for a in self.acks if a["cycle"] < cyc]
        if not self.coord.final and len(older) > SAMPLE_OLD:
            older = self.rng.sample(older, SAMPLE_OLD)
        for a in recent + older:
            self.checked += 1
            err = self.check_entity(a["kind"], a["id"], a["allowed"], a["escrow"])
            if err:
                self.lost += 1
                self.coord.fail("thread %d cycle %d: acknowledged %s %s (cycle %d) %s" % (
                    self.idx, cyc, a["kind"], a["id"], a["cycle"], err))
        return reply

    def check_entity(self, kind, eid, allowed, escrow):
        if not eid:
            return "has no id in the answer"
        path, role = {"task": ("/api/agent/tasks/", "O"), "bid": ("/api/agent/bids/", "W"),
                      "contract": ("/api/agent/contracts/", "O")}[kind]
        r = self.c.call("GET", path + eid, token=self.m[role]["token"])
        if r.status != 200:
            return "is gone: " + r.describe("GET")
        o = r.json().get(kind, {})
        status = o.get("status")
        if status not in allowed:
            return "has status %s, acknowledged as one of %s" % (status, sorted(allowed))
        if kind == "task" and escrow is not None and status in escrow:
            got = td.cents(o.get("escrowAmount"))
            if got != escrow[status]:
                return "is %s with escrow %s cents, expected %d" % (status, got, escrow[status])
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--database", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--cycles", type=int, default=100)
    ap.add_argument("--seconds-per-cycle", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 31)
    print("seed %d (rerun with --seed %d)" % (seed, seed), flush=True)
    rng = random.Random(seed)
    coord = Coordinator(a.threads)
    server = td.Server(a.binary, a.database, a.workdir + "/server.log", a.workdir + "/server.pid",
                       ["--fee-percent", str(FEE_PERCENT), "--threads", "2"])
    coord.port = server.start()
    t_run = time.perf_counter()
    try:
        figures = drive(a, rng, seed, coord, server)
    finally:
        clean = server.stop()
    if not clean:
        coord.fail("the server did not exit cleanly on SIGTERM after the last cycle")
    ok, fig, text = td.verify_ledger(a.binary, a.database)
    if not ok:
        coord.fail("final verify-ledger:\n" + text)
    if figures:
        print("\n== summary")
        for line in figures:
            print(line)
        print("total %.0f s" % (time.perf_counter() - t_run))
    if coord.failures:
        print("\nFAIL (%d problems)" % len(coord.failures))
        for f in coord.failures[:40]:
            print("  - " + f)
        if len(coord.failures) > 40:
            print("  ... and %d more" % (len(coord.failures) - 40))
        return 1
    print("\nPASS: no acknowledged write lost, nothing done twice, the ledger balanced after every restart")
    return 0


def drive(a, rng, seed, coord, server):
    run_id = "cl%x" % seed
    port = lambda: coord.port  # noqa: E731
    t0 = time.perf_counter()
    owners = td.register_many(port, ["crash_owner%d" % i for i in range(a.threads)], ["publishing"])
    workers = td.register_many(port, ["crash_worker%d" % i for i in range(a.threads)], ["crash"])
    agents = []
    c = td.Client(port)
    for i, o in enumerate(owners):
        r = c.call("POST", "/api/agent/delegations", {
            "label": "crash agent %d" % i, "agent": {"mode": "new", "handle": "crash_agent%d" % i,
                                                      "displayName": "Crash agent %d" % i},
            "scopes": ["wallet:read", "wallet:write"]}, token=o["token"])
        if r.status != 201:
            raise RuntimeError(r.describe("delegation"))
        b = r.json()["bundle"]
        agents.append({"id": b["profileId"], "token": b["tokenValue"]})
    print("%d threads, each an owner, a worker and the owner's delegated agent (set up in %.1f s)" % (
        a.threads, time.perf_counter() - t0), flush=True)
    grants = -2 * a.threads * td.GRANT_CENTS

    threads = [Worker(i, {"O": owners[i], "W": workers[i], "A": agents[i]}, rng.randrange(1 << 31), coord, run_id)
               for i in range(a.threads)]
    totals = collections.Counter()
    restarts, cycle_acks = [], []
    for t in threads:
        t.start()
    for cycle in range(a.cycles):
        coord.cycle = cycle
        kill_after = rng.uniform(0.5, 1.5) * a.seconds_per_cycle
        t_load = time.perf_counter()
        if cycle > 0:
            coord.resume.wait(BARRIER_TIMEOUT)
        time.sleep(kill_after)
        coord.kill_time = time.perf_counter()
        server.sigkill()
        try:
            coord.park.wait(BARRIER_TIMEOUT)
        except threading.BrokenBarrierError:
            coord.fail("cycle %d: the client threads did not all notice the kill" % cycle)
            break
        load_s = coord.kill_time - t_load
        t1 = time.perf_counter()
        coord.port = server.start()
        restart_s = time.perf_counter() - t1
        restarts.append(restart_s)
        ok, fig, text = td.verify_ledger(a.binary, a.database)
        coord.final = cycle == a.cycles - 1
        t2 = time.perf_counter()
        coord.verify_start.wait(BARRIER_TIMEOUT)
        coord.verify_done.wait(BARRIER_TIMEOUT)
        check_s = time.perf_counter() - t2
        # Figures of the cycle (the threads wait at `resume`).
        acked = sum(t.acked for t in threads)
        inflight = [t.inflight for t in threads if t.inflight]
        sent = [t for t in threads if t.inflight and not t.inflight[1]]
        landed = sum(1 for t in sent if t.landed)
        refused = sum(1 for t in threads if t.inflight and t.inflight[1])
        lost = sum(t.lost for t in threads)
        checked = sum(t.checked for t in threads)
        want_fees = sum(t.fees_at_park + (t.inflight[0].fees if t.inflight and t.landed else 0) for t in threads)
        got_fees = int(round(fig.get("fees", -1) * 100))
        got_mint = int(round(fig.get("mint", 0) * 100))
        if not ok:
            coord.fail("cycle %d: verify-ledger after the restart:\n%s" % (cycle, text))
        if got_fees != want_fees:
            lost += 1
            coord.fail("cycle %d: the fees account holds %d cents, the acknowledged accepts add up to %d" % (
                cycle, got_fees, want_fees))
        if got_mint != grants:
            coord.fail("cycle %d: the mint issued %d cents, the registrations %d" % (cycle, -got_mint, -grants))
        print("cycle %3d: killed after %.2f s; writes acknowledged %4d (%.0f/s); in flight %d: landed %d, "
              "not %d; refused after the kill %d; lost %d; restart %.2f s; %d acknowledged re-read in %.2f s; "
              "ledger %s" % (cycle, load_s, acked, acked / load_s if load_s > 0 else 0, len(sent), landed,
                             len(sent) - landed, refused, lost, restart_s, checked, check_s,
                             "balanced" if ok else "NOT BALANCED"), flush=True)
        totals["acked"] += acked
        totals["inflight"] += len(sent)
        totals["landed"] += landed
        totals["refused"] += refused
        totals["lost"] += lost
        totals["checked"] += checked
        cycle_acks.append(acked / load_s if load_s > 0 else 0)
        for t in threads:
            t.acked = 0
        coord.kill_time = None
        if coord.final or coord.failures:
            coord.stop = True
            coord.resume.wait(BARRIER_TIMEOUT)
            break
    for t in threads:
        t.join(30)
    n = len(restarts)
    return [
        "cycles %d of %d; writes acknowledged %d (%.0f/s under load, mean of cycles); lost %d" % (
            n, a.cycles, totals["acked"], sum(cycle_acks) / max(1, n), totals["lost"]),
        "in flight at SIGKILL %d: landed %d, did not land %d (all retried with their Idempotency-Key: "
        "replayed or executed once); refused after the kill %d" % (
            totals["inflight"], totals["landed"], totals["inflight"] - totals["landed"], totals["refused"]),
        "restart p50 %.2f s, max %.2f s; acknowledged entities re-read %d (all %d at the end)" % (
            td.percentile(restarts, 50), max(restarts) if restarts else 0, totals["checked"],
            sum(len(t.acks) for t in threads)),
    ]


if __name__ == "__main__":
    sys.exit(main())
