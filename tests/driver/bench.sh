#!/bin/sh
# pel-bench's suites and its side-by-side mode, quick: they must run, parse
# and report; no time is asserted.  The NPB programs of the compare suite
# are stand-ins written here (NPB's output format, a stated time), so the
# figure the suite reads back is known: NPB timed = 0.5 s exactly.
. "$(dirname "$0")/lib.sh"
set -e

# ---- suites selected by name -------------------------------------------------
run_ok "$BENCH" --suite stream --quick --reps 2 --threads 2 --report s.json
grep -q "triad bandwidth (STREAM loop)" out.txt || fail "stream suite printed no triad"
grep -q "heat 2D" out.txt && fail "--suite stream ran the heat suite too"
grep -q '"suites": "stream"' s.json || fail "the report does not record the suites"
# the numerics versions of the families the suites ran, as every program's
# report lists them ("family=version", each once); the triad is no family's
grep -q '"numerics": ""' s.json || fail "the stream suite's report lists numerics: $(grep '"numerics"' s.json)"
run_ok "$BENCH" --suite heat,ocean --quick --reps 1 --threads 2 --report h.json
heat=$(sed -n 's/^#define PEL_HEAT_NUMERICS_VERSION \([0-9]*\).*/\1/p' "$srcdir/include/pel/heat.h")
ocean=$(sed -n 's/^#define PEL_OCEAN_NUMERICS_VERSION \([0-9]*\).*/\1/p' "$srcdir/include/pel/ocean.h")
[ -n "$heat" ] && [ -n "$ocean" ] || fail "no numerics versions in pel/heat.h, pel/ocean.h"
grep -q "\"numerics\": \"heat=$heat,ocean=$ocean\"" h.json ||
    fail "the heat and ocean suites' report: $(grep '"numerics"' h.json), expected heat=$heat,ocean=$ocean"
run_ok "$BENCH" --help
for s in stream heat poisson npb compare climate sparse; do
    grep -q "^ *$s " out.txt || fail "--help does not list the $s suite"
done

# ---- sparse: the CG product and its ceiling with x in L1, both over the triad -
run_ok "$BENCH" --suite sparse --quick --reps 2 --threads 2 --report sp.json
for w in "cg product (class S)" "cg product / triad (class S)" "x in L1 (class S)" "x in L1 / triad (class S)"; do
    grep -q "$w" out.txt || fail "sparse suite: no '$w'"
done
grep -q '"name": "x in L1 / triad (class S)"' sp.json || fail "sparse suite: no ceiling in the report"

# ---- climate: SYPD by mode at 1 and 2 threads, the gains, the same bits ------
run_ok "$BENCH" --suite climate --quick --reps 1 --threads 2 --report c.json
for w in "1T sequential" "1T tasks" "1T teams" "2T sequential" "2T tasks" "2T teams" "2T gain, tasks" "2T gain, teams"; do
    grep -q "climate $w" out.txt || fail "climate suite: no '$w'"
done
grep -q "every mode and thread count holds the same bits" out.txt || fail "climate suite: modes differ"
grep -q '"name": "climate 2T gain, tasks"' c.json || fail "climate suite: no gain in the report"
grep -q '"numerics": "climate=[0-9]*,atmosphere=[0-9]*,ocean=[0-9]*,land=[0-9]*"' c.json ||
    fail "climate suite: the report's numerics are $(grep '"numerics"' c.json)"

# ---- npb: each kernel a child process, setup and solve apart ----------------
run_ok "$BENCH" --suite npb --quick --reps 1 --threads 2 --kernels is,ep --report n.json
for k in EP IS; do
    for w in setup solve "whole process" "peak memory"; do
        grep -q "npb $k S $w" out.txt || fail "npb suite: no '$k S $w'"
    done
done
grep -q "npb CG" out.txt && fail "--kernels is,ep ran CG"
grep -q '"numerics": "gauss=[0-9]*,sort=[0-9]*"' n.json || fail "npb suite: the report's numerics are $(grep '"numerics"' n.json)"
if command -v python3 >/dev/null 2>&1; then
    python3 - n.json <<'PY' || fail "npb report: the figures do not hold together"
