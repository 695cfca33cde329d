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
#   bench/media/run.sh one SUT CALLS [LABEL]   # one load run (PERF_OUT=file: perf record -g the relay)
#   bench/media/run.sh summary [FROM_LINE]   # medians per SUT and call count (Markdown)
#   bench/media/run.sh stop
#
# `warmup` runs and the whole `sweep` are each wrapped in `flock /tmp/trunkline-bench.lock` here (a
# sweep of 3 counts at SECS=10 holds it about 6 minutes), so do not call run.sh under flock yourself. Output: RESULT lines (label, calls, sent, received, loss, latency p50/p90/p99/max
# in µs, the relay's CPU % from /proc and packets relayed per CPU-second, load average) appended to
# $BENCH_RUN/results.txt. Needs rtpengine (apt-get install -y rtpengine-daemon; its service is not
# used), a JDK >= 21 (JAVA) and bench/target/benchmarks.jar (./build -q -o -B package -pl sip,stack,media,bench -DskipTests).
# Env: BENCH_RUN (/tmp/trunkline-media-bench), NG_TL (22240), NG_RTPE (22230), THREADS (1), REPEAT (3),
#      SECS (20), LIFE (3600 s: the relays end by themselves), SOCKETS (2: generator sockets per side),
#      GEN (nio: a thread per socket and one syscall per packet; epoll: one loop per side, sendmmsg/recvmmsg;
#      c: the C program rtpgen.c, built here with cc -O2 into $BENCH_RUN/rtpgen when missing or older than
#      its source, RTPGEN_ARGS "GRAN_US CHUNK" (default "1000 16")),
#      BENCH_JAR (bench/target/benchmarks.jar: the relay and the generator), GEN_JAR (BENCH_JAR: the
#      generator alone, e.g. this tree's RtpLoad against main's relay), TL_PORTS ("30000 39999"),
#      RTPE_PORTS ("40000 49999"), NICE (0; e.g. -20: the relays and the generator each run in a session of
#      their own (setsid) whose autogroup gets this nice level, and at this nice level inside it. With
#      kernel.sched_autogroup_enabled=1 the scheduler shares the CPU between sessions first, so a plain
#      nice does nothing against other sessions' builds; only for runs under the lock).
# A/B: with BENCH_JAR_A set (e.g. main's benchmarks.jar), `start` also runs that jar's relay (NG_TL_A,
# 22250; TL_A_PORTS, "50000 59999"), labelled trunkline-A, and every sweep round runs A, then this
# tree's relay (labelled trunkline-B), then rtpengine, so the three share each round's load.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
BASE="${BENCH_RUN:-/tmp/trunkline-media-bench}"; mkdir -p "$BASE"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="${BENCH_JAR:-$ROOT/bench/target/benchmarks.jar}"; GEN_JAR="${GEN_JAR:-$JAR}"
NG_TL="${NG_TL:-22240}"; NG_RTPE="${NG_RTPE:-22230}"; THREADS="${THREADS:-1}"
REPEAT="${REPEAT:-3}"; SECS="${SECS:-20}"; LIFE="${LIFE:-3600}"; SOCKETS="${SOCKETS:-2}"; GEN="${GEN:-nio}"
NICE="${NICE:-0}"; PRIO=()
[[ "$NICE" == 0 ]] || PRIO=(setsid bash -c 'echo "$0" 2>/dev/null >/proc/self/autogroup; exec nice -n "$0" "$@"' "$NICE")
JAR_A="${BENCH_JAR_A:-}"; NG_TL_A="${NG_TL_A:-22250}"
read -r TL_MIN TL_MAX <<<"${TL_PORTS:-30000 39999}"; read -r TLA_MIN TLA_MAX <<<"${TL_A_PORTS:-50000 59999}"
read -r RTPE_MIN RTPE_MAX <<<"${RTPE_PORTS:-40000 49999}"
LOCK=/tmp/trunkline-bench.lock
die() { echo "$*" >&2; exit 1; }
state() { [[ -f "$BASE/state.env" ]] || die "not started: bench/media/run.sh start"; source "$BASE/state.env"; }

