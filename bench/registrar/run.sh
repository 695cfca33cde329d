#!/usr/bin/env bash
# The registrar's speed and memory figures (issue 5, "Speed and memory"): Trunkline beside Kamailio 5.6
# (registrar + auth, in-memory usrloc) in the same run, SIPp UAC REGISTER -> 401 -> REGISTER+digest -> 200
# (MD5, qop=auth), users u000001..u100000, everything on 127.0.0.1 over UDP, every process bounded in time,
# every SIPp run in count.
#
#   bench/registrar/run.sh [ROUNDS=3] [RATES="2000 4000 8000"] [SECS=10]     (from the repository root)
#
#  1. generates a config with NUSERS (100000) register-in trunks u000001.. (one contact each, password
#     "secret", H2 file database in the run folder), times `trunkline check` on it, starts Trunkline
#     (`run`, JAVA_HEAP) and Kamailio (kam-reg-start.sh, KAM_EXTRA="-x tlsf");
#  2. [locked] heap of Trunkline with the trunks and no contacts (jcmd GC.class_histogram: a full GC,
#     then the live objects' bytes), FILL: NUSERS distinct registrations at FILL_RATE/s to each server
#     (inserts), heap again -> bytes per contact; Kamailio shm before/after;
# 2b. [locked] WARM-UP (README, "Warm-up"): each server gets the same fixed runs (WARMUP_RATES x WARMUP_SECS);
#     then each JVM more runs (the last warm-up rate) until ZGC's three warm-up majors are done and its last run
#     compiled <= WARM_JIT methods, at most WARMUP_MORE more runs ("warm after N more runs" / "NOT warm ...");
#  3. [locked, one window per round] per rate in RATES: SECS s of refreshes to Trunkline, then Kamailio;
#  4. [locked] STORM: all NUSERS re-register at STORM_RATE/s; then the API's registrar_bindings must be
#     exactly NUSERS, the writer's backlog (registrar_store_pending) must reach 0, and after a clean stop
#     the H2 file must hold NUSERS rows.
# "Locked" = holds flock on LOCK (/tmp/trunkline-bench.lock), shared with the other benchmarks of the box.
# CPU of a server = utime+stime of its process tree (/proc) before/after, divided by the successful
# registrations SIPp saw (reg-run.sh). other_cpu_pct = CPU of processes that are not ours (% of a core).
# Needs: sipp, kamailio, kamcmd (Debian sip-tester, kamailio), python3, a JDK >= 21 ($JAVA, with jcmd), the jar:
#   ./build -q -o -B package -DskipTests   (server/target/trunkline.jar; TRUNKLINE_JAR names another)
# Env: BENCH_RUN (/tmp/trunkline-reg-bench), NUSERS (100000), FILL_RATE (5000), STORM_RATE (10000),
#      PRETOUCH (1: -XX:+AlwaysPreTouch as ./trunkline run; 0: not), JAVA_HEAP (4g: -Xms=-Xmx, as ./trunkline on 8 GB or more; G1 as ./trunkline unless JAVA_OPTS(_B) name a collector), KAM_EXTRA ("-x tlsf"), BASE_PORT (25070), LOCK, PAUSE_S (2)
#      EXTRA_YAML (lines appended to the config, e.g. "traces: {enabled: false}"; EXTRA_YAML_B for B,
#      default EXTRA_YAML), JAVA_OPTS / JAVA_OPTS_B (more JVM options, e.g. a JFR recording),
#      ONE_LOCK=1 (one locked window from the fill to the last round instead of one per step),
#      HEAP=0 (skip the 40 s wait and the heap step), STORM=0 (skip the storm), PROFILE_SECS (0: a JFR
#      recording of each Trunkline under the first rate for that long, after the rounds),
#      PROFILE_RATES (the first of RATES: the rates profiled), PERF=1 (perf samples beside JFR: perf-RATE-SUT.data),
#      AFTER_LOCKED (with STORM=0: a command run after the servers stop, before the lock is released)
#      WARMUP_RATES ("2000 4000"), WARMUP_SECS (SECS), WARM_JIT (50), WARMUP_MORE (6): the warm-up (2b)
#      JIT_LOG (1: each JVM writes jit-SUT.log, one line per compiled method; 0: none, and the warm-up does not
#      wait for H2's first chunk rewrite)
# Every Trunkline run (warm-up runs included: what a fresh JVM costs in its first minutes) also gets a JVM line
# (methods the JIT compiled in it, h2_rewrite=first when H2's first chunk rewrite was compiled in it, GC cycles
# begun in it; -Xlog:gc to gc-SUT.log) and a THREADS line: the JVM's CPU per registration by thread group
# (event loops, registration writer, H2, GC, JIT, other; thread-ticks.py)
# A/B: TRUNKLINE_JAR_B names a second build, run beside the first (port BASE_PORT+4, its own database),
#      warmed up and filled the same way and measured as "trunkline-b" right after "trunkline" at every
#      rate of every round (not in the heap and storm steps); summary.py adds the B/A ratios.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
# gc_for, touch_for: the launcher's JVM flags
source "$ROOT/bench/launcher-flags.sh"
ROUNDS="${1:-3}"; RATES="${2:-2000 4000 8000}"; SECS="${3:-10}"
NUSERS="${NUSERS:-100000}"; FILL_RATE="${FILL_RATE:-5000}"; STORM_RATE="${STORM_RATE:-10000}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"; JCMD="$(dirname "$JAVA")/jcmd"
JAR="${TRUNKLINE_JAR:-$ROOT/server/target/trunkline.jar}"
export KAM_EXTRA="${KAM_EXTRA:--x tlsf}"
LOCK="${LOCK:-/tmp/trunkline-bench.lock}"; PAUSE="${PAUSE_S:-2}"
B="${BASE_PORT:-25070}"; P_KAM=$((B + 1)); P_TL=$((B + 3)); P_TLB=$((B + 4)); export UAC_PORT=$((B + 11))
JAR_B="${TRUNKLINE_JAR_B:-}"
CALLS="$ROOT/bench/calls"   # jit-count.py, gc-cycles.py (shared with the calls harness)
WRATES="${WARMUP_RATES:-2000 4000}"; WSECS="${WARMUP_SECS:-$SECS}"; WMORE="${WARMUP_MORE:-6}"
STAMP=$(date -u +%Y%m%dT%H%M%S)
export BENCH_RUN="${BENCH_RUN:-/tmp/trunkline-reg-bench}"; RUN="$BENCH_RUN/$STAMP"; mkdir -p "$RUN"
export NUSERS QUIET=1
for p in $P_KAM $P_TL $P_TLB $UAC_PORT; do
  if ss -Hlun "sport = :$p" | grep -q .; then echo "port $p in use; set BASE_PORT" >&2; exit 1; fi
