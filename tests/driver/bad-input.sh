#!/bin/sh
# Bad input: each case exits non-zero with a one-line message that names
# what is wrong, does not crash, and leaves no report or temporary file.
. "$(dirname "$0")/lib.sh"
set -e
small="--set heat.grid=32x32 --set heat.dt=2e-4 --set run.steps=10"

expect_exit 2 "missing.ini: cannot open" "$HEAT" --config missing.ini
printf '[heat]\nalpah = 1\n' >typo.ini
expect_exit 2 "typo.ini:2: unknown key 'alpah' in \[heat\] (did you mean 'alpha'?)" "$HEAT" --config typo.ini
printf '[heat]\ngrid = 32x32\n[solver]\n' >section.ini
expect_exit 2 "section.ini:3: unknown section \[solver\]" "$HEAT" --config section.ini
expect_exit 2 "heat.grid=-5x32: \[heat\] grid = -5x32: '-5x32' is not a grid" "$HEAT" --set heat.grid=-5x32
expect_exit 2 "size 0 is out of range" "$HEAT" --set heat.grid=0x32
expect_exit 2 "'fast' is not a finite real number" "$HEAT" --set heat.dt=fast
expect_exit 2 "'neumann' is not one of dirichlet|periodic" "$HEAT" --set heat.bc=neumann
expect_exit 2 "stability" "$HEAT" --set heat.grid=32x32 --set heat.dt=1e-3
expect_exit 2 "unknown option --frobnicate" "$HEAT" --frobnicate
# -t N is --set run.threads=N, over a file's and --set's, for every N run.threads
# takes (0: OMP_NUM_THREADS or all cores), and refused outside that range
expect_exit 2 "--threads -1: expected" "$HEAT" --threads -1
expect_exit 2 "--threads 4097: expected" "$HEAT" --threads 4097
for t in 0 3; do
    run_ok "$HEAT" --set run.threads=$t --print-config
    mv out.txt set.ini
    run_ok "$HEAT" --set run.threads=2 --threads $t --print-config
    cmp -s set.ini out.txt || fail "--threads $t is not --set run.threads=$t"
    grep -qx "threads = $t" out.txt || fail "--threads $t printed as $(grep '^threads' out.txt)"
done
run_ok "$HEAT" $small --threads 0
expect_exit 2 "unexpected argument" "$HEAT" stray
expect_exit 2 "expected section.key=value" "$HEAT" --set steps=5

# checkpoints: missing, truncated, corrupted, from another grid
expect_exit 2 "nope.ckpt: cannot open" "$HEAT" $small --restart nope.ckpt
run_ok "$HEAT" $small --set run.checkpoint_every=5 --set run.checkpoint_file=good.ckpt
size=$(wc -c <good.ckpt)
head -c $((size / 2)) good.ckpt >trunc.ckpt
expect_exit 2 "trunc.ckpt: truncated" "$HEAT" $small --restart trunc.ckpt
cp good.ckpt corrupt.ckpt
printf 'X' | dd of=corrupt.ckpt bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
expect_exit 2 "corrupt.ckpt: checksum mismatch" "$HEAT" $small --restart corrupt.ckpt
printf 'not a checkpoint at all, just some text of a reasonable length for the header ..........................................................' >text.ckpt
expect_exit 2 "text.ckpt: not a PEL checkpoint" "$HEAT" $small --restart text.ckpt
expect_exit 2 "good.ckpt: written with heat.grid = '32x32', this run has '32x40'$" "$HEAT" $small --set heat.grid=32x40 --restart good.ckpt
expect_exit 2 "written by pel-heat, not pel-poisson" "$POISSON" --set poisson.grid=8x8 --baseline good.ckpt
run_ok "$POISSON" --set poisson.grid=8x8 --set run.steps=1 --save p8.ckpt
expect_exit 2 "p8.ckpt: written with poisson.grid = '8x8', this run has '16x8'$" "$POISSON" --set poisson.grid=16x8 \
    --baseline p8.ckpt

# an unwritable report or checkpoint is a run failure (exit 3), not a crash
expect_exit 3 "cannot create" "$HEAT" $small --set run.checkpoint_every=5 --set run.checkpoint_file=/nonexistent/x.ckpt
set +e
"$HEAT" $small --report /nonexistent/r.json >out.txt 2>err.txt
got=$?
set -e
[ $got -eq 3 ] || fail "unwritable report: exit $got"
grep -q "/nonexistent/r.json: cannot create" err.txt || fail "unwritable report: $(cat err.txt)"

# Poisson: bad sizes, an unreadable wisdom file
expect_exit 2 "size 1 is out of range" "$POISSON" --set poisson.grid=1x8
expect_exit 2 "error: poisson.wisdom = 'nowisdom': cannot open" "$POISSON" --set poisson.grid=8x8 --set poisson.wisdom=nowisdom
echo "bad input: every case refused cleanly"
