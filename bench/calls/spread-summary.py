#!/usr/bin/env python3
"""The per-run table of spread.sh: spread-summary.py D [--md]
Per run of every JVM (and Kamailio): µs CPU per call (cps-run.sh's process total) and by thread group
(threads.py snapshots around the run), the ZGC cycles that started inside the run (cause, Minor/Major), the JIT's
compilations and deoptimizations inside it (-XX:+PrintCompilation, by uptime), and the CPU the JVM used in the gap
before the run (since its previous run ended: work the previous run left, e.g. transactions kept 32 s, CDRs, H2)."""
import os, re, sys
from collections import defaultdict
from datetime import datetime

D = sys.argv[1]
HZ = os.sysconf('SC_CLK_TCK')
GROUPS = ['loops', 'cdr', 'h2', 'gc', 'jit', 'timers', 'other']

def group(name):
    if name.startswith('multiThreadIo') or 'EventLoop' in name or 'epoll' in name.lower():
        return 'loops'
    if name.startswith('cdr-'):
        return 'cdr'
    if name.startswith('MVStore') or name.startswith('H-') or name.startswith('H2') or name.startswith('trunkline-db'):
        return 'h2'
    if re.match(r'(GC |G1 |VM Thread|VM Periodic|ZGC|Z |ZDirector|ZDriver|ZWorker|ZStat|ZUncommit)', name):
        return 'gc'
    if 'Compiler' in name or name.startswith('C1 ') or name.startswith('C2 '):
        return 'jit'
    if 'timer' in name.lower():
        return 'timers'
    return 'other'

def snap(f):
    d = {}
    for line in open(f):
        tid, u, s, name = line.rstrip('\n').split(' ', 3)
        d[tid] = (int(u) + int(s), name)
    return d

def diff(f0, f1):
    a, b = snap(f0), snap(f1)
    g = defaultdict(int)
    for tid, (t, name) in b.items():
        g[group(name)] += t - a.get(tid, (0, name))[0]
    return g

def epoch_ms(stamp):
    return datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%S.%f%z').timestamp() * 1000

def gclog(name):
    """(jvm start epoch ms, {cycle: [start ms, kind, cause, secs]})"""
    start, cycles = None, {}
    for line in open(f'{D}/gc-{name}.log'):
        if start is None:
            m0 = re.match(r'\[([^\]]+)\]\[([\d.]+)s\]', line)
            if m0:
                start = epoch_ms(m0.group(1)) - float(m0.group(2)) * 1000
        m = re.match(r'\[([^\]]+)\]\[[\d.]+s\]\[\d+\]\[\w+\]\[gc +\] GC\((\d+)\) (Minor|Major) Collection \(([^)]*)\)(.*)', line)
        if not m:
            continue
        c = cycles.setdefault(m.group(2), [epoch_ms(m.group(1)), m.group(3), m.group(4), 0.0])
        sec = re.search(r' ([\d.]+)s$', m.group(5).strip())
        if sec:
            c[3] = float(sec.group(1))
    return start, list(cycles.values())

def compilations(name):
    """[(uptime ms, tier, deopt reason or None)] from -XX:+PrintCompilation lines"""
    out = []
    for line in open(f'{D}/{name}.log', errors='replace'):
        m = re.match(r'\s*(\d+)\s+\d+\s+[%sbn!]*\s*(\d)\s+\S+::\S+.*?(made not entrant: (.*)|made zombie.*)?$', line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), (m.group(4) or 'zombie') if m.group(3) else None))
    return out

runs = [l.rstrip('\n').split('\t') for l in open(f'{D}/runs.tsv')]
info = {}
prev_t1, prev_ms = {}, {}
short = lambda c: c.replace('Allocation Rate', 'rate').replace('Allocation Stall', 'stall').replace('High Usage', 'usage')
rows = []
for name, rate, label, t0, t1, o in runs:
    t0, t1 = int(t0), int(t1)
    env = dict(l.strip().split('=', 1) for l in open(f'{o}/result.env') if '=' in l and not l.startswith('#'))
    calls = max(int(env.get('success', 0)), 1)
    r = dict(name=name, rate=rate, label=label, us=env.get('sut_us_per_call'), other=env.get('other_cpu_pct'),
             load=env.get('loadavg_before'), clean=env.get('clean'), calls=calls)
    if name != 'kam':
        if name not in info:
            info[name] = (gclog(name), compilations(name))
        (start, cycles), comp = info[name]
        g = diff(f'{o}.t0', f'{o}.t1')
        for k in GROUPS:
            r[k] = g[k] * 1e6 / HZ / calls
        r['threads_all'] = sum(g.values()) * 1e6 / HZ / calls
        inside = [c for c in cycles if t0 <= c[0] < t1]
        r['gc_cycles'] = ' '.join(f"{c[1][:2]}({short(c[2])} {c[3]:.2f}s)" for c in inside) or '-'
        u0, u1 = t0 - start, t1 - start
        cin = [c for c in comp if u0 <= c[0] < u1]
        r['comp'] = sum(1 for c in cin if c[2] is None)
        r['c2'] = sum(1 for c in cin if c[2] is None and c[1] == 4)
        r['deopt'] = sum(1 for c in cin if c[2] is not None and c[2] != 'not used')
        if name in prev_t1:
            pg = diff(prev_t1[name], f'{o}.t0')
            r['gap_ms'] = {k: pg[k] * 1000 / HZ for k in GROUPS if pg[k]}
            r['gap_cycles'] = ' '.join(f"{c[1][:2]}({short(c[2])})" for c in cycles if prev_ms[name] <= c[0] < t0) or '-'
        prev_t1[name] = f'{o}.t1'
        prev_ms[name] = t1
    rows.append(r)

print(f"| run | cps | round | us/call | " + ' | '.join(GROUPS) + " | ZGC cycles in run | compiled (C2) | deopt | CPU ms in the gap before, by group | other_cpu_pct | load |")
print('|' + '---|' * (13 + len(GROUPS) - 2))
for r in rows:
    if r['name'] == 'kam':
        print(f"| kam | {r['rate']} | {r['label']} | {r['us']} | " + ' | '.join('' for _ in GROUPS) + f" | | | | | {r['other']} | {r['load']} |")
        continue
    gap = ', '.join(f"{k} {v:.0f}" for k, v in r.get('gap_ms', {}).items()) + (f"; GC {r['gap_cycles']}" if r.get('gap_cycles', '-') != '-' else '')
    print(f"| {r['name']} | {r['rate']} | {r['label']} | {r['us']} | " + ' | '.join(f"{r[k]:.1f}" for k in GROUPS)
          + f" | {r['gc_cycles']} | {r['comp']} ({r['c2']}) | {r['deopt']} | {gap} | {r['other']} | {r['load']} |")
