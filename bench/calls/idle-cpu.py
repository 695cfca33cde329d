#!/usr/bin/env python3
"""CPU per second of idle servers, by thread group, from /proc/PID/task/*/schedstat (ns on a CPU).
idle-cpu.py SECS NAME=PID [NAME=PID ...]
  For each NAME, every thread of PID and of its descendants (a timeout wrapper and its JVM, Kamailio's
  main process and its children) is read twice, SECS apart; prints per NAME the milliseconds of CPU per
  second of each thread group (thread names without their digits, 'kamailio' per process) and the
  total, and the wake-ups per second (voluntary + involuntary context switches) of each group.
  schedstat counts in ns, so a group that wakes 10 times a second for 20 us shows as 0.2 ms/s, which
  the 10 ms ticks of /proc/PID/stat (threads.py) cannot resolve in a minute."""
import os, re, sys, time
from collections import defaultdict


def tree(root):
    kids = defaultdict(list)
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                s = open(f'/proc/{d}/stat').read()
            except OSError:
                continue
            kids[int(s.rsplit(')', 1)[1].split()[1])].append(int(d))
    seen, st = [], [root]
    while st:
        p = st.pop()
        if p not in seen:
            seen.append(p)
            st += kids.get(p, [])
    return seen


def snap(pids):
    d = {}
    for p in pids:
        try:
            tids = os.listdir(f'/proc/{p}/task')
        except OSError:
            continue
        for t in tids:
            try:
                ns = int(open(f'/proc/{p}/task/{t}/schedstat').read().split()[0])
                name = open(f'/proc/{p}/task/{t}/comm').read().strip()
                st = open(f'/proc/{p}/task/{t}/status').read()
            except OSError:
                continue
            sw = sum(int(x) for x in re.findall(r'ctxt_switches:\s+(\d+)', st))
            d[(p, t)] = (ns, sw, name)
    return d


def main():
    secs = float(sys.argv[1])
    suts = [a.split('=', 1) for a in sys.argv[2:]]
    trees = {n: tree(int(p)) for n, p in suts}
    a = {n: snap(t) for n, t in trees.items()}
    t0 = time.monotonic()
    time.sleep(secs)
    b = {n: snap(t) for n, t in trees.items()}
    dt = time.monotonic() - t0
    for n, _ in suts:
        g = defaultdict(lambda: [0, 0, 0])
        for k, (ns, sw, name) in b[n].items():
            ns0, sw0, _ = a[n].get(k, (0, 0, name))
            key = re.sub(r'\d+', '#', name)
            g[key][0] += ns - ns0
            g[key][1] += sw - sw0
            g[key][2] += 1
        tot = sum(v[0] for v in g.values())
        print(f'### {n}: {tot / 1e6 / dt:.2f} ms CPU per second idle over {dt:.0f} s')
        print('| thread group | threads | ms CPU / s | wake-ups / s |')
        print('|---|---|---|---|')
        for k, (ns, sw, c) in sorted(g.items(), key=lambda kv: -kv[1][0]):
            if ns or sw:
                print(f'| {k} | {c} | {ns / 1e6 / dt:.3f} | {sw / dt:.1f} |')
        print()


main()
