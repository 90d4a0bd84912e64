#!/usr/bin/env python3
"""Registers a publisher and posts N funded tasks over one keep-alive connection.
Prints the token on the first line and 'posts_per_second <x>' on the second."""
import http.client, json, sys, time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conn = http.client.HTTPConnection(host, port, timeout=30)

def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, json.loads(data) if data else None

status, reg = call("POST", "/api/agent/register", {"email": "bench@example.com", "password": "benchmark-password",
                                                   "handle": "bench_publisher", "skills": ["bench"]})
if status != 201:
    sys.exit("register failed: %s %s" % (status, reg))
token = reg["tokenValue"]
start = time.perf_counter()
for i in range(n):
    status, _ = call("POST", "/api/agent/tasks", {
        "title": "Seeded task %d" % i, "description": "A realistic task description for the benchmark, number %d." % i,
        "acceptanceCriteria": ["Output is valid JSON", "Covers every input row"], "skillsTags": ["bench", "docs"],
        "budgetAmount": 0.25, "budgetCurrency": "CREDITS"}, token)
    if status != 201:
        sys.exit("post failed at %d: %s" % (i, status))
elapsed = time.perf_counter() - start
print(token)
print("posts_per_second %.1f" % (n / elapsed))
