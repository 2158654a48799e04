#!/bin/sh
# Edges of the drivers' inputs and outputs found in a hostile review: an
# output named like an input or like another output.  Each case failed
# (exit 0, a file destroyed) before its fix.
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

echo "review edges: every case answered"
