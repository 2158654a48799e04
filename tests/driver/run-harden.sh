#!/bin/sh
# The run loop under hostile conditions, one section per class: odd wisdom
# files, outputs checked before the first step, signals during a run, the
# OpenMP runtime failing, derived quantities that make a run meaningless,
# and every option of every program through one strict parser.
. "$(dirname "$0")/lib.sh"
set -e
T="timeout 60"
small="--set heat.grid=32x32 --set heat.dt=2e-4 --set run.steps=10"

# refused CODE PATTERN ARGS...: as expect_exit, for runs that name their own
# --report (expect_exit's would override it)
refused() {
    code=$1 pattern=$2
    shift 2
    set +e
    "$@" >out.txt 2>err.txt
    got=$?
    set -e
    [ "$got" -eq "$code" ] || { cat out.txt err.txt >&2; fail "exit $got, expected $code: $*"; }
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt >&2; fail "expected a one-line error: $*"; }
    grep -q -- "$pattern" err.txt || { cat err.txt >&2; fail "error lacks '$pattern': $*"; }
    ls ./*.tmp.* >/dev/null 2>&1 && fail "a temporary file was left behind: $*"
    return 0
}

# ---- wisdom files: regular files of at most 16 MiB, never waited on --------
mkfifo fifo.wisdom
p8="--set poisson.grid=8x8"
expect_exit 2 "error: poisson.wisdom = 'fifo.wisdom': not a regular file" $T "$POISSON" $p8 --set poisson.wisdom=fifo.wisdom
expect_exit 2 "error: poisson.wisdom = '/dev/zero': not a regular file" $T "$POISSON" $p8 --set poisson.wisdom=/dev/zero
mkdir wdir
expect_exit 2 "error: poisson.wisdom = 'wdir': not a regular file" $T "$POISSON" $p8 --set poisson.wisdom=wdir
dd if=/dev/zero of=big.wisdom bs=1048576 count=17 2>/dev/null
expect_exit 2 "error: poisson.wisdom = 'big.wisdom': .* larger than" $T "$POISSON" $p8 --set poisson.wisdom=big.wisdom
printf '(fftw-3.3 fftw_wisdom\0)\n' >nul.wisdom
expect_exit 2 "error: poisson.wisdom = 'nul.wisdom': not FFTW wisdom" $T "$POISSON" $p8 --set poisson.wisdom=nul.wisdom
if command -v fftw-wisdom >/dev/null 2>&1 && fftw-wisdom -n -o good.wisdom rof8x8 2>/dev/null; then
    run_ok $T "$POISSON" $p8 --set poisson.wisdom=good.wisdom
fi

# ---- outputs are checked before the first step ------------------------------
# a billion steps: these pass only when the output is refused up front
long="--set heat.grid=32x32 --set heat.dt=2e-4 --set run.steps=1000000000"
: >afile
mkfifo fifo.out
for bad in nodir/x afile/x fifo.out /dev/null; do
    expect_exit 3 "error: --save: $bad" $T "$HEAT" $long --save $bad
    expect_exit 3 "error: run.checkpoint_file: $bad" $T "$HEAT" $long --set run.checkpoint_every=5 \
        --set run.checkpoint_file=$bad
    refused 3 "error: --report: $bad" $T "$HEAT" $long --report $bad
done
expect_exit 3 "error: --save: output file: empty path" $T "$HEAT" $long --save ""
expect_exit 3 "error: run.checkpoint_file: output file: empty path" $T "$HEAT" $long \
    --set run.checkpoint_every=5 --set run.checkpoint_file=
refused 3 "error: --report: output file: empty path" $T "$POISSON" --set run.steps=1000000000 --report ""
refused 3 "error: --report: nodir/x" $T "$NPB" --kernel all --class C --report nodir/x
[ -p fifo.out ] && [ -f afile ] && [ ! -s afile ] || fail "an output target was replaced"

# ---- signals: stop at a step boundary, files whole, exit 128 + N ------------
# A checkpoint every step of a 512x512 grid (2 MiB, fsync'ed), so most
# signals arrive while one is being written; each run starts with the
# previous run's checkpoint standing, which must survive.
ck="--set heat.grid=512x512 --set heat.dt=1e-7"
i=0 last=0
while [ $i -lt 10 ]; do
    i=$((i + 1))
    sig=TERM want=143
    [ $i -eq 5 ] && sig=INT want=130
    "$HEAT" $ck --set run.steps=1000000000 --set run.checkpoint_every=1 --set run.checkpoint_file=h.ckpt \
        --report never.json -q >out.txt 2>err.txt &
    pid=$!
    wait_caught $sig $pid
    sleep "$(awk -v s="$i" 'BEGIN { srand(s + 1000 * srand()); printf "%.2f", 0.2 + 1.3 * rand() }')"
    signal_expect $sig $pid $want "SIG$sig run $i"
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt >&2; fail "SIG$sig run $i: expected a one-line message"; }
    grep -q "stopped by SIG$sig at step" err.txt || { cat err.txt >&2; fail "SIG$sig run $i: message"; }
    ls ./*.tmp.* >/dev/null 2>&1 && fail "SIG$sig run $i: a temporary file was left behind"
    [ ! -e never.json ] || fail "SIG$sig run $i: a report was written"
    if [ -e h.ckpt ]; then
        # the last checkpoint (this run's, or the previous run's) restarts
        n=$(sed -n 's/.*the last checkpoint (h.ckpt) is at step \([0-9]*\).*/\1/p' err.txt)
        [ -n "$n" ] || n=$last
        run_ok "$HEAT" $ck --restart h.ckpt --set run.steps=$((n + 2)) -q
        last=$n
    fi
