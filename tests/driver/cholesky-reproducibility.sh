#!/bin/sh
# REP and PET for pel-cholesky: the same factorisation and solve twice give
# identical factors and solutions (REP), and so do 1, 2 and 3 threads (PET),
# with the library's tile kernels and, when built with OpenBLAS, with
# OpenBLAS's; on an order that is not a multiple of the tile.  A matrix file
# (the 1D Laplacian, whose factor is known in closed form) factors and
# passes the residual tests.
. "$(dirname "$0")/lib.sh"
set -e
CHOL="$builddir/drivers/pel-cholesky"

# check_case NAME TASKS ARGS...: TASKS, the tasks the graph must create
check_case() {
    name=$1 tasks=$2
    shift 2
    run_ok "$CHOL" "$@" --threads 1 --report a.json
    run_ok "$CHOL" "$@" --threads 1 --report b.json
    grep -q "^PASS cholesky.factor_residual" out.txt || fail "$name: no residual test printed"
    grep -q "\"created\": $tasks," a.json || fail "$name: the report lacks the task count $tasks"
    grep -q "\"factorisation on CPU time\"" a.json || fail "$name: the report lacks the rate on CPU time"
    l=$(fingerprint a.json L) x=$(fingerprint a.json x)
    [ -n "$l" ] && [ -n "$x" ] || fail "$name: no fingerprints in the report"
    [ "$l" = "$(fingerprint b.json L)" ] && [ "$x" = "$(fingerprint b.json x)" ] || fail "$name REP: two identical runs differ"
    for t in 2 3; do
        run_ok "$CHOL" "$@" --threads $t --report t$t.json
        [ "$l" = "$(fingerprint t$t.json L)" ] || fail "$name PET: the factor at $t threads differs from 1"
        [ "$x" = "$(fingerprint t$t.json x)" ] || fail "$name PET: the solution at $t threads differs from 1"
    done
    echo "$name: REP PET identical (L $l, x $x)"
}

# 301 = 10 tiles of 30 and one of 1: 11 potrf, 55 trsm, 55 syrk, 165 gemm
check_case own 286 --n 301 --tile 30 --nrhs 3 --seed 9
if "$CHOL" --n 2 --kernels blas >/dev/null 2>&1; then
    # OpenBLAS's kernels, a whole tile column per call: 11 potrf, 10 trsm, 55 syrk,
    # 9 * 10 / 2 = 45 gemm; and one tile per call (the graph of the library's kernels)
    check_case blas 121 --n 301 --tile 30 --nrhs 3 --seed 9 --kernels blas
    check_case blas-group-1 286 --n 301 --tile 30 --nrhs 3 --seed 9 --kernels blas --group 1
else
    echo "blas: skipped: this build has no OpenBLAS"
fi

# the 1D Laplacian of order 6, in the file format (comments, blank lines)
cat >lap.txt <<'M'
# tridiag(-1, 2, -1)
 2 -1  0  0  0  0
-1  2 -1  0  0  0

 0 -1  2 -1  0  0   # row 3
 0  0 -1  2 -1  0
 0  0  0 -1  2 -1
 0  0  0  0 -1  2
M
run_ok "$CHOL" --matrix lap.txt --tile 4 --nrhs 2
grep -q "n = 6, tile = 4" out.txt || fail "matrix file: the order was not read as 6"
grep -q "^PASS cholesky.solve_residual" out.txt || fail "matrix file: no solve residual"
echo "matrix file: factored and solved"
