#!/bin/sh
# A signal stops a long library call within it (pel_context_set_cancel):
# one pel-align pair whose wavefront alone would take well over 30 s, and
# NPB EP class C, whose one step is the whole run, each stop soon after
# SIGTERM (the bound is generous: the check points are a tile, a batch of
# 65536 pairs apart) with exit 143, the one-line message and no report.
. "$(dirname "$0")/lib.sh"
set -e
ALIGN="$builddir/drivers/pel-align"

# seconds since the epoch, to the millisecond where date has %N
now() { date +%s.%N 2>/dev/null | sed 's/N$/0/'; }

# stop_soon WHAT PID: SIGTERM about 1 s into the run PID (stderr in err.txt),
# then exit 143 within 15 s, one line, no report.json
stop_soon() {
    wait_caught TERM "$2"
    sleep 1
    kill -0 "$2" 2>/dev/null || { cat err.txt >&2; fail "$1: the run ended before the signal"; }
    t0=$(now)
    ( sleep 15; kill -KILL "$2" ) >/dev/null 2>&1 &
    watchdog=$!
    signal_expect TERM "$2" 143 "$1"
    t1=$(now)
    kill "$watchdog" 2>/dev/null || true
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt >&2; fail "$1: expected one line on stderr"; }
    grep -q "error: stopped by SIGTERM" err.txt || { cat err.txt >&2; fail "$1: message"; }
    [ ! -e report.json ] || fail "$1: a report was written"
    echo "$1: exit 143 $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s after SIGTERM"
}

# 120000 x 120000 residues (each under the kernel's 128 KiB argument limit):
# 1.44e10 cells, at 0.2-0.5 GCUPS per thread (scalar tiles) a minute or more
residues() { awk -v s="$1" 'BEGIN { srand(s); for (i = 0; i < 120000; i++) printf "%s", substr("ACDEFGHIKLMNPQRSTVWY", int(rand() * 20) + 1, 1) }'; }
A=$(residues 1)
B=$(residues 2)
"$ALIGN" --threads 2 --tile 1024 --report report.json "$A" "$B" >out.txt 2>err.txt &
stop_soon "pel-align pair" $!

# EP class C: 2^32 pairs in one step (about a minute at 2 threads)
"$NPB" --kernel ep --class C --threads 2 --no-triad --report report.json >out.txt 2>err.txt &
stop_soon "pel-npb ep class C" $!
