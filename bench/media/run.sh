#!/usr/bin/env bash
# The media benchmark of issue 8: Trunkline's RTP relay (the media module behind a minimal rtpengine
# "ng" control server, org.trunkline.bench.NgRelayServer) beside rtpengine (Debian rtpengine-daemon,
# userspace forwarding: --table=-1) in the same window, both driven by one load generator
# (org.trunkline.bench.RtpLoad): N G.711 calls offered and answered through ng, then both sides send a
# 172-byte RTP packet every 20 ms (100 packets/s per call) for SECS seconds over 127.0.0.1.
#
#   bench/media/run.sh start             # both relays, idle, each with THREADS worker threads
#   bench/media/run.sh warmup            # JIT: Trunkline and rtpengine at 500 calls x 20 s (discarded)
#   bench/media/run.sh sweep "100 500 1000"   # per count: direct floor, then the SUTs interleaved, REPEAT times
#   bench/media/run.sh summary [FROM_LINE]   # medians per SUT and call count (Markdown)
#   bench/media/run.sh stop
#
# `warmup` runs and the whole `sweep` are each wrapped in `flock /tmp/trunkline-bench.lock` here (a
# sweep of 3 counts at SECS=10 holds it about 6 minutes), so do not call run.sh under flock yourself. Output: RESULT lines (label, calls, sent, received, loss, latency p50/p90/p99/max
# in µs, the relay's CPU % from /proc and packets relayed per CPU-second, load average) appended to
# $BENCH_RUN/results.txt. Needs rtpengine (apt-get install -y rtpengine-daemon; its service is not
# used), a JDK >= 21 (JAVA) and bench/target/benchmarks.jar (./build -q -o -B package -pl sip,stack,media,bench -DskipTests).
# Env: BENCH_RUN (/tmp/trunkline-media-bench), NG_TL (22240), NG_RTPE (22230), THREADS (1), REPEAT (3),
#      SECS (20), LIFE (3600 s: the relays end by themselves), SOCKETS (2: generator sockets per side).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
BASE="${BENCH_RUN:-/tmp/trunkline-media-bench}"; mkdir -p "$BASE"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="${BENCH_JAR:-$ROOT/bench/target/benchmarks.jar}"
NG_TL="${NG_TL:-22240}"; NG_RTPE="${NG_RTPE:-22230}"; THREADS="${THREADS:-1}"
REPEAT="${REPEAT:-3}"; SECS="${SECS:-20}"; LIFE="${LIFE:-3600}"; SOCKETS="${SOCKETS:-2}"
LOCK=/tmp/trunkline-bench.lock
die() { echo "$*" >&2; exit 1; }
state() { [[ -f "$BASE/state.env" ]] || die "not started: bench/media/run.sh start"; source "$BASE/state.env"; }

cmd_start() {
  [[ -f "$JAR" ]] || die "no $JAR"
  command -v rtpengine >/dev/null || die "no rtpengine: apt-get install -y rtpengine-daemon"
  timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m -cp "$JAR" \
    org.trunkline.bench.NgRelayServer "$NG_TL" 30000 39999 "$THREADS" >"$BASE/trunkline.log" 2>&1 &
  local tl_wrap=$!
  timeout "$LIFE" rtpengine --config-file=none --foreground --log-stderr --table=-1 \
    --interface=127.0.0.1 --listen-ng="127.0.0.1:$NG_RTPE" --port-min=40000 --port-max=49999 \
    --num-threads="$THREADS" --log-level=4 >"$BASE/rtpengine.log" 2>&1 &
  local rtpe_wrap=$!
  for _ in $(seq 100); do
    TL=$(pgrep -P "$tl_wrap" java || true); RTPE=$(pgrep -P "$rtpe_wrap" rtpengine || true)
    [[ -n "$TL" && -n "$RTPE" ]] && grep -q "ng relay on" "$BASE/trunkline.log" && break; sleep 0.1
  done
  [[ -n "$TL" && -n "$RTPE" ]] || die "relays did not start: see $BASE/*.log"
  printf 'TL=%s\nRTPE=%s\nTL_WRAP=%s\nRTPE_WRAP=%s\n' "$TL" "$RTPE" "$tl_wrap" "$rtpe_wrap" >"$BASE/state.env"
  echo "trunkline pid $TL (ng $NG_TL), rtpengine pid $RTPE (ng $NG_RTPE), threads $THREADS; $(rtpengine --version 2>&1 | head -1)"
}

load() { # load SUT CALLS SECS LABEL
  local sut=$1 calls=$2 secs=$3 label=$4 ng pid
  case $sut in
    trunkline) ng="127.0.0.1:$NG_TL"; pid=$TL;;
    rtpengine) ng="127.0.0.1:$NG_RTPE"; pid=$RTPE;;
    direct) ng=direct; pid=0;;
  esac
  local lock=(flock "$LOCK"); [[ -z "${LOCKED:-}" ]] || lock=()
  "${lock[@]}" timeout $((secs + 120)) "$JAVA" -Xms256m -Xmx256m -cp "$JAR" org.trunkline.bench.RtpLoad \
    "$ng" "$calls" "$secs" "$pid" "$label" "$SOCKETS" | grep '^RESULT' | tee -a "$BASE/results.txt"
}

cmd_warmup() { state; load trunkline 500 20 warmup-trunkline >/dev/null; load rtpengine 500 20 warmup-rtpengine >/dev/null; echo warm; }

cmd_sweep() { # the whole sweep holds the lock once (each wait for it may take minutes)
  [[ -n "${LOCKED:-}" ]] || exec flock "$LOCK" env LOCKED=1 "$0" sweep "$1"
  state; echo "# $(date -u +%FT%TZ) sweep '$1' threads=$THREADS secs=$SECS load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$BASE/results.txt"
  for n in $1; do
    load direct "$n" "$SECS" "direct"
    for r in $(seq "$REPEAT"); do
      load trunkline "$n" "$SECS" "trunkline-r$r"
      load rtpengine "$n" "$SECS" "rtpengine-r$r"
    done
  done
}

cmd_summary() { python3 "$HERE/summary.py" "$BASE/results.txt" "${1:-0}"; }

cmd_stop() { state; kill "$TL" "$RTPE" 2>/dev/null || true; rm -f "$BASE/state.env"; echo stopped; }

case "${1:-}" in
  start) cmd_start;; warmup) cmd_warmup;; sweep) cmd_sweep "${2:-100 500 1000}";; summary) cmd_summary "${2:-0}";; stop) cmd_stop;;
  *) sed -n '2,20p' "$0"; exit 2;;
esac
