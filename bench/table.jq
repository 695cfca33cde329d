# Turns a JMH JSON result (-rf json) into Markdown table rows:
# benchmark | median | score ± error (99.9%) | min..max | B/op | cpu.share | median cpu.time
# (times in the benchmark's unit, ns/op here). B/op needs -prof gc; the cpu columns need
# -prof org.trunkline.bench.CpuTimeProfiler ("n/a" without).
# Usage: jq -r -f bench/table.jq result.json
def median: sort | if length % 2 == 0 then (.[length/2 - 1] + .[length/2]) / 2 else .[(length - 1) / 2] end;
def r(n): . * n | round / n;
def opt(n): if . == null then "n/a" else r(n) end;
.[]
| (.primaryMetric.rawData | flatten) as $raw
| .secondaryMetrics as $s
| "| \(.benchmark | split(".") | last) | \($raw | median | r(10)) | \(.primaryMetric.score | r(10)) ± \(.primaryMetric.scoreError | r(10)) | \($raw | min | r(10))..\($raw | max | r(10)) | \($s["gc.alloc.rate.norm"].score | opt(1)) | \($s["cpu.share"].score | opt(100)) | \($s["cpu.time"].rawData // null | if . == null then "n/a" else (flatten | median | r(10)) end) |"
