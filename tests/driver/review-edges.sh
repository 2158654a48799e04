#!/bin/sh
# Edges of the drivers' inputs and outputs found in a hostile review: an
# output named like an input or like another output, and a standard output
# that cannot be written.  Each case failed (exit 0, a file destroyed or a
# result lost) before its fix.
. "$(dirname "$0")/lib.sh"
set -e
ALIGN="$builddir/drivers/pel-align"
CHOL="$builddir/drivers/pel-cholesky"
small="--set heat.grid=8x8 --set heat.dt=1e-4 --set run.steps=4"

# --- an output that would replace an input or another output: exit 2, the
# files as they were.  (A checkpoint may replace the one restarted from, and
# --save the baseline it was compared with: those are kept working.)
# refused_keeping FILE PATTERN ARGS...: exit 2 with one line matching
# PATTERN, and FILE as it was before the run
refused_keeping() {
    keep=$1 pattern=$2
    shift 2
    cp "$keep" kept.orig
    set +e
    "$@" >out.txt 2>err.txt
    got=$?
    set -e
    [ $got -eq 2 ] || { cat err.txt >&2; fail "exit $got, expected 2: $*"; }
    [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$pattern" err.txt || { cat err.txt >&2; fail "error lacks '$pattern': $*"; }
    cmp -s "$keep" kept.orig || fail "$keep was replaced: $*"
}
printf '[heat]\ngrid = 8x8\n' >c.ini
run_ok "$HEAT" $small --save s.ckpt
refused_keeping c.ini "pel-heat: error: --config and --report name the same file 'c.ini'" \
    "$HEAT" $small --config c.ini --report c.ini
refused_keeping s.ckpt "error: --save and --report name the same file 's.ckpt'" \
    "$HEAT" $small --save s.ckpt --report s.ckpt
refused_keeping s.ckpt "error: --save and --report name the same file './s.ckpt'" \
    "$HEAT" $small --save s.ckpt --report ./s.ckpt
refused_keeping s.ckpt "error: --restart and --report name the same file 's.ckpt'" \
    "$HEAT" $small --set run.steps=6 --restart s.ckpt --report s.ckpt
refused_keeping s.ckpt "error: --baseline and --report name the same file 's.ckpt'" \
    "$HEAT" $small --baseline s.ckpt --report s.ckpt
refused_keeping c.ini "error: --config and --save name the same file '$work/c.ini'" \
    "$HEAT" $small --config c.ini --save "$work/c.ini"
ln c.ini hard.ini
refused_keeping c.ini "error: --config and run.checkpoint_file name the same file" \
    "$HEAT" $small --config c.ini --set run.checkpoint_every=2 --set run.checkpoint_file=hard.ini
# what stays allowed: restart from the checkpoint file and keep writing it,
# save over the checkpoint restarted from or over the baseline compared with
run_ok "$HEAT" $small --set run.steps=6 --set run.checkpoint_every=2 --set run.checkpoint_file=s.ckpt --restart s.ckpt
run_ok "$HEAT" $small --set run.steps=8 --restart s.ckpt --save s.ckpt
run_ok "$HEAT" $small --set run.steps=8 --baseline s.ckpt --save s.ckpt

# --baseline-record into the directory --baseline-compare reads, by another
# spelling of its name: refused as the same spelling is
run_ok "$HEAT" $small --baseline-record hb
for other in ./hb hb/ "$work/hb"; do
    expect_exit 2 "error: --baseline-record and --baseline-compare name the same directory '$other'" \
        "$HEAT" $small --baseline-compare hb --baseline-record "$other"
done

# a report or a checkpoint into a baseline directory over one of its files
mkdir bd
refused_keeping c.ini "error: --report and --baseline-record name the same file 'bd/state.ckpt'" \
    "$HEAT" $small --baseline-record bd --report bd/state.ckpt
[ ! -e bd/state.ckpt ] || fail "a refused --baseline-record wrote bd/state.ckpt"
refused_keeping hb/state.ckpt "error: --report and --baseline-compare name the same file 'hb/state.ckpt'" \
    "$HEAT" $small --baseline-compare hb --report hb/state.ckpt
refused_keeping hb/index.ckpt "error: --save and --baseline-compare name the same file 'hb/index.ckpt'" \
    "$HEAT" $small --baseline-compare hb --save hb/index.ckpt
run_ok "$HEAT" $small --baseline-compare hb --restart hb/state.ckpt

# pel-poisson with no solve: exit 2 naming the key (it was exit 1, its
# checks FAILing on the zero field no solve had written)
expect_exit 2 "pel-poisson: error: \[run\] steps = 0: pel-poisson verifies its solves, give at least 1" \
    "$POISSON" --set poisson.grid=8x8 --set run.steps=0
run_ok "$POISSON" --set poisson.grid=8x8 --set run.steps=1

# pel-climate's history files are outputs of their own: a report or a
# checkpoint over one of them is refused, the history never begun
if grep -q "define HAVE_NETCDF 1" "$builddir/config.h"; then
    CLIMATE="$builddir/drivers/pel-climate"
    C="--threads 1 --set climate.bands=4 --set climate.ratio=1 --set run.steps=2 --set climate.history=h"
    printf 'kept\n' >keep.txt
    refused_keeping keep.txt "pel-climate: error: --report and the run's output file name the same file 'h.daily.nc'" \
        "$CLIMATE" $C --report h.daily.nc
    refused_keeping keep.txt "pel-climate: error: --save and the run's output file name the same file 'h.monthly.nc'" \
        "$CLIMATE" $C --save h.monthly.nc
    ls h.* >/dev/null 2>&1 && fail "a refused run left history files: $(ls h.*)"
else
    echo "review-edges: skipping the history cases: this build has no NetCDF"
fi

# the other programs' inputs
printf '>q\nACDEFGHIK\n' >q.fa
refused_keeping q.fa "pel-align: error: --query and --write-db name the same file 'q.fa'" \
    "$ALIGN" --query q.fa --generate 3 --write-db q.fa
expect_exit 2 "pel-align: error: --db and --report name the same file 'report.json'" \
    "$ALIGN" --query q.fa --db report.json
run_ok "$ALIGN" --query q.fa --db q.fa
printf '4 1\n1 4\n' >m.txt
refused_keeping m.txt "pel-cholesky: error: --matrix and --report name the same file 'm.txt'" \
    "$CHOL" --matrix m.txt --report m.txt

# the random matrix's options with --matrix: refused (they were ignored)
expect_exit 2 "pel-cholesky: error: --n and --matrix: --n sets up the random matrix, --matrix reads one; give one of them" \
    "$CHOL" --matrix m.txt --n 5
expect_exit 2 "pel-cholesky: error: --seed and --matrix" "$CHOL" --seed 3 --matrix m.txt

# a matrix with a NUL byte: the line was read up to the NUL, the rest
# ignored, and the matrix in front of it factored (exit 0)
printf '4 1\n1 4\0 7\n' >nul.txt
expect_exit 2 "pel-cholesky: error: nul.txt:2: a NUL byte: not a text matrix" "$CHOL" --matrix nul.txt
printf '4\0 1\n1 4\n' >nul1.txt
expect_exit 2 "pel-cholesky: error: nul1.txt:1: a NUL byte: not a text matrix" "$CHOL" --matrix nul1.txt

# numbers beyond a double: named as such (they were 'malformed number')
printf '1e-320 0\n0 1\n' >tiny.txt
expect_exit 2 "pel-cholesky: error: tiny.txt:1: number '1e-320' underflows a double" "$CHOL" --matrix tiny.txt
printf '4 1\n1 1e400\n' >huge.txt
expect_exit 2 "pel-cholesky: error: huge.txt:2: number '1e400' overflows a double$" "$CHOL" --matrix huge.txt

# --- a standard output that cannot be written (a full disk: /dev/full;
# a closed descriptor): one line, exit 3, and no report of the lost run
if [ -w /dev/full ]; then
    for prog in "$HEAT" "$POISSON"; do
        set +e
        "$prog" --print-config >/dev/full 2>err.txt
        got=$?
        set -e
        [ $got -eq 3 ] || fail "$prog --print-config >/dev/full: exit $got"
        [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "error: cannot write the standard output" err.txt ||
            fail "$prog --print-config >/dev/full: $(cat err.txt)"
    done
    for run in "$HEAT $small" "$NPB --kernel ep" "$ALIGN ACDE ACDE" "$CHOL --n 8"; do
        rm -f report.json
        set +e
        $run --report report.json >/dev/full 2>err.txt
        got=$?
        set -e
        [ $got -eq 3 ] || fail "$run >/dev/full: exit $got"
        grep -q "error: cannot write the standard output" err.txt || fail "$run >/dev/full: $(cat err.txt)"
    done
    rm -f report.json
    set +e
    "$HEAT" $small --report report.json >/dev/full 2>err.txt
    set -e
    [ ! -e report.json ] || fail "a report of a run whose results were lost on stdout"
    set +e
    "$BENCH" --help >/dev/full 2>err.txt
    got=$?
    set -e
    [ $got -eq 3 ] || fail "pel-bench --help >/dev/full: exit $got"
else
    echo "review-edges: skipping the full-disk cases: no writable /dev/full"
fi
set +e
"$HEAT" --version >&- 2>err.txt
got=$?
set -e
[ $got -eq 3 ] || fail "pel-heat --version with stdout closed: exit $got"
grep -q "pel-heat: error: cannot write the standard output" err.txt || fail "$(cat err.txt)"
# --- SIGTERM to pel-cholesky after its factorisation, while it forms the
# right-hand sides (n = 600 and 1000 of them: seconds, nearly all the run):
# exit 143 at once, one line, no report (it went on to exit 0 and a report)
rm -f report.json
"$CHOL" --n 600 --nrhs 1000 --threads 1 --report report.json >out.txt 2>err.txt &
pid=$!
wait_caught TERM $pid
sleep 0.3
signal_expect TERM $pid 143 "pel-cholesky stopped by SIGTERM"
grep -q "pel-cholesky: error: stopped by SIGTERM, no report written" err.txt || fail "SIGTERM: $(cat err.txt)"
[ ! -e report.json ] || fail "pel-cholesky stopped by SIGTERM wrote a report"
# --- a file option given twice: the last one won silently, and the first
# file was dropped (read or written as the user did not ask)
expect_exit 2 "pel-align: error: --query is given twice ('q1', then 'q2'): give one" "$ALIGN" --query q1 --query q2
expect_exit 2 "pel-align: error: --write-db is given twice" "$ALIGN" --write-db d1 --write-db d2
expect_exit 2 "pel-cholesky: error: --matrix is given twice ('m1', then 'm2'): give one" "$CHOL" --matrix m1 --matrix m2
expect_exit 2 "pel-cholesky: error: --report is given twice" "$CHOL" --report r1 --report r2
expect_exit 2 "pel-npb: error: --report is given twice" "$builddir/drivers/pel-npb" --kernel is --report r1 --report r2
expect_exit 2 "pel-bench: error: --report is given twice" "$builddir/drivers/pel-bench" --report r1 --report r2
expect_exit 2 "pel-npb: error: --kernel is given twice ('cg', then 'ep'): give one, or all" "$NPB" --kernel cg --kernel ep
for opt in --suite --kernels --npb-dir --pel-npb; do
    expect_exit 2 "pel-bench: error: $opt is given twice ('a1', then 'a2'): give one" "$BENCH" $opt a1 $opt a2
done
# --- a file the configuration names for the run to read (a mask, FFTW
# wisdom) named by an output: the output replaced it
cp "$srcdir/data/masks/continent.txt" m.txt
LAND="$builddir/drivers/pel-land"
refused_keeping m.txt "pel-land: error: --report and land.mask name the same file 'm.txt'" \
    "$LAND" --set land.mask=m.txt --report m.txt
refused_keeping m.txt "pel-land: error: --save and land.mask name the same file './m.txt'" \
    "$LAND" --set land.mask=./m.txt --save ./m.txt
refused_keeping m.txt "pel-climate: error: --report and climate.mask name the same file 'm.txt'" \
    "$builddir/drivers/pel-climate" --set climate.mask=m.txt --report m.txt
printf 'not wisdom\n' >w.txt
refused_keeping w.txt "pel-poisson: error: --report and poisson.wisdom name the same file 'w.txt'" \
    "$POISSON" --set poisson.wisdom=w.txt --report w.txt
# --- more threads from OMP_NUM_THREADS than --threads accepts: refused, as
# --threads 100000 is (it started 100000 threads)
many="pel-heat: error: OMP_NUM_THREADS gives 100000 threads, more than 4096: give fewer, or --threads N"
expect_exit 2 "$many" env OMP_NUM_THREADS=100000 "$HEAT" $small
expect_exit 2 "pel-npb: error: OMP_NUM_THREADS gives 100000" env OMP_NUM_THREADS=100000 "$NPB" --kernel ep --class S
expect_exit 2 "pel-cholesky: error: OMP_NUM_THREADS gives 100000" env OMP_NUM_THREADS=100000 "$CHOL" --n 8
expect_exit 2 "pel-bench: error: OMP_NUM_THREADS gives 100000" env OMP_NUM_THREADS=100000 "$BENCH" --suite stream --quick
run_ok env OMP_NUM_THREADS=100000 "$HEAT" $small --threads 2
echo "review edges: every case answered"
