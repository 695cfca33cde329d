#!/usr/bin/env python3
"""Medians per label of the RESULT lines of bench/stack/run.sh, and the ratios of the same run."""
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    if not line.startswith('RESULT '):
        continue
    kv = dict(p.split('=', 1) for p in line.split()[1:])
    runs[kv['label']].append(kv)


def med(label, key):
    vals = [float(r[key]) for r in runs.get(label, []) if key in r]
    return statistics.median(vals) if vals else float('nan')


print('| label | runs | median us/tx | all us/tx | answered/created | failed | median other_cpu_pct |')
print('|---|---|---|---|---|---|---|')
for label, rs in runs.items():
    other = 'other_cpu_pct' if 'other_cpu_pct' in rs[0] else 'other_cpu_pct_whole_run'
    print(f"| {label} | {len(rs)} | {med(label, 'us_per_tx'):.1f} | "
          f"{', '.join(r['us_per_tx'] for r in rs)} | "
          f"{', '.join(r.get('answered', '?') + '/' + r.get('created', '?') for r in rs)} | "
          f"{sum(int(r.get('failed', 0)) for r in rs)} | {med(label, other):.1f} |")
a_t, a_k = med('answer-trunkline', 'us_per_tx'), med('answer-kamailio', 'us_per_tx')
f_k, c_t = med('forward-kamailio', 'us_per_tx'), med('client-trunkline', 'us_per_tx')
s_t, s_k = med('storm-trunkline', 'us_per_tx'), med('storm-kamailio', 'us_per_tx')
print()
if 'answer-trunkline' in runs:
    print(f"- answered OPTIONS: Trunkline {a_t:.1f} us, Kamailio {a_k:.1f} us: ratio {a_t / a_k:.2f}")
if 'forward-kamailio' in runs and 'client-trunkline' in runs:
    print(f"- client transaction: Trunkline {c_t:.1f} us; Kamailio forward {f_k:.1f} - answer {a_k:.1f}"
          f" = {f_k - a_k:.1f} us: ratio {c_t / (f_k - a_k):.2f}")
if 'client-kamailio' in runs:
    c_k = med('client-kamailio', 'us_per_tx')
    line = f"- client transaction, Kamailio originating (uac_req_send): {c_k:.1f} us; Trunkline A {c_t:.1f} us ({c_t / c_k:.2f}x)"
    if 'client-trunkline-b' in runs:
        c_b = med('client-trunkline-b', 'us_per_tx')
        line += f", B {c_b:.1f} us ({c_b / c_k:.2f}x), B/A {c_b / c_t:.2f}"
    print(line)
    by = lambda label: {r['round']: float(r['us_per_tx']) for r in runs.get(label, [])}
    ka, kb, kk = by('client-trunkline'), by('client-trunkline-b'), by('client-kamailio')
    for rnd in sorted(kk, key=int):
        parts = [f"Kamailio {kk[rnd]:.1f}"]
        if rnd in ka:
            parts.append(f"A {ka[rnd]:.1f} ({ka[rnd] / kk[rnd]:.2f}x)")
        if rnd in kb:
            parts.append(f"B {kb[rnd]:.1f} ({kb[rnd] / kk[rnd]:.2f}x)")
        if rnd in ka and rnd in kb:
            parts.append(f"B/A {kb[rnd] / ka[rnd]:.2f}")
        print(f"  - round {rnd}: " + ", ".join(parts))
if 'storm-trunkline' in runs and 'answer-trunkline' in runs:
    print(f"- storm x7 vs x1, CPU per transaction: Trunkline {s_t / a_t:.2f}x, Kamailio {s_k / a_k:.2f}x;"
          f" sustainable rate on the same CPU (x1/x7): Trunkline {a_t / s_t:.2f}, Kamailio {a_k / s_k:.2f}")
if 'answer-trunkline-b' in runs:
    b_a, b_c, b_s = (med(f'{m}-trunkline-b', 'us_per_tx') for m in ('answer', 'client', 'storm'))
    storm = f" storm {b_s:.1f} vs {s_t:.1f} us (B/A {b_s / s_t:.2f})," if 'storm-trunkline' in runs else ''
    print(f"- build B beside build A (same rounds): answered {b_a:.1f} vs {a_t:.1f} us"
          f" (B/A {b_a / a_t:.2f}), client {b_c:.1f} vs {c_t:.1f} us (B/A {b_c / c_t:.2f}),"
          f"{storm}"
          f" B/Kamailio answered {b_a / a_k:.2f}, client {b_c / (f_k - a_k):.2f}")