done
[ -e h.ckpt ] || fail "no checkpoint was written in ten runs"
# the suite: stopped between steps, no report
"$NPB" --kernel all --class B --report never.json -q >out.txt 2>err.txt &
pid=$!
wait_caught TERM $pid
sleep 0.5
signal_expect TERM $pid 143 "pel-npb SIGTERM"
grep -q "pel-npb: error: stopped by SIGTERM in" err.txt || { cat err.txt >&2; fail "pel-npb SIGTERM: message"; }
[ ! -e never.json ] || fail "pel-npb SIGTERM: a report was written"

# ---- the OpenMP runtime failing to start its threads: exit 3, one line ------
# (a stack no machine can give makes libgomp's pthread_create fail; libgomp
# prints its own line and calls exit(1), which must not read as a failed
# verification)
for prog in "$HEAT $small" "$POISSON --set poisson.grid=16x16" "$NPB --kernel ep --class S"; do
    set +e
    OMP_STACKSIZE=100000G $T $prog --threads 4 --report omp.json >out.txt 2>err.txt
    got=$?
    set -e
    [ $got -eq 3 ] || { cat err.txt >&2; fail "OpenMP failure: exit $got, expected 3: $prog"; }
    grep -q "error: the OpenMP runtime failed (could not create threads?)" err.txt ||
        { cat err.txt >&2; fail "OpenMP failure: message: $prog"; }
    [ ! -e omp.json ] || fail "OpenMP failure: a report was written: $prog"
done

# ---- interval records: grown as the run reaches them -------------------------
# 10^12 steps verified at every one: the records were once allocated for the
# whole plan up front (tens of TB: exit 3 before the first step); now the run
# starts and stops at its wall-time limit (exit 4) with a checkpoint
# (under a limit of 8 GB of address space, so that an up-front allocation
# fails even where the kernel overcommits without bound; not where the
# program cannot start under one: AddressSanitizer's shadow memory)
vlimit="ulimit -v 8000000"
(eval "$vlimit"; exec "$HEAT" --version) >/dev/null 2>&1 || vlimit=:
set +e
(eval "$vlimit"; exec $T "$HEAT" --set heat.grid=8x8 --set heat.dt=1e-3 --set run.steps=1000000000000 \
    --set run.verify_every=1 --walltime 1) >out.txt 2>err.txt