done
NRATES=$(wc -w <<<"$RATES")
# the servers' lifetime bound: the runs themselves plus up to LOCK_WAIT_S (3600) waiting for the lock (the
# trap stops them as soon as the script ends)
LIFE=$(( 600 + ${LOCK_WAIT_S:-3600} + NUSERS / FILL_RATE * 3 + ROUNDS * NRATES * 2 * (SECS + PAUSE + 5) + NUSERS / STORM_RATE * 3
  + ($(wc -w <<<"$WRATES") * 3 + WMORE * 2) * (WSECS + PAUSE + 5) ))
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
exec 9>"$LOCK"
# ONE_LOCK=1: the first locked() takes the lock and every later one keeps it, until release()
ONE_LOCK="${ONE_LOCK:-0}"; HELD=0
locked() { if [[ $HELD == 1 ]]; then echo "# still locked: $*"; return 0; fi
  local t0; t0=$(date +%s); flock 9
  echo "# lock taken after $(( $(date +%s) - t0 )) s at $(date -u +%H:%M:%S): $*"
  if [[ $ONE_LOCK == 1 ]]; then HELD=1; fi; }
unlocked() { if [[ $ONE_LOCK != 1 ]]; then flock -u 9; fi; }
release() { HELD=0; flock -u 9; echo "# lock released at $(date -u +%H:%M:%S)"; }
wait_port() { for _ in $(seq 600); do ss -Hlun "sport = :$1" | grep -q . && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; return 1; }
reg() { # reg NAME PORT SUT_PID RATE SECS  -> one reg-run.sh, its RESULT line prefixed with label=NAME
  local out="$RUN/$1"; OUTDIR="$out" "$HERE/reg-run.sh" "127.0.0.1:$2" "$4" "$5" "$3" | grep '^RESULT' \
    | sed "s/^RESULT /RESULT label=$1 /" | tee -a "$RUN/results.txt"
}
treg() { # treg NAME PORT SUT_PID RATE SECS JVM_PID: reg, plus the JVM's CPU per registration by thread group,
  # and a JVM line: methods compiled and GC cycles begun during the run
  local c0 t0 r0 h2=; c0=$("$CALLS/jit-count.py" "$6"); t0=$(date +%s%3N); r0=$(h2_rewrites "$(jitname "$6")")
  "$HERE/thread-ticks.py" "$6" >"$RUN/threads-$1.0"
  reg "$1" "$2" "$3" "$4" "$5"
  "$HERE/thread-ticks.py" "$6" >"$RUN/threads-$1.1"
  [[ "${JIT_LOG:-1}" == 0 ]] || h2="h2_rewrite=$( (( r0 == 0 && $(h2_rewrites "$(jitname "$6")") > 0 )) && echo first || echo -) "
  echo "JVM label=$1 jit_compiled=$(( $("$CALLS/jit-count.py" "$6") - c0 )) $h2$("$CALLS/gc-cycles.py" "$(gclog_of "$6")" "$t0" "$(date +%s%3N)")" \
    | tee -a "$RUN/results.txt"
  local ok; ok=$(grep "label=$1 " "$RUN/results.txt" | grep -o ' success=[0-9]*' | cut -d= -f2)
  "$HERE/thread-ticks.py" --diff "$RUN/threads-$1.0" "$RUN/threads-$1.1" "${ok:-0}" "$1" | tee -a "$RUN/results.txt"
}

