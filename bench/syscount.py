#!/usr/bin/env python3
"""System calls and context switches of running servers, per thread group, per call (issue 6).

syscount.py run OUT PID[,PID...] -- CMD...
    counts every thread of the PIDs and of their descendants (Kamailio's children) with
    `perf stat --per-thread` while CMD runs (e.g. one bench/../cps-run.sh), into OUT (perf's CSV)
syscount.py table OUT CALLS [--groups]
    system calls per call by name (the ones seen), context switches and all system calls;
    --groups: one column per thread group (thread names without their numbers: a JVM's event
    loops, ZGC's Z* threads, the JIT, ...)

Needs perf (root, or perf_event_paranoid <= 1). Counting tracepoints costs little, but it is not
free: take CPU figures from runs without it, and counts from runs with it.
"""
import os, re, signal, subprocess, sys
from collections import defaultdict

SYSCALLS = ("sendto sendmsg sendmmsg recvfrom recvmsg recvmmsg epoll_wait epoll_pwait epoll_pwait2 "
            "epoll_ctl write read writev futex timerfd_settime poll ppoll nanosleep clock_nanosleep "
            "sched_yield madvise mprotect pwrite64 pread64 fsync fdatasync lseek openat close ioctl "
            "getrusage mmap munmap").split()
EVENTS = [f"syscalls:sys_enter_{s}" for s in SYSCALLS] + ["raw_syscalls:sys_enter", "context-switches"]
# epoll_pwait2 calls that returned 0: the wait ran out (a Netty scheduled task due) rather than I/O or a task woke it
TIMEOUTS = ["-e", "syscalls:sys_exit_epoll_pwait2", "--filter", "ret == 0"]
TIMED_OUT = "epoll_pwait2 timed out"


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = open(f"/proc/{p}/task/{p}/children").read().split()
        except OSError:
            kids = []
        todo.extend(int(k) for k in kids)
    return out


def run(out, pids, cmd):
    all_pids = [q for p in pids for q in descendants(p)]
    perf = subprocess.Popen(
        ["perf", "stat", "--per-thread", "-x", ",", "-o", out, "-e", ",".join(EVENTS), *TIMEOUTS,
         "-p", ",".join(map(str, all_pids))], stderr=subprocess.DEVNULL)
    try:
        rc = subprocess.call(cmd)
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    return rc


def read(out):
    """{group: {event: count}}, groups by thread name without digits."""
    g = defaultdict(lambda: defaultdict(int))
    for line in open(out):
        f = line.rstrip("\n").split(",")
        if len(f) < 4 or line.startswith("#") or not f[1].strip().isdigit():
            continue
        name = f[0].rsplit("-", 1)[0]
        ev = TIMED_OUT if f[3] == "syscalls:sys_exit_epoll_pwait2" else f[3]
        ev = ev.replace("syscalls:sys_enter_", "").replace("raw_syscalls:sys_enter", "all syscalls")
        g[re.sub(r"\d+", "#", name)][ev] += int(f[1])
    return g


def table(out, calls, groups):
    g = read(out)
    tot = defaultdict(int)
    for d in g.values():
        for e, n in d.items():
            tot[e] += n
    names = [e for e in [s for s in SYSCALLS] + [TIMED_OUT, "all syscalls", "context-switches"] if tot[e]]
    cols = sorted(g, key=lambda k: -g[k]["all syscalls"]) if groups else []
    cols = [c for c in cols if g[c]["all syscalls"] or g[c]["context-switches"]]
    print(f"| per call ({calls} calls) | all |" + "".join(f" {c} |" for c in cols))
    print("|---|---|" + "---|" * len(cols))
    for e in sorted(names, key=lambda e: (e in ("all syscalls", "context-switches"), -tot[e])):
        if tot[e] * 100 < calls and e not in ("all syscalls", "context-switches"):
            continue  # under 0.01 per call
        print(f"| {e} | {tot[e] / calls:.2f} |" + "".join(f" {g[c][e] / calls:.2f} |" for c in cols))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "run" and "--" in a:
        i = a.index("--")
        sys.exit(run(a[1], [int(p) for p in a[2].split(",")], a[i + 1:]))
    elif a and a[0] == "table":
        table(a[1], max(int(a[2]), 1), "--groups" in a)
    else:
        print(__doc__)
        sys.exit(2)
