#!/bin/sh
# The command line: --help, --version, --print-config (which loads back as a
# config file), the default configuration files in data/, JSON reports that
# parse, Poisson's reproducibility across thread counts, and a smoke run of
# the benchmark (which must run and report; no time is asserted).
. "$(dirname "$0")/lib.sh"
set -e
for d in "$HEAT" "$POISSON"; do
    run_ok "$d" --help
    grep -q "^Usage: pel-" out.txt || fail "$d --help: no usage"
    grep -q "run.steps" out.txt || fail "$d --help: settings not listed"
    # the checkpoint-only options: offered where the program checkpoints,
    # refused with the reason where it does not (pel-poisson)
    if [ "$d" = "$HEAT" ]; then
        grep -q -- "--restart FILE" out.txt && grep -q -- "--walltime T" out.txt ||
            fail "$d --help: no --restart or --walltime"
    else
        grep -q -- "--restart\|--walltime\|run.checkpoint" out.txt && fail "$d --help offers checkpoint options"
        expect_exit 2 "error: --restart: pel-poisson writes no checkpoints, so it has none to restart from" \
            "$d" --restart x.ckpt
        expect_exit 2 "error: --walltime: pel-poisson writes no checkpoints, so it has none to stop at" \
            "$d" --walltime 10
    fi
    run_ok "$d" --version
    grep -q "(PEL) " out.txt || fail "$d --version"
    run_ok "$d" --print-config --set run.steps=7
    cp out.txt printed.ini
    run_ok "$d" --config printed.ini --print-config
    cmp -s out.txt printed.ini || fail "$d: printed configuration does not load back identically"
done
run_ok "$HEAT" --config "$srcdir/data/heat-3d-periodic.ini" --set heat.grid=24x20x28 --set run.steps=40 \
    --set run.checkpoint_every=0 --report heat3d.json
grep -q '"verify_every": 50' heat3d.json || fail "config file values not in the report"
run_ok "$POISSON" --config "$srcdir/data/poisson-fd2-2d.ini" --set poisson.grid=64x48 --report p2.json
if command -v python3 >/dev/null 2>&1; then
    for f in heat3d.json p2.json; do
        python3 -m json.tool "$f" >/dev/null || fail "$f is not valid JSON"
    done
fi
# Poisson PET: 1, 2, 3 threads give identical solutions
args="--set poisson.grid=30x45x17 --set run.steps=2"
run_ok "$POISSON" $args --threads 1 --report p1.json
a=$(fingerprint p1.json phi)
[ -n "$a" ] || fail "no phi fingerprint"
for t in 2 3; do
    run_ok "$POISSON" $args --threads $t --report p$t.json
    [ "$a" = "$(fingerprint p$t.json phi)" ] || fail "Poisson PET: $t threads differ from 1"
done
run_ok "$BENCH" --quick --reps 2 --threads 2 --report bench.json
grep -q '"schema": "pel-run-report"' bench.json || fail "pel-bench wrote no run report"
grep -q '"program": "pel-bench"' bench.json || fail "pel-bench's report does not name it"
grep -q '"command_line"' bench.json && grep -q '"--quick"' bench.json || fail "pel-bench's report lacks its command line"
grep -q "heat 3D / triad" out.txt || fail "pel-bench printed no ratios"
if command -v python3 >/dev/null 2>&1; then
    python3 -m json.tool bench.json >/dev/null || fail "bench.json is not valid JSON"
fi
echo "cli: help, version, config round trip, reports, Poisson PET and the bench fine"