gclog_of() { if [[ $1 == "${TLBJ:-}" ]]; then echo "$RUN/gc-trunkline-b.log"; else echo "$RUN/gc-trunkline.log"; fi; }
# one line per GC cycle (start and end, with its cause): which runs a cycle fell in, and ZGC's warm-up majors
gclog() { echo "-Xlog:gc:file=$RUN/gc-$1.log:utctime,uptime"; }
# every method the JIT compiles, one line each (JIT_LOG=0: none). Stop 19, lead: after the warm-up, one measured run
# in ~6 compiled 110-170 methods, ~100 of them org.h2.mvstore: the registration table's FIRST background chunk
# rewrite (MVMap$RewriteDecisionMaker::decide, ~100 s after start), then its C2 recompile (~200 s). Once per
# process: until_warm waits for it, and each run's JVM line says whether it fell in it (h2_rewrite=first)
jitlog() { [[ "${JIT_LOG:-1}" == 0 ]] || echo "-Xlog:jit+compilation=debug:file=$RUN/jit-$1.log:utctime,uptime"; }
jitname() { if [[ $1 == "${TLBJ:-}" ]]; then echo trunkline-b; else echo trunkline; fi; }
h2_rewrites() { local n; n=$(grep -c 'RewriteDecisionMaker::decide' "$RUN/jit-$1.log" 2>/dev/null); echo "${n:-0}"; }

# -- 1. config, check, servers ------------------------------------------------------------------------
"$HERE/users-yaml.py" "$RUN/trunkline.yaml" "$NUSERS" "$P_TL" "$RUN/db/trunkline"
printf '%s\n' "${EXTRA_YAML:-}" >>"$RUN/trunkline.yaml"
if [[ -n "$JAR_B" ]]; then
  sed -e "s/port: $P_TL}/port: $P_TLB}/" -e "s#$RUN/db/trunkline#$RUN/db-b/trunkline#" "$RUN/trunkline.yaml" \
    | head -n -1 >"$RUN/trunkline-b.yaml"
  printf '%s\n' "${EXTRA_YAML_B:-${EXTRA_YAML:-}}" >>"$RUN/trunkline-b.yaml"
