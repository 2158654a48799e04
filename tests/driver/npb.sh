#!/bin/sh
# pel-npb: every kernel's classes S and W verify against NPB's values, gives the
# same result fingerprint on 1, 2, 3 and 4 threads (PET) and on a repeated
# run (REP: --repeat makes the driver itself compare repetitions); bad
# usage is a one-line error with exit 2 and no report; the memory-bound
# kernels report a roofline fraction against the in-run triad, EP and runs
# with --no-triad none.
. "$(dirname "$0")/lib.sh"
set -e

# kernel_fingerprint REPORT: the fingerprints of the (single) kernel's result
# fields, in the report's order
kernel_fingerprint() {
    sed -n '/"fingerprints"/,/}/s/.*": "\([0-9a-f]*\)".*/\1/p' "$1"
}

for case in ep:S cg:S mg:S ft:S is:S ep:W cg:W mg:W ft:W is:W; do
    k=${case%:*} c=${case#*:}
    run_ok "$NPB" --kernel $k --class $c --threads 1 --repeat 2 --report a.json
    grep -q 'Verification    = *SUCCESSFUL' out.txt || { cat out.txt >&2; fail "$k: class $c did not verify"; }
    grep -q '"repetitions_identical": true' a.json || fail "$k REP: repetitions differ"
    [ $k = ep ] || grep -q '^ Roofline  *= *[0-9.]*  (of the triad' out.txt || fail "$k: no roofline line in the output"
    a=$(kernel_fingerprint a.json)
    [ -n "$a" ] || fail "$k: no fingerprint in the report"
    for t in 2 3 4; do
        run_ok "$NPB" --kernel $k --class $c --threads $t --no-triad --report t.json
        [ "$a" = "$(kernel_fingerprint t.json)" ] || fail "$k PET: $t threads differ from 1"
    done
    echo "$k class $c: verified; REP and PET (1-4 threads) identical ($a)"
    if [ $k = ep ]; then
        ! grep -q '"roofline fraction"' a.json || fail "ep: a roofline fraction for a compute-bound kernel"
    else
        grep -q '"roofline fraction"' a.json || fail "$k: no roofline fraction in the report"
    fi
    ! grep -q '"roofline fraction"' t.json || fail "$k: a roofline fraction with --no-triad"
done

# the triad's arrays (three of 4x the last-level cache) out of reach: a
# one-line warning, the kernel verified as ever, no roofline fraction
# (skipped where the program cannot start under the limit at all:
# AddressSanitizer's shadow memory)
llc=$(sed -n 's/K$//p' /sys/devices/system/cpu/cpu0/cache/index3/size 2>/dev/null || true)
if ! (ulimit -v 100000; exec "$NPB" --version) >/dev/null 2>&1; then
    echo "skip: the triad out of memory (pel-npb does not start under a 100 MB address-space limit)"
elif [ -n "$llc" ] && [ "$llc" -ge 12288 ]; then
    set +e
    (ulimit -v 100000; exec "$NPB" --kernel cg --class S --threads 2 --report oom.json) >out.txt 2>err.txt
    got=$?
    set -e
    [ $got -eq 0 ] || { cat err.txt >&2; fail "triad out of memory: exit $got, expected 0"; }
    grep -q '^warning: the in-run triad failed' err.txt || { cat err.txt >&2; fail "triad out of memory: no warning"; }
    ! grep -q '"roofline fraction"' oom.json || fail "triad out of memory: a roofline fraction all the same"
else
    echo "skip: the triad out of memory (no L3 of 12 MiB or more to size it by)"
fi

run_ok "$NPB" --kernel all --class S --quiet --report all.json
grep -q '"schema": "pel-run-report"' all.json || fail "--kernel all: not a run report"
[ "$(grep -c '"passed": true' all.json)" -eq 5 ] || fail "--kernel all: not five verified kernels"

expect_exit 2 "unknown kernel" "$NPB" --kernel lu
expect_exit 2 "unknown NPB class" "$NPB" --kernel cg --class D
expect_exit 2 "unknown NPB class" "$NPB" --kernel cg --class AA
expect_exit 2 "no kernel given" "$NPB" --class A
expect_exit 2 "--threads 0" "$NPB" --kernel ep --threads 0
expect_exit 2 "--repeat x" "$NPB" --kernel ep --repeat x
expect_exit 2 "unknown option" "$NPB" --kernel ep --size 5
echo "bad usage: one-line errors, exit 2, no report"
