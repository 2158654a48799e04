#!/bin/sh
# Odd bytes and odd files: every input ends in an answer (no hang: each run
# is bounded by `timeout`), a one-line error naming the place, and no file
# left behind; a device or FIFO is never replaced by an output.
. "$(dirname "$0")/lib.sh"
set -e
small="--set heat.grid=32x32 --set heat.dt=2e-4 --set run.steps=10"
T="timeout 60"

# line ends: CRLF, a missing final newline and a last line that is a lone
# CR (once a hang in the pre-scan) load; a CR inside a line and NUL bytes
# are refused with the line
printf '[heat]\r\ngrid = 32x32\r\n' >crlf.ini
run_ok $T "$HEAT" $small --config crlf.ini
printf '[heat]\ngrid = 32x32' >nonl.ini
run_ok $T "$HEAT" $small --config nonl.ini
printf '[heat]\ngrid = 32x32\n\r' >lastcr.ini
run_ok $T "$HEAT" $small --config lastcr.ini
printf '[heat]\rgrid = 32x32\n' >lonecr.ini
expect_exit 2 "lonecr.ini:1: carriage return" $T "$HEAT" $small --config lonecr.ini
printf '[poisson]\ngrid = 8x8\r' >lastcr2.ini
run_ok $T "$POISSON" --config lastcr2.ini
printf '[heat]\ngrid = 32\0000x32\n' >nul.ini
expect_exit 2 "nul.ini: not a text file" $T "$HEAT" $small --config nul.ini
awk 'BEGIN { printf "[heat]\n; "; for (i = 0; i < 5000; i++) printf "x"; printf "\n" }' >long.ini
expect_exit 2 "long.ini:2: line is longer than" $T "$HEAT" $small --config long.ini

# odd files as inputs: refused at once, never waited on
mkfifo fifo.ini
expect_exit 2 "fifo.ini: not a regular file" $T "$HEAT" $small --config fifo.ini
expect_exit 2 "/dev/zero: not a regular file" $T "$HEAT" $small --config /dev/zero
mkfifo fifo.ckpt
expect_exit 2 "fifo.ckpt: not a regular file" $T "$HEAT" $small --restart fifo.ckpt
expect_exit 2 "fifo.ckpt: not a regular file" $T "$HEAT" $small --baseline fifo.ckpt
mkdir adir
expect_exit 2 "adir: not a regular file" $T "$HEAT" $small --config adir

# odd files as outputs: refused, left as they were
mkfifo fifo.json
set +e
$T "$HEAT" $small --report fifo.json >out.txt 2>err.txt
got=$?
set -e
[ $got -eq 3 ] || fail "FIFO report: exit $got"
grep -q "fifo.json: not a regular file" err.txt || fail "FIFO report: $(cat err.txt)"
[ -p fifo.json ] || fail "the FIFO was replaced"
ls ./*.tmp.* >/dev/null 2>&1 && fail "a temporary file was left behind"
echo "hostile input: every case answered"
