#!/usr/bin/env bash
# The calls benchmark of issue 6 ("Speed and memory"): Trunkline as a B2BUA beside Kamailio 5.6 as a
# stateful proxy, SIPp caller -> server -> SIPp callee on 127.0.0.1 over UDP, with the shared harness
# in ../shared/bench (cps-run.sh, cps-sweep.sh's rules, summarize.py, pcap-latency.py).
#
#   bench/calls/run.sh start                 # UAS, Kamailio (plain, KAM_EXTRA), Trunkline jar; no load
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh warmup
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh sweep "1000 2000 4000"   # both SUTs, interleaved
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh latency                  # 500 cps, PCAP=1 if tcpdump
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh hold                     # heap per call, 20,000 held
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh profile 2000             # JFR on Trunkline at 2000 cps (PERF=1: perf too, JFR=0: no JFR,
#                                                                               #   PROFILE_SUT=trunkline-b|kamailio: that SUT, perf only for Kamailio)
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh alloc 2000               # KB/call per thread group, each JVM SUT (JFR=1: sites)
#   flock /tmp/trunkline-bench.lock bench/calls/run.sh sched "500 1000"         # per thread group: ticks, schedstat, wake-ups (SYSCOUNT=1)
#   bench/calls/run.sh summary                                                  # tables of this session
#   bench/calls/run.sh stop
#
# Trace on vs off (issue 7): TRACE_AB=1 at start also runs a second Trunkline JVM with
# traces.enabled: false on +4 (SUT trunkline-notrace); measure with SUTS="trunkline trunkline-notrace".
# A/B of two jars: TRUNKLINE_JAR_B at start also runs that jar on +5 (SUT trunkline-b), and with
# TRACE_AB=1 untraced on +6 (trunkline-b-notrace): four JVMs that one sweep interleaves run by run.
# TRACES=off at start runs the trunkline and trunkline-b JVMs with traces.enabled: false.
#
# Each locked step stays under ~10 minutes (sweep: ~45 s per rate at REPEAT=3). The servers run
# between steps (idle) under `timeout LIFE`, and `stop` ends them by PID.
# Env: BENCH_RUN (/tmp/trunkline-calls-bench), BASE_PORT (16070: Kamailio +1, Trunkline +3, UAC +12,
#      hold UAC +13, UAS +20), JAVA (Temurin 25), TRUNKLINE_JAR (server/target/trunkline.jar),
#      JAVA_OPTS (extra JVM flags; G1 unless they name a collector, e.g. -XX:+UseZGC), JAVA_OPTS_B (the B jar's, default JAVA_OPTS),
#      JAVA_HEAP (4g: -Xms=-Xmx, the heap ./trunkline gives on a machine of 8 GB or more), PRETOUCH (1: -XX:+AlwaysPreTouch as ./trunkline run; 0: not), KAM_EXTRA ("-x tlsf"), LIFE (3600 s), REPEAT (3), SECS (10),
#      EXTRA_YAML, EXTRA_YAML_B, EXTRA_YAML_BN (appended to the trunkline / trunkline-b / trunkline-b-notrace
#      configs at start, e.g. "sip: {threads: 1}"), DB_URL_SUFFIX, DB_URL_SUFFIX_B (appended to the H2 URL of the
#      trunkline(-notrace) / trunkline-b(-notrace) JVMs, e.g. ";ANALYZE_AUTO=0"; _B defaults to DB_URL_SUFFIX), API=1 (admin API of trunkline / -b / -b-notrace on
#      BASE_PORT+7 / +8 / +9, for /api/counters), PAIR_LOOPS, PAIR_LOOPS_B, PAIR_LOOPS_BN (pcap-added.py --loops; default 1: a call lives on the loop that
#      read its INVITE, one loop with one caller; 2 for a jar without 5da11a2, branch hand),
#      SUTS ("trunkline kamailio"), WARMUP_SUTS (default: every JVM started), WARMUP_RATES ("1000 2000 2000"), WARMUP_SECS (15),
#      AOT, AOT_B (a JDK 25 AOT cache file the trunkline(-notrace) / trunkline-b(-notrace) JVMs start with: -XX:AOTCache, with
#      -Xlog:aot to aot-NAME.log; start says whether the JVM used it), AOT_OUT (the trunkline JVM trains a cache into this
#      file: -XX:AOTCacheOutput; `stop` waits for it to be written, README),
#      GAP (3: seconds between a sweep's runs), WARM_JIT (50), WARMUP_MORE (12) (warm-up goes on until ZGC and the JIT are warm and H2 has rewritten chunks once, README), JIT_LOG (1: jit-NAME.log per JVM), HOLD_CALLS (20000), HOLD_RATE (1000), HOLD_S (90).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
H="${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}"
BASE="${BENCH_RUN:-/tmp/trunkline-calls-bench}"; mkdir -p "$BASE"
B="${BASE_PORT:-16070}"
P_KAM=$((B + 1)); P_TL=$((B + 3)); P_TLN=$((B + 4)); P_TLB=$((B + 5)); P_TLBN=$((B + 6)); P_UAC=$((B + 12)); P_HOLD=$((B + 13)); P_UAS=$((B + 20))
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"; JBIN="$(dirname "$JAVA")"
JAR="${TRUNKLINE_JAR:-$ROOT/server/target/trunkline.jar}"
LIFE="${LIFE:-3600}"; REPEAT="${REPEAT:-3}"; SECS="${SECS:-10}"
SUTS="${SUTS:-trunkline kamailio}"
STATE="$BASE/current"   # symlink to the session folder; state.env holds the PIDs and ports

