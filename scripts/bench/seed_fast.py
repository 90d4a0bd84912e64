#!/usr/bin/env python3
"""Grows a TaskDesk server to a target number of tasks, fast, for the load and
growth benchmarks. Stdlib only.

  seed_fast.py --url http://127.0.0.1:PORT --state DIR --tasks N
               [--connections 8] [--members 0] [--seed 1]

Every connection is one keep-alive HTTP/1.1 connection with its own publisher,
so writers queue on the server, not on this client. Tasks are realistic: the
three modes, a few skills out of a fixed vocabulary, titles and descriptions
built from words the benchmarks search for, CREDITS budgets (escrowed) and some
off-platform USDC budgets, a few unlisted. A publisher that runs short of
credits registers a successor (register grants 1,000 CREDITS).

State lives in DIR so that a second call grows the same database further:
  DIR/state.json        publishers' tokens and counters (secrets: DIR must be private)
  DIR/ids.txt           "<id> <mode> <visibility>" per task posted
  DIR/members.txt       bearer tokens of --members extra agents with every skill
Prints one line of JSON: {"posted", "total", "seconds", "postsPerSecond", "registers"}.
Tokens never go to stdout or stderr.
"""
import argparse, http.client, json, os, random, sys, threading, time, urllib.parse

SKILLS = ["python", "data", "scraping", "translation", "writing", "design", "devops", "sql",
          "testing", "research", "video", "audio"]
NOUNS = ["invoice", "report", "scraper", "dataset", "translation", "logo", "pipeline", "dashboard",
         "summary", "migration", "crawler", "playlist", "benchmark", "survey", "newsletter"]
VERBS = ["Clean", "Build", "Review", "Translate", "Summarise", "Fix", "Design", "Test", "Label", "Port"]
PASSWORD = "benchmark-password"


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def call(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = json.dumps(body) if body is not None else None
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
            except (http.client.HTTPException, ConnectionError, OSError):
                # The server closes idle keep-alive connections after 15 s; reconnect.
                self.conn = None
                if attempt == 2:
                    raise


def register(client, handle, skills):
    status, body = client.call("POST", "/api/agent/register", {
        "email": handle + "@bench.example.com", "password": PASSWORD, "handle": handle, "skills": skills})
    if status != 201:
        raise RuntimeError("register %s failed: %s %s" % (handle, status, body and body.get("code")))
    return body["tokenValue"]


def task_body(i, rng):
    mode = ("bid", "bid", "claim", "claim", "open")[i % 5]
    noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
    tags = rng.sample(SKILLS, rng.randint(1, 3))
    body = {"title": "%s the %s %d" % (verb, noun, i),
            "description": "%s the %s for a client: %s work, about %d items. Seeded task %d." % (
                verb, noun, " and ".join(tags), rng.randint(5, 500), i),
            "acceptanceCriteria": ["Output is valid JSON", "Covers every input row"],
            "skillsTags": tags, "mode": mode}
    if i % 10 == 1:  # a bid task (i % 5 == 1): only bid tasks may be paid off-platform
        body["budgetAmount"], body["budgetCurrency"] = rng.randint(5, 500), "USDC"
    else:
        body["budgetAmount"], body["budgetCurrency"] = rng.randint(1, 50) / 100.0, "CREDITS"
    if i % 20 == 19:
        body["visibility"] = "unlisted"
    return body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--members", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    os.makedirs(a.state, mode=0o700, exist_ok=True)
    state_path = os.path.join(a.state, "state.json")
    state = {"publishers": [], "total": 0, "registers": 0, "members": 0}
    if os.path.exists(state_path):
        state = json.load(open(state_path))
    lock = threading.Lock()
    start_total = state["total"]
    to_post = max(0, a.tasks - state["total"])
    next_index = [state["total"]]
    ids_out = open(os.path.join(a.state, "ids.txt"), "a")
    errors = []
    registers_before = state["registers"]

    def new_publisher(client):
        with lock:
            state["registers"] += 1
            n = state["registers"]
        token = register(client, "bench_pub_%d" % n, ["bench"])
        return {"token": token, "cents": 100000}

    def worker(slot):
        try:
            post_loop(slot)
        except Exception as e:  # a thread's exception would otherwise vanish
            with lock:
                errors.append(str(e))

    def post_loop(slot):
        client = Client(a.url)
        rng = random.Random(a.seed * 1000 + slot + state["total"])
        with lock:
            pub = state["publishers"][slot] if slot < len(state["publishers"]) else None
        if pub is None:
            pub = new_publisher(client)
            with lock:
                while len(state["publishers"]) <= slot:
                    state["publishers"].append(None)
                state["publishers"][slot] = pub
        while True:
            with lock:
                if next_index[0] >= start_total + to_post or errors:
                    return
                i = next_index[0]
                next_index[0] += 1
            body = task_body(i, rng)
            cents = round(body["budgetAmount"] * 100) if body["budgetCurrency"] == "CREDITS" else 0
            if pub["cents"] < cents + 100:
                pub = new_publisher(client)
                with lock:
                    state["publishers"][slot] = pub
            status, res = client.call("POST", "/api/agent/tasks", body, pub["token"])
            if status != 201:
                with lock:
                    errors.append("post %d: %s %s %s" % (i, status, res and res.get("code"), res and res.get("fields")))
                return
            pub["cents"] -= cents
            with lock:
                ids_out.write("%s %s %s\n" % (res["task"]["id"], body["mode"], body.get("visibility", "public")))
                state["total"] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,)) for s in range(a.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    ids_out.close()

    if a.members > state["members"]:
        client = Client(a.url)
        with open(os.path.join(a.state, "members.txt"), "a") as f:
            for m in range(state["members"], a.members):
                f.write(register(client, "bench_member_%d" % m, SKILLS + ["bench"]) + "\n")
        state["members"] = a.members

    tmp = state_path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(state, f)
    os.replace(tmp, state_path)
    if errors:
        sys.exit("seeding failed: " + errors[0])
    posted = state["total"] - start_total
    print(json.dumps({"posted": posted, "total": state["total"], "seconds": round(seconds, 2),
                      "postsPerSecond": round(posted / seconds, 1) if seconds > 0 and posted else 0,
                      "registers": state["registers"] - registers_before, "connections": a.connections}))


if __name__ == "__main__":
    main()
