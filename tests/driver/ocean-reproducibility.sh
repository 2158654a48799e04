#!/bin/sh
# REP, PET and ERS for pel-ocean (named after the climate-model tests):
#   REP  the same run twice gives identical fields;
#   PET  1, 2 and 3 threads give identical fields;
#   ERS  a run stopped at step k by a checkpoint and restarted (on another
#        thread count) ends identical to the straight run.
# On a nonlinear wind- and heat-driven closed basin and a doubly periodic
# f-plane wave, on grids whose sizes divide by nothing convenient.
. "$(dirname "$0")/lib.sh"
set -e
OCEAN="$builddir/drivers/pel-ocean"

check_case() {
    name=$1
    shift
    run_ok "$OCEAN" "$@" --threads 1 --report a.json
    run_ok "$OCEAN" "$@" --threads 1 --report b.json
    for f in eta u v sst; do
        a=$(fingerprint a.json $f)
        [ -n "$a" ] || fail "$name: no fingerprint of $f in the report"
        [ "$a" = "$(fingerprint b.json $f)" ] || fail "$name REP: two identical runs differ in $f"
    done
    for t in 2 3; do
        run_ok "$OCEAN" "$@" --threads $t --report t$t.json
        for f in eta u v sst; do
            [ "$(fingerprint a.json $f)" = "$(fingerprint t$t.json $f)" ] || fail "$name PET: $t threads differ from 1 in $f"
        done
    done
    run_ok "$OCEAN" "$@" --threads 2 --set run.steps=23 --set run.checkpoint_every=23 \
        --set run.checkpoint_file=k.ckpt
    [ -s k.ckpt ] || fail "$name ERS: no checkpoint written"
    run_ok "$OCEAN" "$@" --threads 3 --restart k.ckpt --report r.json
    grep -q '"step_start": 23' r.json || fail "$name ERS: restart did not resume at step 23"
    for f in eta u v sst; do
        [ "$(fingerprint a.json $f)" = "$(fingerprint r.json $f)" ] || fail "$name ERS: restarted run differs in $f"
    done
    echo "$name: REP PET ERS identical ($(fingerprint a.json sst))"
}

check_case basin --set ocean.grid=37x29 --set ocean.dt=2200 --set ocean.viscosity=1e4 \
    --set ocean.init=bump --set ocean.amplitude=1 --set run.steps=60 --set run.verify_every=20
check_case fplane --set ocean.grid=31x27 --set ocean.length_x=3.1e6 --set ocean.length_y=2.7e6 \
    --set ocean.bc_x=periodic --set ocean.bc_y=periodic --set ocean.beta=0 --set ocean.tau0=0 \
    --set ocean.drag=0 --set ocean.viscosity=0 --set ocean.heat_flux=0 --set ocean.init=mode \
    --set ocean.mode_x=3 --set ocean.mode_y=2 --set ocean.amplitude=0.01 --set ocean.dt=600 \
    --set run.steps=60

# a restart on another grid names the key as written, with both grids
expect_exit 2 "k.ckpt: written with ocean.grid = '31x27', this run has '37x29'$" "$OCEAN" --set ocean.grid=37x29 \
    --set ocean.length_x=3.1e6 --set ocean.length_y=2.7e6 --set ocean.dt=600 --set run.steps=70 --restart k.ckpt
echo "restart on another grid: refused naming ocean.grid"
# a restart on another basin names the extent the user set (length_x, not the
# cell size dx = length_x / nx), in metres as set: 1e6 / 14 * 14 and
# 1e6 / 15 * 15 are not 1e6 exactly
basin="--set ocean.grid=14x15 --set ocean.dt=600"
run_ok "$OCEAN" $basin --set ocean.length_x=1e6 --set ocean.length_y=1e6 --set run.steps=3 \
    --set run.checkpoint_every=3 --set run.checkpoint_file=b.ckpt
expect_exit 2 "b.ckpt: written with ocean.length_x = 1000000, this run has 1200000$" "$OCEAN" $basin \
    --set ocean.length_x=1.2e6 --set ocean.length_y=1e6 --set run.steps=6 --restart b.ckpt
expect_exit 2 "b.ckpt: written with ocean.length_y = 1000000, this run has 900000$" "$OCEAN" $basin \
    --set ocean.length_x=1e6 --set ocean.length_y=9e5 --set run.steps=6 --restart b.ckpt
run_ok "$OCEAN" $basin --set ocean.length_x=1e6 --set ocean.length_y=1e6 --set run.steps=6 --restart b.ckpt
echo "restart on another basin: refused naming ocean.length_x, ocean.length_y in metres"
