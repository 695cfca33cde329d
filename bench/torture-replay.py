#!/usr/bin/env python3
"""Replay the RFC 4475 / RFC 5118 torture messages against a running SIP server (stdlib only).

Usage:
  torture-replay.py --udp HOST:PORT [--tcp HOST:PORT] --manifest PATH [--label NAME] [--json OUT]
  torture-replay.py --compare NAME=RESULT.json [NAME=RESULT.json ...]     (markdown side by side)

The acceptance rule, applied to every vector of the manifest (columns file, kind, transport, expect,
semantics; see sip/src/test/resources/torture/README.md):
  * valid request (expect accept or accept-or-reject:NNN): pass if answered, and no answer is a 400;
  * valid response (kind=response, expect accept): pass if the server is still alive (a response is
    never answered; "valid" means "does not crash it");
  * invalid request (expect reject:NNN): pass if the final answer is 400, NNN, or a second code the
    manifest names for that vector (novelsc 404), or if there is no answer at all (silent drop);
    a provisional-only answer (the request was taken as valid) fails;
  * invalid response (expect drop): pass if nothing comes back;
  * always: after the vector, an OPTIONS probe (well formed, fresh Call-ID) must get a final response
    within 2 s ("alive"). Any final status counts as alive; the status is recorded (a proxy that does not
    take OPTIONS itself answers e.g. 405).
For reject:NNN with NNN != 400 the table also says whether exactly NNN came back ("exact"), and a
second, literal verdict ("rfc") checks the answer against what the manifest says the RFC wants.

UDP: every vector is sent, byte for byte, from a fresh socket. Answers are collected on that socket and
also on 127.0.0.1:<port of the top Via, else 5060 (5061 for TLS)>, because RFC 3261 §18.2.2 sends a
UDP response without rport to the received address and the sent-by port (Kamailio does that; a server
that always answers the source port is seen on the fresh socket). Answers on the Via-port sockets are
attributed by Call-ID and CSeq number. The wait ends at the first final answer, else after --wait s.
TCP: a new connection per vector and per probe; the answer is read until the first final response,
the peer closing, or --wait s.

Bounds: only loopback targets; at most --max-vectors vectors; every wait has a deadline; the run
stops after 5 consecutive dead probes. Exit status 0 when the run completed (whatever the verdicts),
2 on bad arguments.
"""

import argparse
import ipaddress
import json
import os
import platform
import re
import select
import socket
import sys
import time
import uuid

# Second status codes the manifest README accepts besides NNN and 400 ("A few reject:NNN lines also
# accept a second status code"): mismatch02 501|400, sdp01 406|400, novelsc 416|404.
ALT_CODES = {"3.3.3-novelsc": {404}}
# Over TCP (the manifest is written for UDP) these outcomes are also what the RFCs allow; None = no
# answer. clerr/ncl/mcl01: RFC 4475 says a stream receiver can only wait for more data or close.
# baddn: the archived bytes never end the header section; 4.6: Content-Length exceeds the bytes sent;
# on a stream both are simply incomplete. inv2543: no Content-Length, which RFC 3261 §20.14 requires
# on a stream, so a 400 is a correct answer there.
TCP_RFC_EXTRA = {
    "3.1.2.2-clerr": {None},
    "3.1.2.3-ncl": {None},
    "3.3.9-mcl01": {None},
    "3.1.2.15-baddn": {None},
    "4.6-ipv6-in-sdp": {None},
    "3.4.1-inv2543": {400},
}
TCP_LINGER = 0.3  # s to keep reading after a final answer on TCP, to see whether the server closes
MAX_DEAD_PROBES = 5


# ---------------------------------------------------------------------------------------------------
# tiny SIP helpers


def unfold_headers(head):
    """bytes of a header section -> list of (lower-case name, value bytes); unfolds LWS lines."""
    lines = re.split(rb"\r?\n(?![ \t])", head)
    out = []
    for line in lines[1:]:
        if b":" not in line:
            continue
        name, value = line.split(b":", 1)
        out.append((name.strip().lower(), value))
    return lines[0] if lines else b"", out


def squash(v):
    return b"".join(v.split()) if v is not None else None


