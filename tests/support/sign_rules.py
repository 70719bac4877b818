"""Signs a БВПД rules file for Pryiom (the rules publisher's tool), or makes the publisher's key.

    python3 sign_rules.py new-key KEY_FILE      make an Ed25519 key (kept by the publisher, never in the repo);
                                                prints the public key to add to RULES_PUBLISHERS in the app
    python3 sign_rules.py sign RULES KEY_FILE   sign RULES in place (an earlier signature is replaced)
    python3 sign_rules.py verify RULES PUBKEY   check a signature against a base64 public key

Signed message: the bytes 'pryiom-rules/1\\n' followed by the file without its "signature" field as canonical JSON
(json.dumps(rules, sort_keys=True, separators=(',', ':'), ensure_ascii=False)), the same canonical form as batch
checksums. The signature is written into the file as {"alg": "ed25519", "public_key": base64, "value": base64}.
"""
import base64
import json
import os
import re
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives import serialization

CONTEXT = b"pryiom-rules/1\n"


def message(rules):
    unsigned = {k: v for k, v in rules.items() if k != "signature"}
    return CONTEXT + json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def public_text(key):
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def main(argv):
    if len(argv) == 3 and argv[1] == "new-key":
        if os.path.exists(argv[2]):
            sys.exit(f"{argv[2]} exists: not overwritten")
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        fd = os.open(argv[2], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(base64.b64encode(raw).decode() + "\n")
        print(public_text(key))
    elif len(argv) == 4 and argv[1] == "sign":
        with open(argv[3]) as f:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(f.read().strip()))
        with open(argv[2], encoding="utf-8") as f:
            text = f.read()
        rules = json.loads(text)
        value = key.sign(message(rules))
        sig = {"alg": "ed25519", "public_key": public_text(key), "value": base64.b64encode(value).decode()}
        # The file keeps its own layout: an earlier signature (always the last field) is cut, the new one appended.
        text = re.sub(r',\s*"signature"\s*:\s*\{[^{}]*\}\s*\}\s*$', "\n}", text)
        text = text.rstrip()
        assert text.endswith("}"), "a rules file is one JSON object"
        text = text[:-1].rstrip() + ',\n  "signature": ' + json.dumps(sig) + "\n}\n"
        assert json.loads(text)["signature"] == sig and message(json.loads(text)) == message(rules)
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text)
        print(f"signed {argv[2]} (serial {rules.get('serial')}, effective {rules.get('effective')})")
    elif len(argv) == 4 and argv[1] == "verify":
        with open(argv[2], encoding="utf-8") as f:
            rules = json.load(f)
        sig = rules.get("signature") or sys.exit("not signed")
        if sig.get("public_key") != argv[3]:
            sys.exit("signed with another key")
        Ed25519PublicKey.from_public_bytes(base64.b64decode(argv[3])).verify(base64.b64decode(sig["value"]), message(rules))
        print("signature valid")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