import json, sys
r = json.load(open(sys.argv[1]))
p = {x["name"]: x["timing"]["repetitions"] for x in r["problems"]}
for k in ("EP", "IS"):
    setup, solve, whole, mem = (p["npb %s S %s" % (k, w)][0] for w in ("setup", "solve", "whole process", "peak memory"))
    # the child's wall time contains its setup and its solve; a process holds memory
    assert whole >= setup + solve > 0, (k, setup, solve, whole)
    assert mem > 0, (k, mem)
PY
fi

# ---- compare: stand-in NPB programs against the real pel-npb ----------------
mkdir npbdir
for k in cg is; do
    cat >npbdir/$k.S.x <<EOS
#!/bin/sh
[ "\$OMP_NUM_THREADS" = 2 ] || { echo "OMP_NUM_THREADS is '\$OMP_NUM_THREADS'" >&2; exit 9; }
echo " Time in seconds =                     0.50"
echo " Verification    =               SUCCESSFUL"
EOS
    chmod +x npbdir/$k.S.x
done
run_ok "$BENCH" --suite compare --quick --reps 2 --threads 2 --kernels cg,is --npb-dir npbdir --report c.json
for k in CG IS; do
    grep -q "$k S 2T NPB timed  *0.500  *0.500  *0.500  s" out.txt || fail "compare: NPB's 0.50 s not read back for $k"
    grep -q "$k S 2T PEL/NPB timed" out.txt || fail "compare: no timed ratio for $k"
    grep -q "$k S 2T PEL/NPB whole process" out.txt || fail "compare: no whole-process ratio for $k"
done
grep -q '"numerics": "sparse=[0-9]*,sort=[0-9]*"' c.json || fail "compare suite: the report's numerics are $(grep '"numerics"' c.json)"
if command -v python3 >/dev/null 2>&1; then
    python3 - c.json <<'PY' || fail "compare report: the ratios are not PEL/NPB of the pairs"
import json, sys
r = json.load(open(sys.argv[1]))
p = {x["name"]: x["timing"]["repetitions"] for x in r["problems"]}
for k in ("CG", "IS"):
    npb, pel, ratio = (p["%s S 2T %s" % (k, w)] for w in ("NPB timed", "PEL timed", "PEL/NPB timed"))
    assert len(ratio) == 2 and all(abs(q - b / a) <= 1e-12 * q for a, b, q in zip(npb, pel, ratio)), (npb, pel, ratio)
PY
fi
# SIGTERM to pel-bench alone (not its process group) while an NPB program
# runs: the program is stopped too, and pel-bench exits 143 without waiting
# for it (timeout's bound is only there to end the test if it did)
printf '#!/bin/sh\nexec sleep 60\n' >npbdir/cg.S.x
set +e
timeout 30 "$BENCH" --suite compare --quick --reps 1 --threads 2 --kernels cg --npb-dir npbdir \
    --report stop.json >out.txt 2>err.txt &
tpid=$!
sleep 1
pkill -TERM -P $tpid -x pel-bench 2>/dev/null || pkill -TERM -f "pel-bench --suite compare --quick --reps 1 --threads 2 --kernels cg"
wait $tpid
got=$?
set -e
[ "$got" -eq 143 ] || { cat err.txt >&2; fail "SIGTERM during an NPB program: exit $got, expected 143"; }
grep -q "stopped by SIGTERM" err.txt || { cat err.txt >&2; fail "SIGTERM during an NPB program: no stop line"; }
[ ! -e stop.json ] || fail "SIGTERM during an NPB program: a report was written"
pgrep -f "sleep 60" >/dev/null && fail "SIGTERM during an NPB program: the program still runs"
for k in cg; do
    cat >npbdir/$k.S.x <<EOS
#!/bin/sh
echo " Time in seconds =                     0.50"
echo " Verification    =               SUCCESSFUL"
EOS
    chmod +x npbdir/$k.S.x