def keys_of(msg):
    """(Call-ID, CSeq number) of a message, whitespace removed; None where absent."""
    head = re.split(rb"\r?\n\r?\n", msg, maxsplit=1)[0]
    _, hdrs = unfold_headers(head)
    cid = cseq = None
    for n, v in hdrs:
        if n in (b"call-id", b"i") and cid is None:
            cid = squash(v)
        elif n == b"cseq" and cseq is None:
            m = re.match(rb"\s*(\d+)", v)
            cseq = m.group(1) if m else squash(v)
    return cid, cseq


def top_via_port(msg):
    """The port a §18.2.2 server answers a UDP request without rport to: top Via port or default."""
    head = re.split(rb"\r?\n\r?\n", msg, maxsplit=1)[0]
    _, hdrs = unfold_headers(head)
    for n, v in hdrs:
        if n in (b"via", b"v"):
            first = v.split(b",", 1)[0]
            m = re.match(rb"\s*SIP\s*/\s*[\d.]+\s*/\s*([A-Za-z]+)\s+(\[[^\]]*\]|[^\s;:]+)(?:\s*:\s*(\d+))?", first)
            if not m:
                return 5060
            if m.group(3):
                p = int(m.group(3))
                return p if 0 < p < 65536 else 5060
            return 5061 if m.group(1).upper() == b"TLS" else 5060
    return 5060


def parse_response(data):
    """-> (status or None, reason, call-id, cseq-number) for one received message."""
    head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    first, _ = unfold_headers(head)
    m = re.match(rb"SIP/2\.0 (\d{3})(?: (.*))?$", first.rstrip(b"\r"))
    cid, cseq = keys_of(data)
    if not m:
        return None, first[:40].decode("latin-1"), cid, cseq
    return int(m.group(1)), (m.group(2) or b"").decode("utf-8", "replace")[:60], cid, cseq


def split_stream(buf):
    """Frame complete messages out of a TCP buffer; -> (messages, rest)."""
    out = []
    while True:
        buf = buf.lstrip(b"\r\n")
        m = re.search(rb"\r?\n\r?\n", buf)
        if not m:
            return out, buf
        head = buf[: m.start()]
        _, hdrs = unfold_headers(head)
        length = 0
        for n, v in hdrs:
            if n in (b"content-length", b"l"):
                try:
                    length = int(v.strip())
                except ValueError:
                    length = 0
        end = m.end() + length
        if len(buf) < end:
            return out, buf
        out.append(buf[:end])
        buf = buf[end:]


def probe_bytes(transport, server, local_port):
    tag = uuid.uuid4().hex[:12]
    host, port = server
    return (
        f"OPTIONS sip:probe@{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/{transport} 127.0.0.1:{local_port};branch=z9hG4bK-probe-{tag};rport\r\n"
        f"Max-Forwards: 70\r\n"
        f"From: <sip:torture-probe@127.0.0.1>;tag={tag}\r\n"
        f"To: <sip:probe@{host}:{port}>\r\n"
        f"Call-ID: probe-{uuid.uuid4().hex}@127.0.0.1\r\n"
        f"CSeq: 1 OPTIONS\r\n"
        f"Contact: <sip:torture-probe@127.0.0.1:{local_port};transport={transport.lower()}>\r\n"
        f"Accept: application/sdp\r\n"
        f"Content-Length: 0\r\n\r\n"
    ).encode()


# ---------------------------------------------------------------------------------------------------
# verdicts


def code_of(expect):
    return int(expect.split(":", 1)[1]) if ":" in expect else None


def judge(rec):
    """Fills rule / exact / rfc in one result record."""
    kind, expect, name = rec["kind"], rec["expect"], rec["name"]
    codes = [a["status"] for a in rec["answers"] if a["status"] is not None]
    finals = [c for c in codes if c >= 200]
    final = finals[0] if finals else None
    answered = bool(rec["answers"])
    alive = rec["alive"]
    exact = None
    if kind == "response":
        ok = (not answered) if expect == "drop" else True
        rfc = ok
    elif expect == "accept" or expect.startswith("accept-or-reject"):
        ok = answered and 400 not in codes
        nnn = code_of(expect)
        if expect == "accept":
            rfc = answered and (final is None or final != 400)
        else:
            rfc = answered and (final is None or final != 400 or nnn == 400)
    else:  # reject:NNN
        nnn = code_of(expect)
        allowed = {400, nnn} | ALT_CODES.get(name, set())
        ok = (not answered) or (final in allowed)
        if nnn != 400:
            exact = final == nnn
        rfc = final in allowed
    if rec["transport"] == "tcp" and final in TCP_RFC_EXTRA.get(name, ()):
        rfc = True
    rec["rule"] = bool(ok and alive)
    rec["exact"] = exact
    rec["rfc"] = bool(rfc and alive)


