#!/usr/bin/env python3
"""GC cycles that started inside a time window, from a log of -Xlog:gc:file=F:utctime,uptime (run.sh's gc-SUT.log).
gc-cycles.py LOG T0_MS T1_MS   -> 'gc_cycles=N gc_major=N gc_list=Ma(Proactive),Mi(Allocation_Rate),...'
gc-cycles.py LOG --warmups     -> how many ZGC 'Major Collection (Warmup)' cycles have ended (ZGC stops its
                                  warm-up rule after 3; until then each comes at 10 %, 20 %, 30 % of the heap)
T0/T1 in ms since the epoch (date +%s%3N). A missing log counts as no cycles."""
import re, sys
from datetime import datetime

LINE = re.compile(r"\[([^\]]+)\]\[[\d.]+s\](?:\[[^\]]*\])* GC\((\d+)\) (\S+) Collection \(([^)]*)\)(.*)")

def cycles(path):
    seen = {}
    try:
        lines = open(path)
    except OSError:
        return seen
    for line in lines:
        m = LINE.match(line)
        if m:
            t = datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp() * 1000
            c = seen.setdefault(m.group(2), {'t': t, 'kind': m.group(3), 'cause': m.group(4), 'ended': False})
            c['ended'] |= bool(m.group(5).strip())
    return seen

if sys.argv[2] == '--warmups':
    print(sum(1 for c in cycles(sys.argv[1]).values() if c['cause'] == 'Warmup' and c['ended']))
else:
    t0, t1 = float(sys.argv[2]), float(sys.argv[3])
    inside = [c for c in cycles(sys.argv[1]).values() if t0 <= c['t'] < t1]
    major = sum(1 for c in inside if c['kind'] in ('Major', 'Full'))
    names = ','.join(f"{c['kind'][:2]}({c['cause'].replace(' ', '_')})" for c in inside) or '-'
    print(f'gc_cycles={len(inside)} gc_major={major} gc_list={names}')
