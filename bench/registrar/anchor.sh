#!/usr/bin/env bash
# The shared registrar anchor's procedure (/work/shared/bench/reg-anchor.sh) with Trunkline in Kamailio's place,
# for every SUT of one window: a FRESH server, a FILL of NUSERS (100000) distinct users at FILL_RATE (2000)/s
# (inserts), IDLE_S (20) s without traffic (CPU measured), then a sweep of refreshes at RATES, REPEAT runs of
# SECS s each with PAUSE_S (4) s before each run, a SUT dropped after its first unclean rate (clean in at most
# half its runs). Every run is the shared reg-run.sh (a copy of it, same SIPp scenario and user file).
#
#   bench/registrar/anchor.sh      (from the repository root, under the bench lock: it does not take it)
#
# SUTs: kamailio (KAM=1, default; kam-reg-start.sh, the anchor's settings: 4 children, shm 512 MB, default
# memory manager unless KAM_EXTRA), trunkline (TRUNKLINE_JAR, default server/target/trunkline.jar) and
# trunkline-b (TRUNKLINE_JAR_B, optional), each JVM as ./trunkline run starts it (G1, -Xms=-Xmx JAVA_HEAP 4g,
# AlwaysPreTouch: bench/launcher-flags.sh) with a config of NUSERS register-in trunks as run.sh writes it.
# All servers start first; the fills run one after the other, each FILL_GAP_S after the previous one ended (the
# first one FILL_GAP_S after the last server was ready), in the order kamailio, trunkline,
# trunkline-b (KAM_LAST=1: kamailio last) (the last one filled gets exactly IDLE_S before its sweep, as in the anchor; the earlier ones idle longer,
# which lets a JVM's JIT finish more before its first sweep run: with A as trunkline, any bias favours A);
# each sweep run goes to every SUT in turn (trunkline, trunkline-b, kamailio), so rates are interleaved.
# Deviations from the shared script, said in the output: several SUTs per window; each JVM's live heap
# (jcmd GC.class_histogram: a full GC, then the reachable bytes) before the fill and HEAP_WAIT_S (34) s after
# its end (Timer J, 32 s, has ended the fill's server transactions), outside every measured run;
# bytes_per_contact = (after - before) / bindings.
# Per Trunkline run a THREADS line: CPU per registration by thread group (thread-ticks.py: loops, writer, h2,
# gc, jit, other) and the methods the JIT compiled in it (jit_compiled).
# Env: BASE_PORT (36000: kamailio +1, trunkline +3, trunkline-b +4, SIPp +11), BENCH_RUN (/tmp/trunkline-reg-anchor),
#      RATES ("1000 2000 4000 6000 8000 10000 12000"), REPEAT (3), SECS (10), PAUSE_S (4), FILL_RATE (2000),
#      NUSERS (100000), IDLE_S (20), HEAP (1; 0: no heap step), JAVA, JAVA_OPTS, JAVA_OPTS_B, EXTRA_YAML, KAM_LAST (0),
#      FILL_GAP_S (40: seconds of no traffic before each SUT's fill, the first one's too),
#      JIT_LOG (0; 1: the JIT logs, and h2_rewrite= per Trunkline run, below)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
source "$ROOT/bench/launcher-flags.sh"
RATES="${RATES:-1000 2000 4000 6000 8000 10000 12000}"; REPEAT="${REPEAT:-3}"; SECS="${SECS:-10}"; PAUSE="${PAUSE_S:-4}"
FILL_RATE="${FILL_RATE:-2000}"; NUSERS="${NUSERS:-100000}"; IDLE="${IDLE_S:-20}"; HEAP_WAIT="${HEAP_WAIT_S:-34}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"; JCMD="$(dirname "$JAVA")/jcmd"
JAR="${TRUNKLINE_JAR:-$ROOT/server/target/trunkline.jar}"; JAR_B="${TRUNKLINE_JAR_B:-}"
B="${BASE_PORT:-36000}"; export UAC_PORT=$((B + 11))
declare -A PORT=([kamailio]=$((B + 1)) [trunkline]=$((B + 3)) [trunkline-b]=$((B + 4)))
export BENCH_RUN="${BENCH_RUN:-/tmp/trunkline-reg-anchor}"; RUN="$BENCH_RUN/$(date -u +%Y%m%dT%H%M%S)"; mkdir -p "$RUN"
export NUSERS QUIET=1
CALLS="$ROOT/bench/calls"
HZ=$(getconf CLK_TCK)
for p in "${PORT[@]}" $UAC_PORT; do
  if ss -Hlun "sport = :$p" | grep -q .; then echo "port $p in use; set BASE_PORT" >&2; exit 1; fi
