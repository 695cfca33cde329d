#!/usr/bin/env bash
# Two jars (A, B) under two collectors (ZGC, G1) in one locked window, interleaved run by run, untraced, with
# Kamailio once per rate and round 2; bytes allocated per thread around round 1 of the first rate (issue 6:
# allocation per call, then which collector ./trunkline runs). Built on bench/calls/run.sh's sessions.
#
#   JAR_A=/tmp/x/trunkline-A.jar JAR_B=/tmp/x/trunkline-B.jar BENCH_RUN=/tmp/x/ab BASE_PORT=42000 bench/calls/ab-gc.sh start
#   flock /tmp/trunkline-bench.lock timeout 420 env BENCH_RUN=/tmp/x/ab bench/calls/ab-gc.sh run   # ~6.5 min as set
#   BENCH_RUN=/tmp/x/ab bench/calls/ab-gc.sh stop
#
# Sessions: ZGC on BASE_PORT (A +3, B +5, Kamailio +1, UAS +20, UAC +12), G1 on BASE_PORT+100, both TRACES=off.
# Env for run: RATES ("1000 3000 2000": the order they run in), ROUNDS (3), SECS (5), WARM_RATE (2000), WARM_SECS (8).
# Output: one line per run (success, fail %, us/call, other_cpu_pct, load) and $BENCH_RUN/out/<sut>.alloc.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; H="${SHARED_BENCH:-/work/shared/bench}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"; J="$(dirname "$JAVA")"
RUN="${BENCH_RUN:-}"; B="${BASE_PORT:-42000}"
[[ -n "$RUN" || -z "${1:-}" ]] || { echo "set BENCH_RUN" >&2; exit 2; }
case "${1:-}" in
  start)
    for gc in zgc g1; do
      if [[ $gc == zgc ]]; then bp=$B; opts=-XX:+UseZGC; else bp=$((B + 100)); opts=-XX:+UseG1GC; fi
      BENCH_RUN=$RUN/$gc BASE_PORT=$bp LIFE="${LIFE:-2400}" TRACES=off TRUNKLINE_JAR="${JAR_A:?}" \
        TRUNKLINE_JAR_B="${JAR_B:?}" JAVA_OPTS="$opts" "$HERE/run.sh" start
    done
    echo "$B" >"$RUN/base_port" ;;
  stop)
    for gc in zgc g1; do BENCH_RUN=$RUN/$gc "$HERE/run.sh" stop; done ;;
  run)
    B=$(cat "$RUN/base_port"); OUT=$RUN/out; mkdir -p "$OUT"
    # shellcheck disable=SC1090
    source "$RUN/zgc/current/state.env"; ZS=$SESSION; ZA=$TL; ZB=$TLB; ZK=$KAM; ZU=$UAS_PID
    # shellcheck disable=SC1090
    source "$RUN/g1/current/state.env"; GS=$SESSION; GA=$TL; GB=$TLB; GU=$UAS_PID
    declare -A S=(  # session wrapper-pid port uas-port uas-pid uac-port
      [A-zgc]="$ZS $ZA $((B + 3)) $((B + 20)) $ZU $((B + 12))" [B-zgc]="$ZS $ZB $((B + 5)) $((B + 20)) $ZU $((B + 12))"
      [A-g1]="$GS $GA $((B + 103)) $((B + 120)) $GU $((B + 112))" [B-g1]="$GS $GB $((B + 105)) $((B + 120)) $GU $((B + 112))"
      [kam]="$ZS $ZK $((B + 1)) $((B + 20)) $ZU $((B + 12))")
    one() { # one SUT RATE SECS OUTDIR
      read -r ses w port uport upid uac <<<"${S[$1]}"
      env OUTDIR="$4" QUIET=1 BENCH_RUN="$ses" UAS_PORT="$uport" UAS_PID="$upid" UAC_PORT="$uac" \
        "$H/cps-run.sh" "127.0.0.1:$port" "$2" "$3" "$w" | tr ' ' '\n' |
        grep -E '^(success|fail_pct|retrans|sut_us_per_call|other_cpu_pct|loadavg_before|clean)=' | tr '\n' ' '
    }
    jvm() { read -r _ w _ <<<"${S[$1]}"; pgrep -P "$w" java | head -1; }
    suts="A-zgc B-zgc A-g1 B-g1"; rates="${RATES:-1000 3000 2000}"; first=${rates%% *}; secs="${SECS:-5}"
    echo "# $(date -u +%T) start; load $(cut -d' ' -f1-3 /proc/loadavg)"
    for s in $suts; do echo "warm $s $(one "$s" "${WARM_RATE:-2000}" "${WARM_SECS:-8}" "$OUT/warm/$s")"; sleep 1; done
    for R in $rates; do
      for i in $(seq "${ROUNDS:-3}"); do
        for s in $suts; do
          probe=0; [[ $R == "$first" && $i == 1 ]] && probe=1
          if ((probe)); then p=$(jvm "$s"); "$J/jcmd" "$p" Thread.print -e >"$OUT/$s.t0"; fi
          echo "$(date -u +%T) $s r$R-$i $(one "$s" "$R" "$secs" "$OUT/$s/r$R-$i")"
          if ((probe)); then
            "$J/jcmd" "$p" Thread.print -e >"$OUT/$s.t1"
            "$HERE/alloc-threads.py" "$OUT/$s.t0" "$OUT/$s.t1" $((R * secs)) | tee "$OUT/$s.alloc" | head -3
          fi
          sleep 1
        done
        [[ $i == 2 ]] && { echo "$(date -u +%T) kam r$R $(one kam "$R" "$secs" "$OUT/kam/r$R")"; sleep 1; }
      done
    done
    echo "# $(date -u +%T) end; load $(cut -d' ' -f1-3 /proc/loadavg)" ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
