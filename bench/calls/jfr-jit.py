#!/usr/bin/env python3
"""jfr-jit.py REC.jfr [LABEL:START_MS:END_MS | RUN_DIR ...]: the JIT's work in a JFR recording, per window (default: the whole
recording). Per window: compilations and their wall time (jdk.Compilation durations: a compiler thread's time, close
to its CPU) by tier (C1 1-3, C2 4, OSR apart) and by package (top 12), the 8 costliest compilations, and the
deoptimizations (jdk.Deoptimization) by reason/action and by method (bci, bytecode; with the recording's stack traces,
jdk.Deoptimization#stackTrace=true, the callers and the first frame of Trunkline's code). Windows are epoch milliseconds, as run.sh's
ms() gives them (date +%s%3N); a RUN_DIR (run.sh's sweep/SUT/rR-i) gives its result.env's run_ms. Record with thresholds 0 so no compilation is left out, e.g.
  -XX:StartFlightRecording=filename=REC.jfr,jdk.Compilation#threshold=0ms,jdk.Deoptimization#enabled=true
Uses the JDK's `jfr` tool (JFR_BIN, default Temurin 25's)."""
import collections, datetime, json, os, re, subprocess, sys

JFR = os.environ.get('JFR_BIN', '/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr')


def events(rec, kinds):
    out = subprocess.run([JFR, 'print', '--json', '--events', ','.join(kinds), rec], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)['recording']['events']


def epoch_ms(t):
    # "2026-11-28T17:24:58.432679366Z": nanoseconds cut to microseconds for fromisoformat
    m = re.match(r'(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z', t)
    frac = (m.group(2) or '0')[:6].ljust(6, '0')
    d = datetime.datetime.fromisoformat(m.group(1) + '.' + frac + '+00:00')
    return d.timestamp() * 1000.0


def seconds(d):  # ISO-8601 duration "PT0.000140369S" (JFR's form; minutes appear past 60 s)
    m = re.match(r'PT(?:(\d+)M)?(?:([\d.]+)S)?', d)
    return int(m.group(1) or 0) * 60 + float(m.group(2) or 0)


def name(method):
    t = method['type']['name'].replace('/', '.')
    return t, t + '.' + method['name']


def package(cls):
    parts = cls.split('.')
    for prefix, depth in (('org.h2.', 3), ('com.zaxxer.', 2), ('io.netty.', 3), ('java.util.concurrent.', 3),
                          ('java.', 2), ('jdk.', 3), ('sun.', 3)):
        if cls.startswith(prefix):
            return '.'.join(parts[:depth])
    return '.'.join(parts[:min(len(parts) - 1, 3)]) or cls


def tier(e):
    v = e['values']
    lv = v['compileLevel']
    label = 'C2 tier 4' if lv == 4 else f'C1 tier {lv}'
    return label + (' OSR' if v['isOsr'] else '')


def report(label, comps, deopts):
    total = sum(seconds(e['values']['duration']) for e in comps)
    print(f'== {label}: {len(comps)} compilations, {total * 1000:.1f} ms of compiler threads; '
          f'{len(deopts)} deoptimizations')
    for title, key in (('by tier', tier), ('by package', lambda e: package(name(e['values']['method'])[0]))):
        agg = collections.defaultdict(lambda: [0, 0.0])
        for e in comps:
            a = agg[key(e)]
            a[0] += 1
            a[1] += seconds(e['values']['duration'])
        rows = sorted(agg.items(), key=lambda kv: -kv[1][1])[:12]
        print(f'  {title}: ' + '; '.join(f'{k} {n} / {s * 1000:.1f} ms' for k, (n, s) in rows))
    costly = sorted(comps, key=lambda e: -seconds(e['values']['duration']))[:8]
    for e in costly:
        v = e['values']
        print(f'    {seconds(v["duration"]) * 1000:8.1f} ms  {tier(e):13s} {v["codeSize"]:7d} B  '
              f'{name(v["method"])[1]}')
    by_reason = collections.Counter(f'{e["values"]["reason"]}/{e["values"]["action"]}' for e in deopts)
    if by_reason:
        print('  deopts by reason/action: ' + '; '.join(f'{k} {n}' for k, n in by_reason.most_common(10)))
        by_method = collections.Counter(
            f'{name(e["values"]["method"])[1]}:{e["values"]["lineNumber"]} bci {e["values"]["bci"]} '
            f'{e["values"]["reason"]} ({e["values"]["instruction"]})' + callers(e) for e in deopts)
        for k, n in by_method.most_common(12):
            print(f'    {n:4d}  {k}')


def callers(e):
    """The deoptimized frame's callers (when the recording has jdk.Deoptimization#stackTrace=true: the default jfc
    leaves it off) and the first frame of Trunkline's own code, if any, with its line."""
    frames = ((e['values'].get('stackTrace') or {}).get('frames') or [])
    if not frames:
        return ''
    short = [f'{name(f["method"])[0].rsplit(".", 1)[-1]}.{f["method"]["name"]}:{f.get("lineNumber")}' for f in frames]
    ours = next((s for f, s in zip(frames, short) if name(f['method'])[0].startswith('org.trunkline.')), '-')
    return f'\n          < {" < ".join(short[1:5])}\n          ours: {ours}'


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    evs = events(sys.argv[1], ['jdk.Compilation', 'jdk.Deoptimization'])
    comps = [e for e in evs if e['type'] == 'jdk.Compilation']
    deopts = [e for e in evs if e['type'] == 'jdk.Deoptimization']
    windows = []
    for w in sys.argv[2:]:
        if os.path.isdir(w):
            env = open(os.path.join(w, 'result.env')).read()
            a, b = re.search(r'^run_ms=(\d+)-(\d+)$', env, re.M).groups()
            windows.append((os.path.basename(w.rstrip('/')), a, b))
        else:
            windows.append(w.rsplit(':', 2))
    if not windows:
        report('whole recording', comps, deopts)
        return
    for lbl, a, b in windows:
        a, b = float(a), float(b)
        inside = lambda e: a <= epoch_ms(e['values']['startTime']) < b
        report(f'{lbl} [{a:.0f}, {b:.0f})', [e for e in comps if inside(e)], [e for e in deopts if inside(e)])


if __name__ == '__main__':
    main()
