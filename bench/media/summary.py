#!/usr/bin/env python3
"""Medians per (SUT, calls) of the RESULT lines in a results.txt: bench/media/summary.py FILE [SINCE-LINE]."""
import re
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
lines = open(sys.argv[1]).read().splitlines()
start = int(sys.argv[2]) if len(sys.argv) > 2 else 0
for line in lines[start:]:
    if not line.startswith("RESULT "):
        continue
    kv = dict(re.findall(r"(\S+?)=(\S+)", line))
    sut = re.sub(r"-r\d+$", "", kv["label"])
    if sut.startswith("warmup"):
        continue
    rows[(sut, int(kv["calls"]))].append(kv)

keys = ["pps", "loss_pct", "lat_p50_us", "lat_p90_us", "lat_p99_us", "relay_cpu_pct", "relay_pkts_per_cpu_s", "relay_user_us_per_pkt", "relay_sys_us_per_pkt", "gen_cpu_pct", "gen_rx_drops", "load"]
print("| SUT | calls | runs | " + " | ".join(keys) + " |")
print("|---|---|---|" + "---|" * len(keys))
for (sut, calls), rs in sorted(rows.items(), key=lambda x: (x[0][1], x[0][0])):
    med = [statistics.median(float(r.get(k, "nan")) for r in rs) for k in keys]
    print(f"| {sut} | {calls} | {len(rs)} | " + " | ".join(f"{v:.4g}" if v < 1000 else f"{v:,.0f}" for v in med) + " |")