die() { echo "$*" >&2; exit 1; }
# gc_for, touch_for: the launcher's JVM flags (collector, heap pre-touch). The heap: JAVA_HEAP (4g, -Xms=-Xmx), as
# ./trunkline on a machine of 8 GB or more. -Xmx in JAVA_OPTS still wins.
source "$ROOT/bench/launcher-flags.sh"
# One line per GC cycle (start and end, with its cause), so warmup and sweep can say which runs a cycle fell in:
# a ZGC major costs 0.6-1.2 s of CPU, +70-150 us per call in the 8-10 s run it lands in (RESULTS.md, stop 16, spread).
gclog() { echo "-Xlog:gc:file=$SESSION/gc-$1.log:utctime,uptime"; }
# Every method the JIT compiles, one line each (`-Xlog:jit+compilation=debug`, a few thousand lines in the first minutes,
# then tens a minute; JIT_LOG=0: none). Stop 19: the burst of ~230-300 compilations that one run in ~15 still had after
# the warm-up is H2's FIRST background chunk rewrite (MVStore FileStore/RewriteDecisionMaker/Page code, ~210 s after
# start at 2,000 cps), once per process: until_warm waits for it, and sweep names the run it falls in (h2_rewrite).
jitlog() { [[ "${JIT_LOG:-1}" == 0 ]] || echo "-Xlog:jit+compilation=debug:file=$SESSION/jit-$1.log:utctime,uptime"; }
h2_rewrites() { local n; n=$(grep -c 'RewriteDecisionMaker::decide' "$SESSION/jit-$(name_of "$1").log" 2>/dev/null); echo "${n:-0}"; }
HEAP="${JAVA_HEAP:-4g}"
# JDK 25's AOT cache (JEP 483/514/515: classes loaded and linked, method profiles; stop 20, branch aot13). aot NAME CACHE OUT:
# the flags that start JVM NAME with the cache CACHE (-XX:AOTCache) or train one into OUT (-XX:AOTCacheOutput: the JVM
# writes it when it exits, through a child JVM that inherits every flag, so its own gc-/jit- logs end up as *.log.0).
# A cache is refused (the JVM runs without it) if the jar's path or mtime, or the JDK, differ from the training run's.
aot() { [[ -n "$2" ]] && echo "-XX:AOTCache=$2 -Xlog:aot=info:file=$SESSION/aot-$1.log"
  [[ -n "$3" ]] && echo "-XX:AOTCacheOutput=$3 -Xlog:aot=info:file=$SESSION/aot-$1.log"; true; }
aot_used() { [[ -n "$2" ]] || return 0   # aot_used NAME CACHE: one line saying whether JVM NAME mapped its cache
  if grep -q 'Using AOT-linked classes: true' "$SESSION/aot-$1.log" 2>/dev/null; then echo "$1: AOT cache $2 used"
  else echo "$1: AOT cache $2 NOT used (see $SESSION/aot-$1.log)"; fi; }
load() { [[ -f "$STATE/state.env" ]] || die "no session: run 'bench/calls/run.sh start' first"
  # shellcheck disable=SC1091
  source "$STATE/state.env"; export BENCH_RUN="$SESSION" UAS_PORT="$P_UAS" UAS_PID UAC_PORT="$P_UAC"; }
target() { case $1 in trunkline) echo "127.0.0.1:$P_TL $TL";; kamailio) echo "127.0.0.1:$P_KAM $KAM";;
  trunkline-notrace) echo "127.0.0.1:$P_TLN $TLN";; trunkline-b) echo "127.0.0.1:$P_TLB $TLB";;
  trunkline-b-notrace) echo "127.0.0.1:$P_TLBN $TLBN";; esac; }
wait_port() { for _ in $(seq 900); do ss -Hlun "sport = :$1" | grep -q . && return 0; sleep 0.1; done
  die "nothing listens on udp $1"; }
jvm_pid() { pgrep -P "$TL" java | head -1; }   # the JVM under its timeout wrapper (any jar name)
header() { echo "# $(date -u +%FT%TZ) $1; $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg); session $SESSION"; }

# one bounded run: run_one SUT RATE SECS OUTDIR [env...]
run_one() {
  local sut=$1 rate=$2 secs=$3 out=$4 rc=0; shift 4
  read -r tgt pid <<<"$(target "$sut")"
  env OUTDIR="$out" QUIET=1 "$@" "$H/cps-run.sh" "$tgt" "$rate" "$secs" "$pid" || rc=$?
  # the calls this SUT has been offered in the session so far (hold's calls not counted): a JVM's CDR rows
  echo $(( $(calls_of "$sut") + $(sed -n 's/^created=//p' "$out/result.env" 2>/dev/null || true) + 0 )) >"$SESSION/calls-$sut"
  return $rc
}
calls_of() { cat "$SESSION/calls-$1" 2>/dev/null || echo 0; }
# h2_analyze K0 K1: the row count at which H2 re-runs ANALYZE on the CDR table if the JVM's CDR rows went from K0 to
# K1 (its default ANALYZE_AUTO=2000: after 2000, 4000, 8000, ... more rows, i.e. at 2000 x (2^k - 1) rows), else "-".
# Stop 17, branch jit: such a run compiles 300-400 methods (H2's page reads from the file, chunk rewrite; README).
h2_analyze() { python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2])
t = [2000 * (2 ** k - 1) for k in range(1, 40)]; print(next((x for x in t if a < x <= b), "-"))' "$1" "$2"; }
brief() { # the fields a reader wants from a RESULT line
  tr ' ' '\n' | grep -E '^(rate|achieved_cps|fail_pct|retrans|sut_us_per_call|sut_cpu_pct|uac_cpu_pct|uas_cpu_pct|other_cpu_pct|clean|rt_p99_ms|lat_e2e_med_us|lat_e2e_p99_us|lat_uas_med_us|lat_sut_added_med_us|lat_sut_added_p99_us|lat_added_med_us|lat_added_p99_us|lat_added_max_us)=' | tr '\n' ' '; echo; }

