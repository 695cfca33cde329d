#!/usr/bin/env python3
"""alloc-per-thread.py REC.jfr N (JAVA names the JDK whose jfr reads it): bytes each thread allocated during the recording (jdk.ThreadAllocationStatistics,
last minus first, exact), and per registration (N) for the event loops and the registration writer."""
import json, os, subprocess, sys
j = json.loads(subprocess.run([os.path.join(os.path.dirname(os.environ.get('JAVA', '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java')), 'jfr'), 'print', '--json', '--events',
    'jdk.ThreadAllocationStatistics', sys.argv[1]], capture_output=True, text=True).stdout)
first, last = {}, {}
for e in j['recording']['events']:
    v = e['values']; t = v['thread']['javaName'] if v.get('thread') else '?'
    a = v['allocated']; ts = v['startTime']
    if t not in first or ts < first[t][0]: first[t] = (ts, a)
    if t not in last or ts > last[t][0]: last[t] = (ts, a)
n = int(sys.argv[2]); loops = 0; writer = 0
for t in sorted(last, key=lambda t: -(last[t][1] - first[t][1])):
    d = last[t][1] - first[t][1]
    if d > 1_000_000: print(f"{t}: {d:,} B = {d / n:,.0f} B/reg")
    if 'EventLoop' in t or 'epoll' in t.lower(): loops += d
    if t.startswith('registration-w'): writer += d
print(f"LOOPS {loops:,} B = {loops / n:,.0f} B/reg; WRITER {writer:,} B = {writer / n:,.0f} B/reg")
