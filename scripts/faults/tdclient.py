"""Shared pieces of the fault scripts (claim-race.sh, crash-loop.sh): a keep-alive
HTTP client, the real server binary as a child process, `admin verify-ledger`, and
small statistics. Python 3 standard library only.

Tokens are kept in memory and sent as headers; nothing here prints them."""
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time

GRANT_CENTS = 1000 * 100  # what register mints for every profile


class TransportError(Exception):
    """No HTTP answer: refused, reset, closed or timed out. Kept apart from HTTP
    statuses because after a SIGKILL it is expected and otherwise it is a failure.
    `refused` means the request never reached a server (nothing listened)."""

    def __init__(self, text, refused=False):
        super().__init__(text)
        self.refused = refused


class Reply:
    __slots__ = ("status", "body", "headers", "sent", "done")

    def __init__(self, status, body, headers, sent, done):
        self.status, self.body, self.headers, self.sent, self.done = status, body, headers, sent, done

    def json(self):
        try:
            return json.loads(self.body) if self.body else {}
        except ValueError:
            return {}

    def code(self):
        o = self.json()
        return o.get("code", "") if isinstance(o, dict) else ""

    def entity_id(self, entity):
        o = self.json().get(entity)
        return o.get("id", "") if isinstance(o, dict) else ""

    def replayed(self):
        return self.headers.get("idempotent-replayed", "") == "true"

    def describe(self, what):
        body = self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else str(self.body)
        return "%s -> %d %s" % (what, self.status, body[:300])

    def ms(self):
        return (self.done - self.sent) * 1000.0


class Client:
    """One keep-alive connection. `port` is read on every (re)connect, so a
    restarted server on a new port is reached by the same object."""

    def __init__(self, port_source, token=None, timeout=30.0):
        self._port_source = port_source
        self.token = token
        self._timeout = timeout
        self._conn = None

    def close(self):
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None

    def call(self, method, path, body=None, token=None, idem=None):
        token = token if token is not None else self.token
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if idem:
            headers["Idempotency-Key"] = idem
        data = json.dumps(body).encode() if body is not None else None
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self._port_source(), timeout=self._timeout)
        sent = time.perf_counter()
        try:
            self._conn.request(method, path, body=data, headers=headers)
            r = self._conn.getresponse()
            payload = r.read()
            done = time.perf_counter()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if hdrs.get("connection", "").lower() == "close":
                self.close()
            return Reply(r.status, payload, hdrs, sent, done)
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise TransportError("%s %s: %s" % (method, path.split("?")[0], type(e).__name__),
                                 isinstance(e, ConnectionRefusedError)) from None


def cents(v):
    return int(round(float(v) * 100)) if isinstance(v, (int, float)) else None


def register(client, handle, skills):
    r = client.call("POST", "/api/agent/register", {
        "email": handle + "@example.com", "password": "correct horse battery", "handle": handle,
        "skills": skills})
    if r.status != 201:
        raise RuntimeError(r.describe("register " + handle))
    o = r.json()
    return {"id": o["profile"]["id"], "handle": handle, "token": o["tokenValue"]}


def register_many(port_source, handles, skills, parallel=4):
    """Argon2id makes each registration slow (~0.25 s), so a few at a time."""
    out, errors, lock = {}, [], threading.Lock()
    todo = list(handles)

    def work():
        c = Client(port_source)
        while True:
            with lock:
                if not todo:
                    return
                h = todo.pop()
            try:
                m = register(c, h, skills)
                with lock:
                    out[h] = m
            except Exception as e:  # noqa: BLE001 (reported below)
                with lock:
                    errors.append(str(e))
    threads = [threading.Thread(target=work) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("registration failed: " + "; ".join(errors[:3]))
    return [out[h] for h in handles]


def wallet(client, token):
    """(available, pending, escrow) in cents, or None when the read failed."""
    r = client.call("GET", "/api/agent/wallet", token=token)
    if r.status != 200:
        return None
    w = r.json().get("wallet", {})
    vals = tuple(cents(w.get(k)) for k in ("available", "pending", "escrow"))
    return None if None in vals else vals


def pages(client, path, key, token):
    """Every item of a cursor-paged list (limit 100)."""
    items, cursor = [], ""
    sep = "&" if "?" in path else "?"
    while True:
        r = client.call("GET", "%s%slimit=100%s" % (path, sep, "&cursor=" + cursor if cursor else ""),
                        token=token)
        if r.status != 200:
            raise RuntimeError(r.describe("GET " + path))
        o = r.json()
        items.extend(o.get(key, []))
        cursor = o.get("nextCursor") or ""
        if not cursor:
            return items


class Server:
    """The real taskdesk-server binary on a free loopback port. Its pid goes to
    `pidfile` so the shell wrapper's trap can end it even if this process is killed."""

    LISTEN = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")

    def __init__(self, binary, database, log_path, pidfile, extra_args=()):
        self.binary, self.database, self.log_path, self.pidfile = binary, database, log_path, pidfile
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = 0

    def start(self, timeout=60.0):
        args = [self.binary, "serve", "--listen", "127.0.0.1:0", "--database", self.database,
                "--no-rate-limits"]
        args += self.extra_args
        log = open(self.log_path, "ab")
        start_offset = log.tell()
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        with open(self.pidfile, "w") as f:
            f.write(str(self.proc.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(start_offset)
                m = self.LISTEN.search(f.read().decode("utf-8", "replace"))
            if m:
                self.port = int(m.group(1))
                return self.port
            if self.proc.poll() is not None:
                raise RuntimeError("server exited (%s) before listening; see %s" % (self.proc.returncode,
                                                                                   self.log_path))
            time.sleep(0.02)
        raise RuntimeError("server did not listen within %.0f s" % timeout)

    def sigkill(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._forget()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            self._forget()
            return True
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._forget()
            return False
        self._forget()
        return self.proc.returncode == 0

    def _forget(self):
        try:
            os.unlink(self.pidfile)
        except FileNotFoundError:
            pass


def verify_ledger(binary, database):
    """(balanced, figures) from `admin verify-ledger`; figures maps each 'name value'
    line of its output (accounts, transfers, sum, mint, fees, ...) to a number."""
    p = subprocess.run([binary, "admin", "verify-ledger", "--database", database], capture_output=True,
                       text=True, timeout=300)
    figures = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^([a-z ]+?)\s+(-?[\d.]+)$", line.strip())
        if m:
            figures[m.group(1)] = float(m.group(2))
    lines = p.stdout.strip().splitlines()
    return p.returncode == 0 and bool(lines) and lines[-1].strip() == "balanced", figures, (p.stdout + p.stderr).strip()


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]
