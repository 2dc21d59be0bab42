#!/usr/bin/env python3
"""Converts the bundled published test vectors into `vigil verify`'s line format.

Writes tests/data/checks/vectors.checks (one check per line) and
tests/data/checks/vectors.expected (the verdict each line must get, taken from
the vector files themselves, never from vigil). Run from the repository root:

    python3 scripts/make_check_vectors.py

Sources (see tests/data/SOURCES.md): Wycheproof ecdsa_secp256k1_sha256_test.json
(valid/invalid cases as scheme `ecdsa`; valid ones also as `ecdsa-bitcoin`, and as
`ecdsa-lows`, where a valid signature with S > n/2 must fail), BIP340
test-vectors.csv (`schnorr`), ring's ed25519_tests.txt (RFC 8032 + SUPERCOP, all
valid), ed25519_verify_tests.txt, SUPERCOP's sign.input and Wycheproof
ed25519_test.json (`ed25519-strict` and `ed25519`, ZIP-215); the ZIP-215 edge cases of
ed25519-speccheck (verdicts from its results table) and ed25519consensus (196
small-order cases, valid under ZIP-215, rejected by libsodium), under both rule sets.
"""
import gzip
import re
import hashlib
import json
import os
import sys

N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DATA = os.path.join("tests", "data")


def der_s(sig_hex):
    """S of a strict DER signature (only called on Wycheproof 'valid' cases)."""
    b = bytes.fromhex(sig_hex)
    rlen = b[3]
    return int.from_bytes(b[4 + rlen + 2:4 + rlen + 2 + b[4 + rlen + 1]], "big")


def field(h):
    h = h.strip('"')  # ring writes an empty message as ""
    return h.lower() if h else "-"