done
SUTS=(); [[ "${KAM:-1}" == 1 && "${KAM_LAST:-0}" != 1 ]] && SUTS+=(kamailio); SUTS+=(trunkline); [[ -n "$JAR_B" ]] && SUTS+=(trunkline-b)
# KAM_LAST=1: Kamailio starts and fills last (the default order fills it first); alternate it between windows, so
# that neither server always fills after the other (what is left of the order's bias once FILL_GAP_S is waited)
[[ "${KAM:-1}" == 1 && "${KAM_LAST:-0}" == 1 ]] && SUTS+=(kamailio)
# the servers' lifetime bound: fills, idle, heap waits and every run of the sweep, plus 120 s
LIFE=$(( 120 + ${#SUTS[@]} * (NUSERS / FILL_RATE + 20 + ${FILL_GAP_S:-40}) + IDLE + HEAP_WAIT
  + $(wc -w <<<"$RATES") * REPEAT * ${#SUTS[@]} * (SECS + PAUSE + 4) ))
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT; trap "exit 143" TERM INT
echo "# anchor procedure: run folder $RUN; SUTs ${SUTS[*]}; rates $RATES x$REPEAT x${SECS}s; fill $NUSERS at $FILL_RATE/s; $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M:%S)" | tee -a "$RUN/results.txt"

"$HERE/users-yaml.py" "$RUN/trunkline.yaml" "$NUSERS" "${PORT[trunkline]}" "$RUN/db/trunkline"
printf '%s\n' "${EXTRA_YAML:-}" >>"$RUN/trunkline.yaml"
sed -e "s/port: ${PORT[trunkline]}}/port: ${PORT[trunkline-b]}}/" -e "s#$RUN/db/trunkline#$RUN/db-b/trunkline#" \
  "$RUN/trunkline.yaml" >"$RUN/trunkline-b.yaml"

declare -A SPID=() JPID=() API=()
# JIT_LOG=1: each JVM logs every method it compiles (jit-SUT.log), and each run's THREADS line says h2_rewrite=first
# when H2's first background chunk rewrite (MVMap$RewriteDecisionMaker::decide, stop 19) was compiled in it
jitlog() { [[ "${JIT_LOG:-0}" == 1 ]] && echo "-Xlog:jit+compilation=debug:file=$RUN/jit-$1.log:utctime,uptime"; }
h2_rewrites() { local n; n=$(grep -c 'RewriteDecisionMaker::decide' "$RUN/jit-$1.log" 2>/dev/null); echo "${n:-0}"; }
start_jvm() { # start_jvm NAME JAR OPTS
  local t0; t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"${JAVA_HEAP:-4g}" -Xmx"${JAVA_HEAP:-4g}" \
    $(gc_for "$3") $(touch_for) $(jitlog "$1") $3 -jar "$2" run --config "$RUN/$1.yaml" </dev/null >"$RUN/$1.out" 2>"$RUN/$1.log" &
  SPID[$1]=$!; PIDS+=("${SPID[$1]}")
  for _ in $(seq 1200); do grep -qs "^trunkline ready" "$RUN/$1.out" && break; sleep 0.1; done
  grep -q '^trunkline ready' "$RUN/$1.out" || { echo "$1 did not start" >&2; tail "$RUN/$1.log" >&2; exit 1; }
  JPID[$1]=$(pgrep -P "${SPID[$1]}" java); API[$1]=$(grep -o 'http://[^ ]*' "$RUN/$1.out")
  echo "START $1 jar=$2 ready_s=$(python3 -c "print(round($(date +%s.%N)-$t0,2))") jvm_pid=${JPID[$1]}" | tee -a "$RUN/results.txt"
}
for s in "${SUTS[@]}"; do
  case $s in
    kamailio) SPID[kamailio]=$("$HERE/kam-reg-start.sh" "${PORT[kamailio]}" "$LIFE"); PIDS+=("${SPID[kamailio]}")
              KCTL=(kamcmd -s "unix:$BENCH_RUN/kamreg-${PORT[kamailio]}/ctl.sock") ;;
    trunkline) start_jvm trunkline "$JAR" "${JAVA_OPTS:-}" ;;
    trunkline-b) start_jvm trunkline-b "$JAR_B" "${JAVA_OPTS_B:-${JAVA_OPTS:-}}" ;;
  esac
done
shm() { "${KCTL[@]}" core.shmmem | awk -v k="$1" '$1==k":"{print $2}'; }
ulc() { "${KCTL[@]}" stats.get_statistics usrloc: | awk '$1=="usrloc:location_contacts"{print $3}'; }
live() { "$JCMD" "${JPID[$1]}" GC.class_histogram >"$RUN/histo-$1-$2.txt"; awk '/^Total/{print $3}' "$RUN/histo-$1-$2.txt"; }
counter() { curl -s "${API[$1]}/api/counters" | python3 -c "import json,sys; print(json.load(sys.stdin)['core']['$2'])"; }

run() { # run LABEL SUT RATE SECS -> RESULT line (+ JVM/THREADS lines for a JVM)
  local out="$RUN/$1" j=${JPID[$2]:-} c0 ok r0 h2=
  if [[ -n $j ]]; then c0=$("$CALLS/jit-count.py" "$j"); r0=$(h2_rewrites "$2"); "$HERE/thread-ticks.py" "$j" >"$out.t0"; fi
  OUTDIR="$out" "$HERE/reg-run.sh" "127.0.0.1:${PORT[$2]}" "$3" "$4" "${SPID[$2]}" | grep '^RESULT' \
    | sed "s/^RESULT /RESULT label=$1 sut=$2 /" | tee -a "$RUN/results.txt"
  if [[ -n $j ]]; then
    "$HERE/thread-ticks.py" "$j" >"$out.t1"
    ok=$(grep "label=$1 " "$RUN/results.txt" | grep -o ' success=[0-9]*' | cut -d= -f2)
    [[ "${JIT_LOG:-0}" != 1 ]] || h2=" h2_rewrite=$( (( r0 == 0 && $(h2_rewrites "$2") > 0 )) && echo first || echo -)"
    echo "$("$HERE/thread-ticks.py" --diff "$out.t0" "$out.t1" "${ok:-0}" "$1") jit_compiled=$(( $("$CALLS/jit-count.py" "$j") - c0 ))$h2" \
      | tee -a "$RUN/results.txt"
  fi
}

# -- fill, one SUT after the other (Kamailio shm / JVM live heap before) ---------------------------------
declare -A H0=() FILL_END=()
for s in "${SUTS[@]}"; do
  # FILL_GAP_S (40) before every fill, the first one too: a fill that starts right after a burst of CPU on these
  # 2 cores costs more. Stop 25: the same jar filled twice back to back, 1.23x; 40 s apart, 1.00x. Stop 26: with
  # the gap only between fills, Kamailio's fill right after the JVM's 20 s warm-up at full CPU cost 64.1 against
  # 57.9 when it filled second (medians of 3), although the ready JVM is idle then (0.3 % of a CPU: settle.sh)
  sleep "${FILL_GAP_S:-40}"
  if [[ $s == kamailio ]]; then sleep 1; K_U0=$(shm used); K_C0=$(ulc)
  elif [[ ${HEAP:-1} != 0 ]]; then H0[$s]=$(live "$s" before); fi
  run "fill-$s" "$s" "$FILL_RATE" $(( NUSERS / FILL_RATE ))
  FILL_END[$s]=$(date +%s)
  if [[ $s == kamailio ]]; then sleep 2; K_U1=$(shm used); K_C1=$(ulc)
    echo "MEM sut=kamailio contacts=$((K_C1 - K_C0)) shm_used_before=$K_U0 shm_used_after=$K_U1 bytes_per_contact=$(python3 -c "print(round(($K_U1-$K_U0)/max($K_C1-$K_C0,1),1))")" | tee -a "$RUN/results.txt"
  fi
done
# -- idle: every SUT's CPU over IDLE_S s with no traffic (the last one filled: right after its fill) --------
declare -A I0=()
for s in "${SUTS[@]}"; do I0[$s]=$("$HERE/cpu-ticks.py" "${SPID[$s]}" | cut -d' ' -f1); done
[[ -z ${JPID[trunkline]:-} ]] || "$HERE/thread-ticks.py" "${JPID[trunkline]}" >"$RUN/idle.t0"
sleep "$IDLE"
for s in "${SUTS[@]}"; do
  echo "IDLE sut=$s idle_s=$IDLE idle_cpu_pct=$(python3 -c "print(round(100*($("$HERE/cpu-ticks.py" "${SPID[$s]}" | cut -d' ' -f1)-${I0[$s]})/$HZ/$IDLE,2))")" | tee -a "$RUN/results.txt"
done
if [[ -n ${JPID[trunkline]:-} ]]; then "$HERE/thread-ticks.py" "${JPID[trunkline]}" >"$RUN/idle.t1"
  "$HERE/thread-ticks.py" --diff "$RUN/idle.t0" "$RUN/idle.t1" "$IDLE" idle-trunkline-us-per-second | tee -a "$RUN/results.txt"; fi
# -- heap: HEAP_WAIT_S after each JVM's fill (its transactions gone), outside the measured runs -----------
if [[ ${HEAP:-1} != 0 ]]; then
  for s in "${SUTS[@]}"; do
    [[ $s == kamailio ]] && continue
    w=$(( FILL_END[$s] + HEAP_WAIT - $(date +%s) )); (( w <= 0 )) || sleep "$w"
    h=$(live "$s" contacts); n=$(counter "$s" registrar_bindings)
    echo "HEAP sut=$s bindings=$n live_bytes_before_fill=${H0[$s]} live_bytes_contacts=$h bytes_per_contact=$(python3 -c "print(round(($h-${H0[$s]})/max($n,1),1))") heap_for_100k_MB=$(python3 -c "print(round(($h-${H0[$s]})/max($n,1)*100000/2**20,1))")" | tee -a "$RUN/results.txt"
  done
fi
# -- sweep: refreshes, interleaved per run; a SUT stops after its first unclean rate -----------------------
declare -A DONE=()
for r in $RATES; do
  declare -A OK=()
  for i in $(seq "$REPEAT"); do
    for s in trunkline trunkline-b kamailio; do
      [[ " ${SUTS[*]} " == *" $s "* && -z ${DONE[$s]:-} ]] || continue
      sleep "$PAUSE"; run "r$r-$i-$s" "$s" "$r" "$SECS"
      grep "label=r$r-$i-$s " "$RUN/results.txt" | grep -q ' clean=yes' && OK[$s]=$(( ${OK[$s]:-0} + 1 ))
    done
  done
  for s in "${SUTS[@]}"; do
    [[ -z ${DONE[$s]:-} ]] || continue
    if (( 2 * ${OK[$s]:-0} <= REPEAT )); then DONE[$s]=$r; echo "# $s: rate $r unclean (${OK[$s]:-0}/$REPEAT) -> stop" | tee -a "$RUN/results.txt"; fi
  done
  unset OK
done
for s in "${SUTS[@]}"; do
  [[ $s == kamailio ]] && echo "END sut=kamailio contacts=$(ulc)" | tee -a "$RUN/results.txt" \
    || echo "END sut=$s bindings=$(counter "$s" registrar_bindings) store_failed=$(counter "$s" registrar_store_failed)" | tee -a "$RUN/results.txt"
done
echo "# done $(date -u +%H:%M:%S)" | tee -a "$RUN/results.txt"
cleanup; PIDS=()
"$HERE/anchor-summary.py" "$RUN/results.txt" | tee "$RUN/summary.md"
