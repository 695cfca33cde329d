#!/usr/bin/env python3
"""Hottest methods in `jfr print --events jdk.ExecutionSample` output.
jfr-top.py SAMPLES.txt [N=25] -> self (top frame) and total (anywhere in the stack) shares, by
method and by thread, as Markdown tables."""
import re, sys
from collections import Counter

text = open(sys.argv[1]).read(); n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
events = text.split('jdk.ExecutionSample')[1:]
frame = re.compile(r'^\s+([\w$.<>/]+)\((?:[^)]*)\)', re.M)
thread = re.compile(r'sampledThread = "([^"]*)"')
self_c, total_c, threads = Counter(), Counter(), Counter()
for e in events:
    fs = frame.findall(e)
    if not fs:
        continue
    self_c[fs[0]] += 1
    for f in set(fs):
        total_c[f] += 1
    m = thread.search(e)
    threads[re.sub(r'\d+', '#', m.group(1)) if m else '?'] += 1
N = sum(self_c.values()) or 1
print(f'{N} samples')
for title, c in (('self', self_c), ('total', total_c)):
    print(f'\n| {title} % | samples | method |\n|---|---|---|')
    for k, v in c.most_common(n):
        print(f'| {100 * v / N:.1f} | {v} | `{k}` |')
print('\n| thread | samples |\n|---|---|')
for k, v in threads.most_common(8):
    print(f'| {k} | {v} |')