# ---------------------------------------------------------------------------------------------------
# transports


class UdpReplayer:
    def __init__(self, server, wait, probe_wait, catch_ports):
        self.server = server
        self.wait = wait
        self.probe_wait = probe_wait
        self.catchers = {}
        self.unbound = []
        self.history = {}  # (cid, cseq) -> record of an earlier vector, for late answers
        for p in sorted(catch_ports):
            if p == server[1]:
                continue
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("127.0.0.1", p))
                s.setblocking(False)
                self.catchers[s] = p
            except OSError as e:
                s.close()
                self.unbound.append((p, str(e)))

    def close(self):
        for s in self.catchers:
            s.close()

    def _take(self, sock, rec, keys, where):
        try:
            data, src = sock.recvfrom(65535)
        except OSError:
            return None
        status, reason, cid, cseq = parse_response(data)
        ans = {"status": status, "reason": reason, "via": where, "t_ms": None}
        if where == "socket":
            return ans, cid, cseq
        # a Via-port catcher: attribute by Call-ID / CSeq
        if keys == (cid, cseq) or (keys[0] is None and cid is None):
            return ans, cid, cseq
        old = self.history.get((cid, cseq))
        if old is not None:
            old.setdefault("late", []).append(status)
        elif rec is not None:
            rec.setdefault("stray", []).append(status)
        return None

    def run_one(self, name, payload, rec):
        keys = keys_of(payload)
        # late answers to earlier vectors waiting on the Via-port sockets
        r, _, _ = select.select(list(self.catchers), [], [], 0)
        for s in r:
            self._take(s, None, (b"\0", b"\0"), "catcher")
        v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        v.bind(("127.0.0.1", 0))
        t0 = time.monotonic()
        v.sendto(payload, self.server)
        watched = [v] + list(self.catchers)
        got_final = False

        def collect(ready):
            nonlocal got_final
            for s in ready:
                if s is v or s in self.catchers:
                    got = self._take(s, rec, keys, "socket" if s is v else f"via-port {self.catchers[s]}")
                    if got:
                        ans = got[0]
                        ans["t_ms"] = round((time.monotonic() - t0) * 1000, 1)
                        rec["answers"].append(ans)
                        if ans["status"] is not None and ans["status"] >= 200:
                            got_final = True

        deadline = t0 + self.wait
        while not got_final:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select(watched, [], [], left)
            collect(r)
        # probe; keep collecting answers to the vector meanwhile
        p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        p.bind(("127.0.0.1", 0))
        probe = probe_bytes("UDP", self.server, p.getsockname()[1])
        pkeys = keys_of(probe)
        tp = time.monotonic()
        p.sendto(probe, self.server)
        pdeadline = tp + self.probe_wait
        probe_codes = []
        alive = False
        while not alive:
            left = pdeadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select(watched + [p], [], [], left)
            collect([s for s in r if s is not p])
            if p in r:
                try:
                    data, _ = p.recvfrom(65535)
                except OSError:
                    continue
                st, reason, cid, cseq = parse_response(data)
                if (cid, cseq) != pkeys:
                    continue
                probe_codes.append(st)
                if st is not None and st >= 200:
                    alive = True
                    rec["probe_reason"] = reason
        rec["probe"] = probe_codes
        rec["probe_ms"] = round((time.monotonic() - tp) * 1000, 1) if alive else None
        rec["alive"] = alive
        v.close()
        p.close()
        self.history[keys] = rec


