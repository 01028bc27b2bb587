#!/bin/sh
# Peak memory (maximum resident set size) of the largest sweep elplan
# plans: 100,000 values of one field, the documented maximum (issue 22 asks
# for under 200 MB). Measured with GNU time (`/usr/bin/time -v`, Debian
# package `time`), not a timed test: the figure depends on the machine.
#
#   scripts/sweep-memory.sh [ELPLAN] [DISTRICT] [VARY]
#
# ELPLAN defaults to the debug build (target/debug/elplan, or
# $CARGO_TARGET_DIR/debug/elplan); a release build gives a smaller figure.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
elplan=${1:-${CARGO_TARGET_DIR:-$here/target}/debug/elplan}
district=${2:-$here/fixtures/calli/mendota-unified.ron}
vary=${3:-students.el_share=0..0.99999:0.00001}
if [ ! -x /usr/bin/time ]; then
    echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
    exit 1
fi
report=$(mktemp)
out=$(mktemp)
trap 'rm -f "$report" "$out"' EXIT
/usr/bin/time -v -o "$report" "$elplan" sweep "$district" --vary "$vary" --format json >"$out"
values=$(sed -n 's/^ *"values": *\([0-9]*\).*/\1/p' "$out" | head -n 1)
kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$report")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$report")
echo "sweep $vary over ${values:-?} values: peak RSS $((kb / 1024)) MB ($kb kB), wall $wall"