# seed DB_DIR: with TRACE_SEED=DIR, hard-links DIR's trace segments (*.seg) into DB_DIR/traces before the JVM starts, so
# that it begins as a server that has run long: its store near traces.max-size (1 GiB), where every 30 s retention
# pass deletes segments (stop 19, branch trace12: that pass was the trace writer's cost at 500 cps). The JVM indexes
# them at start; it only reads and deletes them (a link), so one seed serves every JVM of a session.
seed() { [[ -n "${TRACE_SEED:-}" ]] || return 0; mkdir -p "$1/traces"; ln "$TRACE_SEED"/*.seg "$1/traces/"; }

cmd_start() {
  for p in $P_KAM $P_TL $P_TLN $P_TLB $P_TLBN $P_UAC $P_HOLD $P_UAS; do
    ss -Hlun "sport = :$p" | grep -q . && die "port $p in use; set BASE_PORT"; done
  [[ -f "$JAR" ]] || die "no $JAR: ./build -q -o -B package -DskipTests"
  SESSION="$BASE/$(date -u +%Y%m%dT%H%M%S)"; mkdir -p "$SESSION/db"; ln -sfn "$SESSION" "$STATE"
  EXTRA_YAML="${EXTRA_YAML:-}" API_PORT="${API:+$((B + 7))}" DB_URL_SUFFIX="${DB_URL_SUFFIX:-}" "$HERE/config.sh" "$P_TL" "$P_UAS" "$SESSION/db" "${TRACES:-on}" >"$SESSION/trunkline.yaml"
  UAS_PID=$(BENCH_RUN="$SESSION" "$H/sipp-uas.sh" "$P_UAS" "$LIFE")
  KAM=$(BENCH_RUN="$SESSION" NEXTHOP="sip:127.0.0.1:$P_UAS" KAM_EXTRA="${KAM_EXTRA:--x tlsf}" \
        "$H/kam-start.sh" plain "$P_KAM" "$LIFE")
  seed "$SESSION/db"
  # JVM flags as bench/stack/run.sh; JAVA_OPTS adds e.g. -Dtrunkline.log.level=WARN
  # shellcheck disable=SC2086
  setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"$HEAP" -Xmx"$HEAP" $(gc_for "${JAVA_OPTS:-}") $(touch_for) ${JAVA_OPTS:-} \
    "$(gclog trunkline)" $(jitlog trunkline) $(aot trunkline "${AOT:-}" "${AOT_OUT:-}") -jar "$JAR" run --config "$SESSION/trunkline.yaml" </dev/null >"$SESSION/trunkline.log" 2>&1 &
  TL=$!
  wait_port "$P_TL"; aot_used trunkline "${AOT:-}"
  TLN=""
  if [[ "${TRACE_AB:-0}" == 1 ]]; then
    mkdir -p "$SESSION/db-notrace"
    EXTRA_YAML="${EXTRA_YAML:-}" DB_URL_SUFFIX="${DB_URL_SUFFIX:-}" "$HERE/config.sh" "$P_TLN" "$P_UAS" "$SESSION/db-notrace" off >"$SESSION/trunkline-notrace.yaml"
    # shellcheck disable=SC2086
    setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"$HEAP" -Xmx"$HEAP" $(gc_for "${JAVA_OPTS:-}") $(touch_for) ${JAVA_OPTS:-} \
      "$(gclog trunkline-notrace)" $(jitlog trunkline-notrace) $(aot trunkline-notrace "${AOT:-}" "") -jar "$JAR" run --config "$SESSION/trunkline-notrace.yaml" </dev/null >"$SESSION/trunkline-notrace.log" 2>&1 &
    TLN=$!
    wait_port "$P_TLN"; aot_used trunkline-notrace "${AOT:-}"
  fi
  TLB=""; TLBN=""
  if [[ -n "${TRUNKLINE_JAR_B:-}" ]]; then
    [[ -f "$TRUNKLINE_JAR_B" ]] || die "no $TRUNKLINE_JAR_B"
    start_b() { # start_b NAME PORT [off] [EXTRA_YAML]
      mkdir -p "$SESSION/db-$1"; [[ "${3:-${TRACES:-on}}" == off ]] || seed "$SESSION/db-$1"
      EXTRA_YAML="${4:-}" DB_URL_SUFFIX="${DB_URL_SUFFIX_B-${DB_URL_SUFFIX:-}}" "$HERE/config.sh" "$2" "$P_UAS" "$SESSION/db-$1" "${3:-${TRACES:-on}}" >"$SESSION/$1.yaml"
      # shellcheck disable=SC2086
      setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"$HEAP" -Xmx"$HEAP" $(gc_for "${JAVA_OPTS_B-${JAVA_OPTS:-}}") $(touch_for) ${JAVA_OPTS_B-${JAVA_OPTS:-}} \
        "$(gclog "$1")" $(jitlog "$1") $(aot "$1" "${AOT_B:-}" "") -jar "$TRUNKLINE_JAR_B" run --config "$SESSION/$1.yaml" </dev/null >"$SESSION/$1.log" 2>&1 &
      echo $!
    }
    TLB=$(API_PORT="${API:+$((B + 8))}" start_b trunkline-b "$P_TLB" "" "${EXTRA_YAML_B:-}"); wait_port "$P_TLB"; aot_used trunkline-b "${AOT_B:-}"
    if [[ "${TRACE_AB:-0}" == 1 ]]; then
      TLBN=$(API_PORT="${API:+$((B + 9))}" start_b trunkline-b-notrace "$P_TLBN" off "${EXTRA_YAML_BN:-${EXTRA_YAML_B:-}}"); wait_port "$P_TLBN"; aot_used trunkline-b-notrace "${AOT_B:-}"
    fi
  fi
  cat >"$SESSION/state.env" <<ENV
SESSION=$SESSION
UAS_PID=$UAS_PID
KAM=$KAM
TL=$TL
TLN=$TLN
TLB=$TLB
TLBN=$TLBN
JAR=$JAR
JAR_B="${TRUNKLINE_JAR_B:-}"
TRACES="${TRACES:-on}"
JAVA_OPTS="${JAVA_OPTS:-}"
JAVA_OPTS_B="${JAVA_OPTS_B-${JAVA_OPTS:-}}"
JAVA_HEAP="$HEAP"
DB_URL_SUFFIX="${DB_URL_SUFFIX:-}"
DB_URL_SUFFIX_B="${DB_URL_SUFFIX_B-${DB_URL_SUFFIX:-}}"
KAM_EXTRA="${KAM_EXTRA:--x tlsf}"
AOT="${AOT:-}"
AOT_B="${AOT_B:-}"
AOT_OUT="${AOT_OUT:-}"
PAIR_LOOPS="${PAIR_LOOPS:-1}"
PAIR_LOOPS_B="${PAIR_LOOPS_B:-1}"
PAIR_LOOPS_BN="${PAIR_LOOPS_BN:-${PAIR_LOOPS_B:-1}}"
ENV
  echo "session $SESSION: UAS $UAS_PID on $P_UAS, Kamailio $KAM on $P_KAM, Trunkline $TL on $P_TL"
  echo "jar $JAR ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'))" >>"$SESSION/info.txt"
}

compiled() { # methods the JIT has compiled so far in the JVM under wrapper PID $1 (its perf data, as jstat reads it)
  local p; p=$(pgrep -P "$1" java | head -1); [[ -n $p ]] || { echo 0; return; }
  "$HERE/jit-count.py" "$p"; }
db_suffix() { case $1 in trunkline-b|trunkline-b-notrace) echo "${DB_URL_SUFFIX_B:-}";; *) echo "${DB_URL_SUFFIX:-}";; esac; }
name_of() { case $1 in trunkline-b|trunkline-b-notrace|trunkline-notrace) echo "$1";; *) echo trunkline;; esac; }
ms() { date +%s%3N; }
# until_warm SUT: more warm-up runs (2000 cps x WARMUP_SECS) until the JVM is as a running server is: ZGC past its
# three warm-up majors (at 10/20/30 % of the heap, 0.8-1.6 s each) and the JIT down to WARM_JIT (50) compilations
# in the last run, and H2's first chunk rewrite behind it (its methods in the JIT log); at most WARMUP_MORE (12) more runs. Stop 16, branch spread: after 16,000 calls a JVM still compiled
# 275 methods (322 us per call of C1/C2 threads) in the next 8 s run, and ZGC's warm-up majors fell in runs 2 and 5.
until_warm() { local s=$1 pid n=0 c0 c1 w jit=-1 zgc=0 h2
  pid=$(target "$s" | cut -d' ' -f2)
  [[ "$(ps -o args= -p "$(pgrep -P "$pid" java | head -1)" 2>/dev/null)" == *-XX:+UseZGC* ]] && zgc=1
  while :; do
    w=$("$HERE/gc-cycles.py" "$SESSION/gc-$(name_of "$s").log" --warmups)
    h2=yes; [[ "${JIT_LOG:-1}" == 0 ]] || (( $(h2_rewrites "$s") > 0 )) || h2=no
    if (( (zgc == 0 || w >= 3) && jit >= 0 && jit <= ${WARM_JIT:-50} )) && [[ $h2 == yes ]]; then break; fi
    if (( n >= ${WARMUP_MORE:-12} )); then echo "$s: NOT warm after $n more runs (ZGC warm-up majors $w of 3, last run compiled $jit, H2 chunk rewrite compiled: $h2)"; return 0; fi
    c0=$(compiled "$pid"); run_one "$s" 2000 "${WARMUP_SECS:-15}" "$SESSION/warmup/$s-more-$n-$RANDOM" >/dev/null
    c1=$(compiled "$pid"); jit=$((c1 - c0)); n=$((n + 1)); sleep 3
  done
  echo "$s: warm after $n more runs (ZGC warm-up majors $w$( ((zgc)) || echo ', not ZGC'); last run compiled $jit methods; H2 chunk rewrite compiled: $h2)"
}

cmd_warmup() { load; header warmup
  # the JIT needs some 50,000 calls; Kamailio only fills its caches
  local rates="${WARMUP_RATES:-1000 2000 2000}" secs="${WARMUP_SECS:-15}" s
  if [[ -n "${WARMUP_SUTS:-}" ]]; then   # only these (kamailio included if named)
    for s in $WARMUP_SUTS; do for r in $rates; do
      [[ $s == kamailio ]] && continue
      run_one "$s" $r "$secs" "$SESSION/warmup/$s-$r-$RANDOM" | brief; sleep 3; done; done
    [[ " $WARMUP_SUTS " == *" kamailio "* ]] && run_one kamailio 1000 10 "$SESSION/warmup/kam-$RANDOM" | brief
    for s in $WARMUP_SUTS; do [[ $s == kamailio ]] || until_warm "$s"; done
    return 0
  fi
  for r in $rates; do run_one trunkline $r "$secs" "$SESSION/warmup/tl-$r-$RANDOM" | brief; sleep 3; done
  if [[ -n "${TLN:-}" ]]; then
    for r in $rates; do run_one trunkline-notrace $r "$secs" "$SESSION/warmup/tln-$r-$RANDOM" | brief; sleep 3; done
  fi
  for s in ${TLB:+trunkline-b} ${TLBN:+trunkline-b-notrace}; do
    for r in $rates; do run_one "$s" $r "$secs" "$SESSION/warmup/$s-$r-$RANDOM" | brief; sleep 3; done
  done
  [[ " $SUTS " == *" kamailio "* ]] && run_one kamailio 1000 10 "$SESSION/warmup/kam-$RANDOM" | brief
  for s in trunkline ${TLN:+trunkline-notrace} ${TLB:+trunkline-b} ${TLBN:+trunkline-b-notrace}; do until_warm "$s"; done
  true
}

# sweep "RATES": per rate, REPEAT rounds of (each SUT once), so both see the same neighbours. Per run, the JVM's
# compilations (jit_compiled) and the GC cycles that began in it (gc_cycles, gc_major, gc_list) go to its result.env.
# Per rate and SUT, span-rRATE.env: the CPU of the SUT's processes from its first run's start to the end of the
# rate's last round, over every call of those runs (span_us_per_call): a GC cycle or the expiry of transactions
# kept 32 s is counted whether it falls in a run or between runs, which a run's own figure leaves to chance.
cmd_sweep() { load; local rates="${1:-1000 2000 3000 4000}"; header "sweep [$rates] ${SECS}s x$REPEAT"
  local R i s o pid c0 r0 t0 k0 line
  for R in $rates; do
    local -A T0=() C0=() N=()
    for i in $(seq "$REPEAT"); do
      for s in $SUTS; do
        o="$SESSION/sweep/$s/r$R-$i"
        [[ -d "$o" ]] && continue   # a re-run window fills only what is missing
        pid=$(target "$s" | cut -d' ' -f2)
        [[ -n ${T0[$s]:-} ]] || { T0[$s]=$(ms); C0[$s]=$("$H/cpu-ticks.py" "$pid" | cut -d' ' -f1); N[$s]=0; }
        [[ $s != kamailio ]] && { c0=$(compiled "$pid"); r0=$(h2_rewrites "$s"); mkdir -p "$o"; "$HERE/threads.py" "$(pgrep -P "$pid" java | head -1)" >"$o/threads0"; }
        t0=$(ms); k0=$(calls_of "$s")
        line=$(run_one "$s" "$R" "$SECS" "$o")
        if [[ $s != kamailio ]]; then
          # CPU per thread group over the run (threads.py): the trace writer's us per call into result.env
          "$HERE/threads.py" "$(pgrep -P "$pid" java | head -1)" >"$o/threads1"
          "$HERE/threads.py" --diff "$o/threads0" "$o/threads1" "$(grep -o '^success=[0-9]*' "$o/result.env" | cut -d= -f2)" >"$o/threads.txt"
          { echo "jit_compiled=$(( $(compiled "$pid") - c0 ))"
            echo "run_ms=$t0-$(ms)"   # wall-clock bounds (epoch ms), to place log lines (e.g. trace retention) in runs
            awk -F'|' '$2 ~ /^ trace-writer / {printf "writer_us_per_call=%.1f\n", $5 + $6}' "$o/threads.txt"
            echo "calls_before=$k0"
            [[ "${JIT_LOG:-1}" == 0 ]] || echo "h2_rewrite=$( (( r0 == 0 && $(h2_rewrites "$s") > 0 )) && echo first || echo -)"
            [[ "$(db_suffix "$s")" == *ANALYZE_AUTO* ]] || echo "h2_analyze=$(h2_analyze "$k0" "$(calls_of "$s")")"
            "$HERE/gc-cycles.py" "$SESSION/gc-$(name_of "$s").log" "$t0" "$(ms)" | tr ' ' '\n'; } >>"$o/result.env"
        fi
        N[$s]=$(( N[$s] + $(grep -o '^success=[0-9]*' "$o/result.env" | cut -d= -f2) ))
        echo "$s $(echo "$line" | brief)$(grep -hE '^(jit_compiled|gc_list|h2_analyze|h2_rewrite|writer_us_per_call)=' "$o/result.env" | tr '\n' ' ')"
        sleep "${GAP:-3}"   # GAP: seconds between runs (3)
      done
      span "$R" $((i == REPEAT))   # after every round: a window cut short still leaves its whole rounds' span
    done
  done
}
# span RATE LAST: span-rRATE.env of every SUT that ran in this sweep (T0, C0, N of cmd_sweep); printed if LAST is 1
span() { local R=$1 s pid
  for s in $SUTS; do
    [[ -n ${T0[$s]:-} ]] || continue
    pid=$(target "$s" | cut -d' ' -f2)
    python3 - "$SESSION/sweep/$s/span-r$R.env" "${T0[$s]}" "$(ms)" "${C0[$s]}" "$("$H/cpu-ticks.py" "$pid" | cut -d' ' -f1)" \
      "${N[$s]}" "$(getconf CLK_TCK)" "$SESSION/gc-$(name_of "$s").log" "$s" "$HERE" "$2" <<'PY'
import shlex, subprocess, sys
f, t0, t1, c0, c1, n, hz, gc, s, here, last = sys.argv[1:]
cpu = (int(c1) - int(c0)) / int(hz); n = max(int(n), 1)
g = subprocess.run([f'{here}/gc-cycles.py', gc, t0, t1], capture_output=True, text=True).stdout.split() if s != 'kamailio' else []
lines = [f'span_s={(int(t1) - int(t0)) / 1000:.1f}', f'span_calls={n}', f'span_cpu_s={cpu:.3f}',
         f'span_us_per_call={cpu * 1e6 / n:.1f}'] + [x.replace('gc_', 'span_gc_', 1) for x in g]
# values quoted: the summary sources this file, and a GC list reads "Ma(Proactive),..."
open(f, 'w').write(''.join(k + '=' + shlex.quote(v) + '\n' for k, v in (x.split('=', 1) for x in lines)))
if last == '1':
    print(f'span {s}: ' + ' '.join(lines))
PY
  done
}

cmd_latency() { load; header "latency 500 cps"
  local pc=0; command -v tcpdump >/dev/null && pc=1
  for i in $(seq "$REPEAT"); do for s in $SUTS; do
    local n=1; while [[ -d "$SESSION/latency/$s/r500-$n" ]]; do n=$((n + 1)); done   # a later window adds runs
    local o="$SESSION/latency/$s/r500-$n"
    snap_jvm "$s" "$o/threads0"
    run_one "$s" 500 "$SECS" "$o" PCAP=$pc >/dev/null
    snap_jvm "$s" "$o/threads1" "$o"
    added "$s" "$o"; echo "$s $(echo "RESULT $(grep -v '^#' "$o/result.env" | tr '\n' ' ')" | brief)"; sleep 3
  done; done
}
# snap_jvm SUT FILE [RUN_DIR]: threads.py snapshot of a JVM SUT (none for Kamailio); with RUN_DIR, the CPU per thread
# group between RUN_DIR/threads0 and FILE over the run's successful calls into RUN_DIR/threads.txt (latency and hold's
# 500 cps runs: what the loops, GC, CDR and trace writers spend per call with and without held calls)
snap_jvm() { [[ $1 == kamailio ]] && return 0; local p; p=$(pgrep -P "$(target "$1" | cut -d' ' -f2)" java | head -1)
  mkdir -p "$(dirname "$2")"; "$HERE/threads.py" "$p" >"$2" || return 0
  [[ -n "${3:-}" ]] && "$HERE/threads.py" --diff "$3/threads0" "$2" "$(grep -o '^success=[0-9]*' "$3/result.env" | cut -d= -f2)" >"$3/threads.txt" || true; }
added() { # per-call added latency of a PCAP run (pcap-added.py), appended to its result.env
  local p l; p=$(target "$1" | cut -d' ' -f1 | cut -d: -f2)
  # --loops for the leg pairing: PAIR_LOOPS(_B, _BN) at start; 1 for a build whose calls all live on
  # the loop that reads the (one) caller's datagrams, or for sip: {threads: 1}
  case $1 in trunkline-b) l=${PAIR_LOOPS_B:-1};; trunkline-b-notrace) l=${PAIR_LOOPS_BN:-1};; kamailio) l=;; *) l=${PAIR_LOOPS:-1};; esac
  [[ -f "$2/run.pcap" ]] && "$HERE/pcap-added.py" "$2/run.pcap" "$p" "$P_UAS" ${l:+--loops "$l"} --dump "$2/added.csv" >>"$2/result.env" || true
}

heap_used_kb() { # after a full GC: used heap in KB
  local p; p=$(jvm_pid); "$JBIN/jcmd" "$p" GC.run >/dev/null
  # G1 prints "used 123456K", ZGC "used 60M": in KB either way
  "$JBIN/jcmd" "$p" GC.heap_info | sed -n 's/.* used \([0-9]*\)\([KMG]\).*/\1 \2/p' | head -1 |
    awk '{print $1 * ($2 == "G" ? 1048576 : $2 == "M" ? 1024 : 1)}'
}