fi
echo "# run folder $RUN; $NUSERS trunks ($(du -h "$RUN/trunkline.yaml" | cut -f1) config); $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT='%3R %3U %3S'
{ time "$JAVA" -jar "$JAR" check --config "$RUN/trunkline.yaml" >"$RUN/check.out" 2>&1; } 2>"$RUN/check.time"
read -r CW CU CS <"$RUN/check.time"
echo "CHECK $(cat "$RUN/check.out") wall_s=$CW cpu_s=$(python3 -c "print(round($CU+$CS,2))")" | tee -a "$RUN/results.txt"

K=$("$HERE/kam-reg-start.sh" "$P_KAM" "$LIFE"); PIDS+=("$K")
KCTL=(kamcmd -s "unix:$BENCH_RUN/kamreg-$P_KAM/ctl.sock")
T0=$(date +%s.%N)
# shellcheck disable=SC2086
setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"${JAVA_HEAP:-4g}" -Xmx"${JAVA_HEAP:-4g}" $(gc_for "${JAVA_OPTS:-}") $(touch_for) \
  "$(gclog trunkline)" $(jitlog trunkline) ${JAVA_OPTS:-} -jar "$JAR" run --config "$RUN/trunkline.yaml" </dev/null >"$RUN/trunkline.out" 2>"$RUN/trunkline.log" &
TL=$!; PIDS+=("$TL")
for _ in $(seq 1200); do grep -qs "^trunkline ready" "$RUN/trunkline.out" && break; sleep 0.1; done
grep -q '^trunkline ready' "$RUN/trunkline.out" || { echo "trunkline did not start" >&2; tail "$RUN/trunkline.log" >&2; exit 1; }
TLJ=$(pgrep -P "$TL" java)
API=$(grep -o 'http://[^ ]*' "$RUN/trunkline.out")
echo "START trunkline ready_s=$(python3 -c "print(round($(date +%s.%N)-$T0,2))") jvm_pid=$TLJ api=$API heap=${JAVA_HEAP:-4g}" | tee -a "$RUN/results.txt"
counter() { curl -s "$API/api/counters" | python3 -c "import json,sys; print(json.load(sys.stdin)['core']['$1'])"; }
live() { "$JCMD" "$TLJ" GC.class_histogram >"$RUN/histo-$1.txt"; awk '/^Total/{print $3}' "$RUN/histo-$1.txt"; }
shm() { "${KCTL[@]}" core.shmmem | awk -v k="$1" '$1==k":"{print $2}'; }

if [[ -n "$JAR_B" ]]; then
  # shellcheck disable=SC2086
  setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"${JAVA_HEAP:-4g}" -Xmx"${JAVA_HEAP:-4g}" $(gc_for "${JAVA_OPTS_B:-}") $(touch_for) \
    "$(gclog trunkline-b)" $(jitlog trunkline-b) ${JAVA_OPTS_B:-} -jar "$JAR_B" run --config "$RUN/trunkline-b.yaml" </dev/null >"$RUN/trunkline-b.out" 2>"$RUN/trunkline-b.log" &
  TLB=$!; PIDS+=("$TLB")
  for _ in $(seq 1200); do grep -qs "^trunkline ready" "$RUN/trunkline-b.out" && break; sleep 0.1; done
  grep -q '^trunkline ready' "$RUN/trunkline-b.out" || { echo "trunkline B did not start" >&2; tail "$RUN/trunkline-b.log" >&2; exit 1; }
  TLBJ=$(pgrep -P "$TLB" java)
  echo "START trunkline-b jar=$JAR_B jvm_pid=$TLBJ port=$P_TLB" | tee -a "$RUN/results.txt"
fi

