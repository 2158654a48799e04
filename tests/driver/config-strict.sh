#!/bin/sh
# Configuration rules (README, "Configuration files"): every message names the
# right line, lax values are refused with the key and value, --print-config
# loads back, a second --config is refused, and odd lines are each accepted
# with their documented meaning or refused with a one-line file:line error.
. "$(dirname "$0")/lib.sh"
set -e
small="--set heat.grid=32x32 --set heat.dt=2e-4 --set run.steps=10"
T="timeout 60"

# line numbers: odd lines before a bad key do not shift the message
printf '; c\n# c\n\n[heat] ; c\n  ; indented comment\ngrid = 32x32 ; c\r\n\r\nalpha=1\nbc: dirichlet\nalpah = 1\n' >lines.ini
expect_exit 2 "lines.ini:10: unknown key 'alpah'" $T "$HEAT" $small --config lines.ini
printf '[heat]\ngrid ; = 3\n\nalpah = 1\n' >semi.ini
expect_exit 2 "semi.ini:2: expected 'key = value'" $T "$HEAT" $small --config semi.ini
printf '[heat]\nalpah = 1\ngrid ; = 3\n' >first.ini
expect_exit 2 "first.ini:2: unknown key 'alpah'" $T "$HEAT" $small --config first.ini
printf '[heat]\ngrid = 32x32\n\n; x\ngrid = 64x64\n' >twice.ini
expect_exit 2 "twice.ini:5: \[heat\] grid is given twice (first at line 2)" $T "$HEAT" $small --config twice.ini

# lax values, in a file and through --set
printf '[heat]\ngrid = 32x32x\n' >grid.ini
expect_exit 2 "grid.ini:2: \[heat\] grid = 32x32x: '32x32x' is not a grid" $T "$HEAT" $small --config grid.ini
expect_exit 2 "'32x32x' is not a grid" $T "$HEAT" $small --set heat.grid=32x32x
expect_exit 2 "\[heat\] alpha = 0x1p3: '0x1p3' is not a finite real number" $T "$HEAT" $small --set heat.alpha=0x1p3
expect_exit 2 "'+1' is not a finite real number" $T "$HEAT" $small --set heat.alpha=+1
expect_exit 2 "'1e999' is not a finite real number" $T "$HEAT" $small --set heat.alpha=1e999
expect_exit 2 "'1e-999' underflows" $T "$HEAT" $small --set heat.alpha=1e-999
expect_exit 2 "\[run\] steps = 99999999999999999999: 99999999999999999999 is out of range" $T "$HEAT" $small --set run.steps=99999999999999999999
expect_exit 2 "'+5' is not an integer" $T "$HEAT" $small --set run.steps=+5
expect_exit 2 "' 5' is not an integer" $T "$HEAT" $small --set "run.steps= 5"
expect_exit 2 "\[heat\] dt = : the value is empty" $T "$HEAT" $small --set heat.dt=
printf '[heat]\ndt =\n' >empty.ini
expect_exit 2 "empty.ini:2: \[heat\] dt = : the value is empty" $T "$HEAT" $small --config empty.ini

# odd lines: refused at their line
printf '[heat]\njunk\n' >junk.ini
expect_exit 2 "junk.ini:2: expected 'key = value' or '\[section\]'" $T "$HEAT" $small --config junk.ini
printf '[heat] junk\n' >hjunk.ini
expect_exit 2 "hjunk.ini:1: text after the section header \[heat\]" $T "$HEAT" $small --config hjunk.ini
printf '[heat]\n=\n' >eq.ini
expect_exit 2 "eq.ini:2: a key name is missing before '='" $T "$HEAT" $small --config eq.ini
printf '\n[]\n' >emptysec.ini
expect_exit 2 "emptysec.ini:2: empty section name" $T "$HEAT" $small --config emptysec.ini
printf '[heat\ngrid = 32x32\n' >open.ini
expect_exit 2 "open.ini:1: section header without ']'" $T "$HEAT" $small --config open.ini
printf '[heat]\ngrid = 32x32\n[run]\n[heat]\n' >dupsec.ini
expect_exit 2 "dupsec.ini:4: section \[heat\] is given twice (first at line 1)" $T "$HEAT" $small --config dupsec.ini
printf '[heat]\n\357\273\277grid = 32x32\n' >bom.ini
expect_exit 2 "bom.ini:2: a byte order mark" $T "$HEAT" $small --config bom.ini
printf '[heat]\n; caf\351\n' >latin1.ini
expect_exit 2 "latin1.ini:2: invalid UTF-8" $T "$HEAT" $small --config latin1.ini
awk 'BEGIN { printf "[run]\ncheckpoint_file = "; for (i = 0; i < 300; i++) printf "x"; printf "\n" }' >long.ini
expect_exit 2 "long.ini:2: line is longer than" $T "$HEAT" $small --config long.ini
# accepted: a BOM at the start, a key without value for text (the empty text)
printf '\357\273\277[run]\ncheckpoint_file =\n' >ok.ini
run_ok $T "$HEAT" $small --config ok.ini --print-config
grep -q '^checkpoint_file =$' out.txt || fail "empty text not printed as 'checkpoint_file ='"

# one --config: a second one is refused, even after a broken first
expect_exit 2 "--config is given twice" $T "$HEAT" $small --config junk.ini --config ok.ini
# every file option: the last one used to win silently, dropping the first
for opt in --report --save --restart --baseline --baseline-record --baseline-compare; do
    expect_exit 2 "$opt is given twice ('a1', then 'a2'): give one" $T "$HEAT" $small $opt a1 $opt a2
done
expect_exit 2 "--config is given twice" $T "$HEAT" $small --config ok.ini --config ok.ini

# text that a file could not carry back is refused; what is accepted loads back
nl='
'
expect_exit 2 "control character 0x0A" $T "$HEAT" $small --set "run.checkpoint_file=a${nl}[heat]${nl}grid = 8x8"
expect_exit 2 "cannot start or end with a space" $T "$HEAT" $small --set "run.checkpoint_file=a.ckpt "
expect_exit 2 "';' at its start or after a space" $T "$HEAT" $small --set "run.checkpoint_file=a ;b"
long=$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "y" }')
expect_exit 2 "text is longer than" $T "$HEAT" $small --set "run.checkpoint_file=$long"
for v in 'a;b#c=d:e' '#x' "caf$(printf '\303\251') [x]" 'a	b' ''; do
    run_ok $T "$HEAT" $small --set "run.checkpoint_file=$v" --set heat.alpha=.5 --print-config
    mv out.txt p1.ini
    run_ok $T "$HEAT" --config p1.ini --print-config
    cmp -s p1.ini out.txt || fail "--print-config does not load back for '$v'"
    # a path is printed as the absolute path opened (it loads back from anywhere)
    grep -qxF "checkpoint_file =${v:+ }${v:+$(pwd -P)/}$v" p1.ini ||
        fail "checkpoint_file '$v' printed as: $(grep checkpoint_file p1.ini)"
done
for d in heat poisson; do
    exe=$HEAT; [ $d = poisson ] && exe=$POISSON
    run_ok $T "$exe" --print-config
    mv out.txt d.ini
    run_ok $T "$exe" --config d.ini --print-config
    cmp -s d.ini out.txt || fail "$d: the defaults do not load back"
done
echo "configuration rules: every case answered"
