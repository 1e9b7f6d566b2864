#!/bin/sh
# DBMS-like server: a key-value store. Each key is a file in /data.
set -f
op=get; key=; value=
for kv in $(echo "$QUERY_STRING" | tr '&' ' '); do
  case "$kv" in op=*) op=${kv#op=};; key=*) key=${kv#key=};; value=*) value=${kv#value=};; esac
done
bad() { echo "Status: 400 Bad Request"; echo "Content-Type: application/json"; echo ""; \
        printf '{"error":"%s"}\n' "$1"; exit 0; }
case "$op" in get|set|list|delete) ;; *) bad "op must be get, set, list or delete";; esac
if [ "$op" != list ]; then
  case "$key" in ''|*[!A-Za-z0-9_-]*) bad "key must be letters, digits, _ or -";; esac
fi
case "$value" in *[!A-Za-z0-9._-]*) bad "value must be letters, digits, dot, _ or -";; esac
case "$op" in
  set) printf '%s' "$value" > "/data/$key"
       echo "Content-Type: application/json"; echo ""; printf '{"op":"set","key":"%s","stored":true}\n' "$key";;
  get) if [ -f "/data/$key" ]; then
         echo "Content-Type: application/json"; echo ""
         printf '{"op":"get","key":"%s","value":"%s"}\n' "$key" "$(cat "/data/$key")"
       else
         echo "Status: 404 Not Found"; echo "Content-Type: application/json"; echo ""
         printf '{"op":"get","key":"%s","error":"no such key"}\n' "$key"
       fi;;
  delete) rm -f "/data/$key"
       echo "Content-Type: application/json"; echo ""; printf '{"op":"delete","key":"%s"}\n' "$key";;
  list) echo "Content-Type: application/json"; echo ""
       printf '{"op":"list","keys":['; sep=; set +f
       for f in /data/*; do [ -f "$f" ] && printf '%s"%s"' "$sep" "${f#/data/}" && sep=,; done
       printf ']}\n';;
esac
