#!/bin/sh
# pel-land's bad input: a bad setting names the key, a malformed or wrongly
# sized mask file names file:line:column; each exits 2 with one line and
# leaves no report behind.
. "$(dirname "$0")/lib.sh"
set -e
LAND="$builddir/drivers/pel-land"
small="--set land.grid=16x8 --set run.steps=3"

printf '[land]\npet_mm_dya = 4\n' >typo.ini
expect_exit 2 "typo.ini:2: unknown key 'pet_mm_dya' in \[land\] (did you mean 'pet_mm_day'?)" "$LAND" --config typo.ini
expect_exit 2 "\[land\] crit = 2" "$LAND" $small --set land.crit=2
expect_exit 2 "'wet' is not" "$LAND" $small --set land.latent_heat=wet
expect_exit 2 "land: w0 = 0.2: must be in \[0, w_fc = 0.15\]" "$LAND" $small --set land.w0=0.2
expect_exit 2 "the land grid is 2D" "$LAND" --set land.grid=4x4x4

# masks: missing, not a regular file, malformed, wrongly sized
expect_exit 2 "none.txt: cannot open" "$LAND" $small --set land.mask=none.txt
expect_exit 2 ".: not a regular file" "$LAND" $small --set land.mask=.
printf '; a 16x8 mask with a typo\n################\n################\n....x...........\n' >typo.txt
expect_exit 2 "typo.txt:4:5: unexpected character 'x' (a mask cell is '#' land or '.' ocean)" "$LAND" $small --set land.mask=typo.txt
printf '##..\r\n..##\r\n' >crlf.txt
expect_exit 2 "crlf.txt:1:5: unexpected character '\\\\r'" "$LAND" --set land.grid=4x2 --set land.mask=crlf.txt
printf '################\n################\n##############\n' >short.txt
expect_exit 2 "short.txt:3:15: row of 14 cells, expected 16 (as line 1)" "$LAND" $small --set land.mask=short.txt
printf '########\n........\n........\n' >rows.txt
expect_exit 2 "rows.txt:3:1: the mask ends after 3 rows of 8 cells: a mask of 8 columns has 4 rows" "$LAND" $small --set land.mask=rows.txt
: >empty.txt
expect_exit 2 "empty.txt:1:1: empty mask" "$LAND" $small --set land.mask=empty.txt
expect_exit 2 "continent.txt:3:1: mask of 64x32 cells does not fit a grid of 48x24" "$LAND" --set land.grid=48x24 \
    --set land.mask="$srcdir/data/masks/continent.txt"
# a relative mask path in a configuration file is the file's directory's
mkdir -p conf
printf '################\n%.0s' 1 2 3 4 5 6 7 8 >conf/m.txt
printf '[land]\nmask = m.txt\n' >conf/l.ini
run_ok "$LAND" $small --config conf/l.ini --print-config
grep -qxF "mask = $(pwd -P)/conf/m.txt" out.txt || fail "land.mask from conf/l.ini printed as $(grep '^mask' out.txt)"
run_ok "$LAND" $small --config conf/l.ini
echo "pel-land bad input: every case refused with one line"
