#!/usr/bin/env bash
# The stack's speed figures (issue 4, "Speed and memory"), Trunkline beside Kamailio 5.6 in the same
# run, everything on 127.0.0.1 over UDP, every process bounded in time and every SIPp run in count.
#
#   bench/stack/run.sh [ROUNDS=3] [RATE=2000] [SECS=10]      (from the repository root)
#
# Per round, each at RATE transactions/s for SECS s (RATE*SECS transactions):
#   answer-trunkline   SIPp UAC OPTIONS -> Trunkline server (`run --config`), 200 from a server transaction
#   answer-kamailio    SIPp UAC OPTIONS -> Kamailio t_newtran + t_reply 200     (kamailio-options.cfg)
#   forward-kamailio   SIPp UAC OPTIONS -> Kamailio t_relay -> SIPp UAS 200     (1 server + 1 client tx)
#   client-trunkline   ClientTransactionDriver: a SipServer's SipClient sends OPTIONS -> SIPp UAS 200
#                      (one non-INVITE client transaction each, the server's UDP path), own JVM
#   client-kamailio    Kamailio originates OPTIONS (uac_req_send: one tm client transaction each) ->
#                      the same SIPp UAS 200 (kamailio-uac.cfg); measure "client" runs both
#   storm-trunkline    as answer-trunkline, every OPTIONS sent 7 times (options-uac-x7.xml)
#   storm-kamailio     as answer-kamailio, every OPTIONS sent 7 times
# CPU of a server = utime+stime of its process tree (/proc) before/after, divided by the transactions
# SIPp saw answered. other_cpu_pct = CPU of every process that is not ours during the run (% of one
# core): other sessions' builds; runs with a high value are noisy.
# Needs: sipp, kamailio (Debian packages sip-tester, kamailio), python3, a JDK >= 21 ($JAVA), and
# the jars: ./build -q -o -B package -DskipTests  (server/target/trunkline.jar, bench/target/benchmarks.jar)
# Env: EXTRA_YAML (lines appended to the Trunkline config, e.g. "traces: {enabled: false}"),
#      EXTRA_YAML_B (the same for the B jar; default EXTRA_YAML), JAVA_HEAP (4g, -Xms=-Xmx; G1 as ./trunkline), BENCH_RUN (default /tmp/trunkline-stack-bench), KAM_EXTRA (default "-x tlsf"), BASE_PORT (15070),
#      TRUNKLINE_JAR (default server/target/trunkline.jar), BENCH_JAR (default bench/target/benchmarks.jar:
#      the client driver), and to compare two builds in the same rounds: TRUNKLINE_JAR_B and BENCH_JAR_B
#      (a second server, measured as answer-trunkline-b and storm-trunkline-b; client-trunkline-b),
#      MEASURES (default "answer forward client storm": which of the per-round measures run; the
#      rate curve of RESULTS.md runs "answer forward client" at several RATEs),
#      DRIVER_JAR (a jar put first on the client driver's class path, before BENCH_JAR/BENCH_JAR_B:
#      one driver class against two builds' stacks), DRIVER_WARMUP (s, default 20: at 8-10 s the
#      driver JVM's C2 still compiled inside the window, 4-14 us per transaction, stop 16 branch uac), KAM_WARMUP (s,
#      default 3: Kamailio has no JIT to warm)
# The servers run with the demo trunks below (ip, register-in, a route): every OPTIONS goes through
# the ingress stages (cross-connect, ip peers, registered source, digest, register-out), matches no
# trunk, and is answered 200 by the ingress.monitors rule (loopback), as a production server
# answers its monitoring; the first warm-up checks that the answer is that 200.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
ROUNDS="${1:-3}"; RATE="${2:-2000}"; SECS="${3:-10}"
MEASURES=" ${MEASURES:-answer forward client storm} "
on() { [[ "$MEASURES" == *" $1 "* ]]; }
RUN="${BENCH_RUN:-/tmp/trunkline-stack-bench}/$(date -u +%Y%m%dT%H%M%S)"; mkdir -p "$RUN"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
KAM_EXTRA="${KAM_EXTRA:--x tlsf}"
B="${BASE_PORT:-15070}"
P_KAM=$((B + 1)); P_KAMFWD=$((B + 2)); P_TL=$((B + 3)); P_TLB=$((B + 4)); P_UAC=$((B + 11)); P_DRV=$((B + 12)); P_KAMUAC=$((B + 13)); P_UAS2=$((B + 19)); P_UAS=$((B + 20))
JAR_B="${TRUNKLINE_JAR_B:-}"; BENCH_JAR="${BENCH_JAR:-$ROOT/bench/target/benchmarks.jar}"
BENCH_JAR_B="${BENCH_JAR_B:-}"
LIFE=$(( ROUNDS * (9 * (SECS + 20) + 60) + 180 ))
HZ=$(getconf CLK_TCK)
SERVERS=no; if on answer || on storm; then SERVERS=yes; fi
DRIVER_JAR="${DRIVER_JAR:-}"; DRIVER_WARMUP="${DRIVER_WARMUP:-20}"; KAM_WARMUP="${KAM_WARMUP:-3}"
for p in $P_KAM $P_KAMFWD $P_TL $P_TLB $P_UAC $P_DRV $P_KAMUAC $P_UAS2 $P_UAS; do
  if ss -Hlun "sport = :$p" | grep -q .; then echo "port $p in use; set BASE_PORT" >&2; exit 1; fi
