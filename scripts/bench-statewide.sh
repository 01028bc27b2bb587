#!/usr/bin/env bash
# Statewide benchmark: import the 944 California districts from
# ../shared/data/ca (CDE files) and time `elplan batch` over them, Markdown
# out. Reports the median wall time (hyperfine, from Debian's package, when
# installed; otherwise repeated runs timed by /usr/bin/time -v) and the peak
# memory (/usr/bin/time -v). Budget (DESIGN.md): <= 1 s wall.
set -euo pipefail
cd "$(dirname "$0")/.."

data=../shared/data/ca
runs=${RUNS:-10}
if [ ! -f "$data/district_areas_2018-19.csv" ]; then
    echo "no $data/district_areas_2018-19.csv: the state data is not beside the project" >&2
    exit 1
fi
cargo build --release --quiet
elplan=target/release/elplan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$elplan" import "$data/district_areas_2018-19.csv" --out-dir "$work/districts" \
    --lea "$data/cupc_2018-19_lea.csv" --schools "$data/cupc_2017-18_school.csv" --elpi "$data/elpi_2019.tsv" --elpi "$data/elpi_2024.csv"
count=$(ls "$work/districts" | wc -l)
echo "districts: $count"

batch=("$elplan" batch "$work/districts" --out-dir "$work/plans" --format md)
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 2 --runs "$runs" --export-json "$work/hyperfine.json" "${batch[*]}" >/dev/null
    median=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{r['median']:.3f}\")" "$work/hyperfine.json")
    echo "batch of $count Markdown plans: median ${median} s over $runs runs (hyperfine)"
else
    times=()
    for _ in $(seq "$runs"); do
        start=$(date +%s.%N)
        "${batch[@]}" 2>/dev/null
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    echo "batch of $count Markdown plans: median ${median} s over $runs runs"
fi
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "${batch[@]}" 2> "$work/time.txt" >/dev/null || true
    peak=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
    echo "peak memory: $((peak / 1024)) MiB"
fi
echo "machine: $(nproc) cores, $(uname -m)"
