#!/usr/bin/env python3
"""lat-join.py added.csv gc.log [timehist.txt mono-offset.txt LOOP_TID,LOOP_TID] -- sorts slow hops (THR us, 1000).
A hop (INVITE in->out, 200 in->out) over THR us is 'stw' if a safepoint (from -Xlog safepoint lines)
overlaps it, 'stall' if a ZGC allocation stall does; otherwise, with perf, how long the owning
event-loop threads waited runnable (sched delay) inside it and who ran on the CPUs meanwhile (CPU time
summed over those hops). timehist.txt: `perf sched timehist` of a `perf sched record -k mono`;
mono-offset.txt: CLOCK_REALTIME - CLOCK_MONOTONIC in seconds, read when the recording ran."""
import csv, re, sys, os, collections
THR = float(os.environ.get('THR', '1000'))
rows = list(csv.DictReader(open(sys.argv[1])))
hops = []
for r in rows:
    ta, tb = float(r['t_s']), float(r['t_ok_s'])
    hops.append(('inv', ta, ta + float(r['invite_us']) / 1e6, float(r['invite_us']), int(r['loop'])))
    hops.append(('ok', tb, tb + float(r['ok_us']) / 1e6, float(r['ok_us']), int(r['loop'])))
t0 = min(h[1] for h in hops); t1 = max(h[2] for h in hops)
from datetime import datetime
def ts(s):
    return datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%f%z').timestamp()
sp = []  # (start, end, name)
stalls = []
for line in open(sys.argv[2]):
    m = re.match(r'\[([^\]]+)\]', line)
    if not m: continue
    t = ts(m.group(1))
    if t < t0 - 1 or t > t1 + 1: continue
    m2 = re.search(r'Safepoint "([^"]+)".*Total: (\d+) ns', line)
    if m2:
        tot = int(m2.group(2)) / 1e9
        sp.append((t - tot, t, m2.group(1), tot))
    m3 = re.search(r'Allocation Stall \(([^)]+)\) ([\d.]+)ms', line)
    if m3:
        d = float(m3.group(2)) / 1e3
        stalls.append((t - d, t, m3.group(1), d))
print(f'{len(rows)} calls, window {t1 - t0:.1f} s; safepoints in it: {len(sp)}, total {sum(s[3] for s in sp)*1e3:.1f} ms, '
      f'max {max([s[3] for s in sp] or [0])*1e3:.2f} ms; allocation stalls: {len(stalls)}')
by = collections.Counter(s[2] for s in sp); print('  safepoints by op:', dict(by.most_common(8)))
big = [s for s in sp if s[3] > 0.0005]
for s in big: print(f'  safepoint {s[2]} at +{s[0]-t0:.3f} s, {s[3]*1e3:.2f} ms')
slow = [h for h in hops if h[3] > THR]
def overl(a, b, c, d): return a < d and c < b
cls = collections.Counter(); ms = collections.defaultdict(list)
rest = []
for h in slow:
    if any(overl(h[1], h[2], s[0], s[1]) for s in sp if s[3] > 0.0002):
        c = 'stw'
    elif any(overl(h[1], h[2], s[0], s[1]) for s in stalls):
        c = 'alloc-stall'
    else:
        c = 'other'; rest.append(h)
    cls[c] += 1; ms[c].append(h[3])
print(f'hops over {THR:.0f} us: {len(slow)} of {len(hops)}:', {k: (v, round(max(ms[k]) / 1e3, 2)) for k, v in cls.items()})
# a call is slow if inv+ok > thr: which class holds the calls above the p99?
adds = sorted(float(r['added_us']) for r in rows); p99 = adds[int(0.99 * len(adds))]
print(f'p99 {p99:.0f} us; calls above it: {sum(1 for a in adds if a > p99)}')
if len(sys.argv) > 5:
    off = float(open(sys.argv[4]).read()); tids = set(sys.argv[5].split(','))
    # perf sched timehist lines: time cpu task[tid/pid] wait schdelay runtime
    runs = []; waits = []
    for line in open(sys.argv[3]):
        p = line.split()
        if len(p) < 6 or not re.match(r'^\d+\.\d+$', p[0]): continue
        try:
            t = float(p[0]) + off; rt = float(p[-1]) / 1e3; sd = float(p[-2]) / 1e3
        except ValueError: continue
        task = ' '.join(p[2:-3]); m = re.search(r'\[(\d+)(?:/(\d+))?\]$', task)
        tid = m.group(1) if m else '?'
        runs.append((t - rt, t, task, p[1]))
        if tid in tids and sd > 0: waits.append((t - rt - sd, t - rt, task))
    print(f'perf: {len(runs)} switches; loop threads waited runnable {len(waits)} times, '
          f'{sum(w[1]-w[0] for w in waits)*1e3:.1f} ms in all; waits > 0.5 ms: {sum(1 for w in waits if w[1]-w[0] > 5e-4)}')
    who = collections.Counter(); expl = 0
    for h in rest:
        wt = sum(min(h[2], w[1]) - max(h[1], w[0]) for w in waits if overl(h[1], h[2], w[0], w[1]))
        if wt > 0.3 * h[3] / 1e6: expl += 1
        for r in runs:
            if overl(h[1], h[2], r[0], r[1]):
                name = re.sub(r'\[\d+(/\d+)?\]$', '', r[2]).strip()
                who[name] += min(h[2], r[1]) - max(h[1], r[0])
    print(f'"other" slow hops: {len(rest)}; in {expl} the loop thread waited runnable for >= 30 % of the hop')
    print('CPU time inside "other" slow hops by task (ms):', {k: round(v * 1e3, 1) for k, v in who.most_common(14)})
