#!/bin/sh
# REP, PET and ERS for pel-heat (named after the climate-model tests):
#   REP  the same run twice gives identical fields;
#   PET  1, 2 and 3 threads give identical fields;
#   ERS  a run stopped at step k by a checkpoint and restarted ends identical
#        to the straight run.
# Each on a 2D Dirichlet eigenmode run and a 3D periodic random-data run, on
# grids whose sizes are multiples of nothing convenient.
. "$(dirname "$0")/lib.sh"
set -e

check_case() {
    name=$1
    shift
    run_ok "$HEAT" "$@" --threads 1 --report a.json
    run_ok "$HEAT" "$@" --threads 1 --report b.json
    a=$(fingerprint a.json u)
    [ -n "$a" ] || fail "$name: no fingerprint in the report"
    [ "$a" = "$(fingerprint b.json u)" ] || fail "$name REP: two identical runs differ"
    for t in 2 3; do
        run_ok "$HEAT" "$@" --threads $t --report t$t.json
        [ "$a" = "$(fingerprint t$t.json u)" ] || fail "$name PET: $t threads differ from 1"
    done
    run_ok "$HEAT" "$@" --threads 2 --set run.steps=23 --set run.checkpoint_every=23 \
        --set run.checkpoint_file=k.ckpt
    [ -s k.ckpt ] || fail "$name ERS: no checkpoint written"
    run_ok "$HEAT" "$@" --threads 3 --restart k.ckpt --report r.json
    grep -q '"restart_file": "k.ckpt"' r.json || fail "$name ERS: restart not recorded"
    grep -q '"step_start": 23' r.json || fail "$name ERS: restart did not resume at step 23"
    [ "$a" = "$(fingerprint r.json u)" ] || fail "$name ERS: restarted run differs from the straight run"
    echo "$name: REP PET ERS identical ($a)"
}

check_case 2d-dirichlet --set heat.grid=97x83 --set heat.dt=1e-5 --set heat.mode=2 \
    --set run.steps=60 --set run.verify_every=20
check_case 3d-periodic --set heat.grid=29x23x31 --set heat.dt=5e-5 --set heat.bc=periodic \
    --set heat.init=random --set heat.offset=1 --set run.steps=60
