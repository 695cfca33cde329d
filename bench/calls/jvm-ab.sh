#!/usr/bin/env bash
# jvm-ab.sh: one jar under several JVM flag sets in one window, Kamailio beside, one SIPp UAS, all started and stopped
# here (so inside bench/boost). $D/configs has one "name flags..." per line (the first is A); every JVM gets
# -Xms1g -Xmx1g first (a later -Xms/-Xmx wins), traces off, and a GC log $D/gc-NAME.log (-Xlog:gc*,safepoint).
#   flock /tmp/trunkline-bench.lock bench/boost timeout 355 env D=/tmp/x STEPS="warm sweep:1000 sweep:2000" bench/calls/jvm-ab.sh
#   bench/calls/jvm-ab-summary.py /tmp/x             # µs per call (medians, rounds, ratios to A), GC threads' µs per call
# STEPS, in order: warm (WARM_RATE 2000 x WARM_SECS 10 per JVM, Kamailio 1000 x 4) | sweep:RATE (ROUNDS 3 rounds of
# every JVM interleaved, SECS 4 s each, Kamailio in round KAM_ROUND 2; threads.py around every run) | lat (one 500 cps
# PCAP run of LSECS 8 s per JVM and Kamailio; pcap-added.py --loops 1) | idle:S | q2 (A at 4000 cps x 10 s, then
# at once a latency run: stop 15's question 2). Env: JAR (server/target/trunkline.jar), BASE_PORT (44000: Kamailio +1,
# UAC +12, UAS +20, JVMs +31...), JAVA. Every process ends with the script (timeout 900 if it is killed).
set -uo pipefail
C="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$C/../.." && pwd)"
H="${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR=${JAR:-$ROOT/server/target/trunkline.jar}
D=${D:?set D, a folder with a configs file}; mkdir -p "$D"; B=${BASE_PORT:-44000}; UASP=$((B + 20)); KAMP=$((B + 1))
export UAS_PORT=$UASP UAC_PORT=$((B + 12)) BENCH_RUN=$D
declare -A OPTS PORT WPID
NAMES=()
while read -r n f; do [[ -z $n || $n == \#* ]] && continue; NAMES+=("$n"); OPTS[$n]="$f"; done < "$D/configs"
echo "# $(date -u +%T) start; load $(cut -d' ' -f1-3 /proc/loadavg)"
UAS_PID=$("$H/sipp-uas.sh" "$UASP" 900); export UAS_PID; echo "$UAS_PID" >>"$D/pids"
KAM=$(NEXTHOP="sip:127.0.0.1:$UASP" KAM_EXTRA="-x tlsf" "$H/kam-start.sh" plain "$KAMP" 900); echo "$KAM" >>"$D/pids"
PORT[kam]=$KAMP; WPID[kam]=$KAM
i=0
for n in "${NAMES[@]}"; do
  p=$((B + 31 + i)); i=$((i + 1)); PORT[$n]=$p
  mkdir -p "$D/db-$n"; "$C/config.sh" "$p" "$UASP" "$D/db-$n" off >"$D/$n.yaml"
  # shellcheck disable=SC2086
  setsid timeout 900 "$JAVA" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g ${OPTS[$n]} \
    "-Xlog:gc*,safepoint:file=$D/gc-$n.log:utctime,uptime,tid,level,tags" \
    -jar "$JAR" run --config "$D/$n.yaml" </dev/null >"$D/$n.log" 2>&1 &
  WPID[$n]=$!; echo "${WPID[$n]}" >>"$D/pids"
done
for n in "${NAMES[@]}"; do
  for _ in $(seq 600); do ss -Hlun "sport = :${PORT[$n]}" | grep -q . && break; sleep 0.1; done
done
echo "# $(date -u +%T) all up"
one() { # one NAME RATE SECS OUT [env]
  local n=$1 r=$2 s=$3 o=$4; shift 4
  env OUTDIR="$o" QUIET=1 "$@" "$H/cps-run.sh" "127.0.0.1:${PORT[$n]}" "$r" "$s" "${WPID[$n]}" | tr ' ' '\n' |
    grep -E '^(success|fail_pct|retrans|sut_us_per_call|other_cpu_pct|loadavg_before|clean)=' | tr '\n' ' '
}
jp() { pgrep -P "${WPID[$1]}" java | head -1; }
measured() { # measured NAME RATE OUT: one run with per-thread CPU around it
  local n=$1 R=$2 o=$3 p; mkdir -p "$(dirname "$o")"
  if [[ $n != kam ]]; then p=$(jp "$n"); "$C/threads.py" "$p" >"$o.t0"; fi
  local line; line=$(one "$n" "$R" "${SECS:-4}" "$o")
  if [[ $n != kam ]]; then "$C/threads.py" "$p" >"$o.t1"
    "$C/threads.py" --diff "$o.t0" "$o.t1" "$(grep -o '^success=[0-9]*' "$o/result.env" | cut -d= -f2)" >"$o.threads"
    line="$line gc_us=$(grep -E '^\| (Z|GC Thread|G# |Shenandoah|VM Thread)' "$o.threads" | awk -F'|' '{s+=$5+$6} END {print s+0}')"
  fi
  echo "$(date -u +%T) $n r$R $line"
}
lat() { # lat NAME OUT
  local n=$1 o=$2 l=(); [[ $n != kam ]] && l=(--loops 1)
  local line; line=$(one "$n" 500 "${LSECS:-10}" "$o" PCAP=1 2>/dev/null)
  "$C/pcap-added.py" "$o/run.pcap" "${PORT[$n]}" "$UASP" "${l[@]}" --dump "$o/added.csv" >"$o/added.env" 2>&1
  echo "$(date -u +%T) $n lat $line $(grep -E 'lat_added_(n|med_us|p99_us|max_us|invite_p99_us|ok_p99_us)=' "$o/added.env" | tr '\n' ' ')"
}
for st in $STEPS; do
  case $st in
    warm) for n in "${NAMES[@]}"; do echo "$(date -u +%T) warm $n $(one "$n" "${WARM_RATE:-2000}" "${WARM_SECS:-10}" "$D/warm/$n")"; sleep 1; done
          echo "$(date -u +%T) warm kam $(one kam 1000 4 "$D/warm/kam")" ;;
    sweep:*) R=${st#sweep:}
      for k in $(seq "${ROUNDS:-3}"); do
        for n in "${NAMES[@]}"; do measured "$n" "$R" "$D/sweep/$n/r$R-$k"; sleep 1; done
        [[ $k == "${KAM_ROUND:-2}" ]] && { measured kam "$R" "$D/sweep/kam/r$R-$k"; sleep 1; }
      done ;;
    lat) for n in "${NAMES[@]}" kam; do
           k=1; while [[ -d $D/lat/$n-$k ]]; do k=$((k + 1)); done
           lat "$n" "$D/lat/$n-$k"; sleep 1; done ;;
    idle:*) sleep "${st#idle:}" ;;
    q2) n=${NAMES[0]}; echo "$(date -u +%T) q2 $n r4000 $(one "$n" 4000 10 "$D/q2/r4000")"; lat "$n" "$D/q2/lat-after-4000" ;;
  esac
done
echo "# $(date -u +%T) end; load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${NAMES[@]}"; do "$H/stop-pid.sh" "${WPID[$n]}" >/dev/null; done
"$H/stop-pid.sh" "$KAM" "$UAS_PID" >/dev/null
echo "# stopped"
