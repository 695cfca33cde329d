#!/usr/bin/env python3
"""Tables from the RESULT/HEAP/STORM lines of bench/registrar/run.sh: per rate, the medians over the rounds of
Trunkline and Kamailio side by side, and the ratio of the same rounds (Trunkline / Kamailio); beside them the medians
over a JVM's warm runs only (its JVM line: at most WARM_JIT, 50, methods compiled, and not the run H2's first chunk
rewrite fell in), and the warm-up runs (a fresh JVM's first minutes) with their JIT counts."""
import os
import re
import statistics
import sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))  # rate -> sut -> [kv]
other = []
jvm = []  # JVM lines: methods compiled and GC cycles begun in a Trunkline run
threads = []  # THREADS lines: a Trunkline JVM's us CPU per registration by thread group
for line in open(sys.argv[1]):
    kind, _, rest = line.strip().partition(' ')
    if kind == 'RESULT':
        kv = dict(p.split('=', 1) for p in rest.split())
        m = re.fullmatch(r'r\d+-(\d+)-(trunkline-b|trunkline|kamailio)', kv['label'])
        if m:
            runs[int(m.group(1))][m.group(2)].append(kv)
        else:
            other.append(kv)
    elif kind in ('HEAP', 'STORM', 'CHECK', 'START', 'WARM', 'SPAN'):
        print(f"- {line.strip()}")
    elif kind == 'THREADS':
        threads.append(dict(p.split('=', 1) for p in rest.split()))
    elif kind == 'JVM':
        jvm.append(dict(p.split('=', 1) for p in rest.split()))


WARM_JIT = int(os.environ.get('WARM_JIT', '50'))
jvm_of = {j['label']: j for j in jvm}


def warm(kv):
    j = jvm_of.get(kv['label'])
    return j is not None and int(j.get('jit_compiled', 10**9)) <= WARM_JIT and j.get('h2_rewrite') != 'first'


def med(rows, key):
    vals = [float(r[key]) for r in rows if r.get(key) not in (None, 'na', 'nan')]
    return statistics.median(vals) if vals else float('nan')


print('\n| reg/s | SUT | runs clean | achieved reg/s | us CPU/reg (runs) | median | CPU % of a core | fail % | retrans | RTD avg / p99 ms | other CPU % |')
print('|---|---|---|---|---|---|---|---|---|---|---|')
for rate in sorted(runs):
    for sut in ('trunkline', 'trunkline-b', 'kamailio'):
        rs = runs[rate][sut]
        if not rs:
            continue
        print(f"| {rate} | {sut} | {sum(r['clean'] == 'yes' for r in rs)}/{len(rs)} | {med(rs, 'achieved_rps'):.0f} | "
              f"{', '.join(r['sut_us_per_reg'] for r in rs)} | {med(rs, 'sut_us_per_reg'):.1f} | {med(rs, 'sut_cpu_pct'):.1f} | "
              f"{med(rs, 'fail_pct'):.2f} | {med(rs, 'retrans'):.0f} | {med(rs, 'rt_avg_ms'):.0f} / {med(rs, 'rt_p99_ms'):.0f} | "
              f"{med(rs, 'other_cpu_pct'):.1f} |")
print()
for rate in sorted(runs):
    t, k = med(runs[rate]['trunkline'], 'sut_us_per_reg'), med(runs[rate]['kamailio'], 'sut_us_per_reg')
    print(f"- {rate} reg/s: CPU per REGISTER Trunkline / Kamailio = {t:.1f} / {k:.1f} = {t / k:.2f}")
    if runs[rate]['trunkline-b']:
        b = med(runs[rate]['trunkline-b'], 'sut_us_per_reg')
        per = [float(x['sut_us_per_reg']) / float(y['sut_us_per_reg'])
               for x, y in zip(runs[rate]['trunkline-b'], runs[rate]['trunkline'])]
        print(f"- {rate} reg/s: B / Kamailio = {b:.1f} / {k:.1f} = {b / k:.2f}; B / A = {b / t:.2f} "
              f"(per round {', '.join(f'{x:.2f}' for x in per)})")
    for sut in ('trunkline', 'trunkline-b'):
        w = [r for r in runs[rate][sut] if warm(r)]
        if runs[rate][sut] and jvm_of:
            wm = med(w, 'sut_us_per_reg')
            print(f"- {rate} reg/s: {sut} warm runs only ({len(w)} of {len(runs[rate][sut])}): {wm:.1f} us/reg"
                  + (f", / Kamailio {wm / k:.2f}" if w else ''))
print('\n| run | SUT | planned | ok | failed | retrans | achieved reg/s | us CPU/reg | CPU % | RTD avg / p99 ms | clean |')
print('|---|---|---|---|---|---|---|---|---|---|---|')
for r in other:
    m = re.fullmatch(r'(.*)-(trunkline-b|trunkline|kamailio)', r['label'])
    name, sut = m.groups() if m else (r['label'], '-')
    print(f"| {name} | {sut} | {r['planned']} | {r['success']} | {r['failed']} | {r['retrans']} | {r['achieved_rps']} | "
          f"{r['sut_us_per_reg']} | {r['sut_cpu_pct']} | {r['rt_avg_ms']} / {r.get('rt_p99_ms', 'na')} | {r['clean']} |")

if threads:
    groups = [k for k in threads[0] if k != 'label']
    print('\n| run | ' + ' | '.join(groups) + ' |')
    print('|---|' + '---|' * len(groups))
    for t in threads:
        print(f"| {t['label']} | " + ' | '.join(t[g] for g in groups) + ' |')

if jvm:
    print('\n| run | JIT compiled in the run | H2 first chunk rewrite | GC cycles begun in the run (majors) |')
    print('|---|---|---|---|')
    for j in jvm:
        print(f"| {j['label']} | {j.get('jit_compiled', '-')} | {j.get('h2_rewrite', '-')} | "
              f"{j.get('gc_list', '-')} ({j.get('gc_major', '-')}) |")
