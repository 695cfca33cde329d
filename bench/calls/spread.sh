#!/usr/bin/env bash
# spread.sh: why Trunkline's CPU per call varies between rounds (issue 6). One or more JVMs ($D/configs: "name
# JAR flags..." per line, the first is A) beside Kamailio, one SIPp UAS, all started and stopped here (so run it inside
# bench/boost). Every JVM: -Xms4g -Xmx4g ZGC (as run.sh), traces off, a GC log $D/gc-NAME.log and -XX:+PrintCompilation
# (in $D/NAME.log, uptime ms). Around every run: threads.py snapshots and the run's wall-clock bounds ($D/runs.tsv),
# so spread-summary.py can put each GC cycle, compilation and deoptimization, and the CPU used between runs, in its run.
#   flock /tmp/trunkline-bench.lock bench/boost timeout 355 env D=/tmp/x STEPS="warm:2000:8 sweep:1000 sweep:2000" bench/calls/spread.sh
#   bench/calls/spread-summary.py /tmp/x
# STEPS, in order: warm:RATE:SECS (each JVM once, Kamailio 1000 x 4, not counted) | sweep:RATE (ROUNDS (6) rounds of
# every JVM then Kamailio, SECS (8) s each, GAP (1) s between runs) | idle:S. Env: BASE_PORT (43000: Kamailio +1,
# UAC +12, UAS +20, JVMs +31...), JAVA, HEAP (4g). Every process ends with the script (timeout 900 if it is killed).
set -uo pipefail
C="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$C/../.." && pwd)"
H="${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
D=${D:?set D, a folder with a configs file}; mkdir -p "$D"; B=${BASE_PORT:-43000}; UASP=$((B + 20)); KAMP=$((B + 1))
export UAS_PORT=$UASP UAC_PORT=$((B + 12)) BENCH_RUN=$D
declare -A OPTS JARS PORT WPID
NAMES=()
while read -r n j f; do [[ -z $n || $n == \#* ]] && continue; NAMES+=("$n"); JARS[$n]=$j; OPTS[$n]="$f"; done <"$D/configs"
echo "# $(date -u +%T) start; load $(cut -d' ' -f1-3 /proc/loadavg)"
UAS_PID=$("$H/sipp-uas.sh" "$UASP" 900); export UAS_PID; echo "$UAS_PID" >>"$D/pids"
KAM=$(NEXTHOP="sip:127.0.0.1:$UASP" KAM_EXTRA="-x tlsf" "$H/kam-start.sh" plain "$KAMP" 900); echo "$KAM" >>"$D/pids"
PORT[kam]=$KAMP; WPID[kam]=$KAM
i=0
for n in "${NAMES[@]}"; do
  p=$((B + 31 + i)); i=$((i + 1)); PORT[$n]=$p
  mkdir -p "$D/db-$n"; "$C/config.sh" "$p" "$UASP" "$D/db-$n" off >"$D/$n.yaml"
  # shellcheck disable=SC2086
  setsid timeout 900 "$JAVA" --enable-native-access=ALL-UNNAMED -Xms${HEAP:-4g} -Xmx${HEAP:-4g} -XX:+UseZGC ${OPTS[$n]} \
    -XX:+PrintCompilation "-Xlog:gc*,safepoint:file=$D/gc-$n.log:utctime,uptime,tid,level,tags" \
    -jar "${JARS[$n]}" run --config "$D/$n.yaml" </dev/null >"$D/$n.log" 2>&1 &
  WPID[$n]=$!; echo "${WPID[$n]}" >>"$D/pids"
done
for n in "${NAMES[@]}"; do
  for _ in $(seq 600); do ss -Hlun "sport = :${PORT[$n]}" | grep -q . && break; sleep 0.1; done
done
echo "# $(date -u +%T) all up"
jp() { pgrep -P "${WPID[$1]}" java | head -1; }
ms() { date +%s%3N; }
run() { # run NAME RATE SECS OUT LABEL: one cps-run.sh with snapshots and bounds
  local n=$1 R=$2 s=$3 o=$4 label=$5 p="" t0 t1 line
  mkdir -p "$(dirname "$o")"
  if [[ $n != kam ]]; then p=$(jp "$n"); "$C/threads.py" "$p" >"$o.t0"; fi
  t0=$(ms)
  line=$(env OUTDIR="$o" QUIET=1 "$H/cps-run.sh" "127.0.0.1:${PORT[$n]}" "$R" "$s" "${WPID[$n]}" | tr ' ' '\n' |
    grep -E '^(success|fail_pct|sut_us_per_call|other_cpu_pct|loadavg_before|clean)=' | tr '\n' ' ')
  t1=$(ms)
  [[ -n $p ]] && "$C/threads.py" "$p" >"$o.t1"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$R" "$label" "$t0" "$t1" "$o" >>"$D/runs.tsv"
  echo "$(date -u +%T) $n r$R $label $line"
}
for st in $STEPS; do
  case $st in
    warm:*) IFS=: read -r _ R S <<<"$st"
      for n in "${NAMES[@]}"; do run "$n" "$R" "$S" "$D/warm/$n-r$R-$S-$RANDOM" warm; sleep "${GAP:-1}"; done
      run kam 1000 4 "$D/warm/kam-$RANDOM" warm; sleep "${GAP:-1}" ;;
    sweep:*) R=${st#sweep:}
      for k in $(seq "${ROUNDS:-6}"); do
        for n in "${NAMES[@]}" kam; do run "$n" "$R" "${SECS:-8}" "$D/sweep/$n/r$R-$k" "$k"; sleep "${GAP:-1}"; done
      done ;;
    idle:*) sleep "${st#idle:}" ;;
  esac
done
echo "# $(date -u +%T) end; load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${NAMES[@]}"; do p=$(jp "$n"); [[ -n $p ]] && "$C/threads.py" "$p" >"$D/$n.final"; done
for n in "${NAMES[@]}"; do "$H/stop-pid.sh" "${WPID[$n]}" >/dev/null; done
"$H/stop-pid.sh" "$KAM" "$UAS_PID" >/dev/null
echo "# stopped"