def wycheproof_ecdsa(out):
    d = json.load(open(os.path.join(DATA, "wycheproof", "ecdsa_secp256k1_sha256_test.json")))
    out.append(("# Wycheproof ecdsa_secp256k1_sha256_test.json (digest = SHA-256(msg))", None))
    for g in d["testGroups"]:
        key = g["publicKey"]["uncompressed"]
        for t in g["tests"]:
            if t["result"] not in ("valid", "invalid"):
                continue
            digest = hashlib.sha256(bytes.fromhex(t["msg"])).hexdigest()
            valid = t["result"] == "valid"
            out.append((f"ecdsa {key} {digest} {field(t['sig'])}", valid))
            if valid:
                out.append((f"ecdsa-bitcoin {key} {digest} {t['sig']}", True))
                out.append((f"ecdsa-lows {key} {digest} {t['sig']}", der_s(t["sig"]) <= N // 2))


def bip340(out):
    out.append(("# BIP340 test-vectors.csv", None))
    with open(os.path.join(DATA, "bips", "bip-0340", "test-vectors.csv")) as f:
        next(f)
        for line in f:
            c = line.rstrip("\r\n").split(",")
            out.append((f"schnorr {field(c[2])} {field(c[4])} {field(c[5])}", c[6] == "TRUE"))


def ring_blocks(path):
    block = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            if block:
                yield block
                block = {}
            continue
        k, v = (s.strip() for s in line.split("=", 1))
        block[k] = v
    if block:
        yield block


# Wycheproof ed25519 cases whose ZIP-215 verdict differs from the file's (RFC 8032
# decoding): tc 151, R = (y = 1, sign bit set), which ZIP-215 decodes as the identity
# (x = 0, as curve25519-dalek does) and which then satisfies the cofactored equation.
WYCHEPROOF_ZIP215_VALID = {151}


def ed25519(out):
    for scheme in ("ed25519-strict", "ed25519"):
        out.append((f"# {scheme}: ring ed25519_tests.txt (RFC 8032 + SUPERCOP) and ed25519_verify_tests.txt", None))
        ring = os.path.join(DATA, "ed25519", "ring")
        for b in ring_blocks(os.path.join(ring, "ed25519_tests.txt")):
            if "SIG" in b:
                out.append((f"{scheme} {b['PUB']} {field(b['MESSAGE'])} {b['SIG']}", True))
        for b in ring_blocks(os.path.join(ring, "ed25519_verify_tests.txt")):
            if "SIG" in b:
                out.append((f"{scheme} {b['PUB']} {field(b['MESSAGE'])} {b['SIG']}", b["Result"] == "P"))
        out.append((f"# {scheme}: SUPERCOP sign.input (sk||pk : pk : msg : sig||msg), all valid", None))
        with gzip.open(os.path.join(DATA, "ed25519", "supercop-sign-input", "sign.input.gz"), "rt") as f:
            for line in f:
                _, pk, msg, sigmsg = line.rstrip("\n").split(":")[:4]
                out.append((f"{scheme} {pk} {field(msg)} {sigmsg[:128]}", True))
        out.append((f"# {scheme}: Wycheproof ed25519_test.json (libsodium agrees with every expected result; "
                    "for ZIP-215 see WYCHEPROOF_ZIP215_VALID)", None))
        d = json.load(open(os.path.join(DATA, "wycheproof", "ed25519_test.json")))
        for g in d["testGroups"]:
            for t in g["tests"]:
                valid = t["result"] == "valid" or (scheme == "ed25519" and t["tcId"] in WYCHEPROOF_ZIP215_VALID)
                out.append((f"{scheme} {g['publicKey']['pk']} {field(t['msg'])} {field(t['sig'])}", valid))


def zip215_vectors(out):
    """The ZIP-215 edge cases, each under both rule sets, with the verdicts the files give."""
    # ed25519-speccheck: 12 cases (msg=, pbk=, sig= lines after a count), verdicts from the
    # published results table: the "Zebra" row is ZIP-215, the "LibSodium" row is libsodium.
    d = os.path.join(DATA, "ed25519", "ed25519-speccheck")
    rows = {}
    for line in open(os.path.join(d, "results.md")):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 13:
            rows[cells[0]] = cells[1:]
    lines = [l.strip() for l in open(os.path.join(d, "cases.txt")) if l.strip()]
    count = int(lines[0])
    fields = [l.split("=", 1)[1] for l in lines[1:]]
    assert len(fields) == 3 * count and len(rows["Zebra"]) == count == len(rows["LibSodium"])
    for scheme, row in (("ed25519", rows["Zebra"]), ("ed25519-strict", rows["LibSodium"])):
        out.append((f"# {scheme}: ed25519-speccheck cases.txt, verdicts of results.md", None))
        for i in range(count):
            msg, pbk, sig = fields[3 * i: 3 * i + 3]
            out.append((f"{scheme} {pbk} {field(msg)} {sig}", row[i] == "V"))
    # ed25519consensus: 196 small-order (key, signature) pairs over the message "Zcash", all
    # valid under ZIP-215 (the file's own test) and all rejected by libsodium's small-order checks.
    go = open(os.path.join(DATA, "ed25519", "ed25519consensus", "zip215_test.go")).read()
    pairs = re.findall(r'\{\s*"([0-9a-f]{64})",\s*"([0-9a-f]{128})",\s*\}', go)
    assert len(pairs) == 196, len(pairs)
    for scheme, valid in (("ed25519", True), ("ed25519-strict", False)):
        out.append((f"# {scheme}: ed25519consensus zip215_test.go, message \"Zcash\"", None))
        for vk, sig in pairs:
            out.append((f"{scheme} {vk} {b'Zcash'.hex()} {sig}", valid))


def main():
    out = []
    wycheproof_ecdsa(out)
    bip340(out)
    ed25519(out)
    zip215_vectors(out)
    os.makedirs(os.path.join(DATA, "checks"), exist_ok=True)
    with open(os.path.join(DATA, "checks", "vectors.checks"), "w") as checks, \
         open(os.path.join(DATA, "checks", "vectors.expected"), "w") as expected:
        checks.write("# Generated by scripts/make_check_vectors.py from the published vectors; do not edit.\n")
        for line, verdict in out:
            checks.write(line + "\n")
            if verdict is not None:
                expected.write("1\n" if verdict else "0\n")
    n = sum(1 for _, v in out if v is not None)
    print(f"wrote {n} checks", file=sys.stderr)


if __name__ == "__main__":
    main()
