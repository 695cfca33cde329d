#!/bin/sh
# bench/callgrind/run.sh JAR MODE [W N]: instructions per parse on the java main thread, under callgrind.
#   JAR   a benchmarks.jar (ParserDriver is compiled against it and uses its SipParserBenchmark.INVITE)
#   MODE  invite (scan, validate and the typed accessors of SipParserBenchmark.fullParse), scan
#         (SipParserBenchmark.scanAndIndex's body), register (scan + validate of a REGISTER), or bytes
#         (no valgrind: bytes allocated per step)
# Two runs of W warm-up rounds, then 0 and N measured rounds; the difference of the main thread's
# instruction counts over N is the cost per parse, stable to ~0.2 % on a loaded box (instructions,
# not time: it needs no bench lock, and runs at nice 19). -Xbatch: each method is compiled before it
# runs again, so the compiler threads finish inside the warm-up.
set -eu
JAR=$1; MODE=$2; W=${3:-30000}; N=${4:-30000}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
WORK=$(mktemp -d /tmp/parser-cg.XXXXXX)
"$(dirname "$JAVA")/javac" -nowarn -d $WORK/drv -cp "$JAR" "$(dirname "$0")/ParserDriver.java"
CP=$WORK/drv:$JAR
if [ "$MODE" = bytes ]; then
  "$JAVA" -cp $CP org.trunkline.bench.ParserDriver bytes 200000 200000
  exit
fi
for n in 0 "$N"; do
  nice -n 19 valgrind --tool=callgrind --callgrind-out-file=$WORK/cg-$n --separate-threads=yes \
    "$JAVA" -Xbatch -XX:+UseSerialGC -Xms256m -Xmx256m -XX:CICompilerCount=2 -cp $CP \
    org.trunkline.bench.ParserDriver "$MODE" "$W" "$n" > $WORK/log-$n 2>&1
done
# thread 02 is the java main thread (01 the launcher, the largest counts are the compiler threads)
main() { grep -h '^summary' $WORK/cg-$1-02 | cut -d' ' -f2; }
echo "$MODE: $(( ($(main "$N") - $(main 0)) / N )) instructions per parse (main thread; files in $WORK)"
