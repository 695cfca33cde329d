#!/usr/bin/env python3
"""Latency a B2BUA adds to INVITE->200, per call, from a loopback pcap of cps-run.sh PCAP=1.
pcap-added.py FILE.pcap SUT_PORT UAS_PORT
A B2BUA changes the Call-ID, so the legs are paired by order: the n-th new INVITE into SUT_PORT
with the n-th new INVITE out of it to UAS_PORT, and the 200 (INVITE) of a B-leg with the next 200
(INVITE) out of SUT_PORT to the caller in arrival order. added = (B INVITE out - A INVITE in) +
(A 200 out - B 200 in). Pairs farther apart than 100 ms are dropped (counted). With two event
loops two calls can swap places; at 500 cps that mixes the figures of neighbours (2 ms apart), it
does not make a pause disappear."""
import re, statistics, struct, sys

fn, sut, uas = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(fn, 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
div = 1e3 if magic == 0xa1b23c4d else 1.0
l2 = {1: 14, 113: 16, 276: 20, 0: 4}[struct.unpack('<I', data[20:24])[0]]
cid = re.compile(rb'^Call-ID:\s*(\S+)', re.I | re.M)
cseq = re.compile(rb'^CSeq:\s*\d+\s+(\w+)', re.I | re.M)
a_in, b_out, b_ok, a_ok = [], [], [], []
seen = set()
off = 24
while off + 16 <= len(data):
    s, us, incl, _ = struct.unpack('<IIII', data[off:off + 16]); off += 16
    p = data[off:off + incl]; off += incl
    ip = p[l2:]; ihl = (ip[0] & 15) * 4
    sp, dp = struct.unpack('>HH', ip[ihl:ihl + 4]); pay = ip[ihl + 8:]
    t = s * 1e6 + us / div
    m, c = cid.search(pay), cseq.search(pay)
    if not m or not c or c.group(1) != b'INVITE':
        continue
    if pay.startswith(b'INVITE'):
        key = (b'I', sp, dp, m.group(1))
        if key in seen: continue           # retransmission
        seen.add(key)
        if dp == sut and sp != uas: a_in.append(t)
        elif sp == sut and dp == uas: b_out.append(t)
    elif pay.startswith(b'SIP/2.0 200'):
        key = (b'O', sp, dp, m.group(1))
        if key in seen: continue
        seen.add(key)
        if sp == uas and dp == sut: b_ok.append(t)
        elif sp == sut and dp != uas: a_ok.append(t)
n = min(len(a_in), len(b_out), len(b_ok), len(a_ok))
added, dropped = [], 0
for i in range(n):
    x = (b_out[i] - a_in[i]) + (a_ok[i] - b_ok[i])
    if 0 <= b_out[i] - a_in[i] < 1e5 and 0 <= a_ok[i] - b_ok[i] < 1e5:
        added.append(x)
    else:
        dropped += 1
added.sort()
q = lambda f: round(added[min(len(added) - 1, int(f * len(added)))], 1) if added else 'nan'
print(f'lat_added_n={len(added)}'); print(f'lat_added_dropped={dropped}')
print(f'lat_added_med_us={q(0.5)}'); print(f'lat_added_p90_us={q(0.9)}')
print(f'lat_added_p99_us={q(0.99)}'); print(f'lat_added_max_us={q(1.0)}')