# -- 2. heap and fill ---------------------------------------------------------------------------------
locked "fill"
H0=$(live before); K0=$(shm used)
# warm-up of Trunkline's JIT on 5000 registrations (they are among the NUSERS, refreshed by the fill)
W=$(( NUSERS < 5000 ? NUSERS : 5000 ))
OUTDIR="$RUN/warmup" NUSERS=$W INF="$BENCH_RUN/reg-users-$W.csv" "$HERE/reg-run.sh" 127.0.0.1:$P_TL 1000 $(( W / 1000 )) "$TL" >/dev/null
reg fill-trunkline $P_TL "$TL" "$FILL_RATE" $(( NUSERS / FILL_RATE ))
H1=$(live after-fill)
if [[ -n "$JAR_B" ]]; then
  OUTDIR="$RUN/warmup-b" NUSERS=$W INF="$BENCH_RUN/reg-users-$W.csv" "$HERE/reg-run.sh" 127.0.0.1:$P_TLB 1000 $(( W / 1000 )) "$TLB" >/dev/null
  reg fill-trunkline-b $P_TLB "$TLB" "$FILL_RATE" $(( NUSERS / FILL_RATE ))
  # B's live heap at the same point as A's after-fill one (its fill's transactions still held)
  "$JCMD" "$TLBJ" GC.class_histogram >"$RUN/histo-b-after-fill.txt"
fi
reg fill-kamailio $P_KAM "$K" "$FILL_RATE" $(( NUSERS / FILL_RATE ))
K1=$(shm used)
unlocked
# the fill's server transactions (RFC 3261 §17.2.2 Timer J: 64*T1 = 32 s over UDP) are still held right
# after it; the contacts alone are measured once they are gone
if [[ ${HEAP:-1} != 0 ]]; then
sleep 40
locked "heap"
H2=$(live contacts-only)
N=$(counter registrar_bindings)
"$JCMD" "$TLJ" GC.heap_info >"$RUN/heap-info-contacts-only.txt"
unlocked
echo "HEAP trunkline bindings=$N live_bytes_no_contacts=$H0 live_bytes_right_after_fill=$H1 live_bytes_contacts_only=$H2 bytes_per_contact=$(python3 -c "print(round(($H2-$H0)/max($N,1),1))") kamailio_shm_used_before=$K0 kamailio_shm_used_after=$K1 kamailio_bytes_per_contact=$(python3 -c "print(round(($K1-$K0)/$NUSERS,1))")" | tee -a "$RUN/results.txt"
fi

