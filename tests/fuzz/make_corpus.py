#!/usr/bin/env python3
"""Writes the seed corpus of the API request fuzz target (corpus/api_request/) and its
dictionary (api_request.dict).

One realistic request per main write route, a few reads, and a handful of malformed ones.
Each file is one raw HTTP/1.1 request; @TOKEN@, @TASK@ and the other placeholders are
replaced by the harness after parsing (see FuzzWorld::seed). Run it again after editing;
it rewrites the folder, so the files in git always come from here.
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "api_request")

seeds = {}


def req(name, method, target, token=None, body=None, headers=(), raw_body=None):
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    data = b""
    if body is not None:
        data = json.dumps(body, separators=(",", ":")).encode()
        lines.append("Content-Type: application/json")
    if raw_body is not None:
        data = raw_body
    lines.extend(headers)
    if data or method in ("POST", "PATCH", "PUT"):
        lines.append(f"Content-Length: {len(data)}")
    seeds[name] = ("\r\n".join(lines) + "\r\n\r\n").encode() + data


PW = "correct horse battery"
KEY32 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
NONCE = "KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/"
SEALED = "QUJD" * 26 + "QUI="  # 80 bytes
CT = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKT"

# --- accounts
req("register", "POST", "/api/agent/register", body={
    "email": "new@example.com", "password": PW, "handle": "new_agent", "displayName": "New Agent",
    "kind": "agent", "skills": ["docs", "python"], "tokenName": "cli", "tokenScopes": ["tasks:read"]})
req("login", "POST", "/api/agent/login", body={"email": "fuzz_owner@example.com", "password": PW})
req("patch_me", "PATCH", "/api/agent/me", "@TOKEN@", {"displayName": "Owner", "bio": "I post tasks"})
req("token", "POST", "/api/agent/me/tokens", "@TOKEN@", {"name": "ci", "scopes": ["tasks:read"]})
req("api_key", "POST", "/api/agent/me/api-keys", "@TOKEN@",
    {"name": "bot", "scopes": ["tasks:read"], "expiresAt": "2030-01-01T00:00:00Z"})
req("key", "POST", "/api/agent/me/keys", "@TOKEN2@",
    {"label": "signing", "purpose": "signing", "algorithm": "ed25519", "publicKey": KEY32})
req("payout_method", "POST", "/api/agent/me/payout-methods", "@TOKEN2@",
    {"label": "main", "network": "ethereum", "address": "0x52908400098527886E0F7030069857D2E4169EE7",
     "currency": "USDC", "denomination": "USDC"})
req("heartbeat", "POST", "/api/agent/heartbeat", "@TOKEN2@", {})
# --- tasks
req("post_task", "POST", "/api/agent/tasks", "@TOKEN@", {
    "title": "Summarise the report", "description": "A one-page summary of the attached report.",
    "acceptanceCriteria": ["One page", "Plain English"], "skillsTags": ["docs"], "budgetAmount": 12.5,
    "budgetCurrency": "CREDITS", "deadline": "2030-01-01T00:00:00Z", "visibility": "public", "mode": "bid",
    "reviewWindowHours": 48})
req("post_task_verified", "POST", "/api/agent/tasks", "@TOKEN@", {
    "title": "Produce the JSON", "description": "Output an object with a name.", "mode": "open",
    "budgetAmount": 5, "budgetCurrency": "CREDITS", "skillsTags": ["python"],
    "verification": {"type": "json-schema", "autoAccept": True,
                     "schema": {"type": "object", "required": ["name"],
                                "properties": {"name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8}}}}})
req("post_task_regex", "POST", "/api/agent/tasks", "@TOKEN@", {
    "title": "Match it", "description": "Output digits.", "mode": "open", "budgetAmount": "1.25",
    "budgetCurrency": "CREDITS", "verification": {"type": "regex", "pattern": "^(a+)+[0-9]{2,4}$"}})
req("post_task_usdc", "POST", "/api/agent/tasks", "@TOKEN@", {
    "title": "Paid off platform", "description": "Paid in USDC.", "budgetAmount": "0.00000001",
    "budgetCurrency": "USDC", "mode": "claim", "requireApproval": True})
req("post_task_protected", "POST", "/api/agent/tasks", "@TOKEN@", {
    "title": "Rotate credentials", "description": "Use the protected data.", "budgetAmount": 3,
    "budgetCurrency": "CREDITS",
    "protected": {"alg": "xchacha20poly1305-ietf", "nonce": NONCE, "ciphertext": CT, "fields": ["apiKey"]}})
req("patch_task", "PATCH", "/api/tasks/@TASK@", "@TOKEN@", {"budgetAmount": 41, "title": "Translate it all"})
req("split_task", "POST", "/api/agent/tasks/@TASK@/split", "@TOKEN@",
    {"subtasks": [{"title": "Part one", "description": "Chapters 1-3", "budgetAmount": 10},
                  {"title": "Part two", "description": "Chapters 4-6", "budgetAmount": 10}]})
req("cancel_task", "POST", "/api/agent/tasks/@TASK@/cancel", "@TOKEN@", {"reason": "No longer needed"})
req("comment", "POST", "/api/agent/tasks/@TASK@/comments", "@TOKEN2@", {"body": "Is chapter 7 included?"})
# --- bids, claims, applications, hiring
req("bid", "POST", "/api/agent/tasks/@TASK@/bids", "@TOKEN2@",
    {"proposedAmount": 25, "etaDays": 2, "approach": "Two passes and a review"})
req("bid_text", "POST", "/api/agent/tasks/@TASK@/bids", "@TOKEN2@",
    {"priceText": "30 CREDITS", "etaDays": 1, "approach": "Fast"})
req("bid_amend", "PATCH", "/api/agent/bids/@BID@", "@TOKEN2@",
    {"action": "amend", "proposedAmount": 20, "approach": "Cheaper", "reason": "Scope is smaller"})
req("counter_offer", "POST", "/api/agent/bids/@BID@/counter-offers", "@TOKEN@",
    {"proposedAmount": 22, "message": "Meet in the middle?"})
req("bid_message", "POST", "/api/agent/bids/@BID@/messages", "@TOKEN@", {"body": "When can you start?"})
req("hire_bid", "POST", "/api/agent/contracts", "@TOKEN@", {"taskId": "@TASK@", "bidId": "@BID@"})
req("claim", "POST", "/api/agent/tasks/@APPROVALTASK@/claim", "@TOKEN2@", {})
req("approve_application", "POST", "/api/agent/tasks/@APPROVALTASK@/applications/@APPLICATION@/approve",
    "@TOKEN@", {})
req("reject_application", "POST", "/api/agent/tasks/@APPROVALTASK@/applications/@APPLICATION@/reject",
    "@TOKEN@", {"reason": "Not a fit"})
# --- submissions and decisions
req("contract_submission", "POST", "/api/agent/contracts/@CONTRACT@/submissions", "@TOKEN2@", {
    "deliverableUrl": "https://example.com/out.pdf", "summaryText": "All chapters", "output": "{\"name\":\"ok\"}",
    "attachments": [{"url": "https://example.com/a.txt", "name": "a.txt", "mimeType": "text/plain", "size": 12,
                     "sha256": "a" * 64}], "notes": "See attachment"})
req("open_submission", "POST", "/api/agent/tasks/@OPENTASK@/submissions", "@TOKEN2@",
    {"summaryText": "Here it is", "output": "abc"})
req("contract_decision", "POST", "/api/agent/contracts/@CONTRACT@/decision", "@TOKEN@",
    {"action": "reject", "reason": "Chapter 3 is missing", "rating": 3})
req("contract_accept", "POST", "/api/agent/contracts/@CONTRACT@/decision", "@TOKEN@",
    {"action": "accept", "rating": 5, "review": "Great"})
req("open_decision", "POST", "/api/agent/tasks/@OPENTASK@/submissions/@SUBMISSION@/decision", "@TOKEN@",
    {"action": "accept", "rating": 4})
req("review", "POST", "/api/agent/contracts/@CONTRACT@/reviews", "@TOKEN@", {"rating": 5, "text": "Good"})
req("cancellation", "POST", "/api/agent/contracts/@CONTRACT@/cancellation", "@TOKEN2@",
    {"action": "apply", "reason": "Cannot finish"})
req("contract_message", "POST", "/api/agent/contracts/@CONTRACT@/messages", "@TOKEN2@", {"body": "Done soon"})
# --- disputes and support
req("dispute", "POST", "/api/agent/contracts/@DISPUTED@/disputes", "@TOKEN2@",
    {"reason": "Rejections ignore the criteria", "evidence": "Attempt 3 meets every one"})
req("support_resolve", "POST", "/api/support/disputes/@DISPUTE@/resolve", "@STAFF@",
    {"outcome": "split", "workerSharePercent": 50, "note": "Half the work was done"})
req("support_assign", "POST", "/api/support/disputes/@DISPUTE@/assign", "@STAFF@", {"assigneeId": "me"})
req("support_note", "POST", "/api/support/disputes/@DISPUTE@/notes", "@STAFF@", {"text": "Checked"})
req("support_message", "POST", "/api/support/disputes/@DISPUTE@/messages", "@STAFF@", {"body": "Looking"})
# --- skills and hires
req("skill", "POST", "/api/agent/skills", "@TOKEN2@", {
    "title": "Code review", "description": "Reviews Python code.", "tags": ["python"], "priceAmount": 15,
    "priceCurrency": "CREDITS", "deliveryDays": 2})
req("skill_patch", "PATCH", "/api/agent/skills/@SKILL@", "@TOKEN2@", {"priceAmount": 18, "deliveryDays": 4})
req("hire", "POST", "/api/agent/skills/@SKILL@/hires", "@TOKEN@", {"brief": "Review my parser"})
req("hire_accept", "POST", "/api/agent/hires/@HIRE@/accept", "@TOKEN2@", {})
req("hire_decline", "POST", "/api/agent/hires/@HIRE@/decline", "@TOKEN2@", {"reason": "Busy"})
# --- protected access
req("protected_request", "POST", "/api/agent/tasks/@PTASK@/protected-access", "@TOKEN2@", {"keyId": "@KEY@"})
req("protected_grant", "POST", "/api/agent/tasks/@PTASK@/protected-access/@ACCESS@/grant", "@TOKEN@",
    {"sealedKey": SEALED})
req("protected_deny", "POST", "/api/agent/tasks/@PTASK@/protected-access/@ACCESS@/deny", "@TOKEN@",
    {"reason": "Not yet"})
# --- delegations, messages, wallet
req("delegation_new", "POST", "/api/agent/delegations", "@TOKEN@", {
    "label": "Research bot", "agent": {"mode": "new", "handle": "research_bot", "displayName": "Research"},
    "scopes": ["tasks:read", "bids:write"], "spendLimit": {"amount": 50, "currency": "CREDITS"},
    "expiresAt": "2030-06-01T00:00:00Z"})
req("delegation_existing", "POST", "/api/agent/delegations", "@TOKEN@", {
    "label": "Bind worker", "agent": {"mode": "existing", "linkingCode": "@LINKCODE@"}, "scopes": ["profile:read"]})
req("message", "POST", "/api/agent/messages", "@TOKEN@", {"toProfileId": "@WORKER@", "body": "Hello there"})
req("threads_read", "POST", "/api/agent/threads/read", "@TOKEN2@", {"threadId": "direct:@OWNER@"})
req("transfer", "POST", "/api/agent/wallet/transfers", "@TOKEN@",
    {"toProfileId": "@WORKER@", "amount": 1.5, "memo": "thanks"})
req("verification_check", "POST", "/api/verification/check", "@TOKEN@",
    {"verification": {"type": "sha256", "value": "b" * 64}, "output": "text"})
req("upload", "POST", "/api/agent/files", "@TOKEN2@", raw_body=b"hello file\n",
    headers=("Content-Type: text/plain", "X-File-Name: notes.txt"))
# --- reads
req("get_tasks", "GET", "/api/tasks?query=manual&skill=docs&mode=bid&sort=budget&limit=5")
req("get_task", "GET", "/api/agent/tasks/@TASK@", "@TOKEN@")
req("head_task", "HEAD", "/api/tasks/@TASK@")
req("support_dispute", "GET", "/api/support/disputes/@DISPUTE@", "@STAFF@")
req("events", "GET", "/api/agent/events?after=&wait=1", "@TOKEN2@")
req("contracts", "GET", "/api/agent/contracts?role=seller&status=submitted&cursor=&limit=100", "@TOKEN2@")
# --- regressions (findings of the fuzzer, fixed)
# Clock::parseIso overflowed the nanosecond time point (UBSan) for years after 2262.
req("regress_far_future", "POST", "/api/agent/me/api-keys", "@TOKEN@",
    {"name": "bot", "scopes": ["tasks:read"], "expiresAt": "5447-01-01T00:00:00Z"})
req("regress_far_deadline", "PATCH", "/api/tasks/@TASK@", "@TOKEN@", {"deadline": "9999-12-31T23:59:59-23:59"})
# --- malformed and hostile
req("bad_json", "POST", "/api/agent/tasks", "@TOKEN@", raw_body=b'{"title": "x", "budgetAmount": 1e999,')
req("bad_types", "POST", "/api/agent/tasks/@TASK@/bids", "@TOKEN2@",
    {"proposedAmount": "-0.001", "etaDays": 1.5, "approach": ["list"]})
req("control_chars", "POST", "/api/agent/messages", "@TOKEN@",
    {"toProfileId": "@WORKER@", "body": "nul \u0000 bell \u0007"})
req("no_auth", "POST", "/api/agent/tasks", None, {"title": "t"})
req("both_auth", "POST", "/api/agent/tasks", "@TOKEN@", {"title": "t"},
    headers=("X-Agent-Key: ak_1", "X-Agent-Timestamp: 1", "X-Agent-Signature: 00"))
req("idempotent", "POST", "/api/agent/tasks/@TASK@/comments", "@TOKEN2@", {"body": "again"},
    headers=("Idempotency-Key: k-1",))
req("percent_path", "GET", "/api/tasks/%40TASK%40?q=a%20b+c&x", "@TOKEN@")
req("absolute_form", "GET", "http://127.0.0.1/api/agent/me", "@TOKEN@")
seeds["chunked"] = (b"POST /api/agent/tasks/@TASK@/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @TOKEN2@\r\n"
                    b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                    b"5\r\n{\"bod\r\nb\r\ny\": \"chunk\"}\r\n0\r\n\r\n")
seeds["http10"] = b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
seeds["expect"] = (b"POST /api/agent/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @TOKEN@\r\n"
                   b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}")
seeds["dup_length"] = b"POST /api/agent/login HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"

if os.path.isdir(OUT):
    shutil.rmtree(OUT)
os.makedirs(OUT)
for name, data in sorted(seeds.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {os.path.relpath(OUT)}")

# --- the dictionary: JSON keys, enum values, route segments, placeholders, HTTP framing
KEYS = """action active address agent algorithm amount approach assigneeId attachments availability bidId bio
body brief budgetAmount budgetCurrency budgetCurrencyCustom budgetText currency deadline deliverableUrl
deliveryDays denomination description displayName email etaDays events evidence expiresAt fileId handle keyId
kind label linkingCode memo message mimeType mode name network note notes outcome output password
paymentWallet payoutMethodId preferredToken priceAmount priceCurrency priceCurrencyCustom priceText
proposedAmount protected publicKey purpose rating reason requireApproval review reviewWindowHours rotateSecret
sealedKey secret signature size spendLimit summaryText taskId text threadId title toProfileId tokenName
tokenScopes scopes skills skillsTags acceptanceCriteria subtasks verification visibility workerSharePercent
schema pattern value type autoAccept url sha256 nonce ciphertext fields alg tags""".split()
VALUES = """CREDITS USDC ETH OTHER bid claim open public unlisted accept reject withdraw amend apply confirm
release refund split new existing encryption signing x25519 ed25519 json-schema regex sha256
xchacha20poly1305-ietf agent human buyer seller""".split()
PATHS = """/api/agent/ /api/tasks /api/skills /api/support/ /api/profiles/ tasks/ bids claim submissions decision
contracts cancellation reviews disputes resolve skills hires accept decline withdraw protected-access grant
deny protected-bundle delegations messages threads wallet/transfers me/keys me/tokens me/api-keys
linking-codes counter-offers applications approve comments split cancel files register login
heartbeat""".split()
PLACEHOLDERS = """@TOKEN@ @TOKEN2@ @STAFF@ @OWNER@ @WORKER@ @TASK@ @BID@ @CONTRACT@ @DISPUTED@ @DISPUTE@ @OPENTASK@
@SUBMISSION@ @APPROVALTASK@ @APPLICATION@ @SKILL@ @HIRE@ @KEY@ @PTASK@ @ACCESS@ @DELEGATION@
@LINKCODE@""".split()
HTTP = ["HTTP/1.1", "HTTP/1.0", "\r\n", "Content-Length: ", "Transfer-Encoding: chunked",
        "Authorization: Bearer ", "Idempotency-Key: ", "Content-Type: application/json", "Expect: 100-continue",
        "Connection: close", "X-Agent-Key: ", "X-Agent-Timestamp: ", "X-Agent-Signature: ", "X-File-Name: ",
        "GET ", "POST ", "PATCH ", "DELETE ", "HEAD ", "%00", "%2F", "?cursor=", "&limit=", "\\u0000",
        "\\ud800", "1e308", "-0", "0.001", "1000000000", "null", "true", "[]", "{}"]


def esc(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\x0d").replace("\n", "\\x0a")


entries = [f'"{k}":' for k in KEYS] + [f'"{v}"' for v in VALUES] + PATHS + PLACEHOLDERS + HTTP
lines = ["# libFuzzer dictionary for taskdesk_fuzz_api (written by make_corpus.py): JSON keys, enum values,",
         "# route segments, placeholders the harness replaces, and HTTP framing."]
seen = set()
for e in entries:
    if e not in seen:
        seen.add(e)
        lines.append(f'"{esc(e)}"')
with open(os.path.join(HERE, "api_request.dict"), "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"{len(seen)} dictionary entries in {os.path.relpath(os.path.join(HERE, 'api_request.dict'))}")
