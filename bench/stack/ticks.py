#!/usr/bin/env python3
"""CPU clock ticks (utime+stime from /proc/PID/stat, all threads) for the stack benches.
  ticks.py tree PID...             ticks summed over each PID and its live descendants
  ticks.py snap FILE               writes 'PID TICKS' for every process
  ticks.py other SNAP0 SNAP1 PID...  ticks between two snaps of processes outside the trees of PID...
                                   (everything else on the machine: other sessions' builds)"""
import os
import sys


def table():
    ticks, kids = {}, {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        ticks[int(d)] = int(fields[11]) + int(fields[12])
        kids.setdefault(int(fields[1]), []).append(int(d))
    return ticks, kids


def tree(roots, ticks, kids):
    seen, todo = set(), [int(p) for p in roots]
    while todo:
        p = todo.pop()
        if p in seen or p not in ticks:
            continue
        seen.add(p)
        todo += kids.get(p, [])
    return seen


def main(argv):
    ticks, kids = table()
    if argv[0] == 'tree':
        print(sum(ticks[p] for p in tree(argv[1:], ticks, kids)))
    elif argv[0] == 'snap':
        with open(argv[1], 'w') as f:
            f.writelines(f'{p} {t}\n' for p, t in ticks.items())
    elif argv[0] == 'other':
        read = lambda n: dict(map(int, line.split()) for line in open(n) if line.strip())
        a, b = read(argv[1]), read(argv[2])
        mine = tree(argv[3:], ticks, kids) | {os.getpid(), os.getppid()}
        print(sum(b[p] - a[p] for p in a if p in b and p not in mine and b[p] >= a[p]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:] or ['help'])
