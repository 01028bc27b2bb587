#!/usr/bin/env bash
# Statewide benchmark: import the 944 California districts from
# ../shared/data/ca (CDE files), then time `elplan batch` over them
# (Markdown out) and `elplan impact` of a one-line rule change (the
# high-poverty threshold from 75 % to 70 %) over them. Reports each median
# wall time (hyperfine, from Debian's package, when installed; otherwise
# repeated runs timed with `date`) and the batch's peak memory
# (/usr/bin/time -v). Budgets (DESIGN.md): batch <= 1 s wall, impact <= 3 s
# wall. CARGO_TARGET_DIR and CARGO_BUILD_JOBS are honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

data=../shared/data/ca
runs=${RUNS:-10}
if [ ! -f "$data/district_areas_2018-19.csv" ]; then
    echo "no $data/district_areas_2018-19.csv: the state data is not beside the project" >&2
    exit 1
fi
cargo build --release --quiet
elplan=${CARGO_TARGET_DIR:-target}/release/elplan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$elplan" import "$data/district_areas_2018-19.csv" --out-dir "$work/districts" \
    --lea "$data/cupc_2018-19_lea.csv" --schools "$data/cupc_2017-18_school.csv" --elpi "$data/elpi_2019.tsv" --elpi "$data/elpi_2024.csv"
count=$(ls "$work/districts" | wc -l)
echo "districts: $count"

# The median wall time in seconds of `runs` runs of a command (its output
# discarded).
median() {
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --warmup 2 --runs "$runs" --export-json "$work/hyperfine.json" "$*" >/dev/null
        python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{r['median']:.3f} (hyperfine)\")" "$work/hyperfine.json"
        return
    fi
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

batch=("$elplan" batch "$work/districts" --out-dir "$work/plans" --format md)
echo "batch of $count Markdown plans: median $(median "${batch[@]}") s over $runs runs"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "${batch[@]}" 2> "$work/time.txt" >/dev/null || true
    peak=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
    echo "peak memory: $((peak / 1024)) MiB"
fi

cp -r rules "$work/rules-70"
sed -i 's/students.frpm_share >= 0.75/students.frpm_share >= 0.70/' "$work/rules-70/findings.ron"
impact=("$elplan" impact --rules "$work/rules-70" "$work/districts")
"${impact[@]}" 2>/dev/null | sed -n 2p
echo "impact of one threshold over $count districts: median $(median "${impact[@]}") s over $runs runs"
echo "machine: $(nproc) cores, $(uname -m)"
