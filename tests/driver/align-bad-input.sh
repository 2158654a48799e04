#!/bin/sh
# pel-align on bad input: one line naming the file, line and reason (or the
# option and value), exit 2; an output that cannot be written, exit 3;
# never a report or a temporary file left behind.
. "$(dirname "$0")/lib.sh"
set -e
ALIGN="$builddir/drivers/pel-align"
q="$srcdir/data/align/queries.fa"

printf 'MKV\n>x\nACD\n' >before.fa
expect_exit 2 "before.fa:1: a sequence line before the first '>' header" "$ALIGN" --query "$q" --db before.fa
printf '>x\nACD\n>empty\n\n>z\nKLM\n' >empty-record.fa
expect_exit 2 "empty-record.fa:3: record 'empty' has no residues" "$ALIGN" --query "$q" --db empty-record.fa
printf '>x\nAC#D\n' >residue.fa
expect_exit 2 "residue.fa:2: invalid residue '#' in column 3" "$ALIGN" --query residue.fa --db "$q"
printf '>x\nAC\033D\n' >control.fa
expect_exit 2 "control.fa:2: invalid residue '\\\\x1b' in column 3" "$ALIGN" --query "$q" --db control.fa
: >empty.fa
expect_exit 2 "empty.fa: empty input: no FASTA record" "$ALIGN" --query "$q" --db empty.fa
expect_exit 2 "missing.fa" "$ALIGN" --query "$q" --db missing.fa
mkdir adir
expect_exit 2 "adir" "$ALIGN" --query "$q" --db adir
expect_exit 2 "SEQ_B: empty sequence" "$ALIGN" ACDE ""
expect_exit 2 "SEQ_A: invalid residue '1' at position 2" "$ALIGN" A1DE ACDE
expect_exit 2 "unknown matrix 'blosum99'" "$ALIGN" --matrix blosum99 ACDE ACDE
expect_exit 2 "gap_extend = 12: must be in \[1, gap_open = 10\]" "$ALIGN" --gap-extend 12 ACDE ACDE
expect_exit 2 "--mode sideways: expected local or global" "$ALIGN" --mode sideways ACDE ACDE
expect_exit 2 "--schedule guided: expected dynamic or static" "$ALIGN" --schedule guided ACDE ACDE
expect_exit 2 "--threads 0" "$ALIGN" --threads 0 ACDE ACDE
expect_exit 2 "--width 12" "$ALIGN" --width 12 ACDE ACDE
expect_exit 2 "--tile 4" "$ALIGN" --tile 4 ACDE ACDE
expect_exit 2 "unknown option" "$ALIGN" --frobnicate ACDE ACDE
expect_exit 2 "give two sequences" "$ALIGN" ACDE
expect_exit 2 "needs --query and one of --db or --generate" "$ALIGN" --db "$q"
expect_exit 2 "unexpected argument" "$ALIGN" --query "$q" --db "$q" stray
expect_exit 2 "--compare and --schedules are separate runs" "$ALIGN" --query "$q" --generate 5 --compare --schedules
expect_exit 2 "--schedules needs a batch" "$ALIGN" --schedules ACDE ACDE
expect_exit 2 "--min-len 50 exceeds --max-len 40" "$ALIGN" --query "$q" --generate 5 --min-len 50 --max-len 40

# outputs that cannot be written: exit 3, checked before the run, nothing left
set +e
"$ALIGN" ACDE ACDE --report /nonexistent/r.json >out.txt 2>err.txt
got=$?
set -e
[ "$got" -eq 3 ] || fail "unwritable report: exit $got"
[ "$(wc -l <err.txt)" -eq 1 ] && grep -q "/nonexistent/r.json" err.txt || fail "unwritable report: $(cat err.txt)"
[ ! -s out.txt ] || fail "unwritable report: the run went ahead"
expect_exit 3 "/nonexistent/db.fa" "$ALIGN" --query "$q" --generate 5 --write-db /nonexistent/db.fa
ls ./*.tmp.* >/dev/null 2>&1 && fail "a temporary file was left behind"
exit 0
