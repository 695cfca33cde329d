#!/usr/bin/env python3
"""Latency a server adds to INVITE->200, per call, from a loopback pcap of cps-run.sh PCAP=1.
pcap-added.py FILE.pcap SUT_PORT UAS_PORT [--loops N] [--dump FILE.csv]

added = (B INVITE out - A INVITE in) + (A 200 out - B 200 in), the two hops through the server.

Pairing the legs. A proxy keeps the Call-ID: the legs pair by it. A B2BUA changes it, but Trunkline
puts a call on the event loop its A-leg Call-ID hashes to (Java String.hashCode mod the loops,
--loops, default max(2, cpus) as the server) and picks a B-leg Call-ID that hashes to the same loop;
one loop handles its messages in order, so the n-th new INVITE of loop k in pairs with the n-th new
INVITE of loop k out (a B INVITE sent before the A INVITE is skipped: an earlier run's). The B-leg's 200 then pairs with the A-leg's 200 through that Call-ID map. So a
slow call cannot swap places with a neighbour of the other loop and lend it its delay (the pairing
by global arrival order did that). From branch hand on, a call lives on the loop that read its INVITE:
with one caller (SIPp) every call is on that one loop, so give --loops 1 (run.sh: PAIR_LOOPS_B=1).
Pairs whose hop is negative or over 100 ms are dropped (counted).

--dump writes one line per call: the A INVITE's time (s, epoch), both hops and the sum (us), the loop,
the two Call-IDs and the B 200's time, for joining with GC logs, JFR and perf sched."""
import os, re, struct, sys

args = sys.argv[1:]
loops = max(2, os.cpu_count() or 2)
dump = None
if '--loops' in args:
    i = args.index('--loops'); loops = int(args[i + 1]); del args[i:i + 2]
if '--dump' in args:
    i = args.index('--dump'); dump = args[i + 1]; del args[i:i + 2]
fn, sut, uas = args[0], int(args[1]), int(args[2])


def java_hash(b):
    h = 0
    for c in b.decode('latin-1'):
        h = (31 * h + ord(c)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def loop_of(cid):
    return java_hash(cid) % loops  # Python's % is floorMod for a positive divisor


data = open(fn, 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
div = 1e3 if magic == 0xa1b23c4d else 1.0
l2 = {1: 14, 113: 16, 276: 20, 0: 4}[struct.unpack('<I', data[20:24])[0]]
cid_re = re.compile(rb'^(?:Call-ID|i)\s*:\s*(\S+)', re.I | re.M)
cseq_re = re.compile(rb'^CSeq:\s*\d+\s+(\w+)', re.I | re.M)
a_in, b_out, b_ok, a_ok = {}, {}, {}, {}  # Call-ID -> first time seen
a_order, b_order = [], []
off = 24
while off + 16 <= len(data):
    s, us, incl, _ = struct.unpack('<IIII', data[off:off + 16]); off += 16
    p = data[off:off + incl]; off += incl
    ip = p[l2:]
    if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    sp, dp = struct.unpack('>HH', ip[ihl:ihl + 4]); pay = ip[ihl + 8:]
    t = s * 1e6 + us / div
    m, c = cid_re.search(pay), cseq_re.search(pay)
    if not m or not c or c.group(1) != b'INVITE':
        continue
    cid = m.group(1)
    if pay.startswith(b'INVITE'):
        if dp == sut and sp != uas and cid not in a_in:
            a_in[cid] = t; a_order.append(cid)
        elif sp == sut and dp == uas and cid not in b_out:
            b_out[cid] = t; b_order.append(cid)
    elif pay.startswith(b'SIP/2.0 200'):
        if sp == uas and dp == sut:
            b_ok.setdefault(cid, t)
        elif sp == sut and dp != uas:
            a_ok.setdefault(cid, t)

pairs = []  # (A Call-ID, B Call-ID)
if b_order and all(c in a_in for c in b_order[:50]):
    pairs = [(c, c) for c in a_order if c in b_out]  # a proxy: one Call-ID
    how = 'call-id'
else:
    queues = {}
    for c in b_order:
        queues.setdefault(loop_of(c), []).append(c)
    for c in a_order:
        q = queues.get(loop_of(c))
        while q and b_out[q[0]] < a_in[c]:
            q.pop(0)  # sent before this call came in: left over from an earlier run
        if q:
            pairs.append((c, q.pop(0)))
    how = f'loop-order/{loops}'

rows, dropped = [], 0
for a, b in pairs:
    if a not in a_ok or b not in b_ok:
        dropped += 1
        continue
    inv, ok = b_out[b] - a_in[a], a_ok[a] - b_ok[b]
    if 0 <= inv < 1e5 and 0 <= ok < 1e5:
        rows.append((a_in[a], inv, ok, inv + ok, loop_of(a), a, b, b_ok[b]))
    else:
        dropped += 1
if dump:
    with open(dump, 'w') as f:
        f.write('t_s,invite_us,ok_us,added_us,loop,a_call_id,b_call_id,t_ok_s\n')
        for t, inv, ok, x, lp, a, b, tok in rows:
            f.write(f'{t / 1e6:.6f},{inv:.1f},{ok:.1f},{x:.1f},{lp},{a.decode()},{b.decode()},{tok / 1e6:.6f}\n')


def q(v, f):
    return round(v[min(len(v) - 1, int(f * len(v)))], 1) if v else 'nan'


added = sorted(r[3] for r in rows)
inv = sorted(r[1] for r in rows)
ok = sorted(r[2] for r in rows)
print(f'lat_added_n={len(added)}'); print(f'lat_added_dropped={dropped}')
print(f'lat_added_pairing={how}')
print(f'lat_added_med_us={q(added, 0.5)}'); print(f'lat_added_p90_us={q(added, 0.9)}')
print(f'lat_added_p99_us={q(added, 0.99)}'); print(f'lat_added_max_us={q(added, 1.0)}')
print(f'lat_added_invite_p99_us={q(inv, 0.99)}'); print(f'lat_added_ok_p99_us={q(ok, 0.99)}')