# hold: HOLD_CALLS calls placed at HOLD_RATE and held HOLD_S s (Trunkline only); heap after GC
# before/at the plateau; then a PCAP latency run at 500 cps while they are all held
cmd_hold() { load; local n="${HOLD_CALLS:-20000}" rate="${HOLD_RATE:-1000}" hold="${HOLD_S:-90}"
  header "hold $n calls at $rate cps for ${hold}s"
  local out="$SESSION/hold/$(date -u +%H%M%S)"; mkdir -p "$out"
  local ramp=$(( n / rate )); (( ramp + 25 < hold )) || die "HOLD_S must exceed ramp + 25 s"
  local h0; h0=$(heap_used_kb); echo "heap used after GC, idle: ${h0} KB"
  "$JBIN/jcmd" "$(jvm_pid)" GC.class_histogram >"$out/histogram-idle.txt" 2>/dev/null || true
  ( cd "$out" && timeout $((hold + ramp + 60)) sipp -sf "$H/uac.xml" -i 127.0.0.1 -p "$P_HOLD" -t u1 \
      -r "$rate" -m "$n" -l $((n + 100)) -d $((hold * 1000)) -timeout $((hold + ramp + 45))s \
      -recv_timeout 10000 -buff_size 4194304 -max_recv_loops 10000 -nostdin -trace_stat -stf stat.csv \
      -fd 1 -trace_err -error_file errors.log "127.0.0.1:$P_TL" </dev/null >sipp.out 2>&1; echo $? >sipp.rc ) &
  local hp=$!
  sleep $((ramp + 4))
  local cur; cur=$(tail -1 "$out/stat.csv" | python3 -c "import sys,csv;h=open('$out/stat.csv').readline().strip().split(';');r=sys.stdin.readline().strip().split(';');print(r[h.index('CurrentCall')], r[h.index('SuccessfulCall(C)')], r[h.index('FailedCall(C)')])")
  local h1; h1=$(heap_used_kb)
  read -r active okc failc <<<"$cur"
  echo "held: SIPp CurrentCall=$active (ended ok $okc, failed $failc); heap used after GC ${h1} KB"
  python3 -c "print('heap per active call: %.0f B  ((%s - %s) KB / %s calls)' % (($h1 - $h0) * 1024 / max($active, 1), $h1, $h0, $active))" | tee "$out/heap.txt"
  # the live heap per class, idle and with the calls held (each histogram after a full GC), and what the calls added per
  # class: a per-call figure that moved between sessions is split into the calls' own objects and shared structures
  "$JBIN/jcmd" "$(jvm_pid)" GC.class_histogram >"$out/histogram-held.txt" 2>/dev/null || true
  head -25 "$out/histogram-held.txt" >"$out/histogram.txt"
  "$HERE/histo-diff.py" "$out/histogram-idle.txt" "$out/histogram-held.txt" "$active" >"$out/histo-diff.txt" 2>&1 && head -1 "$out/histo-diff.txt" || true
  mkdir -p "$out/lat500"; snap_jvm trunkline "$out/lat500/threads0"
  run_one trunkline 500 "$SECS" "$out/lat500" PCAP=1 >/dev/null; added trunkline "$out/lat500"
  snap_jvm trunkline "$out/lat500/threads1" "$out/lat500"
  echo "latency with $active held: $(echo "RESULT $(grep -v '^#' "$out/lat500/result.env" | tr '\n' ' ')" | brief)"
  wait "$hp" || true
  echo "hold run: $(grep -E 'Successful call|Failed call' "$out/sipp.out" | tr -s ' ' | tr '\n' ' ')"
}

