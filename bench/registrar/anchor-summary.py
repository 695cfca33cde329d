#!/usr/bin/env python3
"""anchor-summary.py RESULTS_TXT: the tables of one anchor.sh window (medians of the runs per SUT and rate; ratios
trunkline/kamailio and trunkline-b/trunkline of the median CPU per registration)."""
import re, statistics, sys

rows, threads, other = [], {}, []
for line in open(sys.argv[1]):
    if line.startswith('RESULT '):
        rows.append(dict(p.split('=', 1) for p in line.split()[1:] if '=' in p))
    elif line.startswith('THREADS '):
        d = dict(p.split('=', 1) for p in line.split()[1:] if '=' in p)
        threads[d['label']] = d
    elif line.split(' ', 1)[0] in ('START', 'MEM', 'HEAP', 'IDLE', 'END', '#', 'THREADS'):
        other.append(line.rstrip())

def med(vals):
    v = [float(x) for x in vals if x not in (None, 'na', 'nan')]
    return round(statistics.median(v), 1) if v else None

print('\n'.join(l for l in other if not l.startswith('THREADS')))
groups = ['loops', 'writer', 'h2', 'gc', 'jit', 'other', 'total', 'jit_compiled']
print('\n| run | SUT | runs | clean | achieved/s | fail % | µs CPU/reg | p99 ms | ' + ' | '.join(groups) + ' |')
print('|---|---|---|---|---|---|---|---|' + '---|' * len(groups))
by = {}
for r in rows:
    m = re.match(r'(fill|r(\d+))-', r['label'])
    key = ('fill', 0) if m.group(1) == 'fill' else ('rate', int(m.group(2)))
    by.setdefault((key, r['sut']), []).append(r)
order = {'trunkline': 0, 'trunkline-b': 1, 'kamailio': 2}
cpu = {}
for (key, sut), rs in sorted(by.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
    c = med(r['sut_us_per_reg'] for r in rs); cpu[(key, sut)] = c
    ts = [threads[r['label']] for r in rs if r['label'] in threads]
    tg = ' | '.join(str(med(t.get(g) for t in ts)) if ts else '' for g in groups)
    name = 'fill' if key[0] == 'fill' else str(key[1])
    print(f"| {name} | {sut} | {len(rs)} | {sum(r['clean'] == 'yes' for r in rs)} | {med(r['achieved_rps'] for r in rs)} | "
          f"{med(r['fail_pct'] for r in rs)} | {c} | {med(r.get('rt_p99_ms') for r in rs)} | {tg} |")
print('\n| run | trunkline/kamailio | trunkline-b/kamailio | trunkline-b/trunkline |\n|---|---|---|---|')
for key in sorted({k for k, _ in cpu}):
    a, b, k = cpu.get((key, 'trunkline')), cpu.get((key, 'trunkline-b')), cpu.get((key, 'kamailio'))
    f = lambda x, y: f'{x / y:.2f}' if x and y else ''
    print(f"| {'fill' if key[0] == 'fill' else key[1]} | {f(a, k)} | {f(b, k)} | {f(b, a)} |")
