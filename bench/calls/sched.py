#!/usr/bin/env python3
"""What the scheduler saw of each thread group of running servers, per call (issue 6, stop 19, branch wake12).

sched.py snap OUT PID[,PID...]       -> every thread of the PIDs and of their descendants (Kamailio's children):
                                        tick-sampled utime/stime (/proc/.../stat, what cpu-ticks.py and threads.py
                                        read), the scheduler's own run time, run-queue wait and slices
                                        (/proc/.../schedstat, nanoseconds), voluntary and involuntary switches
sched.py diff SNAP0 SNAP1 CALLS      -> per thread group (names without their numbers) between two snapshots:
                                        µs per call by ticks and by schedstat, wait, slices (wake-ups that ran)
                                        and switches and migrations (between CPUs) per call, and µs run per slice

Why both clocks: this kernel accounts utime/stime by sampling the running thread at each 4 ms tick
(CONFIG_TICK_CPU_ACCOUNTING, HZ=250); schedstat's run time is measured at every switch. A thread that runs in
many short slices is charged by ticks without bias only if its slices fall at random against the tick.
"""
import json, os, re, sys
from collections import defaultdict

HZ = os.sysconf('SC_CLK_TCK')
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from syscount import descendants  # noqa: E402  (a server's processes: Kamailio's children too)


def thread(pid, tid):
    d = f'/proc/{pid}/task/{tid}'
    s = open(f'{d}/stat').read()
    name = s[s.index('(') + 1:s.rindex(')')]
    r = s.rsplit(')', 1)[1].split()
    run, wait, slices = map(int, open(f'{d}/schedstat').read().split())
    st = dict(l.split(':', 1) for l in open(f'{d}/status').read().splitlines() if ':' in l)
    se = dict(l.split(':', 1) for l in open(f'{d}/sched').read().splitlines()[2:] if ':' in l)
    return dict(tid=f'{pid}/{tid}', name=name, ut=int(r[11]), st=int(r[12]), run=run, wait=wait, slices=slices,
                vcs=int(st['voluntary_ctxt_switches']), nvcs=int(st['nonvoluntary_ctxt_switches']),
                mig=int(float(se.get('se.nr_migrations', '0').strip())))


def snap(out, pids):
    rows = []
    for p in pids:
        for q in descendants(p):
            try:
                tids = os.listdir(f'/proc/{q}/task')
            except OSError:
                continue
            for t in tids:
                try:
                    rows.append(thread(q, t))
                except (OSError, ValueError, KeyError):
                    pass  # ended meanwhile
    with open(out, 'w') as f:
        for r in rows:
            f.write(json.dumps(r) + '\n')


KEYS = ('ut', 'st', 'run', 'wait', 'slices', 'vcs', 'nvcs', 'mig')


def diff(a, b, calls):
    old = {r['tid']: r for r in map(json.loads, open(a))}
    g = defaultdict(lambda: dict.fromkeys(KEYS, 0))
    for r in map(json.loads, open(b)):
        o = old.get(r['tid'], dict.fromkeys(KEYS, 0))
        r.setdefault('mig', 0)
        o.setdefault('mig', 0)
        k = re.sub(r'\d+', '#', r['name'])
        for key in KEYS:
            g[k][key] += r[key] - o[key]
    tot = dict.fromkeys(KEYS, 0)
    for v in g.values():
        for key in KEYS:
            tot[key] += v[key]
    g['all'] = tot
    c = max(calls, 1)
    print(f'| thread group | ticks us/call (user+sys) | schedstat run us/call | wait us/call | slices/call '
          f'| vol. switches/call | invol. switches/call | migrations/call | us run per slice |  ({calls} calls)')
    print('|---|---|---|---|---|---|---|---|---|')
    for k, v in sorted(g.items(), key=lambda kv: (kv[0] == 'all', -kv[1]['run'])):
        if v['run'] < 1000 * c and k != 'all':  # under 1 ns a call: nothing to say
            continue
        ticks = (v['ut'] + v['st']) * 1e6 / HZ / c
        print(f"| {k} | {ticks:.1f} ({v['ut'] * 1e6 / HZ / c:.1f}+{v['st'] * 1e6 / HZ / c:.1f}) "
              f"| {v['run'] / 1e3 / c:.1f} | {v['wait'] / 1e3 / c:.1f} | {v['slices'] / c:.2f} "
              f"| {v['vcs'] / c:.2f} | {v['nvcs'] / c:.2f} | {v['mig'] / c:.2f} | {v['run'] / 1e3 / max(v['slices'], 1):.1f} |")


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'snap':
        snap(sys.argv[2], [int(p) for p in sys.argv[3].split(',')])
    elif len(sys.argv) >= 5 and sys.argv[1] == 'diff':
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4] or 0))
    else:
        sys.exit(__doc__)