def tcp_exchange(server, payload, wait, linger=True):
    """-> (answers, events) for one message on a fresh connection."""
    answers, events = [], []
    t0 = time.monotonic()
    try:
        s = socket.create_connection(server, timeout=min(wait, 2.0))
    except OSError as e:
        return answers, [f"connect failed: {e.strerror or e}"], None
    local_port = s.getsockname()[1]
    if callable(payload):
        payload = payload(local_port)
    try:
        s.sendall(payload)
    except OSError as e:
        events.append(f"send failed: {e.strerror or e}")
    s.setblocking(False)
    buf = b""
    deadline = t0 + wait
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([s], [], [], left)
            if not r:
                break
            try:
                chunk = s.recv(65535)
            except ConnectionResetError:
                events.append("reset")
                break
            except OSError as e:
                events.append(f"recv: {e.strerror or e}")
                break
            if not chunk:
                events.append("closed")
                break
            buf += chunk
            msgs, buf = split_stream(buf)
            final = False
            for m in msgs:
                st, reason, cid, cseq = parse_response(m)
                answers.append({"status": st, "reason": reason, "via": "conn",
                                "t_ms": round((time.monotonic() - t0) * 1000, 1)})
                final = final or (st is not None and st >= 200)
            if final and not linger:
                break
            if final:
                # read a little longer, only to see whether the server closes the connection
                deadline = min(deadline, time.monotonic() + TCP_LINGER)
    finally:
        s.close()
    if buf.strip():
        events.append(f"{len(buf)} unframed bytes")
    return answers, events, payload


class TcpReplayer:
    def __init__(self, server, wait, probe_wait):
        self.server = server
        self.wait = wait
        self.probe_wait = probe_wait

    def run_one(self, name, payload, rec):
        answers, events, _ = tcp_exchange(self.server, payload, self.wait)
        rec["answers"] = answers
        rec["events"] = events
        tp = time.monotonic()
        panswers, pevents, _ = tcp_exchange(
            self.server, lambda lp: probe_bytes("TCP", self.server, lp), self.probe_wait, linger=False)
        codes = [a["status"] for a in panswers]
        alive = any(c is not None and c >= 200 for c in codes)
        rec["probe"] = codes
        rec["probe_events"] = pevents
        rec["probe_ms"] = round((time.monotonic() - tp) * 1000, 1) if alive else None
        if alive:
            rec["probe_reason"] = next(a["reason"] for a in panswers if a["status"] and a["status"] >= 200)
        rec["alive"] = alive


# ---------------------------------------------------------------------------------------------------
# reporting


def answer_text(rec):
    if rec.get("skipped"):
        return "not run"
    parts = [str(a["status"]) if a["status"] is not None else "?" for a in rec["answers"]]
    t = ",".join(parts) if parts else "-"
    ev = [e for e in rec.get("events", []) if e in ("closed", "reset")]
    if ev:
        t += " " + "/".join(ev)
    return t


def mark(b):
    return "n/a" if b is None else ("pass" if b else "FAIL")


def rfc_of(name):
    return "RFC 4475" if name.startswith("rfc4475/") else "RFC 5118"


def totals(results):
    out = {}
    for r in results:
        key = (rfc_of(r["file"]), r["transport"])
        t = out.setdefault(key, {"n": 0, "rule": 0, "rfc": 0, "alive": 0, "exact": 0, "exact_n": 0})
        t["n"] += 1
        t["rule"] += bool(r.get("rule"))
        t["rfc"] += bool(r.get("rfc"))
        t["alive"] += bool(r.get("alive"))
        if r.get("exact") is not None:
            t["exact_n"] += 1
            t["exact"] += bool(r["exact"])
    return out


def print_table(results, label):
    print(f"\n== {label} ==")
    fmt = "{:<48} {:<4} {:<22} {:<16} {:<10} {:<5} {:<5} {:<4}"
    print(fmt.format("vector", "tr", "expect", "answer(s)", "probe", "rule", "exact", "rfc"))
    for r in results:
        probe = ",".join(str(c) for c in r.get("probe", [])) or ("-" if not r.get("skipped") else "")
        print(fmt.format(r["file"], r["transport"], r["expect"], answer_text(r)[:16], probe[:10],
                         mark(r.get("rule")) if not r.get("skipped") else "-",
                         {None: "", True: "yes", False: "no"}[r.get("exact")],
                         mark(r.get("rfc")) if not r.get("skipped") else "-"))
    print("\ntotals (rule = acceptance rule, rfc = literal manifest outcome, exact = NNN itself for reject:NNN != 400)")
    for (rfc, tr), t in sorted(totals(results).items()):
        print(f"  {rfc} {tr.upper():<3}: rule {t['rule']}/{t['n']}  rfc {t['rfc']}/{t['n']}  "
              f"alive {t['alive']}/{t['n']}  exact {t['exact']}/{t['exact_n']}")


