"""Opens age files with the centre's identity, as a centre would (Python pyrage, independent of the app).

    python open_sealed.py IDENTITY_FILE SEALED... -> writes each SEALED without its .age suffix
"""
import sys

import pyrage

identity = pyrage.x25519.Identity.from_str(open(sys.argv[1], encoding="ascii").read().strip())
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        plain = pyrage.decrypt(f.read(), [identity])
    out = path[: -len(".age")] if path.endswith(".age") else path + ".plain"
    with open(out, "wb") as f:
        f.write(plain)
    print(f"{out}: {len(plain)} bytes")
