#!/usr/bin/env bash
# Cairn's benchmarks: builds cairn-bench in release, runs every workload REPS times, each run in
# a fresh process (so the peak RSS it reports is that workload's own), in rounds (every workload
# once per round, so that a burst of load on the machine spreads over all of them), and prints
# the machine, the medians and a markdown table of medians against the targets. (The observability
# overhead has its own paired measurements: cairn-bench observability, scripts/observability-cost.py.)
#
#   scripts/bench.sh                 # 5 rounds
#   REPS=3 scripts/bench.sh          # fewer rounds
#   SCRATCH=.build-x scripts/bench.sh
#
# Temporary workspaces go under TMPDIR (default /tmp): put it on the disk you want to measure.
set -euo pipefail

cd "$(dirname "$0")/.."
REPS="${REPS:-5}"
SCRATCH="${SCRATCH:-.build-bench-release}"
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/cairn-bench-results.XXXXXX")}"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
LOG="$OUT/runs.log"
: >"$RESULTS"
: >"$LOG"

echo "building cairn-bench (release, scratch path $SCRATCH)..." >&2
swift build --scratch-path "$SCRATCH" -c release --product cairn-bench >&2
BIN="$(swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/cairn-bench"

WORKLOADS=(
    "ceiling 2000"
    "plan 1000"
    "plan 10000"
    "plan 50000"
    "apply-wide 1000"
    "apply-wide 1000 --parallelism 64"
    "apply-wide 10000"
    "apply-wide 10000 --parallelism 64"
    "apply-chain 1000"
    "noop 10000"
    "files 1000"
    "drift 1000 --parallelism 64"
    "drift 10000 --parallelism 64"
)

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started=$(date +%s)
for ((round = 1; round <= REPS; round++)); do
    echo "round $round/$REPS" >&2
    for workload in "${WORKLOADS[@]}"; do
        # shellcheck disable=SC2086  # the workload is meant to split into arguments
        if ! output="$("$BIN" $workload 2>"$OUT/stderr")"; then
            echo "cairn-bench $workload failed:" >&2
            cat "$OUT/stderr" >&2
            exit 1
        fi
        printf '$ cairn-bench %s\n%s\n' "$workload" "$output" >>"$LOG"
        tail -n 1 <<<"$output" >>"$RESULTS"
    done
done
elapsed=$(($(date +%s) - started))

echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- nproc: $(nproc)"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "- kernel: $(uname -sr)"
echo "- swift: $(swift --version 2>&1 | grep -m1 -i 'swift version')"
echo "- temp folder: ${TMPDIR:-/tmp} ($(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 }'))"
echo "- load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- code: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' + uncommitted changes in Sources/')"
echo "- rounds: $REPS (every workload once per round, each in a fresh process); runs took ${elapsed}s"
echo "- raw results: $RESULTS, full output: $LOG"
echo

python3 - "$RESULTS" "$REPS" <<'PY'
import json, statistics, sys
from collections import OrderedDict

results_path, reps = sys.argv[1], int(sys.argv[2])
groups = OrderedDict()
for line in open(results_path):
    r = json.loads(line)
    key = (r["bench"], r.get("n"), r.get("parallelism"))
    groups.setdefault(key, []).append(r)

def values(key, field):
    return [r[field] for r in groups.get(key, []) if isinstance(r.get(field), (int, float))]

