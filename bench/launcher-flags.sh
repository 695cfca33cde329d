# The JVM flags ./trunkline gives the server (`run`), for the harnesses that start the jar themselves
# (bench/calls/run.sh, bench/registrar/run.sh source this file): one place to change when the launcher changes.
#
# The collector: G1, as ./trunkline runs it since stop 18, unless the flags name one (-XX:+UseZGC, ...): ZGC's major
# cycles (~1 s of CPU each, every 30-90 s at any call rate) cost up to 1.8x G1's CPU per call (RESULTS.md, stop 18,
# lead).
gc_for() { local o; for o in $1; do case $o in -XX:+Use*GC) return 0 ;; esac; done; echo "-XX:+UseG1GC"; }
# The heap faulted in at start, as ./trunkline run does since stop 20 (-XX:+AlwaysPreTouch); PRETOUCH=0: not.
touch_for() { [[ "${PRETOUCH:-1}" == 0 ]] || echo "-XX:+AlwaysPreTouch"; }
