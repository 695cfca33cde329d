#!/usr/bin/env python3
# jfr-alloc.py ALLOC.txt [THREAD-SUBSTRING] [CALLS]: the sampled allocation (jdk.ObjectAllocationSample of
# `jfr print --stack-depth 30 --events jdk.ObjectAllocationSample`) by site, in KB per call: first org.trunkline
# frame, chains of org.trunkline frames (DEPTH, 4), leaf frame and class. A thread's first sample, which carries
# what it allocated before the recording started (> 50 MB), is left out.
import collections
import os
import re
import sys
txt = open(sys.argv[1]).read()
want = sys.argv[2] if len(sys.argv) > 2 else 'EventLoop'
site = collections.Counter(); leaf = collections.Counter(); cls = collections.Counter(); tot = 0
chain = collections.Counter()
U = {'bytes': 1, 'kB': 1024, 'MB': 1024**2, 'GB': 1024**3}
for e in txt.split('jdk.ObjectAllocationSample {')[1:]:
    th = re.search(r'eventThread = "([^"]*)"', e)
    if not th or want not in th.group(1): continue
    w = re.search(r'weight = ([\d.,]+) (bytes|kB|MB|GB)', e)
    wt = float(w.group(1).replace(',', '')) * U[w.group(2)]
    c = re.search(r'objectClass = (\S+)', e).group(1)
    frames = re.findall(r'^\s+([\w.$<>]+\([^)]*\))\s+line: (\d+)', e, re.M)
    if wt > 50e6: continue  # the first sample of a thread carries what it allocated before the recording
    tot += wt; cls[c] += wt
    if frames: leaf[frames[0][0] + ':' + frames[0][1] + ' ' + c] += wt
    ours = [f for f in frames if f[0].startswith('org.trunkline')]
    if ours:
        site[ours[0][0] + ':' + ours[0][1]] += wt
        chain[' < '.join(f[0].split('(')[0].split('.')[-2] + '.' + f[0].split('(')[0].split('.')[-1] + ':' + f[1] for f in ours[:int(os.environ.get("DEPTH","4"))])] += wt
    else:
        site['(no trunkline frame) ' + (frames[0][0] if frames else '?')] += wt
n = float(sys.argv[3]) if len(sys.argv) > 3 else 1
print(f"total sampled {tot/1024/n:.1f} KB/call")
for title, c, k in (('first org.trunkline frame', site, 25), ('chains', chain, 40), ('leaf + class', leaf, 25), ('class', cls, 15)):
    print('##', title)
    for s, v in c.most_common(k): print(f"{v/1024/n:8.2f} KB {100*v/tot:5.1f}%  {s}")
