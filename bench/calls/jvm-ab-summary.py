#!/usr/bin/env python3
"""jvm-ab-summary.py D -- the tables of a jvm-ab.sh folder: per rate, each JVM's median us of CPU per call (rounds in
brackets, * = not clean), Kamailio's, and each JVM's ratio to the first (A) per round; then the CPU per call of the GC
threads, the JIT and the event loops over the whole sweep span (first run's start to last run's end, idle between runs
included: ZGC collects when it likes, not inside a 4 s run); then the latency runs (added INVITE->200, pcap-added.py)."""
import glob, os, re, statistics as st, subprocess, sys

D = sys.argv[1]
names = [l.split()[0] for l in open(f'{D}/configs') if l.strip() and not l.startswith('#')]
A = names[0]
HERE = os.path.dirname(os.path.abspath(__file__))
GC = re.compile(r'(Z|GC Thread|G# |Shenandoah|VM Thread)')

def env(f):
    d = {}
    for l in open(f):
        if '=' in l and not l.startswith('#'):
            k, v = l.strip().split('=', 1); d[k] = v
    return d

def runs(n, R):
    v = []
    for f in sorted(glob.glob(f'{D}/sweep/{n}/r{R}-*/result.env')):
        k = int(re.search(r'-(\d+)/result.env$', f).group(1)); e = env(f)
        v.append((k, float(e['sut_us_per_call']), e.get('clean') == 'yes'))
    return v

rates = sorted({int(re.search(r'/r(\d+)-\d+$', p).group(1)) for p in glob.glob(f'{D}/sweep/*/r*-*') if os.path.isdir(p)})
if rates:
    print('| cps | ' + ' | '.join(names) + ' | Kamailio | ' + ' | '.join(f'{n}/{A} per round' for n in names[1:]) + ' |')
    print('|---' * (1 + 2 * len(names)) + '|')
    for R in rates:
        per = {n: runs(n, R) for n in names + ['kam']}
        cells = [f"{st.median(x[1] for x in v):.1f} ({', '.join('%.0f' % x[1] + ('' if x[2] else '*') for x in v)})"
                 if v else '-' for v in per.values()]
        a = {k: x for k, x, _ in per[A]}
        rat = [', '.join('%.2f' % (x / a[k]) for k, x, _ in per[n] if k in a) for n in names[1:]]
        print(f'| {R} | ' + ' | '.join(cells) + ' | ' + ' | '.join(rat) + ' |')
    print('\nOver the sweep span, us of CPU per call (threads.py):')
    for n in names:
        t0 = sorted(glob.glob(f'{D}/sweep/{n}/r*-*.t0'), key=os.path.getmtime)
        t1 = sorted(glob.glob(f'{D}/sweep/{n}/r*-*.t1'), key=os.path.getmtime)
        calls = sum(int(env(f)['success']) for f in glob.glob(f'{D}/sweep/{n}/r*-*/result.env'))
        out = subprocess.run([f'{HERE}/threads.py', '--diff', t0[0], t1[-1], str(calls)], capture_output=True, text=True).stdout
        g = {}
        for l in out.splitlines():
            c = [x.strip() for x in l.split('|')]
            if len(c) > 5 and c[1] not in ('thread group', '---'):
                g[c[1]] = float(c[4]) + float(c[5])
        gc = sum(v for k, v in g.items() if GC.match(k)); jit = sum(v for k, v in g.items() if 'Compiler' in k)
        print(f"- {n}: {calls} calls; all threads {g.get('all', 0):.1f}; GC threads {gc:.1f}; JIT {jit:.1f}; "
              f"event loops {g.get('multiThreadIoEv', 0):.1f}; cdr-writer {g.get('cdr-writer', 0):.1f}")
lat = sorted(glob.glob(f'{D}/lat/*-*/added.env'))
if lat:
    print('\n| SUT | added median us | added p99 ms | us/call at 500 cps | other_cpu_pct | load |\n|---|---|---|---|---|---|')
    for n in names + ['kam']:
        fs = sorted(glob.glob(f'{D}/lat/{n}-*/added.env'))
        if not fs: continue
        a = [env(f) for f in fs]; r = [env(f.replace('added.env', 'result.env')) for f in fs]
        med = [float(x['lat_added_med_us']) for x in a]; p99 = [float(x['lat_added_p99_us']) / 1000 for x in a]
        us = [float(x['sut_us_per_call']) for x in r]
        f = lambda v, p: ', '.join(p % x for x in v)
        print(f"| {n} | {st.median(med):.0f} ({f(med, '%.0f')}) | {st.median(p99):.2f} ({f(p99, '%.2f')}) | "
              f"{st.median(us):.0f} ({f(us, '%.0f')}) | {f([float(x['other_cpu_pct']) for x in r], '%.0f')} | "
              f"{f([float(x['loadavg_before']) for x in r], '%.1f')} |")
