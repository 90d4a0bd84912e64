#!/usr/bin/python3
"""A libsodium peer that is not TaskDesk's code, for tst_crypto_interop.

Uses PyNaCl (Debian's python3-nacl). Reads one JSON object from stdin, runs the
command named in argv[1], writes one JSON object to stdout. Binary values travel as
lower-case hex, never through files. The grant message is rebuilt here from the
format in crypto/GrantSignature.h, independently of the C++ code.
"""
import base64
import hashlib
import json
import os
import struct
import sys

import nacl.bindings as b
import nacl.exceptions
import nacl.public
import nacl.pwhash
import nacl.signing


def unhex(v):
    return bytes.fromhex(v)


def grant_message(task_id, ciphertext, sealed_key):
    return (
        "taskdesk-grant-v1\n"
        + task_id
        + "\n"
        + hashlib.sha256(ciphertext).hexdigest()
        + "\n"
        + base64.b64encode(sealed_key).decode("ascii")
    ).encode("utf-8")


def run(cmd, a):
    if cmd == "aead-encrypt":
        nonce = os.urandom(24)
        ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(unhex(a["pt"]), None, nonce, unhex(a["key"]))
        return {"nonce": nonce.hex(), "ct": ct.hex()}
    if cmd == "aead-decrypt":
        try:
            pt = b.crypto_aead_xchacha20poly1305_ietf_decrypt(unhex(a["ct"]), None, unhex(a["nonce"]), unhex(a["key"]))
            return {"pt": pt.hex()}
        except nacl.exceptions.CryptoError:
            return {"error": "decrypt failed"}
    if cmd == "box-keypair":
        sk = nacl.public.PrivateKey.generate()
        return {"pk": bytes(sk.public_key).hex(), "sk": bytes(sk).hex()}
    if cmd == "seal":
        box = nacl.public.SealedBox(nacl.public.PublicKey(unhex(a["pk"])))
        return {"sealed": box.encrypt(unhex(a["msg"])).hex()}
    if cmd == "seal-open":
        box = nacl.public.SealedBox(nacl.public.PrivateKey(unhex(a["sk"])))
        try:
            return {"msg": box.decrypt(unhex(a["sealed"])).hex()}
        except nacl.exceptions.CryptoError:
            return {"error": "open failed"}
    if cmd == "sign":
        key = nacl.signing.SigningKey(unhex(a["seed"]))
        return {"pk": bytes(key.verify_key).hex(), "sig": key.sign(unhex(a["msg"])).signature.hex()}
    if cmd == "verify":
        try:
            nacl.signing.VerifyKey(unhex(a["pk"])).verify(unhex(a["msg"]), unhex(a["sig"]))
            return {"ok": True}
        except nacl.exceptions.BadSignatureError:
            return {"ok": False}
    if cmd == "grant-message":
        return {"msg": grant_message(a["taskId"], unhex(a["ct"]), unhex(a["sealedKey"])).hex()}
    if cmd == "grant-verify":
        msg = grant_message(a["taskId"], unhex(a["ct"]), unhex(a["sealedKey"]))
        try:
            nacl.signing.VerifyKey(unhex(a["pk"])).verify(msg, unhex(a["sig"]))
            return {"ok": True}
        except nacl.exceptions.BadSignatureError:
            return {"ok": False}
    if cmd == "bundle-open":
        # An agent written in Python opening a passphrase-protected handoff bundle,
        # from the format documented in crypto/HandoffBundle.h.
        doc = json.loads(unhex(a["file"]).decode("utf-8"))
        salt = base64.b64decode(doc["salt"], validate=True)
        key = nacl.pwhash.argon2id.kdf(32, unhex(a["passphrase"]), salt,
                                       opslimit=int(doc["opslimit"]), memlimit=int(doc["memlimit"]))
        # Python's own BLAKE2b (hashlib), not libsodium's, for the key check.
        check = hashlib.blake2b(b"taskdesk-bundle-key-check-v1", digest_size=16, key=key).digest()
        if check != base64.b64decode(doc["keyCheck"], validate=True):
            return {"error": "wrong passphrase"}
        ad = ("taskdesk-bundle-v1|%d|%d|%s" % (int(doc["opslimit"]), int(doc["memlimit"]), doc["salt"])).encode()
        pt = b.crypto_aead_xchacha20poly1305_ietf_decrypt(base64.b64decode(doc["ciphertext"]), ad,
                                                          base64.b64decode(doc["nonce"]), key)
        return {"json": pt.hex()}
    if cmd == "keystore-read":
        # The keystore file read from the layout documented in crypto/Keystore.h alone.
        data = unhex(a["file"])
        header, ct = data[:88], data[88:]
        if header[:4] != b"TDKS" or struct.unpack_from("<H", header, 4)[0] != 1:
            return {"error": "not a version 1 keystore"}
        kind, alg, ops, mem = struct.unpack_from("<HIQQ", header, 6)
        salt, check, nonce = header[28:44], header[44:60], header[60:84]
        (ct_len,) = struct.unpack_from("<I", header, 84)
        if alg != b.crypto_pwhash_ALG_ARGON2ID13 or ct_len != len(ct):
            return {"error": "unexpected header"}
        key = nacl.pwhash.argon2id.kdf(32, unhex(a["passphrase"]), salt, opslimit=ops, memlimit=mem)
        if hashlib.blake2b(b"taskdesk-keystore-key-check-v1", digest_size=16, key=key).digest() != check:
            return {"error": "wrong passphrase"}
        plain = b.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, header, nonce, key)
        if plain[:4] != b"TDKE":
            return {"error": "bad contents"}
        (count,) = struct.unpack_from("<I", plain, 4)
        pos, entries = 8, []

        def take():
            nonlocal pos
            (n,) = struct.unpack_from("<I", plain, pos)
            value = plain[pos + 4 : pos + 4 + n]
            pos += 4 + n
            return value

        for _ in range(count):
            name, ekind = take().decode(), take().decode()
            (created,) = struct.unpack_from("<q", plain, pos)
            pos += 8
            meta = json.loads(take().decode())
            entries.append({"name": name, "kind": ekind, "createdAt": created, "meta": meta, "secret": take().hex()})
        if pos != len(plain):
            return {"error": "trailing bytes"}
        return {"kind": kind, "entries": entries}
    raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], json.load(sys.stdin))))
