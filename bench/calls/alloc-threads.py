#!/usr/bin/env python3
"""Bytes a JVM's threads allocated between two `jcmd PID Thread.print -e` dumps, per thread group, in KB per call.

    jcmd PID Thread.print -e > t0; <one cps-run.sh run>; jcmd PID Thread.print -e > t1
    alloc-threads.py t0 t1 CALLS

Threads are grouped by name with digits replaced by N (the event loops are one group). Only threads
present in both dumps or born in between count (a thread that ended in between is missed).
"""
import re
import sys

UNITS = {'B': 1, 'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3}


def read(path):
    d = {}
    for line in open(path):
        m = re.match(r'^"([^"]*)" .*allocated=(\d+)([BKMG])', line)
        if m:
            nid = re.search(r'nid=(\w+)', line).group(1)
            d[(m.group(1), nid)] = int(m.group(2)) * UNITS[m.group(3)]
    return d


def main():
    a, b, calls = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
    groups = {}
    for k, v in b.items():
        g = re.sub(r'\d+', 'N', k[0])
        groups[g] = groups.get(g, 0) + v - a.get(k, 0)
    total = sum(groups.values())
    print(f"total {total / 1024 / calls:.2f} KB/call over {calls} calls")
    for name, v in sorted(groups.items(), key=lambda x: -x[1]):
        if v > 0.001 * total:
            print(f"| {name} | {v / 1024 / calls:.2f} |")


if __name__ == '__main__':
    main()
