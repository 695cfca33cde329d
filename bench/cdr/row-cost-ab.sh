#!/usr/bin/env bash
# bench/cdr/row-cost-ab.sh: CdrRowCost (CPU and bytes per CDR row, per thread) for several jars and schema/URL
# variants, interleaved round by round, each run a fresh database and a fresh JVM as ./trunkline runs it (G1,
# -Xms4g -Xmx4g, Temurin 25). Each variant is LABEL=TRUNKLINE_JAR[,sql=FILE][,url=;X=Y]; CdrRowCost comes from
# BENCH_JAR (the newest, so every variant prints the same figures; it uses only the server's public API).
#   flock /tmp/trunkline-bench.lock bench/boost timeout 340 bench/cdr/row-cost-ab.sh OUT ROUNDS \
#       A=/tmp/x/trunkline-A.jar B=/tmp/x/trunkline-B.jar B-seq=/tmp/x/trunkline-B.jar,sql=/tmp/x/seq.sql
# Env: PRELOAD (10000) ROWS (12000) RATE (1000 rows/s) BENCH_JAR (bench/target/benchmarks.jar) JAVA.
set -euo pipefail
OUT=$1; ROUNDS=$2; shift 2
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
BENCH_JAR=${BENCH_JAR:-$(dirname "$0")/../target/benchmarks.jar}
PRELOAD=${PRELOAD:-10000}; ROWS=${ROWS:-12000}; RATE=${RATE:-1000}
mkdir -p "$OUT"
# The benchmarks jar is shaded with the server in it, migrations included: Flyway reads db/migration from
# every jar on the class path, so an older TRUNKLINE_JAR would get the newer schema (stop 21, cdr14: A's
# runs had B's V11). Each variant's server, schema included, comes from its own jar.
cp "$BENCH_JAR" "$OUT/bench-only.jar"
zip -q -d "$OUT/bench-only.jar" 'db/migration/*' 'org/trunkline/server/*' >/dev/null
BENCH_JAR=$OUT/bench-only.jar
echo "start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/window.log"
for r in $(seq 1 "$ROUNDS"); do
  for v in "$@"; do
    label=${v%%=*}; rest=${v#*=}; IFS=, read -r jar opts <<<"$rest"
    db=$(mktemp -d "$OUT/db-XXXX"); jvm=(); args=()
    for o in ${opts//,/ }; do [[ $o == -* ]] && jvm+=("$o") || args+=("$o"); done
    timeout 90 "$JAVA" -XX:+UseG1GC -Xms4g -Xmx4g "${jvm[@]}" -cp "$jar:$BENCH_JAR" org.trunkline.bench.CdrRowCost \
      "$db" "$PRELOAD" "$ROWS" "$RATE" numbers=random queries=0 "${args[@]}" 2>&1 \
      | grep -v -e INFO -e '^\s*$' -e WARN >"$OUT/r$r-$label.txt" || echo "run r$r $label failed" >>"$OUT/r$r-$label.txt"
    rm -rf "$db"
    echo "r$r $label $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg): $(grep -h -e 'per row' -e 'thread' "$OUT/r$r-$label.txt" | tr -s ' ' | tr '\n' '|')" | tee -a "$OUT/window.log"
  done
done
echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/window.log"
