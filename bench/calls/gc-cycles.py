#!/usr/bin/env python3
"""GC cycles that started inside a time window, from a log of -Xlog:gc:file=F:utctime,uptime (run.sh's gc-SUT.log).
gc-cycles.py LOG T0_MS T1_MS   -> 'gc_cycles=N gc_major=N gc_list=Ma(Proactive),Mi(Allocation_Rate),...'
gc-cycles.py LOG --warmups     -> how many ZGC 'Major Collection (Warmup)' cycles have ended (ZGC stops its
                                  warm-up rule after 3; until then each comes at 10 %, 20 %, 30 % of the heap)
T0/T1 in ms since the epoch (date +%s%3N). A missing log counts as no cycles.
G1 logs too: each pause is a cycle, 'Yo(G1_Evacuation_Pause_39.6ms)', 'Mi(...)' for a mixed one, 'Fu(...)' for a full
one (counted as major, as is a concurrent mark, 'Ma(Concurrent_Mark)'); gc_pause_ms= sums the pauses in the window."""
import re, sys
from datetime import datetime

LINE = re.compile(r"\[([^\]]+)\]\[[\d.]+s\](?:\[[^\]]*\])* GC\((\d+)\) (\S+) Collection \(([^)]*)\)(.*)")
# G1: "GC(11) Pause Young (Normal) (G1 Evacuation Pause) 1058M->343M(4096M) 124.575ms", "GC(3) Pause Young (Mixed) ...",
# "GC(7) Pause Full (G1 Compaction Pause) ...", "GC(1) Concurrent Mark Cycle" (its end line carries a duration)
G1 = re.compile(r"\[([^\]]+)\]\[[\d.]+s\](?:\[[^\]]*\])* GC\((\d+)\) (Pause Young \(([^)]*)\)|Pause Full|Concurrent Mark Cycle)"
                r"(?: \(([^)]*)\))?.*?(?: ([\d.]+)ms)?$")

def cycles(path):
    seen = {}
    try:
        lines = open(path)
    except OSError:
        return seen
    for line in lines:
        g = G1.match(line.rstrip())
        if g:
            t = datetime.strptime(g.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp() * 1000
            what, sub, cause, ms = g.group(3), g.group(4), g.group(5) or '', g.group(6)
            if what.startswith('Concurrent'):
                seen.setdefault(g.group(2) + 'c', {'t': t, 'kind': 'Major', 'cause': 'Concurrent Mark', 'ended': True, 'ms': 0.0})
            else:
                kind = 'Full' if what == 'Pause Full' else ('Mixed' if sub == 'Mixed' else 'Young')
                seen[g.group(2)] = {'t': t, 'kind': kind, 'cause': f"{cause} {float(ms or 0):.1f}ms", 'ended': True,
                                    'ms': float(ms or 0)}
            continue
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
    pause = sum(c.get('ms', 0.0) for c in inside)
    print(f'gc_cycles={len(inside)} gc_major={major} gc_list={names}' + (f' gc_pause_ms={pause:.1f}' if pause else ''))
