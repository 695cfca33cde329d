#!/usr/bin/env python3
"""CPU per thread of one process, from /proc/PID/task/*/stat.
threads.py PID                      -> 'TID TICKS NAME' per thread (a snapshot)
threads.py --diff SNAP0 SNAP1 CALLS -> ticks per thread group (names without their numbers) between
                                       the snapshots, and microseconds per call, user and system"""
import os, re, sys
from collections import defaultdict

def snap(pid):
    for t in sorted(os.listdir(f'/proc/{pid}/task'), key=int):
        try:
            s = open(f'/proc/{pid}/task/{t}/stat').read()
        except OSError:
            continue
        name = s[s.index('(') + 1:s.rindex(')')]
        r = s.rsplit(')', 1)[1].split()
        print(t, r[11], r[12], name)

def read(f):
    d = {}
    for line in open(f):
        tid, u, st, name = line.rstrip('\n').split(' ', 3)
        d[tid] = (int(u), int(st), name)
    return d

if sys.argv[1] == '--diff':
    a, b, calls = read(sys.argv[2]), read(sys.argv[3]), max(int(sys.argv[4] or 1), 1)
    hz = os.sysconf('SC_CLK_TCK')
    g = defaultdict(lambda: [0, 0])
    for tid, (u, st, name) in b.items():
        u0, s0, _ = a.get(tid, (0, 0, name))
        key = re.sub(r'\d+', '#', name)
        g[key][0] += u - u0; g[key][1] += st - s0
    tot = [sum(v[0] for v in g.values()), sum(v[1] for v in g.values())]
    print(f'| thread group | user ticks | sys ticks | us/call user | us/call sys |  ({calls} calls, {hz} Hz)')
    print('|---|---|---|---|---|')
    for k, (u, st) in sorted(g.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
        if u + st:
            print(f'| {k} | {u} | {st} | {u * 1e6 / hz / calls:.1f} | {st * 1e6 / hz / calls:.1f} |')
    print(f'| all | {tot[0]} | {tot[1]} | {tot[0] * 1e6 / hz / calls:.1f} | {tot[1] * 1e6 / hz / calls:.1f} |')
else:
    snap(sys.argv[1])
