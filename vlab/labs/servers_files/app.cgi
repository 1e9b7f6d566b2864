#!/bin/sh
# WAS: a backend program runs for every request and computes the answer.
set -f
n=0
for kv in $(echo "$QUERY_STRING" | tr '&' ' '); do
  case "$kv" in n=*) n=${kv#n=};; esac
done
case "$n" in ''|*[!0-9]*) n=0;; esac
if [ ${#n} -gt 6 ] || [ "$n" -gt 100000 ]; then n=100000; fi
c=$(cat /tmp/counter 2>/dev/null || echo 0); c=$((c+1)); echo "$c" > /tmp/counter
i=1; s=0
while [ "$i" -le "$n" ]; do s=$((s+i)); i=$((i+1)); done
echo "Content-Type: application/json"
echo ""
printf '{"server":"app","request_number":%s,"n":%s,"sum_1_to_n":%s,"server_time":"%s","pid":%s}\n' \
  "$c" "$n" "$s" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$"
