#!/usr/bin/env bash
# What a client installation ships links the startup check and below only: neither the full
# Foundation (FoundationEssentials, which swift-crypto uses, is fine), its ICU data,
# ArgumentParser, GRDB, SQLite nor the ledger (docs/performance.md, "What the client ships").
#
#   scripts/client-links.sh FILE...     e.g. ctictl-check and libCTIStartupCheck.so
#
# Checks each file's needed shared libraries (a debug build links the Swift runtime
# dynamically) and its symbol table (a shipped build links it statically: a module linked in
# leaves its symbols, `$s` + the length and name of the module). Prints each file's size,
# unstripped and stripped; exits 1 when a file links something it must not, naming it.
set -euo pipefail
(($# > 0)) || { echo "usage: scripts/client-links.sh FILE..." >&2; exit 64; }
for tool in readelf nm strip; do
  command -v "$tool" >/dev/null || { echo "client-links.sh: $tool is missing (binutils)" >&2; exit 69; }
done

libraries='lib(Foundation|FoundationInternationalization|FoundationNetworking|_FoundationICU|GRDB[^ ]*|sqlite3|ArgumentParser[^ ]*)\.so'
# Swift symbols of the modules, and C symbols of ICU (its data, collation, calendars) and SQLite.
symbols='\$s(10Foundation|30FoundationInternationalization|20FoundationNetworking|14_FoundationICU|4GRDB|14ArgumentParser|6Ledger|11SQLiteStore|13ConfigHistory)|^icudt|^(ucol|ucal|udat|ubrk|sqlite3)_'
status=0
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
printf '%-28s %12s %12s  %s\n' file bytes stripped links
for file in "$@"; do
  [[ -f $file ]] || { echo "client-links.sh: $file does not exist" >&2; exit 66; }
  found="$( (readelf -d "$file" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | grep -E "^$libraries"
    nm --format=just-symbols "$file" 2>/dev/null | grep -oE "$symbols" | sort -u) || true)"
  strip -o "$stripped" "$file"
  if [[ -n $found ]]; then
    verdict="FORBIDDEN: $(echo "$found" | tr '\n' ' ')"
    status=1
  else
    verdict="startup check and below only"
  fi
  printf '%-28s %12s %12s  %s\n' "$(basename "$file")" "$(stat -c %s "$file")" "$(stat -c %s "$stripped")" "$verdict"
done
exit "$status"