# -- 2b. warm-up: as a server that has been up for minutes is (README, "Warm-up") --------------------------
# until_warm NAME PORT SUT_PID JVM_PID GCFLAGS: more runs at the last warm-up rate until ZGC has done its three
# warm-up majors (at 10/20/30 % of the heap; any other collector skips this), the last run compiled at most
# WARM_JIT (50) methods and H2's first chunk rewrite is behind it (its code in the JIT log; JIT_LOG=0 skips
# this); at most WARMUP_MORE (6) more runs
until_warm() { local n=0 w jit=-1 zgc=0 c0 rate=${WRATES##* } h2
  [[ "$(gc_for "$5")" == -XX:+UseZGC || "$5" == *-XX:+UseZGC* ]] && zgc=1
  while :; do
    w=$("$CALLS/gc-cycles.py" "$(gclog_of "$4")" --warmups)
    h2=yes; [[ "${JIT_LOG:-1}" == 0 ]] || (( $(h2_rewrites "$1") > 0 )) || h2=no
    if (( (zgc == 0 || w >= 3) && jit >= 0 && jit <= ${WARM_JIT:-50} )) && [[ $h2 == yes ]]; then break; fi
    if (( n >= WMORE )); then echo "WARM $1 warm=no more_runs=$n zgc_warmup_majors=$w last_run_jit_compiled=$jit h2_rewrite_compiled=$h2" | tee -a "$RUN/results.txt"; return 0; fi
    c0=$("$CALLS/jit-count.py" "$4"); sleep "$PAUSE"; treg "warm-more$n-$1" "$2" "$3" "$rate" "$WSECS" "$4" >/dev/null
    jit=$(( $("$CALLS/jit-count.py" "$4") - c0 )); n=$((n + 1))
  done
  echo "WARM $1 warm=yes more_runs=$n zgc_warmup_majors=$w$( ((zgc)) || echo '(not_ZGC)') last_run_jit_compiled=$jit h2_rewrite_compiled=$h2" | tee -a "$RUN/results.txt"
}
locked "warm-up"
for rate in $WRATES; do
  sleep "$PAUSE"; treg "warm$rate-trunkline" $P_TL "$TL" "$rate" "$WSECS" "$TLJ" >/dev/null
  if [[ -n "$JAR_B" ]]; then sleep "$PAUSE"; treg "warm$rate-trunkline-b" $P_TLB "$TLB" "$rate" "$WSECS" "$TLBJ" >/dev/null; fi
  sleep "$PAUSE"; reg "warm$rate-kamailio" $P_KAM "$K" "$rate" "$WSECS" >/dev/null
done
until_warm trunkline $P_TL "$TL" "$TLJ" "${JAVA_OPTS:-}"
if [[ -n "$JAR_B" ]]; then until_warm trunkline-b $P_TLB "$TLB" "$TLBJ" "${JAVA_OPTS_B:-}"; fi
unlocked

# -- 3. rate sweep, one locked window per round -------------------------------------------------------
# SPAN per server: its CPU from the start of its first measured run to the end of its last, over every
# registration of those runs (both rates): a GC cycle or the end of transactions kept 32 s (Timer J) counts
# whether it falls in a run or between runs, which a run's own figure leaves to chance
declare -A SPAN_T0=() SPAN_C0=()
span_start() { [[ -n ${SPAN_T0[$1]:-} ]] && return 0; SPAN_T0[$1]=$(date +%s%3N); SPAN_C0[$1]=$("$HERE/cpu-ticks.py" "$2" | cut -d' ' -f1); }
span_end() { # span_end NAME SUT_PID GCLOG|-
  local n t1 c1; [[ -n ${SPAN_T0[$1]:-} ]] || return 0   # no measured run (ROUNDS=0)
  t1=$(date +%s%3N); c1=$("$HERE/cpu-ticks.py" "$2" | cut -d' ' -f1)
  n=$(grep -E "^RESULT label=r[0-9]+-[0-9]+-$1 " "$RUN/results.txt" | grep -o ' success=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
  echo "SPAN sut=$1 span_s=$(python3 -c "print(round(($t1-${SPAN_T0[$1]})/1000,1))") regs=$n cpu_s=$(python3 -c "print(round(($c1-${SPAN_C0[$1]})/$(getconf CLK_TCK),2))") us_per_reg=$(python3 -c "print(round(($c1-${SPAN_C0[$1]})/$(getconf CLK_TCK)*1e6/max($n,1),1))") $([[ $3 != - ]] && "$CALLS/gc-cycles.py" "$3" "${SPAN_T0[$1]}" "$t1" | sed 's/gc_/span_gc_/g')" | tee -a "$RUN/results.txt"
}
for r in $(seq "$ROUNDS"); do
  locked "round $r"
  for rate in $RATES; do
    sleep "$PAUSE"; span_start trunkline "$TL"; treg "r$r-$rate-trunkline" $P_TL "$TL" "$rate" "$SECS" "$TLJ"
    if [[ -n "$JAR_B" ]]; then sleep "$PAUSE"; span_start trunkline-b "$TLB"; treg "r$r-$rate-trunkline-b" $P_TLB "$TLB" "$rate" "$SECS" "$TLBJ"; fi
    sleep "$PAUSE"; span_start kamailio "$K"; reg "r$r-$rate-kamailio" $P_KAM "$K" "$rate" "$SECS"
  done
  unlocked
done
span_end trunkline "$TL" "$RUN/gc-trunkline.log"
if [[ -n "$JAR_B" ]]; then span_end trunkline-b "$TLB" "$RUN/gc-trunkline-b.log"; fi
span_end kamailio "$K" -

# -- 3b. profiles (PROFILE_SECS > 0): a JFR recording (settings=profile) of each Trunkline under the
#        first rate, one after the other, after the measured rounds and in the same window
if [[ ${PROFILE_SECS:-0} -gt 0 ]]; then
  locked "profiles"
  for rate in ${PROFILE_RATES:-${RATES%% *}}; do
  for side in trunkline ${JAR_B:+trunkline-b}; do
    if [[ $side == trunkline ]]; then jp=$TLJ; port=$P_TL; sp=$TL; else jp=$TLBJ; port=$P_TLB; sp=$TLB; fi
    "$JCMD" "$jp" JFR.start name=reg settings=profile filename="$RUN/profile-$rate-$side.jfr" >/dev/null
    if [[ ${PERF:-0} == 1 ]]; then
      # PERF=1: perf samples (cpu-clock, 999 Hz) of the JVM's every thread, kernel included, beside JFR; Java
      # frames named from the JIT's perf map (jcmd Compiler.perfmap, written after the run)
      perf record -q -e cpu-clock -F 999 -p "$jp" -o "$RUN/perf-$rate-$side.data" -- sleep $((PROFILE_SECS + PAUSE + 1)) \
        >/dev/null 2>&1 & PERFP=$!
    fi
    sleep "$PAUSE"; treg "profile-$rate-$side" "$port" "$sp" "$rate" "$PROFILE_SECS" "$jp"
    "$JCMD" "$jp" JFR.stop name=reg >/dev/null
    if [[ ${PERF:-0} == 1 ]]; then
      wait "$PERFP" || true; "$JCMD" "$jp" Compiler.perfmap >/dev/null
      cp "/tmp/perf-$jp.map" "$RUN/perf-$jp.map" 2>/dev/null || true
    fi
  done
  done
  unlocked
fi

if [[ ${STORM:-1} == 0 ]]; then
  if [[ -n ${AFTER_LOCKED:-} ]]; then
    # AFTER_LOCKED: a command run in the same locked window once the servers are stopped (another
    # measure that must share the window, e.g. bench/stack/run.sh with its own ports)
    cleanup; PIDS=(); sleep 1
    echo "# after, still locked ($(date -u +%H:%M:%S)): $AFTER_LOCKED"; bash -c "$AFTER_LOCKED" || true
  fi
  if [[ $HELD == 1 ]]; then release; fi
  "$HERE/summary.py" "$RUN/results.txt" | tee "$RUN/summary.md"
  exit 0
fi
# -- 4. the storm ---------------------------------------------------------------------------------------
locked "storm"
STORM_T0=$(date +%s%3N)
reg storm-trunkline $P_TL "$TL" "$STORM_RATE" $(( NUSERS / STORM_RATE ))
N=$(counter registrar_bindings)
t0=$(date +%s.%N)
for _ in $(seq 600); do [[ $(counter registrar_store_pending) == 0 ]] && break; sleep 0.1; done
DRAIN=$(python3 -c "print(round($(date +%s.%N)-$t0,1))")
PEND=$(counter registrar_store_pending); FAILED=$(counter registrar_store_failed)
reg storm-kamailio $P_KAM "$K" "$STORM_RATE" $(( NUSERS / STORM_RATE ))
unlocked
if [[ $HELD == 1 ]]; then release; fi
"$HERE/stop-pid.sh" "$TLJ" >/dev/null
for _ in $(seq 300); do kill -0 "$TL" 2>/dev/null || break; sleep 0.1; done
ROWS=$("$JAVA" -cp "$JAR" org.h2.tools.Shell -url "jdbc:h2:file:$RUN/db/trunkline" -sql \
  "SELECT COUNT(*) FROM registration" 2>&1 | awk 'NR==2{print $1}')
# rows the storm refreshed: expiry granted after the storm began (3600 s); must be >= the storm's 200 OKs
FRESH=$("$JAVA" -cp "$JAR" org.h2.tools.Shell -url "jdbc:h2:file:$RUN/db/trunkline" -sql \
  "SELECT COUNT(*) FROM registration WHERE expires_at >= $STORM_T0 + 3600000" 2>&1 | awk 'NR==2{print $1}')
OKS=$(grep 'label=storm-trunkline' "$RUN/results.txt" | grep -o ' success=[0-9]*' | cut -d= -f2)
echo "STORM trunkline bindings=$N expected=$NUSERS store_pending_after_drain=$PEND drain_s=$DRAIN store_failed=$FAILED h2_rows=$ROWS storm_200s=$OKS h2_rows_refreshed_by_storm=$FRESH ok=$([[ "$N" == "$NUSERS" && "$ROWS" == "$NUSERS" && "$FAILED" == 0 && "$FRESH" -ge "$OKS" ]] && echo yes || echo no)" | tee -a "$RUN/results.txt"
"$HERE/summary.py" "$RUN/results.txt" | tee "$RUN/summary.md"
