#!/bin/sh
# Scores identical to parasail's aligner (Debian package parasail) on the
# same queries, database, matrix and gaps: local (sw_striped_16, and the
# plain sw) and global (parasail's plain nw: its nw_striped_32 differs from
# its own nw on some pairs with a linear gap, e.g. -76 against -75 for
# gap 8/8 with BLOSUM50 on the generated set below), linear and affine
# gaps, the three BLOSUM matrices and DNA.  Skipped, saying so, when parasail_aligner is not installed.
. "$(dirname "$0")/lib.sh"
set -e
ALIGN="$builddir/drivers/pel-align"
data="$srcdir/data/align"
command -v parasail_aligner >/dev/null 2>&1 || {
    echo "SKIP: parasail_aligner not found (Debian: apt-get install parasail)"
    exit 77
}

run_ok "$ALIGN" --query "$data/queries.fa" --generate 40 --seed 9 --max-len 2000 --write-db db.fa --quiet
run_ok "$ALIGN" --query "$data/queries.fa" --generate 6 --seed 21 --min-len 20 --max-len 400 --write-db q2.fa --quiet
awk '/^>/ {print; next} {gsub(/[^ACGT]/, "A"); print}' db.fa | tr 'DEFHIKLMNPQRSVWY' 'ACGTACGTACGTACGT' >dna.fa
awk '/^>/ {print; next} {print}' q2.fa | tr 'DEFHIKLMNPQRSVWY' 'ACGTACGTACGTACGT' | sed '/^>/!s/[^ACGT]/G/g' >dnaq.fa

# compare FUNC QUERY DB PEL-OPTIONS... (parasail's own options follow --)
compare() {
    func=$1 query=$2 db=$3
    shift 3
    pel= ps=
    while [ "$1" != "--" ]; do pel="$pel $1"; shift; done
    shift
    ps="$*"
    run_ok "$ALIGN" --query "$query" --db "$db" $pel
    awk -F'\t' 'NF == 3 {print $3}' out.txt >pel.txt
    # parasail reads stdin when it is not a terminal: close it
    parasail_aligner -a "$func" -x -t 1 -f "$db" -q "$query" -g ps.csv $ps 0<&- >ps.out 2>&1 ||
        { cat ps.out >&2; fail "parasail_aligner failed: $func $ps"; }
    sort -t, -k1,1n -k2,2n ps.csv | awk -F, '{print $5}' >ps.txt
    n=$(wc -l <pel.txt)
    [ "$n" -gt 0 ] && [ "$n" -eq "$(wc -l <ps.txt)" ] || fail "$func $ps: $n pel-align scores, $(wc -l <ps.txt) from parasail"
    cmp -s pel.txt ps.txt || { paste pel.txt ps.txt | awk '$1 != $2' | head >&2; fail "$func $ps: scores differ"; }
    echo "parasail $func $ps: $n scores identical"
}

compare sw_striped_16 "$data/queries.fa" db.fa --matrix blosum62 --gap-open 10 --gap-extend 1 -- -m blosum62 -o 10 -e 1
compare sw_striped_16 "$data/queries.fa" db.fa --matrix blosum50 --gap-open 8 --gap-extend 8 -- -m blosum50 -o 8 -e 8
compare sw_striped_16 "$data/queries.fa" db.fa --matrix blosum45 --gap-open 14 --gap-extend 2 -- -m blosum45 -o 14 -e 2
compare nw q2.fa q2.fa --mode global --matrix blosum62 --gap-open 11 --gap-extend 1 -- -m blosum62 -o 11 -e 1
compare nw q2.fa q2.fa --mode global --matrix blosum50 --gap-open 8 --gap-extend 8 -- -m blosum50 -o 8 -e 8
compare sw q2.fa db.fa --matrix blosum62 --gap-open 10 --gap-extend 1 -- -m blosum62 -o 10 -e 1
compare sw_striped_16 dnaq.fa dna.fa --matrix dna --match 2 --mismatch -3 --gap-open 5 --gap-extend 2 -- -d -M 2 -X 3 -o 5 -e 2
exit 0