done
# an NPB run that fails its verification: exit 1, the report still written
sed -i 's/ SUCCESSFUL/ UNSUCCESSFUL/' npbdir/is.S.x
set +e
"$BENCH" --suite compare --quick --reps 1 --threads 2 --kernels is --npb-dir npbdir --report v.json >out.txt 2>err.txt
got=$?
set -e
[ "$got" -eq 1 ] || { cat out.txt err.txt >&2; fail "a failed NPB verification: exit $got, expected 1"; }
grep -q "npbdir/is.S.x class S: verification FAILED" err.txt || fail "the failed verification is not named"
[ -s v.json ] || fail "no report after a failed verification"
grep -q '"exit_status": 1' v.json || fail "the report's exit_status is not the program's 1"
# an NPB program that prints no time: exit 3, one line, no report
printf '#!/bin/sh\necho hello\n' >npbdir/is.S.x
expect_exit 3 "npbdir/is.S.x printed no \"Time in seconds =\"" "$BENCH" --suite compare --quick --reps 1 --kernels is --npb-dir npbdir

# ---- bad usage: one line, exit 2, nothing run, no report --------------------
expect_exit 2 "pel-bench: error: --suite bogus: unknown suite 'bogus' (expected stream, heat, poisson, npb, compare, ocean, climate or sparse)" \
    "$BENCH" --quick --suite bogus
expect_exit 2 "pel-bench: error: --suite stream,,x: unknown suite ''" "$BENCH" --quick --suite stream,,x
expect_exit 2 "pel-bench: error: --suite '': no suite named" "$BENCH" --quick --suite ""
expect_exit 2 "pel-bench: error: --suite compare needs --npb-dir DIR" "$BENCH" --quick --suite compare
expect_exit 2 "pel-bench: error: --npb-dir nodir: not a directory" "$BENCH" --quick --suite compare --npb-dir nodir
expect_exit 2 "pel-bench: error: --npb-dir npbdir: no executable ep.S.x there" "$BENCH" --quick --suite compare --npb-dir npbdir
expect_exit 2 "pel-bench: error: --pel-npb ./nothing: not an executable program" \
    "$BENCH" --quick --suite compare --kernels cg --npb-dir npbdir --pel-npb ./nothing
expect_exit 2 "pel-bench: error: --kernels cg,xy: unknown kernel 'xy' (expected ep, cg, mg, ft or is)" \
    "$BENCH" --quick --suite npb --kernels cg,xy
expect_exit 2 "pel-bench: error: --class Q: unknown NPB class (expected S, W, A, B or C)" "$BENCH" --quick --class Q
expect_exit 2 "pel-bench: error: --class AB: unknown NPB class" "$BENCH" --quick --class AB
expect_exit 2 "pel-bench: error: --npb-child xy: unknown kernel" "$BENCH" --npb-child xy
# make bench-compare without NPB_DIR: one line naming the variable, and
# pel-bench is not run (nor its report written)
if [ -f "$builddir/Makefile" ] && command -v make >/dev/null 2>&1; then
    rm -f "$builddir/bench-compare-report.json"
    set +e
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$builddir" bench-compare NPB_DIR= >mk.out 2>mk.err
    got=$?
    set -e
    [ "$got" -ne 0 ] || fail "make bench-compare without NPB_DIR succeeded"
    grep -qxF "bench-compare: set NPB_DIR=<directory of NPB's binaries>" mk.err ||
        { cat mk.out mk.err >&2; fail "make bench-compare without NPB_DIR: no message naming NPB_DIR"; }
    grep -q "npb-dir" mk.out mk.err && fail "make bench-compare without NPB_DIR ran pel-bench"
    [ ! -e "$builddir/bench-compare-report.json" ] || fail "make bench-compare without NPB_DIR wrote a report"
    echo "make bench-compare without NPB_DIR: refused naming the variable"
fi
echo "bench: suites by name, npb children, compare against stand-ins, bad usage refused"
