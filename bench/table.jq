# Turns a JMH JSON result (-rf json) into Markdown table rows:
# benchmark | median ns/op | score ± error (99.9%) | min..max | B/op (gc.alloc.rate.norm)
# Usage: jq -r -f bench/table.jq result.json
def median: sort | if length % 2 == 0 then (.[length/2 - 1] + .[length/2]) / 2 else .[(length - 1) / 2] end;
def r(n): . * n | round / n;
.[]
| (.primaryMetric.rawData | flatten) as $raw
| "| \(.benchmark | split(".") | last) | \($raw | median | r(10)) | \(.primaryMetric.score | r(10)) ± \(.primaryMetric.scoreError | r(10)) | \($raw | min | r(10))..\($raw | max | r(10)) | \(.secondaryMetrics["gc.alloc.rate.norm"].score // null | if . == null then "n/a" else r(1) end) |"
