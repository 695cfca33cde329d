#!/usr/bin/env python3
"""users-yaml.py PATH N PORT DB: a Trunkline config of N register-in trunks u000001.. (password "secret"),
one UDP listen point on 127.0.0.1:PORT, the H2 file database DB and the API on a free port (run.sh, anchor.sh)."""
import sys

path, n, port, db = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, 'w') as f:
    f.write(f"listen:\n  - {{transport: udp, address: 127.0.0.1, port: {port}}}\n"
            f"database: {{url: \"jdbc:h2:file:{db}\"}}\napi: {{port: 0}}\ntrunks:\n")
    for i in range(1, n + 1):
        f.write(f"  - {{name: u{i:06d}, mode: register-in, username: u{i:06d}, password: secret}}\n")