rtpgen() { # GEN=c: the C generator, (re)built when missing or older than its source
  [[ "$GEN" == c ]] || return 0
  if [[ ! -x "$BASE/rtpgen" || "$HERE/rtpgen.c" -nt "$BASE/rtpgen" ]]; then
    command -v cc >/dev/null || die "GEN=c needs a C compiler: apt-get install -y gcc"
    cc -O2 -Wall -o "$BASE/rtpgen" "$HERE/rtpgen.c" || die "rtpgen.c did not compile"
  fi
  export RTPGEN="$BASE/rtpgen"
}

cmd_start() {
  [[ -f "$JAR" ]] || die "no $JAR"; rtpgen
  command -v rtpengine >/dev/null || die "no rtpengine: apt-get install -y rtpengine-daemon"
  # Netty's leak detection off, as the launcher (./trunkline) runs the server
  local jvm=(--enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m -Dio.netty.leakDetection.level=disabled)
  timeout "$LIFE" "${PRIO[@]}" "$JAVA" "${jvm[@]}" -cp "$JAR" \
    org.trunkline.bench.NgRelayServer "$NG_TL" "$TL_MIN" "$TL_MAX" "$THREADS" >"$BASE/trunkline.log" 2>&1 &
  local tl_wrap=$! tla_wrap="" TLA=""
  if [[ -n "$JAR_A" ]]; then
    [[ -f "$JAR_A" ]] || die "no $JAR_A"
    timeout "$LIFE" "${PRIO[@]}" "$JAVA" "${jvm[@]}" -cp "$JAR_A" \
      org.trunkline.bench.NgRelayServer "$NG_TL_A" "$TLA_MIN" "$TLA_MAX" "$THREADS" >"$BASE/trunkline-a.log" 2>&1 &
    tla_wrap=$!
  fi
  timeout "$LIFE" "${PRIO[@]}" rtpengine --config-file=none --foreground --log-stderr --table=-1 \
    --interface=127.0.0.1 --listen-ng="127.0.0.1:$NG_RTPE" --port-min="$RTPE_MIN" --port-max="$RTPE_MAX" \
    --num-threads="$THREADS" --log-level=4 >"$BASE/rtpengine.log" 2>&1 &
  local rtpe_wrap=$!
  for _ in $(seq 100); do
    TL=$(pgrep -P "$tl_wrap" java || true); RTPE=$(pgrep -P "$rtpe_wrap" rtpengine || true)
    [[ -z "$tla_wrap" ]] || TLA=$(pgrep -P "$tla_wrap" java || true)
    [[ -n "$TL" && -n "$RTPE" ]] && grep -q "ng relay on" "$BASE/trunkline.log" \
      && { [[ -z "$tla_wrap" ]] || { [[ -n "$TLA" ]] && grep -q "ng relay on" "$BASE/trunkline-a.log"; }; } && break
    sleep 0.1
  done
  [[ -n "$TL" && -n "$RTPE" && ( -z "$tla_wrap" || -n "$TLA" ) ]] || die "relays did not start: see $BASE/*.log"
  printf 'TL=%s\nRTPE=%s\nTLA=%s\nTL_WRAP=%s\nRTPE_WRAP=%s\n' "$TL" "$RTPE" "$TLA" "$tl_wrap" "$rtpe_wrap" >"$BASE/state.env"
  echo "nice $NICE: trunkline pid $TL (ng $NG_TL)${TLA:+, trunkline-A pid $TLA (ng $NG_TL_A, $JAR_A)}, rtpengine pid $RTPE (ng $NG_RTPE), threads $THREADS; $(rtpengine --version 2>&1 | head -1)"
}

