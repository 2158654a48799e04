#!/bin/sh
# Baselines: --save writes the final state, --baseline compares a run with it:
# bitwise by default, within a relative tolerance on request, and a run that
# differs fails verification (exit 1) saying where it differs.
. "$(dirname "$0")/lib.sh"
set -e
args="--set heat.grid=64x48 --set heat.dt=2e-5 --set run.steps=40"
run_ok "$HEAT" $args --save base.ckpt
run_ok "$HEAT" $args --threads 2 --baseline base.ckpt --report same.json
grep -q "baseline u: identical" out.txt || fail "identical run not reported identical"
grep -q '"differing": 0' same.json || fail "report lacks the baseline comparison"
# one more step: every interior value changes
expect_exit 1 "baseline u: .* values differ, largest" "$HEAT" $args --set run.steps=41 --baseline base.ckpt
grep -q "FAIL baseline.u.differing" out.txt || fail "no failing baseline record"
# within a loose tolerance the same run passes (the mode decays by ~1e-3 per step)
run_ok "$HEAT" $args --set run.steps=41 --baseline base.ckpt --baseline-tol 1e-2
# a baseline from another grid is refused as bad input
run_ok "$HEAT" --set heat.grid=32x32 --set heat.dt=2e-5 --set run.steps=1 --save other.ckpt
expect_exit 2 "field 'u' has 1024 values, expected 3072" "$HEAT" $args --baseline other.ckpt
echo "baseline: identical, differing and mismatched cases behave"
