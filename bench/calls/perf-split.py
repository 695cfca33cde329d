#!/usr/bin/env python3
"""Where a JVM's CPU goes, from `perf script -F comm,tid,ip,sym,dso` of a `perf record -g` (stop 20, branch loops13).
perf-split.py SCRIPT[.gz] CALLS [GROUP]
  per thread group (perf's comm, digits folded): samples, and the leaf frame's kind: Java (JIT code, named by the
  JVM's perf map), libjvm (the VM: GC barriers, runtime calls, interpreter), kernel, libc / Netty native / other;
  then for GROUP (default: the event loops, comm 'multiThreadIoEv'): the top leaf symbols, the top Java methods by
  inclusive samples (any frame of the stack), and the inclusive share of each layer (the first org.trunkline
  package on the stack from the leaf up); the kernel's samples by the system call they fall in (or page fault,
  interrupt). GROUP 'kamailio' for Kamailio's processes (its own code counts as libc+native).
  At 999 Hz one sample is ~1 ms of CPU: us/call = samples x 1001 / CALLS."""
import gzip, re, sys
from collections import Counter, defaultdict

path, calls = sys.argv[1], max(int(sys.argv[2] or 1), 1)
want = sys.argv[3] if len(sys.argv) > 3 else 'multiThreadIoEv'
opener = gzip.open if path.endswith('.gz') else open


def kind(sym, dso):
    if 'kernel' in dso or dso.startswith('[vdso'):
        return 'kernel' if 'kernel' in dso else 'libc+native'
    if 'libjvm' in dso:
        return 'libjvm'
    if 'perf-' in dso and dso.endswith('.map') or dso == '[unknown]' and sym != '[unknown]':
        return 'java'
    if dso == '[unknown]':
        return 'java'  # JIT code outside the map (stubs, code compiled after the map was written)
    return 'libc+native'


def samples(f):
    head, frames = None, []
    for line in f:
        line = line.rstrip('\n')
        if not line.strip():
            if head:
                yield head, frames
            head, frames = None, []
        elif not line[0].isspace():
            if head:
                yield head, frames
            head, frames = line, []
        else:
            m = re.match(r'\s*([0-9a-f]+)\s+(.*?)\s+\(([^)]*)\)\s*$', line)
            if m:
                frames.append((m.group(2), m.group(3)))
    if head:
        yield head, frames


LAYERS = [('org.trunkline.sip.', 'sip: parse/scan/serialize'), ('org.trunkline.stack.transaction', 'stack: transactions'),
          ('org.trunkline.stack.', 'stack: transport/decode/tap'), ('org.trunkline.core.call', 'core: B2BUA call'),
          ('org.trunkline.core.trace', 'core: trace'), ('org.trunkline.core.', 'core: other'),
          ('org.trunkline.media', 'media'), ('org.trunkline.server', 'server'), ('io.netty', 'netty (Java)')]


def layer(frames):
    for sym, dso in frames:
        for pre, name in LAYERS:
            if pre in sym:
                return name
    return 'none (kernel/VM only)'


groups = defaultdict(Counter)
leaf, incl, lay, lk, sysc = Counter(), Counter(), Counter(), defaultdict(Counter), Counter()
n = 0
with opener(path, 'rt', errors='replace') as f:
    for head, frames in samples(f):
        comm = re.sub(r'\d+', '#', head.split()[0]) if head.split() else '?'
        if not frames:
            continue
        k = kind(*frames[0])
        groups[comm][k] += 1
        if not comm.startswith(want):
            continue
        n += 1
        leaf[(k, frames[0][0])] += 1
        if k == 'kernel':
            where = 'kernel, other'
            for sym, dso in frames:
                m = re.match(r'__(?:x64|se)_sys_(\w+)', sym)
                if m:
                    where = 'syscall ' + m.group(1); break
                if sym in ('asm_exc_page_fault', 'exc_page_fault'):
                    where = 'page fault'; break
                if sym.startswith(('asm_sysvec', 'asm_common_interrupt')):
                    where = 'interrupt ' + sym; break
            sysc[where] += 1
        seen = set()
        for sym, dso in frames:
            if kind(sym, dso) == 'java' and sym not in seen:
                seen.add(sym); incl[sym] += 1
        L = layer(frames)
        lay[L] += 1; lk[L][k] += 1

us = 1e6 / 999 / calls
print(f'## samples per thread group ({calls} calls; us/call = samples x {us:.3f})')
print('| group | samples | us/call | java | libjvm | kernel | libc+native |')
print('|---|---|---|---|---|---|---|')
for g, c in sorted(groups.items(), key=lambda kv: -sum(kv[1].values()))[:12]:
    t = sum(c.values())
    print(f'| {g} | {t} | {t * us:.1f} | ' + ' | '.join(f"{c[k] * 100 / t:.1f} %" for k in ('java', 'libjvm', 'kernel', 'libc+native')) + ' |')
if not n:
    sys.exit(0)
print(f'\n## {want}: by layer (first org.trunkline/netty package from the leaf up), {n} samples')
print('| layer | % | us/call | java | libjvm | kernel | other |')
print('|---|---|---|---|---|---|---|')
for L, c in lay.most_common():
    print(f'| {L} | {c * 100 / n:.1f} | {c * us:.1f} | ' + ' | '.join(str(lk[L][k]) for k in ('java', 'libjvm', 'kernel', 'libc+native')) + ' |')
print(f'\n## {want}: kernel samples by where they fall')
for w, c in sysc.most_common(15):
    print(f'{c * 100 / n:5.1f} % {c * us:6.2f} us  {w}')
print(f'\n## {want}: top leaf symbols')
for (k, s), c in leaf.most_common(45):
    print(f'{c * 100 / n:5.1f} % {c * us:6.2f} us  {k:7} {s[:150]}')
print(f'\n## {want}: Java methods by inclusive samples')
for s, c in incl.most_common(70):
    print(f'{c * 100 / n:5.1f} % {c * us:6.2f} us  {s[:150]}')
