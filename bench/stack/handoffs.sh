#!/usr/bin/env bash
# How often a UDP message still crosses event loops (issue 4): starts one Trunkline server with the
# admin API on, sends N OPTIONS with SIPp (one source), reads udp_handoffs / requests_in from
# /api/counters. With one source the kernel gives every datagram to one of the SO_REUSEPORT
# sockets, so about (loops-1)/loops of the Call-IDs belong to another loop; many sources spread.
#
#   bench/stack/handoffs.sh [N=20000] [RATE=2000] [SOURCES=1]      (from the repository root)
# Env: TRUNKLINE_JAR (default server/target/trunkline.jar), JAVA, BASE_PORT (15070; uses +5, +6, +13..)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-20000}"; RATE="${2:-2000}"; SOURCES="${3:-1}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
B="${BASE_PORT:-15070}"; P_SIP=$((B + 5)); P_API=$((B + 6))
RUN="$(mktemp -d /tmp/trunkline-handoffs.XXXXXX)"
cat >"$RUN/server.yaml" <<YAML
listen:
  - {transport: udp, address: 127.0.0.1, port: $P_SIP}
database:
  url: jdbc:h2:mem:handoffs
api: {address: 127.0.0.1, port: $P_API}
YAML
setsid timeout 600 "$JAVA" --enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m \
  -jar "${TRUNKLINE_JAR:-$ROOT/server/target/trunkline.jar}" run --config "$RUN/server.yaml" \
  </dev/null >"$RUN/server.log" 2>&1 & SRV=$!
trap 'kill -TERM $SRV 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q "trunkline ready" "$RUN/server.log" && break; sleep 0.1; done
PIDS=()
for s in $(seq "$SOURCES"); do
  sipp -sf "$HERE/options-uac.xml" -i 127.0.0.1 -p $((B + 12 + s)) -t u1 -r $((RATE / SOURCES)) \
    -m $((N / SOURCES)) -timeout 120s -nostdin "127.0.0.1:$P_SIP" </dev/null >"$RUN/sipp-$s.out" 2>&1 &
  PIDS+=($!)
done
for p in "${PIDS[@]}"; do wait "$p" || true; done
curl -s "http://127.0.0.1:$P_API/api/counters" | python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c["sip"]
n, h = c["requests_in"], c.get("udp_handoffs", -1)
print(f"RESULT requests_in={n} udp_handoffs={h} share={h / max(n, 1):.3f}")'
