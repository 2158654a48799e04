#!/bin/sh
# REP, PET and ERS for pel-land (named after the climate-model tests):
#   REP  the same run twice gives identical fields;
#   PET  1, 2 and 3 threads give identical fields;
#   ERS  a run stopped at step k by a checkpoint and restarted ends identical
#        to the straight run.
# On the one-continent mask refined to 128x64 (fractions 0 and 1) and the
# two-continents mask coarsened to 32x16 (fractions in sixteenths), with the
# latent heat on and the bucket filling to capacity (P > E_p) in one case.
. "$(dirname "$0")/lib.sh"
set -e
LAND="$builddir/drivers/pel-land"

check_case() {
    name=$1
    shift
    run_ok "$LAND" "$@" --threads 1 --report a.json
    run_ok "$LAND" "$@" --threads 1 --report b.json
    grep -q "verification SUCCESSFUL" out.txt || fail "$name: verification did not pass"
    for f in W T_soil evaporation runoff; do
        a=$(fingerprint a.json $f)
        [ -n "$a" ] || fail "$name: no fingerprint of $f in the report"
        [ "$a" = "$(fingerprint b.json $f)" ] || fail "$name REP: two identical runs differ in $f"
    done
    a=$(fingerprint a.json W)$(fingerprint a.json T_soil)$(fingerprint a.json runoff)
    for t in 2 3; do
        run_ok "$LAND" "$@" --threads $t --report t$t.json
        [ "$a" = "$(fingerprint t$t.json W)$(fingerprint t$t.json T_soil)$(fingerprint t$t.json runoff)" ] ||
            fail "$name PET: $t threads differ from 1"
    done
    run_ok "$LAND" "$@" --threads 2 --set run.steps=77 --set run.checkpoint_every=77 \
        --set run.checkpoint_file=k.ckpt
    [ -s k.ckpt ] || fail "$name ERS: no checkpoint written"
    run_ok "$LAND" "$@" --threads 3 --restart k.ckpt --report r.json
    grep -q '"restart_file": "k.ckpt"' r.json || fail "$name ERS: restart not recorded"
    grep -q '"step_start": 77' r.json || fail "$name ERS: restart did not resume at step 77"
    [ "$a" = "$(fingerprint r.json W)$(fingerprint r.json T_soil)$(fingerprint r.json runoff)" ] ||
        fail "$name ERS: restarted run differs from the straight run"
    echo "$name: REP PET ERS identical"
}

check_case continent --set land.mask="$srcdir/data/masks/continent.txt" --set land.grid=128x64 \
    --set land.latent_heat=true --set land.heat_flux=60 --set run.steps=200 --set run.verify_every=50
check_case two-continents-wet --set land.mask="$srcdir/data/masks/two-continents.txt" --set land.grid=32x16 \
    --set land.precip_mm_day=6 --set land.dt=10800 --set run.steps=300
# a checkpoint of another geography is refused: another mask file, or the
# same file edited since
run_ok "$LAND" --set land.grid=32x16 --set run.steps=5 --set run.checkpoint_every=5 --set run.checkpoint_file=all.ckpt
expect_exit 2 "all.ckpt: written with land.grid = '32x16', this run has '64x32'$" "$LAND" --set land.grid=64x32 \
    --set run.steps=10 --restart all.ckpt
expect_exit 2 "written with land.mask = '[0-9a-f]*', this run has '[0-9a-f]*'" "$LAND" --set land.grid=32x16 \
    --set land.mask="$srcdir/data/masks/continent.txt" --set run.steps=10 --restart all.ckpt
cp "$srcdir/data/masks/continent.txt" mine.txt
run_ok "$LAND" --set land.grid=32x16 --set land.mask=mine.txt --set run.steps=5 --set run.checkpoint_every=5 \
    --set run.checkpoint_file=mine.ckpt
sed 's/^\.\.\.\.\.\.\.\.#/#.......#/' "$srcdir/data/masks/continent.txt" >mine.txt
expect_exit 2 "written with land.mask = " "$LAND" --set land.grid=32x16 --set land.mask=mine.txt --set run.steps=10 --restart mine.ckpt
# a restart with other forcing names the key the user set, in mm/day as set
# (the checkpoint holds kg/m^2/s = mm/day / 86400: 2.8 mm/day does not come
# back from it as 2.8 exactly)
run_ok "$LAND" --set land.grid=32x16 --set land.precip_mm_day=2.8 --set run.steps=5 --set run.checkpoint_every=5 \
    --set run.checkpoint_file=p.ckpt
expect_exit 2 "p.ckpt: written with land.precip_mm_day = 2.8, this run has 3$" "$LAND" --set land.grid=32x16 \
    --set land.precip_mm_day=3 --set run.steps=10 --restart p.ckpt
expect_exit 2 "p.ckpt: written with land.pet_mm_day = 4, this run has 0.7$" "$LAND" --set land.grid=32x16 \
    --set land.precip_mm_day=2.8 --set land.pet_mm_day=0.7 --set run.steps=10 --restart p.ckpt
run_ok "$LAND" --set land.grid=32x16 --set land.precip_mm_day=2.8 --set run.steps=10 --restart p.ckpt
echo "restart with other forcing: refused naming land.precip_mm_day, land.pet_mm_day in mm/day"
# ERS through a printed configuration: a checkpoint written with a relative
# mask path restarts from the configuration --print-config printed (which
# writes the path absolute), from another directory too: the same content,
# so the same land.mask, and the end is the straight run's
mkdir -p masks sub
cp "$srcdir/data/masks/two-continents.txt" masks/two.txt
rel="--set land.grid=32x16 --set land.mask=masks/two.txt --set run.steps=40"
run_ok "$LAND" $rel --threads 1 --report a.json
a=$(fingerprint a.json W)$(fingerprint a.json T_soil)$(fingerprint a.json runoff)
run_ok "$LAND" $rel --threads 2 --set run.steps=17 --set run.checkpoint_every=17 --set run.checkpoint_file=rel.ckpt
run_ok "$LAND" $rel --print-config
cp out.txt printed.ini
grep -qxF "mask = $(pwd -P)/masks/two.txt" printed.ini || fail "land.mask printed as $(grep '^mask' printed.ini)"
run_ok "$LAND" --config printed.ini --threads 3 --restart rel.ckpt --report r.json
grep -q '"step_start": 17' r.json || fail "printed-config ERS: restart did not resume at step 17"
[ "$a" = "$(fingerprint r.json W)$(fingerprint r.json T_soil)$(fingerprint r.json runoff)" ] ||
    fail "printed-config ERS: restarted run differs from the straight run"
(cd sub && run_ok "$LAND" --config ../printed.ini --restart ../rel.ckpt --report r.json) ||
    fail "printed-config ERS from another directory"
[ "$a" = "$(fingerprint sub/r.json W)$(fingerprint sub/r.json T_soil)$(fingerprint sub/r.json runoff)" ] ||
    fail "printed-config ERS from another directory: restarted run differs from the straight run"
# and the other way: a checkpoint written through the printed (absolute)
# configuration restarts with the relative --set
run_ok "$LAND" --config printed.ini --set run.steps=17 --set run.checkpoint_every=17 --set run.checkpoint_file=abs.ckpt
run_ok "$LAND" $rel --restart abs.ckpt --report r2.json
[ "$a" = "$(fingerprint r2.json W)$(fingerprint r2.json T_soil)$(fingerprint r2.json runoff)" ] ||
    fail "ERS from a printed configuration's checkpoint: restarted run differs from the straight run"
echo "ERS through --print-config: relative and absolute mask paths are the same land.mask"