done
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_port() { for _ in $(seq 900); do ss -Hlun "sport = :$1" | grep -q . && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; tail -n 3 "$RUN"/*.log >&2 2>/dev/null; return 1; }

# -- the peers and servers, each under `timeout` (stopped by the trap, or by itself after LIFE s) --
setsid timeout "$LIFE" sipp -sf "$HERE/options-uas.xml" -i 127.0.0.1 -p "$P_UAS" -t u1 -nostdin \
  -buff_size 4194304 -max_recv_loops 10000 </dev/null >"$RUN/uas.out" 2>&1 & UAS=$!; PIDS+=("$UAS")
kam() { # kam PORT [defines...]
  local port=$1; shift; mkdir -p "$RUN/kam-$port"
  setsid timeout "$LIFE" kamailio -f "$HERE/kamailio-options.cfg" -A "LISTEN_PORT=$port" \
    -A "NEXTHOP=\"sip:127.0.0.1:$P_UAS\"" "$@" $KAM_EXTRA -m 1024 -M 32 -DD -E \
    -P "$RUN/kam-$port/kamailio.pid" -w "$RUN/kam-$port" -Y "$RUN/kam-$port" </dev/null >"$RUN/kam-$port.log" 2>&1 &
  echo $!
}
KAM=$(kam $P_KAM); PIDS+=("$KAM")
KAMFWD=$(kam $P_KAMFWD -A WITH_FORWARD); PIDS+=("$KAMFWD")
trunkline() { # trunkline NAME PORT JAR: starts a server, prints its PID
  local extra; extra=$([ "$1" = trunkline-b ] && printf '%s' "${EXTRA_YAML_B:-${EXTRA_YAML:-}}" || printf '%s' "${EXTRA_YAML:-}")
  # two servers started from the same directory would share ./data/traces, whose lock lets only one
  # start (stop 14 lost a window to it): each gets its own trace directory unless EXTRA_YAML names one
  [[ "$extra" == *"traces:"* ]] || extra="${extra:+$extra
}traces: {path: $RUN/$1-traces}"
  cat >"$RUN/$1.yaml" <<YAML
listen:
  - {transport: udp, address: 127.0.0.1, port: $2}
database:
  url: jdbc:h2:mem:stackbench
api: {enabled: false}
trunks:
  - {name: acme, mode: register-in, username: acme, password: bench-secret, max-contacts: 2}
  - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060", "198.51.100.0/28"]}
  - {name: carrier2, mode: ip, peers: ["192.0.2.0/24"], numbers: ["+4930123*"]}
routes:
  - {prefix: "", trunks: [carrier1, carrier2]}
ingress: {monitors: ["127.0.0.0/8", "::1"]}
$extra
YAML
  # the JVM as ./trunkline runs it: G1, 4 GB (JAVA_HEAP) on a machine of 8 GB or more (RESULTS.md, stop 18, lead)
  setsid timeout "$LIFE" "$JAVA" --enable-native-access=ALL-UNNAMED -Xms"${JAVA_HEAP:-4g}" -Xmx"${JAVA_HEAP:-4g}" -XX:+UseG1GC \
    -jar "$3" run --config "$RUN/$1.yaml" </dev/null >"$RUN/$1.log" 2>&1 &
  echo $!
}
if [ $SERVERS = yes ]; then
  TL=$(trunkline trunkline $P_TL "${TRUNKLINE_JAR:-$ROOT/server/target/trunkline.jar}"); PIDS+=("$TL")
  if [ -n "$JAR_B" ]; then TLB=$(trunkline trunkline-b $P_TLB "$JAR_B"); PIDS+=("$TLB"); wait_port $P_TLB; fi
  wait_port $P_TL
fi
wait_port $P_UAS; wait_port $P_KAM; wait_port $P_KAMFWD

# -- one bounded SIPp run: uac LABEL ROUND SCENARIO PORT SUT_PID [SIPP_ARGS...] --
uac() {
  local label=$1 round=$2 scen=$3 port=$4 sut=$5 out="$RUN/$2-$1"; mkdir -p "$out"; shift 5
  local t0 t1 u0 u1 w0 w1
  t0=$("$HERE/ticks.py" tree "$sut"); u0=$("$HERE/ticks.py" tree "$UAS"); "$HERE/ticks.py" snap "$out/snap0"
  w0=$(date +%s.%N)
  TIMEFORMAT='%3U %3S'
  { time sipp -sf "$HERE/$scen" -i 127.0.0.1 -p "$P_UAC" -t u1 -r "$RATE" -rp 1000 -m $((RATE * SECS)) \
      -l $((RATE * 5)) -timeout $((2 * SECS + 15))s -recv_timeout 5000 -buff_size 4194304 \
      -max_recv_loops 10000 -nostdin -trace_stat -stf "$out/stat.csv" -fd 1 "$@" "127.0.0.1:$port" \
      </dev/null >"$out/sipp.out" 2>&1 || true; } 2>"$out/uac.time"
  w1=$(date +%s.%N)
  t1=$("$HERE/ticks.py" tree "$sut"); u1=$("$HERE/ticks.py" tree "$UAS"); "$HERE/ticks.py" snap "$out/snap1"
  local other; other=$("$HERE/ticks.py" other "$out/snap0" "$out/snap1" "$sut" "$UAS" $$)
  python3 - "$out/stat.csv" "$label" "$round" "$((t1 - t0))" "$other" "$w0" "$w1" "$HZ" "$(cat "$out/uac.time")" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
head, last = rows[0], rows[-1]
col = lambda n: int(last[head.index(n)])
ok, failed, created = col('SuccessfulCall(C)'), col('FailedCall(C)'), col('TotalCallCreated')
label, rnd, ticks, other, w0, w1, hz = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
uac = sum(map(float, sys.argv[9].split()))
wall = w1 - w0; cpu = ticks / hz
print(f"RESULT label={label} round={rnd} created={created} answered={ok} failed={failed} "
      f"retrans={col('Retransmissions(C)')} wall_s={wall:.2f} sut_cpu_s={cpu:.2f} "
      f"us_per_tx={cpu * 1e6 / max(ok, 1):.1f} sut_cpu_pct={100 * cpu / wall:.1f} "
      f"uac_cpu_pct={100 * uac / wall:.1f} other_cpu_pct={100 * other / hz / wall:.1f}")
PY
}

# a fresh SIPp UAS for each client run (on P_UAS2): one that has answered a run keeps its Call-IDs
# for 33 s (-deadcall_wait) and, here, stalled at the start of the next run (bench/RESULTS.md)
uas2() { # uas2 OUT: starts it, prints its PID
  setsid timeout $((2 * SECS + DRIVER_WARMUP + 90)) sipp -sf "$HERE/options-uas.xml" -i 127.0.0.1 \
    -p "$P_UAS2" -t u1 -nostdin -buff_size 4194304 -max_recv_loops 10000 </dev/null >"$1/uas.out" 2>&1 &
  echo $!
}

driver() { # driver ROUND [LABEL JAR]
  local label=${2:-client-trunkline} jar=${3:-$BENCH_JAR}
  local out="$RUN/$1-$label"; mkdir -p "$out"
  local uas; uas=$(uas2 "$out"); wait_port $P_UAS2
  "$HERE/ticks.py" snap "$out/snap0"
  local w0 w1 r; w0=$(date +%s.%N)
  r=$(timeout $((2 * SECS + DRIVER_WARMUP + 60)) "$JAVA" --enable-native-access=ALL-UNNAMED \
      -Xms256m -Xmx256m -cp "${DRIVER_JAR:+$DRIVER_JAR:}$jar" org.trunkline.bench.ClientTransactionDriver \
      "127.0.0.1:$P_UAS2" "$RATE" "$DRIVER_WARMUP" "$SECS" "$P_DRV" 2>"$out/driver.err" | grep '^RESULT' || true)
  w1=$(date +%s.%N); "$HERE/ticks.py" snap "$out/snap1"
  local other; other=$("$HERE/ticks.py" other "$out/snap0" "$out/snap1" "$uas" $$)
  kill -TERM "$uas" 2>/dev/null || true; wait "$uas" 2>/dev/null || true
  echo "$r" | sed "s/^RESULT /RESULT label=$label round=$1 /; s/\$/ other_cpu_pct_whole_run=$(python3 -c "print(round(100*$other/$HZ/($w1-$w0),1))")/"
}

kamuac() { # kamuac ROUND: Kamailio originating RATE OPTIONS/s; CPU of its tree over SECS after KAM_WARMUP
  local out="$RUN/$1-client-kamailio"; mkdir -p "$out/kam"
  local sock="unix:$out/kam/ctl.sock" total=$((RATE * (KAM_WARMUP + SECS + 3))) pid uas
  uas=$(uas2 "$out"); wait_port $P_UAS2
  setsid timeout $((KAM_WARMUP + SECS + 30)) kamailio -f "$HERE/kamailio-uac.cfg" -A "LISTEN_PORT=$P_KAMUAC" \
    -A "NEXTHOP=\"sip:bench@127.0.0.1:$P_UAS2\"" -A "RATE=$RATE" -A "TOTAL=$total" \
    -A "RPC_SOCK=\"$sock\"" $KAM_EXTRA -m 1024 -M 32 -DD -E -P "$out/kam/kamailio.pid" -w "$out/kam" \
    -Y "$out/kam" </dev/null >"$out/kamailio.log" 2>&1 & pid=$!
  wait_port $P_KAMUAC; sleep "$KAM_WARMUP"
  local x0 x1 t0 t1 w0 w1 other
  "$HERE/ticks.py" snap "$out/snap0"; t0=$("$HERE/ticks.py" tree "$pid"); w0=$(date +%s.%N)
  x0=$(kamcmd -s "$sock" tm.stats | awk '/2xx:/ {print $2}')
  sleep "$SECS"
  x1=$(kamcmd -s "$sock" tm.stats | awk '/2xx:/ {print $2}')
  t1=$("$HERE/ticks.py" tree "$pid"); w1=$(date +%s.%N); "$HERE/ticks.py" snap "$out/snap1"
  other=$("$HERE/ticks.py" other "$out/snap0" "$out/snap1" "$pid" "$uas" $$)
  kamcmd -s "$sock" tm.stats >"$out/tm-stats.end" 2>&1 || true
  kill -TERM "$pid" "$uas" 2>/dev/null || true; wait "$pid" "$uas" 2>/dev/null || true
  python3 -c "
t=$((t1 - t0))/$HZ; n=$x1-$x0; w=$w1-$w0
print(f'RESULT label=client-kamailio round=$1 created=$total window_answered={n} window_wall_s={w:.3f} '
      f'cpu_s={t:.2f} us_per_tx={t*1e6/max(n,1):.2f} cpu_pct={100*t/w:.1f} other_cpu_pct={100*$other/$HZ/w:.1f}')"
}

echo "# run folder $RUN; rate $RATE/s x ${SECS}s; $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# warm-up (JIT; discarded)"
# the answer measured is the trunk core's: ingress stages, then the monitors rule's 200
if [ $SERVERS = yes ]; then
grep -q "3 trunks: .*ingress stages" "$RUN/trunkline.log" || { echo "$RUN/trunkline.log: no trunk core with the 3 bench trunks" >&2; exit 1; }
uac warmup-trunkline 0 options-uac.xml $P_TL "$TL" >/dev/null
uac warmup-trunkline 0 options-uac.xml $P_TL "$TL" >/dev/null
! on storm || uac warmup-trunkline 0 options-uac-x7.xml $P_TL "$TL" -default_behaviors -abortunexp >/dev/null
fi
if [ $SERVERS = yes ] && [ -n "$JAR_B" ]; then
  uac warmup-trunkline-b 0 options-uac.xml $P_TLB "$TLB" >/dev/null
  uac warmup-trunkline-b 0 options-uac.xml $P_TLB "$TLB" >/dev/null
  ! on storm || uac warmup-trunkline-b 0 options-uac-x7.xml $P_TLB "$TLB" -default_behaviors -abortunexp >/dev/null
fi
[ $SERVERS = no ] || uac warmup-kamailio 0 options-uac.xml $P_KAM "$KAM" >/dev/null
for r in $(seq "$ROUNDS"); do
  if on answer; then
    uac answer-trunkline "$r" options-uac.xml $P_TL "$TL"
    [ -z "$JAR_B" ] || uac answer-trunkline-b "$r" options-uac.xml $P_TLB "$TLB"
    uac answer-kamailio "$r" options-uac.xml $P_KAM "$KAM"
  fi
  ! on forward || uac forward-kamailio "$r" options-uac.xml $P_KAMFWD "$KAMFWD"
  if on client; then
    driver "$r"
    [ -z "$BENCH_JAR_B" ] || driver "$r" client-trunkline-b "$BENCH_JAR_B"
    kamuac "$r"
  fi
  if on storm; then
    # a 200 to copy 1 may arrive while SIPp still sends copy 7: not a failure, the next 200 is expected
    uac storm-trunkline "$r" options-uac-x7.xml $P_TL "$TL" -default_behaviors -abortunexp
    [ -z "$JAR_B" ] || uac storm-trunkline-b "$r" options-uac-x7.xml $P_TLB "$TLB" -default_behaviors -abortunexp
    uac storm-kamailio "$r" options-uac-x7.xml $P_KAM "$KAM" -default_behaviors -abortunexp
  fi
done | tee "$RUN/results.txt"
"$HERE/summary.py" "$RUN/results.txt" | tee "$RUN/summary.md"
