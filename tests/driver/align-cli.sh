#!/bin/sh
# pel-align: the published scores and alignments through the command line,
# a batch with its scheduling figures (stdout and the report), and the same
# scores on a repeated run (REP), on 1 and 2 threads (PET), under both
# schedules and at every lane width.
. "$(dirname "$0")/lib.sh"
set -e
ALIGN="$builddir/drivers/pel-align"
data="$srcdir/data/align"

# Durbin et al. (1998), BLOSUM50, linear gap 8: local 28 (AWGHE / AW-HE), global 1
run_ok "$ALIGN" --matrix blosum50 --gap-open 8 --gap-extend 8 --traceback HEAGAWGHEE PAWHEAE
grep -qx "score 28" out.txt || fail "local score: $(cat out.txt)"
grep -qx "  AWGHE" out.txt && grep -qx "  AW-HE" out.txt || fail "local alignment: $(cat out.txt)"
run_ok "$ALIGN" --matrix blosum50 --gap-open 8 --gap-extend 8 --mode global --traceback --tile 8 \
    HEAGAWGHEE PAWHEAE
grep -qx "score 1" out.txt || fail "global score: $(cat out.txt)"
grep -qx "  HEAGAWGHE-E" out.txt && grep -qx "  --P-AW-HEAE" out.txt || fail "global alignment: $(cat out.txt)"
# match +3, mismatch -3, linear gap 2: local 13
run_ok "$ALIGN" --matrix dna --match 3 --mismatch -3 --gap-open 2 --gap-extend 2 TGTTACGG GGTTGACTA
grep -qx "score 13" out.txt || fail "dna score: $(cat out.txt)"

# a batch against a generated heavy-tailed database: scores and figures
gen="--query $data/queries.fa --generate 60 --seed 3 --max-len 3000"
run_ok "$ALIGN" $gen --threads 2 --grain 100000 --report r.json
grep -q "GCUPS on 2 threads" out.txt || fail "no GCUPS line"
grep -q "^tasks [0-9]*, [0-9]* cells per task (largest [0-9]*: [0-9.]*% of all), busy .* imbalance [0-9.]* (max/mean busy)" out.txt ||
    fail "no task figures: $(cat out.txt)"
grep -q "^cpu .* s, imbalance [0-9.]* (max/mean CPU time in tasks)" out.txt || fail "no CPU figures: $(cat out.txt)"
for key in '"created"' '"cells_per_task"' '"largest_task_cells"' '"busy_seconds"' '"imbalance"' \
    '"cpu_seconds"' '"imbalance_cpu"' '"GCUPS"' '"scores"' '"command_line"' '"--grain"'; do
    grep -q "$key" r.json || fail "report lacks $key"
done
[ "$(grep -c "	" out.txt)" -eq 180 ] || fail "expected 180 score lines"
grep "	" out.txt >ref.txt

# REP, PET, schedules, widths, scalar: the same scores
run_ok "$ALIGN" $gen --threads 2 --grain 100000
grep "	" out.txt | cmp -s - ref.txt || fail "REP: a second run differs"
run_ok "$ALIGN" $gen --threads 1
grep "	" out.txt | cmp -s - ref.txt || fail "PET: 1 thread differs from 2"
run_ok "$ALIGN" $gen --threads 2 --schedule static
grep "	" out.txt | cmp -s - ref.txt || fail "static schedule differs"
grep -q "^tasks 2," out.txt || fail "static: expected one task per thread: $(tail -1 out.txt)"
# the work split itself (deterministic): static's larger half against
# dynamic's largest task, on a heavy-tailed database of one query
awk '/^>/ {n++} n == 1' "$data/queries.fa" >q1.fa
skew="--query q1.fa --generate 400 --seed 4 --alpha 0.9 --max-len 60000 --quiet --threads 2"
run_ok "$ALIGN" $skew --schedule static
s=$(sed -n 's/.*(largest [0-9]*: \([0-9.]*\)% of all).*/\1/p' out.txt)
run_ok "$ALIGN" $skew --schedule dynamic
d=$(sed -n 's/.*(largest [0-9]*: \([0-9.]*\)% of all).*/\1/p' out.txt)
awk -v s="$s" -v d="$d" 'BEGIN { exit !(s > 50 && d < s) }' ||
    fail "expected the static split's larger half ($s%) above dynamic's largest task ($d%)"
# --schedules: both schedules on the same batch, their figures on stdout and
# in the report; the work split of each is deterministic (as above)
run_ok "$ALIGN" $skew --schedules --reps 3 --report s.json
grep -q "^schedule static: [0-9.]* s (median of 3), 2 tasks, largest [0-9.]*% of the cells, busy [0-9. ]* s, imbalance [0-9.]* (max/mean busy), cpu [0-9. ]* s, imbalance [0-9.]*$" out.txt ||
    fail "--schedules: no static line: $(cat out.txt)"
grep -q "^schedule dynamic: [0-9.]* s (median of 3), [0-9]* tasks, largest [0-9.]*% of the cells" out.txt ||
    fail "--schedules: no dynamic line: $(cat out.txt)"
grep -q "^static / dynamic: [0-9.]* in wall time (median of 3 interleaved ratios)$" out.txt ||
    fail "--schedules: no ratio: $(cat out.txt)"
s2=$(sed -n 's/^schedule static: .*largest \([0-9.]*\)% of the cells.*/\1/p' out.txt)
[ "$s2" = "$s" ] || fail "--schedules: static's largest task $s2%, alone $s%"
for key in '"schedules"' '"schedule": "static"' '"schedule": "dynamic"' '"wall_seconds"' \
    '"static_over_dynamic_wall"'; do
    grep -q "$key" s.json || fail "--schedules report lacks $key"
done
for w in 8 16 32; do
    run_ok "$ALIGN" $gen --width $w
    grep "	" out.txt | cmp -s - ref.txt || fail "width $w differs"
done
run_ok "$ALIGN" $gen --scalar
grep "	" out.txt | cmp -s - ref.txt || fail "the scalar kernel differs"

# global scores: the striped kernels (every first width) agree with the scalar one
glob="--query $data/queries.fa --generate 30 --seed 5 --max-len 1500 --mode global"
run_ok "$ALIGN" $glob --scalar
grep "	" out.txt >gref.txt
[ "$(wc -l <gref.txt)" -eq 90 ] || fail "global: expected 90 score lines"
for w in 0 8 16 32; do
    run_ok "$ALIGN" $glob --width $w --threads 2
    grep "	" out.txt | cmp -s - gref.txt || fail "global width $w differs from the scalar kernel"
done

# --write-db writes the generated database, which reads back to the same scores
run_ok "$ALIGN" $gen --write-db db.fa --quiet
[ "$(grep -c '^>' db.fa)" -eq 60 ] || fail "db.fa: expected 60 records"
run_ok "$ALIGN" --query "$data/queries.fa" --db db.fa
grep "	" out.txt | cmp -s - ref.txt || fail "the written database gives other scores"

# the traceback of each pair in a batch; --help, --version
run_ok "$ALIGN" --query "$data/durbin.fa" --db "$data/durbin.fa" --traceback --matrix blosum50 \
    --gap-open 8 --gap-extend 8
grep -q "^durbin_a	durbin_b	28$" out.txt || fail "batch traceback: $(cat out.txt)"
run_ok "$ALIGN" --help
grep -q "^Usage: pel-align" out.txt || fail "--help"
run_ok "$ALIGN" --version
grep -q "^pel-align (PEL)" out.txt || fail "--version"
exit 0
