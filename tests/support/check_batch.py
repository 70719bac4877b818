"""An independent reader of a Pryiom export: validates the batch file against its JSON Schema (jsonschema, not our
code), recomputes every checksum with Python's own JSON and hashlib, and reads each CSV table with Python's csv
module, checking it row by row against the batch. Prints what it checked; exits non-zero on the first problem.

    python3 check_batch.py BATCH.json SCHEMA.json CSV [CSV ...]

The manifest's Ed25519 signature, when there is one, is checked with the `cryptography` package.
"""
import base64
import csv
import hashlib
import io
import json
import sys

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    return str(value)


def neutral(text):
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def main():
    batch_path, schema_path, *csv_paths = sys.argv[1:]
    raw = open(batch_path, encoding="utf-8").read()
    batch = json.loads(raw)
    schema = json.load(open(schema_path, encoding="utf-8"))
    jsonschema.validate(batch, schema, cls=jsonschema.Draft202012Validator,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    print(f"schema: valid ({len(batch['records'])} records)")

    for i, r in enumerate(batch["records"], 1):
        assert sha(canonical(r["data"])) == r["sha256"], f"record {i}: checksum"
    assert sha(canonical(batch["records"])) == batch["manifest"]["payload_sha256"], "payload checksum"
    print("checksums: every record and the payload match")

    manifest = dict(batch["manifest"])
    sig = manifest.pop("signature", None)
    if sig is not None:
        message = b"pryiom-batch-manifest/1\n" + canonical(manifest).encode("utf-8")
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(sig["public_key"]))
        key.verify(base64.b64decode(sig["value"]), message)  # raises InvalidSignature
        print(f"signature: valid, device key {sig['public_key']}")

    by_type = {"client": [], "appeal": [], "checklist": [], "audit": [], "ticket": [], "feedback": []}
    for r in batch["records"]:
        by_type[r["type"]].append(r)
    pinned = batch["manifest"]["csv_sha256"]
    for path in csv_paths:
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        data = open(path, "rb").read()
        assert data.startswith(b"\xef\xbb\xbf"), f"{name}: UTF-8 byte-order mark"
        assert hashlib.sha256(data).hexdigest() == pinned[name], f"{name}: not the table the manifest pins"
        text = data.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        kind = name.rsplit("-", 1)[-1].removesuffix("s.csv")
        records = by_type[kind]
        assert len(rows) == len(records), f"{name}: {len(rows)} rows for {len(records)} records"
        for row, r in zip(rows, records):
            assert row["batch_id"] == batch["manifest"]["batch_id"]
            assert row["id"] == r["id"] and int(row["rev"]) == r["rev"]
            d = r["data"]
            if kind == "client" and d.get("personal"):
                p = d["personal"]
                assert row["surname"] == neutral(p["surname"]), (row["surname"], p["surname"])
                assert row["given_name"] == neutral(p["given_name"])
                assert row["phones"] == neutral(cell(p["phones"]))
            if kind == "client" and d.get("merged_into"):
                assert d.get("personal") is None, "a merged card holds nothing personal"
                assert row["merged_into"] == d["merged_into"]["id"] and row["surname"] == ""
            if kind == "audit":
                assert row["action"] == d["action"] and row["worker"] == neutral(d["worker"])
                assert row["subject"] == d.get("subject", "")
            if kind in ("ticket", "feedback"):
                sealed = d.get("visitor" if kind == "ticket" else "comment")
                if sealed is not None:
                    assert base64.b64decode(sealed).startswith(b"age-encryption.org/v1\n"), f"{name}: sealed with age"
                assert row["visitor_sealed" if kind == "ticket" else "comment_sealed"] == (sealed or "")
            if kind == "ticket":
                assert row["number"] == str(d["number"]) and row["state"] == d["state"]["is"]
            if kind == "feedback":
                answers = dict(d["answers"])
                for q in ("clear", "polite", "wait", "resolved", "recommend"):
                    assert row[q] == str(answers.get(q, "")), (q, row[q])
            if kind == "appeal":
                assert row["account"] == neutral(d["account"]), (row["account"], d["account"])
                assert row["area"] == neutral(d["area"])
        for row in rows:
            for key, value in row.items():
                assert not (value[:1] in ("=", "+", "-", "@")), f"{name}: {key} would run as a formula: {value!r}"
        print(f"{name}: {len(rows)} rows read by Python's csv module, values match the batch")
    print("ok")


if __name__ == "__main__":
    main()
