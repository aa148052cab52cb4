#!/bin/sh
# cppcheck over every library's src/ with its public headers; any finding fails.
set -eu
root=$1
cppcheck=$2
incs=""
srcs=""
for lib in "$root"/librvm* "$root"/rvmhal-aarch64 "$root"/rvm-kernel; do
    [ -d "$lib/src" ] || continue
    incs="$incs -I$lib/include"
    srcs="$srcs $lib/src"
done
# shellcheck disable=SC2086
"$cppcheck" --enable=warning,style,performance,portability --std=c11 --platform=unix64 \
    --error-exitcode=1 --inline-suppr --quiet --suppress=missingIncludeSystem \
    -D__GNUC__ -D__x86_64__ $incs $srcs
echo "cppcheck: clean"