# profile RATE: JFR (settings=profile) over a SECS-long run at RATE, per-thread CPU, top frames
cmd_profile() { load; local rate="${1:-2000}" sut="${PROFILE_SUT:-trunkline}"; header "profile $sut at $rate cps"
  local out="$SESSION/profile/r$rate-$sut-$(date -u +%H%M%S)"; mkdir -p "$out"; local p tgt spid pids calls jvm=1
  read -r tgt spid <<<"$(target "$sut")"
  if [[ $sut == kamailio ]]; then jvm=0; p=$spid; else p=$(pgrep -P "$spid" java | head -1); fi
  [[ $jvm == 1 ]] && "$HERE/threads.py" "$p" >"$out/threads0"
  [[ $jvm == 1 && "${JFR:-1}" == 1 ]] && "$JBIN/jcmd" "$p" JFR.start name=calls settings=profile filename="$out/calls.jfr" >/dev/null
  local perfp=""
  if [[ "${PERF:-0}" == 1 ]]; then
    # PERF=1: perf samples (cpu-clock, 999 Hz: no PMU on this VM) of every thread of the SUT's processes (Kamailio's
    # children too), kernel included, with call chains, over the run; a JVM's Java frames named from the JIT's perf map
    # (jcmd Compiler.perfmap, written after the run; -XX:+PreserveFramePointer in JAVA_OPTS for whole Java stacks).
    # perf-split.py: each thread group's samples as Java / libjvm / kernel / libc+native, the kernel's by system call,
    # the loops' by layer, the top symbols (stop 20, branch loops13).
    pids=$(python3 -c "import sys; sys.path.insert(0, '$ROOT/bench'); from syscount import descendants; print(','.join(map(str, descendants($p))))")
    perf record -q -e cpu-clock -F 999 -g -p "$pids" -o "$out/perf.data" -- sleep $((SECS + 3)) >/dev/null 2>&1 & perfp=$!
    sleep 1
  fi
  echo "$sut $(run_one "$sut" "$rate" "$SECS" "$out/run" | brief)"
  calls=$(grep -o '^success=[0-9]*' "$out/run/result.env" 2>/dev/null | cut -d= -f2 || true)
  [[ $jvm == 1 && "${JFR:-1}" == 1 ]] && "$JBIN/jcmd" "$p" JFR.stop name=calls >/dev/null
  if [[ -n "$perfp" ]]; then
    wait "$perfp" || true
    if [[ $jvm == 1 ]]; then "$JBIN/jcmd" "$p" Compiler.perfmap >/dev/null; cp "/tmp/perf-$p.map" "$out/" 2>/dev/null || true; fi
    perf script -F comm,tid,ip,sym,dso -i "$out/perf.data" 2>/dev/null | gzip >"$out/perf-script.txt.gz" || true
    "$HERE/perf-split.py" "$out/perf-script.txt.gz" "$calls" $([[ $jvm == 1 ]] || echo kamailio) | tee "$out/perf-split.txt" || true
  fi
  [[ $jvm == 1 ]] || return 0
  "$HERE/threads.py" "$p" >"$out/threads1"
  "$HERE/threads.py" --diff "$out/threads0" "$out/threads1" "$calls" | tee "$out/threads.txt"
  [[ "${JFR:-1}" == 1 ]] || return 0
  "$JBIN/jfr" print --stack-depth 64 --events jdk.ExecutionSample "$out/calls.jfr" >"$out/samples.txt"
  "$HERE/jfr-top.py" "$out/samples.txt" | tee "$out/top.txt"
  # GC pauses in the window: count, total, max (a young pause > 500 ms means INVITE retransmissions)
  "$JBIN/jfr" print --events jdk.GarbageCollection "$out/calls.jfr" | python3 -c '
import re, sys
t = sys.stdin.read(); ms = []
for e in t.split("jdk.GarbageCollection")[1:]:
    m = re.search(r"sumOfPauses = ([\d.]+) (ms|s)", e)
    if m: ms.append(float(m.group(1)) * (1000 if m.group(2) == "s" else 1))
ms.sort()
print(f"GC: {len(ms)} collections, pauses total {sum(ms):.0f} ms, median {ms[len(ms)//2] if ms else 0:.1f} ms, max {ms[-1] if ms else 0:.1f} ms")
' | tee "$out/gc.txt"
}