got=$?
set -e
[ $got -eq 4 ] || { cat err.txt >&2; fail "10^12 planned steps: exit $got, expected 4 (the wall-time stop)"; }
grep -q "stopped before the wall-time limit" err.txt || { cat err.txt >&2; fail "10^12 planned steps: no wall-time stop"; }
# 300 boundaries (past the first allocation of 64): every one in the report
run_ok $T "$HEAT" --set heat.grid=8x8 --set heat.dt=1e-3 --set run.steps=300 --set run.verify_every=1 \
    --report iv.json
n=$(grep -o '"kernel_s"' iv.json | wc -l)
[ "$n" -ge 299 ] || fail "300 steps verified at every one: $n interval records in the report"

# ---- derived quantities: in range one by one, meaningless together ----------
# each refusal gives advice that can be followed: the advised values run
g="--set heat.grid=32x32 --set run.steps=4"
expect_exit 2 "heat: length\[0\] = 1e-300 too small for this grid: h = .*, h^2 underflows; use a length from" \
    "$HEAT" $g --set heat.length=1e-300
expect_exit 2 "heat: length\[0\] = 1e+300 too large for this grid: h = .*, h^2 overflows; use a length from" \
    "$HEAT" $g --set heat.length=1e300
lo=$(sed -n 's/.*use a length from \([^ ]*\) to \([^ ]*\)$/\1/p' err.txt)
hi=$(sed -n 's/.*use a length from \([^ ]*\) to \([^ ]*\)$/\2/p' err.txt)
for len in $lo $hi; do
    # at the advised extremes the run goes, or the advice on dt does
    set +e
    "$HEAT" $g --set heat.length=$len -q >out.txt 2>err.txt
    got=$?
    set -e
    [ $got -eq 0 ] && continue
    dt=$(sed -n 's/.*; use dt [<>]= \([^ ]*\).*$/\1/p' err.txt)
    [ -n "$dt" ] || { cat err.txt >&2; fail "heat length $len: no usable advice"; }
    run_ok "$HEAT" $g --set heat.length=$len --set heat.dt=$dt
done
# an extreme alpha: the stability advice is a normal dt the driver accepts
expect_exit 2 "use dt <= " "$HEAT" $g --set heat.alpha=1e300
dt=$(sed -n 's/.*; use dt <= \([^ ]*\)$/\1/p' err.txt)
run_ok "$HEAT" $g --set heat.alpha=1e300 --set heat.dt=$dt
expect_exit 2 "heat: dt = 1e-300 gives r = .* below the double epsilon: a step would change no value; use dt >= " \
    "$HEAT" $g --set heat.dt=1e-300
dt=$(sed -n 's/.*use dt >= \([^ ]*\) .*/\1/p' err.txt)
run_ok "$HEAT" $g --set heat.dt=$dt
p16="--set poisson.grid=16x16 --set run.steps=1"
expect_exit 2 "poisson: length\[0\] = 1e-300 too small for this grid: h = .* the largest symbol |lambda| = inf overflows; use a length from" \
    "$POISSON" $p16 --set poisson.length=1e-300
expect_exit 2 "poisson: length\[0\] = 1e+300 too large for this grid: h = .* the smallest nonzero symbol |lambda| = 0 underflows" \
    "$POISSON" $p16 --set poisson.length=1e300
lo=$(sed -n 's/.*use a length from \([^ ]*\) to \([^ ]*\)$/\1/p' err.txt)
hi=$(sed -n 's/.*use a length from \([^ ]*\) to \([^ ]*\)$/\2/p' err.txt)
for lap in spectral fd2; do
    for len in $lo $hi; do
        run_ok "$POISSON" $p16 --set poisson.laplacian=$lap --set poisson.length=$len
    done
