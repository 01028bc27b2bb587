#!/bin/sh
# Instructions the whole `elplan plan DISTRICT -o plan.md` process runs,
# start-up included, counted by valgrind's callgrind (total Ir): a count,
# unlike a time, does not drift with the machine's load. Issue 27 asks for
# at most 15 M with the Mendota fixture.
#
#   scripts/instructions.sh [ELPLAN] [DISTRICT] [FORMAT]
#
# ELPLAN defaults to the release build (target/release/elplan, or
# $CARGO_TARGET_DIR/release/elplan; build it with `cargo build --release`).
# FORMAT is md (the default) or any other `--format` elplan plans to a file.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
elplan=${1:-${CARGO_TARGET_DIR:-$here/target}/release/elplan}
district=${2:-$here/fixtures/calli/mendota-unified.ron}
format=${3:-md}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "needs valgrind (Debian: apt-get install valgrind)" >&2
    exit 1
fi
if [ ! -x "$elplan" ]; then
    echo "no elplan at $elplan: run cargo build --release first" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$elplan" plan "$district" --format "$format" -o "$work/plan.$format" \
    >"$work/stdout" 2>"$work/valgrind"
total=$(sed -n 's/^summary: *//p' "$work/callgrind.out")
echo "elplan plan $(basename "$district") --format $format: $total instructions"