# alloc RATE: per JVM SUT of SUTS (kamailio skipped), REPEAT interleaved runs at RATE, each between two
# `jcmd Thread.print -e` dumps: bytes allocated per thread group in KB per call (alloc-threads.py), a count, not a
# sample, so A/B reads at 0.01 KB; JFR=1 also records each run's allocation sites (jdk.ObjectAllocationSample,
# throttle JFR_THROTTLE, default 2000/s) and CPU samples, and prints the loops' top sites (jfr-alloc.py).
cmd_alloc() { load; local rate="${1:-2000}" i s o p calls; header "alloc at $rate cps ${SECS}s x$REPEAT"
  for i in $(seq "$REPEAT"); do for s in $SUTS; do
    [[ $s == kamailio ]] && continue
    o="$SESSION/alloc/$s/r$rate-$i"; mkdir -p "$o"; p=$(pgrep -P "$(target "$s" | cut -d' ' -f2)" java | head -1)
    [[ "${JFR:-0}" == 1 ]] && "$JBIN/jcmd" "$p" JFR.start name=alloc settings=profile \
      "jdk.ObjectAllocationSample#throttle=${JFR_THROTTLE:-2000/s}" filename="$o/alloc.jfr" >/dev/null
    "$JBIN/jcmd" "$p" Thread.print -e >"$o/t0"
    run_one "$s" "$rate" "$SECS" "$o/run" >/dev/null || true
    "$JBIN/jcmd" "$p" Thread.print -e >"$o/t1"
    [[ "${JFR:-0}" == 1 ]] && "$JBIN/jcmd" "$p" JFR.stop name=alloc >/dev/null
    calls=$(grep -o '^success=[0-9]*' "$o/run/result.env" | cut -d= -f2)
    "$HERE/alloc-threads.py" "$o/t0" "$o/t1" "$calls" >"$o/alloc.txt"
    echo "$s r$rate-$i $(grep -hE '^(sut_us_per_call|fail_pct)=' "$o/run/result.env" | tr '\n' ' ')$(tr '\n' ' ' <"$o/alloc.txt")"
    if [[ "${JFR:-0}" == 1 ]]; then
      "$JBIN/jfr" print --stack-depth 30 --events jdk.ObjectAllocationSample "$o/alloc.jfr" >"$o/alloc-samples.txt"
      "$JBIN/jfr" print --stack-depth 64 --events jdk.ExecutionSample "$o/alloc.jfr" >"$o/samples.txt"
      DEPTH=3 "$HERE/jfr-alloc.py" "$o/alloc-samples.txt" EventLoop "$calls" >"$o/sites.txt" || true
      "$HERE/jfr-top.py" "$o/samples.txt" >"$o/top.txt" || true
    fi
    sleep 3
  done; done
}