done
expect_exit 2 "poisson: length\[0\] = 1e+300 too large" "$POISSON" --set poisson.grid=16x8x4 --set poisson.length=1e300

# ---- every option of every program through one strict parser ---------------
for v in 0 abc 2x "" " 2" 4097 99999999999999999999; do
    expect_exit 2 "pel-bench: error: --threads $v: expected an integer from 1 to 4096" $T "$BENCH" --quick --threads "$v"
    expect_exit 2 "pel-npb: error: --threads $v: expected an integer" $T "$NPB" --kernel ep --threads "$v"
done
# the drivers' --threads is run.threads, 0 included (OMP_NUM_THREADS or all cores)
for v in -1 abc 2x "" " 2" 4097 99999999999999999999; do
    expect_exit 2 "pel-heat: error: --threads $v: expected an integer from 0 to 4096" $T "$HEAT" $small --threads "$v"
    expect_exit 2 "pel-poisson: error: --threads $v: expected an integer from 0 to 4096" $T "$POISSON" --threads "$v"
done
for v in 0 abc 2x "" 101 -1; do
    expect_exit 2 "pel-bench: error: --reps $v: expected an integer from 1 to 100" $T "$BENCH" --quick --reps "$v"
    expect_exit 2 "pel-npb: error: --repeat $v: expected an integer from 1 to 100" $T "$NPB" --kernel ep --repeat "$v"
done
for v in -1 abc 1e-3x inf nan 0x1p-3 " 1" 1e999; do
    expect_exit 2 "pel-heat: error: --baseline-tol $v: expected a finite number >= 0" $T "$HEAT" $small --baseline-tol "$v"
done
expect_exit 2 "pel-bench: error: unknown option --bogus" $T "$BENCH" --quick --bogus
refused 2 "pel-bench: error: option --reps needs a value" $T "$BENCH" --quick --reps
expect_exit 2 "pel-bench: error: unexpected argument 'extra'" $T "$BENCH" --quick extra
refused 3 "pel-bench: error: --report: nodir/x: cannot create" $T "$BENCH" --report nodir/x
printf '[heat]\ngrid = 32x32\n' >one.ini
expect_exit 2 "pel-heat: error: --config is given twice ('one.ini', then 'one.ini')" $T "$HEAT" $small --config one.ini --config one.ini
# a full file system: the write fails, the run says so (exit 3, one line), and
# neither the target nor a temporary is left.  Needs a small tmpfs (root).
mkdir full
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k pel-full full 2>/dev/null; then
    trap 'umount "$work/full" 2>/dev/null || true; rm -rf "$work"' EXIT
    set +e
    $T "$HEAT" --set heat.grid=256x256 --set heat.dt=1e-6 --set run.steps=2 --save full/s.ckpt >out.txt 2>err.txt
    got=$?
    set -e
    [ $got -eq 3 ] || { cat err.txt >&2; fail "--save on a full file system: exit $got"; }
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt >&2; fail "--save on a full file system: not one line"; }
    grep -q "full/s.ckpt: write failed: No space left on device" err.txt || fail "--save, full: $(cat err.txt)"
    [ -z "$(ls full)" ] || fail "a full file system kept: $(ls full)"
    dd if=/dev/zero of=full/fill bs=1k count=64 2>/dev/null || true
    set +e
    $T "$HEAT" $small --report full/r.json >out.txt 2>err.txt
    got=$?
    set -e
    [ $got -eq 3 ] || { cat err.txt >&2; fail "--report on a full file system: exit $got"; }
    [ ! -e full/r.json ] && [ "$(ls full)" = fill ] || fail "--report, full: left $(ls full)"
    umount full
else
    echo "run-harden: no tmpfs mount here (not root?): the full-disk case is skipped"
fi
echo "run-harden: every class answered"
