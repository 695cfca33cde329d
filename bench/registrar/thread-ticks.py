#!/usr/bin/env python3
"""Where a JVM's CPU goes, by thread group (stat of every /proc/PID/task).
thread-ticks.py PID > SNAP                     one 'NAME TICKS' line per thread group
thread-ticks.py --diff SNAP0 SNAP1 N LABEL   one 'THREADS label=LABEL group=us_per_reg ...' line (N registrations)
Groups: loops (Netty event loops), writer (registration-writer), h2 (H2's own threads), gc, jit (C1/C2 compilers), other."""
import os, re, sys

HZ = os.sysconf('SC_CLK_TCK')

def group(name):
    if 'EventLoop' in name or 'epoll' in name.lower() or name.startswith('multiThreadIo'):
        return 'loops'
    if name.startswith('registration-w'):
        return 'writer'
    if name.startswith('MVStore') or name.startswith('H2-'):
        return 'h2'
    # ZGC's threads: ZDirector, ZDriverMajor/Minor, ZWorkerOld/Young#n, ZStat, ZUncommitter#n (JDK 25)
    if re.match(r'(GC |G1 |VM Thread|ZGC|Z |ZDirector|ZDriver|ZWorker|ZStat|ZUncommit)', name) or name.startswith('GC'):
        return 'gc'
    if 'Compiler' in name or name.startswith('C1 ') or name.startswith('C2 '):
        return 'jit'
    return 'other'

if sys.argv[1] == '--diff':
    def read(p):
        out = {}
        for line in open(p):
            g, t = line.split()
            out[g] = int(t)
        return out
    a, b, n, label = read(sys.argv[2]), read(sys.argv[3]), max(int(sys.argv[4]), 1), sys.argv[5]
    groups = ['loops', 'writer', 'h2', 'gc', 'jit', 'other']
    us = {g: (b.get(g, 0) - a.get(g, 0)) / HZ * 1e6 / n for g in groups}
    print(f"THREADS label={label} " + ' '.join(f"{g}={us[g]:.1f}" for g in groups)
          + f" total={sum(us.values()):.1f}")
else:
    sums = {}
    base = f'/proc/{sys.argv[1]}/task'
    for t in os.listdir(base):
        try:
            name = open(f'{base}/{t}/comm').read().strip()
            r = open(f'{base}/{t}/stat').read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        g = group(name)
        sums[g] = sums.get(g, 0) + int(r[11]) + int(r[12])
    for g, t in sums.items():
        print(g, t)
