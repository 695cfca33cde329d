#!/usr/bin/env python3
"""histo-diff.py IDLE.txt HELD.txt CALLS -- what the held calls added to the live heap, per class, from two
`jcmd PID GC.class_histogram` outputs (each after a full GC): bytes and instances added per class (largest first),
each as bytes per held call, and the total split into classes whose instance count grew by a whole multiple of CALLS,
within 2 % (one or more objects per call: the calls' own state) and the rest (shared structures: caches, indexes, buffers that
grow by doubling, which a hold's ramp may or may not cross)."""
import re, sys

def read(f):
    d = {}
    for line in open(f):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d

a, b, calls = read(sys.argv[1]), read(sys.argv[2]), max(int(sys.argv[3]), 1)
rows = []
for k in set(a) | set(b):
    n0, b0 = a.get(k, (0, 0)); n1, b1 = b.get(k, (0, 0))
    if b1 != b0 or n1 != n0:
        rows.append((b1 - b0, n1 - n0, k))
rows.sort(key=lambda r: -abs(r[0]))
def per_call_class(n):  # n instances added: k >= 1 objects per call, give or take 2 % of the calls
    k = round(n / calls)
    return k >= 1 and abs(n - k * calls) <= 0.02 * calls

per_call = sum(r[0] for r in rows if per_call_class(r[1]))
total = sum(r[0] for r in rows)
print(f'{calls} held calls: live heap +{total} B = {total / calls:.0f} B per call; classes grown by a multiple of '
      f'{calls} instances (+-2 %) {per_call / calls:.0f} B per call, the rest {(total - per_call) / calls:.0f} B per call')
print('| class | bytes added | B per call | instances added |')
print('|---|---|---|---|')
for d, n, k in rows[:int(sys.argv[4]) if len(sys.argv) > 4 else 30]:
    print(f'| {k} | {d} | {d / calls:.0f} | {n} |')
