#!/bin/sh
# Bad input to pel-cholesky: one-line errors naming what is wrong, exit 2
# (exit 3 for an output that cannot be written), no report or temporary left.
. "$(dirname "$0")/lib.sh"
set -e
CHOL="$builddir/drivers/pel-cholesky"

expect_exit 2 "--tile 0: expected an integer from 1 to 4096" "$CHOL" --n 10 --tile 0
expect_exit 2 "--n 0: expected an integer" "$CHOL" --n 0
expect_exit 2 "--n 12x: expected an integer" "$CHOL" --n 12x
expect_exit 2 "--kernels fast: expected own or blas" "$CHOL" --kernels fast
expect_exit 2 "--group -1: expected an integer from 0 to 100000" "$CHOL" --kernels blas --group -1
expect_exit 2 "unknown option --tiles" "$CHOL" --tiles 3

printf '1 0 0\n0 1 0\n' >rect.txt
expect_exit 2 "rect.txt: not square: 2 rows of 3 entries" "$CHOL" --matrix rect.txt
printf '1 0\n0 1\n0 0\n' >tall.txt
expect_exit 2 "tall.txt:3: not square: more than 2 rows" "$CHOL" --matrix tall.txt
printf '1 0 0\n0 1\n0 0 1\n' >ragged.txt
expect_exit 2 "ragged.txt:2: row 2 has 2 entries, row 1 has 3" "$CHOL" --matrix ragged.txt
printf '# a comment\n2 1\n1 2x5\n' >num.txt
expect_exit 2 "num.txt:3: malformed number '2x5'" "$CHOL" --matrix num.txt
printf '2 nan\nnan 2\n' >nan.txt
expect_exit 2 "nan.txt:1: malformed number 'nan'" "$CHOL" --matrix nan.txt
# the configuration's notation only: hex, infinities and a leading '+' were read
for x in 0x1p1 inf +2 1e 2.5e+; do
    printf '%s 1\n1 2\n' "$x" >notation.txt
    expect_exit 2 "notation.txt:1: malformed number '$x'" "$CHOL" --matrix notation.txt
done
printf '2.e0 -0.\n-0 .3E1\n' >forms.txt
run_ok "$CHOL" --matrix forms.txt
printf '# nothing\n\n' >empty.txt
expect_exit 2 "empty.txt: no matrix rows" "$CHOL" --matrix empty.txt
printf '2 1\n0 2\n' >asym.txt
expect_exit 2 "asym.txt: not symmetric: a\[2\]\[1\] = 0 but a\[1\]\[2\] = 1$" "$CHOL" --matrix asym.txt
# [[4 2 0] [2 1 0] [0 0 1]]: the pivot of column 2 (counting from 1, as
# every message does, and LAPACK's info) is 1 - 2^2/4 = 0
printf '4 2 0\n2 1 0\n0 0 1\n' >indef.txt
expect_exit 2 "indef.txt: the matrix is not positive definite: the pivot of column 2 is not positive$" "$CHOL" \
    --matrix indef.txt --tile 2
grep -q "based" err.txt && fail "the pivot message still names a numbering: $(cat err.txt)"
# --help: the tiles' default, said once when both kernel sets share it
run_ok "$CHOL" --help
grep -q "Messages number a matrix's rows and columns from 1" out.txt || fail "--help does not say how rows are numbered"
own=$(sed -n 's/^#define PEL_CHOLESKY_DEFAULT_TILE \([0-9]*\).*/\1/p' "$srcdir/include/pel/cholesky.h")
blas=$(sed -n 's/^#define PEL_CHOLESKY_DEFAULT_TILE_BLAS \([0-9]*\).*/\1/p' "$srcdir/include/pel/cholesky.h")
[ -n "$own" ] && [ -n "$blas" ] || fail "no default tiles in pel/cholesky.h"
if [ "$own" = "$blas" ]; then
    grep -q "in tiles of T (default $own;" out.txt || fail "--help: the one default tile $own not said once: $(grep -A1 'tiles of T' out.txt)"
    grep -q "$blas with OpenBLAS's" out.txt && fail "--help says the same default tile twice"
else
    grep -q "default $own with the library's kernels" out.txt && grep -q "$blas with OpenBLAS's" out.txt ||
        fail "--help: the two default tiles ($own, $blas) not both said"
fi
expect_exit 2 "missing.txt" "$CHOL" --matrix missing.txt
mkdir dir.txt
expect_exit 2 "dir.txt" "$CHOL" --matrix dir.txt
set +e
"$CHOL" --n 10 --report nodir/r.json >out.txt 2>err.txt
got=$?
set -e
[ "$got" -eq 3 ] || fail "an unwritable --report: exit $got, expected 3"
[ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "--report" err.txt || fail "an unwritable --report: $(cat err.txt)"
[ ! -s out.txt ] || fail "an unwritable --report: the run went ahead"
if ! "$CHOL" --n 2 --kernels blas >/dev/null 2>&1; then
    expect_exit 2 "--compare: this build has no OpenBLAS" "$CHOL" --n 10 --compare
    expect_exit 2 "no OpenBLAS" "$CHOL" --n 10 --kernels blas
fi
echo "pel-cholesky: every bad input refused with one line"
