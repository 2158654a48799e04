#!/bin/sh
# Baselines: --save writes the final state, --baseline compares a run with it:
# bitwise by default, within a relative tolerance on request, and a run that
# differs fails verification (exit 1) saying where it differs; a baseline of
# other parameters is bad input (exit 2), refused before the run.
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
grep -q "largest [0-9]* ULP at (" out.txt || fail "no ULP distance in the comparison"
# a baseline from another grid or another dt is refused as bad input, before
# the run: with a billion steps to go, only a refusal at setup returns at once
long="--set run.steps=1000000000"
run_ok "$HEAT" --set heat.grid=32x32 --set heat.dt=2e-5 --set run.steps=1 --save grid.ckpt
expect_exit 2 "grid.ckpt: written with heat.grid = '32x32', this run has '64x48'$" "$HEAT" $args $long --baseline grid.ckpt
run_ok "$HEAT" --set heat.grid=64x48 --set heat.dt=1e-5 --set run.steps=1 --save dt.ckpt
expect_exit 2 "dt.ckpt: written with heat.dt = 1e-05, this run has 2e-05" "$HEAT" $args $long --baseline dt.ckpt
# the report records the numerics version and each field's element type
grep -q '"numerics": "heat=1"' same.json || fail "report lacks the numerics version"
grep -q '"type": "f64"' same.json || fail "report lacks the fields' element types"
echo "baseline: identical, differing and mismatched cases behave"