# (workload key, field, label, unit, target description, predicate on the median or None)
rows = [
    (("ceiling", 2000, None), "sqlite_commits_per_s", "durable commit ceiling (SQLiteStore, 1 event/commit)", "commits/s", "", None),
    (("ceiling", 2000, None), "fsync_overwrite_per_s", "raw fsync, 512 B overwrite", "fsync/s", "", None),
    (("ceiling", 2000, None), "fsync_append_per_s", "raw fsync, 512 B append", "fsync/s", "", None),
]
for n in (1000, 10000, 50000):
    limit = {10000: 1.0, 50000: 5.0}.get(n)
    target = f"< {limit:g} s" if limit else ""
    check = (lambda m, l=limit: m < l) if limit else None
    rows += [
        (("plan", n, None), "plan_create_s", f"plan {n:,} (no refresh), all creates", "s", target, check),
        (("plan", n, None), "plan_noop_s", f"plan {n:,} (no refresh), all no-ops", "s", target, check),
        (("plan", n, None), "spec_load_s", f"YAML spec load, {n:,} resources", "s", "", None),
        (("plan", n, None), "peak_rss_mib", f"plan {n:,}: peak RSS", "MiB", "", None),
    ]
for n, p in ((1000, 10), (1000, 64), (10000, 10), (10000, 64)):
    target = ">= 2,000" if n == 10000 else ""
    check = (lambda m: m >= 2000) if n == 10000 else None
    k = ("apply-wide", n, p)
    rows += [
        (k, "steps_per_s", f"apply wide {n:,}, parallelism {p}", "steps/s", target, check),
        (k, "commits_per_step", f"apply wide {n:,}, parallelism {p}: commits per step", "", "", None),
        (k, "journal_bytes_per_step", f"apply wide {n:,}, parallelism {p}: journal bytes per step", "B", "flat in N", None),
        (k, "peak_rss_mib", f"apply wide {n:,}, parallelism {p}: peak RSS", "MiB",
         "< 200 MB" if n == 10000 else "", (lambda m: m * 1.048576 < 200) if n == 10000 else None),
    ]
k = ("apply-chain", 1000, 10)
rows += [
    (k, "commits_per_step", "apply chain 1,000: commits per step", "", "<= 1.25", lambda m: m <= 1.25),
    (k, "steps_per_s", "apply chain 1,000", "steps/s", "", None),
    (k, "commits_per_s", "apply chain 1,000: commits/s", "commits/s", "", None),
]
k = ("noop", 10000, None)
rows += [
    (k, "plan_refresh_s", "no-op re-apply 10,000: plan with refresh", "s", "", None),
    (k, "plan_norefresh_s", "no-op re-apply 10,000: plan without refresh", "s", "", None),
    (k, "apply_noop_plan_s", "no-op 10,000: applying the all-no-op plan anyway", "s", "", None),
]
for n in (1000, 10000):
    k = ("drift", n, 64)
    rows += [
        (k, "drift_s", f"drift {n:,}, 20 ms reads, 64 at a time", "s", "", None),
        (k, "ratio_to_bound", f"drift {n:,}: time over the N*20ms/64 bound", "x", "<= 1.2", lambda m: m <= 1.2),
    ]
k = ("files", 1000, 10)
rows += [
    (k, "converge_s", "files 1,000 (+20 dirs): first converge", "s", "", None),
    (k, "noop_rerun_s", "files 1,000: no-op re-run (plan with refresh)", "s", "< 0.5 s", lambda m: m < 0.5),
    (k, "changed_10pct_s", "files 1,000: re-run with 10% changed", "s", "", None),
    (k, "peak_rss_mib", "files 1,000: peak RSS", "MiB", "", None),
]

def fmt(x):
    if x >= 100: return f"{x:,.0f}"
    if x >= 1: return f"{x:.2f}"
    return f"{x:.3g}"

print(f"## Medians of {reps} runs")
print()
print("| measurement | median | min – max | unit | target | met |")
print("| --- | ---: | ---: | --- | --- | --- |")
for key, field, label, unit, target, check in rows:
    v = values(key, field)
    if not v:
        print(f"| {label} | n/a | | {unit} | {target} | |")
        continue
    m = statistics.median(v)
    met = "" if check is None else ("yes" if check(m) else "**no**")
    print(f"| {label} | {fmt(m)} | {fmt(min(v))} – {fmt(max(v))} | {unit} | {target} | {met} |")
PY