load() { # load SUT CALLS SECS LABEL
  local sut=$1 calls=$2 secs=$3 label=$4 ng pid
  case $sut in
    trunkline) ng="127.0.0.1:$NG_TL"; pid=$TL;;
    trunkline-a) ng="127.0.0.1:$NG_TL_A"; pid=$TLA;;
    rtpengine) ng="127.0.0.1:$NG_RTPE"; pid=$RTPE;;
    direct) ng=direct; pid=0;;
  esac
  local lock=(flock "$LOCK"); [[ -z "${LOCKED:-}" ]] || lock=()
  local t0 t1 line perf=""
  if [[ -n "${PERF_OUT:-}" && "$pid" -gt 0 ]]; then # profile the relay over this run (perf -g)
    perf record -F 499 -g -p "$pid" -o "$PERF_OUT" -- sleep $((secs + 6)) >"$PERF_OUT.log" 2>&1 &
    perf=$!
  fi
  t0=$(ticks "$pid")
  rtpgen
  line=$("${lock[@]}" timeout $((secs + 120)) "${PRIO[@]}" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -cp "$GEN_JAR" org.trunkline.bench.RtpLoad \
    "$ng" "$calls" "$secs" "$pid" "$label" "$SOCKETS" "$GEN" | grep '^RESULT')
  t1=$(ticks "$pid")
  # the relay's user and system time over the whole load run (set-up, traffic, deletes), in µs per
  # packet received; RtpLoad's relay_cpu_pct and pkts_per_cpu_s cover the traffic part only
  echo "$line $(awk -v a="$t0" -v b="$t1" -v l="$line" 'BEGIN { split(a, x); split(b, y);
    match(l, /received=[0-9]+/); n = substr(l, RSTART + 9, RLENGTH - 9) + 0; if (n == 0) n = 1;
    printf "relay_user_us_per_pkt=%.2f relay_sys_us_per_pkt=%.2f", (y[1] - x[1]) * 1e4 / n, (y[2] - x[2]) * 1e4 / n }')" \
    | tee -a "$BASE/results.txt"
  [[ -z "$perf" ]] || wait "$perf" || true
}

ticks() { # utime stime of PID in clock ticks (100/s); "0 0" for none
  if [[ "$1" -gt 0 ]]; then sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'; else echo "0 0"; fi
}

cmd_warmup() { # WARM_SECS (20) each
  state; local w="${WARM_SECS:-20}"
  [[ -z "$TLA" ]] || load trunkline-a 500 "$w" warmup-trunkline-a >/dev/null
  load trunkline 500 "$w" warmup-trunkline >/dev/null; load rtpengine 500 "$w" warmup-rtpengine >/dev/null; echo warm
}

cmd_sweep() { # the whole sweep holds the lock once (each wait for it may take minutes)
  [[ -n "${LOCKED:-}" ]] || exec flock "$LOCK" env LOCKED=1 "$0" sweep "$1"
  state; echo "# $(date -u +%FT%TZ) sweep '$1' threads=$THREADS secs=$SECS load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$BASE/results.txt"
  for n in $1; do
    load direct "$n" "$SECS" "direct"
    for r in $(seq "$REPEAT"); do
      if [[ -n "$TLA" ]]; then
        load trunkline-a "$n" "$SECS" "trunkline-A-r$r"
        load trunkline "$n" "$SECS" "trunkline-B-r$r"
      else
        load trunkline "$n" "$SECS" "trunkline-r$r"
      fi
      load rtpengine "$n" "$SECS" "rtpengine-r$r"
    done
  done
}

cmd_one() { # one load run: SUT (trunkline, trunkline-a, rtpengine, direct) CALLS [LABEL]
  state; load "$1" "$2" "$SECS" "${3:-$1-one}"
}

cmd_summary() { python3 "$HERE/summary.py" "$BASE/results.txt" "${1:-0}"; }

cmd_stop() { state; kill "$TL" "$RTPE" $TLA 2>/dev/null || true; rm -f "$BASE/state.env"; echo stopped; }

case "${1:-}" in
  start) cmd_start;; one) cmd_one "$2" "$3" "${4:-}";; warmup) cmd_warmup;; sweep) cmd_sweep "${2:-100 500 1000}";; summary) cmd_summary "${2:-0}";; stop) cmd_stop;;
  *) sed -n '2,20p' "$0"; exit 2;;
esac
