#!/usr/bin/env bash
# bench/instructions/count.sh BENCHMARKS_JAR [LABEL] — instructions per scanAndIndex operation, counted by valgrind.
#
# Instruction counts do not depend on the load of the machine, so they compare two jars on a busy box where JMH
# times cannot (use them beside JMH, not instead of it). ScanCount (compiled here against the jar, so it works for
# any jar that has SipParserBenchmark) runs scanAndIndex's body 30,000 times to warm up, then N more; the JVM runs
# under `valgrind --tool=cachegrind` with C2 only (-Xbatch, one compiler thread) and Epsilon GC (no collection), and
# (I(N2) - I(N1)) / (N2 - N1) is the count per operation. Repeats agree within about 20 instructions of ~7,000.
# Not a CPU measurement for the bench lock's purposes, but it keeps one core busy for about a minute.
set -euo pipefail
JAR=$(realpath "$1"); LABEL=${2:-$(basename "$JAR" .jar)}
N1=${N1:-20000}; N2=${N2:-80000}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT
"$JAVA_HOME/bin/javac" -d "$DIR" -cp "$JAR" "$(dirname "$0")/ScanCount.java"
count() {
  valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null \
    "$JAVA_HOME/bin/java" -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xmx3g -Xbatch -XX:-TieredCompilation \
    -XX:CICompilerCount=1 -cp "$DIR:$JAR" org.trunkline.bench.ScanCount 30000 "$1" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
a=$(count "$N1"); b=$(count "$N2")
echo "$LABEL: $(( (b - a) / (N2 - N1) )) instructions per scanAndIndex (I($N1)=$a, I($N2)=$b)"
