#!/usr/bin/env bash
# trace-index-heap.sh TRACES_DIR OUT T1 [T2 ...]: what the trace index holds on the heap at given times of a session,
# offline (no server, no load): for each time T (UTC, e.g. 2026-11-28T18:49:39.227), a copy of TRACES_DIR's segments cut
# at the first record at or after T goes to OUT/<n>, and TraceIndexHeap.java opens it as the server does at start and
# prints the heap the index took and its arrays. Stop 22 (branch hold16): a hold's "heap per active call" counts the
# trace index's growth during the ramp, ~24 B per message and ~60 B per Call-ID, plus a doubling of its per-message
# arrays when the ramp crosses 4096 x 2^k messages (1,048,576 -> 2,097,152: +24 MB, ~1.2 KB per held call of 20,000).
# Env: JAVA (Temurin 25), TRUNKLINE_JAR (server/target/trunkline.jar).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"; JAR="${TRUNKLINE_JAR:-$ROOT/server/target/trunkline.jar}"
[[ $# -ge 3 ]] || { sed -n '2,8p' "$0" >&2; exit 2; }
src=$1 out=$2; shift 2; n=0
for t in "$@"; do
  n=$((n + 1)); d="$out/$n"; mkdir -p "$d"
  python3 - "$src" "$d" "$t" <<'PY'
import datetime, glob, os, struct, sys
src, d, t = sys.argv[1:]
cut = datetime.datetime.fromisoformat(t).replace(tzinfo=datetime.timezone.utc).timestamp() * 1e6
kept = 0
for f in sorted(glob.glob(src + '/*.seg')):   # records: 4-byte length, a kind byte, 8-byte epoch micros, ...
    b = open(f, 'rb').read(); i = 0
    while i + 13 <= len(b):
        n = struct.unpack_from('>I', b, i)[0]
        if n <= 9 or i + 4 + n > len(b) or struct.unpack_from('>Q', b, i + 5)[0] >= cut:
            break
        i += 4 + n; kept += 1
    if i:
        open(os.path.join(d, os.path.basename(f)), 'wb').write(b[:i])
    if i < len(b):
        break
print(f'{t}: {kept} records before it')
PY
  "$JAVA" -Xms2g -Xmx2g -XX:+UseG1GC -cp "$JAR" "$HERE/TraceIndexHeap.java" "$d" 2>&1 | grep -v 'WARN'
done