def load_manifest(path, limit):
    base = os.path.dirname(os.path.abspath(path))
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        need = ["file", "kind", "transport", "expect", "semantics"]
        if header[: len(need)] != need:
            sys.exit(f"{path}: unexpected header {header}")
        for line in f:
            if not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            row = dict(zip(need, cols))
            fp = os.path.join(base, row["file"])
            if not os.path.abspath(fp).startswith(base + os.sep):
                sys.exit(f"{path}: file outside the manifest directory: {row['file']}")
            size = os.path.getsize(fp)
            if size > 65000:
                sys.exit(f"{fp}: {size} bytes, too large for one datagram")
            with open(fp, "rb") as vf:
                row["bytes"] = vf.read()
            row["name"] = os.path.basename(row["file"])[: -len(".sip")]
            rows.append(row)
            if len(rows) > limit:
                sys.exit(f"{path}: more than --max-vectors={limit} vectors")
    return rows


def loopback(hostport, what):
    host, _, port = hostport.rpartition(":")
    host = host.strip("[]")
    try:
        port = int(port)
        infos = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)
    except (ValueError, OSError) as e:
        sys.exit(f"--{what} {hostport}: {e}")
    ip = infos[0][4][0]
    if not ipaddress.ip_address(ip).is_loopback:
        sys.exit(f"--{what} {hostport}: {ip} is not a loopback address; this tool only talks to loopback")
    return ip, port