# sched "RATES": REPEAT interleaved rounds (each rate of a round, each SUT of a rate), every run between two sched.py
# snapshots of the SUT's threads: per thread group, µs per call by ticks (what a run's sut_us_per_call reads) and by
# the scheduler's own clock (schedstat), run-queue wait, slices (wake-ups that ran) and switches per call, µs per
# slice (stop 19, branch wake12: why a call cost twice as much at 500 cps as at 1,000). SYSCOUNT=1: each run also
# under ../syscount.py (system calls per call per group; perf's counting costs a little: read CPU from runs without it).
cmd_sched() { load; local rates="${1:-500 1000}" i R s o n tgt pid calls line; header "sched [$rates] ${SECS}s x$REPEAT"
  for i in $(seq "$REPEAT"); do for R in $rates; do for s in $SUTS; do
    n=$i; while [[ -d "$SESSION/sched/$s/r$R-$n" ]]; do n=$((n + 100)); done   # a later window adds runs
    o="$SESSION/sched/$s/r$R-$n"; mkdir -p "$o"; read -r tgt pid <<<"$(target "$s")"
    "$HERE/sched.py" snap "$o/s0" "$pid"
    if [[ "${SYSCOUNT:-0}" == 1 ]]; then
      "$ROOT/bench/syscount.py" run "$o/syscount.csv" "$pid" -- \
        env OUTDIR="$o/run" QUIET=1 "$H/cps-run.sh" "$tgt" "$R" "$SECS" "$pid" >/dev/null || true
      echo $(( $(calls_of "$s") + $(sed -n 's/^created=//p' "$o/run/result.env" 2>/dev/null || true) + 0 )) >"$SESSION/calls-$s"
    else
      run_one "$s" "$R" "$SECS" "$o/run" >/dev/null || true
    fi
    "$HERE/sched.py" snap "$o/s1" "$pid"
    calls=$(grep -o '^success=[0-9]*' "$o/run/result.env" | cut -d= -f2)
    "$HERE/sched.py" diff "$o/s0" "$o/s1" "$calls" >"$o/sched.txt"
    [[ -f "$o/syscount.csv" ]] && "$ROOT/bench/syscount.py" table "$o/syscount.csv" "$calls" --groups >"$o/syscount.txt"
    line=$(grep -hE '^(sut_us_per_call|fail_pct|clean)=' "$o/run/result.env" | tr '\n' ' ')
    echo "$s r$R-$n $line| $(grep -E '^\| (all|multiThreadIo[^|]*|kamailio) \|' "$o/sched.txt" | tr -s ' ' | tr '\n' ' ')"
    sleep 3
  done; done; done
}

