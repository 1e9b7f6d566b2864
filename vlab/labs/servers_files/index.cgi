#!/bin/sh
# File server: list the shared folder with each file's size and SHA-256.
echo "Content-Type: text/plain"
echo ""
cd /www/files && for f in *; do
  [ -f "$f" ] && printf '%s\t%s\t%s\n' "$f" "$(wc -c < "$f" | tr -d ' ')" "$(sha256sum "$f" | cut -d' ' -f1)"
done