def run(args):
    vectors = load_manifest(args.manifest, args.max_vectors)
    results = []
    started = time.time()
    meta = {
        "label": args.label, "udp": args.udp, "tcp": args.tcp, "manifest": args.manifest,
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(started)),
        "host": platform.node(), "platform": platform.platform(), "python": platform.python_version(),
        "wait_s": args.wait, "probe_wait_s": args.probe_wait,
    }
    plans = []
    if args.udp:
        server = loopback(args.udp, "udp")
        ports = {top_via_port(v["bytes"]) for v in vectors} if not args.no_via_catch else set()
        plans.append(("udp", UdpReplayer(server, args.wait, args.probe_wait, ports)))
    if args.tcp:
        plans.append(("tcp", TcpReplayer(loopback(args.tcp, "tcp"), args.wait, args.probe_wait)))
    if not plans:
        sys.exit("give --udp and/or --tcp")
    for transport, rp in plans:
        if transport == "udp":
            meta["udp_via_ports"] = sorted(rp.catchers.values())
            meta["udp_via_ports_unbound"] = rp.unbound
            for p, err in rp.unbound:
                print(f"warning: cannot listen on 127.0.0.1:{p} for Via-port answers: {err}", file=sys.stderr)
        dead = 0
        for v in vectors:
            rec = {"file": v["file"], "name": v["name"], "kind": v["kind"], "expect": v["expect"],
                   "transport": transport, "answers": [], "alive": False}
            if dead >= MAX_DEAD_PROBES or time.time() - started > args.max_seconds:
                rec["skipped"] = True
                rec["rule"] = rec["rfc"] = False
                rec["exact"] = None
                results.append(rec)
                continue
            rp.run_one(v["name"], v["bytes"], rec)
            judge(rec)
            dead = 0 if rec["alive"] else dead + 1
            results.append(rec)
            if args.verbose:
                print(f"{transport} {v['file']}: {answer_text(rec)} probe={rec.get('probe')}", file=sys.stderr)
        if transport == "udp":
            # late answers still queued for earlier vectors
            end = time.monotonic() + 0.2
            while time.monotonic() < end:
                r, _, _ = select.select(list(rp.catchers), [], [], max(0, end - time.monotonic()))
                if not r:
                    break
                for s in r:
                    rp._take(s, None, (b"\0", b"\0"), "catcher")
            rp.close()
        meta[f"{transport}_probe_statuses"] = sorted(
            {str(c) for r in results if r["transport"] == transport for c in r.get("probe", [])})
    meta["seconds"] = round(time.time() - started, 1)
    for transport, _ in plans:
        print_table([r for r in results if r["transport"] == transport], f"{args.label} {transport.upper()}")
    print(f"\nprobe statuses: " + "; ".join(
        f"{t.upper()} {meta.get(t + '_probe_statuses')}" for t, _ in plans) + f"; run took {meta['seconds']} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    return 0


# ---------------------------------------------------------------------------------------------------
# --compare: markdown, one column per (label, transport)


def compare(pairs):
    runs = []
    for p in pairs:
        label, _, path = p.partition("=")
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for tr in ("udp", "tcp"):
            rs = {r["file"]: r for r in data["results"] if r["transport"] == tr}
            if rs:
                runs.append((f"{label} {tr.upper()}", rs))
    files, expects = [], {}
    for _, rs in runs:
        for f, r in rs.items():
            if f not in expects:
                files.append(f)
                expects[f] = r["expect"]

    def cell(r):
        if r is None:
            return ""
        if r.get("skipped"):
            return "not run"
        parts = [str(a["status"]) if a["status"] is not None else "?" for a in r["answers"]]
        t = ",".join(parts) if parts else "-"
        fin = [a for a in r["answers"] if a["status"] and a["status"] >= 200]
        if fin and fin[0]["status"] >= 300 and fin[0]["reason"]:
            t += ' "' + fin[0]["reason"][:30].replace("|", "/") + '"'
        ev = [e for e in r.get("events", []) if e in ("closed", "reset")]
        if ev:
            t += " +" + "/".join(ev)
        v = "✓" if r.get("rule") else "✗"
        extra = []
        if r.get("exact") is not None:
            extra.append("exact" if r["exact"] else "not exact")
        if not r.get("rfc"):
            extra.append("rfc✗")
        if not r.get("alive"):
            extra.append("DEAD")
        return f"{v} {t}" + (f" ({', '.join(extra)})" if extra else "")

    head = "| vector | expect | " + " | ".join(n for n, _ in runs) + " |"
    print(head)
    print("|" + "---|" * (2 + len(runs)))
    for f in files:
        print(f"| {f.split('/', 1)[1][:-4]} | {expects[f]} | " + " | ".join(cell(rs.get(f)) for _, rs in runs) + " |")
    print()
    print("| totals | " + " | ".join(n for n, _ in runs) + " |")
    print("|" + "---|" * (1 + len(runs)))
    for rfc in ("RFC 4475", "RFC 5118"):
        for what in ("rule", "rfc", "alive"):
            row = []
            for _, rs in runs:
                sel = [r for f, r in rs.items() if rfc_of(f) == rfc]
                row.append(f"{sum(bool(r.get(what)) for r in sel)}/{len(sel)}")
            print(f"| {rfc} {what} | " + " | ".join(row) + " |")
        row = []
        for _, rs in runs:
            sel = [r for f, r in rs.items() if rfc_of(f) == rfc and r.get("exact") is not None]
            row.append(f"{sum(bool(r['exact']) for r in sel)}/{len(sel)}")
        print(f"| {rfc} exact NNN | " + " | ".join(row) + " |")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--udp", metavar="HOST:PORT")
    ap.add_argument("--tcp", metavar="HOST:PORT")
    ap.add_argument("--manifest", metavar="PATH")
    ap.add_argument("--label", default="server")
    ap.add_argument("--json", metavar="OUT", help="write every result as JSON")
    ap.add_argument("--wait", type=float, default=1.0, help="s to wait for an answer to a vector (1.0)")
    ap.add_argument("--probe-wait", type=float, default=2.0, help="s to wait for the probe's answer (2.0)")
    ap.add_argument("--max-vectors", type=int, default=200)
    ap.add_argument("--max-seconds", type=float, default=900, help="stop replaying after this long")
    ap.add_argument("--no-via-catch", action="store_true",
                    help="UDP: listen only on the sending socket, not on 127.0.0.1:<Via port>")
    ap.add_argument("--compare", nargs="+", metavar="LABEL=JSON", help="print markdown tables and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.compare:
        return compare(args.compare)
    if not args.manifest:
        ap.error("--manifest is required")
    if not (0 < args.wait <= 10 and 0 < args.probe_wait <= 10):
        ap.error("--wait and --probe-wait must be in (0, 10]")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