cmd_summary() { load
  local a=()
  for s in $SUTS; do [[ -d "$SESSION/sweep/$s" ]] && a+=("$s=$SESSION/sweep/$s/r*"); done
  (( ${#a[@]} )) && "$H/summarize.py" "${a[@]}"
  local f first=1 r
  for s in $SUTS; do for f in "$SESSION/sweep/$s"/r*/result.env; do
    [[ -f $f ]] || continue
    ((first)) && { echo; echo "| SUT | run | us/call | JIT compiled in the run | GC cycles begun in the run | H2 auto-ANALYZE at row |"; echo "|---|---|---|---|---|---|"; first=0; }
    r=${f%/result.env}
    echo "| $s | ${r##*/} | $(sed -n 's/^sut_us_per_call=//p' "$f") | $(sed -n 's/^jit_compiled=//p' "$f") | $(sed -n 's/^gc_list=//p' "$f") | $(sed -n 's/^h2_analyze=//p' "$f") |"
  done; done
  first=1
  for s in $SUTS; do for f in "$SESSION/sweep/$s"/span-r*.env; do
    [[ -f $f ]] || continue
    ((first)) && { echo; echo "| SUT | cps | span s | calls | CPU s | us/call over the span | GC cycles (majors) |"; echo "|---|---|---|---|---|---|---|"; first=0; }
    # shellcheck disable=SC1090
    ( source "$f"; r=${f##*/span-r}; echo "| $s | ${r%.env} | $span_s | $span_calls | $span_cpu_s | $span_us_per_call | ${span_gc_cycles:--} (${span_gc_major:--}) |" )
  done; done
  a=()
  for s in $SUTS; do [[ -d "$SESSION/latency/$s" ]] && a+=("$s=$SESSION/latency/$s/r*"); done
  (( ${#a[@]} )) && COLS="fail_pct lat_n lat_e2e_med_us lat_e2e_p99_us lat_uas_med_us lat_uas_p99_us lat_added_med_us lat_added_p99_us lat_added_max_us sut_us_per_call other_cpu_pct" \
    "$H/summarize.py" "${a[@]}"
  true
}

cmd_stop() { load
  if [[ -n "${AOT_OUT:-}" ]]; then   # a training JVM writes its cache as it exits (seconds): SIGTERM, then wait for it
    local p t0; p=$(pgrep -P "$TL" java | head -1); t0=$(ms)
    if [[ -n $p ]]; then kill -TERM "$p"; for _ in $(seq 1200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; fi
    echo "trunkline: exited $(( $(ms) - t0 )) ms after SIGTERM; AOT cache: $(ls -l "$AOT_OUT" 2>&1)"
  fi
  "$H/stop-pid.sh" "$TL" ${TLN:-} ${TLB:-} ${TLBN:-} "$KAM" "$UAS_PID"; }

case "${1:-}" in
  start|warmup|latency|hold|summary|stop) "cmd_$1" ;;
  sweep|profile|alloc|sched) "cmd_$1" "${2:-}" ;;
  *) sed -n '2,22p' "$0"; exit 2 ;;
esac
